// The checksum code against the independent byte-pair oracle (tests/support/checksum_oracle.hpp): full sums on
// random buffers, and every incremental update against a full recomputation, including the one's complement
// zero edges (results 0x0000 / 0xffff), UDP's zero, and the CHECKSUM_PARTIAL form.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "support/checksum_oracle.hpp"
#include "tapvs/net/checksum.hpp"

using namespace tapvs::net;
namespace oracle = tapvs::test::oracle;
using V = std::vector<std::uint8_t>;

namespace {

std::mt19937& rng() {
    static std::mt19937 r{20240611};  // fixed seed: failures reproduce
    return r;
}
std::uint32_t rand32() { return static_cast<std::uint32_t>(rng()()); }
std::uint16_t rand16() { return static_cast<std::uint16_t>(rng()()); }
V random_bytes(std::size_t n) {
    V v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng()());
    return v;
}
std::uint16_t get16(const V& v, std::size_t off) { return static_cast<std::uint16_t>((v[off] << 8) | v[off + 1]); }
void put16(V& v, std::size_t off, std::uint16_t x) {
    v[off] = static_cast<std::uint8_t>(x >> 8);
    v[off + 1] = static_cast<std::uint8_t>(x);
}
// One's complement add, written independently of checksum.hpp.
std::uint16_t oc_add(std::uint16_t a, std::uint16_t b) {
    std::uint32_t s = std::uint32_t{a} + b;
    s = (s & 0xffff) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}
// Adds `delta` (one's complement) to the 16-bit word at `off` of every buffer given.
void bump_word(std::initializer_list<V*> bufs, std::size_t off, std::uint16_t delta) {
    for (V* b : bufs) put16(*b, off, oc_add(get16(*b, off), delta));
}

// A random IPv4 header (ihl 5..15) with a correct checksum.
V random_ipv4_header() {
    const std::size_t ihl = 5 + rng()() % 11;
    V h = random_bytes(ihl * 4);
    h[0] = static_cast<std::uint8_t>(0x40 | ihl);
    put16(h, 10, oracle::ipv4_header(h));
    return h;
}

}  // namespace

TEST_CASE("checksum: the RFC 1071 numeric example", "[net][checksum]") {
    const V b = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(csum_fold16(csum_partial(b)) == 0xddf2);
    CHECK(internet_checksum(b) == 0x220d);
}

TEST_CASE("checksum: csum_partial agrees with the oracle on random buffers, any length and alignment",
          "[net][checksum]") {
    for (int i = 0; i < 3000; ++i) {
        const std::size_t len = rng()() % 1600;
        const std::size_t skew = rng()() % 8;
        V buf = random_bytes(len + skew);
        const ConstBytes data = ConstBytes{buf}.subspan(skew);
        INFO("len " << len << " skew " << skew);
        REQUIRE(internet_checksum(data) == oracle::checksum(data));
    }
}

TEST_CASE("checksum: chained csum_partial over even chunks equals one pass", "[net][checksum]") {
    for (int i = 0; i < 500; ++i) {
        V buf = random_bytes(rng()() % 3000 + 2);
        const std::size_t cut = (rng()() % buf.size()) & ~std::size_t{1};
        const ConstBytes all{buf};
        const Csum seed = rand16();
        const Csum chained = csum_partial(all.subspan(cut), csum_partial(all.first(cut), seed));
        CHECK(csum_fold(chained) == csum_fold(csum_partial(all, seed)));
        CHECK(csum_fold(csum_partial(all.subspan(cut), csum_partial(all.first(cut)))) == oracle::checksum(all));
    }
}

TEST_CASE("checksum: the zero edges: all-zero data gives 0xffff, a sum of 0xffff gives 0x0000", "[net][checksum]") {
    const V zeros(64, 0x00);
    const V ones(64, 0xff);
    CHECK(internet_checksum(zeros) == 0xffff);
    CHECK(oracle::checksum(zeros) == 0xffff);
    CHECK(internet_checksum(ones) == 0x0000);
    CHECK(oracle::checksum(ones) == 0x0000);
    CHECK(internet_checksum(V{}) == 0xffff);
    CHECK(internet_checksum(V{0x12}) == static_cast<std::uint16_t>(~0x1200));  // odd byte = high half
}

