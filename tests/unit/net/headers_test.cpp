// Every view getter and setter on hand-written bytes; expected bytes are literals (checksums computed by hand /
// by an independent script, and re-checked against the test oracle).
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "support/checksum_oracle.hpp"
#include "tapvs/net/headers.hpp"

using namespace tapvs::net;
namespace oracle = tapvs::test::oracle;
using V = std::vector<std::uint8_t>;

namespace {
constexpr Ipv4Addr kA = ipv4(10, 0, 0, 1);
constexpr Ipv4Addr kB = ipv4(10, 0, 0, 2);
const MacAddr kMac1{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
const MacAddr kMac2{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};

// The classic example header (192.168.0.1 -> 192.168.0.199, UDP, DF, TTL 64, total 115): checksum 0xb861.
V example_ip_packet() {
    V v = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
           0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    v.resize(115, 0x5a);
    return v;
}
// 40000 -> 80, seq 1000, SYN, doff 6 with MSS 1460, window 65535, payload "hi"; 10.0.0.1 -> 10.0.0.2.
V example_tcp() {
    return {0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x60,
            0x02, 0xff, 0xff, 0x7b, 0x40, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 'h',  'i'};
}
// 54321 -> 53, length 12, "abcd"; 10.0.0.1 -> 10.0.0.2.
V example_udp() { return {0xd4, 0x31, 0x00, 0x35, 0x00, 0x0c, 0x52, 0xa6, 'a', 'b', 'c', 'd'}; }
// Echo request id 0x1234 seq 1 "ping".
V example_icmp() { return {0x08, 0x00, 0x06, 0xfa, 0x12, 0x34, 0x00, 0x01, 'p', 'i', 'n', 'g'}; }
}  // namespace

TEST_CASE("headers: the hand-written examples carry the checksums the oracle computes", "[net][headers]") {
    const V ip = example_ip_packet();
    CHECK(oracle::ipv4_header(std::span(ip).first(20)) == 0xb861);
    CHECK(oracle::tcp(kA.host_order, kB.host_order, example_tcp()) == 0x7b40);
    CHECK(oracle::udp(kA.host_order, kB.host_order, example_udp()) == 0x52a6);
    CHECK(oracle::icmp(example_icmp()) == 0x06fa);
}

TEST_CASE("headers: EthView reads and writes dst, src and ethertype in place", "[net][headers][eth]") {
    V f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00, 0xee};
    auto eth = EthView::parse(Bytes{f});
    REQUIRE(eth.ok());
    CHECK(eth->dst() == kMac2);
    CHECK(eth->src() == kMac1);
    CHECK(eth->ethertype() == 0x0800);
    CHECK(eth->payload().size() == 1);
    eth->set_dst(kMac1);
    eth->set_src(MacAddr::broadcast());
    eth->set_ethertype(0x0806);
    CHECK(f == V{0x02, 0, 0, 0, 0, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x08, 0x06, 0xee});

    V short_frame(13, 0);
    auto bad = EthView::parse(Bytes{short_frame});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == DropReason::eth_too_short);
}

TEST_CASE("headers: ArpView reads an Ethernet/IPv4 reply and its setters write the exact bytes",
          "[net][headers][arp]") {
    V a = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,
           0x02, 0,    0,    0,    0,    0x02, 10,   0,    0,    2};
    auto arp = ArpView::parse(Bytes{a});
    REQUIRE(arp.ok());
    CHECK(arp->htype() == 1);
    CHECK(arp->ptype() == 0x0800);
    CHECK(arp->hlen() == 6);
    CHECK(arp->plen() == 4);
    CHECK(arp->op() == kArpOpReply);
    CHECK(arp->sha() == kMac1);
    CHECK(arp->spa() == kA);
    CHECK(arp->tha() == kMac2);
    CHECK(arp->tpa() == kB);

    arp->set_op(kArpOpRequest);
    arp->set_sha(kMac2);
    arp->set_spa(ipv4(192, 168, 1, 254));
    arp->set_tha(MacAddr{});
    arp->set_tpa(ipv4(192, 168, 1, 1));
    CHECK(a == V{0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0, 0, 0, 0, 0x02, 192, 168, 1, 254,
                 0,    0,    0,    0,    0,    0,    192,  168,  1,    1});
    arp->set_htype(6);
    arp->set_ptype(0x86dd);
    arp->set_hlen(8);
    arp->set_plen(16);
    CHECK(V(a.begin(), a.begin() + 6) == V{0x00, 0x06, 0x86, 0xdd, 0x08, 0x10});
}

