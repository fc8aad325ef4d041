// twos's source of chance. The kernel draws from its CSPRNG (get_random_u32_below); tapvs must be
// reproducible (STYLE.md rule 2), so it draws from a seeded generator instead:
//   * get_random_u32(): the high 32 bits of the next SplitMix64 output (Steele, Lea, Flood 2014;
//     the reference `splitmix64.c` by Vigna: state += 0x9e3779b97f4a7c15, then two xor-shift-multiply
//     steps). Seed s gives the same sequence on every machine.
//   * get_random_u32_below(ceil): exactly the kernel's __get_random_u32_below() in
//     drivers/char/random.c (Lemire's multiply-and-reject, so every value below ceil is equally likely).
#pragma once

#include <cstdint>

namespace tapvs::core::sched {

class SplitMix64 {
    std::uint64_t state_;

public:
    explicit constexpr SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}

    constexpr std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    constexpr std::uint32_t next_u32() noexcept { return static_cast<std::uint32_t>(next() >> 32); }
};

// drivers/char/random.c: __get_random_u32_below(). ceil == 0 returns a plain u32, as there.
constexpr std::uint32_t u32_below(SplitMix64& rng, std::uint32_t ceil) noexcept {
    const std::uint32_t rand = rng.next_u32();
    if (ceil == 0) return rand;
    std::uint64_t mult = std::uint64_t{ceil} * rand;
    if (static_cast<std::uint32_t>(mult) < ceil) {
        const std::uint32_t bound = (0u - ceil) % ceil;  // 2^32 mod ceil
        while (static_cast<std::uint32_t>(mult) < bound) mult = std::uint64_t{ceil} * rng.next_u32();
    }
    return static_cast<std::uint32_t>(mult >> 32);
}

}  // namespace tapvs::core::sched