TEST_CASE("checksum: IPv4 header checksum and its verification on random headers", "[net][checksum][ipv4]") {
    for (int i = 0; i < 1000; ++i) {
        V h = random_ipv4_header();
        const std::uint16_t good = get16(h, 10);
        put16(h, 10, rand16());  // the field's content is ignored
        CHECK(ipv4_header_checksum(h) == good);
        put16(h, 10, good);
        CHECK(ipv4_header_checksum_ok(h));
        h[rng()() % h.size()] ^= static_cast<std::uint8_t>(1u << (rng()() % 8));
        CHECK_FALSE(ipv4_header_checksum_ok(h));
    }
}

TEST_CASE("checksum: TCP, UDP and ICMP full checksums agree with the oracle", "[net][checksum][l4]") {
    for (int i = 0; i < 1000; ++i) {
        const Ipv4Addr s{rand32()}, d{rand32()};
        V seg = random_bytes(20 + rng()() % 1400);
        CHECK(tcp_checksum(s, d, seg) == oracle::tcp(s.host_order, d.host_order, seg));
        put16(seg, 16, oracle::tcp(s.host_order, d.host_order, seg));
        CHECK(tcp_checksum_ok(s, d, seg));
        CHECK_FALSE(tcp_checksum_ok(s, Ipv4Addr{d.host_order ^ 0x100}, seg));

        V dg = random_bytes(8 + rng()() % 1400);
        CHECK(udp_checksum(s, d, dg) == oracle::udp(s.host_order, d.host_order, dg));
        put16(dg, 6, oracle::udp(s.host_order, d.host_order, dg));
        CHECK(udp_checksum_ok(s, d, dg));
        put16(dg, 6, static_cast<std::uint16_t>(get16(dg, 6) ^ 0x8000));
        CHECK_FALSE(udp_checksum_ok(s, d, dg));
        put16(dg, 6, 0);
        CHECK(udp_checksum_ok(s, d, dg));  // 0 = no checksum

        V msg = random_bytes(8 + rng()() % 1400);
        CHECK(icmp_checksum(msg) == oracle::icmp(msg));
        put16(msg, 2, oracle::icmp(msg));
        CHECK(icmp_checksum_ok(msg));
    }
}

TEST_CASE("checksum: a UDP datagram whose checksum computes to 0 carries 0xffff", "[net][checksum][udp]") {
    const Ipv4Addr s = ipv4(10, 0, 0, 1), d = ipv4(10, 0, 0, 2);
    V dg = {0x12, 0x34, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00};
    bump_word({&dg}, 8, oracle::checksum(oracle::with_pseudo_header(s.host_order, d.host_order, 17, dg, 6)));
    REQUIRE(oracle::checksum(oracle::with_pseudo_header(s.host_order, d.host_order, 17, dg, 6)) == 0);
    CHECK(udp_checksum(s, d, dg) == 0xffff);
    put16(dg, 6, 0xffff);
    CHECK(udp_checksum_ok(s, d, dg));
    CHECK(tcp_checksum(s, d, V(20, 0)) == oracle::tcp(s.host_order, d.host_order, V(20, 0)));
}

TEST_CASE("checksum: pseudo_header_sum is the sum of the 12-byte pseudo header", "[net][checksum]") {
    for (int i = 0; i < 200; ++i) {
        const Ipv4Addr s{rand32()}, d{rand32()};
        const auto proto = static_cast<std::uint8_t>(rng()());
        const std::uint16_t len = rand16();
        V ph = oracle::with_pseudo_header(s.host_order, d.host_order, proto, V{0, 0}, 0);
        ph.resize(12);
        put16(ph, 10, len);
        CHECK(csum_fold(pseudo_header_sum(s, d, proto, len)) == oracle::checksum(ph));
        CHECK(pseudo_header_partial(s, d, proto, len) == oracle::pseudo_partial(s.host_order, d.host_order, proto, len));
    }
}

