// Reading traces back: typed events, errors with line numbers, `show` filters and `explain`.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "support/frame_builder.hpp"
#include "support/parsed.hpp"
#include "tapvs/core/host.hpp"
#include "tapvs/io/trace.hpp"
#include "tapvs/io/trace_render.hpp"
#include "tapvs/net/drop_reason.hpp"

using namespace tapvs;
using namespace tapvs::test;
using io::TraceEventKind;

namespace {

// A NAT director's trace, written by hand: connection 1 (client port 40000 to 172.16.10.100) lives and
// expires; connection 2 (port 40001 to .212) is made; port 40002 finds no real server; port 40003
// sends an ACK that belongs to nothing; one event of a later schema version is in the middle.
const char* const kTrace[] = {
    R"({"t":1767225600.000000,"event":"trace","schema":1,"tapvs":"0.1.0","seed":1,"config":"director.conf","ports":[{"name":"eth0","mac":"02:00:00:00:00:10","addrs":["192.168.1.10/24"]},{"name":"eth1","mac":"02:00:00:00:00:11","addrs":["172.16.10.12/16"]}]})",
    R"({"t":1767225601.001000,"event":"rx","port":"eth0","len":54,"eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40000","dst":"192.168.1.10:80","flags":"S"})",
    R"({"t":1767225601.001000,"event":"schedule","proto":"TCP","client":"192.168.1.50:40000","vip":"192.168.1.10:80","scheduler":"wlc","rs":"172.16.10.100:80","method":"masq","persistent":false,"why":"w1"})",
    R"({"t":1767225601.001000,"event":"conn_new","conn":1,"proto":"TCP","client":"192.168.1.50:40000","vip":"192.168.1.10:80","rs":"172.16.10.100:80","method":"masq","state":"NONE"})",
    R"({"t":1767225601.001000,"event":"conn_state","conn":1,"proto":"TCP","client":"192.168.1.50:40000","vip":"192.168.1.10:80","rs":"172.16.10.100:80","method":"masq","old":"NONE","new":"SYN_RECV","timeout":60})",
    R"({"t":1767225601.001000,"event":"tx","port":"eth1","len":54,"eth_src":"02:00:00:00:00:11","eth_dst":"02:00:00:00:00:a1","proto":"TCP","src":"192.168.1.50:40000","dst":"172.16.10.100:80","flags":"S"})",
    R"({"t":1767225601.002000,"event":"rx","port":"eth1","len":54,"eth_src":"02:00:00:00:00:a1","eth_dst":"02:00:00:00:00:11","proto":"TCP","src":"172.16.10.100:80","dst":"192.168.1.50:40000","flags":"S."})",
    R"({"t":1767225601.002000,"event":"conn_state","conn":1,"proto":"TCP","client":"192.168.1.50:40000","vip":"192.168.1.10:80","rs":"172.16.10.100:80","method":"masq","old":"SYN_RECV","new":"ESTABLISHED","timeout":900})",
    R"({"t":1767225601.002000,"event":"tx","port":"eth0","len":54,"eth_src":"02:00:00:00:00:10","eth_dst":"02:00:00:00:00:c1","proto":"TCP","src":"192.168.1.10:80","dst":"192.168.1.50:40000","flags":"S."})",
    R"({"t":1767225602.000000,"event":"rx","port":"eth0","len":54,"eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40001","dst":"192.168.1.10:80","flags":"S"})",
    R"({"t":1767225602.000000,"event":"schedule","proto":"TCP","client":"192.168.1.50:40001","vip":"192.168.1.10:80","scheduler":"wlc","rs":"172.16.10.212:80","method":"masq","persistent":false,"why":"w2"})",
    R"({"t":1767225602.000000,"event":"conn_new","conn":2,"proto":"TCP","client":"192.168.1.50:40001","vip":"192.168.1.10:80","rs":"172.16.10.212:80","method":"masq","state":"NONE"})",
    R"({"t":1767225602.000000,"event":"conn_state","conn":2,"proto":"TCP","client":"192.168.1.50:40001","vip":"192.168.1.10:80","rs":"172.16.10.212:80","method":"masq","old":"NONE","new":"SYN_RECV","timeout":60})",
    R"({"t":1767225602.000000,"event":"tx","port":"eth1","len":54,"eth_src":"02:00:00:00:00:11","eth_dst":"02:00:00:00:00:a2","proto":"TCP","src":"192.168.1.50:40001","dst":"172.16.10.212:80","flags":"S"})",
    R"({"t":1767225603.000000,"event":"rx","port":"eth0","len":54,"eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40002","dst":"192.168.1.10:80","flags":"S"})",
    R"({"t":1767225603.000000,"event":"schedule","proto":"TCP","client":"192.168.1.50:40002","vip":"192.168.1.10:80","scheduler":"wlc","rs":null,"method":null,"persistent":false,"why":"no dest"})",
    R"({"t":1767225603.000000,"event":"drop","port":"eth0","reason":"ipvs_no_dest","len":54,"eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40002","dst":"192.168.1.10:80","flags":"S"})",
    R"({"t":1767225603.500000,"event":"future_event","port":"eth0","weird":[1,2,3]})",
    R"({"t":1767225605.000000,"event":"rx","port":"eth0","len":54,"eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40003","dst":"192.168.1.10:80","flags":".","new_field":"ignored"})",
    R"({"t":1767225605.000000,"event":"drop","port":"eth0","reason":"ipvs_not_syn","len":54,"eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40003","dst":"192.168.1.10:80","flags":"."})",
    R"({"t":1767225606.000000,"event":"arp","port":"eth1","what":"learned","ip":"172.16.10.100","mac":"02:00:00:00:00:a1"})",
    R"({"t":1767225612.001000,"event":"conn_expire","conn":1,"proto":"TCP","client":"192.168.1.50:40000","vip":"192.168.1.10:80","rs":"172.16.10.100:80","method":"masq","state":"ESTABLISHED","inpkts":1,"outpkts":1,"inbytes":40,"outbytes":40})",
};

std::string trace_text() {
    std::string s;
    for (const char* l : kTrace) s += std::string(l) + "\n";
    return s;
}

std::vector<io::TraceEvent> events() {
    std::istringstream in(trace_text());
    auto r = io::read_trace(in);
    if (!r) FAIL("line " << r.error().line << ": " << r.error().message);
    return std::move(r.value());
}

std::string show(const io::TraceFilter& f) {
    std::ostringstream os;
    io::show_trace(events(), f, os);
    return os.str();
}

io::TraceAddr addr(const char* s) { return *io::TraceAddr::parse(s); }

io::TraceError error_of(const std::string& text) {
    std::istringstream in(text);
    auto r = io::read_trace(in);
    REQUIRE_FALSE(r.ok());
    return r.error();
}

}  // namespace

