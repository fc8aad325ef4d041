// parse_frame(): one frame per drop reason it can return, then what it records for good frames (VLAN, padding,
// fragments, ICMP errors, IP-in-IP, ARP), l4_checksum_ok(), and layout invariants on mutated frames.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "support/frame_builder.hpp"
#include "tapvs/net/parse.hpp"

using namespace tapvs::net;
using tapvs::test::FrameBuilder;
using tapvs::test::ip;
using V = std::vector<std::uint8_t>;

namespace {

const MacAddr kClientMac{{0x02, 0, 0, 0, 0, 0x0c}};
const MacAddr kDirectorMac{{0x02, 0, 0, 0, 0, 0x0d}};

FrameBuilder eth() { return FrameBuilder{}.eth(kClientMac, kDirectorMac); }
V syn() { return eth().ipv4("172.16.0.1", "10.0.0.100").tcp(40000, 80, tcp_flags::syn).seq(1000).build(); }
V udp_packet() { return eth().ipv4("172.16.0.2", "10.0.0.100").udp(5353, 53).payload("query").build(); }

DropReason reason_of(const V& frame) {
    auto r = parse_frame(frame);
    return r.ok() ? DropReason::count_ : r.error();
}
std::string name(DropReason r) { return r == DropReason::count_ ? "ok" : drop_reason_name(r); }

struct Row {
    const char* what;
    V frame;
    DropReason want;
};

std::vector<Row> drop_rows() {
    const V quote_udp = FrameBuilder::quote_of(FrameBuilder::ip_packet_of(udp_packet()));
    V quote_v6 = quote_udp;
    quote_v6[0] = 0x65;
    V quote_ihl4 = quote_udp;
    quote_ihl4[0] = 0x44;
    return {
        {"13 bytes", V(13, 0xaa), DropReason::eth_too_short},
        {"802.1Q tag cut", eth().vlan(7).ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).truncate(16).build(),
         DropReason::vlan_too_short},
        {"LLDP", eth().ethertype(0x88cc).payload_size(30).build(), DropReason::ethertype_unsupported},
        {"802.3 length field", eth().ethertype(46).payload_size(46).build(), DropReason::ethertype_unsupported},
        {"QinQ: a second 802.1Q tag", eth().vlan(5).ethertype(0x8100).payload(V{0x00, 0x06, 0x08, 0x00}).build(),
         DropReason::ethertype_unsupported},
        {"IPv6", eth().ethertype(0x86dd).payload_size(40).build(), DropReason::ipv6_unsupported},
        {"ARP cut in the addresses",
         eth().arp_request(kClientMac, ip("10.0.0.1"), ip("10.0.0.2")).truncate(14 + 20).build(),
         DropReason::arp_malformed},
        {"ARP RARP request op", eth().arp(3, kClientMac, ip("10.0.0.1"), kDirectorMac, ip("10.0.0.2")).build(),
         DropReason::arp_unsupported},
        {"IPv4 header of 19 bytes", eth().ipv4("1.1.1.1", "2.2.2.2").truncate(14 + 19).build(),
         DropReason::ipv4_too_short},
        {"IPv4 ihl 6 but 20 bytes", eth().ipv4("1.1.1.1", "2.2.2.2").ip_ihl(6).build(), DropReason::ipv4_too_short},
        {"version 6 under EtherType IPv4", eth().ipv4("1.1.1.1", "2.2.2.2").ip_version(6).udp(1, 2).build(),
         DropReason::ipv4_bad_version},
        {"ihl 4", eth().ipv4("1.1.1.1", "2.2.2.2").ip_ihl(4).udp(1, 2).build(), DropReason::ipv4_bad_ihl},
        {"header checksum off by one", eth().ipv4("1.1.1.1", "2.2.2.2").bad_ip_checksum().udp(1, 2).build(),
         DropReason::ipv4_bad_checksum},
        {"total length beyond the frame", eth().ipv4("1.1.1.1", "2.2.2.2").ip_total_len(60).udp(1, 2).build(),
         DropReason::ipv4_bad_total_length},
        {"total length below the header", eth().ipv4("1.1.1.1", "2.2.2.2").ip_total_len(19).udp(1, 2).build(),
         DropReason::ipv4_bad_total_length},
        {"option length 1", eth().ipv4("1.1.1.1", "2.2.2.2").ip_options({0x07, 0x01, 0x00, 0x00}).udp(1, 2).build(),
         DropReason::ipv4_bad_options},
        {"TCP header of 19 bytes", eth().ipv4("1.1.1.1", "2.2.2.2").ip_protocol(6).payload_size(19).build(),
         DropReason::tcp_too_short},
        {"TCP doff 4", eth().ipv4("1.1.1.1", "2.2.2.2").tcp(1, 2, tcp_flags::syn).tcp_doff(4).build(),
         DropReason::tcp_bad_offset},
        {"TCP doff beyond the segment", eth().ipv4("1.1.1.1", "2.2.2.2").tcp(1, 2).tcp_doff(15).payload("x").build(),
         DropReason::tcp_bad_offset},
        {"UDP header of 7 bytes", eth().ipv4("1.1.1.1", "2.2.2.2").ip_protocol(17).payload_size(7).build(),
         DropReason::udp_too_short},
        {"UDP length beyond the IP payload", eth().ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).udp_length(20).payload("abc").build(),
         DropReason::udp_bad_length},
        {"UDP length 7", eth().ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).udp_length(7).payload("abc").build(),
         DropReason::udp_bad_length},
        {"ICMP of 7 bytes", eth().ipv4("1.1.1.1", "2.2.2.2").ip_protocol(1).payload_size(7).build(),
         DropReason::icmp_too_short},
        {"ICMP error quoting 10 bytes", eth().ipv4("1.1.1.1", "2.2.2.2").icmp_port_unreachable(V(quote_udp.begin(), quote_udp.begin() + 10)).build(),
         DropReason::icmp_inner_malformed},
        {"ICMP error quoting IPv6", eth().ipv4("1.1.1.1", "2.2.2.2").icmp_port_unreachable(quote_v6).build(),
         DropReason::icmp_inner_malformed},
        {"ICMP error quoting ihl 4", eth().ipv4("1.1.1.1", "2.2.2.2").icmp_port_unreachable(quote_ihl4).build(),
         DropReason::icmp_inner_malformed},
        {"ICMP error quoting UDP without its ports",
         eth().ipv4("1.1.1.1", "2.2.2.2").icmp_port_unreachable(V(quote_udp.begin(), quote_udp.begin() + 23)).build(),
         DropReason::icmp_inner_malformed},
        {"IPIP inner header checksum wrong",
         eth().ipip("1.1.1.1", "2.2.2.2").ipv4("3.3.3.3", "4.4.4.4").bad_ip_checksum().udp(1, 2).build(),
         DropReason::ipip_inner_malformed},
        {"IPIP inner total length beyond the outer payload",
         eth().ipip("1.1.1.1", "2.2.2.2").ipv4("3.3.3.3", "4.4.4.4").ip_total_len(200).udp(1, 2).build(),
         DropReason::ipip_inner_malformed},
        {"IPIP inner of 12 bytes", eth().ipip("1.1.1.1", "2.2.2.2").ip_protocol(4).payload_size(12).build(),
         DropReason::ipip_inner_malformed},
        {"IPIP inner TCP doff 3",
         eth().ipip("1.1.1.1", "2.2.2.2").ipv4("3.3.3.3", "4.4.4.4").tcp(1, 2).tcp_doff(3).build(),
         DropReason::ipip_inner_malformed},
    };
}

