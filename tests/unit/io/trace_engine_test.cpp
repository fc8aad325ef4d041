// The writer attached to a real engine (the guide's director): the same frames give the same bytes, and
// what it writes reads back into the story `tapvs trace explain` tells.
#include "golden/director_fixture.hpp"

#include <sstream>
#include <string>

#include "tapvs/io/trace.hpp"
#include "tapvs/io/trace_render.hpp"

using namespace tapvs;
using namespace tapvs::test;
using core::FwdMethod;

namespace {

namespace f = net::tcp_flags;

std::vector<std::uint8_t> from_client(std::uint16_t cport, std::uint8_t flags) {
    return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip)
        .tcp(cport, 80, flags).build();
}
std::vector<std::uint8_t> from_rs1(std::uint16_t cport, std::uint8_t flags) {
    return FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient)
        .tcp(80, cport, flags).build();
}

struct Traced {
    Director d;
    std::ostringstream os;
    io::TraceWriter w{os, d.engine.host()};
    Traced() {
        w.write_header(io::TraceHeader{d.now, 1, "director.conf", "0.1.0"});
        d.engine.set_observer(&w);
    }
    std::vector<io::TraceEvent> events() const {
        std::istringstream in(os.str());
        auto r = io::read_trace(in);
        if (!r) FAIL("trace line " << r.error().line << ": " << r.error().message);
        return std::move(r.value());
    }
    std::string explain(const char* client) const {
        std::ostringstream out;
        REQUIRE(io::explain_trace(events(), *io::TraceAddr::parse(client), out));
        return out.str();
    }
};

// Six clients to a two-server service, then every entry times out.
std::string session(const std::string& sched, FwdMethod m) {
    Traced t;
    t.d.service(sched);
    t.d.real_server(Guide::kRip1, m, 80, 3);
    t.d.real_server(Guide::kRip2, m, 80, 1);
    for (std::uint16_t p = 40000; p < 40006; ++p) {
        t.d.feed(t.d.eth0, from_client(p, f::syn));
        t.d.advance(0.25);
    }
    t.d.advance(120);
    return t.os.str();
}

}  // namespace

TEST_CASE("trace engine: the same frames give byte-identical traces", "[io][trace]") {
    for (const char* sched : {"rr", "wlc", "sh", "mh", "twos"}) {
        INFO(sched);
        const std::string a = session(sched, FwdMethod::masq);
        const std::string b = session(sched, FwdMethod::masq);
        CHECK(a == b);
        // header, then per client rx schedule conn_new conn_state tx, then six expiries.
        CHECK(std::count(a.begin(), a.end(), '\n') == 1 + 6 * 5 + 6);
    }
    CHECK(session("wlc", FwdMethod::droute) == session("wlc", FwdMethod::droute));
    CHECK(session("wlc", FwdMethod::droute) != session("wlc", FwdMethod::tunnel));
}

TEST_CASE("trace engine: a NAT connection from SYN to expiry, explained", "[io][trace]") {
    Traced t;
    t.d.service("rr");
    t.d.real_server(Guide::kRip1, FwdMethod::masq);
    t.d.feed(t.d.eth0, from_client(40000, f::syn));
    t.d.advance(0.001);
    t.d.feed(t.d.eth1, from_rs1(40000, f::syn | f::ack));
    t.d.advance(0.001);
    t.d.feed(t.d.eth0, from_client(40000, f::ack));
    t.d.feed(t.d.eth0, from_client(40000, f::rst));
    t.d.advance(11);

    const std::string trace = t.os.str();
    CHECK(trace.find(R"({"t":1000.000000,"event":"rx","port":"eth0","len":54,"eth_src":"02:00:00:00:00:c1",)") !=
          std::string::npos);
    CHECK(trace.find(R"("event":"schedule","proto":"TCP","client":"192.168.1.50:40000","vip":"192.168.1.10:80",)"
                     R"("scheduler":"rr","rs":"172.16.10.100:80","method":"masq","persistent":false,"why":")") !=
          std::string::npos);

    const auto ev = t.events();
    const auto link = io::link_connections(ev);
    std::size_t in_conn = 0;
    for (std::size_t i = 1; i < ev.size(); ++i) in_conn += link[i] == 1;
    CHECK(in_conn == ev.size() - 1);  // every event but the header belongs to connection 1

    const std::string x = t.explain("192.168.1.50:40000");
    CHECK(x.rfind("Connection #1: TCP 192.168.1.50:40000 -> 192.168.1.10:80 => real server 172.16.10.100:80 (masq)\n",
                  0) == 0);
    CHECK(x.find("rewrite (masq): destination 192.168.1.10:80 -> 172.16.10.100:80; MAC 02:00:00:00:00:c1 > "
                 "02:00:00:00:00:10 -> 02:00:00:00:00:11 > 02:00:00:00:00:a1\n") != std::string::npos);
    CHECK(x.find("rewrite (masq): source 172.16.10.100:80 -> 192.168.1.10:80; MAC 02:00:00:00:00:a1 > "
                 "02:00:00:00:00:11 -> 02:00:00:00:00:10 > 02:00:00:00:00:c1\n") != std::string::npos);
    CHECK(x.find("NONE -> SYN_RECV") < x.find("SYN_RECV -> ESTABLISHED"));
    CHECK(x.find("SYN_RECV -> ESTABLISHED") < x.find("ESTABLISHED -> CLOSE (timeout 10 s)"));
    CHECK(x.find("Lived 10.002000 s; expired in state CLOSE: 3 packets (120 bytes) in, 1 packets (40 bytes) out.") !=
          std::string::npos);
}