TEST_CASE("trace read: every line becomes a typed event", "[io][trace]") {
    const auto ev = events();
    REQUIRE(ev.size() == std::size(kTrace));
    CHECK(ev[0].kind == TraceEventKind::trace);
    REQUIRE(ev[0].header());
    CHECK(ev[0].header()->schema == 1);
    CHECK(ev[0].header()->config == "director.conf");
    REQUIRE(ev[0].header()->ports.size() == 2);
    CHECK(ev[0].header()->ports[1].name == "eth1");
    CHECK(ev[0].header()->ports[1].mac == mac("02:00:00:00:00:11"));
    CHECK(ev[0].header()->ports[1].addrs == std::vector<std::string>{"172.16.10.12/16"});

    CHECK(ev[1].line == 2);
    CHECK(ev[1].t == core::Timestamp::from_us(1767225601001000));
    const io::TraceFrame* rx = ev[1].frame();
    REQUIRE(rx);
    CHECK(rx->port == "eth0");
    CHECK(rx->len == 54);
    CHECK(rx->eth_src == mac("02:00:00:00:00:c1"));
    REQUIRE(rx->ip);
    CHECK(rx->ip->proto == "TCP");
    CHECK(rx->ip->src == addr("192.168.1.50:40000"));
    CHECK(rx->ip->flags == "S");

    const io::TraceSchedule* s = ev[15].schedule();
    REQUIRE(s);
    CHECK_FALSE(s->rs);
    CHECK(s->method.empty());
    CHECK(s->why == "no dest");
    CHECK(ev[2].schedule()->rs == addr("172.16.10.100:80"));
    CHECK(ev[2].schedule()->method == "masq");

    CHECK(ev[4].conn()->old_state == "NONE");
    CHECK(ev[4].conn()->state == "SYN_RECV");
    CHECK(ev[4].conn()->timeout == 60u);
    CHECK(ev[16].frame()->reason == "ipvs_no_dest");
    CHECK(ev[17].kind == TraceEventKind::unknown);  // kept, not an error
    CHECK(ev[17].name == "future_event");
    CHECK(ev[18].frame()->ip->flags == ".");        // its unknown field is ignored
    CHECK(ev[20].arp()->mac == mac("02:00:00:00:00:a1"));
    CHECK(ev[21].conn()->inbytes == 40);
}