TEST_CASE("headers: ArpView::parse names what is wrong", "[net][headers][arp]") {
    const V good = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0, 0, 0, 0, 0x01,
                    10,   0,    0,    1,    0,    0,    0,    0,    0,    0, 10, 0, 0, 2};
    auto reason = [](V v) {
        auto r = ConstArpView::parse(ConstBytes{v});
        return r.ok() ? DropReason::count_ : r.error();
    };
    CHECK(reason(good) == DropReason::count_);
    CHECK(reason(V(good.begin(), good.begin() + 7)) == DropReason::arp_malformed);   // no fixed part
    CHECK(reason(V(good.begin(), good.begin() + 27)) == DropReason::arp_malformed);  // addresses cut
    V hw = good;
    hw[1] = 6;  // IEEE 802 hardware type
    CHECK(reason(hw) == DropReason::arp_unsupported);
    V proto = good;
    proto[2] = 0x86;
    proto[3] = 0xdd;
    CHECK(reason(proto) == DropReason::arp_unsupported);
    V hlen = good;
    hlen[4] = 8;
    CHECK(reason(hlen) == DropReason::arp_malformed);
    V op = good;
    op[7] = 3;  // RARP request
    CHECK(reason(op) == DropReason::arp_unsupported);
}

TEST_CASE("headers: Ipv4View getters on the classic example header", "[net][headers][ipv4]") {
    V p = example_ip_packet();
    auto ip = Ipv4View::parse(Bytes{p});
    REQUIRE(ip.ok());
    CHECK(ip->version() == 4);
    CHECK(ip->ihl() == 5);
    CHECK(ip->header_len() == 20);
    CHECK(ip->tos() == 0);
    CHECK(ip->total_len() == 115);
    CHECK(ip->id() == 0);
    CHECK(ip->df());
    CHECK_FALSE(ip->mf());
    CHECK(ip->frag_offset() == 0);
    CHECK_FALSE(ip->is_fragment());
    CHECK(ip->ttl() == 64);
    CHECK(ip->protocol() == kIpProtoUdp);
    CHECK(ip->checksum() == 0xb861);
    CHECK(ip->src() == ipv4(192, 168, 0, 1));
    CHECK(ip->dst() == ipv4(192, 168, 0, 199));
    CHECK(ip->options().empty());
    CHECK(ip->payload().size() == 95);
    CHECK(ip->payload().data() == p.data() + 20);
    CHECK(ip->checksum_ok());
}

TEST_CASE("headers: Ipv4View setters keep the header checksum right, byte for byte", "[net][headers][ipv4]") {
    auto with = [](auto change) {
        V p = example_ip_packet();
        Ipv4View ip{Bytes{p}};
        change(ip);
        REQUIRE(oracle::verifies(std::span(p).first(20)));
        REQUIRE(ip.checksum() == oracle::ipv4_header(std::span(p).first(20)));  // same bits as a recomputation
        return V(p.begin(), p.begin() + 20);
    };
    // TTL 64 -> 63: the word 0x4011 becomes 0x3f11, the checksum grows by 0x0100.
    CHECK(with([](Ipv4View& ip) { ip.set_ttl(63); }) ==
          V{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x3f, 0x11, 0xb9, 0x61, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { CHECK(ip.decrease_ttl() == 63); }) ==
          V{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x3f, 0x11, 0xb9, 0x61, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { ip.set_dst(ipv4(192, 168, 0, 200)); }) ==
          V{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0xb8, 0x60, 192, 168, 0, 1, 192, 168, 0, 200});
    CHECK(with([](Ipv4View& ip) { ip.set_src(kA); }) ==
          V{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0x6f, 0x0a, 10, 0, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { ip.set_tos(0x10); }) ==
          V{0x45, 0x10, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0xb8, 0x51, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { ip.set_id(1); }) ==
          V{0x45, 0, 0, 0x73, 0, 1, 0x40, 0, 0x40, 0x11, 0xb8, 0x60, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { ip.set_total_len(116); }) ==
          V{0x45, 0, 0, 0x74, 0, 0, 0x40, 0, 0x40, 0x11, 0xb8, 0x60, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { ip.set_df(false); }) ==
          V{0x45, 0, 0, 0x73, 0, 0, 0x00, 0, 0x40, 0x11, 0xf8, 0x61, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { ip.set_protocol(kIpProtoTcp); }) ==
          V{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x06, 0xb8, 0x6c, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) { ip.set_frag_field(0x2000 | 185); }) ==
          V{0x45, 0, 0, 0x73, 0, 0, 0x20, 185, 0x40, 0x11, 0xd7, 0xa8, 192, 168, 0, 1, 192, 168, 0, 199});
    CHECK(with([](Ipv4View& ip) {
              ip.set_checksum(0);
              ip.recompute_checksum();
          }) == V{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0xb8, 0x61, 192, 168, 0, 1, 192, 168, 0, 199});
}

