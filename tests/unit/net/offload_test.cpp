// net/offload: the virtio_net_hdr a TAP with IFF_VNET_HDR exchanges, completing a partial checksum
// (skb_checksum_help) and cutting a TCP/IPv4 GSO frame into segments (tcp_gso_segment, also under one
// IP-in-IP header). Every expected segment is built independently by FrameBuilder, whose checksums come
// from the test oracle, and compared byte for byte.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "support/checksum_oracle.hpp"
#include "support/frame_builder.hpp"
#include "tapvs/net/frame_buf.hpp"
#include "tapvs/net/offload.hpp"

using namespace tapvs;
using namespace tapvs::test;
using net::Offload;
using net::SegmentError;
using V = std::vector<std::uint8_t>;

namespace {

struct Collect final : net::SegmentSink {
    std::vector<V> segs;
    void segment(net::Bytes frame) override { segs.emplace_back(frame.begin(), frame.end()); }
};

// Payload bytes that differ from one position to the next (a misplaced slice shows).
V pattern(std::size_t n, std::size_t from = 0) {
    V v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>((from + i) % 251);
    return v;
}
V slice(const V& v, std::size_t from, std::size_t len) {
    return V(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(from + len));
}
std::uint16_t be16(const V& f, std::size_t off) { return static_cast<std::uint16_t>((f.at(off) << 8) | f.at(off + 1)); }
std::uint32_t be32(const V& f, std::size_t off) {
    return (std::uint32_t{f.at(off)} << 24) | (std::uint32_t{f.at(off + 1)} << 16) | (std::uint32_t{f.at(off + 2)} << 8) |
           f.at(off + 3);
}

const net::MacAddr kSrcMac = mac("02:00:00:00:00:c1");
const net::MacAddr kDstMac = mac("02:00:00:00:00:10");
const net::Ipv4Addr kSrc = ip("192.168.1.50");
const net::Ipv4Addr kDst = ip("172.16.10.100");

constexpr std::uint8_t kSuperFlags = tcp_flags::ack | tcp_flags::psh | tcp_flags::fin | tcp_flags::cwr;
constexpr std::uint32_t kSeq0 = 0xfffff800;  // the third segment's sequence number wraps

// Ethernet/IPv4/TCP (optionally VLAN-tagged, with TCP options) carrying `payload`. `partial`: the TCP
// field holds the pseudo-header sum, as a TAP with offloads hands it over.
FrameBuilder tcp_frame(const V& payload, std::uint16_t id, std::uint8_t flags, std::uint32_t seq, bool partial,
                       bool vlan = false, const V& tcp_opts = {}) {
    FrameBuilder b;
    b.eth(kSrcMac, kDstMac);
    if (vlan) b.vlan(0x2064);
    b.ipv4(kSrc, kDst).ttl(64).id(id).df().tcp(40000, 8080, flags).seq(seq).ack_seq(0x01020304).window(501);
    if (!tcp_opts.empty()) b.tcp_options(tcp_opts);
    b.payload(payload);
    if (partial) b.partial_l4_checksum();
    return b;
}

// The flags segment k of n gets from a super-frame's: FIN and PSH only on the last, CWR only on the first.
std::uint8_t seg_flags(std::uint8_t flags, std::size_t k, std::size_t n) {
    auto f = flags;
    if (k + 1 < n) f = static_cast<std::uint8_t>(f & ~(tcp_flags::fin | tcp_flags::psh));
    if (k > 0) f = static_cast<std::uint8_t>(f & ~tcp_flags::cwr);
    return f;
}

void require_same(const V& actual, const V& expected) {
    INFO("segment size " << actual.size() << ", expected " << expected.size());
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        INFO("first difference at byte " << i);
        REQUIRE(actual[i] == expected[i]);
    }
}

}  // namespace

// ---- virtio_net_hdr --------------------------------------------------------------------------------

TEST_CASE("offload: write_vnet_hdr lays out the six fields in host (little-endian) order", "[net][offload]") {
    const Offload o{true, 34, 16, net::kGsoTcpv4, 1448, 54};
    std::uint8_t h[net::kVnetHdrLen];
    std::fill(std::begin(h), std::end(h), std::uint8_t{0xee});
    net::write_vnet_hdr(h, o);
    // flags, gso_type, hdr_len (54), gso_size (1448 = 0x05a8), csum_start (34), csum_offset (16)
    const V expected = {0x01, 0x01, 0x36, 0x00, 0xa8, 0x05, 0x22, 0x00, 0x10, 0x00};
    CHECK(V(std::begin(h), std::end(h)) == expected);
    CHECK(net::read_vnet_hdr(net::ConstBytes{h, net::kVnetHdrLen}) == o);
}