TEST_CASE("trace engine: DR changes only the MAC header, TUN adds an outer header", "[io][trace]") {
    {
        Traced t;
        t.d.service("rr");
        t.d.real_server(Guide::kRip1, FwdMethod::droute);
        t.d.feed(t.d.eth0, from_client(40000, f::syn));
        CHECK(t.explain("192.168.1.50:40000")
                  .find("rewrite (route): addresses unchanged; MAC 02:00:00:00:00:c1 > 02:00:00:00:00:10 -> "
                        "02:00:00:00:00:11 > 02:00:00:00:00:a1\n") != std::string::npos);
    }
    {
        Traced t;
        t.d.service("rr");
        t.d.real_server(Guide::kRip1, FwdMethod::tunnel);
        t.d.feed(t.d.eth0, from_client(40000, f::syn));
        const std::string x = t.explain("192.168.1.50:40000");
        CHECK(x.find("eth1  tx   IPIP 172.16.10.12 > 172.16.10.100 (TCP 192.168.1.50:40000 > 192.168.1.10:80 [S])") !=
              std::string::npos);
        CHECK(x.find("rewrite (tunnel): encapsulated in IPIP 172.16.10.12 > 172.16.10.100; MAC 02:00:00:00:00:c1 > "
                     "02:00:00:00:00:10 -> 02:00:00:00:00:11 > 02:00:00:00:00:a1\n") != std::string::npos);
    }
}

TEST_CASE("trace engine: no server available, and ARP resolution, reach the trace", "[io][trace]") {
    Traced t;
    t.d.service("rr");
    t.d.feed(t.d.eth0, from_client(40000, f::syn));  // no real server yet
    const auto ev = t.events();
    bool sched_null = false;
    for (const auto& e : ev)
        if (const io::TraceSchedule* s = e.schedule()) sched_null = !s->rs && s->method.empty();
    CHECK(sched_null);
    std::ostringstream out;
    REQUIRE(io::explain_trace(ev, *io::TraceAddr::parse("192.168.1.50:40000"), out));
    CHECK(out.str().rfind("No connection: TCP 192.168.1.50:40000 -> 192.168.1.10:80 at 0.000000: rr found no real "
                          "server available\n",
                          0) == 0);

    Traced a{};
    a.d.engine.host().neigh().erase(a.d.eth1, Guide::kRip1);
    a.d.service("rr");
    a.d.real_server(Guide::kRip1, FwdMethod::masq);
    a.d.feed(a.d.eth0, from_client(40000, f::syn));
    const std::string s = a.os.str();
    CHECK(s.find(R"("event":"arp","port":"eth1","what":"request_sent","ip":"172.16.10.100","mac":null})") !=
          std::string::npos);
}

TEST_CASE("trace engine: a detached writer sees nothing", "[io][trace]") {
    Traced t;
    t.d.service("rr");
    t.d.real_server(Guide::kRip1, FwdMethod::masq);
    t.d.engine.set_observer(nullptr);
    const auto before = t.w.lines();
    t.d.feed(t.d.eth0, from_client(40000, f::syn));
    t.d.advance(100);
    CHECK(t.w.lines() == before);
}
