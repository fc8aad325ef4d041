#include "core/sched/sched_common.hpp"

namespace tapvs::core::sched {

std::string dest_name(const RealServer& d) { return d.endpoint().to_string(); }

std::string_view skip_reason(const RealServer& d) noexcept {
    if (d.overload) return "overloaded";
    if (d.weight <= 0) return "weight 0";
    return "eligible";
}

RealServer* wlc_least(VirtualService& svc, std::string* why, std::string_view prefix) {
    const auto& l = svc.destinations;
    std::size_t i = 0;
    RealServer* least = nullptr;
    int loh = 0;
    // Stage 1: the first dest with !OVERLOAD && weight > 0.
    for (; i < l.size(); ++i) {
        RealServer& d = *l[i];
        if (!d.overload && d.weight > 0) {
            least = &d;
            loh = conn_overhead(d);
            break;
        }
    }
    if (!least) {
        explain(why, "{}: no destination available: every dest is overloaded or has weight 0", prefix);
        return nullptr;
    }
    // Stage 2: the rest; OVERLOAD skipped, weight not tested (weight 0 can never win: loh*0 > x is false).
    for (++i; i < l.size(); ++i) {
        RealServer& d = *l[i];
        if (d.overload) continue;
        const int doh = conn_overhead(d);
        if (static_cast<std::int64_t>(loh) * d.weight > static_cast<std::int64_t>(doh) * least->weight) {
            least = &d;
            loh = doh;
        }
    }
    if (why) {
        explain(why, "{}: overhead = (activeconns << 8) + inactconns over weight;", prefix);
        for (const auto& p : l) {
            const RealServer& d = *p;
            if (d.overload)
                explain(why, " {} skipped (overloaded);", named(d));
            else
                explain(why, " {} {}/{} ({} active, {} inactive);", named(d), conn_overhead(d), d.weight,
                        d.activeconns, d.inactconns);
        }
        explain(why,
                " picked {} with the least overhead/weight {}/{}, compared as loh*dw > doh*lw in 64 bits "
                "(a tie keeps the earlier dest in list order)",
                named(*least), loh, least->weight);
    }
    return least;
}

bool locality_is_overloaded(const RealServer& dest, const VirtualService& svc) noexcept {
    if (active_of(dest) > dest.weight) {
        for (const auto& d : svc.destinations)
            if (active_of(*d) * 2 < d->weight) return true;
    }
    return false;
}

}  // namespace tapvs::core::sched