TEST_CASE("offload: read_vnet_hdr reads each field from its place", "[net][offload]") {
    const V h = {0x01, 0x81, 0x34, 0x12, 0x78, 0x56, 0xbc, 0x9a, 0xf0, 0xde};
    const Offload o = net::read_vnet_hdr(net::ConstBytes{h});
    CHECK(o.needs_csum);
    CHECK(o.gso_type == (net::kGsoTcpv4 | net::kGsoEcn));
    CHECK(o.gso());
    CHECK(o.hdr_len == 0x1234);
    CHECK(o.gso_size == 0x5678);
    CHECK(o.csum_start == 0x9abc);
    CHECK(o.csum_offset == 0xdef0);

    // DATA_VALID alone is not NEEDS_CSUM: the csum fields are not read.
    const V dv = {net::kVnetFlagDataValid, 0x00, 0, 0, 0, 0, 0x22, 0x00, 0x10, 0x00};
    const Offload d = net::read_vnet_hdr(net::ConstBytes{dv});
    CHECK_FALSE(d.needs_csum);
    CHECK(d.csum_start == 0);
    CHECK(d.csum_offset == 0);
    CHECK_FALSE(d.any());
}

TEST_CASE("offload: write_vnet_hdr zeroes the GSO fields without GSO and the csum fields without NEEDS_CSUM",
          "[net][offload]") {
    std::uint8_t h[net::kVnetHdrLen];
    SECTION("a partial checksum, no GSO (stale gso_size/hdr_len are not written)") {
        std::fill(std::begin(h), std::end(h), std::uint8_t{0xee});
        net::write_vnet_hdr(h, Offload{true, 34, 16, net::kGsoNone, 1448, 54});
        CHECK(V(std::begin(h), std::end(h)) == V{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x22, 0x00, 0x10, 0x00});
        CHECK(net::read_vnet_hdr(net::ConstBytes{h, net::kVnetHdrLen}) == Offload{true, 34, 16, 0, 0, 0});
    }
    SECTION("GSO without NEEDS_CSUM (stale csum_start/csum_offset are not written)") {
        std::fill(std::begin(h), std::end(h), std::uint8_t{0xee});
        net::write_vnet_hdr(h, Offload{false, 34, 16, net::kGsoTcpv4, 1448, 54});
        CHECK(V(std::begin(h), std::end(h)) == V{0x00, 0x01, 0x36, 0x00, 0xa8, 0x05, 0x00, 0x00, 0x00, 0x00});
        CHECK(net::read_vnet_hdr(net::ConstBytes{h, net::kVnetHdrLen}) ==
              Offload{false, 0, 0, net::kGsoTcpv4, 1448, 54});
    }
    SECTION("no offload at all: ten zero bytes") {
        std::fill(std::begin(h), std::end(h), std::uint8_t{0xee});
        net::write_vnet_hdr(h, Offload{});
        CHECK(V(std::begin(h), std::end(h)) == V(net::kVnetHdrLen, 0));
        CHECK(net::read_vnet_hdr(net::ConstBytes{h, net::kVnetHdrLen}) == Offload{});
    }
    SECTION("the ECN bit alone is no GSO") {
        const Offload ecn_only{false, 0, 0, net::kGsoEcn, 1448, 54};
        CHECK_FALSE(ecn_only.gso());
        std::fill(std::begin(h), std::end(h), std::uint8_t{0xee});
        net::write_vnet_hdr(h, ecn_only);
        CHECK(V(std::begin(h), std::end(h)) == V(net::kVnetHdrLen, 0));
    }
}

TEST_CASE("offload: round trip of read_vnet_hdr and write_vnet_hdr", "[net][offload]") {
    for (const Offload& o : {Offload{true, 34, 16, net::kGsoTcpv4, 1448, 54},
                             Offload{true, 38, 6, net::kGsoUdp, 1472, 42},
                             Offload{true, 54, 16, net::kGsoTcpv4 | net::kGsoEcn, 65000, 74},
                             Offload{true, 0xffff, 0xfffe, net::kGsoNone, 0, 0},
                             Offload{false, 0, 0, net::kGsoTcpv6, 1428, 74}}) {
        std::uint8_t h[net::kVnetHdrLen];
        net::write_vnet_hdr(h, o);
        CHECK(net::read_vnet_hdr(net::ConstBytes{h, net::kVnetHdrLen}) == o);
    }
}