TEST_CASE("trace read: what the writer writes reads back field for field", "[io][trace]") {
    core::Host host;
    const core::PortId eth0 = host.port_id("eth0");
    host.edit_port(eth0).mac = mac("02:00:00:00:00:10");
    std::ostringstream os;
    io::TraceWriter w(os, host);
    w.write_header(io::TraceHeader{core::Timestamp::from_us(1767225600123456), 99, "dir \"x\".conf", "0.1.0"});
    core::VirtualService svc;
    svc.key = core::ServiceKey{0, core::Proto::udp, ip("10.0.0.1"), 53};
    svc.sched_name = "mh";
    core::RealServer rs;
    rs.addr = ip("10.1.0.7");
    rs.port = 5353;
    rs.fwd = core::FwdMethod::tunnel;
    const std::string why = "slot 17 of 251 \u2192 \"10.1.0.7\"\n\\ok";
    w.on_schedule(core::SchedPacket{core::Proto::udp, ip("10.9.8.7"), ip("10.0.0.1"), 1234, 53},
                  core::Decision{&svc, &rs, true, why}, core::Timestamp::from_us(1767225600999999));
    const auto frame = FrameBuilder{}.eth("02:00:00:00:00:10", "02:00:00:00:00:20").ipip("10.0.0.2", "10.1.0.7")
                           .ipv4("10.9.8.7", "10.0.0.1").udp(1234, 53).build();
    w.on_tx(eth0, frame, parsed(frame).get(), core::Timestamp::from_us(1767225601000000));

    std::istringstream in(os.str());
    auto r = io::read_trace(in);
    REQUIRE(r.ok());
    const auto& ev = r.value();
    REQUIRE(ev.size() == 3);
    CHECK(ev[0].t == core::Timestamp::from_us(1767225600123456));
    CHECK(ev[0].header()->seed == 99);
    CHECK(ev[0].header()->config == "dir \"x\".conf");
    CHECK(ev[0].header()->tapvs == "0.1.0");
    const io::TraceSchedule& s = *ev[1].schedule();
    CHECK(ev[1].t == core::Timestamp::from_us(1767225600999999));
    CHECK(s.proto == "UDP");
    CHECK(s.client == addr("10.9.8.7:1234"));
    CHECK(s.vip == addr("10.0.0.1:53"));
    CHECK_FALSE(s.fwmark);
    CHECK(s.scheduler == "mh");
    CHECK(s.rs == addr("10.1.0.7:5353"));
    CHECK(s.method == "tunnel");
    CHECK(s.persistent);
    CHECK(s.why == why);
    const io::TraceFrame& f = *ev[2].frame();
    CHECK(ev[2].kind == TraceEventKind::tx);
    CHECK(f.eth_dst == mac("02:00:00:00:00:20"));
    REQUIRE(f.ip);
    CHECK(f.ip->proto == "IPIP");
    CHECK(f.ip->dst == addr("10.1.0.7"));
    CHECK_FALSE(f.ip->dst.port);
    REQUIRE(f.ip->inner);
    CHECK(f.ip->inner->src == addr("10.9.8.7:1234"));
    CHECK(io::format_trace_packet(*f.ip) == "IPIP 10.0.0.2 > 10.1.0.7 (UDP 10.9.8.7:1234 > 10.0.0.1:53)");
}