// The parse reasons that parse_frame() never returns (the engine uses them).
bool engine_only(DropReason r) {
    return r == DropReason::ipv4_fragment || r == DropReason::tcp_bad_checksum ||
           r == DropReason::udp_bad_checksum || r == DropReason::icmp_bad_checksum;
}

}  // namespace

TEST_CASE("parse: each malformed frame is dropped with exactly its reason", "[net][parse][drop]") {
    for (const Row& row : drop_rows()) {
        INFO(row.what);
        CHECK(name(reason_of(row.frame)) == name(row.want));
    }
}

TEST_CASE("parse: every drop reason parse_frame can return has a frame that triggers it", "[net][parse][drop]") {
    std::set<DropReason> covered;
    for (const Row& row : drop_rows()) covered.insert(row.want);
    for (std::size_t i = 0; i <= index_of(kLastParseDropReason); ++i) {
        const auto r = static_cast<DropReason>(i);
        INFO(drop_reason_name(r));
        CHECK((engine_only(r) || covered.count(r) == 1));
    }
}

TEST_CASE("parse: a TCP SYN records offsets, addresses and ports", "[net][parse][tcp]") {
    V f = syn();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->is_ipv4());
    CHECK_FALSE(pf->is_arp());
    CHECK(pf->ethertype == kEtherTypeIpv4);
    CHECK_FALSE(pf->has_vlan);
    CHECK(pf->present);
    CHECK_FALSE(pf->quoted);
    CHECK(pf->l3_off == 14);
    CHECK(pf->l3_hdr_len == 20);
    CHECK(pf->l3_len == 40);
    CHECK(pf->l4_off == 34);
    CHECK(pf->l4_len == 20);
    CHECK(pf->protocol == kIpProtoTcp);
    CHECK(pf->is_tcp());
    CHECK_FALSE(pf->is_udp());
    CHECK_FALSE(pf->is_fragment);
    CHECK(pf->src == ip("172.16.0.1"));
    CHECK(pf->dst == ip("10.0.0.100"));
    CHECK(pf->sport == 40000);
    CHECK(pf->dport == 80);
    CHECK_FALSE(pf->icmp_inner.present);
    CHECK_FALSE(pf->ipip_inner.present);
    CHECK(pf->eth(ConstBytes{f}).src() == kClientMac);
    CHECK(pf->tcp(ConstBytes{f}).syn());
    CHECK(pf->tcp(ConstBytes{f}).seq() == 1000);
    CHECK(l4_checksum_ok(*pf, f));
}

