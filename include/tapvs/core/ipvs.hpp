// IPVS state: virtual services, real servers, the connection table, timeouts and sysctls.
// Control operations mirror ip_vs_ctl.c and return the errno the kernel would (IpvsErr);
// turning that into ipvsadm's text is ctl's job.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <memory>
#include <vector>

#include "tapvs/core/conn.hpp"
#include "tapvs/core/ipvs_user.hpp"
#include "tapvs/core/scheduler.hpp"
#include "tapvs/core/service.hpp"
#include "tapvs/core/tcp_state.hpp"
#include "tapvs/core/time.hpp"

namespace tapvs::core {

// `ipvsadm -L --timeout`: tcp (ESTABLISHED), tcpfin (FIN_WAIT), udp, in seconds.
struct Timeouts {
    std::uint32_t tcp = 900;
    std::uint32_t tcpfin = 120;
    std::uint32_t udp = 300;
};

struct IpvsConfig {
    std::uint64_t seed = 1;               // twos's generator
    std::uint32_t expected_conns = 4096;  // initial connection-table capacity
};

class ConnTable;

// What decided a new connection, for traces (filled only when an observer is set).
struct Decision {
    const VirtualService* svc = nullptr;
    const RealServer* dest = nullptr;  // nullptr: no destination available
    bool persistent = false;           // an existing persistence template decided, not the scheduler
    std::string why;                   // the scheduler's sentence with its numbers
};

// Hooks for traces and logs; the default does nothing. Called on the data path only when set.
class IpvsObserver {
public:
    virtual ~IpvsObserver() = default;
    // Does it read Decision::why? Only then do the schedulers write their explanation (a string
    // per new connection).
    virtual bool wants_reasons() const noexcept { return false; }
    virtual void on_schedule(const SchedPacket&, const Decision&, Timestamp) {}
    virtual void on_conn_new(const Connection&, Timestamp) {}
    virtual void on_conn_state(const Connection&, TcpState /*old_state*/, Timestamp) {}
    virtual void on_conn_expire(const Connection&, Timestamp) {}
};

// The outcome of trying to schedule a new connection (ip_vs_schedule / ip_vs_sched_persist).
enum class ScheduleStatus : std::uint8_t {
    ok,            // conn is the new connection
    no_dest,       // the scheduler found no destination: ip_vs_leave() -> ICMP port unreachable
    port_zero,     // non-persistent service asked for another port ("port zero only supported...")
    ftpdata,       // client port 20 is never scheduled
};

class Ipvs {
public:
    // `ipvsadm -L` header: IP Virtual Server version 1.2.1 (size=4096).
    static constexpr int kVersionCode = 0x010201;
    static constexpr int kConnTabSize = 4096;

    explicit Ipvs(IpvsConfig cfg = {});
    ~Ipvs();
    Ipvs(const Ipvs&) = delete;
    Ipvs& operator=(const Ipvs&) = delete;

    // ---- control (ip_vs_ctl.c) ----
    IpvsErr add_service(const ServiceUser& u, Timestamp now);
    IpvsErr edit_service(const ServiceUser& u, Timestamp now);
    IpvsErr del_service(const ServiceKey& key, Timestamp now);
    void flush(Timestamp now);
    IpvsErr add_dest(const ServiceKey& key, const DestUser& u, Timestamp now);
    IpvsErr edit_dest(const ServiceKey& key, const DestUser& u);
    IpvsErr del_dest(const ServiceKey& key, const DestUser& u, Timestamp now);
    IpvsErr zero(const ServiceKey* key);  // nullptr: every service
    IpvsErr set_timeouts(const Timeouts& t);  // a 0 leaves that value unchanged

    // ---- views (for ipvsadm -L / -S and traces) ----
    const std::vector<std::unique_ptr<VirtualService>>& services() const noexcept { return services_; }
    VirtualService* find_service(const ServiceKey& key) const noexcept;
    void for_each_conn(const std::function<void(const Connection&)>& f) const;  // creation order
    std::size_t conn_count() const noexcept;
    Timeouts timeouts() const noexcept;
    IpvsSysctl& sysctl() noexcept { return sysctl_; }
    const IpvsSysctl& sysctl() const noexcept { return sysctl_; }
    Stats total_stats() const noexcept;
    // Counts the changes to the services and their real servers (add, edit, delete, flush): a
    // front end that shows the services shows them again when this moved.
    std::uint64_t generation() const noexcept { return generation_; }

