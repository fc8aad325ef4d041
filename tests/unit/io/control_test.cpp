// The control socket: the wire format, what the engine does with a request, and a real server on a
// temporary Unix socket driven by an io_context in a thread while the test is the client.
#include <catch2/catch.hpp>

#include <utility>

#include <boost/asio.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tapvs/core/engine.hpp"
#include "tapvs/io/control.hpp"

using namespace tapvs;
using tapvs::io::ControlRequest;

namespace {

const std::string kHead =
    "IP Virtual Server version 1.2.1 (size=4096)\n"
    "Prot LocalAddress:Port Scheduler Flags\n"
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

ctl::Reply run(core::Engine& e, std::vector<std::string> words, std::optional<std::string> payload = std::nullopt) {
    return io::serve_request(e, ControlRequest{std::move(words), std::move(payload)}, core::Timestamp::from_us(1000));
}

std::string body_of(const std::string& framed) { return framed.substr(4); }

// A temporary directory, removed at the end.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/tapvs-ctl-test.XXXXXX";
        const char* p = ::mkdtemp(tmpl);
        REQUIRE(p);
        path = p;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

// A server on `path` answering with serve_request on its own engine, its io_context in a thread.
struct LiveServer {
    boost::asio::io_context io;
    core::Engine engine;
    std::unique_ptr<io::ControlServer> server;
    std::thread thread;
    LiveServer(const std::string& path, std::chrono::milliseconds timeout) {
        io::ControlServer::Options o;
        o.timeout = timeout;
        auto s = io::ControlServer::open(
            io, path, [this](const ControlRequest& r) { return io::serve_request(engine, r, core::Timestamp::from_us(5)); },
            o);
        REQUIRE(s.ok());
        server = std::move(s.value());
        thread = std::thread([this] { io.run(); });
    }
    ~LiveServer() { stop(); }
    void stop() {
        if (!thread.joinable()) return;
        boost::asio::post(io, [this] { server.reset(); io.stop(); });
        thread.join();
    }
};

// Raw bytes to `path`, then everything the server sends until it closes.
std::string raw_exchange(const std::string& path, const std::string& bytes, bool close_write) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0);
    REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
    if (close_write) ::shutdown(fd, SHUT_WR);
    std::string in;
    std::array<char, 4096> buf{};
    for (;;) {
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n <= 0) break;
        in.append(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return in;
}

ctl::Reply decode_framed(const std::string& in) {
    REQUIRE(in.size() >= 4);
    auto r = io::decode_reply(std::string_view(in).substr(4));
    REQUIRE(r.ok());
    return r.value();
}

}  // namespace

TEST_CASE("control: requests and replies survive the wire unchanged", "[io][control]") {
    ControlRequest req{{"ipvsadm", "-A", "-t", "has space:80", ""}, std::string("line 1\n\0binary\xff", 16)};
    const std::string framed = io::encode_request(req);
    // 4 length + 1 version + 4 count + 5 words (4+7, 4+2, 4+2, 4+12, 4+0) + 1 flag + 4+16 payload
    CHECK(framed.size() == 4 + 1 + 4 + (11 + 6 + 6 + 16 + 4) + 1 + 20);
    CHECK(framed.substr(0, 4) == std::string("\0\0\0\x45", 4));
    auto back = io::decode_request(body_of(framed));
    REQUIRE(back.ok());
    CHECK(back.value().words == req.words);
    REQUIRE(back.value().payload);
    CHECK(*back.value().payload == *req.payload);

    ctl::Reply rep{255, "out\n", std::string("err\0x", 5)};
    auto r = io::decode_reply(body_of(io::encode_reply(rep)));
    REQUIRE(r.ok());
    CHECK(r.value().status == 255);
    CHECK(r.value().out == "out\n");
    CHECK(r.value().err == rep.err);
}

