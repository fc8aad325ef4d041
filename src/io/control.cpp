#include "tapvs/io/control.hpp"

// Boost 1.74's Asio uses std::exchange without including <utility> (g++ 12, C++20).
#include <utility>

#include <boost/asio.hpp>

#include <array>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <variant>

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tapvs/ctl/config.hpp"
#include "tapvs/ctl/execute.hpp"
#include "tapvs/ctl/ipvs_text.hpp"
#include "tapvs/ctl/ipvsadm.hpp"

namespace tapvs::io {

namespace {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

constexpr const char* kDefaultSocket = "/run/tapvs/tapvs.sock";

void put_u32(std::string& s, std::uint32_t v) {
    s.push_back(static_cast<char>((v >> 24) & 0xff));
    s.push_back(static_cast<char>((v >> 16) & 0xff));
    s.push_back(static_cast<char>((v >> 8) & 0xff));
    s.push_back(static_cast<char>(v & 0xff));
}

std::uint32_t load_u32(const char* p) {
    const auto b = [p](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])); };
    return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

// Reads the body of a frame front to back; any overrun makes it fail.
class Reader {
public:
    explicit Reader(std::string_view s) : s_(s) {}
    bool u8(std::uint8_t& v) {
        if (s_.size() - pos_ < 1) return false;
        v = static_cast<std::uint8_t>(s_[pos_++]);
        return true;
    }
    bool u32(std::uint32_t& v) {
        if (s_.size() - pos_ < 4) return false;
        v = load_u32(s_.data() + pos_);
        pos_ += 4;
        return true;
    }
    bool bytes(std::string& out) {
        std::uint32_t n = 0;
        if (!u32(n) || s_.size() - pos_ < n) return false;
        out.assign(s_.data() + pos_, n);
        pos_ += n;
        return true;
    }
    bool done() const { return pos_ == s_.size(); }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

std::string frame(std::string body) {
    std::string out;
    out.reserve(body.size() + 4);
    put_u32(out, static_cast<std::uint32_t>(body.size()));
    out += body;
    return out;
}

ctl::Reply control_error(std::string msg) { return ctl::Reply{1, {}, "tapvs: control: " + msg + "\n"}; }

// A word as the configuration language reads it back: as is when plain, else in single quotes. A
// request's word ">" is the redirection (parse_command_multi's string form), so it stays bare.
std::string shell_word(const std::string& w) {
    if (w == ">") return w;
    const bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) {
        return std::isalnum(c) || std::strchr("_./:=,+@%-", c) != nullptr;
    });
    if (plain && w[0] != '@') return w;
    std::string q = "'";
    for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string join_words(std::span<const std::string> words) {
    std::string line;
    for (const auto& w : words) line += (line.empty() ? "" : " ") + shell_word(w);
    return line;
}

// What only reads: ipvsadm -L/-S/-h/-v, sysctl and /proc reads, ip ... show.
bool reads_only(const ctl::Command& c) {
    return std::holds_alternative<ctl::cmd::List>(c) || std::holds_alternative<ctl::cmd::Save>(c) ||
           std::holds_alternative<ctl::cmd::Help>(c) || std::holds_alternative<ctl::cmd::Version>(c) ||
           std::holds_alternative<ctl::cmd::SysctlGet>(c) || std::holds_alternative<ctl::cmd::Show>(c);
}

void append(ctl::Reply& to, const ctl::Reply& r) {
    to.status = r.status;
    to.out += r.out;
    to.err += r.err;
}

}  // namespace

std::string encode_request(const ControlRequest& req) {
    std::string body;
    body.push_back(static_cast<char>(kControlVersion));
    put_u32(body, static_cast<std::uint32_t>(req.words.size()));
    for (const auto& w : req.words) {
        put_u32(body, static_cast<std::uint32_t>(w.size()));
        body += w;
    }
    body.push_back(req.payload ? '\1' : '\0');
    if (req.payload) {
        put_u32(body, static_cast<std::uint32_t>(req.payload->size()));
        body += *req.payload;
    }
    return frame(std::move(body));
}