TEST_CASE("checksum: csum_replace4/csum_replace2 on IPv4 headers equal a full recomputation", "[net][checksum][rfc1624]") {
    for (int i = 0; i < 3000; ++i) {
        V h = random_ipv4_header();
        V after = h;
        const int what = i % 3;
        std::size_t off = 0;
        if (what == 0) off = 12;                 // saddr
        if (what == 1) off = 16;                 // daddr
        if (what == 2) off = 8;                  // ttl + protocol
        const bool four = what != 2;
        if (four) {
            put16(after, off, rand16());
            put16(after, off + 2, rand16());
        } else {
            put16(after, off, rand16());
        }
        // Every 4th case: move the id so the new checksum is exactly 0x0000 (the "-0" edge); every 4th+1: so the
        // OLD checksum is 0x0000 (the field's complement is 0xffff).
        if (i % 4 == 0) {
            bump_word({&h, &after}, 4, oracle::ipv4_header(after));
            put16(h, 10, oracle::ipv4_header(h));
            REQUIRE(oracle::ipv4_header(after) == 0x0000);
        } else if (i % 4 == 1) {
            bump_word({&h, &after}, 4, oracle::ipv4_header(h));
            put16(h, 10, oracle::ipv4_header(h));
            REQUIRE(get16(h, 10) == 0x0000);
        }
        V got = h;
        if (four) {
            const std::uint32_t o = (std::uint32_t{get16(h, off)} << 16) | get16(h, off + 2);
            const std::uint32_t n = (std::uint32_t{get16(after, off)} << 16) | get16(after, off + 2);
            put16(got, off, get16(after, off));
            put16(got, off + 2, get16(after, off + 2));
            csum_replace4(got.data() + 10, o, n);
        } else {
            put16(got, off, get16(after, off));
            csum_replace2(got.data() + 10, get16(h, off), get16(after, off));
        }
        INFO("case " << i);
        REQUIRE(get16(got, 10) == oracle::ipv4_header(after));
        REQUIRE(oracle::verifies(got));
    }
}

TEST_CASE("checksum: csum_replace2 keeps the kernel's 16-bit arithmetic at the 0xffff edge", "[net][checksum][rfc1624]") {
    // include/net/checksum.h csum_replace2(): ~csum16_add(csum16_sub(~0xffff, 0xffff), 0) = ~0 = 0xffff.
    V f = {0xff, 0xff};
    csum_replace2(f.data(), 0xffff, 0x0000);
    CHECK(get16(f, 0) == 0xffff);
    // csum_replace4()'s 32-bit arithmetic folds the same change to the other zero.
    V g = {0xff, 0xff};
    csum_replace4(g.data(), 0xffff, 0x0000);
    CHECK(get16(g, 0) == 0x0000);
}

namespace {

struct NatCase {
    bool udp = false;
    Ipv4Addr s, d, new_addr;
    bool change_src = false;
    std::uint16_t new_port = 0;
    bool change_sport = false;
    V before, after;  // the segment before and after the rewrite (checksum field of `after` not yet right)
};

NatCase random_nat_case(bool udp, int i) {
    NatCase c;
    c.udp = udp;
    c.s = Ipv4Addr{rand32()};
    c.d = Ipv4Addr{rand32()};
    c.new_addr = Ipv4Addr{rand32()};
    c.change_src = i % 2 == 0;
    c.change_sport = (i / 2) % 2 == 0;
    c.new_port = rand16();
    const std::size_t hdr = udp ? 8 : 20;
    c.before = random_bytes(hdr + 2 + rng()() % 600);
    if (udp) put16(c.before, 4, static_cast<std::uint16_t>(c.before.size()));
    c.after = c.before;
    put16(c.after, c.change_sport ? 0 : 2, c.new_port);
    return c;
}
Ipv4Addr new_src(const NatCase& c) { return c.change_src ? c.new_addr : c.s; }
Ipv4Addr new_dst(const NatCase& c) { return c.change_src ? c.d : c.new_addr; }
std::uint16_t oracle_l4(const NatCase& c, const V& seg, Ipv4Addr s, Ipv4Addr d) {
    return c.udp ? oracle::udp(s.host_order, d.host_order, seg) : oracle::tcp(s.host_order, d.host_order, seg);
}

}  // namespace

TEST_CASE("checksum: TCP and UDP NAT updates (address, then port) equal a full recomputation",
          "[net][checksum][nat]") {
    for (int i = 0; i < 4000; ++i) {
        const bool udp = i % 2 == 1;
        NatCase c = random_nat_case(udp, i / 2);
        const std::size_t field = udp ? 6 : 16;
        const std::size_t word = udp ? 8 : 20;  // a payload word to steer the edges
        const int edge = (i / 2) % 3;
        if (edge == 1) {
            // The new checksum sums to zero: TCP must show 0x0000, UDP 0xffff.
            const V probe = oracle::with_pseudo_header(new_src(c).host_order, new_dst(c).host_order, udp ? 17 : 6,
                                                       c.after, field);
            bump_word({&c.before, &c.after}, word, oracle::checksum(probe));
        } else if (edge == 2) {
            // The old checksum sums to zero (UDP then carries 0xffff in the field).
            const V probe = oracle::with_pseudo_header(c.s.host_order, c.d.host_order, udp ? 17 : 6, c.before, field);
            bump_word({&c.before, &c.after}, word, oracle::checksum(probe));
        }
        put16(c.before, field, oracle_l4(c, c.before, c.s, c.d));
        V got = c.after;
        put16(got, field, get16(c.before, field));
        const Ipv4Addr old_addr = c.change_src ? c.s : c.d;
        const std::uint16_t old_port = get16(c.before, c.change_sport ? 0 : 2);
        if (udp) {
            udp_csum_addr_changed(got.data() + field, old_addr, c.new_addr, CsumMode::full);
            udp_csum_port_changed(got.data() + field, old_port, c.new_port, CsumMode::full);
        } else {
            tcp_csum_addr_changed(got.data() + field, old_addr, c.new_addr, CsumMode::full);
            tcp_csum_port_changed(got.data() + field, old_port, c.new_port, CsumMode::full);
        }
        const std::uint16_t want = oracle_l4(c, c.after, new_src(c), new_dst(c));
        INFO("case " << i << " udp " << udp << " edge " << edge);
        if (edge == 1) REQUIRE(want == (udp ? 0xffff : 0x0000));
        REQUIRE(get16(got, field) == want);
    }
}