// ---- Offload::shift / FrameBuf ---------------------------------------------------------------------

TEST_CASE("offload: shift moves csum_start and hdr_len with the frame's start", "[net][offload]") {
    Offload o{true, 38, 16, net::kGsoTcpv4, 1448, 58};
    o.shift(4);  // a VLAN tag's worth removed in front
    CHECK(o == Offload{true, 34, 16, net::kGsoTcpv4, 1448, 54});
    o.shift(-20);  // an outer IPv4 header put in front
    CHECK(o == Offload{true, 54, 16, net::kGsoTcpv4, 1448, 74});

    Offload csum_only{true, 34, 16, net::kGsoNone, 0, 0};
    csum_only.shift(-20);
    CHECK(csum_only == Offload{true, 54, 16, net::kGsoNone, 0, 0});

    Offload gso_only{false, 0, 0, net::kGsoTcpv4, 1448, 54};
    gso_only.shift(-20);
    CHECK(gso_only == Offload{false, 0, 0, net::kGsoTcpv4, 1448, 74});

    Offload none{};
    none.shift(14);
    CHECK(none == Offload{});
}

TEST_CASE("offload: FrameBuf::adjust_front shifts the frame's offload, and not when it fails", "[net][offload]") {
    V storage(200, 0);
    net::FrameBuf buf{net::Bytes{storage}, 64, 100};
    buf.offload = Offload{true, 38, 16, net::kGsoTcpv4, 1448, 58};
    REQUIRE(buf.adjust_front(4));
    CHECK(buf.offload == Offload{true, 34, 16, net::kGsoTcpv4, 1448, 54});
    REQUIRE(buf.adjust_front(-20));
    CHECK(buf.offload == Offload{true, 54, 16, net::kGsoTcpv4, 1448, 74});
    CHECK_FALSE(buf.adjust_front(-1000));
    CHECK(buf.offload == Offload{true, 54, 16, net::kGsoTcpv4, 1448, 74});
}

// ---- complete_checksum -----------------------------------------------------------------------------

TEST_CASE("offload: complete_checksum turns a partial TCP checksum into the full one", "[net][offload]") {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{13}, std::size_t{1448}}) {
        INFO("payload " << n);
        const V payload = pattern(n, 7);
        V f = tcp_frame(payload, 0x1234, tcp_flags::ack | tcp_flags::psh, 1000, true).build();
        const V full = tcp_frame(payload, 0x1234, tcp_flags::ack | tcp_flags::psh, 1000, false).build();
        // The input really is partial: the pseudo-header sum, not the checksum.
        REQUIRE(be16(f, 50) == oracle::pseudo_partial(kSrc.host_order, kDst.host_order, 6, 20 + n));
        REQUIRE(net::complete_checksum(net::Bytes{f}, Offload{true, 34, 16}));
        const std::span<const std::uint8_t> l4{f.data() + 34, f.size() - 34};
        CHECK(be16(f, 50) == oracle::tcp(kSrc.host_order, kDst.host_order, l4));
        require_same(f, full);
    }
}

TEST_CASE("offload: complete_checksum on UDP and behind a VLAN tag", "[net][offload]") {
    V udp = FrameBuilder{}.eth(kSrcMac, kDstMac).vlan(5).ipv4(kSrc, kDst).udp(5000, 53).payload("query?!")
                .partial_l4_checksum().build();
    const V udp_full = FrameBuilder{}.eth(kSrcMac, kDstMac).vlan(5).ipv4(kSrc, kDst).udp(5000, 53).payload("query?!")
                           .build();
    REQUIRE(net::complete_checksum(net::Bytes{udp}, Offload{true, 38, 6}));
    require_same(udp, udp_full);
}

TEST_CASE("offload: complete_checksum without NEEDS_CSUM leaves the frame alone", "[net][offload]") {
    V f = tcp_frame(pattern(100), 1, tcp_flags::ack, 1, true).build();
    const V before = f;
    CHECK(net::complete_checksum(net::Bytes{f}, Offload{false, 34, 16}));
    CHECK(f == before);
}