Result<ControlRequest, std::string> decode_request(std::string_view body) {
    Reader r(body);
    std::uint8_t version = 0;
    if (!r.u8(version)) return Err{std::string("empty request")};
    if (version != kControlVersion) return Err{fmt::format("protocol version {} is not {}", version, kControlVersion)};
    std::uint32_t n = 0;
    if (!r.u32(n)) return Err{std::string("malformed request: no word count")};
    if (n == 0) return Err{std::string("malformed request: no command")};
    if (n > body.size()) return Err{fmt::format("malformed request: {} words in {} bytes", n, body.size())};
    ControlRequest req;
    req.words.resize(n);
    for (auto& w : req.words)
        if (!r.bytes(w)) return Err{std::string("malformed request: a word runs past the end")};
    std::uint8_t has_payload = 0;
    if (!r.u8(has_payload) || has_payload > 1) return Err{std::string("malformed request: bad payload flag")};
    if (has_payload) {
        req.payload.emplace();
        if (!r.bytes(*req.payload)) return Err{std::string("malformed request: the payload runs past the end")};
    }
    if (!r.done()) return Err{std::string("malformed request: bytes after the end")};
    return req;
}

std::string encode_reply(const ctl::Reply& reply) {
    std::string body;
    put_u32(body, static_cast<std::uint32_t>(reply.status));
    put_u32(body, static_cast<std::uint32_t>(reply.out.size()));
    body += reply.out;
    put_u32(body, static_cast<std::uint32_t>(reply.err.size()));
    body += reply.err;
    return frame(std::move(body));
}

Result<ctl::Reply, std::string> decode_reply(std::string_view body) {
    Reader r(body);
    std::uint32_t status = 0;
    ctl::Reply reply;
    if (!r.u32(status) || !r.bytes(reply.out) || !r.bytes(reply.err) || !r.done())
        return Err{std::string("malformed reply")};
    reply.status = static_cast<int>(status);
    return reply;
}

std::string control_socket_path(const std::string& explicit_path) {
    if (!explicit_path.empty()) return explicit_path;
    const char* env = std::getenv("TAPVS_SOCKET");
    if (env && *env) return env;
    return kDefaultSocket;
}

ctl::Reply serve_request(core::Engine& engine, const ControlRequest& req, core::Timestamp now) {
    if (req.words.empty()) return control_error("no command");
    ctl::IpvsadmContext ctx;
    ctx.program = req.words[0];  // ipvsadm prints argv[0] in its usage text
    if (ctl::is_ipvsadm(req.words[0])) {
        const std::span<const std::string> args(req.words.data() + 1, req.words.size() - 1);
        auto parsed = ctl::parse_ipvsadm(args, ctx);
        if (!parsed) return parsed.error();
        // ipvsadm.c: -R reads the rules from standard input (restore_table()).
        if (std::holds_alternative<ctl::cmd::Restore>(*parsed))
            return ctl::execute_ipvsadm_restore(engine.ipvs(), req.payload.value_or(std::string{}), now, ctx);
        return ctl::execute(engine, *parsed, now, ctx);
    }
    auto parsed = ctl::parse_command_multi(std::span<const std::string>(req.words), ctx);
    if (!parsed) return parsed.error();
    ctl::Reply all;
    for (const auto& cmd : *parsed) {
        append(all, ctl::execute(engine, cmd, now, ctx));
        if (all.status != 0) break;
    }
    return all;
}

std::vector<std::string> recordable_lines(const ControlRequest& req) {
    std::vector<std::string> lines;
    if (req.words.empty()) return lines;
    if (ctl::is_ipvsadm(req.words[0])) {
        const std::span<const std::string> args(req.words.data() + 1, req.words.size() - 1);
        auto parsed = ctl::parse_ipvsadm(args);
        if (!parsed || reads_only(*parsed)) return lines;
        if (std::holds_alternative<ctl::cmd::Restore>(*parsed)) {
            for (const auto& w : ctl::split_ipvsadm_restore(req.payload.value_or(std::string{})))
                lines.push_back("ipvsadm " + join_words(w));
            return lines;
        }
        lines.push_back("ipvsadm " + join_words(args));
        return lines;
    }
    auto parsed = ctl::parse_command_multi(std::span<const std::string>(req.words));
    if (!parsed || std::all_of(parsed->begin(), parsed->end(), reads_only)) return lines;
    lines.push_back(join_words(req.words));
    return lines;
}

