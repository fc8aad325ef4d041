// The test frame builder itself: exact bytes for known frames (checksums computed by hand / by an independent
// script), and every knob.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "support/checksum_oracle.hpp"
#include "support/frame_builder.hpp"

using namespace tapvs::test;
using V = std::vector<std::uint8_t>;

namespace {
V slice(const V& v, std::size_t off, std::size_t n) {
    return V(v.begin() + static_cast<std::ptrdiff_t>(off), v.begin() + static_cast<std::ptrdiff_t>(off + n));
}
std::uint16_t get16(const V& v, std::size_t off) { return static_cast<std::uint16_t>((v[off] << 8) | v[off + 1]); }
}  // namespace

TEST_CASE("frame_builder: a TCP SYN frame, byte for byte", "[net][builder]") {
    const V f = FrameBuilder{}
                    .eth("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("10.0.0.1", "10.0.0.2")
                    .tcp(40000, 80, tcp_flags::syn)
                    .seq(1000)
                    .tcp_options({0x02, 0x04, 0x05, 0xb4})
                    .payload("hi")
                    .build();
    const V want = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,  // dst, src, IPv4
        0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x00, 0x40, 0x06, 0x66, 0xc8,              // IPv4 ...
        0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,                                      // ... addresses
        0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02,  // TCP ...
        0xff, 0xff, 0x7b, 0x40, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 'h',  'i'};
    CHECK(f == want);
}

TEST_CASE("frame_builder: the classic IPv4 header example comes out with checksum 0xb861", "[net][builder]") {
    const V p = FrameBuilder{}.ipv4("192.168.0.1", "192.168.0.199").df().udp(1234, 5678).payload_size(87).build();
    REQUIRE(p.size() == 115);
    CHECK(slice(p, 0, 20) == V{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                               0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7});
    CHECK(slice(p, 20, 6) == V{0x04, 0xd2, 0x16, 0x2e, 0x00, 0x5f});
    CHECK(get16(p, 26) == oracle::udp(0xc0a80001, 0xc0a800c7, slice(p, 20, 95)));
}

TEST_CASE("frame_builder: ICMP echo and ARP frames, byte for byte", "[net][builder]") {
    const V echo = FrameBuilder{}.ipv4("10.0.0.1", "10.0.0.2").icmp_echo_request(0x1234, 1).payload("ping").build();
    CHECK(echo == V{0x45, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x66, 0xdb, 10, 0, 0, 1, 10, 0, 0, 2,
                    0x08, 0x00, 0x06, 0xfa, 0x12, 0x34, 0x00, 0x01, 'p', 'i', 'n', 'g'});
    const V reply = FrameBuilder{}.ipv4("10.0.0.2", "10.0.0.1").icmp_echo_reply(0x1234, 1).payload("ping").build();
    CHECK(slice(reply, 20, 4) == V{0x00, 0x00, 0x0e, 0xfa});

    const V arp = FrameBuilder{}
                      .eth(mac("02:00:00:00:00:01"), tapvs::net::MacAddr::broadcast())
                      .arp_request(mac("02:00:00:00:00:01"), ip("10.0.0.1"), ip("10.0.0.2"))
                      .build();
    CHECK(arp == V{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06,  // Ethernet
                   0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,                         // Ethernet/IPv4, request
                   0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2});
    const V rep = FrameBuilder{}
                      .arp_reply(mac("02:00:00:00:00:02"), ip("10.0.0.2"), mac("02:00:00:00:00:01"), ip("10.0.0.1"))
                      .build();
    CHECK(rep == V{0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0, 0, 0, 0, 0x02, 10, 0, 0, 2,
                   0x02, 0,    0,    0,    0,    0x01, 10,   0,    0,    1});
}

TEST_CASE("frame_builder: VLAN tag, padding, trailer and truncation", "[net][builder]") {
    const V f = FrameBuilder{}.eth().vlan(0x2064).ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).pad_to(64).trailer({9, 9}).build();
    CHECK(slice(f, 12, 6) == V{0x81, 0x00, 0x20, 0x64, 0x08, 0x00});
    CHECK(f.size() == 66);
    CHECK(slice(f, 18 + 28, 18) == V(18, 0));
    CHECK(slice(f, 64, 2) == V{9, 9});
    CHECK(FrameBuilder::ip_packet_of(f).size() == 66 - 18);
    CHECK(FrameBuilder{}.eth().ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).truncate(20).build().size() == 20);
}

