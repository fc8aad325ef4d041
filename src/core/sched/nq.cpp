// Never queue (ip_vs_nq.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

// ip_vs_nq_schedule(): one pass; skip OVERLOAD and weight == 0; the first dest with no active
// connection is returned at once; otherwise the least (activeconns + 1) / weight, replaced on
// (s64)loh * dw > (s64)doh * lw, the first candidate starting as least.
RealServer* NqScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    RealServer* least = nullptr;
    int loh = 0;
    bool idle = false;
    for (const auto& p : svc.destinations) {
        RealServer& d = *p;
        if (d.overload || d.weight == 0) continue;
        const int doh = active_of(d) + 1;
        if (d.activeconns == 0) {
            least = &d;
            loh = doh;
            idle = true;
            break;
        }
        if (!least || static_cast<std::int64_t>(loh) * d.weight > static_cast<std::int64_t>(doh) * least->weight) {
            least = &d;
            loh = doh;
        }
    }
    if (why) {
        explain(why, "nq: expected delay = (activeconns + 1) / weight, an idle dest goes first;");
        for (const auto& p : svc.destinations) {
            const RealServer& d = *p;
            if (d.overload || d.weight == 0)
                explain(why, " {} skipped ({});", named(d), skip_reason(d));
            else
                explain(why, " {} ({}+1)/{};", named(d), d.activeconns, d.weight);
            if (idle && &d == least) break;
        }
        if (!least)
            explain(why, " no destination available");
        else if (idle)
            explain(why, " picked {}: the first eligible dest with 0 active connections", named(*least));
        else
            explain(why,
                    " no dest is idle, picked {} with the least delay {}/{}, compared as loh*dw > doh*lw "
                    "(a tie keeps the earlier dest)",
                    named(*least), loh, least->weight);
    }
    return least;
}

}  // namespace tapvs::core::sched
