// The trace writer's exact bytes: every event and field of docs/trace.md, written by hand here.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/frame_builder.hpp"
#include "support/parsed.hpp"
#include "tapvs/core/conn.hpp"
#include "tapvs/core/host.hpp"
#include "tapvs/io/trace.hpp"

using namespace tapvs;
using namespace tapvs::test;

namespace {

const net::MacAddr kEth0Mac = mac("02:00:00:00:00:10");
const net::MacAddr kEth1Mac = mac("02:00:00:00:00:11");
const net::MacAddr kClientMac = mac("02:00:00:00:00:c1");
const net::MacAddr kRs1Mac = mac("02:00:00:00:00:a1");

// 2026-01-01T00:00:00Z plus `us` microseconds.
core::Timestamp at(std::int64_t us) { return core::Timestamp::from_us(1767225600000000 + us); }

struct Fixture {
    core::Host host;
    core::PortId eth0, eth1;
    std::ostringstream os;
    io::TraceWriter w{os, host};

    Fixture() {
        eth0 = host.port_id("eth0");
        eth1 = host.port_id("eth1");
        const core::PortId lo = host.port_id("lo");
        host.edit_port(lo).loopback = true;
        host.edit_port(lo).addrs.push_back(core::PortAddr{ip("127.0.0.1"), 8, {}});
        host.edit_port(eth0).mac = kEth0Mac;
        host.edit_port(eth1).mac = kEth1Mac;
        host.edit_port(eth0).addrs.push_back(core::PortAddr{ip("192.168.1.10"), 24, {}});
        host.edit_port(eth1).addrs.push_back(core::PortAddr{ip("172.16.10.12"), 16, {}});
    }
    std::string take() {
        std::string s = os.str();
        os.str("");
        return s;
    }
};

struct Nat {
    core::VirtualService svc;
    core::RealServer rs;
    core::Connection c;
    Nat() {
        svc.key = core::ServiceKey{0, core::Proto::tcp, ip("192.168.1.10"), 80};
        svc.sched_name = "wlc";
        rs.addr = ip("172.16.10.100");
        rs.port = 80;
        rs.fwd = core::FwdMethod::masq;
        c.protocol = core::Proto::tcp;
        c.caddr = ip("192.168.1.50");
        c.cport = 40000;
        c.vaddr = ip("192.168.1.10");
        c.vport = 80;
        c.daddr = rs.addr;
        c.dport = 80;
        c.flags = static_cast<std::uint32_t>(core::FwdMethod::masq);
        c.id = 1;
    }
};

std::string fmt_time(core::Timestamp t) {
    fmt::memory_buffer b;
    io::append_trace_time(b, t);
    return fmt::to_string(b);
}
std::string escaped(std::string_view s) {
    fmt::memory_buffer b;
    io::append_json_string(b, s);
    return fmt::to_string(b);
}
std::string flags(std::uint8_t f) {
    fmt::memory_buffer b;
    io::append_tcp_flags(b, f);
    return fmt::to_string(b);
}

}  // namespace

TEST_CASE("trace: time is seconds since the epoch with exactly six decimals", "[io][trace]") {
    CHECK(fmt_time(core::Timestamp::from_us(1767225601001000)) == "1767225601.001000");
    CHECK(fmt_time(core::Timestamp{}) == "0.000000");
    CHECK(fmt_time(core::Timestamp{core::Duration{999}}) == "0.000000");          // below a microsecond: cut
    CHECK(fmt_time(core::Timestamp{core::Duration{1767225601999999999}}) == "1767225601.999999");
    CHECK(fmt_time(core::Timestamp{core::Duration{-1}}) == "-0.000001");            // toward minus infinity
    CHECK(fmt_time(core::Timestamp::from_us(-1500000)) == "-1.500000");
    CHECK(fmt_time(core::Timestamp::from_us(12)) == "0.000012");
}