TEST_CASE("trace read: times round-trip to the microsecond across the years", "[io][trace]") {
    core::Host host;
    std::ostringstream os;
    io::TraceWriter w(os, host);
    std::vector<std::int64_t> us = {0, 1, 999999, 1000000, 1767225601001000, 1767225601999999, 4102444799999999,
                                    8999999999999999};
    for (std::int64_t x = 1767225600000000, step = 1; x < 1767225700000000; x += step, step = step * 7 + 3)
        us.push_back(x);
    for (auto u : us) w.write_header(io::TraceHeader{core::Timestamp::from_us(u), 1, "", "0.1.0"});
    std::istringstream in(os.str());
    auto r = io::read_trace(in);
    REQUIRE(r.ok());
    REQUIRE(r.value().size() == us.size());
    for (std::size_t i = 0; i < us.size(); ++i) {
        INFO("us = " << us[i]);
        CHECK(r.value()[i].t == core::Timestamp::from_us(us[i]));
    }
    // Lines written by someone else: "t" elsewhere, as an integer, with an exponent.
    auto later = io::parse_trace_line(R"({"event":"x","t":1767225601.25})", 1);
    REQUIRE(later.ok());
    CHECK(later->t == core::Timestamp::from_us(1767225601250000));
    auto integer = io::parse_trace_line(R"({"t":12,"event":"x"})", 1);
    REQUIRE(integer.ok());
    CHECK(integer->t == core::Timestamp::from_us(12000000));
    auto exponent = io::parse_trace_line(R"({"t":1.5e3,"event":"x"})", 1);
    REQUIRE(exponent.ok());
    CHECK(exponent->t == core::Timestamp::from_us(1500000000));
    auto negative = io::parse_trace_line(R"({"t":-0.000001,"event":"x"})", 1);
    REQUIRE(negative.ok());
    CHECK(negative->t == core::Timestamp::from_us(-1));
}

TEST_CASE("trace read: a malformed line is an error naming its line", "[io][trace]") {
    const std::string good = std::string(kTrace[1]) + "\n";
    auto e = error_of(good + "\n" + R"({"t":1,"event":"rx")" + "\n");
    CHECK(e.line == 3);  // the blank line 2 is skipped but counted
    CHECK(e.message.rfind("not JSON", 0) == 0);

    e = error_of(good + "[1,2]\n");
    CHECK(e.line == 2);
    CHECK(e.message == "not a JSON object");

    e = error_of(R"({"event":"rx","port":"eth0","len":1})" "\n");
    CHECK(e.line == 1);
    CHECK(e.message == "no \"t\"");

    e = error_of(R"({"t":"soon","event":"rx"})" "\n");
    CHECK(e.message == R"("t" should be a number of seconds since the epoch, not "soon")");

    e = error_of(R"({"t":1,"event":"schedule","proto":"TCP","client":42,"vip":"1.2.3.4:80","scheduler":"rr",)"
                 R"("rs":null,"method":null,"persistent":false,"why":""})"
                 "\n");
    CHECK(e.message == R"(schedule event: "client" should be "ip" or "ip:port", not 42)");

    e = error_of(R"({"t":1,"event":"conn_new","conn":-1,"proto":"TCP","client":"1.2.3.4:1","vip":"1.2.3.4:80",)"
                 R"("rs":"1.2.3.5:80","method":"masq","state":"NONE"})"
                 "\n");
    CHECK(e.message.find("\"conn\" should be an integer") != std::string::npos);

    e = error_of(R"({"t":1,"event":"rx","port":"eth0","len":54,"proto":"TCP","src":"1.2.3.4:99999","dst":"1.2.3.4"})"
                 "\n");
    CHECK(e.message == R"(rx event: "src" should be "ip" or "ip:port", not "1.2.3.4:99999")");

    e = error_of(R"({"t":1,"event":"trace","schema":2,"tapvs":"9","seed":1,"config":"","ports":[]})" "\n");
    CHECK(e.message == "trace event: trace schema version 2 is newer than this tapvs reads (1)");

    e = error_of(R"({"t":1,"event":"schedule","proto":"TCP","client":"1.2.3.4:5","scheduler":"rr","rs":null,)"
                 R"("method":null,"persistent":false,"why":""})"
                 "\n");
    CHECK(e.message == R"(schedule event: neither "vip" nor "fwmark")");
}