TEST_CASE("offload: complete_checksum refuses csum_start/csum_offset outside the frame", "[net][offload]") {
    V f = tcp_frame(pattern(10), 1, tcp_flags::ack, 1, true).build();  // 64 bytes
    REQUIRE(f.size() == 64);
    const V before = f;
    const auto n = static_cast<std::uint16_t>(f.size());
    CHECK_FALSE(net::complete_checksum(net::Bytes{f}, Offload{true, static_cast<std::uint16_t>(n + 1), 0}));
    CHECK_FALSE(net::complete_checksum(net::Bytes{f}, Offload{true, n, 0}));  // no room for the field
    CHECK_FALSE(net::complete_checksum(net::Bytes{f}, Offload{true, 34, static_cast<std::uint16_t>(n - 34 - 1)}));
    CHECK_FALSE(net::complete_checksum(net::Bytes{f}, Offload{true, 34, 0xffff}));
    CHECK_FALSE(net::complete_checksum(net::Bytes{f}, Offload{true, 0xffff, 0xffff}));
    CHECK(f == before);  // nothing written
    // The last two bytes of the frame are still a valid place for the field.
    CHECK(net::complete_checksum(net::Bytes{f}, Offload{true, 34, static_cast<std::uint16_t>(n - 34 - 2)}));
}

// ---- segment_tcp4 ----------------------------------------------------------------------------------

TEST_CASE("offload: segment_tcp4 cuts a 3000-byte super-frame into 1448 + 1448 + 104", "[net][offload][gso]") {
    const V payload = pattern(3000);
    const V super = tcp_frame(payload, 0x1000, kSuperFlags, kSeq0, true).build();
    REQUIRE(super.size() == 54 + 3000);
    const V super_copy = super;
    V scratch(65536 + 64);
    Collect out;
    SegmentError err = SegmentError::no_room;
    const std::size_t n = net::segment_tcp4(net::ConstBytes{super}, Offload{true, 34, 16, net::kGsoTcpv4, 1448, 54},
                                            net::Bytes{scratch}, out, 0, &err);
    CHECK(err == SegmentError::ok);
    REQUIRE(n == 3);
    REQUIRE(out.segs.size() == 3);
    CHECK(super == super_copy);  // the input is not touched

    const std::size_t lens[3] = {1448, 1448, 104};
    const std::uint8_t flags[3] = {tcp_flags::ack | tcp_flags::cwr, tcp_flags::ack,
                                   tcp_flags::ack | tcp_flags::psh | tcp_flags::fin};
    V joined;
    std::size_t at = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        const V& s = out.segs[k];
        REQUIRE(s.size() == 54 + lens[k]);
        CHECK(be16(s, 16) == 40 + lens[k]);                       // IPv4 total length
        CHECK(be16(s, 18) == 0x1000 + k);                          // id0, id0 + 1, id0 + 2
        CHECK(be16(s, 20) == 0x4000);                              // DF kept, no fragment bits
        CHECK(oracle::verifies(std::span<const std::uint8_t>{s.data() + 14, 20}));
        CHECK(be32(s, 38) == static_cast<std::uint32_t>(kSeq0 + 1448 * k));
        CHECK(be32(s, 42) == 0x01020304);                          // ack unchanged
        CHECK(s[47] == flags[k]);
        const std::span<const std::uint8_t> l4{s.data() + 34, s.size() - 34};
        CHECK(be16(s, 50) == oracle::tcp(kSrc.host_order, kDst.host_order, l4));
        joined.insert(joined.end(), s.begin() + 54, s.end());
        // The whole segment, built independently.
        const V expected = tcp_frame(slice(payload, at, lens[k]), static_cast<std::uint16_t>(0x1000 + k), flags[k],
                                     static_cast<std::uint32_t>(kSeq0 + at), false).build();
        require_same(s, expected);
        at += lens[k];
    }
    CHECK(joined == payload);
    // 0xfffff800 + 1448 = 0xfffffda8; + 2896 = 0x00000350 (mod 2^32).
    CHECK(be32(out.segs[1], 38) == 0xfffffda8u);
    CHECK(be32(out.segs[2], 38) == 0x00000350u);
}