TEST_CASE("parse: L4 checksums are not parse_frame's business, l4_checksum_ok tells", "[net][parse][checksum]") {
    const V bad_tcp = eth().ipv4("1.1.1.1", "2.2.2.2").tcp(1, 2, tcp_flags::ack).bad_l4_checksum().build();
    auto pf = parse_frame(bad_tcp);
    REQUIRE(pf.ok());
    CHECK_FALSE(l4_checksum_ok(*pf, bad_tcp));

    const V bad_udp = eth().ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).payload("x").bad_l4_checksum().build();
    REQUIRE(parse_frame(bad_udp).ok());
    CHECK_FALSE(l4_checksum_ok(*parse_frame(bad_udp), bad_udp));

    const V no_udp = eth().ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).payload("x").udp_zero_checksum().build();
    CHECK(l4_checksum_ok(*parse_frame(no_udp), no_udp));

    const V bad_icmp = eth().ipv4("1.1.1.1", "2.2.2.2").icmp_echo_request(7, 1).payload("p").bad_l4_checksum().build();
    REQUIRE(parse_frame(bad_icmp).ok());
    CHECK_FALSE(l4_checksum_ok(*parse_frame(bad_icmp), bad_icmp));
    const V good_icmp = eth().ipv4("1.1.1.1", "2.2.2.2").icmp_echo_request(7, 1).payload("p").build();
    CHECK(l4_checksum_ok(*parse_frame(good_icmp), good_icmp));

    const V gre = eth().ipv4("1.1.1.1", "2.2.2.2").ip_protocol(47).payload_size(24).build();
    auto g = parse_frame(gre);
    REQUIRE(g.ok());
    CHECK(g->protocol == 47);
    CHECK_FALSE(g->l4_parsed);
    CHECK(g->l4_len == 24);
    CHECK_FALSE(l4_checksum_ok(*g, gre));
}