TEST_CASE("headers: Ipv4View fragment fields, options and padding exclusion", "[net][headers][ipv4]") {
    // ihl 6 with one NOP NOP NOP END option word, MF + offset 185 (1480 bytes), total 28 + 4 bytes padding.
    V p = {0x46, 0x00, 0x00, 0x1c, 0xab, 0xcd, 0x20, 0xb9, 0x05, 0x06, 0x00, 0x00, 10, 0, 0, 1,
           10,   0,    0,    2,    0x01, 0x01, 0x01, 0x00, 1,    2,    3,    4,    0,  0, 0, 0};
    const auto c = oracle::ipv4_header(std::span(p).first(24));
    p[10] = static_cast<std::uint8_t>(c >> 8);
    p[11] = static_cast<std::uint8_t>(c);
    auto ip = Ipv4View::parse(Bytes{p});
    REQUIRE(ip.ok());
    CHECK(ip->bytes().size() == 28);  // padding excluded
    CHECK(ip->header_len() == 24);
    CHECK(ip->options().size() == 4);
    CHECK(ip->options()[0] == 0x01);
    CHECK(ip->payload().size() == 4);
    CHECK(ip->id() == 0xabcd);
    CHECK(ip->mf());
    CHECK_FALSE(ip->df());
    CHECK(ip->frag_offset() == 185);
    CHECK(ip->frag_offset_bytes() == 1480);
    CHECK(ip->is_fragment());
    CHECK(ip->ttl() == 5);
    CHECK(ip->protocol() == kIpProtoTcp);
}

TEST_CASE("headers: ipv4_options_well_formed follows ip_options_compile()'s length checks", "[net][headers][ipv4]") {
    auto ok = [](V o) { return ipv4_options_well_formed(ConstBytes{o}); };
    CHECK(ok({}));
    CHECK(ok({0x01, 0x01, 0x01, 0x00}));              // NOPs, END
    CHECK(ok({0x00, 0xff, 0xff, 0xff}));              // END stops the walk
    CHECK(ok({0x07, 0x07, 0x04, 0, 0, 0, 0, 0x00}));  // record route, length 7
    CHECK_FALSE(ok({0x07, 0x01, 0x00, 0x00}));         // length below 2
    CHECK_FALSE(ok({0x01, 0x01, 0x01, 0x44}));         // option type with no length byte left
    CHECK_FALSE(ok({0x44, 0x09, 0x05, 0x00, 0, 0, 0, 0}));  // timestamp claiming 9 of 8 bytes
}

TEST_CASE("headers: TcpView getters on a SYN with an MSS option", "[net][headers][tcp]") {
    V s = example_tcp();
    auto tcp = TcpView::parse(Bytes{s});
    REQUIRE(tcp.ok());
    CHECK(tcp->sport() == 40000);
    CHECK(tcp->dport() == 80);
    CHECK(tcp->seq() == 1000);
    CHECK(tcp->ack_seq() == 0);
    CHECK(tcp->doff() == 6);
    CHECK(tcp->header_len() == 24);
    CHECK(tcp->flags() == tcp_flags::syn);
    CHECK(tcp->syn());
    CHECK_FALSE(tcp->ack());
    CHECK_FALSE(tcp->fin());
    CHECK_FALSE(tcp->rst());
    CHECK_FALSE(tcp->psh());
    CHECK_FALSE(tcp->urg());
    CHECK_FALSE(tcp->ece());
    CHECK_FALSE(tcp->cwr());
    CHECK(tcp->window() == 65535);
    CHECK(tcp->checksum() == 0x7b40);
    CHECK(tcp->urg_ptr() == 0);
    CHECK(V(tcp->options().begin(), tcp->options().end()) == V{0x02, 0x04, 0x05, 0xb4});
    CHECK(V(tcp->payload().begin(), tcp->payload().end()) == V{'h', 'i'});
    CHECK(tcp->checksum_ok(kA, kB));
    CHECK_FALSE(tcp->checksum_ok(kA, ipv4(10, 0, 0, 3)));

    V all = s;
    all[13] = 0xff;
    ConstTcpView t{ConstBytes{all}};
    CHECK((t.fin() && t.syn() && t.rst() && t.psh() && t.ack() && t.urg() && t.ece() && t.cwr()));
}

