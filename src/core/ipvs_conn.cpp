// The IPVS data path's connection lifecycle: scheduling (ip_vs_core.c ip_vs_schedule,
// ip_vs_sched_persist), binding and counting (ip_vs_conn.c ip_vs_bind_dest / ip_vs_unbind_dest),
// TCP/UDP state (ip_vs_proto_tcp.c set_tcp_state, ip_vs_proto_udp.c), and expiry (ip_vs_conn_expire).
#include <algorithm>

#include "tapvs/core/conn_table.hpp"
#include "tapvs/core/ipvs.hpp"

namespace tapvs::core {

namespace {
constexpr std::uint16_t kFtpPort = 21;
constexpr std::uint16_t kFtpData = 20;
constexpr Duration kNewConnTimeout = seconds(3);     // ip_vs_conn_new(): cp->timeout = 3*HZ
constexpr Duration kExpireLater = seconds(60);       // ip_vs_conn_expire(): controlling template postponed
constexpr Duration kSchedTimerStep = seconds(1);     // how often on_timer() is offered to schedulers

std::uint32_t dest_conn_flags(const RealServer& d) noexcept {
    // __ip_vs_update_dest(): fwd method | INACTIVE | NOOUTPUT unless masq.
    std::uint32_t f = static_cast<std::uint32_t>(d.fwd) | kConnInactive;
    if (d.fwd != FwdMethod::masq) f |= kConnNoOutput;
    return f;
}
}  // namespace

VirtualService* Ipvs::service_for(Proto p, net::Ipv4Addr vaddr, std::uint16_t vport,
                                  std::uint32_t fwmark) const noexcept {
    if (fwmark != 0 && n_fwmark_svcs_ != 0)
        for (const auto& s : services_)
            if (s->key.fwmark == fwmark) return s.get();
    for (const auto& s : services_)
        if (s->key.fwmark == 0 && s->key.port == vport && s->key.addr == vaddr && s->key.protocol == p)
            return s.get();
    // An FTP service also takes the data connections: port 20 and unprivileged ports
    // (ip_unprivileged_port_start = 1024).
    if (n_ftp_svcs_ != 0 && p == Proto::tcp && (vport == kFtpData || vport >= 1024))
        for (const auto& s : services_)
            if (s->key.fwmark == 0 && s->key.port == kFtpPort && s->key.addr == vaddr && s->key.protocol == p)
                return s.get();
    if (n_port0_svcs_ != 0)
        for (const auto& s : services_)
            if (s->key.fwmark == 0 && s->key.port == 0 && s->key.addr == vaddr && s->key.protocol == p)
                return s.get();
    return nullptr;
}

// ip_vs_bind_dest()
void Ipvs::bind_dest(Connection& c, RealServer& d) noexcept {
    std::uint32_t conn_flags = dest_conn_flags(d);
    if (c.protocol != Proto::udp) c.flags &= ~kConnOnePacket;
    c.flags |= conn_flags;
    c.dest = &d;
    ++d.refcnt;
    if (!c.is_template()) {
        if (c.inactive()) ++d.inactconns;
        else ++d.activeconns;
    } else {
        ++d.persistconns;
    }
    if (d.u_threshold != 0 && d.activeconns + d.inactconns >= d.u_threshold) d.overload = true;
}

// ip_vs_unbind_dest()
void Ipvs::unbind_dest(Connection& c) noexcept {
    RealServer* d = c.dest;
    if (!d) return;
    if (!c.is_template()) {
        if (c.inactive()) --d->inactconns;
        else --d->activeconns;
    } else {
        --d->persistconns;
    }
    std::uint32_t total = d->activeconns + d->inactconns;
    if (d->l_threshold != 0) {
        if (total < d->l_threshold) d->overload = false;
    } else if (d->u_threshold != 0) {
        if (total * 4 < d->u_threshold * 3) d->overload = false;
    } else {
        d->overload = false;
    }
    --d->refcnt;
    c.dest = nullptr;
}

// ip_vs_conn_new(): state NONE, timeout 3 s, bound to dest, hashed (unless one-packet).
std::uint32_t Ipvs::new_conn(const Connection& proto, RealServer& dest, Timestamp now) {
    Connection c = proto;
    c.state = TcpState::none;
    c.timeout = kNewConnTimeout;
    c.id = next_conn_id_++;
    c.control = kNoConn;
    c.n_control = 0;
    c.expires = now + c.timeout;
    std::uint32_t i = conns_->insert(c);
    Connection& e = conns_->at(i);
    bind_dest(e, dest);
    if (e.flags & kConnOnePacket) conns_->unhash(i);  // ip_vs_conn_hash(): one-packet conns are never hashed
    if (observer_ && !e.is_template()) observer_->on_conn_new(e, now);
    return i;
}

// ip_vs_check_template(): a template whose dest is gone (or quiesced with
// expire_quiescent_template) is invalidated: re-keyed so it is never found again, timer untouched.
bool Ipvs::check_template(std::uint32_t ct) noexcept {
    Connection& t = conns_->at(ct);
    RealServer* d = t.dest;
    if (d == nullptr || !d->available || (sysctl_.expire_quiescent_template && d->weight == 0)) {
        conns_->unhash(ct);
        t.dport = 0xffff;
        t.vport = 0xffff;
        t.cport = 0;
        conns_->hash(ct);
        return false;
    }
    return true;
}

ScheduleStatus Ipvs::schedule(VirtualService& svc, const SchedPacket& pkt, Timestamp now, std::uint32_t* out) {
    if (now > last_sched_tick_) last_sched_tick_ = now;
    SchedEnv env{now, &sysctl_};
    Decision decision;
    std::string* why = observer_ && observer_->wants_reasons() ? &decision.why : nullptr;
    decision.svc = &svc;
    *out = kNoConn;

    if (pkt.sport == kFtpData) return ScheduleStatus::ftpdata;
    // The scheduler's own timers (lblc/lblcr cleanup) due by now run before it decides.
    if (svc.scheduler) svc.scheduler->on_timer(svc, env);

    const std::uint32_t one_packet =
        ((svc.flags & kSvcOnePacket) && pkt.protocol == Proto::udp) ? kConnOnePacket : 0;

    Connection c;
    c.protocol = pkt.protocol;
    c.caddr = pkt.saddr;
    c.cport = pkt.sport;
    c.vaddr = pkt.daddr;
    c.vport = pkt.dport;
    c.fwmark = svc.key.fwmark;
    c.flags = one_packet;

    if (svc.persistent()) {
        // ip_vs_sched_persist()
        net::Ipv4Addr snet{pkt.saddr.host_order & svc.netmask};
        Proto tproto = pkt.protocol;
        net::Ipv4Addr tvaddr = pkt.daddr;
        std::uint16_t tvport = 0;
        if (pkt.dport == svc.key.port) {
            tvport = svc.key.port != kFtpPort ? pkt.dport : 0;
        } else if (svc.key.fwmark) {
            tproto = Proto::none;  // IPPROTO_IP
            tvaddr = net::Ipv4Addr{svc.key.fwmark};
        }
        std::uint32_t ct = conns_->find_template(tproto, snet, tvaddr, tvport);
        RealServer* dest = nullptr;
        if (ct == kNoConn || !check_template(ct)) {
            dest = svc.scheduler ? svc.scheduler->schedule(svc, pkt, env, why) : nullptr;
            if (observer_) {
                decision.dest = dest;
                observer_->on_schedule(pkt, decision, now);
            }
            if (!dest) return ScheduleStatus::no_dest;
            Connection t;
            t.protocol = tproto;
            t.caddr = snet;
            t.cport = 0;
            t.vaddr = tvaddr;
            t.vport = tvport;
            t.daddr = dest->addr;
            t.dport = (pkt.dport == svc.key.port && svc.key.port != kFtpPort) ? dest->port : 0;
            t.fwmark = svc.key.fwmark;
            t.flags = kConnTemplate;
            ct = new_conn(t, *dest, now);
            conns_->at(ct).timeout = seconds(svc.timeout_s);
        } else {
            dest = conns_->at(ct).dest;
            if (observer_) {
                decision.dest = dest;
                decision.persistent = true;
                if (why)
                    *why = "persistence template " + conns_->at(ct).caddr.to_string() + " -> " +
                               dest->endpoint().to_string() + " decided (the scheduler was not asked)";
                observer_->on_schedule(pkt, decision, now);
            }
        }
        c.daddr = dest->addr;
        c.dport = (pkt.dport == svc.key.port && dest->port) ? dest->port : pkt.dport;
        std::uint32_t i = new_conn(c, *dest, now);
        // ip_vs_control_add() + ip_vs_conn_put(ct): the template is re-armed with its timeout.
        Connection& tmpl = conns_->at(ct);
        conns_->at(i).control = ct;
        ++tmpl.n_control;
        conns_->arm(ct, now + tmpl.timeout);
        ++dest->stats.conns;
        ++svc.stats.conns;
        ++tot_stats_.conns;
        *out = i;
        return ScheduleStatus::ok;
    }

    if (!svc.key.fwmark && pkt.dport != svc.key.port) return ScheduleStatus::port_zero;
    RealServer* dest = svc.scheduler ? svc.scheduler->schedule(svc, pkt, env, why) : nullptr;
    if (observer_) {
        decision.dest = dest;
        observer_->on_schedule(pkt, decision, now);
    }
    if (!dest) return ScheduleStatus::no_dest;
    c.daddr = dest->addr;
    c.dport = dest->port ? dest->port : pkt.dport;
    std::uint32_t i = new_conn(c, *dest, now);
    ++dest->stats.conns;  // ip_vs_conn_stats()
    ++svc.stats.conns;
    ++tot_stats_.conns;
    *out = i;
    return ScheduleStatus::ok;
}

// ip_vs_in_stats() / ip_vs_out_stats(): only while the dest is in its service (AVAILABLE).
void Ipvs::count_packet(Connection& c, bool outbound, std::uint32_t l3_len) noexcept {
    if (outbound) {
        ++c.outpkts;
        c.outbytes += l3_len;
    } else {
        ++c.inpkts;
        c.inbytes += l3_len;
    }
    RealServer* d = c.dest;
    if (!d || !d->available) return;
    Stats* per[3] = {&d->stats, d->svc ? &d->svc->stats : nullptr, &tot_stats_};
    for (Stats* s : per) {
        if (!s) continue;
        if (outbound) {
            ++s->outpkts;
            s->outbytes += l3_len;
        } else {
            ++s->inpkts;
            s->inbytes += l3_len;
        }
    }
}

void Ipvs::conn_icmp_stats(std::uint32_t i, bool outbound, std::uint32_t l3_len) noexcept {
    count_packet(conns_->at(i), outbound, l3_len);
}

void Ipvs::conn_packet(std::uint32_t i, bool outbound, const TcpFlags* tcp, std::uint32_t l3_len, Timestamp now) {
    Connection& c = conns_->at(i);
    count_packet(c, outbound, l3_len);

    if (tcp) {
        // set_tcp_state()
        TcpDir dir = outbound ? TcpDir::output : TcpDir::input;
        if (c.flags & kConnNoOutput) {
            if (outbound) c.flags &= ~kConnNoOutput;
            else dir = TcpDir::input_only;
        }
        TcpState old_state = c.state;
        TcpState next = tcp_next_state(c.state, dir, *tcp);
        if (next != c.state) {
            if (RealServer* d = c.dest) {
                if (!c.inactive() && !tcp_state_active(next)) {
                    --d->activeconns;
                    ++d->inactconns;
                    c.flags |= kConnInactive;
                } else if (c.inactive() && tcp_state_active(next)) {
                    ++d->activeconns;
                    --d->inactconns;
                    c.flags &= ~kConnInactive;
                }
            }
        }
        c.state = next;
        c.timeout = seconds(tcp_timeouts_[static_cast<int>(next)]);
        if (observer_ && next != old_state) observer_->on_conn_state(c, old_state, now);
    } else if (c.protocol == Proto::udp) {
        c.timeout = seconds(udp_timeout_);  // udp_state_transition()
    }

    // ip_vs_conn_put(): a one-packet connection dies now, others are re-armed.
    if (c.flags & kConnOnePacket) {
        expire_conn(i, now);
        return;
    }
    conns_->arm(i, now + c.timeout);
}

// ip_vs_in(): a SYN on an existing entry, conn_reuse_mode. Returns true when the packet must be
// scheduled as a new connection (the old entry then expires at the next timer run, still counted).
bool Ipvs::reuse_for_new_conn(std::uint32_t i, Timestamp now) {
    const int mode = sysctl_.conn_reuse_mode;
    if (!mode) return false;
    Connection& c = conns_->at(i);
    bool resched = false;
    if (sysctl_.expire_nodest_conn && c.dest && c.dest->weight == 0) {
        resched = true;
    } else if (c.control == kNoConn && c.protocol == Proto::tcp &&
               (c.state == TcpState::time_wait || c.state == TcpState::close ||
                ((mode & 2) && c.state == TcpState::fin_wait && (c.flags & kConnNoOutput)))) {
        resched = c.n_control == 0;  // is_new_conn_expected(); no conntrack in tapvs
    }
    if (!resched) return false;
    if (c.n_control == 0) expire_now(i, now);
    return true;
}

void Ipvs::expire_now(std::uint32_t i, Timestamp now) { conns_->arm(i, now); }

void Ipvs::flush_nodest_conns(Timestamp now) {
    std::vector<std::uint32_t> gone;
    for (std::uint32_t i = 0; i < conns_->slot_count(); ++i) {
        const Connection& c = conns_->at(i);
        if (c.in_use && !c.is_template() && c.dest && !c.dest->available) gone.push_back(i);
    }
    for (std::uint32_t i : gone) {
        const std::uint32_t ctl = conns_->at(i).control;
        expire_conn(i, now);
        // A template left controlling nothing goes too.
        if (ctl != kNoConn && conns_->at(ctl).in_use && conns_->at(ctl).n_control == 0) expire_conn(ctl, now);
    }
}

// ip_vs_conn_expire()
void Ipvs::expire_conn(std::uint32_t i, Timestamp now) {
    Connection& c = conns_->at(i);
    if (c.n_control > 0) {
        // A template still controlling connections lives on: expire_later, and its timeout stays 60 s.
        c.timeout = kExpireLater;
        conns_->arm(i, now + kExpireLater);
        return;
    }
    if (observer_ && !c.is_template()) observer_->on_conn_expire(c, now);
    conns_->unhash(i);
    if (c.control != kNoConn) {  // ip_vs_control_del()
        Connection& t = conns_->at(c.control);
        if (t.n_control > 0) --t.n_control;
        c.control = kNoConn;
    }
    unbind_dest(c);
    conns_->release(i);
}

// ip_vs_dest_trash_expire(): an unused trashed dest is marked idle at the first tick that sees it
// unused and freed at the first tick IP_VS_DEST_TRASH_PERIOD (120 s) after that.
void Ipvs::trash_tick(Timestamp t) {
    std::erase_if(trash_, [&](const std::unique_ptr<RealServer>& d) {
        if (d->refcnt > 0) return false;
        if (d->idle_start == Timestamp{}) {
            d->idle_start = t;
            return false;
        }
        return t >= d->idle_start + seconds(120);
    });
    trash_timer_ = trash_.empty() ? Timestamp{} : t + seconds(60);
}

void Ipvs::expire(Timestamp now) {
    if (now > last_sched_tick_) last_sched_tick_ = now;
    // Every timer fires at its own deadline (what a template re-arms from), in deadline order,
    // the connections' and the trash's interleaved.
    for (;;) {
        const bool tick = trash_timer_ != Timestamp{} && trash_timer_ <= now;
        const Timestamp limit = tick ? trash_timer_ - Duration{1} : now;
        for (std::uint32_t i = conns_->pop_due(limit); i != kNoConn; i = conns_->pop_due(limit))
            expire_conn(i, std::min(conns_->at(i).expires, limit));
        if (!tick) break;
        trash_tick(trash_timer_);
    }

    // Counters change only with packets, so the estimator's ticks need no ordering against the
    // other timers; with no service left there is nothing to sample until the next -A.
    while (est_timer_ != Timestamp{} && est_timer_ <= now) {
        estimation_tick();
        est_timer_ = services_.empty() ? Timestamp{} : est_timer_ + Estimator::kPeriod;
    }

    SchedEnv env{now, &sysctl_};
    for (auto& s : services_)
        if (s->scheduler) s->scheduler->on_timer(*s, env);
}

// estimation_timer(): every service and real server linked to one (a dest in the trash is not).
void Ipvs::estimation_tick() noexcept {
    for (auto& s : services_) {
        s->est.sample(s->stats);
        for (auto& d : s->destinations) d->est.sample(d->stats);
    }
}

Timestamp Ipvs::next_timer() const noexcept {
    Timestamp t = conns_->next_due();
    if (trash_timer_ != Timestamp{} && (t == Timestamp{} || trash_timer_ < t)) t = trash_timer_;
    if (est_timer_ != Timestamp{} && (t == Timestamp{} || est_timer_ < t)) t = est_timer_;
    // Schedulers with timers of their own (lblc/lblcr GC) want a look at least every second.
    Timestamp sched = last_sched_tick_ + kSchedTimerStep;
    if (!services_.empty() && (t == Timestamp{} || sched < t)) t = sched;
    return t;
}

}  // namespace tapvs::core