TEST_CASE("offload: segment_tcp4 without an error pointer and with a full (not partial) super checksum",
          "[net][offload][gso]") {
    const V payload = pattern(3000, 3);
    const V super = tcp_frame(payload, 7, tcp_flags::ack, 1, false).build();
    V scratch(65536 + 64);
    Collect out;
    REQUIRE(net::segment_tcp4(net::ConstBytes{super}, Offload{false, 0, 0, net::kGsoTcpv4, 1448, 54},
                              net::Bytes{scratch}, out) == 3);
    for (const V& s : out.segs) {
        const std::span<const std::uint8_t> l4{s.data() + 34, s.size() - 34};
        CHECK(be16(s, 50) == oracle::tcp(kSrc.host_order, kDst.host_order, l4));
    }
}

TEST_CASE("offload: segment_tcp4 keeps a VLAN tag and TCP options in every segment", "[net][offload][gso]") {
    // NOP NOP timestamps (12 bytes): TCP header 32 bytes, headers 14 + 4 + 20 + 32 = 70.
    const V opts = {0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00};
    const V payload = pattern(3000, 11);
    const V super = tcp_frame(payload, 0xfffe, kSuperFlags, 5000, true, true, opts).build();
    REQUIRE(super.size() == 70 + 3000);
    V scratch(65536 + 64);
    Collect out;
    SegmentError err = SegmentError::no_room;
    REQUIRE(net::segment_tcp4(net::ConstBytes{super}, Offload{true, 38, 16, net::kGsoTcpv4, 1436, 70},
                              net::Bytes{scratch}, out, 0, &err) == 3);
    CHECK(err == SegmentError::ok);
    const std::size_t lens[3] = {1436, 1436, 128};
    std::size_t at = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        const V& s = out.segs[k];
        CHECK(be16(s, 12) == net::kEtherTypeVlan);
        CHECK(be16(s, 14) == 0x2064);
        CHECK(be16(s, 20) == 52 + lens[k]);
        CHECK(be16(s, 22) == static_cast<std::uint16_t>(0xfffe + k));  // the id wraps: fffe, ffff, 0000
        CHECK(oracle::verifies(std::span<const std::uint8_t>{s.data() + 18, 20}));
        const std::span<const std::uint8_t> l4{s.data() + 38, s.size() - 38};
        CHECK(be16(s, 54) == oracle::tcp(kSrc.host_order, kDst.host_order, l4));
        const V expected = tcp_frame(slice(payload, at, lens[k]), static_cast<std::uint16_t>(0xfffe + k),
                                     seg_flags(kSuperFlags, k, 3), static_cast<std::uint32_t>(5000 + at), false, true,
                                     opts).build();
        require_same(s, expected);
        at += lens[k];
    }
}

TEST_CASE("offload: segment_tcp4 under IP-in-IP fixes both IPv4 headers, TCP checksum over the inner addresses",
          "[net][offload][gso]") {
    const net::Ipv4Addr outer_src = ip("172.16.10.12"), outer_dst = ip("172.16.10.212");
    const V payload = pattern(3000, 5);
    auto build = [&](const V& pl, std::uint16_t outer_id, std::uint16_t inner_id, std::uint8_t flags,
                     std::uint32_t seq, bool partial) {
        FrameBuilder b;
        b.eth(kSrcMac, kDstMac).ipip(outer_src, outer_dst).ttl(63).id(outer_id).df()
            .ipv4(kSrc, kDst).ttl(63).id(inner_id).df().tcp(40000, 80, flags).seq(seq).ack_seq(9).window(501)
            .payload(pl);
        if (partial) b.partial_l4_checksum();
        return b.build();
    };
    const V super = build(payload, 0x0100, 0x2000, kSuperFlags, 42, true);
    REQUIRE(super.size() == 74 + 3000);
    REQUIRE(super[14 + 9] == net::kIpProtoIpip);
    V scratch(65536 + 64);
    Collect out;
    SegmentError err = SegmentError::no_room;
    REQUIRE(net::segment_tcp4(net::ConstBytes{super}, Offload{true, 54, 16, net::kGsoTcpv4, 1448, 74},
                              net::Bytes{scratch}, out, 0, &err) == 3);
    CHECK(err == SegmentError::ok);
    const std::size_t lens[3] = {1448, 1448, 104};
    std::size_t at = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        const V& s = out.segs[k];
        CHECK(be16(s, 16) == 60 + lens[k]);  // outer total length
        CHECK(be16(s, 18) == 0x0100 + k);
        CHECK(oracle::verifies(std::span<const std::uint8_t>{s.data() + 14, 20}));
        CHECK(be16(s, 36) == 40 + lens[k]);  // inner total length
        CHECK(be16(s, 38) == 0x2000 + k);
        CHECK(oracle::verifies(std::span<const std::uint8_t>{s.data() + 34, 20}));
        const std::span<const std::uint8_t> l4{s.data() + 54, s.size() - 54};
        CHECK(be16(s, 70) == oracle::tcp(kSrc.host_order, kDst.host_order, l4));
        CHECK(be16(s, 70) != oracle::tcp(outer_src.host_order, outer_dst.host_order, l4));
        const V expected = build(slice(payload, at, lens[k]), static_cast<std::uint16_t>(0x0100 + k),
                                 static_cast<std::uint16_t>(0x2000 + k), seg_flags(kSuperFlags, k, 3),
                                 static_cast<std::uint32_t>(42 + at), false);
        require_same(s, expected);
        at += lens[k];
    }
}