TEST_CASE("trace: TCP flags read as tcpdump prints them", "[io][trace]") {
    namespace f = net::tcp_flags;
    CHECK(flags(f::syn) == "S");
    CHECK(flags(f::syn | f::ack) == "S.");
    CHECK(flags(f::psh | f::ack) == "P.");
    CHECK(flags(f::fin | f::ack) == "F.");
    CHECK(flags(f::rst) == "R");
    CHECK(flags(f::ack) == ".");
    CHECK(flags(f::ack | f::urg | f::ece | f::cwr) == ".UEW");
    CHECK(flags(0) == "none");
}

TEST_CASE("trace: strings are escaped for JSON, invalid UTF-8 becomes U+FFFD", "[io][trace]") {
    CHECK(escaped("plain") == "\"plain\"");
    CHECK(escaped("a \"b\" \\c") == R"("a \"b\" \\c")");
    CHECK(escaped("l1\nl2\tx\r\b\f") == R"("l1\nl2\tx\r\b\f")");
    CHECK(escaped(std::string("nul\0x\x01\x1f\x7f", 8)) == "\"nul\\u0000x\\u0001\\u001f\x7f\"");
    CHECK(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    CHECK(escaped("bad\xff") == R"("bad\ufffd")");
    CHECK(escaped("cut\xe2\x82") == R"("cut\ufffd\ufffd")");      // a sequence cut short
    CHECK(escaped("\xc0\xaf") == R"("\ufffd\ufffd")");            // overlong '/'
    CHECK(escaped("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");  // a UTF-16 surrogate
    CHECK(escaped("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");  // beyond U+10FFFF
    // What a JSON parser reads back is the original text (valid UTF-8 in, same out).
    const std::string tricky = "why: \"wlc\" \\ 5*256+0 > 3*256+1\n\ttab \x01 caf\xc3\xa9";
    CHECK(nlohmann::json::parse(escaped(tricky)).get<std::string>() == tricky);
}

TEST_CASE("trace: the header line names the schema, version, seed, config and the ports (not lo)", "[io][trace]") {
    Fixture fx;
    fx.w.write_header(io::TraceHeader{at(0), 7, "labs/nat/director.conf", "0.1.0"});
    CHECK(fx.take() ==
          R"({"t":1767225600.000000,"event":"trace","schema":1,"tapvs":"0.1.0","seed":7,"config":"labs/nat/director.conf",)"
          R"("ports":[{"name":"eth0","mac":"02:00:00:00:00:10","addrs":["192.168.1.10/24"]},)"
          R"({"name":"eth1","mac":"02:00:00:00:00:11","addrs":["172.16.10.12/16"]}]})"
          "\n");
    CHECK(fx.w.lines() == 1);
}

TEST_CASE("trace: a NAT connection's life, hand-driven, gives these exact lines", "[io][trace]") {
    Fixture fx;
    Nat n;
    namespace f = net::tcp_flags;
    const auto syn = FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10")
                         .tcp(40000, 80, f::syn).build();
    const auto syn_nat = FrameBuilder{}.eth(kEth1Mac, kRs1Mac).ipv4("192.168.1.50", "172.16.10.100")
                             .tcp(40000, 80, f::syn).build();
    core::SchedPacket pkt{core::Proto::tcp, ip("192.168.1.50"), ip("192.168.1.10"), 40000, 80};
    core::Decision d{&n.svc, &n.rs, false, "172.16.10.100:80 overhead 0 weight 1 is the least"};

    fx.w.on_rx(fx.eth0, syn, parsed(syn).get(), at(1001000));
    fx.w.on_schedule(pkt, d, at(1001000));
    fx.w.on_conn_new(n.c, at(1001000));
    n.c.state = core::TcpState::syn_recv;
    n.c.timeout = core::seconds(60);
    fx.w.on_conn_state(n.c, core::TcpState::none, at(1001000));
    fx.w.on_arp(fx.eth1, core::EngineObserver::ArpEvent::request_sent, ip("172.16.10.100"), net::MacAddr{},
                at(1001000));
    fx.w.on_arp(fx.eth1, core::EngineObserver::ArpEvent::learned, ip("172.16.10.100"), kRs1Mac, at(1002500));
    fx.w.on_tx(fx.eth1, syn_nat, parsed(syn_nat).get(), at(1002500));
    n.c.state = core::TcpState::close;
    n.c.inpkts = 3;
    n.c.outpkts = 2;
    n.c.inbytes = 160;
    n.c.outbytes = 112;
    fx.w.on_conn_expire(n.c, at(11002500));

    const std::string expected =
        R"({"t":1767225601.001000,"event":"rx","port":"eth0","len":54,"eth_src":"02:00:00:00:00:c1",)"
        R"("eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40000","dst":"192.168.1.10:80","flags":"S"})"
        "\n"
        R"({"t":1767225601.001000,"event":"schedule","proto":"TCP","client":"192.168.1.50:40000",)"
        R"("vip":"192.168.1.10:80","scheduler":"wlc","rs":"172.16.10.100:80","method":"masq","persistent":false,)"
        R"("why":"172.16.10.100:80 overhead 0 weight 1 is the least"})"
        "\n"
        R"({"t":1767225601.001000,"event":"conn_new","conn":1,"proto":"TCP","client":"192.168.1.50:40000",)"
        R"("vip":"192.168.1.10:80","rs":"172.16.10.100:80","method":"masq","state":"NONE"})"
        "\n"
        R"({"t":1767225601.001000,"event":"conn_state","conn":1,"proto":"TCP","client":"192.168.1.50:40000",)"
        R"("vip":"192.168.1.10:80","rs":"172.16.10.100:80","method":"masq","old":"NONE","new":"SYN_RECV","timeout":60})"
        "\n"
        R"({"t":1767225601.001000,"event":"arp","port":"eth1","what":"request_sent","ip":"172.16.10.100","mac":null})"
        "\n"
        R"({"t":1767225601.002500,"event":"arp","port":"eth1","what":"learned","ip":"172.16.10.100",)"
        R"("mac":"02:00:00:00:00:a1"})"
        "\n"
        R"({"t":1767225601.002500,"event":"tx","port":"eth1","len":54,"eth_src":"02:00:00:00:00:11",)"
        R"("eth_dst":"02:00:00:00:00:a1","proto":"TCP","src":"192.168.1.50:40000","dst":"172.16.10.100:80","flags":"S"})"
        "\n"
        R"({"t":1767225611.002500,"event":"conn_expire","conn":1,"proto":"TCP","client":"192.168.1.50:40000",)"
        R"("vip":"192.168.1.10:80","rs":"172.16.10.100:80","method":"masq","state":"CLOSE","inpkts":3,"outpkts":2,)"
        R"("inbytes":160,"outbytes":112})"
        "\n";
    CHECK(fx.take() == expected);
    CHECK(fx.w.lines() == 8);
}

TEST_CASE("trace: schedule for a fwmark service, with no real server, persistent", "[io][trace]") {
    Fixture fx;
    Nat n;
    n.svc.key = core::ServiceKey{1, core::Proto::none, {}, 0};
    n.svc.sched_name = "sh";
    core::SchedPacket pkt{core::Proto::udp, ip("192.168.1.50"), ip("192.168.1.10"), 5353, 53};
    fx.w.on_schedule(pkt, core::Decision{&n.svc, nullptr, false, "no dest with weight > 0"}, at(0));
    n.rs.fwd = core::FwdMethod::droute;
    n.rs.port = 0;
    fx.w.on_schedule(pkt, core::Decision{&n.svc, &n.rs, true, "template"}, at(1));
    n.rs.fwd = core::FwdMethod::tunnel;
    fx.w.on_schedule(pkt, core::Decision{&n.svc, &n.rs, false, ""}, at(2));
    CHECK(fx.take() ==
          R"({"t":1767225600.000000,"event":"schedule","proto":"UDP","client":"192.168.1.50:5353","fwmark":1,)"
          R"("scheduler":"sh","rs":null,"method":null,"persistent":false,"why":"no dest with weight > 0"})"
          "\n"
          R"({"t":1767225600.000001,"event":"schedule","proto":"UDP","client":"192.168.1.50:5353","fwmark":1,)"
          R"("scheduler":"sh","rs":"172.16.10.100:0","method":"route","persistent":true,"why":"template"})"
          "\n"
          R"({"t":1767225600.000002,"event":"schedule","proto":"UDP","client":"192.168.1.50:5353","fwmark":1,)"
          R"("scheduler":"sh","rs":"172.16.10.100:0","method":"tunnel","persistent":false,"why":""})"
          "\n");
}

TEST_CASE("trace: UDP connections carry state UDP and their fwmark", "[io][trace]") {
    Fixture fx;
    Nat n;
    n.c.protocol = core::Proto::udp;
    n.c.cport = 5353;
    n.c.vport = 53;
    n.c.dport = 53;
    n.c.fwmark = 1;
    n.c.flags = static_cast<std::uint32_t>(core::FwdMethod::droute);
    n.c.id = 42;
    fx.w.on_conn_new(n.c, at(0));
    CHECK(fx.take() ==
          R"({"t":1767225600.000000,"event":"conn_new","conn":42,"proto":"UDP","client":"192.168.1.50:5353",)"
          R"("vip":"192.168.1.10:53","fwmark":1,"rs":"172.16.10.100:53","method":"route","state":"UDP"})"
          "\n");
}

TEST_CASE("trace: frame summaries for ARP, UDP, ICMP, IP-in-IP, VLAN, fragments and other protocols",
          "[io][trace]") {
    Fixture fx;
    auto line = [&](const std::vector<std::uint8_t>& frame) {
        fx.w.on_rx(fx.eth0, frame, parsed(frame).get(), at(0));
        std::string s = fx.take();
        const std::string head = R"({"t":1767225600.000000,"event":"rx","port":"eth0",)";
        REQUIRE(s.substr(0, head.size()) == head);
        return s.substr(head.size());
    };
    const std::string e = R"("eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10",)";

    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).arp_request(kClientMac, ip("192.168.1.50"), ip("192.168.1.10"))
                   .build()) ==
          R"("len":42,)" + e +
              R"("proto":"ARP","op":"request","sender":"192.168.1.50","sender_mac":"02:00:00:00:00:c1",)"
              R"("target":"192.168.1.10","target_mac":"00:00:00:00:00:00"})"
              "\n");
    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10").udp(5353, 53)
                   .payload("q").build()) ==
          R"("len":43,)" + e + R"("proto":"UDP","src":"192.168.1.50:5353","dst":"192.168.1.10:53"})" "\n");
    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10").icmp_echo_request(1, 2)
                   .build()) ==
          R"("len":42,)" + e +
              R"("proto":"ICMP","src":"192.168.1.50","dst":"192.168.1.10","icmp_type":8,"icmp_code":0})" "\n");

    const auto udp = FrameBuilder{}.eth(kEth0Mac, kClientMac).ipv4("192.168.1.10", "192.168.1.50").udp(53, 5353).build();
    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10")
                   .icmp_port_unreachable(FrameBuilder::quote_of(FrameBuilder::ip_packet_of(udp))).build()) ==
          R"("len":70,)" + e +
              R"("proto":"ICMP","src":"192.168.1.50","dst":"192.168.1.10","icmp_type":3,"icmp_code":3,)"
              R"("quote":{"proto":"UDP","src":"192.168.1.10:53","dst":"192.168.1.50:5353"}})" "\n");

    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).ipip("172.16.10.12", "172.16.10.100")
                   .ipv4("192.168.1.50", "192.168.1.10").tcp(40000, 80, net::tcp_flags::syn | net::tcp_flags::ack)
                   .build()) ==
          R"("len":74,)" + e +
              R"("proto":"IPIP","src":"172.16.10.12","dst":"172.16.10.100",)"
              R"("inner":{"proto":"TCP","src":"192.168.1.50:40000","dst":"192.168.1.10:80","flags":"S."}})" "\n");

    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).vlan(0x2005).ipv4("192.168.1.50", "192.168.1.10")
                   .tcp(1, 2, net::tcp_flags::rst).build()) ==
          R"("len":58,)" + e +
              R"("vlan":5,"proto":"TCP","src":"192.168.1.50:1","dst":"192.168.1.10:2","flags":"R"})" "\n");

    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10").mf()
                   .udp(5353, 53).payload_size(16).build()) ==
          R"("len":58,)" + e + R"("proto":"UDP","src":"192.168.1.50","dst":"192.168.1.10","frag":true})" "\n");

    CHECK(line(FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10").ip_protocol(47)
                   .payload("gre!").build()) ==
          R"("len":38,)" + e + R"("proto":"IP","src":"192.168.1.50","dst":"192.168.1.10","ip_proto":47})" "\n");
}