TEST_CASE("trace show: readable lines, times relative to the first event", "[io][trace]") {
    const std::string out = show({});
    std::istringstream in(out);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    REQUIRE(lines.size() == std::size(kTrace));
    CHECK(lines[0] ==
          "   0.000000        trace tapvs 0.1.0, schema 1, config director.conf, seed 1; ports: eth0 02:00:00:00:00:10 "
          "192.168.1.10/24, eth1 02:00:00:00:00:11 172.16.10.12/16");
    CHECK(lines[1] == "   1.001000  eth0  rx   TCP 192.168.1.50:40000 > 192.168.1.10:80 [S]");
    CHECK(lines[2] ==
          "   1.001000        schedule TCP 192.168.1.50:40000 -> 192.168.1.10:80 wlc => 172.16.10.100:80 masq: w1");
    CHECK(lines[3] ==
          "   1.001000        conn_new #1 TCP 192.168.1.50:40000 -> 192.168.1.10:80 => 172.16.10.100:80 masq, state NONE");
    CHECK(lines[4] == "   1.001000        conn_state #1 TCP 192.168.1.50:40000: NONE -> SYN_RECV (timeout 60 s)");
    CHECK(lines[5] == "   1.001000  eth1  tx   TCP 192.168.1.50:40000 > 172.16.10.100:80 [S]");
    CHECK(lines[15] ==
          "   3.000000        schedule TCP 192.168.1.50:40002 -> 192.168.1.10:80 wlc => no real server available: "
          "no dest");
    CHECK(lines[16] == "   3.000000  eth0  drop ipvs_no_dest: TCP 192.168.1.50:40002 > 192.168.1.10:80 [S]");
    CHECK(lines[17] == "   3.500000        future_event (an event this tapvs does not know)");
    CHECK(lines[19] == "   5.000000  eth0  drop ipvs_not_syn: TCP 192.168.1.50:40003 > 192.168.1.10:80 [.]");
    CHECK(lines[20] == "   6.000000  eth1  arp  learned 172.16.10.100 is-at 02:00:00:00:00:a1");
    CHECK(lines[21] ==
          "  12.001000        conn_expire #1 TCP 192.168.1.50:40000 -> 192.168.1.10:80 => 172.16.10.100:80 masq "
          "expired in ESTABLISHED; in 1 packets 40 bytes, out 1 packets 40 bytes");
}

TEST_CASE("trace show: --event keeps those events only", "[io][trace]") {
    io::TraceFilter f;
    f.events = {TraceEventKind::schedule};
    const std::string out = show(f);
    CHECK(std::count(out.begin(), out.end(), '\n') == 3);
    CHECK(out.find(": w1\n") != std::string::npos);
    CHECK(out.find(": w2\n") != std::string::npos);
    CHECK(out.find(": no dest\n") != std::string::npos);
    f.events = {TraceEventKind::drop, TraceEventKind::arp};
    const std::string two = show(f);
    CHECK(std::count(two.begin(), two.end(), '\n') == 3);
}