TEST_CASE("offload: a payload that is an exact multiple of gso_size leaves no empty trailing segment",
          "[net][offload][gso]") {
    const V payload = pattern(2 * 1448);
    const V super = tcp_frame(payload, 1, kSuperFlags, 100, true).build();
    V scratch(65536 + 64);
    Collect out;
    REQUIRE(net::segment_tcp4(net::ConstBytes{super}, Offload{true, 34, 16, net::kGsoTcpv4, 1448, 54},
                              net::Bytes{scratch}, out) == 2);
    REQUIRE(out.segs.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
        INFO("segment " << k);
        const V expected = tcp_frame(slice(payload, 1448 * k, 1448), static_cast<std::uint16_t>(1 + k),
                                     seg_flags(kSuperFlags, k, 2), static_cast<std::uint32_t>(100 + 1448 * k), false)
                               .build();
        require_same(out.segs[k], expected);
    }
    CHECK(out.segs[1][47] == (tcp_flags::ack | tcp_flags::psh | tcp_flags::fin));
}

TEST_CASE("offload: a payload no bigger than gso_size is one segment with every flag and a full checksum",
          "[net][offload][gso]") {
    const V payload = pattern(1000);
    const V super = tcp_frame(payload, 9, kSuperFlags, 100, true).build();
    V scratch(65536 + 64);
    Collect out;
    REQUIRE(net::segment_tcp4(net::ConstBytes{super}, Offload{true, 34, 16, net::kGsoTcpv4, 1448, 54},
                              net::Bytes{scratch}, out) == 1);
    require_same(out.segs.at(0), tcp_frame(payload, 9, kSuperFlags, 100, false).build());
}

TEST_CASE("offload: segment_tcp4 errors hand out nothing", "[net][offload][gso]") {
    const Offload tso{true, 34, 16, net::kGsoTcpv4, 1448, 54};
    const V payload = pattern(3000);
    V scratch(65536 + 64);
    Collect out;
    SegmentError err = SegmentError::ok;

    SECTION("a UDP frame") {
        const V f = FrameBuilder{}.eth(kSrcMac, kDstMac).ipv4(kSrc, kDst).udp(1, 2).payload(payload).build();
        CHECK(net::segment_tcp4(net::ConstBytes{f}, tso, net::Bytes{scratch}, out, 0, &err) == 0);
        CHECK(err == SegmentError::not_tcp4);
    }
    SECTION("gso_size 0") {
        const V f = tcp_frame(payload, 1, tcp_flags::ack, 1, true).build();
        Offload o = tso;
        o.gso_size = 0;
        CHECK(net::segment_tcp4(net::ConstBytes{f}, o, net::Bytes{scratch}, out, 0, &err) == 0);
        CHECK(err == SegmentError::bad_gso_size);
    }
    SECTION("a scratch buffer one byte short of headers + gso_size") {
        const V f = tcp_frame(payload, 1, tcp_flags::ack, 1, true).build();
        V small(54 + 1448 - 1);
        CHECK(net::segment_tcp4(net::ConstBytes{f}, tso, net::Bytes{small}, out, 0, &err) == 0);
        CHECK(err == SegmentError::no_room);
        // Exactly headers + gso_size is enough.
        V exact(54 + 1448);
        CHECK(net::segment_tcp4(net::ConstBytes{f}, tso, net::Bytes{exact}, out, 0, &err) == 3);
        CHECK(err == SegmentError::ok);
        out.segs.clear();
    }
    SECTION("a fragment (MF)") {
        const V f = FrameBuilder{}.eth(kSrcMac, kDstMac).ipv4(kSrc, kDst).mf().tcp(1, 2, tcp_flags::ack)
                        .payload(payload).build();
        CHECK(net::segment_tcp4(net::ConstBytes{f}, tso, net::Bytes{scratch}, out, 0, &err) == 0);
        CHECK(err == SegmentError::not_tcp4);
    }
    SECTION("a fragment (offset)") {
        const V f = FrameBuilder{}.eth(kSrcMac, kDstMac).ipv4(kSrc, kDst).frag_offset(185).tcp(1, 2, tcp_flags::ack)
                        .payload(payload).build();
        CHECK(net::segment_tcp4(net::ConstBytes{f}, tso, net::Bytes{scratch}, out, 0, &err) == 0);
        CHECK(err == SegmentError::not_tcp4);
    }
    SECTION("a TCP frame announced as UDP or TCPv6 GSO") {
        const V f = tcp_frame(payload, 1, tcp_flags::ack, 1, true).build();
        Offload o = tso;
        o.gso_type = net::kGsoUdp;
        CHECK(net::segment_tcp4(net::ConstBytes{f}, o, net::Bytes{scratch}, out, 0, &err) == 0);
        CHECK(err == SegmentError::not_tcp4);
        o.gso_type = net::kGsoTcpv6;
        err = SegmentError::ok;
        CHECK(net::segment_tcp4(net::ConstBytes{f}, o, net::Bytes{scratch}, out, 0, &err) == 0);
        CHECK(err == SegmentError::not_tcp4);
    }
    SECTION("an IPv4 total length that does not fill the frame") {
        V f = tcp_frame(payload, 1, tcp_flags::ack, 1, true).build();
        f.push_back(0);  // a trailing byte
        CHECK(net::segment_tcp4(net::ConstBytes{f}, tso, net::Bytes{scratch}, out, 0, &err) == 0);
        CHECK(err == SegmentError::not_tcp4);
    }
    CHECK(out.segs.empty());
}

