// The kernel helpers behind sh/dh/lblc/lblcr (hash_32), mh (hsiphash, fls, gcd) and twos (the
// seeded stand-in for get_random_u32_below).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "core/sched/hash.hpp"
#include "core/sched/random.hpp"

using namespace tapvs::core::sched;

TEST_CASE("hash: hash_32 multiplies by 0x61C88647 and keeps the top bits", "[sched][hash]") {
    CHECK(hash_32(0, 8) == 0);
    CHECK(hash_32(1, 8) == 0x61);          // 0x61C88647 >> 24
    CHECK(hash_32(1, 10) == 0x187);        // 0x61C88647 >> 22 = 391
    CHECK(hash_32(2, 8) == 0xC3);          // 0xC3910C8E >> 24
    CHECK(hash_32(0xac100001, 8) == 122);  // 172.16.0.1: 0xac100001 * 0x61c88647 mod 2^32 = 0x7a388647
}

TEST_CASE("hash: hsiphash matches the kernel's 64-bit test vectors (lib/test_siphash.c)", "[sched][hash][mh]") {
    // test_vectors_hsiphash[] for BITS_PER_LONG == 64: input bytes 0..i-1, key bytes 0..15.
    static constexpr std::array<std::uint32_t, 64> kVectors{
        0x050fc4dcU, 0x7d57ca93U, 0x4dc7d44dU, 0xe7ddf7fbU, 0x88d38328U, 0x49533b67U, 0xc59f22a7U, 0x9bb11140U,
        0x8d299a8eU, 0x6c063de4U, 0x92ff097fU, 0xf94dc352U, 0x57b4d9a2U, 0x1229ffa7U, 0xc0f95d34U, 0x2a519956U,
        0x7d908b66U, 0x63dbd80cU, 0xb473e63eU, 0x8d297d1cU, 0xa6cce040U, 0x2b45f844U, 0xa320872eU, 0xdae6c123U,
        0x67349c8cU, 0x705b0979U, 0xca9913a5U, 0x4ade3b35U, 0xef6cd00dU, 0x4ab1e1f4U, 0x43c5e663U, 0x8c21d1bcU,
        0x16a7b60dU, 0x7a8ff9bfU, 0x1f2a753eU, 0xbf186b91U, 0xada26206U, 0xa3c33057U, 0xae3a36a1U, 0x7b108392U,
        0x99e41531U, 0x3f1ad944U, 0xc8138825U, 0xc28949a6U, 0xfaf8876bU, 0x9f042196U, 0x68b1d623U, 0x8b5114fdU,
        0xdf074c46U, 0x12cc86b3U, 0x0a52098fU, 0x9d292f9aU, 0xa2f41f12U, 0x43a71ed0U, 0x73f0bce6U, 0x70a7e980U,
        0x243c6d75U, 0xfdb71513U, 0xa67d8a08U, 0xb7e8f148U, 0xf7a644eeU, 0x0f1837f2U, 0x4b6694e0U, 0xb7bbb3a8U};
    const HsiphashKey key{{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL}};
    std::array<std::uint8_t, 64> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::uint8_t>(i);
    for (std::size_t len = 0; len < 64; ++len) {
        INFO("length " << len);
        CHECK(hsiphash(in.data(), len, key) == kVectors[len]);
    }
    // The 4-byte form mh uses: bytes 0..3 as a little-endian u32.
    CHECK(hsiphash_1u32(0x03020100U, key) == 0x88d38328U);
}

TEST_CASE("hash: fls and gcd as the kernel's", "[sched][hash]") {
    CHECK(fls(0) == 0);
    CHECK(fls(1) == 1);
    CHECK(fls(63) == 6);
    CHECK(fls(64) == 7);
    CHECK(fls(1000) == 10);
    CHECK(fls(0x80000000u) == 32);
    CHECK(gcd(12, 18) == 6);
    CHECK(gcd(7, 3) == 1);
    CHECK(gcd(4, 4) == 4);
}

TEST_CASE("twos: the generator is SplitMix64 (reference outputs for seed 0)", "[sched][twos][hash]") {
    // Vigna's splitmix64.c with x = 0: 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f.
    SplitMix64 g{0};
    CHECK(g.next() == 0xe220a8397b1dcdafULL);
    CHECK(g.next() == 0x6e789e6aa1b965f4ULL);
    CHECK(g.next() == 0x06c45d188009454fULL);
    SplitMix64 h{0};
    CHECK(h.next_u32() == 0xe220a839u);  // get_random_u32(): the high half
}

TEST_CASE("twos: u32_below stays below ceil and covers it evenly", "[sched][twos][hash]") {
    SplitMix64 g{7};
    std::array<int, 5> seen{};
    for (int i = 0; i < 50000; ++i) {
        const std::uint32_t r = u32_below(g, 5);
        REQUIRE(r < 5);
        ++seen[r];
    }
    for (int c : seen) CHECK((c > 9500 && c < 10500));  // 10000 each, sigma ~ 89
    SplitMix64 one{3};
    for (int i = 0; i < 100; ++i) CHECK(u32_below(one, 1) == 0);
    // Lemire's multiply-shift: the first draw of seed 0 is 0xe220a839, and (5 * 0xe220a839) >> 32 = 4.
    SplitMix64 z{0};
    CHECK(u32_below(z, 5) == 4);
}
