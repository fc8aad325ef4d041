#include "tapvs/lab/proc.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tapvs::lab {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> v;
    for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
    v.push_back(nullptr);
    return v;
}

// In the child: descriptors in place, every other descriptor closed, a process group of its own.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, int in, int out, int err) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGPIPE, SIG_DFL);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
    auto v = c_argv(argv);
    ::execvp(v[0], v.data());
    const std::string msg = argv[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
}

int decode_status(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return -1;
}

}  // namespace

Ran run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout, const std::string& input) {
    Ran r;
    int out[2], err[2], in[2];
    if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0 || ::pipe2(in, O_CLOEXEC) < 0) {
        r.err = std::strerror(errno);
        return r;
    }
    const pid_t pid = ::fork();
    if (pid == 0) exec_child(argv, in[0], out[1], err[1]);
    ::close(out[1]);
    ::close(err[1]);
    ::close(in[0]);
    if (pid < 0) {
        ::close(out[0]), ::close(err[0]), ::close(in[1]);
        r.err = std::strerror(errno);
        return r;
    }
    ::setpgid(pid, pid);
    if (!input.empty()) (void)!::write(in[1], input.data(), input.size());  // small: fits the pipe
    ::close(in[1]);
    const auto deadline = Clock::now() + timeout;
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            r.timed_out = true;
            ::kill(-pid, SIGKILL);
            break;
        }
        pollfd p[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
        if (::poll(p, 2, static_cast<int>(left)) < 0 && errno != EINTR) break;
        char buf[8192];
        for (int i = 0; i < 2; ++i) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::read(p[i].fd, buf, sizeof buf);
            if (n > 0)
                (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR)
                (i == 0 ? out_open : err_open) = false;
        }
    }
    ::close(out[0]);
    ::close(err[0]);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    r.status = decode_status(st);
    return r;
}

Result<Process, std::string> Process::start(const std::vector<std::string>& argv, const std::string& log,
                                            bool stdin_pipe) {
    const int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (logfd < 0) return Err(log + ": " + std::strerror(errno));
    int in[2] = {-1, -1};
    if (stdin_pipe ? ::pipe2(in, O_CLOEXEC) < 0 : (in[0] = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        ::close(logfd);
        return Err(std::string("pipe: ") + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid == 0) exec_child(argv, in[0], logfd, logfd);
    ::close(logfd);
    ::close(in[0]);
    if (pid < 0) {
        if (in[1] >= 0) ::close(in[1]);
        return Err(std::string("fork: ") + std::strerror(errno));
    }
    ::setpgid(pid, pid);
    Process p;
    p.pid_ = pid;
    p.stdin_fd_ = in[1];
    p.log_ = log;
    return p;
}

Process::Process(Process&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), stdin_fd_(std::exchange(o.stdin_fd_, -1)), status_(o.status_),
      log_(std::move(o.log_)) {}

Process& Process::operator=(Process&& o) noexcept {
    if (this != &o) {
        stop();
        pid_ = std::exchange(o.pid_, -1);
        stdin_fd_ = std::exchange(o.stdin_fd_, -1);
        status_ = o.status_;
        log_ = std::move(o.log_);
    }
    return *this;
}

Process::~Process() { stop(); }

bool Process::running() {
    if (pid_ < 0) return false;
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
        status_ = decode_status(st);
        pid_ = -1;
        return false;
    }
    return r == 0;
}

std::string Process::read_log() const {
    std::ifstream in(log_, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool Process::wait_for_line(const std::string& line, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const std::string text = "\n" + read_log();
        if (text.find("\n" + line + "\n") != std::string::npos) return true;
        if (!running() || Clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

bool Process::wait_for_lines(std::size_t n, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const std::string text = read_log();
        if (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) >= n) return true;
        if (!running() || Clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

bool Process::write_line(const std::string& s) {
    if (stdin_fd_ < 0) return false;
    const std::string l = s + "\n";
    return ::write(stdin_fd_, l.data(), l.size()) == static_cast<ssize_t>(l.size());
}

int Process::stop(std::chrono::milliseconds grace) {
    if (stdin_fd_ >= 0) ::close(stdin_fd_), stdin_fd_ = -1;
    if (pid_ < 0) return status_;
    ::kill(-pid_, SIGTERM);
    const auto deadline = Clock::now() + grace;
    while (running()) {
        if (Clock::now() > deadline) {
            ::kill(-pid_, SIGKILL);
            int st = 0;
            while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {}
            status_ = decode_status(st);
            pid_ = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
}

namespace {
std::atomic<Interruption*> g_innermost{nullptr};  // what handle() reaches; lock-free, so signal-safe
static_assert(std::atomic<Interruption*>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);
}  // namespace

void Interruption::handle(int) noexcept {
    if (Interruption* i = g_innermost.load(std::memory_order_relaxed)) i->flag_.store(true, std::memory_order_relaxed);
}

Interruption::Interruption() : outer_(g_innermost.exchange(this)) {
    struct sigaction sa {};
    sa.sa_handler = &Interruption::handle;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
}

Interruption::~Interruption() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    g_innermost.store(outer_);
}

std::string self_exe() {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("tapvs");
}

bool have_program(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
    std::size_t at = 0;
    while (at <= p.size()) {
        const std::size_t colon = p.find(':', at);
        const std::string dir = p.substr(at, colon == std::string::npos ? std::string::npos : colon - at);
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
        if (colon == std::string::npos) break;
        at = colon + 1;
    }
    return false;
}

}  // namespace tapvs::lab
