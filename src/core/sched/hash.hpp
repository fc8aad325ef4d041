// The kernel's small hash and arithmetic helpers the schedulers use, re-implemented:
// hash_32 (include/linux/hash.h), hsiphash as built on 64-bit kernels (lib/siphash.c),
// fls (include/asm-generic/bitops/fls.h) and gcd (lib/math/gcd.c).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tapvs::core::sched {

// include/linux/hash.h: GOLDEN_RATIO_32 and the generic hash_32() (x86 has no arch override).
inline constexpr std::uint32_t kGoldenRatio32 = 0x61C88647u;

constexpr std::uint32_t hash_32(std::uint32_t val, unsigned bits) noexcept {
    return static_cast<std::uint32_t>(val * kGoldenRatio32) >> (32u - bits);
}

// include/linux/siphash.h: hsiphash_key_t is two `unsigned long`, i.e. two u64 on 64-bit kernels.
struct HsiphashKey {
    std::uint64_t key[2];
};

namespace detail {

constexpr std::uint64_t rol64(std::uint64_t w, unsigned s) noexcept { return (w << s) | (w >> (64u - s)); }

// lib/siphash.c: the SIPROUND macro, PREAMBLE(len) and the 1-3 variant's HPOSTAMBLE.
struct SipState {
    std::uint64_t v0 = 0x736f6d6570736575ULL;
    std::uint64_t v1 = 0x646f72616e646f6dULL;
    std::uint64_t v2 = 0x6c7967656e657261ULL;
    std::uint64_t v3 = 0x7465646279746573ULL;

    constexpr explicit SipState(const HsiphashKey& key) noexcept {
        v3 ^= key.key[1];
        v2 ^= key.key[0];
        v1 ^= key.key[1];
        v0 ^= key.key[0];
    }
    constexpr void round() noexcept {
        v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32);
        v2 += v3; v3 = rol64(v3, 16); v3 ^= v2;
        v0 += v3; v3 = rol64(v3, 21); v3 ^= v0;
        v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32);
    }
    // One compression round per 8-byte word (the "1" of SipHash-1-3).
    constexpr void compress(std::uint64_t m) noexcept {
        v3 ^= m;
        round();
        v0 ^= m;
    }
    // The last word b = (len << 56) | tail bytes, then three finalisation rounds (the "3").
    constexpr std::uint32_t finish(std::uint64_t b) noexcept {
        v3 ^= b;
        round();
        v0 ^= b;
        v2 ^= 0xff;
        round();
        round();
        round();
        return static_cast<std::uint32_t>((v0 ^ v1) ^ (v2 ^ v3));
    }
};

}  // namespace detail

// lib/siphash.c, BITS_PER_LONG == 64: "on 64-bit, we make HalfSipHash1-3 actually be SipHash1-3":
// __hsiphash_unaligned(). Words are read little-endian; the result is the low 32 bits.
// (32-bit kernels run real HalfSipHash-1-3 and get different numbers; tapvs follows 64-bit.)
constexpr std::uint32_t hsiphash(const std::uint8_t* data, std::size_t len, const HsiphashKey& key) noexcept {
    detail::SipState s{key};
    const std::size_t words = len / 8;
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t m = 0;
        for (unsigned i = 0; i < 8; ++i) m |= std::uint64_t{data[w * 8 + i]} << (8 * i);
        s.compress(m);
    }
    std::uint64_t b = static_cast<std::uint64_t>(len) << 56;
    for (std::size_t i = 0; i < len % 8; ++i) b |= std::uint64_t{data[words * 8 + i]} << (8 * i);
    return s.finish(b);
}

// hsiphash(&v, sizeof(u32), key) as ip_vs_mh_hashkey() calls it: the u32 lies in memory
// little-endian (x86), which is hsiphash_1u32(v): b = (4 << 56) | v.
constexpr std::uint32_t hsiphash_1u32(std::uint32_t first, const HsiphashKey& key) noexcept {
    detail::SipState s{key};
    return s.finish((std::uint64_t{4} << 56) | first);
}

// include/asm-generic/bitops/fls.h: position of the most significant set bit, 1-based; fls(0) = 0.
constexpr int fls(std::uint32_t x) noexcept {
    int r = 0;
    while (x != 0) {
        ++r;
        x >>= 1;
    }
    return r;
}

// lib/math/gcd.c computes the ordinary greatest common divisor of two positive ints.
constexpr int gcd(int a, int b) noexcept {
    while (b != 0) {
        const int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

}  // namespace tapvs::core::sched
