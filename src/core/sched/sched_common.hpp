// Pieces several schedulers share: the kernel's int arithmetic on dest counters, finding a dest in
// the service list, the weighted-least-connection pass used by wlc/lblc/lblcr, and the helpers
// that write explanations (only ever called when the caller asked for one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tapvs/core/scheduler.hpp"
#include "tapvs/core/service.hpp"

namespace tapvs::core::sched {

inline constexpr std::size_t kNoPos = static_cast<std::size_t>(-1);

// The kernel reads dest counters as atomic_t (int); ip_vs_dest_conn_overhead() returns int.
inline int active_of(const RealServer& d) noexcept { return static_cast<int>(d.activeconns); }
inline int conn_overhead(const RealServer& d) noexcept {
    return static_cast<int>((d.activeconns << 8) + d.inactconns);
}

// Where `d` sits in svc.destinations (kernel list order), trying `hint` first; kNoPos if absent.
inline std::size_t find_pos(const VirtualService& svc, const RealServer* d, std::size_t hint) noexcept {
    const auto& l = svc.destinations;
    if (hint < l.size() && l[hint].get() == d) return hint;
    for (std::size_t i = 0; i < l.size(); ++i)
        if (l[i].get() == d) return i;
    return kNoPos;
}

// ip_vs_wlc_schedule() / __ip_vs_lblc_schedule() / __ip_vs_lblcr_schedule(): the first dest that
// is not OVERLOADed and has weight > 0 starts as `least`; every later non-OVERLOADed dest replaces
// it when (s64)loh * dest.weight > (s64)doh * least.weight (strict, so ties keep the earlier dest).
// `prefix` names the scheduler in the explanation.
RealServer* wlc_least(VirtualService& svc, std::string* why, std::string_view prefix);

// lblc/lblcr is_overloaded(): the dest has more active conns than its weight AND some dest of the
// service (any, no flag or weight filter) has activeconns * 2 < weight.
bool locality_is_overloaded(const RealServer& dest, const VirtualService& svc) noexcept;

// ---- explanations (string work: only when `why` is not null) ----

// "10.0.0.1:80"
std::string dest_name(const RealServer& d);

// An argument for explain() (as an address is, net/addr.hpp's formatter): it only turns into text
// inside fmt, i.e. only when `why` is not null, so passing it costs nothing on the fast path.
struct DestRef {
    const RealServer* d;
};
inline DestRef named(const RealServer& d) noexcept { return DestRef{&d}; }

template <class... Args>
void explain(std::string* why, fmt::format_string<Args...> f, Args&&... args) {
    if (why) fmt::format_to(std::back_inserter(*why), f, std::forward<Args>(args)...);
}

// Why a dest is passed over by the common filters ("overloaded", "weight 0").
std::string_view skip_reason(const RealServer& d) noexcept;
// sh's and mh's is_unavailable(): weight <= 0 or OVERLOAD (AVAILABLE is not tested: deleted dests
// leave their tables).
inline bool is_unavailable(const RealServer& d) noexcept { return d.weight <= 0 || d.overload; }

}  // namespace tapvs::core::sched

template <>
struct fmt::formatter<tapvs::core::sched::DestRef> {
    constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
    template <class FormatContext>
    auto format(const tapvs::core::sched::DestRef& r, FormatContext& ctx) const {
        return fmt::format_to(ctx.out(), "{}", r.d->endpoint());
    }
};
