// The IPVS rate estimator (net/netfilter/ipvs/ip_vs_est.c): every 2 seconds each service's and
// real server's counters are sampled and the rates smoothed with weight 1/4, in fixed point:
// connections and packets per second scaled by 2^10, bytes per second by 2^5.
#pragma once

#include <cstdint>

#include "tapvs/core/time.hpp"

namespace tapvs::core {

struct Stats;

// What `ipvsadm -L --rate` prints (the rate half of struct ip_vs_kstats).
struct RateEstimate {
    std::uint64_t cps = 0;
    std::uint64_t inpps = 0;
    std::uint64_t outpps = 0;
    std::uint64_t inbps = 0;
    std::uint64_t outbps = 0;
    friend bool operator==(const RateEstimate&, const RateEstimate&) = default;
};

// struct ip_vs_estimator: the counters at the previous sample and the scaled, smoothed rates.
struct Estimator {
    static constexpr Duration kPeriod = seconds(2);  // the estimation timer's 2*HZ

    std::uint64_t last_conns = 0, last_inpkts = 0, last_outpkts = 0, last_inbytes = 0, last_outbytes = 0;
    std::int64_t cps = 0, inpps = 0, outpps = 0;  // x 2^10
    std::int64_t inbps = 0, outbps = 0;           // x 2^5

    // One tick of the estimation timer (estimation_timer / ip_vs_chain_estimation).
    void sample(const Stats& s) noexcept;
    // ip_vs_zero_estimator(): the current counters become the base, the rates 0.
    void zero(const Stats& s) noexcept;
    // ip_vs_read_estimator(): the rates rounded back to units.
    RateEstimate read() const noexcept;
};

}  // namespace tapvs::core
