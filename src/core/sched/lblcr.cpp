// Locality-based least-connection with replication (ip_vs_lblcr.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

namespace {
// sysctl net.ipv4.vs.lblcr_expiration (default 24 h).
Duration lblcr_expiration(const SchedEnv& env) noexcept {
    return seconds(env.sysctl ? env.sysctl->lblcr_expiration_s : IpvsSysctl{}.lblcr_expiration_s);
}
}  // namespace

void LblcrScheduler::init_service(VirtualService&, const SchedEnv& env) {
    table_.flush([this](DestSet& s) { set_release(s); });
    table_.reset(env.now);
    members_.clear();
    free_member_ = -1;
    members_.reserve(64);
}

void LblcrScheduler::done_service(VirtualService&) {
    table_.flush([this](DestSet& s) { set_release(s); });
}

void LblcrScheduler::on_timer(VirtualService&, const SchedEnv& env) {
    table_.run_timer(env.now, lblcr_expiration(env), [this](DestSet& s) { set_release(s); });
}

// ip_vs_dest_set_insert(): with `check`, a dest already in the set is left alone; otherwise the
// new member goes to the head of the set, holding a reference, and lastmod = now.
void LblcrScheduler::set_insert(DestSet& set, RealServer& dest, bool check, Timestamp now) {
    if (check)
        for (std::int32_t i = set.head; i >= 0; i = members_[static_cast<std::size_t>(i)].next)
            if (members_[static_cast<std::size_t>(i)].dest == &dest) return;
    std::int32_t i;
    if (free_member_ >= 0) {
        i = free_member_;
        free_member_ = members_[static_cast<std::size_t>(i)].next;
    } else {
        i = static_cast<std::int32_t>(members_.size());
        members_.emplace_back();
    }
    Member& m = members_[static_cast<std::size_t>(i)];
    m.dest = &dest;
    ++dest.refcnt;  // ip_vs_dest_hold()
    m.next = set.head;
    set.head = i;
    ++set.size;
    set.lastmod = now;
}

// ip_vs_dest_set_erase(): the member for dest leaves (size--, lastmod = now, reference dropped).
void LblcrScheduler::set_erase(DestSet& set, const RealServer& dest, Timestamp now) {
    std::int32_t* link = &set.head;
    while (*link >= 0) {
        Member& m = members_[static_cast<std::size_t>(*link)];
        if (m.dest == &dest) {
            const std::int32_t i = *link;
            --set.size;
            set.lastmod = now;
            *link = m.next;
            if (m.dest->refcnt > 0) --m.dest->refcnt;
            m.dest = nullptr;
            m.next = free_member_;
            free_member_ = i;
            return;
        }
        link = &m.next;
    }
}

// ip_vs_dest_set_eraseall() as the entry is freed.
void LblcrScheduler::set_release(DestSet& set) {
    while (set.head >= 0) {
        const std::int32_t i = set.head;
        Member& m = members_[static_cast<std::size_t>(i)];
        set.head = m.next;
        if (m.dest && m.dest->refcnt > 0) --m.dest->refcnt;
        m.dest = nullptr;
        m.next = free_member_;
        free_member_ = i;
    }
    set.size = 0;
}

