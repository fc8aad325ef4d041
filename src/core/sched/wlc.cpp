// Weighted least-connection (ip_vs_wlc.c), ipvsadm's default scheduler.
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

// ip_vs_wlc_schedule(): overhead / weight, compared as (s64)loh * dw > (s64)doh * lw.
RealServer* WlcScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    return wlc_least(svc, why, "wlc");
}

}  // namespace tapvs::core::sched