TEST_CASE("control: a malformed request body is refused with a reason", "[io][control]") {
    const std::string good = body_of(io::encode_request(ControlRequest{{"ipvsadm", "-L"}, std::nullopt}));
    CHECK_FALSE(io::decode_request("").ok());
    CHECK_FALSE(io::decode_request(good.substr(0, good.size() - 1)).ok());  // truncated
    CHECK_FALSE(io::decode_request(good + "x").ok());                       // trailing bytes
    std::string v2 = good;
    v2[0] = 2;
    auto r = io::decode_request(v2);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "protocol version 2 is not 1");
    std::string huge_count = good;
    huge_count[1] = '\x7f';  // 2 billion words in a dozen bytes
    CHECK_FALSE(io::decode_request(huge_count).ok());
    CHECK_FALSE(io::decode_request(body_of(io::encode_request(ControlRequest{{}, std::nullopt}))).ok());
}

TEST_CASE("control: serve_request runs ipvsadm lines and host lines on the engine", "[io][control]") {
    core::Engine e;
    CHECK(run(e, {"ipvsadm", "-A", "-t", "192.168.1.10:80", "-s", "rr"}).status == 0);
    CHECK(run(e, {"tapvsadm", "-a", "-t", "192.168.1.10:80", "-r", "172.16.10.100:80", "-m"}).status == 0);
    auto l = run(e, {"ipvsadm", "-L", "-n"});
    CHECK(l.status == 0);
    CHECK(l.err.empty());
    CHECK(l.out == kHead +
                       "TCP  192.168.1.10:80 rr\n"
                       "  -> 172.16.10.100:80             Masq    1      0          0         \n");
    // a kernel error: ipvsadm's message and status 255
    auto dup = run(e, {"ipvsadm", "-A", "-t", "192.168.1.10:80", "-s", "rr"});
    CHECK(dup.status == 255);
    CHECK(dup.err == "Service already exists\n");

    // host lines: several commands from one line, all applied
    auto s = run(e, {"sysctl", "-w", "net.ipv4.ip_forward=1"});
    CHECK(s.status == 0);
    CHECK(e.host().sysctl().ip_forward);
    CHECK(run(e, {"ip", "addr", "add", "192.168.1.10/24", "dev", "eth0"}).status == 0);
    auto eth0 = e.host().find_port("eth0");
    REQUIRE(eth0);
    REQUIRE_FALSE(e.host().port(*eth0).addrs.empty());
    CHECK(e.host().port(*eth0).addrs.front().addr.to_string() == "192.168.1.10");

    auto nope = run(e, {"bash", "-c", "true"});
    CHECK(nope.status == 127);
    CHECK(nope.err == "bash: command not supported by tapvs\n");
}

TEST_CASE("control: ipvsadm -R restores from the payload and -S saves it back", "[io][control]") {
    core::Engine e;
    const std::string rules =
        "-A -t 10.0.0.1:80 -s wlc\n"
        "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 3\n"
        "-A -u 10.0.0.1:53 -s rr\n";
    auto r = run(e, {"ipvsadm", "-R"}, rules);
    CHECK(r.status == 0);
    auto saved = run(e, {"ipvsadm", "-S", "-n"});
    CHECK(saved.status == 0);
    CHECK(saved.out ==
          "-A -t 10.0.0.1:80 -s wlc\n"
          "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 3\n"
          "-A -u 10.0.0.1:53 -s rr\n");
    // -S | -R into a fresh engine gives the same save
    core::Engine e2;
    CHECK(run(e2, {"ipvsadm", "-R"}, saved.out).status == 0);
    CHECK(run(e2, {"ipvsadm", "-S", "-n"}).out == saved.out);
}