// ip_vs_dest_set_min(): weighted least-connection over the members. Stage 1: the first member
// that is not OVERLOADed and has weight > 0 and is AVAILABLE; stage 2: later members not
// OVERLOADed replace it on (s64)loh * dw > (s64)doh * lw if AVAILABLE.
RealServer* LblcrScheduler::set_min(const DestSet& set) const {
    std::int32_t i = set.head;
    RealServer* least = nullptr;
    int loh = 0;
    for (; i >= 0; i = members_[static_cast<std::size_t>(i)].next) {
        RealServer* d = members_[static_cast<std::size_t>(i)].dest;
        if (d->overload) continue;
        if (d->weight > 0 && d->available) {
            least = d;
            loh = conn_overhead(*d);
            break;
        }
    }
    if (!least) return nullptr;
    for (i = members_[static_cast<std::size_t>(i)].next; i >= 0; i = members_[static_cast<std::size_t>(i)].next) {
        RealServer* d = members_[static_cast<std::size_t>(i)].dest;
        if (d->overload) continue;
        const int doh = conn_overhead(*d);
        if (static_cast<std::int64_t>(loh) * d->weight > static_cast<std::int64_t>(doh) * least->weight &&
            d->available) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

// ip_vs_dest_set_max(): weighted most-connection over the members. The first member with
// weight > 0 starts; a later one replaces it on (s64)moh * dw < (s64)doh * mw when dw > 0.
// Neither OVERLOAD nor AVAILABLE is looked at.
RealServer* LblcrScheduler::set_max(const DestSet& set) const {
    std::int32_t i = set.head;
    RealServer* most = nullptr;
    int moh = 0;
    for (; i >= 0; i = members_[static_cast<std::size_t>(i)].next) {
        RealServer* d = members_[static_cast<std::size_t>(i)].dest;
        if (d->weight > 0) {
            most = d;
            moh = conn_overhead(*d);
            break;
        }
    }
    if (!most) return nullptr;
    for (i = members_[static_cast<std::size_t>(i)].next; i >= 0; i = members_[static_cast<std::size_t>(i)].next) {
        RealServer* d = members_[static_cast<std::size_t>(i)].dest;
        const int doh = conn_overhead(*d);
        if (static_cast<std::int64_t>(moh) * d->weight < static_cast<std::int64_t>(doh) * most->weight &&
            d->weight > 0) {
            most = d;
            moh = doh;
        }
    }
    return most;
}

std::string LblcrScheduler::set_names(const DestSet& set) const {
    std::string s = "{";
    for (std::int32_t i = set.head; i >= 0; i = members_[static_cast<std::size_t>(i)].next) {
        if (s.size() > 1) s += ", ";
        s += dest_name(*members_[static_cast<std::size_t>(i)].dest);
    }
    return s + "}";
}

std::vector<const RealServer*> LblcrScheduler::cached_set(net::Ipv4Addr daddr) const {
    std::vector<const RealServer*> out;
    if (const Table::Entry* e = table_.get(daddr.host_order))
        for (std::int32_t i = e->payload.head; i >= 0; i = members_[static_cast<std::size_t>(i)].next)
            out.push_back(members_[static_cast<std::size_t>(i)].dest);
    return out;
}

// ip_vs_lblcr_schedule().
// Hit: lastuse = now; dest = set_min(set); then, if the set has more than one member and
// now > lastmod + lblcr_expiration, set_max(set) is erased (lastmod = now) -- the dest chosen
// before the erase is still the answer if it is not is_overloaded(). Otherwise wlc over the
// service, added to the set (no duplicate; lastmod = now only if inserted).
// Miss: wlc over the service and a new entry whose set is {dest}.
RealServer* LblcrScheduler::schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env,
                                     std::string* why) {
    const std::uint32_t daddr = pkt.daddr.host_order;
    Table::Entry* en = table_.get(daddr);
    if (en) {
        en->lastuse = env.now;
        DestSet& set = en->payload;
        if (why) explain(why, "lblcr: daddr {} has the cached set {}; ", pkt.daddr, set_names(set));
        RealServer* dest = set_min(set);
        if (set.size > 1 && env.now > set.lastmod + lblcr_expiration(env)) {
            if (RealServer* m = set_max(set)) {
                explain(why, "the set was last changed more than lblcr_expiration ago, so its most loaded member {} "
                        "is dropped; ", named(*m));
                set_erase(set, *m, env.now);
            }
        }
        if (dest && !locality_is_overloaded(*dest, svc)) {
            explain(why, "its least loaded member {} ({}/{}) is not overloaded: cached set used", named(*dest),
                    conn_overhead(*dest), dest->weight);
            return dest;
        }
        if (dest)
            explain(why, "its least loaded member {} is overloaded (activeconns {} > weight {} while some dest has "
                    "activeconns*2 < weight); ", named(*dest), dest->activeconns, dest->weight);
        else
            explain(why, "no member is usable (deleted, weight 0 or overloaded); ");
        dest = wlc_least(svc, why, "wlc over the service");
        if (!dest) return nullptr;
        set_insert(set, *dest, true, env.now);
        if (why) explain(why, "; the set is now {}", set_names(set));
        return dest;
    }
    explain(why, "lblcr: daddr {} is not cached; ", pkt.daddr);
    RealServer* dest = wlc_least(svc, why, "wlc over the service");
    if (!dest) return nullptr;
    Table::Entry& ne = table_.insert(daddr, env.now);
    set_insert(ne.payload, *dest, false, env.now);
    explain(why, "; new cached set {{{}}}", named(*dest));
    return dest;
}

}  // namespace tapvs::core::sched