TEST_CASE("frame_builder: IPv4 knobs land in their fields", "[net][builder]") {
    const V p = FrameBuilder{}
                    .ipv4("1.1.1.1", "2.2.2.2")
                    .ttl(3)
                    .tos(0xb8)
                    .id(0xbeef)
                    .mf()
                    .frag_offset(0x123)
                    .ip_options({0x01, 0x94, 0x04, 0x00, 0x00})
                    .ip_protocol(99)
                    .payload("xyz")
                    .build();
    CHECK(p[0] == 0x47);  // 5 option bytes padded to 8: ihl 7
    CHECK(p[1] == 0xb8);
    CHECK(get16(p, 2) == 28 + 3);
    CHECK(get16(p, 4) == 0xbeef);
    CHECK(get16(p, 6) == (0x2000 | 0x123));
    CHECK(p[8] == 3);
    CHECK(p[9] == 99);
    CHECK(slice(p, 20, 8) == V{0x01, 0x94, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00});
    CHECK(oracle::verifies(slice(p, 0, 28)));

    const V raw = FrameBuilder{}.ipv4("1.1.1.1", "2.2.2.2").ip_version(6).ip_ihl(4).ip_total_len(7).df().build();
    CHECK(raw[0] == 0x64);
    CHECK(get16(raw, 2) == 7);
    CHECK(get16(raw, 6) == 0x4000);
    CHECK(oracle::verifies(raw));  // the checksum still matches the odd header
    CHECK(FrameBuilder{}.ipv4("1.1.1.1", "2.2.2.2").payload("a").build()[9] == 253);  // no L4: experimental
}

TEST_CASE("frame_builder: TCP and UDP knobs", "[net][builder]") {
    const V t = FrameBuilder{}.ipv4("1.1.1.1", "2.2.2.2").tcp(1, 2, tcp_flags::ack | tcp_flags::psh).seq(7)
                    .ack_seq(0x01020304).window(512).urg_ptr(9).tcp_doff(15).build();
    CHECK(slice(t, 20, 20) == V{0, 1, 0, 2, 0, 0, 0, 7, 1, 2, 3, 4, 0xf0, 0x18, 0x02, 0x00, t[36], t[37], 0, 9});
    CHECK(get16(t, 36) == oracle::tcp(0x01010101, 0x02020202, slice(t, 20, 20)));
    const V u = FrameBuilder{}.ipv4("1.1.1.1", "2.2.2.2").udp(1, 2).udp_length(100).payload("a").build();
    CHECK(get16(u, 24) == 100);
}

TEST_CASE("frame_builder: checksum knobs: none, bad, forced, UDP zero, partial", "[net][builder]") {
    auto tcp = [] { return FrameBuilder{}.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, tcp_flags::syn).payload("x"); };
    const V good = tcp().build();
    const V none = tcp().no_checksums().build();
    CHECK(get16(none, 10) == 0);
    CHECK(get16(none, 36) == 0);
    const V bad = tcp().bad_l4_checksum().bad_ip_checksum().build();
    CHECK(get16(bad, 10) == (get16(good, 10) ^ 1));
    CHECK(get16(bad, 36) == (get16(good, 36) ^ 1));
    CHECK(get16(tcp().l4_checksum(0x1234).ip_checksum(0x4321).build(), 36) == 0x1234);
    CHECK(get16(tcp().l4_checksum(0x1234).ip_checksum(0x4321).build(), 10) == 0x4321);
    const V part = tcp().partial_l4_checksum().build();
    CHECK(get16(part, 36) == oracle::pseudo_partial(0x0a000001, 0x0a000002, 6, 21));
    CHECK(oracle::verifies(slice(part, 0, 20)));  // the IPv4 header stays complete

    const V z = FrameBuilder{}.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).payload("x").udp_zero_checksum().build();
    CHECK(get16(z, 26) == 0);
}

TEST_CASE("frame_builder: IP-in-IP and ICMP errors compose", "[net][builder]") {
    const V inner = FrameBuilder{}.ipv4("172.16.0.1", "10.0.0.100").udp(5000, 53).payload("q").build();
    const V tun = FrameBuilder{}.ipip("10.0.0.1", "192.168.1.1").ttl(9).ipv4("172.16.0.1", "10.0.0.100")
                      .udp(5000, 53).payload("q").build();
    CHECK(tun[9] == 4);
    CHECK(tun[8] == 9);
    CHECK(get16(tun, 2) == 20 + inner.size());
    CHECK(slice(tun, 20, inner.size()) == inner);

    const V q = FrameBuilder::quote_of(inner);
    CHECK(q == slice(inner, 0, 28));
    CHECK(FrameBuilder::quote_of(inner, 100) == inner);
    const V err = FrameBuilder{}.ipv4("10.0.0.100", "172.16.0.1").icmp_frag_needed(1400, q).build();
    CHECK(slice(err, 20, 8) == V{3, 4, err[22], err[23], 0, 0, 0x05, 0x78});
    CHECK(slice(err, 28, 28) == q);
    CHECK(oracle::verifies(slice(err, 20, 36)));
}

TEST_CASE("frame_builder: misuse is reported, not guessed", "[net][builder]") {
    CHECK_THROWS_AS(FrameBuilder{}.ttl(3), std::logic_error);
    CHECK_THROWS_AS(FrameBuilder{}.ipv4("1.1.1.1", "2.2.2.2").seq(1), std::logic_error);
    CHECK_THROWS_AS(FrameBuilder{}.ipv4("1.1.1.300", "2.2.2.2"), std::logic_error);
    CHECK_THROWS_AS(FrameBuilder{}.eth().payload("x").build(), std::logic_error);  // EtherType unknown
    CHECK_THROWS_AS(FrameBuilder{}.tcp(1, 2).build(), std::logic_error);          // no pseudo header
    CHECK_NOTHROW(FrameBuilder{}.eth().ethertype(0x88b5).payload("x").build());
}
