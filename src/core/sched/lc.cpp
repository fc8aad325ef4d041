// Least-connection (ip_vs_lc.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

// ip_vs_lc_schedule(): skip OVERLOAD and weight == 0; the least overhead wins with a strict `<`
// (unsigned int), so ties keep the earlier dest. The weight's value plays no other part.
RealServer* LcScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    RealServer* least = nullptr;
    unsigned loh = 0;
    for (const auto& p : svc.destinations) {
        RealServer& d = *p;
        if (d.overload || d.weight == 0) continue;
        const unsigned doh = static_cast<unsigned>(conn_overhead(d));
        if (!least || doh < loh) {
            least = &d;
            loh = doh;
        }
    }
    if (why) {
        explain(why, "lc: overhead = (activeconns << 8) + inactconns;");
        for (const auto& p : svc.destinations) {
            const RealServer& d = *p;
            if (d.overload || d.weight == 0)
                explain(why, " {} skipped ({});", named(d), skip_reason(d));
            else
                explain(why, " {} overhead {} ({} active, {} inactive, weight {});", named(d), conn_overhead(d),
                        d.activeconns, d.inactconns, d.weight);
        }
        if (least)
            explain(why, " picked {} with the least overhead {} (weights ignored; a tie keeps the earlier dest)",
                    named(*least), loh);
        else
            explain(why, " no destination available");
    }
    return least;
}

}  // namespace tapvs::core::sched
