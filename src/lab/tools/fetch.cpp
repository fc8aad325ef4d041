// tapvs lab tool fetch: the client's HTTP requests, saying which real server answered
// (include/tapvs/lab/tools.hpp).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tapvs/lab/tools.hpp"

namespace tapvs::lab {

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
    int fd = -1;
    std::string local;
    ~Conn() {
        if (fd >= 0) ::close(fd);
    }
};

int ms_left(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

std::string open_conn(const FetchOptions& o, Conn& c, Clock::time_point deadline) {
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return std::strerror(errno);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(o.port);
    if (::inet_pton(AF_INET, o.host.c_str(), &sa.sin_addr) != 1) return "bad-address";
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 && errno != EINPROGRESS)
        return std::strerror(errno);
    pollfd pfd{c.fd, POLLOUT, 0};
    if (::poll(&pfd, 1, ms_left(deadline)) <= 0) return "connect-timeout";
    int e = 0;
    socklen_t len = sizeof e;
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &e, &len);
    if (e != 0) return e == ECONNREFUSED ? "connection-refused" : e == EHOSTUNREACH ? "host-unreachable" : std::strerror(e);
    sockaddr_in me{};
    len = sizeof me;
    ::getsockname(c.fd, reinterpret_cast<sockaddr*>(&me), &len);
    char addr[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &me.sin_addr, addr, sizeof addr);
    c.local = fmt::format("{}:{}", addr, ntohs(me.sin_port));
    return {};
}

std::string send_all(int fd, const std::string& data, Clock::time_point deadline) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t w = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += static_cast<std::size_t>(w);
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) return errno == ECONNRESET ? "reset" : std::strerror(errno);
        pollfd pfd{fd, POLLOUT, 0};
        if (::poll(&pfd, 1, ms_left(deadline)) <= 0) return "send-timeout";
    }
    return {};
}

struct Response {
    int status = 0;
    std::string served_by;
    std::size_t bytes = 0;
    bool close = false;
};

std::string read_response(int fd, Response& r, Clock::time_point deadline) {
    std::string buf;
    std::size_t head_end = std::string::npos, need = 0;
    bool have_length = false;
    for (;;) {
        if (head_end == std::string::npos && (head_end = buf.find("\r\n\r\n")) != std::string::npos) {
            const std::string head = buf.substr(0, head_end);
            if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return "bad-response";
            r.status = std::atoi(head.c_str() + 9);
            std::size_t at = head.find("\r\n");
            while (at != std::string::npos) {
                const std::size_t next = head.find("\r\n", at + 2);
                std::string h = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
                const auto colon = h.find(':');
                std::string name = h.substr(0, colon);
                std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
                std::string value = colon == std::string::npos ? "" : h.substr(colon + 1);
                value.erase(0, value.find_first_not_of(' '));
                if (name == "x-served-by") r.served_by = value;
                if (name == "content-length") need = std::strtoull(value.c_str(), nullptr, 10), have_length = true;
                if (name == "connection" && value == "close") r.close = true;
                at = next;
            }
        }
        if (head_end != std::string::npos && have_length && buf.size() >= head_end + 4 + need) {
            r.bytes = need;
            return {};
        }
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, ms_left(deadline)) <= 0) return head_end == std::string::npos ? "no-answer" : "body-timeout";
        char tmp[65536];
        const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n < 0) return errno == ECONNRESET ? "reset" : std::strerror(errno);
        if (n == 0) {
            if (head_end != std::string::npos && !have_length) {
                r.bytes = buf.size() - head_end - 4;
                return {};
            }
            return "closed";
        }
        buf.append(tmp, static_cast<std::size_t>(n));
    }
}

}  // namespace

int run_fetch(const FetchOptions& o, std::ostream& out, std::ostream&) {
    int failed = 0;
    Conn kept;
    for (int i = 1; i <= o.count; ++i) {
        if (o.keep && i > 1) {
            std::string line;
            if (!std::getline(std::cin, line)) break;  // the lab closed our stdin: done
        }
        const auto t0 = Clock::now();
        const auto deadline = t0 + std::chrono::milliseconds(static_cast<long>(o.timeout * 1000));
        Conn fresh;
        Conn& c = o.keep ? kept : fresh;
        std::string error;
        if (c.fd < 0) error = open_conn(o, c, deadline);
        std::string request = o.upload ? "POST " : "GET ";
        request += fmt::format("{} HTTP/1.1\r\nHost: {}\r\nUser-Agent: tapvs-lab\r\nConnection: {}\r\n", o.path, o.host,
                               o.keep ? "keep-alive" : "close");
        if (o.upload) request += fmt::format("Content-Type: application/octet-stream\r\nContent-Length: {}\r\n", o.upload);
        request += "\r\n";
        if (o.upload) request.append(o.upload, 'x');
        Response r;
        if (error.empty()) error = send_all(c.fd, request, deadline);
        if (error.empty()) error = read_response(c.fd, r, deadline);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (error.empty()) {
            out << fmt::format("#{} served-by={} status={} bytes={} ms={:.1f} local={}\n", i,
                               r.served_by.empty() ? "?" : r.served_by, r.status, r.bytes, ms, c.local);
            if (r.status != 200) ++failed;
        } else {
            out << fmt::format("#{} error={} ms={:.1f} local={}\n", i, error, ms, c.local.empty() ? "-" : c.local);
            ++failed;
        }
        out.flush();
        if (failed && o.stop_on_error) break;
        if (!error.empty() || r.close) {
            if (c.fd >= 0) ::close(c.fd);
            c.fd = -1;
        }
    }
    return failed ? 1 : 0;
}

}  // namespace tapvs::lab
