// ip_vs_est.c. The delta over the 2 s period is scaled (<< 9 is 2^10 / 2 s; << 4 is 2^5 / 2 s)
// and the average moves a quarter of the way to it, with the kernel's arithmetic shift (which
// rounds towards minus infinity when the rate falls).
#include "tapvs/core/estimator.hpp"

#include "tapvs/core/service.hpp"

namespace tapvs::core {
namespace {

void smooth(std::int64_t& avg, std::uint64_t& last, std::uint64_t now, int shift) noexcept {
    const auto rate = static_cast<std::int64_t>((now - last) << shift);
    last = now;
    avg += (rate - avg) >> 2;
}

}  // namespace

void Estimator::sample(const Stats& s) noexcept {
    smooth(cps, last_conns, s.conns, 9);
    smooth(inpps, last_inpkts, s.inpkts, 9);
    smooth(outpps, last_outpkts, s.outpkts, 9);
    smooth(inbps, last_inbytes, s.inbytes, 4);
    smooth(outbps, last_outbytes, s.outbytes, 4);
}

void Estimator::zero(const Stats& s) noexcept {
    *this = Estimator{};
    last_conns = s.conns;
    last_inpkts = s.inpkts;
    last_outpkts = s.outpkts;
    last_inbytes = s.inbytes;
    last_outbytes = s.outbytes;
}

RateEstimate Estimator::read() const noexcept {
    auto units = [](std::int64_t v, std::int64_t round, int shift) {
        return static_cast<std::uint64_t>(v + round) >> shift;
    };
    return {units(cps, 0x1FF, 10), units(inpps, 0x1FF, 10), units(outpps, 0x1FF, 10), units(inbps, 0xF, 5),
            units(outbps, 0xF, 5)};
}

}  // namespace tapvs::core