TEST_CASE("parse: one 802.1Q tag is skipped and its TCI recorded", "[net][parse][vlan]") {
    const V f = eth().vlan(0xa00a).ipv4("172.16.0.1", "10.0.0.100").udp(1000, 53).payload("q").build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->has_vlan);
    CHECK(pf->vlan_tci == 0xa00a);
    CHECK(pf->vlan_id() == 0x00a);
    CHECK(pf->ethertype == kEtherTypeIpv4);
    CHECK(pf->l3_off == 18);
    CHECK(pf->l4_off == 38);
    CHECK(pf->is_udp());
    CHECK(pf->dport == 53);
    CHECK(pf->eth(ConstBytes{f}).ethertype() == kEtherTypeVlan);
    CHECK(l4_checksum_ok(*pf, f));
}

TEST_CASE("parse: Ethernet padding after total_len is excluded from the IP span", "[net][parse][padding]") {
    // A bare ACK is 54 bytes; the wire minimum of 60 adds 6 bytes of padding (here non-zero, as some NICs send).
    V f = eth().ipv4("172.16.0.1", "10.0.0.100").tcp(40000, 80, tcp_flags::ack).trailer(V(6, 0xee)).build();
    REQUIRE(f.size() == 60);
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->l3_len == 40);
    CHECK(pf->l4_len == 20);
    CHECK(pf->ipv4(ConstBytes{f}).bytes().size() == 40);
    CHECK(pf->tcp(ConstBytes{f}).payload().empty());
    CHECK(l4_checksum_ok(*pf, f));  // the padding would break it if it were summed

    // UDP: the datagram may also be shorter than the IP payload; the kernel trims to the UDP length.
    V u = eth().ipv4("172.16.0.2", "10.0.0.100").udp(5353, 53).payload("ab").pad_to(60).build();
    auto pu = parse_frame(u);
    REQUIRE(pu.ok());
    CHECK(pu->l3_len == 30);
    CHECK(pu->l4_len == 10);
    CHECK(l4_checksum_ok(*pu, u));
}

TEST_CASE("parse: fragments are flagged and their L4 left alone", "[net][parse][fragment]") {
    // A first fragment whose 3 payload bytes could never be a TCP header: no tcp_too_short.
    const V first = eth().ipv4("1.1.1.1", "2.2.2.2").mf().ip_protocol(6).payload_size(3).build();
    auto a = parse_frame(first);
    REQUIRE(a.ok());
    CHECK(a->is_fragment);
    CHECK(a->more_fragments);
    CHECK(a->frag_offset == 0);
    CHECK_FALSE(a->l4_parsed);
    CHECK(a->l4_len == 3);
    CHECK(a->sport == 0);
    CHECK_FALSE(l4_checksum_ok(*a, first));

    const V later = eth().ipv4("1.1.1.1", "2.2.2.2").frag_offset(185).ip_protocol(17).payload_size(100).build();
    auto b = parse_frame(later);
    REQUIRE(b.ok());
    CHECK(b->is_fragment);
    CHECK_FALSE(b->more_fragments);
    CHECK(b->frag_offset == 185);
    CHECK_FALSE(b->l4_parsed);

    const V df = eth().ipv4("1.1.1.1", "2.2.2.2").df().udp(1, 2).build();
    auto c = parse_frame(df);
    REQUIRE(c.ok());
    CHECK_FALSE(c->is_fragment);
    CHECK(c->l4_parsed);
}

TEST_CASE("parse: IPv4 options are accepted and skipped", "[net][parse][ipv4]") {
    // Router alert (4 bytes) + NOP NOP + END padding.
    const V f = eth().ipv4("1.1.1.1", "2.2.2.2").ip_options({0x94, 0x04, 0x00, 0x00, 0x01, 0x01}).udp(7, 9).build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->l3_hdr_len == 28);
    CHECK(pf->l4_off == 14 + 28);
    CHECK(pf->ipv4(ConstBytes{f}).options().size() == 8);
    CHECK(pf->sport == 7);
    CHECK(l4_checksum_ok(*pf, f));
}