TEST_CASE("control: a server on a Unix socket answers, refuses bad requests and cleans up", "[io][control]") {
    TempDir dir;
    const std::string path = (dir.path / "sub" / "t.sock").string();
    {
        LiveServer srv(path, std::chrono::milliseconds(300));
        struct stat st{};
        REQUIRE(::lstat(path.c_str(), &st) == 0);
        CHECK(S_ISSOCK(st.st_mode));
        CHECK((st.st_mode & 0777) == 0600);
        REQUIRE(::stat((dir.path / "sub").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0755);

        // a second server on the same live path is refused
        boost::asio::io_context other;
        auto second = io::ControlServer::open(other, path, [](const ControlRequest&) { return ctl::Reply{}; });
        REQUIRE_FALSE(second.ok());
        CHECK(second.error() == path + ": another tapvs is running there");

        SECTION("round trip") {
            auto a = io::control_call(path, ControlRequest{{"ipvsadm", "-A", "-t", "10.1.1.1:80"}, std::nullopt});
            REQUIRE(a.ok());
            CHECK(a.value().status == 0);
            auto l = io::control_call(path, ControlRequest{{"ipvsadm", "-L", "-n"}, std::nullopt});
            REQUIRE(l.ok());
            CHECK(l.value().out == kHead + "TCP  10.1.1.1:80 wlc\n");
        }
        SECTION("malformed: wrong version") {
            std::string req = io::encode_request(ControlRequest{{"ipvsadm", "-L"}, std::nullopt});
            req[4] = 7;
            auto rep = decode_framed(raw_exchange(path, req, true));
            CHECK(rep.status == 1);
            CHECK(rep.err == "tapvs: control: protocol version 7 is not 1\n");
        }
        SECTION("oversized: refused without reading it all") {
            ControlRequest big{{"ipvsadm", "-R"}, std::string(io::kMaxRequest, 'x')};
            auto rep = io::control_call(path, big);
            REQUIRE(rep.ok());
            CHECK(rep.value().status == 1);
            CHECK(rep.value().err == "tapvs: control: request of 65563 bytes is over the limit of 65536 bytes\n");
        }
        SECTION("incomplete: the read times out with an error reply") {
            const auto t0 = std::chrono::steady_clock::now();
            auto rep = decode_framed(raw_exchange(path, std::string("\0\0\0\x20\x01", 5), false));
            CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
            CHECK(rep.status == 1);
            CHECK(rep.err == "tapvs: control: no complete request within 300 ms\n");
        }
        // still serving after whatever the section did
        auto v = io::control_call(path, ControlRequest{{"ipvsadm", "-L", "-n"}, std::nullopt});
        REQUIRE(v.ok());
        CHECK(v.value().status == 0);
    }
    CHECK_FALSE(std::filesystem::exists(path));  // removed when the server went away
    auto gone = io::control_call(path, ControlRequest{{"ipvsadm", "-L", "-n"}, std::nullopt});
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.error() == "cannot reach the engine at " + path + ": No such file or directory");
}

TEST_CASE("control: recordable_lines keeps what changes the director, as lines the config reads back",
          "[io][control]") {
    auto lines = [](std::vector<std::string> words, std::optional<std::string> payload = std::nullopt) {
        io::ControlRequest r;
        r.words = std::move(words);
        r.payload = std::move(payload);
        return io::recordable_lines(r);
    };
    using L = std::vector<std::string>;
    CHECK(lines({"tapvsadm", "-e", "-t", "192.168.1.10:80", "-r", "172.16.10.212:80", "-m", "-w", "0"}) ==
          L{"ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.212:80 -m -w 0"});
    CHECK(lines({"/usr/sbin/ipvsadm", "-L", "-n"}).empty());
    CHECK(lines({"ipvsadm", "-S", "-n"}).empty());
    CHECK(lines({"ipvsadm", "-A", "-t"}).empty());  // does not parse: nothing changed
    CHECK(lines({"ipvsadm", "-R"}, "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m\n") ==
          L{"ipvsadm -A -t 10.0.0.1:80 -s rr", "ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1:80 -m"});
    CHECK(lines({"sysctl", "-w", "net.ipv4.ip_forward=1"}) == L{"sysctl -w net.ipv4.ip_forward=1"});
    CHECK(lines({"sysctl", "-n", "net.ipv4.ip_forward"}).empty());
    CHECK(lines({"cat", "/proc/sys/net/ipv4/ip_forward"}).empty());
    CHECK(lines({"ip", "addr", "add", "10.0.0.1/24", "dev", "eth0", "label", "eth0:my vip"}) ==
          L{"ip addr add 10.0.0.1/24 dev eth0 label 'eth0:my vip'"});
    CHECK(lines({"echo", "1", ">", "/proc/sys/net/ipv4/ip_forward"}) == L{"echo 1 > /proc/sys/net/ipv4/ip_forward"});
}