// ---- the server ----

struct ControlServer::Impl : std::enable_shared_from_this<ControlServer::Impl> {
    Impl(asio::io_context& io, Handler h, Options o) : io_(io), acceptor(io), handler(std::move(h)), opts(o) {}

    asio::io_context& io_;
    local::acceptor acceptor;
    Handler handler;
    Options opts;
    bool closed = false;
    std::vector<std::weak_ptr<local::socket>> live;  // open connections, closed with the server

    void accept();
};

namespace {

// One connection: header, body, handler, reply, then drain until the client closes. One timer
// bounds the whole of it.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(std::shared_ptr<ControlServer::Impl> srv, local::socket sock)
        : srv_(std::move(srv)), sock_(std::make_shared<local::socket>(std::move(sock))), timer_(srv_->io_) {}

    void start() {
        srv_->live.push_back(sock_);
        auto self = shared_from_this();
        timer_.expires_after(srv_->opts.timeout);
        timer_.async_wait([self](const boost::system::error_code& ec) {
            if (ec == asio::error::operation_aborted) return;
            self->on_timeout();
        });
        asio::async_read(*sock_, asio::buffer(head_), [self](const boost::system::error_code& ec, std::size_t) {
            self->on_head(ec);
        });
    }

private:
    void on_timeout() {
        timed_out_ = true;
        if (!replying_) {
            boost::system::error_code ignored;
            sock_->cancel(ignored);  // the pending read ends with operation_aborted: the error reply follows
        } else {
            close();
        }
    }

    void on_head(const boost::system::error_code& ec) {
        if (ec) return fail_read(ec);
        const std::uint32_t n = load_u32(head_.data());
        if (n > kMaxRequest)
            return reject(fmt::format("request of {} bytes is over the limit of {} bytes", n, kMaxRequest));
        body_.resize(n);
        auto self = shared_from_this();
        asio::async_read(*sock_, asio::buffer(body_), [self](const boost::system::error_code& e, std::size_t) {
            self->on_body(e);
        });
    }

    void on_body(const boost::system::error_code& ec) {
        if (ec) return fail_read(ec);
        auto req = decode_request(body_);
        if (!req) return reject(req.error());
        ctl::Reply reply;
        try {
            reply = srv_->handler(*req);
        } catch (const std::exception& e) {  // the engine outlives one bad request
            reply = control_error(fmt::format("internal error: {}", e.what()));
        }
        send(reply);
    }

    void fail_read(const boost::system::error_code& ec) {
        if (timed_out_) return reject(fmt::format("no complete request within {} ms", srv_->opts.timeout.count()));
        if (ec == asio::error::operation_aborted) return;  // the server is closing
        close();  // the client went away: nobody to answer
    }

    void reject(const std::string& msg) {
        send(control_error(msg));
    }

    void send(const ctl::Reply& reply) {
        replying_ = true;
        out_ = encode_reply(reply);
        if (timed_out_) {  // a fresh, short bound for the error reply itself
            timed_out_ = false;
            timer_.expires_after(srv_->opts.timeout);
            auto self = shared_from_this();
            timer_.async_wait([self](const boost::system::error_code& ec) {
                if (ec == asio::error::operation_aborted) return;
                self->close();
            });
        }
        auto self = shared_from_this();
        asio::async_write(*sock_, asio::buffer(out_), [self](const boost::system::error_code& ec, std::size_t) {
            if (ec) return self->close();
            boost::system::error_code ignored;
            self->sock_->shutdown(local::socket::shutdown_send, ignored);
            self->drain();
        });
    }

    // Reads what the client still sends (the rest of an oversized request) until it closes, so it
    // gets the reply rather than a reset.
    void drain() {
        auto self = shared_from_this();
        sock_->async_read_some(asio::buffer(scratch_), [self](const boost::system::error_code& ec, std::size_t) {
            if (ec) return self->close();
            self->drain();
        });
    }

