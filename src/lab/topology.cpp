#include "tapvs/lab/topology.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tapvs::lab {

namespace fs = std::filesystem;

namespace {

constexpr auto kIpTimeout = std::chrono::milliseconds(10000);

std::string random_id() {
    std::random_device rd;
    return fmt::format("{:06x}", rd() & 0xffffff);
}

// The namespaces of run `id` that exist now (`ip netns` keeps them as files in /run/netns).
std::vector<std::string> run_namespaces(const std::string& id) {
    std::vector<std::string> v;
    std::error_code ec;
    const std::string prefix = fmt::format("tapvs-{}-", id);
    for (const auto& e : fs::directory_iterator("/run/netns", ec))
        if (e.path().filename().string().starts_with(prefix)) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
}

// The inodes of namespaces (what /proc/PID/ns/net of a process inside one links to).
std::set<ino_t> inodes_of(const std::vector<std::string>& nses) {
    std::set<ino_t> inodes;
    for (const auto& ns : nses) {
        struct stat st {};
        if (::stat(("/run/netns/" + ns).c_str(), &st) == 0) inodes.insert(st.st_ino);
    }
    return inodes;
}

// The processes inside a namespace of `inodes` (their /proc/PID/ns/net) or whose command line names
// `work`; the calling process is never one of them.
std::vector<std::pair<pid_t, std::string>> run_processes(const std::set<ino_t>& inodes, const std::string& work) {
    std::vector<std::pair<pid_t, std::string>> v;
    std::error_code ec;
    for (auto it = fs::directory_iterator("/proc", ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(name));
        if (pid == ::getpid()) continue;
        struct stat st {};
        const bool inside = ::stat((it->path() / "ns/net").c_str(), &st) == 0 && inodes.count(st.st_ino);
        std::ifstream in(it->path() / "cmdline", std::ios::binary);
        std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::replace(cmd.begin(), cmd.end(), '\0', ' ');
        if (inside || (!work.empty() && cmd.find(work) != std::string::npos)) v.emplace_back(pid, cmd);
    }
    return v;
}

// Runs `fn` in a child that has joined `ns`; the child's exit status (0 = fine, else an errno).
template <class Fn>
int in_child_of_netns(const std::string& ns, Fn fn) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) < 0) ::_exit(errno ? errno : 1);
        ::_exit(fn());
    }
    if (pid < 0) return errno;
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

}  // namespace

bool under_proc_sys_net(const std::string& path) {
    if (path.empty() || path[0] != '/') return false;
    const auto inside = [](const fs::path& p) {
        const std::string s = p.string();
        return s.starts_with("/proc/sys/net/") && s.size() > 14;
    };
    // The words first, so that nothing outside is ever looked at; then the symbolic links.
    const fs::path lexical = fs::path(path).lexically_normal();
    if (!inside(lexical)) return false;
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(lexical, ec);
    return !ec && inside(real);
}

std::vector<std::string> in_netns(const std::string& ns, std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns});
    return argv;
}

std::string netns_write(const std::string& ns, const std::string& path, const std::string& value) {
    if (!under_proc_sys_net(path)) return path + ": only files under /proc/sys/net are written";
    const int rc = in_child_of_netns(ns, [&] {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) return errno;
        const std::string v = value + "\n";
        const ssize_t n = ::write(fd, v.data(), v.size());
        const int e = n < 0 ? errno : 0;
        ::close(fd);
        return e;
    });
    return rc == 0 ? std::string() : fmt::format("{}: {}", path, std::strerror(rc));
}