TEST_CASE("checksum: a zero UDP checksum stays zero through address and port changes", "[net][checksum][udp]") {
    V f = {0x00, 0x00};
    udp_csum_addr_changed(f.data(), ipv4(10, 0, 0, 100), ipv4(192, 168, 1, 1), CsumMode::full);
    udp_csum_port_changed(f.data(), 80, 8080, CsumMode::full);
    CHECK(get16(f, 0) == 0);
    // TCP has no such rule: the same change moves a 0 field.
    tcp_csum_port_changed(f.data(), 80, 8080, CsumMode::full);
    CHECK(get16(f, 0) != 0);
}

TEST_CASE("checksum: CHECKSUM_PARTIAL updates move the pseudo-header sum and complete to the right checksum",
          "[net][checksum][partial]") {
    for (int i = 0; i < 2000; ++i) {
        const bool udp = i % 2 == 1;
        NatCase c = random_nat_case(udp, i / 2);
        const std::size_t field = udp ? 6 : 16;
        const std::uint8_t proto = udp ? 17 : 6;
        if ((i / 2) % 4 == 0) {
            // Steer the new pseudo-header sum to 0 mod 0xffff: the partial field must read 0xffff, not 0x0000.
            const std::uint32_t keep = c.change_src ? c.d.host_order : c.s.host_order;
            const std::uint16_t part = oracle::pseudo_partial(keep, c.new_addr.host_order & 0xffff0000u, proto,
                                                              c.before.size());
            c.new_addr.host_order = (c.new_addr.host_order & 0xffff0000u) | static_cast<std::uint16_t>(~part);
            REQUIRE(oracle::pseudo_partial(keep, c.new_addr.host_order, proto, c.before.size()) == 0xffff);
        }
        put16(c.before, field, oracle::pseudo_partial(c.s.host_order, c.d.host_order, proto, c.before.size()));
        V got = c.after;
        put16(got, field, get16(c.before, field));
        const Ipv4Addr old_addr = c.change_src ? c.s : c.d;
        const std::uint16_t old_port = get16(c.before, c.change_sport ? 0 : 2);
        if (udp) {
            udp_csum_addr_changed(got.data() + field, old_addr, c.new_addr, CsumMode::partial);
            udp_csum_port_changed(got.data() + field, old_port, c.new_port, CsumMode::partial);
        } else {
            tcp_csum_addr_changed(got.data() + field, old_addr, c.new_addr, CsumMode::partial);
            tcp_csum_port_changed(got.data() + field, old_port, c.new_port, CsumMode::partial);
        }
        INFO("case " << i << " udp " << udp);
        REQUIRE(get16(got, field) ==
                oracle::pseudo_partial(new_src(c).host_order, new_dst(c).host_order, proto, got.size()));
        // What the NIC then does yields the full checksum of the rewritten segment.
        csum_complete_partial(got, field);
        const std::uint16_t want = oracle_l4(c, c.after, new_src(c), new_dst(c));
        REQUIRE(get16(got, field) == (want == 0 ? 0xffff : want));  // skb_checksum_help(): 0 -> CSUM_MANGLED_0
    }
}

TEST_CASE("checksum: csum_replace2_partial moves a partial sum by a length change", "[net][checksum][partial]") {
    const Ipv4Addr s = ipv4(10, 0, 0, 1), d = ipv4(10, 0, 0, 2);
    V f(2);
    put16(f, 0, pseudo_header_partial(s, d, 6, 40));
    csum_replace2_partial(f.data(), 40, 1440);
    CHECK(get16(f, 0) == oracle::pseudo_partial(s.host_order, d.host_order, 6, 1440));
}