    void close() {
        boost::system::error_code ignored;
        timer_.cancel();
        sock_->close(ignored);
    }

    std::shared_ptr<ControlServer::Impl> srv_;
    std::shared_ptr<local::socket> sock_;
    asio::steady_timer timer_;
    std::array<char, 4> head_{};
    std::string body_;
    std::string out_;
    std::array<char, 4096> scratch_{};
    bool timed_out_ = false;
    bool replying_ = false;
};

// True when something answers on `path` (a running engine).
bool someone_listens(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.data(), path.size());
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

void ControlServer::Impl::accept() {
    auto self = shared_from_this();
    acceptor.async_accept([self](const boost::system::error_code& ec, local::socket sock) {
        if (self->closed) return;
        if (!ec) {
            std::erase_if(self->live, [](const auto& w) { return w.expired(); });
            std::make_shared<Session>(self, std::move(sock))->start();
        }
        self->accept();
    });
}

Result<std::unique_ptr<ControlServer>, std::string> ControlServer::open(asio::io_context& io, const std::string& path,
                                                                        Handler handler, Options opts) {
    if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path))
        return Err{fmt::format("control socket path '{}' is empty or too long", path)};
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty() && !fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) return Err{fmt::format("cannot create {}: {}", dir.string(), ec.message())};
        fs::permissions(dir, fs::perms(0755), ec);
    }
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return Err{fmt::format("{} exists and is not a socket", path)};
        if (someone_listens(path)) return Err{fmt::format("{}: another tapvs is running there", path)};
        ::unlink(path.c_str());  // stale: its engine is gone
    }
    auto impl = std::make_shared<Impl>(io, std::move(handler), opts);
    boost::system::error_code bec;
    impl->acceptor.open(local(), bec);
    if (!bec) {
        const mode_t old = ::umask(0177);  // the socket is born 0600: no window with looser bits
        impl->acceptor.bind(local::endpoint(path), bec);
        ::umask(old);
    }
    if (!bec) impl->acceptor.listen(asio::socket_base::max_listen_connections, bec);
    if (bec) return Err{fmt::format("{}: {}", path, bec.message())};
    impl->accept();
    return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl), path));
}

ControlServer::ControlServer(std::shared_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

ControlServer::~ControlServer() {
    impl_->closed = true;
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    for (auto& w : impl_->live)
        if (auto s = w.lock()) s->close(ignored);
    // Remove the socket file only if it is still the one we bound (not a newer engine's).
    struct stat st{};
    if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && !someone_listens(path_)) ::unlink(path_.c_str());
}


// ---- the client ----

Result<ctl::Reply, std::string> control_call(const std::string& path, const ControlRequest& req) {
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) return Err{fmt::format("{}: path too long", path)};
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Err{fmt::format("socket: {}", std::strerror(errno))};
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.data(), path.size());
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0)
        return Err{fmt::format("cannot reach the engine at {}: {}", path, std::strerror(errno))};
    const std::string out = encode_request(req);
    std::size_t sent = 0;
    while (sent < out.size()) {
        const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the server may have answered early (an oversized request): read its reply
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    std::string in;
    std::array<char, 65536> buf{};
    for (;;) {
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            if (in.size() >= 4) break;
            return Err{fmt::format("{}: reading the reply: {}", path, std::strerror(errno))};
        }
        if (n == 0) break;
        in.append(buf.data(), static_cast<std::size_t>(n));
        if (in.size() > kMaxReply + 4) return Err{fmt::format("{}: the reply is too large", path)};
    }
    if (in.size() < 4) return Err{fmt::format("{}: the engine closed the connection without a reply", path)};
    const std::uint32_t len = load_u32(in.data());
    if (in.size() - 4 < len) return Err{fmt::format("{}: the reply is truncated", path)};
    auto reply = decode_reply(std::string_view(in).substr(4, len));
    if (!reply) return Err{fmt::format("{}: {}", path, reply.error())};
    return reply;
}

}  // namespace tapvs::io
