// Destination hashing (ip_vs_dh.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

void DhScheduler::init_service(VirtualService& svc, const SchedEnv&) { reassign(svc); }
void DhScheduler::done_service(VirtualService&) { buckets_.fill(nullptr); }

// ip_vs_dh_reassign(): the 256 buckets take the dests in list order, one bucket each, cycling;
// weights play no part. Rebuilt on add and del only (the kernel's dh has no upd_dest).
void DhScheduler::reassign(const VirtualService& svc) {
    const auto& l = svc.destinations;
    if (l.empty()) {
        buckets_.fill(nullptr);
        return;
    }
    for (std::size_t i = 0; i < kTabSize; ++i) buckets_[i] = l[i % l.size()].get();
}

// ip_vs_dh_schedule(): bucket hash_32(daddr, 8); NULL when the bucket is empty or its dest is
// not AVAILABLE, has weight <= 0 or is OVERLOADed. There is no fallback.
RealServer* DhScheduler::schedule(VirtualService&, const SchedPacket& pkt, const SchedEnv&, std::string* why) {
    const std::uint32_t h = hashkey(pkt.daddr.host_order);
    RealServer* dest = buckets_[h];
    const bool ok = dest && dest->available && dest->weight > 0 && !dest->overload;
    if (why) {
        explain(why, "dh: hash_32(daddr {} = {:#010x}, 8) = {} -> bucket {}", pkt.daddr,
                pkt.daddr.host_order, h, h);
        if (!dest)
            explain(why, " is empty: no destination available");
        else if (ok)
            explain(why, " holds {} (weight {}), picked", named(*dest), dest->weight);
        else
            explain(why, " holds {} which is {}: no destination available (dh has no fallback)", named(*dest),
                    !dest->available ? "not available" : dest->overload ? "overloaded" : "at weight 0");
    }
    return ok ? dest : nullptr;
}

}  // namespace tapvs::core::sched