TEST_CASE("trace show: --client picks its frames, decisions and connections", "[io][trace]") {
    io::TraceFilter f;
    f.client = addr("192.168.1.50:40001");
    CHECK(show(f) ==
          "   2.000000  eth0  rx   TCP 192.168.1.50:40001 > 192.168.1.10:80 [S]\n"
          "   2.000000        schedule TCP 192.168.1.50:40001 -> 192.168.1.10:80 wlc => 172.16.10.212:80 masq: w2\n"
          "   2.000000        conn_new #2 TCP 192.168.1.50:40001 -> 192.168.1.10:80 => 172.16.10.212:80 masq, state NONE\n"
          "   2.000000        conn_state #2 TCP 192.168.1.50:40001: NONE -> SYN_RECV (timeout 60 s)\n"
          "   2.000000  eth1  tx   TCP 192.168.1.50:40001 > 172.16.10.212:80 [S]\n");
    f.client = addr("192.168.1.50");  // every port
    const std::string all = show(f);
    CHECK(std::count(all.begin(), all.end(), '\n') == 19);  // everything but the header, the unknown event, arp
}

TEST_CASE("trace show: --rs picks the frames to and from a real server and its connections", "[io][trace]") {
    io::TraceFilter f;
    f.rs = addr("172.16.10.100:80");
    const std::string out = show(f);
    CHECK(std::count(out.begin(), out.end(), '\n') == 7);  // schedule, conn x4, tx, rx
    CHECK(out.find("eth1  rx   TCP 172.16.10.100:80 > 192.168.1.50:40000 [S.]") != std::string::npos);
    CHECK(out.find("40001") == std::string::npos);
    f.rs = addr("172.16.10.100");  // by address: the ARP event too
    const std::string by_ip = show(f);
    CHECK(std::count(by_ip.begin(), by_ip.end(), '\n') == 8);
}

TEST_CASE("trace show: --conn follows one connection, its frames included", "[io][trace]") {
    io::TraceFilter f;
    f.conn = 1;
    const std::string out = show(f);
    // rx SYN, schedule, new, state, tx SYN, rx SYN-ACK, state, tx SYN-ACK, expire.
    CHECK(std::count(out.begin(), out.end(), '\n') == 9);
    CHECK(out.find("40001") == std::string::npos);
    f.events = {TraceEventKind::tx};
    CHECK(show(f) ==
          "   1.001000  eth1  tx   TCP 192.168.1.50:40000 > 172.16.10.100:80 [S]\n"
          "   1.002000  eth0  tx   TCP 192.168.1.10:80 > 192.168.1.50:40000 [S.]\n");
    f.conn = 3;
    f.events.clear();
    CHECK(show(f).empty());
}