Result<std::string, std::string> netns_read(const std::string& ns, const std::string& path) {
    if (!under_proc_sys_net(path)) return Err(path + ": only files under /proc/sys/net are read");
    int p[2];
    if (::pipe(p) < 0) return Err(std::string(std::strerror(errno)));
    const int rc = in_child_of_netns(ns, [&] {
        ::close(p[0]);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return errno;
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) (void)!::write(p[1], buf, static_cast<std::size_t>(n));
        return n < 0 ? errno : 0;
    });
    ::close(p[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    ::close(p[0]);
    if (rc != 0) return Err(fmt::format("{}: {}", path, std::strerror(rc)));
    return text;
}

std::string Topology::run_ip(std::vector<std::string> args, std::ostream& log) {
    args.insert(args.begin(), "ip");
    std::string line;
    for (const auto& a : args) line += (line.empty() ? "" : " ") + a;
    log << "  " << line << "\n";
    const Ran r = run(args, kIpTimeout);
    if (r.status == 0) return {};
    return fmt::format("`{}' failed: {}", line, r.err.empty() ? fmt::format("status {}", r.status) : r.err);
}

std::string new_run_id() {
    for (;;) {
        const std::string id = random_id();
        std::error_code ec;
        if (run_namespaces(id).empty() && !fs::exists(fmt::format("{}/{}.state", kLabRunDir, id), ec) &&
            !fs::exists(fmt::format("{}/{}", kLabRunDir, id), ec))
            return id;
    }
}

Result<std::unique_ptr<Topology>, std::string> Topology::build(const Lab& lab, std::ostream& log,
                                                               const BuildOptions& options) {
    if (!have_program("ip")) return Err(std::string("`ip' (iproute2) is not installed: apt-get install iproute2"));
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) return Err(std::string("/dev/net/tun is not usable (root? the tun module?)"));
    std::unique_ptr<Topology> t(new Topology());
    t->id_ = options.id.empty() ? new_run_id() : options.id;
    t->lab_name_ = lab.name;
    t->work_ = fmt::format("{}/{}", kLabRunDir, t->id_);
    std::error_code ec;
    // Another run ending at the same time removes kLabRunDir when it finds it empty: try again once.
    if (!fs::create_directories(t->work_, ec) && !fs::is_directory(t->work_)) fs::create_directories(t->work_, ec);
    if (ec && !fs::is_directory(t->work_)) return Err(fmt::format("{}: {}", t->work_, ec.message()));
    t->bridge_ns_ = fmt::format("tapvs-{}-net", t->id_);
    for (const auto& h : lab.hosts) t->host_ns_[h.name] = fmt::format("tapvs-{}-{}", t->id_, h.name);
    t->write_state();

    auto fail = [&](std::string e) -> Result<std::unique_ptr<Topology>, std::string> {
        t->tear_down();
        return Err(std::move(e));
    };
    std::vector<std::string> all{t->bridge_ns_};
    for (const auto& h : lab.hosts) all.push_back(t->host_ns_[h.name]);
    for (const auto& ns : all) {
        if (auto e = t->run_ip({"netns", "add", ns}, log); !e.empty()) return fail(e);
        t->namespaces_.push_back(ns);
        t->write_state();
        // IPv6 off before any interface exists: no router solicitations or DAD in the captures.
        netns_write(ns, "/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
        netns_write(ns, "/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
        if (auto e = t->run_ip({"-n", ns, "link", "set", "lo", "up"}, log); !e.empty()) return fail(e);
    }
    // Bridged frames must not meet iptables (MACHINE_NOTES: bridge netfilter); per namespace where the
    // kernel has it so, and harmless where it has not.
    netns_write(t->bridge_ns_, "/proc/sys/net/bridge/bridge-nf-call-iptables", "0");

    // A fresh machine's sysctls, before its interfaces exist so that they inherit `default`.
    for (const auto& h : lab.hosts) {
        if (!options.fresh.count(h.name)) continue;
        for (const char* key : {"all", "default"})
            if (auto e = netns_write(t->host_ns_[h.name], fmt::format("/proc/sys/net/ipv4/conf/{}/rp_filter", key), "1");
                !e.empty())
                return fail(e);
    }
    std::map<std::string, std::string> bridge_of;
    int k = 0;
    for (const auto& s : lab.segments) {
        const std::string br = fmt::format("br{}", k++);
        bridge_of[s.name] = br;
        if (auto e = t->run_ip({"-n", t->bridge_ns_, "link", "add", br, "type", "bridge", "stp_state", "0",
                                "forward_delay", "0"},
                               log);
            !e.empty())
            return fail(e);
        if (auto e = t->run_ip({"-n", t->bridge_ns_, "link", "set", br, "up"}, log); !e.empty()) return fail(e);
    }
    for (const auto& p : lab.director) {
        const std::string tap = t->tap_of(p.name);
        if (auto e = t->run_ip({"-n", t->bridge_ns_, "tuntap", "add", "dev", tap, "mode", "tap"}, log); !e.empty())
            return fail(e);
        if (auto e = t->run_ip({"-n", t->bridge_ns_, "link", "set", tap, "master", bridge_of[p.segment], "up"}, log);
            !e.empty())
            return fail(e);
    }
    int v = 0;
    for (const auto& h : lab.hosts) {
        const std::string& ns = t->host_ns_[h.name];
        for (const auto& i : h.ifaces) {
            const std::string veth = fmt::format("v{}-{}", v++, h.name);
            if (auto e = t->run_ip({"-n", t->bridge_ns_, "link", "add", veth, "type", "veth", "peer", "name", i.name,
                                    "netns", ns},
                                   log);
                !e.empty())
                return fail(e);
            if (auto e = t->run_ip({"-n", t->bridge_ns_, "link", "set", veth, "master", bridge_of[i.segment], "up"}, log);
                !e.empty())
                return fail(e);
            if (options.fresh.count(h.name)) continue;  // down, no address: the student's lines do the rest
            if (auto e = t->run_ip({"-n", ns, "addr", "add", i.addr, "dev", i.name}, log); !e.empty()) return fail(e);
            if (auto e = t->run_ip({"-n", ns, "link", "set", i.name, "up"}, log); !e.empty()) return fail(e);
        }
    }
    return t;
}

Topology::~Topology() { tear_down(); }

std::string Topology::ns_of(const std::string& host) const {
    auto it = host_ns_.find(host);
    return it == host_ns_.end() ? std::string() : it->second;
}

std::string Topology::mac_of(const std::string& host, const std::string& iface) const {
    const Ran r = run({"ip", "-n", ns_of(host), "-o", "link", "show", "dev", iface}, kIpTimeout);
    const auto at = r.out.find("link/ether ");
    return at == std::string::npos ? std::string() : r.out.substr(at + 11, 17);
}

void Topology::adopt(Process p, const std::string& what) {
    procs_.emplace_back(what, std::move(p));
    write_state();
}

void Topology::write_state() const {
    std::ofstream f(fmt::format("{}/{}.state", kLabRunDir, id_), std::ios::trunc);
    f << "lab " << lab_name_ << "\nwork " << work_ << "\n";
    for (const auto& [w, p] : procs_)
        if (p.pid() > 0) f << "pid " << p.pid() << "\n";
    for (pid_t pid : kept_pids_) f << "pid " << pid << "\n";
    for (const auto& ns : namespaces_) f << "netns " << ns << "\n";
}

void Topology::tear_down() {
    if (down_) return;
    down_ = true;
    if (kept_) {
        for (auto& [w, p] : procs_)
            if (p.pid() > 0) kept_pids_.push_back(p.pid()), p.detach();
        write_state();
        return;
    }
    // Clients and helpers first, the director last (it prints its counters and closes its recording).
    for (auto it = procs_.rbegin(); it != procs_.rend(); ++it) it->second.stop();
    procs_.clear();
    for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it) run({"ip", "netns", "del", *it}, kIpTimeout);
    namespaces_.clear();
    std::error_code ec;
    fs::remove_all(work_, ec);
    fs::remove(fmt::format("{}/{}.state", kLabRunDir, id_), ec);
    fs::remove(kLabRunDir, ec);     // only if empty: another run may be up
    fs::remove("/run/tapvs", ec);   // likewise
}

namespace {

struct RunState {  // what a state file says (its pid lines are for people: remove_run finds processes itself)
    std::string lab, work;
    std::vector<std::string> nses;
};

RunState read_state(const std::string& id) {
    RunState r;
    std::ifstream in(fmt::format("{}/{}.state", kLabRunDir, id));
    for (std::string line; std::getline(in, line);) {
        std::istringstream l(line);
        std::string k, v;
        l >> k >> v;
        if (k == "lab") r.lab = v;
        if (k == "work") r.work = v;
        if (k == "netns") r.nses.push_back(v);
    }
    return r;
}

bool is_run_id(const std::string& id) {
    return id.size() == 6 && std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

Removal remove_run(const std::string& id) {
    Removal r;
    if (!is_run_id(id)) return r;
    RunState st = read_state(id);
    const std::string work = fmt::format("{}/{}", kLabRunDir, id);
    for (const auto& ns : run_namespaces(id))
        if (std::find(st.nses.begin(), st.nses.end(), ns) == st.nses.end()) st.nses.push_back(ns);
    // Whatever runs inside the run's namespaces (the director, the servers, the captures, a
    // command on its way), and anything started from its work directory: SIGTERM first (the
    // director closes its recording), SIGKILL half a second later, and gone before the namespaces go.
    const std::set<ino_t> inodes = inodes_of(st.nses);
    std::set<pid_t> killed;
    for (const auto& [pid, cmd] : run_processes(inodes, work)) ::kill(pid, SIGTERM), killed.insert(pid);
    for (int i = 0; i < 50 && !run_processes(inodes, work).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (int i = 0; i < 100; ++i) {
        const auto left = run_processes(inodes, work);
        if (left.empty()) break;
        for (const auto& [pid, cmd] : left) ::kill(pid, SIGKILL), killed.insert(pid);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!killed.empty()) r.removed.push_back(fmt::format("{} processes", killed.size()));
    for (auto it = st.nses.rbegin(); it != st.nses.rend(); ++it)
        if (run({"ip", "netns", "del", *it}, kIpTimeout).status == 0) r.removed.push_back("namespace " + *it);
    std::error_code ec;
    if (fs::exists(work, ec)) fs::remove_all(work, ec), r.removed.push_back("directory " + work);
    if (fs::remove(fmt::format("{}/{}.state", kLabRunDir, id), ec)) r.removed.push_back("its state file");
    fs::remove(kLabRunDir, ec);  // only if empty: another run may be up
    fs::remove("/run/tapvs", ec);
    // What is still there: namespaces, processes holding one (even deleted: by the inodes taken
    // before), the work directory, the state file.
    for (const auto& ns : run_namespaces(id)) r.left.push_back("namespace " + ns);
    for (const auto& [pid, cmd] : run_processes(inodes, work)) r.left.push_back(fmt::format("process {} ({})", pid, cmd));
    if (fs::exists(work, ec)) r.left.push_back("directory " + work);
    if (fs::exists(fmt::format("{}/{}.state", kLabRunDir, id), ec)) r.left.push_back(fmt::format("{}/{}.state", kLabRunDir, id));
    return r;
}

int lab_down(const std::string& name, std::ostream& out, std::ostream& err) {
    std::error_code ec;
    int removed = 0;
    std::vector<std::string> ids;
    if (fs::is_directory(kLabRunDir, ec))
        for (const auto& e : fs::directory_iterator(kLabRunDir, ec))
            if (e.path().extension() == ".state") ids.push_back(e.path().stem().string());
    for (const auto& id : ids) {
        const RunState st = read_state(id);
        if (!name.empty() && st.lab != name) continue;
        const auto done = remove_run(id);
        out << fmt::format("tapvs lab down: removed run {} of lab {} ({})\n", id, st.lab,
                           done.removed.empty() ? std::string("nothing was left") : fmt::format("{}", fmt::join(done.removed, ", ")));
        for (const auto& what : done.left) err << "tapvs lab down: could not remove " << what << "\n";
        ++removed;
    }
    if (name.empty()) {  // namespaces of runs whose state file is gone too
        const Ran r = run({"ip", "netns", "list"}, kIpTimeout);
        std::istringstream in(r.out);
        std::set<std::string> orphans;
        for (std::string line; std::getline(in, line);) {
            const std::string ns = line.substr(0, line.find(' '));
            if (ns.starts_with("tapvs-") && ns.size() >= 13 && is_run_id(ns.substr(6, 6))) orphans.insert(ns.substr(6, 6));
        }
        for (const auto& id : orphans)
            for (const auto& what : remove_run(id).removed)
                if (what.starts_with("namespace ")) out << "tapvs lab down: removed " << what << "\n", ++removed;
    }
    fs::remove(kLabRunDir, ec);  // only if empty
    fs::remove("/run/tapvs", ec);
    if (removed == 0) out << "tapvs lab down: nothing to remove\n";
    return 0;
}

}  // namespace tapvs::lab
