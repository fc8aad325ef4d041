// Overflow-connection (ip_vs_ovf.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

// ip_vs_ovf_schedule(): skip OVERLOAD, activeconns > weight, and weight 0; the first dest with the
// highest weight wins (`!h || w > hw`). A dest takes weight + 1 active connections before it is
// passed over.
RealServer* OvfScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    RealServer* h = nullptr;
    int hw = 0;
    for (const auto& p : svc.destinations) {
        RealServer& d = *p;
        const int w = d.weight;
        if (d.overload || active_of(d) > w || w == 0) continue;
        if (!h || w > hw) {
            h = &d;
            hw = w;
        }
    }
    if (why) {
        explain(why, "ovf: activeconns/weight");
        for (const auto& p : svc.destinations) {
            const RealServer& d = *p;
            const char* note = d.overload                  ? " (overloaded, skipped)"
                               : active_of(d) > d.weight ? " (activeconns > weight, skipped)"
                               : d.weight == 0             ? " (weight 0, skipped)"
                                                           : "";
            explain(why, " {} {}/{}{};", named(d), d.activeconns, d.weight, note);
        }
        if (h)
            explain(why, " picked {}, the first with the highest weight {} among those with activeconns <= weight",
                    named(*h), hw);
        else
            explain(why, " no destination available");
    }
    return h;
}

}  // namespace tapvs::core::sched