TEST_CASE("headers: TcpView NAT setters update the checksum as a recomputation would", "[net][headers][tcp]") {
    V s = example_tcp();
    TcpView tcp{Bytes{s}};
    tcp.set_dport(8080);
    CHECK(s[2] == 0x1f);
    CHECK(s[3] == 0x90);
    CHECK(tcp.checksum() == 0x5c00);
    tcp.csum_addr_changed(kB, ipv4(192, 168, 1, 1));
    CHECK(tcp.checksum() == 0xa458);
    CHECK(tcp.checksum_ok(kA, ipv4(192, 168, 1, 1)));
    tcp.set_sport(40001);
    CHECK(tcp.sport() == 40001);
    CHECK(tcp.checksum() == oracle::tcp(kA.host_order, ipv4(192, 168, 1, 1).host_order, s));
    tcp.set_checksum(0);
    tcp.recompute_checksum(kA, ipv4(192, 168, 1, 1));
    CHECK(tcp.checksum() == oracle::tcp(kA.host_order, ipv4(192, 168, 1, 1).host_order, s));
}

TEST_CASE("headers: TcpView in CHECKSUM_PARTIAL mode moves the pseudo-header sum only", "[net][headers][tcp]") {
    V s = example_tcp();
    s[16] = 0x14;  // the folded pseudo-header sum for 10.0.0.1 -> 10.0.0.2, 26 bytes
    s[17] = 0x23;
    TcpView tcp{Bytes{s}};
    tcp.set_dport(8080, CsumMode::partial);
    CHECK(tcp.checksum() == 0x1423);  // ports are not in the pseudo header
    tcp.csum_addr_changed(kB, ipv4(192, 168, 1, 1), CsumMode::partial);
    CHECK(tcp.checksum() == 0xcbca);
}

TEST_CASE("headers: TcpView::parse rejects short segments and bad data offsets", "[net][headers][tcp]") {
    V s = example_tcp();
    auto reason = [](V v) {
        auto r = ConstTcpView::parse(ConstBytes{v});
        return r.ok() ? DropReason::count_ : r.error();
    };
    CHECK(reason(s) == DropReason::count_);
    CHECK(reason(V(s.begin(), s.begin() + 19)) == DropReason::tcp_too_short);
    V low = s;
    low[12] = 0x40;  // doff 4
    CHECK(reason(low) == DropReason::tcp_bad_offset);
    V high = s;
    high[12] = 0x70;  // doff 7 = 28 bytes > 26
    CHECK(reason(high) == DropReason::tcp_bad_offset);
}

