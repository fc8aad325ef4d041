// Shortest expected delay (ip_vs_sed.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

namespace {
// ip_vs_sed_dest_overhead(): activeconns + 1 (inactive connections are ignored).
int sed_overhead(const RealServer& d) noexcept { return active_of(d) + 1; }
}  // namespace

// ip_vs_sed_schedule(): as wlc, with overhead = activeconns + 1. Stage 1 takes the first dest with
// !OVERLOAD && weight > 0; stage 2 skips OVERLOAD and replaces on (s64)loh * dw > (s64)doh * lw.
RealServer* SedScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    const auto& l = svc.destinations;
    std::size_t i = 0;
    RealServer* least = nullptr;
    int loh = 0;
    for (; i < l.size(); ++i) {
        RealServer& d = *l[i];
        if (!d.overload && d.weight > 0) {
            least = &d;
            loh = sed_overhead(d);
            break;
        }
    }
    if (!least) {
        explain(why, "sed: no destination available: every dest is overloaded or has weight 0");
        return nullptr;
    }
    for (++i; i < l.size(); ++i) {
        RealServer& d = *l[i];
        if (d.overload) continue;
        const int doh = sed_overhead(d);
        if (static_cast<std::int64_t>(loh) * d.weight > static_cast<std::int64_t>(doh) * least->weight) {
            least = &d;
            loh = doh;
        }
    }
    if (why) {
        explain(why, "sed: expected delay = (activeconns + 1) / weight;");
        for (const auto& p : l) {
            const RealServer& d = *p;
            if (d.overload)
                explain(why, " {} skipped (overloaded);", named(d));
            else
                explain(why, " {} ({}+1)/{} ({} inactive ignored);", named(d), d.activeconns, d.weight,
                        d.inactconns);
        }
        explain(why,
                " picked {} with the least delay {}/{}, compared as loh*dw > doh*lw in 64 bits "
                "(a tie keeps the earlier dest in list order)",
                named(*least), loh, least->weight);
    }
    return least;
}

}  // namespace tapvs::core::sched
