// Weighted failover (ip_vs_fo.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

// ip_vs_fo_schedule(): hw = 0; every !OVERLOAD dest with weight > hw takes over (strict `>`), so
// the highest weight wins, the earlier dest keeps a tie, and weight 0 never wins.
RealServer* FoScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    RealServer* hweight = nullptr;
    int hw = 0;
    for (const auto& p : svc.destinations) {
        RealServer& d = *p;
        if (!d.overload && d.weight > hw) {
            hweight = &d;
            hw = d.weight;
        }
    }
    if (why) {
        explain(why, "fo: weights");
        for (const auto& p : svc.destinations)
            explain(why, " {}={}{};", named(*p), p->weight, p->overload ? " (overloaded, skipped)" : "");
        if (hweight)
            explain(why, " picked {}, the first with the highest weight {}", named(*hweight), hw);
        else
            explain(why, " no destination available (no weight > 0 that is not overloaded)");
    }
    return hweight;
}

}  // namespace tapvs::core::sched
