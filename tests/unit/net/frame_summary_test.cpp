// net::summarize(): a frame's summary holds what parse_frame() found, layer by layer, and what a
// frame parse_frame() refuses still shows (its length, MACs and EtherType).
#include <catch2/catch.hpp>

#include <vector>

#include "support/frame_builder.hpp"
#include "tapvs/net/frame_summary.hpp"

using namespace tapvs::net;
using tapvs::test::FrameBuilder;
using tapvs::test::ip;
using V = std::vector<std::uint8_t>;

namespace {
const MacAddr kClientMac{{0x02, 0, 0, 0, 0, 0x0c}};
const MacAddr kDirectorMac{{0x02, 0, 0, 0, 0, 0x0d}};
FrameBuilder eth() { return FrameBuilder{}.eth(kClientMac, kDirectorMac); }
}  // namespace

TEST_CASE("frame summary: a TCP segment's addresses, ports, flags, sequence numbers and payload", "[net][summary]") {
    const V f = eth().ipv4("172.16.0.1", "10.0.0.100").id(77).tcp(40000, 80, tcp_flags::syn | tcp_flags::ack)
                    .seq(1000).ack_seq(2000).payload("hello").build();
    const FrameSummary s = summarize(f);
    CHECK(s.len == f.size());
    CHECK(s.has_eth);
    CHECK(s.src_mac == kClientMac);
    CHECK(s.dst_mac == kDirectorMac);
    CHECK(s.ethertype == kEtherTypeIpv4);
    REQUIRE(s.parsed);
    CHECK_FALSE(s.arp);
    REQUIRE(s.ip.present);
    CHECK(s.ip.protocol == kIpProtoTcp);
    CHECK(s.ip.src == ip("172.16.0.1"));
    CHECK(s.ip.dst == ip("10.0.0.100"));
    CHECK(s.ip.ports);
    CHECK(s.ip.sport == 40000);
    CHECK(s.ip.dport == 80);
    CHECK(s.ip.ip_id == 77);
    CHECK(s.ip.has_tcp_flags);
    CHECK(s.ip.tcp_flags == (tcp_flags::syn | tcp_flags::ack));
    CHECK(s.ip.seq == 1000);
    CHECK(s.ip.ack == 2000);
    CHECK(s.ip.payload == 5);
    CHECK_FALSE(s.inner.present);
    CHECK_FALSE(s.quote.present);
}

TEST_CASE("frame summary: the same with the engine's parse as without it", "[net][summary]") {
    const V f = eth().vlan(0x0005).ipv4("172.16.0.2", "10.0.0.100").udp(5353, 53).payload("query").build();
    const auto pf = parse_frame(f);
    REQUIRE(pf);
    const FrameSummary a = summarize(f, &*pf), b = summarize(f);
    CHECK(a.has_vlan);
    CHECK(a.vlan_id == 5);
    CHECK(a.ethertype == kEtherTypeVlan);  // the frame's own
    CHECK(a.ip.payload == 5);
    CHECK(b.has_vlan == a.has_vlan);
    CHECK(b.ip.sport == a.ip.sport);
    CHECK(b.ip.payload == a.ip.payload);
    // Without a parse, only the Ethernet header is read.
    const FrameSummary c = summarize(f, nullptr);
    CHECK(c.has_eth);
    CHECK_FALSE(c.parsed);
    CHECK_FALSE(c.ip.present);
}

TEST_CASE("frame summary: IP-in-IP's inner packet and an ICMP error's quote", "[net][summary]") {
    const V tun = eth().ipip("172.16.10.12", "172.16.10.100").ipv4("192.168.1.1", "192.168.1.10")
                      .tcp(40001, 80, tcp_flags::syn).seq(9).build();
    const FrameSummary t = summarize(tun);
    CHECK(t.ip.protocol == kIpProtoIpip);
    CHECK_FALSE(t.ip.ports);
    CHECK(t.ip.dst == ip("172.16.10.100"));
    REQUIRE(t.inner.present);
    CHECK(t.inner.src == ip("192.168.1.1"));
    CHECK(t.inner.dport == 80);
    CHECK(t.inner.seq == 9);
    CHECK(t.inner.has_tcp_flags);

    const V original = eth().ipv4("10.0.0.100", "172.16.0.1").tcp(80, 40000, tcp_flags::syn).build();
    const V err = eth().ipv4("172.16.0.1", "10.0.0.100")
                      .icmp_port_unreachable(FrameBuilder::quote_of(FrameBuilder::ip_packet_of(original)))
                      .build();
    const FrameSummary e = summarize(err);
    CHECK(e.ip.protocol == kIpProtoIcmp);
    CHECK(e.ip.has_icmp_type);
    CHECK(e.ip.icmp_type == kIcmpDestUnreach);
    CHECK(e.ip.icmp_code == 3);
    REQUIRE(e.quote.present);
    CHECK(e.quote.quoted);
    CHECK(e.quote.sport == 80);
    CHECK(e.quote.dport == 40000);
    CHECK_FALSE(e.quote.has_tcp_flags);  // 8 bytes of the TCP header are quoted: no flags
    CHECK(e.quote.seq == 0);
}

TEST_CASE("frame summary: ARP, a runt and a frame parse_frame() refuses", "[net][summary]") {
    const V arp = eth().arp_request(kClientMac, ip("172.16.0.1"), ip("172.16.0.254")).build();
    const FrameSummary a = summarize(arp);
    REQUIRE(a.arp);
    CHECK(a.arp_op == kArpOpRequest);
    CHECK(a.arp_sha == kClientMac);
    CHECK(a.arp_spa == ip("172.16.0.1"));
    CHECK(a.arp_tpa == ip("172.16.0.254"));
    CHECK_FALSE(a.ip.present);

    const V runt(10, 0xab);
    const FrameSummary r = summarize(runt);
    CHECK(r.len == 10);
    CHECK_FALSE(r.has_eth);
    CHECK_FALSE(r.parsed);

    const V ipv6 = eth().ethertype(kEtherTypeIpv6).payload("not parsed").build();
    const FrameSummary v = summarize(ipv6);
    CHECK(v.has_eth);
    CHECK_FALSE(v.parsed);
    CHECK(v.ethertype == kEtherTypeIpv6);
}
