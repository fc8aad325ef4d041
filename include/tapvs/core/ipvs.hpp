// IPVS state: virtual services, real servers, the connection table, timeouts and sysctls.
// Control operations mirror ip_vs_ctl.c and return the errno the kernel would (IpvsErr);
// turning that into ipvsadm's text is ctl's job.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "tapvs/core/conn.hpp"
#include "tapvs/core/ipvs_user.hpp"
#include "tapvs/core/scheduler.hpp"
#include "tapvs/core/service.hpp"
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
    IpvsErr del_service(const ServiceKey& key);
    void flush();
    IpvsErr add_dest(const ServiceKey& key, const DestUser& u, Timestamp now);
    IpvsErr edit_dest(const ServiceKey& key, const DestUser& u);
    IpvsErr del_dest(const ServiceKey& key, const DestUser& u);
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

    // TCP state timeouts in seconds, indexed by TcpState (ip_vs_proto_tcp.c tcp_timeouts[]).
    const std::uint32_t* tcp_timeouts() const noexcept { return tcp_timeouts_; }
    std::uint32_t udp_timeout() const noexcept { return udp_timeout_; }

    ConnTable& conns() noexcept { return *conns_; }
    const ConnTable& conns() const noexcept { return *conns_; }

private:
    IpvsConfig cfg_;
    IpvsSysctl sysctl_;
    std::vector<std::unique_ptr<VirtualService>> services_;  // creation order
    std::vector<std::unique_ptr<RealServer>> trash_;         // deleted dests still referenced
    std::unique_ptr<ConnTable> conns_;
    std::uint32_t tcp_timeouts_[static_cast<int>(TcpState::last)];
    std::uint32_t udp_timeout_ = 300;

    friend class IpvsDataPath;
};

}  // namespace tapvs::core
