// Source hashing (ip_vs_sh.c), with the sh-fallback and sh-port flags.
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

std::uint32_t ShScheduler::hashkey(std::uint32_t addr, std::uint16_t port, std::uint32_t offset) noexcept {
    return (offset + hash_32(static_cast<std::uint32_t>(port) + addr, kTabBits)) & kTabMask;
}

void ShScheduler::init_service(VirtualService& svc, const SchedEnv&) { reassign(svc); }
void ShScheduler::done_service(VirtualService&) { buckets_.fill(nullptr); }

// ip_vs_sh_reassign(): walk the list cyclically from its first dest; bucket i gets the current
// dest, and the walk moves on once `++d_count >= weight`: weight w fills w consecutive buckets,
// weight 0 (like 1) fills one. An empty service leaves every bucket NULL.
void ShScheduler::reassign(const VirtualService& svc) {
    const auto& l = svc.destinations;
    if (l.empty()) {
        buckets_.fill(nullptr);
        return;
    }
    std::size_t p = 0;
    int d_count = 0;
    for (std::size_t i = 0; i < kTabSize; ++i) {
        if (p == l.size()) p = 0;
        RealServer* d = l[p].get();
        buckets_[i] = d;
        if (++d_count >= d->weight) {
            ++p;
            d_count = 0;
        }
    }
}

// ip_vs_sh_schedule(): key = source address (+ source port with sh-port for TCP/UDP).
// Without sh-fallback: the bucket's dest or NULL. With it (ip_vs_sh_get_fallback()): an empty
// bucket gives NULL; an unavailable dest makes it probe hashkey(addr, port, (offset + ihash) % 256)
// for offset = 0..255, i.e. bucket (offset + 2*ihash) & 255, until an available dest or an empty bucket.
RealServer* ShScheduler::schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv&, std::string* why) {
    std::uint16_t port = 0;
    if ((svc.flags & kSvcSched2) && (pkt.protocol == Proto::tcp || pkt.protocol == Proto::udp)) port = pkt.sport;
    const std::uint32_t addr = pkt.saddr.host_order;
    const std::uint32_t ihash = hashkey(addr, port, 0);
    RealServer* dest = buckets_[ihash];
    if (why) {
        explain(why, "sh: hash_32(sport {} + saddr {} = {:#010x}, 8) = {} -> bucket {}", port, pkt.saddr,
                static_cast<std::uint32_t>(port + addr), ihash, ihash);
        if (dest)
            explain(why, " holds {} (weight {}{})", named(*dest), dest->weight, dest->overload ? ", overloaded" : "");
        else
            explain(why, " is empty");
    }
    if (!dest) {
        explain(why, ": no destination available");
        return nullptr;
    }
    if (!is_unavailable(*dest)) {
        explain(why, ", picked");
        return dest;
    }
    if (!(svc.flags & kSvcSched1)) {
        explain(why, ", unavailable ({}) and sh-fallback is off: no destination available", skip_reason(*dest));
        return nullptr;
    }
    explain(why, ", unavailable ({}); sh-fallback probes bucket (offset + 2*{}) & 255:", skip_reason(*dest), ihash);
    for (std::uint32_t offset = 0; offset < kTabSize; ++offset) {
        const std::uint32_t roffset = (offset + ihash) % kTabSize;
        const std::uint32_t h = hashkey(addr, port, roffset);
        RealServer* d = buckets_[h];
        if (!d) {
            explain(why, " bucket {} empty, no destination available", h);
            return nullptr;
        }
        if (!is_unavailable(*d)) {
            explain(why, " bucket {} {} picked", h, named(*d));
            return d;
        }
        explain(why, " bucket {} {} {},", h, named(*d), skip_reason(*d));
    }
    explain(why, " no destination available");
    return nullptr;
}

}  // namespace tapvs::core::sched