TEST_CASE("trace show: a SYN that reuses an expired entry's addresses belongs to the new connection",
          "[io][trace]") {
    // Connection 7 still holds the addresses (its expiry is due) when the SYN arrives and makes 8.
    const std::string conn_fields =
        R"("proto":"TCP","client":"10.0.0.9:1000","vip":"10.0.0.1:80","rs":"10.0.1.1:80","method":"route")";
    const std::string syn =
        R"("port":"eth0","len":54,"proto":"TCP","src":"10.0.0.9:1000","dst":"10.0.0.1:80","flags":"S"})";
    std::string text;
    text += R"({"t":1.000000,"event":"conn_new","conn":7,)" + conn_fields + R"(,"state":"NONE"})" "\n";
    text += R"({"t":5.000000,"event":"rx",)" + syn + "\n";
    text += R"({"t":5.000000,"event":"schedule","proto":"TCP","client":"10.0.0.9:1000","vip":"10.0.0.1:80",)"
            R"("scheduler":"rr","rs":"10.0.1.1:80","method":"route","persistent":false,"why":""})" "\n";
    text += R"({"t":5.000000,"event":"conn_new","conn":8,)" + conn_fields + R"(,"state":"NONE"})" "\n";
    text += R"({"t":5.000000,"event":"tx","port":"eth1","len":54,"proto":"TCP","src":"10.0.0.9:1000",)"
            R"("dst":"10.0.0.1:80","flags":"S"})" "\n";
    text += R"({"t":5.000000,"event":"conn_expire","conn":7,)" + conn_fields +
            R"(,"state":"CLOSE","inpkts":0,"outpkts":0,"inbytes":0,"outbytes":0})" "\n";
    text += R"({"t":6.000000,"event":"rx",)" + syn + "\n";
    std::istringstream in(text);
    auto r = io::read_trace(in);
    REQUIRE(r.ok());
    CHECK(io::link_connections(r.value()) == std::vector<std::uint64_t>{7, 8, 8, 8, 8, 7, 8});
}

TEST_CASE("trace explain: the life of one connection with every rewrite", "[io][trace]") {
    std::ostringstream os;
    REQUIRE(io::explain_trace(events(), addr("192.168.1.50:40000"), os));
    const std::string note(26, ' ');
    CHECK(os.str() ==
          "Connection #1: TCP 192.168.1.50:40000 -> 192.168.1.10:80 => real server 172.16.10.100:80 (masq)\n"
          "     1.001000  eth0  rx   TCP 192.168.1.50:40000 > 192.168.1.10:80 [S]  (eth 02:00:00:00:00:c1 > "
          "02:00:00:00:00:10)\n"
          "     1.001000        schedule TCP 192.168.1.50:40000 -> 192.168.1.10:80 wlc => 172.16.10.100:80 masq: w1\n"
          "     1.001000        conn_new #1 TCP 192.168.1.50:40000 -> 192.168.1.10:80 => 172.16.10.100:80 masq, "
          "state NONE\n"
          "     1.001000        conn_state #1 TCP 192.168.1.50:40000: NONE -> SYN_RECV (timeout 60 s)\n"
          "     1.001000  eth1  tx   TCP 192.168.1.50:40000 > 172.16.10.100:80 [S]  (eth 02:00:00:00:00:11 > "
          "02:00:00:00:00:a1)\n" +
              note +
              "rewrite (masq): destination 192.168.1.10:80 -> 172.16.10.100:80; MAC 02:00:00:00:00:c1 > "
              "02:00:00:00:00:10 -> 02:00:00:00:00:11 > 02:00:00:00:00:a1\n"
              "     1.002000  eth1  rx   TCP 172.16.10.100:80 > 192.168.1.50:40000 [S.]  (eth 02:00:00:00:00:a1 > "
              "02:00:00:00:00:11)\n"
              "     1.002000        conn_state #1 TCP 192.168.1.50:40000: SYN_RECV -> ESTABLISHED (timeout 900 s)\n"
              "     1.002000  eth0  tx   TCP 192.168.1.10:80 > 192.168.1.50:40000 [S.]  (eth 02:00:00:00:00:10 > "
              "02:00:00:00:00:c1)\n" +
              note +
              "rewrite (masq): source 172.16.10.100:80 -> 192.168.1.10:80; MAC 02:00:00:00:00:a1 > "
              "02:00:00:00:00:11 -> 02:00:00:00:00:10 > 02:00:00:00:00:c1\n"
              "    12.001000        conn_expire #1 TCP 192.168.1.50:40000 -> 192.168.1.10:80 => 172.16.10.100:80 "
              "masq expired in ESTABLISHED; in 1 packets 40 bytes, out 1 packets 40 bytes\n"
              "  Lived 11.000000 s; expired in state ESTABLISHED: 1 packets (40 bytes) in, 1 packets (40 bytes) "
              "out.\n");
}

