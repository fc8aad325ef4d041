// Locality-based least-connection (ip_vs_lblc.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

namespace {
// sysctl net.ipv4.vs.lblc_expiration (default 24 h, DEFAULT_EXPIRATION).
Duration lblc_expiration(const SchedEnv& env) noexcept {
    return seconds(env.sysctl ? env.sysctl->lblc_expiration_s : IpvsSysctl{}.lblc_expiration_s);
}
// ip_vs_lblc_rcu_free(): the entry's reference on its dest goes (ip_vs_dest_put_and_free).
void release(LblcScheduler::Cached& c) noexcept {
    if (c.dest && c.dest->refcnt > 0) --c.dest->refcnt;
    c.dest = nullptr;
}
}  // namespace

// ip_vs_lblc_init_svc(): empty table, max_size 16384, counter 1, GC timer in 60 s.
void LblcScheduler::init_service(VirtualService&, const SchedEnv& env) {
    table_.flush(release);
    table_.reset(env.now);
}

// ip_vs_lblc_done_svc(): timer stopped, ip_vs_lblc_flush() drops every entry and its reference.
void LblcScheduler::done_service(VirtualService&) { table_.flush(release); }

void LblcScheduler::on_timer(VirtualService&, const SchedEnv& env) {
    table_.run_timer(env.now, lblc_expiration(env), release);
}

const RealServer* LblcScheduler::cached(net::Ipv4Addr daddr) const noexcept {
    const Table::Entry* e = table_.get(daddr.host_order);
    return e ? e->payload.dest : nullptr;
}

// ip_vs_lblc_schedule(): look daddr up; a hit refreshes lastuse and keeps its dest if that dest is
// still AVAILABLE (in the service), has weight > 0 and is not is_overloaded() (the OVERLOAD flag
// itself is not looked at). Otherwise wlc over the whole service, then ip_vs_lblc_new(): an entry
// for another dest is unlinked (without entries-- : the kernel's counter drifts up) and a new one
// is hashed (entries++). mainline has no size limit here.
RealServer* LblcScheduler::schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env,
                                    std::string* why) {
    const std::uint32_t daddr = pkt.daddr.host_order;
    Table::Entry* en = table_.get(daddr);
    if (en) {
        en->lastuse = env.now;
        RealServer* d = en->payload.dest;
        const bool overloaded = locality_is_overloaded(*d, svc);
        if (d->available && d->weight > 0 && !overloaded) {
            explain(why,
                    "lblc: daddr {} is cached on {}, which is in the service, has weight {} and is not overloaded "
                    "(activeconns {}{}): cached entry used",
                    pkt.daddr, named(*d), d->weight, d->activeconns,
                    active_of(*d) > d->weight ? " > weight, but no dest has activeconns*2 < weight" : " <= weight");
            return d;
        }
        explain(why, "lblc: daddr {} is cached on {}, but it {}; ", pkt.daddr, named(*d),
                !d->available  ? "was deleted from the service"
                : d->weight <= 0 ? "has weight 0"
                                 : "is overloaded (activeconns > weight while some dest has activeconns*2 < weight)");
    } else {
        explain(why, "lblc: daddr {} is not cached; ", pkt.daddr);
    }
    RealServer* dest = wlc_least(svc, why, "wlc over the service");
    if (!dest) return nullptr;
    if (en) {
        if (en->payload.dest == dest) return dest;
        table_.unlink(*en, release);  // ip_vs_lblc_del(): entries is not decremented
    }
    Table::Entry& ne = table_.insert(daddr, env.now);
    ne.payload.dest = dest;
    ++dest->refcnt;  // ip_vs_dest_hold()
    explain(why, "; {} cached for {}", named(*dest), pkt.daddr);
    return dest;
}

}  // namespace tapvs::core::sched