TEST_CASE("parse: ARP request and reply", "[net][parse][arp]") {
    const V req = FrameBuilder{}
                      .eth(kClientMac, MacAddr::broadcast())
                      .arp_request(kClientMac, ip("10.0.0.1"), ip("10.0.0.100"))
                      .pad_to(60)
                      .build();
    auto pf = parse_frame(req);
    REQUIRE(pf.ok());
    CHECK(pf->is_arp());
    CHECK(pf->ethertype == kEtherTypeArp);
    CHECK(pf->l3_off == 14);
    CHECK(pf->l3_len == 28);
    CHECK_FALSE(pf->present);
    const auto arp = pf->arp(ConstBytes{req});
    CHECK(arp.op() == kArpOpRequest);
    CHECK(arp.sha() == kClientMac);
    CHECK(arp.spa() == ip("10.0.0.1"));
    CHECK(arp.tha() == MacAddr{});
    CHECK(arp.tpa() == ip("10.0.0.100"));

    const V rep = eth().vlan(3).arp_reply(kDirectorMac, ip("10.0.0.100"), kClientMac, ip("10.0.0.1")).build();
    auto pr = parse_frame(rep);
    REQUIRE(pr.ok());
    CHECK(pr->l3_off == 18);
    CHECK(pr->arp(ConstBytes{rep}).op() == kArpOpReply);
    CHECK(pr->arp(ConstBytes{rep}).tha() == kClientMac);
}

TEST_CASE("parse: an ICMP port unreachable quoting a UDP packet records the quoted packet",
          "[net][parse][icmp]") {
    const V original = udp_packet();
    const V quote = FrameBuilder::quote_of(FrameBuilder::ip_packet_of(original));
    REQUIRE(quote.size() == 28);
    const V f = eth().ipv4("10.0.0.100", "172.16.0.2").icmp_port_unreachable(quote).build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->is_icmp());
    CHECK(l4_checksum_ok(*pf, f));
    const auto& in = pf->icmp_inner;
    REQUIRE(in.present);
    CHECK(in.quoted);
    CHECK(in.protocol == kIpProtoUdp);
    CHECK(in.l3_off == 14 + 20 + 8);
    CHECK(in.l3_hdr_len == 20);
    CHECK(in.l3_len == 28);  // truncated: the quoted packet was 33 bytes long
    CHECK(in.l4_off == 14 + 20 + 8 + 20);
    CHECK(in.l4_len == 8);
    CHECK(in.l4_parsed);
    CHECK(in.src == ip("172.16.0.2"));
    CHECK(in.dst == ip("10.0.0.100"));
    CHECK(in.sport == 5353);
    CHECK(in.dport == 53);
    CHECK(pf->icmp(ConstBytes{f}).embedded().size() == 28);
    CHECK(in.ipv4(ConstBytes{f}).total_len() == 33);
    CHECK_FALSE(l4_checksum_ok(in, f));  // a quote has nothing to verify
    CHECK_FALSE(pf->icmp_inner_ipip.present);
}

TEST_CASE("parse: ICMP frag-needed and time-exceeded quoting TCP", "[net][parse][icmp]") {
    const V original = syn();
    const V whole = FrameBuilder::ip_packet_of(original);
    const V f = eth().ipv4("10.0.0.1", "172.16.0.1").icmp_frag_needed(1400, whole).build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->icmp(ConstBytes{f}).next_hop_mtu() == 1400);
    CHECK(pf->icmp_inner.protocol == kIpProtoTcp);
    CHECK(pf->icmp_inner.l3_len == 40);  // the whole SYN was quoted
    CHECK(pf->icmp_inner.sport == 40000);
    CHECK(pf->icmp_inner.dport == 80);

    const V t = eth().ipv4("10.0.0.1", "172.16.0.1").icmp_time_exceeded(FrameBuilder::quote_of(whole)).build();
    auto pt = parse_frame(t);
    REQUIRE(pt.ok());
    CHECK(pt->icmp(ConstBytes{t}).type() == kIcmpTimeExceeded);
    CHECK(pt->icmp_inner.dport == 80);
}

