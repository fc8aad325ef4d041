// Time enters tapvs only as a value: a frame's timestamp or an expire(now) argument.
// Nothing in the core reads a clock (STYLE.md rule 2).
#pragma once

#include <chrono>
#include <cmath>
#include <compare>
#include <cstdint>

namespace tapvs::core {

using Duration = std::chrono::nanoseconds;

struct Timestamp {
    Duration since_epoch{};

    static constexpr Timestamp from_us(std::int64_t us) noexcept { return Timestamp{std::chrono::microseconds{us}}; }
    static constexpr Timestamp from_seconds(double s) noexcept {
        return Timestamp{Duration{static_cast<std::int64_t>(s * 1e9)}};
    }
    constexpr std::int64_t us() const noexcept {
        return std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
    }
    friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;
    friend constexpr Timestamp operator+(Timestamp t, Duration d) noexcept { return Timestamp{t.since_epoch + d}; }
    friend constexpr Timestamp operator-(Timestamp t, Duration d) noexcept { return Timestamp{t.since_epoch - d}; }
    friend constexpr Duration operator-(Timestamp a, Timestamp b) noexcept { return a.since_epoch - b.since_epoch; }
};

constexpr Duration seconds(std::int64_t s) noexcept { return std::chrono::seconds{s}; }
// A configuration's `@SECONDS` or a `--at` time: fractional seconds, rounded to the nanosecond.
inline Duration seconds_f(double s) noexcept { return Duration{static_cast<std::int64_t>(std::llround(s * 1e9))}; }

// The test clock (Seastar's manual_clock): it moves only when told.
class ManualClock {
    Timestamp t_{};

public:
    explicit ManualClock(Timestamp start = {}) : t_(start) {}
    Timestamp now() const noexcept { return t_; }
    void advance(Duration d) noexcept { t_.since_epoch += d; }
};

}  // namespace tapvs::core
