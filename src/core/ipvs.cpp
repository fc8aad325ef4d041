// IPVS control operations, as ip_vs_ctl.c performs them (do_ip_vs_set_ctl and the functions it calls).
#include "tapvs/core/ipvs.hpp"

#include <algorithm>

#include "tapvs/core/conn_table.hpp"

namespace tapvs::core {

namespace {
bool unicast(net::Ipv4Addr a) {
    // inet_addr_type() must be RTN_UNICAST or RTN_LOCAL (ip_vs_new_dest): not 0.0.0.0,
    // not multicast, not the limited broadcast.
    return !a.is_zero() && !a.is_multicast() && !a.is_limited_broadcast();
}
}  // namespace

Ipvs::Ipvs(IpvsConfig cfg) : cfg_(cfg), conns_(std::make_unique<ConnTable>(cfg.expected_conns)) {
    std::copy(std::begin(kDefaultTcpTimeouts), std::end(kDefaultTcpTimeouts), tcp_timeouts_);
}

Ipvs::~Ipvs() = default;

VirtualService* Ipvs::find_service(const ServiceKey& key) const noexcept {
    for (const auto& s : services_) {
        if (key.fwmark != 0) {
            if (s->key.fwmark == key.fwmark) return s.get();
        } else if (s->key.fwmark == 0 && s->key.protocol == key.protocol && s->key.addr == key.addr &&
                   s->key.port == key.port) {
            return s.get();
        }
    }
    return nullptr;
}

// ip_vs_add_service()
IpvsErr Ipvs::add_service(const ServiceUser& u, Timestamp now) {
    if (find_service(u.key)) return IpvsErr::exist;
    if (u.key.fwmark == 0 && u.key.protocol != Proto::tcp && u.key.protocol != Proto::udp)
        return IpvsErr::nosys;  // SCTP is not built in tapvs
    auto sched = make_scheduler(u.sched_name, SchedOptions{cfg_.seed});
    if (!sched) return IpvsErr::noent;
    if (!u.pe_name.empty()) return IpvsErr::noent;  // no persistence engine (sip) module in tapvs
    auto svc = std::make_unique<VirtualService>();
    svc->key = u.key;
    svc->flags = (u.flags & ~kSvcHashed) | kSvcHashed;
    svc->timeout_s = u.timeout_s;
    svc->netmask = u.netmask;
    svc->sched_name = u.sched_name;
    svc->scheduler = std::move(sched);
    SchedEnv env{now, &sysctl_};
    svc->scheduler->init_service(*svc, env);
    if (svc->key.fwmark) ++n_fwmark_svcs_;
    else if (svc->key.port == 0) ++n_port0_svcs_;
    else if (svc->key.port == 21 && svc->key.protocol == Proto::tcp) ++n_ftp_svcs_;
    services_.push_back(std::move(svc));
    if (est_timer_ == Timestamp{}) est_timer_ = now + Estimator::kPeriod;
    ++generation_;
    return IpvsErr::ok;
}

// ip_vs_edit_service(): every attribute is replaced; the scheduler is re-initialised only when it
// changes.
IpvsErr Ipvs::edit_service(const ServiceUser& u, Timestamp now) {
    VirtualService* svc = find_service(u.key);
    if (!svc) return IpvsErr::srch;
    std::unique_ptr<Scheduler> sched;
    if (u.sched_name != svc->sched_name) {
        sched = make_scheduler(u.sched_name, SchedOptions{cfg_.seed});
        if (!sched) return IpvsErr::noent;
    }
    if (!u.pe_name.empty()) return IpvsErr::noent;
    svc->flags = u.flags | kSvcHashed;
    svc->timeout_s = u.timeout_s;
    svc->netmask = u.netmask;
    if (sched) {
        svc->scheduler->done_service(*svc);
        svc->scheduler = std::move(sched);
        svc->sched_name = u.sched_name;
        SchedEnv env{now, &sysctl_};
        svc->scheduler->init_service(*svc, env);
    }
    ++generation_;
    return IpvsErr::ok;
}

// __ip_vs_unlink_dest() + __ip_vs_del_dest(): out of the list, scheduler told, into the trash.
void Ipvs::unlink_dest(VirtualService& svc, RealServer& d, Timestamp now) {
    auto it = std::find_if(svc.destinations.begin(), svc.destinations.end(),
                           [&](const auto& p) { return p.get() == &d; });
    std::unique_ptr<RealServer> owned = std::move(*it);
    svc.destinations.erase(it);
    owned->available = false;
    if (svc.scheduler) svc.scheduler->del_dest(svc, *owned);
    // __ip_vs_del_dest(): into the trash, idle_start cleared; the trash timer starts when the
    // trash was empty (every IP_VS_DEST_TRASH_PERIOD / 2 = 60 s).
    owned->idle_start = Timestamp{};
    if (trash_.empty()) trash_timer_ = now + seconds(60);
    trash_.push_back(std::move(owned));
}

// __ip_vs_del_service()
IpvsErr Ipvs::del_service(const ServiceKey& key, Timestamp now) {
    VirtualService* svc = find_service(key);
    if (!svc) return IpvsErr::srch;
    // The scheduler is unbound first (ip_vs_unbind_scheduler), then every dest is unlinked without
    // telling it (svcupd = false), into the trash.
    svc->scheduler->done_service(*svc);
    svc->scheduler.reset();
    while (!svc->destinations.empty()) unlink_dest(*svc, *svc->destinations.front(), now);
    for (auto& d : trash_)
        if (d->svc == svc) d->svc = nullptr;
    if (svc->key.fwmark) --n_fwmark_svcs_;
    else if (svc->key.port == 0) --n_port0_svcs_;
    else if (svc->key.port == 21 && svc->key.protocol == Proto::tcp) --n_ftp_svcs_;
    services_.erase(std::find_if(services_.begin(), services_.end(), [&](const auto& p) { return p.get() == svc; }));
    if (sysctl_.expire_nodest_conn) flush_nodest_conns(now);
    ++generation_;
    return IpvsErr::ok;
}

// ip_vs_flush()
void Ipvs::flush(Timestamp now) {
    while (!services_.empty()) del_service(services_.back()->key, now);
}

// __ip_vs_update_dest()
void Ipvs::update_dest(VirtualService& svc, RealServer& d, const DestUser& u, bool add) {
    // A dest revived from the trash into another service starts with zeroed stats.
    if (add && d.svc != &svc) {
        d.stats = {};
        d.est.zero(d.stats);
    }
    d.fwd = u.fwd;
    d.weight = u.weight;
    if (add || u.weight != 0) d.last_weight = u.weight;
    d.tun_type = u.tun_type;
    d.tun_port = u.tun_port;
    d.tun_flags = u.tun_flags;
    if (u.u_threshold == 0 || u.u_threshold > d.u_threshold) d.overload = false;
    d.u_threshold = u.u_threshold;
    d.l_threshold = u.l_threshold;
    d.svc = &svc;
    d.vkey = svc.key;
    d.available = true;
    if (!add) {
        if (svc.scheduler) svc.scheduler->upd_dest(svc, d);
    }
}

// ip_vs_add_dest()
IpvsErr Ipvs::add_dest(const ServiceKey& key, const DestUser& u, Timestamp now) {
    (void)now;
    VirtualService* svc = find_service(key);
    if (!svc) return IpvsErr::srch;
    if (u.weight < 0) return IpvsErr::range;
    if (u.l_threshold > u.u_threshold) return IpvsErr::range;
    if (u.fwd == FwdMethod::tunnel && u.tun_type != TunType::ipip) return IpvsErr::nosys;
    if (svc->find_dest(u.addr, u.port)) return IpvsErr::exist;
    if (!unicast(u.addr)) return IpvsErr::inval;

    // ip_vs_trash_get_dest(): a deleted dest of the same service revives with its counters.
    std::unique_ptr<RealServer> d;
    auto it = std::find_if(trash_.begin(), trash_.end(), [&](const auto& t) {
        return t->addr == u.addr && t->port == u.port && t->vkey == svc->key;
    });
    if (it != trash_.end()) {
        d = std::move(*it);
        trash_.erase(it);
    } else {
        d = std::make_unique<RealServer>();
        d->addr = u.addr;
        d->port = u.port;
    }
    RealServer& ref = *d;
    update_dest(*svc, ref, u, true);
    svc->destinations.insert(svc->destinations.begin(), std::move(d));  // list_add_rcu: head
    if (svc->scheduler) svc->scheduler->add_dest(*svc, ref);
    ++generation_;
    return IpvsErr::ok;
}

// ip_vs_edit_dest()
IpvsErr Ipvs::edit_dest(const ServiceKey& key, const DestUser& u) {
    VirtualService* svc = find_service(key);
    if (!svc) return IpvsErr::srch;
    if (u.weight < 0) return IpvsErr::range;
    if (u.l_threshold > u.u_threshold) return IpvsErr::range;
    if (u.fwd == FwdMethod::tunnel && u.tun_type != TunType::ipip) return IpvsErr::nosys;
    RealServer* d = svc->find_dest(u.addr, u.port);
    if (!d) return IpvsErr::noent;
    update_dest(*svc, *d, u, false);
    ++generation_;
    return IpvsErr::ok;
}

// ip_vs_del_dest()
IpvsErr Ipvs::del_dest(const ServiceKey& key, const DestUser& u, Timestamp now) {
    VirtualService* svc = find_service(key);
    if (!svc) return IpvsErr::srch;
    RealServer* d = svc->find_dest(u.addr, u.port);
    if (!d) return IpvsErr::noent;
    unlink_dest(*svc, *d, now);
    if (sysctl_.expire_nodest_conn) flush_nodest_conns(now);
    ++generation_;
    return IpvsErr::ok;
}

// ip_vs_zero_service() / ip_vs_zero_all()
IpvsErr Ipvs::zero(const ServiceKey* key) {
    auto zero_svc = [](VirtualService& s) {
        s.stats = {};
        s.est.zero(s.stats);
        for (auto& d : s.destinations) {
            d->stats = {};
            d->est.zero(d->stats);
        }
    };
    if (key) {
        VirtualService* svc = find_service(*key);
        if (!svc) return IpvsErr::srch;
        zero_svc(*svc);
        return IpvsErr::ok;
    }
    for (auto& s : services_) zero_svc(*s);
    tot_stats_ = {};
    return IpvsErr::ok;
}

// ip_vs_set_timeout(): a 0 leaves the value as it is.
IpvsErr Ipvs::set_timeouts(const Timeouts& t) {
    if (t.tcp) tcp_timeouts_[static_cast<int>(TcpState::established)] = t.tcp;
    if (t.tcpfin) tcp_timeouts_[static_cast<int>(TcpState::fin_wait)] = t.tcpfin;
    if (t.udp) udp_timeout_ = t.udp;
    return IpvsErr::ok;
}

Timeouts Ipvs::timeouts() const noexcept {
    return Timeouts{tcp_timeouts_[static_cast<int>(TcpState::established)],
                    tcp_timeouts_[static_cast<int>(TcpState::fin_wait)], udp_timeout_};
}

void Ipvs::for_each_conn(const std::function<void(const Connection&)>& f) const {
    std::vector<const Connection*> all;
    all.reserve(conns_->size());
    conns_->for_each([&](const Connection& c) { all.push_back(&c); });
    std::sort(all.begin(), all.end(), [](const Connection* a, const Connection* b) { return a->id < b->id; });
    for (const Connection* c : all) f(*c);
}

std::size_t Ipvs::conn_count() const noexcept { return conns_->size(); }

Stats Ipvs::total_stats() const noexcept { return tot_stats_; }

}  // namespace tapvs::core