TEST_CASE("offload: the ECN bit of gso_type still means TCPv4", "[net][offload][gso]") {
    const V payload = pattern(3000);
    const V super = tcp_frame(payload, 1, kSuperFlags, 1, true).build();
    V scratch(65536 + 64);
    Collect out;
    REQUIRE(net::segment_tcp4(net::ConstBytes{super},
                              Offload{true, 34, 16, net::kGsoTcpv4 | net::kGsoEcn, 1448, 54}, net::Bytes{scratch},
                              out) == 3);
    CHECK(out.segs[0][47] == (tcp_flags::ack | tcp_flags::cwr));
    CHECK(out.segs[1][47] == tcp_flags::ack);
}

TEST_CASE("segment_tcp4: max_l3 caps each segment's IPv4 length (an MTU), the last one taking the rest",
          "[net][offload][gso]") {
    const std::vector<std::uint8_t> payload(3000, 0x5a);
    const auto super = FrameBuilder{}.eth().ipv4("192.168.1.50", "172.16.10.100").df()
                           .tcp(40000, 80, tcp_flags::ack).seq(1).payload(payload).build();
    std::vector<std::uint8_t> scratch(65536);
    struct Lens final : net::SegmentSink {
        std::vector<std::size_t> l3;
        void segment(net::Bytes f) override { l3.push_back(f.size() - 14); }
    } out;
    SegmentError err = SegmentError::no_room;
    // gso_size 1448 but at most 1400 bytes of IPv4: 1360 payload bytes per segment.
    CHECK(net::segment_tcp4(net::ConstBytes{super}, Offload{false, 0, 0, net::kGsoTcpv4, 1448, 54},
                            net::Bytes{scratch}, out, 1400, &err) == 3);
    CHECK(err == SegmentError::ok);
    CHECK(out.l3 == std::vector<std::size_t>{1400, 1400, 320});
    // A cap above gso_size changes nothing; one below the headers leaves no room.
    out.l3.clear();
    CHECK(net::segment_tcp4(net::ConstBytes{super}, Offload{false, 0, 0, net::kGsoTcpv4, 1448, 54},
                            net::Bytes{scratch}, out, 9000, &err) == 3);
    CHECK(out.l3 == std::vector<std::size_t>{1488, 1488, 144});
    CHECK(net::segment_tcp4(net::ConstBytes{super}, Offload{false, 0, 0, net::kGsoTcpv4, 1448, 54},
                            net::Bytes{scratch}, out, 40, &err) == 0);
    CHECK(err == SegmentError::bad_gso_size);
}
