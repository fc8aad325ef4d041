// tapvs lab tool web: the real servers' web server (include/tapvs/lab/tools.hpp).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/tools/stop_signal.hpp"
#include "tapvs/lab/tools.hpp"

namespace tapvs::lab {

namespace {

constexpr std::size_t kMaxHeader = 16 * 1024;
constexpr std::size_t kMaxBody = 256u << 20;
constexpr int kIdleMs = 30000;  // a kept-alive connection with nothing to say is closed after this

std::mutex g_log_mutex;

bool send_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

// Reads more bytes into buf; false on EOF, error or idle timeout.
bool read_more(int fd, std::string& buf) {
    pollfd pfd{fd, POLLIN, 0};
    const int r = ::poll(&pfd, 1, kIdleMs);
    if (r <= 0) return false;
    char tmp[65536];
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(n));
    return true;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string content_type(const std::filesystem::path& p) {
    const std::string ext = lower(p.extension().string());
    if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".css") return "text/css";
    return "application/octet-stream";
}

struct Answer {
    int status = 200;
    std::string reason = "OK";
    std::string type = "text/plain; charset=utf-8";
    std::string body;
};

Answer get(const WebOptions& o, std::string path) {
    Answer a;
    if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
    if (path.empty() || path[0] != '/' || path.find("..") != std::string::npos || path.find('\0') != std::string::npos) {
        a.status = 400, a.reason = "Bad Request", a.body = o.name + ": bad path\n";
        return a;
    }
    if (path.back() == '/') path += "index.html";
    const std::filesystem::path file = std::filesystem::path(o.root) / path.substr(1);
    std::ifstream in(file, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(file, ec)) {
        a.status = 404, a.reason = "Not Found", a.body = o.name + ": not found: " + path + "\n";
        return a;
    }
    a.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    a.type = content_type(file);
    if (a.type.starts_with("text/html"))
        for (std::size_t at; (at = a.body.find("{{server}}")) != std::string::npos;) a.body.replace(at, 10, o.name);
    return a;
}

void serve(const WebOptions& o, int fd, std::string peer) {
    std::string buf;
    for (;;) {
        std::size_t end;
        while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
            if (buf.size() > kMaxHeader || !read_more(fd, buf)) {
                ::close(fd);
                return;
            }
        }
        const std::string head = buf.substr(0, end);
        buf.erase(0, end + 4);
        const auto line_end = head.find("\r\n");
        const std::string request_line = head.substr(0, line_end);
        const auto sp1 = request_line.find(' ');
        const auto sp2 = request_line.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
        std::string method = request_line.substr(0, sp1);
        std::string path = sp1 == std::string::npos ? "" : request_line.substr(sp1 + 1, sp2 - sp1 - 1);
        const std::string version = sp2 == std::string::npos ? "" : request_line.substr(sp2 + 1);
        std::size_t content_length = 0;
        bool keep = version == "HTTP/1.1";
        for (std::size_t at = line_end; at != std::string::npos && at < head.size();) {
            const std::size_t next = head.find("\r\n", at + 2);
            const std::string h = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
            const auto colon = h.find(':');
            if (colon != std::string::npos) {
                const std::string name = lower(h.substr(0, colon));
                std::string value = h.substr(colon + 1);
                value.erase(0, value.find_first_not_of(' '));
                if (name == "content-length") content_length = std::strtoull(value.c_str(), nullptr, 10);
                if (name == "connection") keep = lower(value) != "close";
            }
            at = next;
        }
        Answer a;
        if (content_length > kMaxBody) {
            a.status = 413, a.reason = "Payload Too Large", a.body = o.name + ": too large\n";
            keep = false;
        } else {
            std::size_t got = std::min(buf.size(), content_length);
            buf.erase(0, got);
            while (got < content_length) {
                std::string more;
                if (!read_more(fd, more)) {
                    ::close(fd);
                    return;
                }
                const std::size_t take = std::min(more.size(), content_length - got);
                got += take;
                buf.append(more, take, std::string::npos);
            }
            if (method == "GET" || method == "HEAD")
                a = get(o, path);
            else if (method == "POST")
                a.body = fmt::format("{} received {} bytes\n", o.name, content_length);
            else
                a.status = 405, a.reason = "Method Not Allowed", a.body = o.name + ": method not allowed\n";
        }
        const std::string header = fmt::format(
            "HTTP/1.1 {} {}\r\nServer: tapvs-web\r\nX-Served-By: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
            "Connection: {}\r\n\r\n",
            a.status, a.reason, o.name, a.type, a.body.size(), keep ? "keep-alive" : "close");
        const bool ok = send_all(fd, header.data(), header.size()) &&
                        (method == "HEAD" || send_all(fd, a.body.data(), a.body.size()));
        {
            std::lock_guard<std::mutex> lock(g_log_mutex);
            std::cout << fmt::format("{} {} {} {} {} {}\n", o.name, peer, method, path, a.status, a.body.size())
                      << std::flush;
        }
        if (!ok || !keep) break;
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

}  // namespace

int run_web(const WebOptions& o, std::ostream& out, std::ostream& err) {
    catch_stop_signals();
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(o.port);
    if (::inet_pton(AF_INET, o.bind.c_str(), &sa.sin_addr) != 1) {
        err << "tapvs lab tool web: bad address " << o.bind << "\n";
        return 2;
    }
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 || ::listen(s, 128) < 0) {
        err << fmt::format("tapvs lab tool web: {}:{}: {}\n", o.bind, o.port, std::strerror(errno));
        return 1;
    }
    out << "ready" << std::endl;
    while (!g_stop) {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        const int c = ::accept4(s, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
        if (c < 0) continue;  // EINTR (a stop signal) or a connection that went away
        char addr[INET_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof addr);
        std::thread(serve, o, c, fmt::format("{}:{}", addr, ntohs(peer.sin_port))).detach();
    }
    ::close(s);
    return 0;
}

}  // namespace tapvs::lab