TEST_CASE("parse: an ICMP error quoting a non-first fragment needs no L4 bytes", "[net][parse][icmp]") {
    const V frag = FrameBuilder{}.ipv4("172.16.0.1", "10.0.0.100").frag_offset(100).ip_protocol(6).payload_size(4).build();
    const V f = eth().ipv4("10.0.0.1", "172.16.0.1").icmp_time_exceeded(frag).build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->icmp_inner.present);
    CHECK(pf->icmp_inner.is_fragment);
    CHECK_FALSE(pf->icmp_inner.l4_parsed);
    CHECK(pf->icmp_inner.sport == 0);
}

TEST_CASE("parse: ICMP echo and other non-error types quote nothing", "[net][parse][icmp]") {
    const V f = eth().ipv4("1.1.1.1", "2.2.2.2").icmp_echo_reply(9, 3).payload(V(28, 0x45)).build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK_FALSE(pf->icmp_inner.present);
    CHECK(pf->icmp(ConstBytes{f}).echo_id() == 9);
    CHECK(pf->icmp(ConstBytes{f}).echo_sequence() == 3);
}

TEST_CASE("parse: IP-in-IP records the validated inner packet and its L4", "[net][parse][ipip]") {
    const V f = eth()
                    .ipip("10.0.0.1", "192.168.1.1")
                    .ttl(63)
                    .ipv4("172.16.0.1", "10.0.0.100")
                    .tcp(40000, 80, tcp_flags::syn)
                    .payload("hello")
                    .build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->protocol == kIpProtoIpip);
    CHECK(pf->src == ip("10.0.0.1"));
    CHECK(pf->dst == ip("192.168.1.1"));
    CHECK(pf->l3_len == 20 + 20 + 20 + 5);
    CHECK_FALSE(pf->is_tcp());
    CHECK_FALSE(l4_checksum_ok(*pf, f));
    const auto& in = pf->ipip_inner;
    REQUIRE(in.present);
    CHECK_FALSE(in.quoted);
    CHECK(in.l3_off == 34);
    CHECK(in.l3_len == 45);
    CHECK(in.l4_off == 54);
    CHECK(in.l4_len == 25);
    CHECK(in.src == ip("172.16.0.1"));
    CHECK(in.dst == ip("10.0.0.100"));
    CHECK(in.is_tcp());
    CHECK(in.sport == 40000);
    CHECK(in.dport == 80);
    CHECK(in.tcp(ConstBytes{f}).syn());
    CHECK(l4_checksum_ok(in, f));
    CHECK(pf->ipv4(ConstBytes{f}).ttl() == 63);
    CHECK(in.ipv4(ConstBytes{f}).ttl() == 64);

    const V frag = eth().ipip("10.0.0.1", "192.168.1.1").ipv4("172.16.0.1", "10.0.0.100").mf().ip_protocol(6)
                       .payload_size(3).build();
    auto pfrag = parse_frame(frag);
    REQUIRE(pfrag.ok());
    CHECK(pfrag->ipip_inner.is_fragment);
    CHECK_FALSE(pfrag->ipip_inner.l4_parsed);
}

TEST_CASE("parse: an ICMP error about an IP-in-IP packet records the quoted inner header too",
          "[net][parse][icmp][ipip]") {
    const V tunnelled = FrameBuilder{}.ipip("10.0.0.1", "192.168.1.1").ipv4("172.16.0.1", "10.0.0.100")
                            .tcp(40000, 80, tcp_flags::syn).build();
    const V quote(tunnelled.begin(), tunnelled.begin() + 20 + 20 + 8);
    const V f = eth().ipv4("192.168.1.1", "10.0.0.1").icmp_frag_needed(1480, quote).build();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    CHECK(pf->icmp_inner.protocol == kIpProtoIpip);
    CHECK(pf->icmp_inner.dst == ip("192.168.1.1"));
    const auto& nested = pf->icmp_inner_ipip;
    REQUIRE(nested.present);
    CHECK(nested.l3_off == 14 + 20 + 8 + 20);
    CHECK(nested.src == ip("172.16.0.1"));
    CHECK(nested.sport == 40000);
    CHECK(nested.dport == 80);

    // A quote too short for the nested header: the error itself stays valid, the nested part absent.
    const V short_quote(tunnelled.begin(), tunnelled.begin() + 28);
    const V g = eth().ipv4("192.168.1.1", "10.0.0.1").icmp_frag_needed(1480, short_quote).build();
    auto pg = parse_frame(g);
    REQUIRE(pg.ok());
    CHECK(pg->icmp_inner.protocol == kIpProtoIpip);
    CHECK_FALSE(pg->icmp_inner_ipip.present);
}