TEST_CASE("headers: UdpView getters, NAT setters and the zero checksum", "[net][headers][udp]") {
    V d = example_udp();
    d.push_back(0xee);  // one byte past `length` (IP payload longer than the datagram)
    auto udp = UdpView::parse(Bytes{d});
    REQUIRE(udp.ok());
    CHECK(udp->bytes().size() == 12);
    CHECK(udp->sport() == 54321);
    CHECK(udp->dport() == 53);
    CHECK(udp->length() == 12);
    CHECK(udp->checksum() == 0x52a6);
    CHECK(V(udp->payload().begin(), udp->payload().end()) == V{'a', 'b', 'c', 'd'});
    CHECK(udp->checksum_ok(kA, kB));
    udp->set_dport(5353);
    CHECK(d[2] == 0x14);
    CHECK(d[3] == 0xe9);
    CHECK(udp->checksum() == 0x3df2);
    udp->set_sport(1024);
    CHECK(d[0] == 0x04);
    CHECK(d[1] == 0x00);
    CHECK(udp->checksum() == oracle::udp(kA.host_order, kB.host_order, std::span(d).first(12)));
    udp->set_checksum(0xabcd);
    CHECK(udp->checksum() == 0xabcd);
    CHECK(d[6] == 0xab);

    V z = example_udp();
    z[6] = z[7] = 0;
    UdpView none{Bytes{z}};
    CHECK(none.checksum_ok(kA, ipv4(1, 2, 3, 4)));  // no checksum: anything goes
    none.set_dport(5353);
    none.csum_addr_changed(kB, ipv4(192, 168, 1, 1));
    CHECK(none.checksum() == 0);  // stays "none"
    none.recompute_checksum(kA, ipv4(192, 168, 1, 1));
    CHECK(none.checksum() == oracle::udp(kA.host_order, ipv4(192, 168, 1, 1).host_order, z));
    CHECK(none.checksum() != 0);
}

TEST_CASE("headers: UdpView::parse checks the UDP length against the IP payload", "[net][headers][udp]") {
    auto reason = [](V v) {
        auto r = ConstUdpView::parse(ConstBytes{v});
        return r.ok() ? DropReason::count_ : r.error();
    };
    V d = example_udp();
    CHECK(reason(V(d.begin(), d.begin() + 7)) == DropReason::udp_too_short);
    V small = d;
    small[5] = 7;
    CHECK(reason(small) == DropReason::udp_bad_length);
    V big = d;
    big[5] = 13;
    CHECK(reason(big) == DropReason::udp_bad_length);
    V eight = d;
    eight[5] = 8;
    CHECK(reason(eight) == DropReason::count_);
}

TEST_CASE("headers: IcmpView echo fields, setters and checksum", "[net][headers][icmp]") {
    V m = example_icmp();
    auto icmp = IcmpView::parse(Bytes{m});
    REQUIRE(icmp.ok());
    CHECK(icmp->type() == kIcmpEcho);
    CHECK(icmp->code() == 0);
    CHECK(icmp->checksum() == 0x06fa);
    CHECK(icmp->echo_id() == 0x1234);
    CHECK(icmp->echo_sequence() == 1);
    CHECK(icmp->rest_of_header() == 0x12340001u);
    CHECK_FALSE(icmp->is_error());
    CHECK(icmp->embedded().empty());
    CHECK(icmp->payload().size() == 4);
    CHECK(icmp->checksum_ok());

    icmp->set_type(kIcmpEchoReply);  // 0x0800 -> 0x0000: checksum + 0x0800
    CHECK(m[0] == 0);
    CHECK(icmp->checksum() == 0x0efa);
    icmp->set_echo_sequence(2);
    CHECK(icmp->checksum() == 0x0ef9);
    icmp->set_echo_id(0x1235);
    CHECK(icmp->checksum() == 0x0ef8);
    CHECK(icmp->checksum_ok());
    icmp->set_rest_of_header(0x00000000);
    icmp->set_code(3);
    icmp->set_type(kIcmpDestUnreach);
    icmp->set_next_hop_mtu(1400);
    CHECK(icmp->next_hop_mtu() == 1400);
    CHECK(icmp->is_error());
    CHECK(icmp->embedded().size() == 4);
    CHECK(icmp->checksum() == oracle::icmp(m));
    icmp->set_checksum(0x1111);
    icmp->recompute_checksum();
    CHECK(icmp->checksum() == oracle::icmp(m));

    V tiny(7, 0);
    auto bad = IcmpView::parse(Bytes{tiny});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == DropReason::icmp_too_short);
}

TEST_CASE("headers: icmp_is_error matches icmp_is_err()", "[net][headers][icmp]") {
    for (int t = 0; t < 256; ++t) {
        const bool expected = t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
        CHECK(icmp_is_error(static_cast<std::uint8_t>(t)) == expected);
    }
}

TEST_CASE("headers: const views read const bytes", "[net][headers]") {
    const V p = example_ip_packet();
    auto ip = ConstIpv4View::parse(ConstBytes{p});
    REQUIRE(ip.ok());
    CHECK(ip->dst() == ipv4(192, 168, 0, 199));
    static_assert(!ConstIpv4View::kMutable);
    static_assert(Ipv4View::kMutable);
}