TEST_CASE("trace explain: a connection still open, an attempt with no real server, stray frames", "[io][trace]") {
    std::ostringstream os;
    REQUIRE(io::explain_trace(events(), addr("192.168.1.50:40001"), os));
    CHECK(os.str().find("Connection #2:") == 0);
    CHECK(os.str().find("Still in the connection table when the trace ends (state SYN_RECV).") != std::string::npos);

    os.str("");
    REQUIRE(io::explain_trace(events(), addr("192.168.1.50:40002"), os));
    const std::string no_dest = os.str();
    CHECK(no_dest.find("No connection: TCP 192.168.1.50:40002 -> 192.168.1.10:80 at 3.000000: wlc found no real "
                       "server available\n") == 0);
    CHECK(no_dest.find("eth0  rx   TCP 192.168.1.50:40002") != std::string::npos);
    CHECK(no_dest.find("eth0  drop ipvs_no_dest") != std::string::npos);
    CHECK(no_dest.find(std::string("dropped: ") + net::drop_reason_text(net::DropReason::ipvs_no_dest)) !=
          std::string::npos);
    CHECK(std::count(no_dest.begin(), no_dest.end(), '\n') == 5);

    os.str("");
    REQUIRE(io::explain_trace(events(), addr("192.168.1.50:40003"), os));
    CHECK(os.str().find("Frames of 192.168.1.50:40003 outside any connection:\n") == 0);
    CHECK(os.str().find("drop ipvs_not_syn") != std::string::npos);

    os.str("");
    REQUIRE(io::explain_trace(events(), addr("192.168.1.50"), os));  // every connection of the address
    CHECK(os.str().find("Connection #1:") < os.str().find("Connection #2:"));
    CHECK(os.str().find("No connection:") != std::string::npos);

    os.str("");
    CHECK_FALSE(io::explain_trace(events(), addr("192.168.1.99:1"), os));
    CHECK(os.str().empty());
}

TEST_CASE("trace: run_trace_show and run_trace_explain report files and lines", "[io][trace]") {
    std::ostringstream out, err;
    CHECK(io::run_trace_show("/nonexistent/trace.jsonl", {}, out, err) == 1);
    CHECK(err.str() == "tapvs trace: cannot open /nonexistent/trace.jsonl\n");
    err.str("");
    CHECK(io::run_trace_explain("/nonexistent/trace.jsonl", addr("1.2.3.4:5"), out, err) == 1);
    CHECK(out.str().empty());
}

TEST_CASE("trace: addresses parse as ip or ip:port, nothing else", "[io][trace]") {
    CHECK(io::TraceAddr::parse("1.2.3.4")->to_string() == "1.2.3.4");
    CHECK(io::TraceAddr::parse("1.2.3.4:0")->port == 0);
    CHECK(io::TraceAddr::parse("1.2.3.4:65535")->port == 65535);
    CHECK_FALSE(io::TraceAddr::parse("1.2.3.4:65536"));
    CHECK_FALSE(io::TraceAddr::parse("1.2.3.4:"));
    CHECK_FALSE(io::TraceAddr::parse("1.2.3.4:+1"));
    CHECK_FALSE(io::TraceAddr::parse("1.2.3:80"));
    CHECK_FALSE(io::TraceAddr::parse("host:80"));
    CHECK(addr("1.2.3.4:80").matches(addr("1.2.3.4")));
    CHECK_FALSE(addr("1.2.3.4").matches(addr("1.2.3.4:80")));
    CHECK_FALSE(addr("1.2.3.4:81").matches(addr("1.2.3.4:80")));
    for (auto k : {TraceEventKind::trace, TraceEventKind::rx, TraceEventKind::conn_expire})
        CHECK(io::trace_event_from_name(io::trace_event_name(k)) == k);
    CHECK_FALSE(io::trace_event_from_name("unknown"));
}