TEST_CASE("parse: mutable views from a ParsedFrame edit the frame in place", "[net][parse][views]") {
    V f = syn();
    auto pf = parse_frame(f);
    REQUIRE(pf.ok());
    const Bytes bytes{f};
    pf->eth(bytes).set_dst(kClientMac);
    pf->ipv4(bytes).set_dst(ip("192.168.1.1"));
    pf->tcp(bytes).csum_addr_changed(ip("10.0.0.100"), ip("192.168.1.1"));
    pf->tcp(bytes).set_dport(8080);
    const V want = FrameBuilder{}.eth(kClientMac, kClientMac).ipv4("172.16.0.1", "192.168.1.1")
                       .tcp(40000, 8080, tcp_flags::syn).seq(1000).build();
    CHECK(f == want);
    auto again = parse_frame(f);
    REQUIRE(again.ok());
    CHECK(l4_checksum_ok(*again, f));
}

TEST_CASE("parse: on mutated and truncated frames, a result is an error or a layout inside the frame",
          "[net][parse][robust]") {
    std::mt19937 rng{4242};
    const std::vector<V> seeds = {
        syn(),
        udp_packet(),
        eth().vlan(9).ipv4("1.1.1.1", "2.2.2.2").ip_options({0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0}).udp(1, 2).build(),
        eth().ipv4("10.0.0.100", "172.16.0.2")
            .icmp_port_unreachable(FrameBuilder::quote_of(FrameBuilder::ip_packet_of(udp_packet())))
            .build(),
        eth().ipip("10.0.0.1", "192.168.1.1").ipv4("172.16.0.1", "10.0.0.100").udp(1, 2).payload("x").build(),
        eth().arp_request(kClientMac, ip("10.0.0.1"), ip("10.0.0.2")).build(),
    };
    auto inside = [](const Ipv4Layer& l, std::size_t size) {
        return !l.present || (l.l3_off + l.l3_len <= size && l.l4_off + l.l4_len <= size &&
                              l.l4_off == l.l3_off + l.l3_hdr_len && l.l3_hdr_len <= l.l3_len);
    };
    int accepted = 0;
    for (const V& seed : seeds) {
        for (std::size_t cut = 0; cut <= seed.size(); ++cut) {
            const V f(seed.begin(), seed.begin() + static_cast<std::ptrdiff_t>(cut));
            auto pf = parse_frame(f);
            if (pf.ok()) REQUIRE((inside(*pf, cut) && inside(pf->icmp_inner, cut) && inside(pf->ipip_inner, cut)));
        }
        for (int i = 0; i < 3000; ++i) {
            V f = seed;
            const int flips = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < flips; ++k) f[rng() % f.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            if (rng() % 4 == 0) f.resize(rng() % (f.size() + 1));
            auto pf = parse_frame(f);
            if (!pf.ok()) continue;
            ++accepted;
            REQUIRE(inside(*pf, f.size()));
            REQUIRE(inside(pf->icmp_inner, f.size()));
            REQUIRE(inside(pf->icmp_inner_ipip, f.size()));
            REQUIRE(inside(pf->ipip_inner, f.size()));
            if (pf->is_tcp()) REQUIRE(pf->l4_len >= pf->tcp(ConstBytes{f}).header_len());
            if (pf->is_udp()) REQUIRE(pf->l4_len == pf->udp(ConstBytes{f}).length());
        }
    }
    CHECK(accepted > 100);  // the mutations also produce frames that parse (payload, MAC, port flips)
}