TEST_CASE("trace: drops carry the reason; frames that do not parse keep their EtherType or only length",
          "[io][trace]") {
    Fixture fx;
    const auto ipv6 = FrameBuilder{}.eth(kClientMac, kEth0Mac).ethertype(0x86dd).payload_size(40).build();
    fx.w.on_drop(fx.eth0, ipv6, parsed(ipv6).get(), net::DropReason::ipv6_unsupported, at(0));
    const std::vector<std::uint8_t> runt(10, 0xee);
    fx.w.on_drop(fx.eth1, runt, parsed(runt).get(), net::DropReason::eth_too_short, at(0));
    const auto syn = FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10")
                         .tcp(40001, 80, net::tcp_flags::syn).build();
    fx.w.on_drop(fx.eth0, syn, parsed(syn).get(), net::DropReason::ipvs_no_dest, at(0));
    CHECK(fx.take() ==
          R"({"t":1767225600.000000,"event":"drop","port":"eth0","reason":"ipv6_unsupported","len":54,)"
          R"("eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","ethertype":"0x86dd"})"
          "\n"
          R"({"t":1767225600.000000,"event":"drop","port":"eth1","reason":"eth_too_short","len":10})"
          "\n"
          R"({"t":1767225600.000000,"event":"drop","port":"eth0","reason":"ipvs_no_dest","len":54,)"
          R"("eth_src":"02:00:00:00:00:c1","eth_dst":"02:00:00:00:00:10","proto":"TCP","src":"192.168.1.50:40001",)"
          R"("dst":"192.168.1.10:80","flags":"S"})"
          "\n");
}

TEST_CASE("trace: names with quotes are escaped in every string field", "[io][trace]") {
    Fixture fx;
    fx.host.edit_port(fx.eth0).name = "e\"0";
    fx.w.write_header(io::TraceHeader{at(0), 1, "my \"lab\"\\x.conf", "0.1.0"});
    fx.w.on_arp(fx.eth0, core::EngineObserver::ArpEvent::failed, ip("192.168.1.99"), net::MacAddr{}, at(0));
    const std::string out = fx.take();
    CHECK(out.find(R"("config":"my \"lab\"\\x.conf")") != std::string::npos);
    CHECK(out.find(R"({"name":"e\"0",)") != std::string::npos);
    CHECK(out.find(R"("event":"arp","port":"e\"0","what":"failed","ip":"192.168.1.99","mac":null})") !=
          std::string::npos);
    // Every line is one JSON object whose first two keys are t and event.
    std::istringstream in(out);
    std::string l;
    int n = 0;
    while (std::getline(in, l)) {
        auto j = nlohmann::ordered_json::parse(l);
        REQUIRE(j.is_object());
        CHECK(j.begin().key() == "t");
        CHECK(std::next(j.begin()).key() == "event");
        ++n;
    }
    CHECK(n == 2);
}