    // TCP state timeouts in seconds, indexed by TcpState (ip_vs_proto_tcp.c tcp_timeouts[]).
    const std::uint32_t* tcp_timeouts() const noexcept { return tcp_timeouts_; }
    std::uint32_t udp_timeout() const noexcept { return udp_timeout_; }

    ConnTable& conns() noexcept { return *conns_; }
    const ConnTable& conns() const noexcept { return *conns_; }

    // ---- data path (ip_vs_core.c, ip_vs_conn.c) ----
    void set_observer(IpvsObserver* o) noexcept { observer_ = o; }

    // ip_vs_service_find(): fwmark services first, then <protocol, vaddr, vport>, then a port-zero
    // service on the same address.
    VirtualService* service_for(Proto p, net::Ipv4Addr vaddr, std::uint16_t vport,
                                std::uint32_t fwmark) const noexcept;
    // Schedules a new connection for `pkt` (client -> virtual service); on ok, *conn is its index.
    ScheduleStatus schedule(VirtualService& svc, const SchedPacket& pkt, Timestamp now, std::uint32_t* conn);
    // ip_vs_expire_nodest_conn_flush(): with expire_nodest_conn set, a removed real server's
    // connections (and the templates left controlling none) go at once.
    void flush_nodest_conns(Timestamp now);
    // A packet of connection `i` in the given direction: counters, TCP state, and the timer
    // (ip_vs_in_stats / ip_vs_out_stats, ip_vs_set_state, ip_vs_conn_put). `l3_len` = IP length.
    void conn_packet(std::uint32_t i, bool outbound, const TcpFlags* tcp, std::uint32_t l3_len,
                     Timestamp now);
    // An ICMP error relayed for connection `i` (ip_vs_in_icmp / handle_response_icmp): counted,
    // but no state change and no timer re-arm.
    void conn_icmp_stats(std::uint32_t i, bool outbound, std::uint32_t l3_len) noexcept;
    // A SYN hits an existing connection: ip_vs_in()'s conn_reuse_mode logic. True when the old
    // entry was expired and the packet must be scheduled afresh.
    bool reuse_for_new_conn(std::uint32_t i, Timestamp now);
    // ip_vs_conn_expire_now(): let the timer fire at `now`.
    void expire_now(std::uint32_t i, Timestamp now);
    // Fires every timer due at or before `now`: connections, templates, the dest trash, the rate
    // estimator, and the schedulers' own timers (lblc/lblcr).
    void expire(Timestamp now);
    // The earliest time expire() has work to do (a default Timestamp when nothing is pending).
    Timestamp next_timer() const noexcept;

private:
    void count_packet(Connection& c, bool outbound, std::uint32_t l3_len) noexcept;
    void bind_dest(Connection& c, RealServer& d) noexcept;
    void unbind_dest(Connection& c) noexcept;
    void expire_conn(std::uint32_t i, Timestamp now);
    std::uint32_t new_conn(const Connection& proto, RealServer& dest, Timestamp now);
    bool check_template(std::uint32_t ct) noexcept;
    void unlink_dest(VirtualService& svc, RealServer& d, Timestamp now);
    void trash_tick(Timestamp t);
    void estimation_tick() noexcept;
    void update_dest(VirtualService& svc, RealServer& d, const DestUser& u, bool add);

    IpvsObserver* observer_ = nullptr;
    std::uint64_t next_conn_id_ = 1;
    Stats tot_stats_;
    Timestamp last_sched_tick_;
    Timestamp trash_timer_{};  // the dest trash's 60 s timer (default: not armed)
    Timestamp est_timer_{};    // the rate estimator's 2 s timer (armed by the first service)
    std::uint32_t n_fwmark_svcs_ = 0, n_port0_svcs_ = 0, n_ftp_svcs_ = 0;

private:
    IpvsConfig cfg_;
    IpvsSysctl sysctl_;
    std::vector<std::unique_ptr<VirtualService>> services_;  // creation order
    std::uint64_t generation_ = 0;                           // generation()
    std::vector<std::unique_ptr<RealServer>> trash_;         // deleted dests still referenced
    std::unique_ptr<ConnTable> conns_;
    std::uint32_t tcp_timeouts_[static_cast<int>(TcpState::last)];
    std::uint32_t udp_timeout_ = 300;

};

}  // namespace tapvs::core
