// IPVS virtual services and real servers, named and counted as the kernel does
// (include/net/ip_vs.h: struct ip_vs_service, struct ip_vs_dest).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tapvs/core/estimator.hpp"
#include "tapvs/core/proto.hpp"
#include "tapvs/core/time.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::core {

class Scheduler;
struct VirtualService;

// ipvsadm -m / -g / -i (IP_VS_CONN_F_MASQ, _DROUTE, _TUNNEL). `local` is IP_VS_CONN_F_LOCALNODE,
// which ipvsadm cannot ask for; listed so the numbering and names match the kernel's.
enum class FwdMethod : std::uint8_t { masq = 0, local = 1, tunnel = 2, droute = 3 };

// The name ipvsadm -L prints in the Forward column.
constexpr const char* fwd_list_name(FwdMethod m) noexcept {
    switch (m) {
        case FwdMethod::masq: return "Masq";
        case FwdMethod::local: return "Local";
        case FwdMethod::tunnel: return "Tunnel";
        case FwdMethod::droute: return "Route";
    }
    return "?";
}
// The word tapvs's traces use ("masq", "route", "tunnel").
constexpr const char* fwd_trace_name(FwdMethod m) noexcept {
    switch (m) {
        case FwdMethod::masq: return "masq";
        case FwdMethod::local: return "local";
        case FwdMethod::tunnel: return "tunnel";
        case FwdMethod::droute: return "route";
    }
    return "?";
}

// uapi ip_vs.h IP_VS_TUNNEL_ENCAP_* and IP_VS_TUNNEL_ENCAP_FLAG_*
enum class TunType : std::uint8_t { ipip = 0, gue = 1, gre = 2 };
inline constexpr std::uint16_t kTunFlagNoCsum = 0;
inline constexpr std::uint16_t kTunFlagCsum = 1 << 0;
inline constexpr std::uint16_t kTunFlagRemCsum = 1 << 1;

// Service flags (uapi ip_vs.h IP_VS_SVC_F_*).
inline constexpr std::uint32_t kSvcPersistent = 0x0001;
inline constexpr std::uint32_t kSvcHashed = 0x0002;
inline constexpr std::uint32_t kSvcOnePacket = 0x0004;
inline constexpr std::uint32_t kSvcSched1 = 0x0008;  // sh-fallback / mh-fallback
inline constexpr std::uint32_t kSvcSched2 = 0x0010;  // sh-port / mh-port
inline constexpr std::uint32_t kSvcSched3 = 0x0020;
inline constexpr std::uint32_t kSvcSchedFlags = kSvcSched1 | kSvcSched2 | kSvcSched3;

// Counters as in struct ip_vs_kstats.
struct Stats {
    std::uint64_t conns = 0;
    std::uint64_t inpkts = 0;
    std::uint64_t outpkts = 0;
    std::uint64_t inbytes = 0;
    std::uint64_t outbytes = 0;
};

// The identity of a virtual service: <protocol, addr, port> or a firewall mark.
struct ServiceKey {
    std::uint32_t fwmark = 0;  // non-zero: fwmark service; protocol/addr/port unused
    Proto protocol = Proto::none;
    net::Ipv4Addr addr;
    std::uint16_t port = 0;
    friend auto operator<=>(const ServiceKey&, const ServiceKey&) = default;
};

// struct ip_vs_dest.
struct RealServer {
    net::Ipv4Addr addr;
    std::uint16_t port = 0;
    FwdMethod fwd = FwdMethod::droute;
    int weight = 1;       // atomic_t weight: what schedulers read
    int last_weight = 1;  // mh: weight before a -e to 0
    std::uint32_t u_threshold = 0;
    std::uint32_t l_threshold = 0;
    TunType tun_type = TunType::ipip;
    std::uint16_t tun_port = 0;   // network-independent (host order)
    std::uint16_t tun_flags = 0;

    std::uint32_t activeconns = 0;   // IP_VS_DEST: active connections
    std::uint32_t inactconns = 0;    // inactive connections
    std::uint32_t persistconns = 0;  // persistence templates
    bool available = false;          // IP_VS_DEST_F_AVAILABLE: linked into its service
    bool overload = false;           // IP_VS_DEST_F_OVERLOAD: u_threshold reached

    VirtualService* svc = nullptr;   // the service it belongs to (nullptr once that service is gone)
    ServiceKey vkey;                 // the service it was added to (the trash revives by it)
    std::uint32_t refcnt = 0;        // connections, templates and lblc/lblcr cache entries holding it
    Timestamp idle_start{};          // dest trash: first timer tick that saw it unused (default: none)
    Stats stats;
    Estimator est;

    net::Endpoint endpoint() const noexcept { return {addr, port}; }
};

// struct ip_vs_service.
struct VirtualService {
    ServiceKey key;
    std::uint32_t flags = 0;             // kSvc*
    std::uint32_t timeout_s = 0;         // persistence timeout in seconds (-p)
    std::uint32_t netmask = 0xffffffff;  // persistence granularity (-M), host order
    std::string pe_name;                 // --pe (accepted and shown; tapvs has no engines)
    std::string sched_name;
    std::unique_ptr<Scheduler> scheduler;

    // The kernel's list order: __ip_vs_update_dest() head-inserts, so the NEWEST dest is first.
    std::vector<std::unique_ptr<RealServer>> destinations;
    Stats stats;
    Estimator est;

    bool is_fwmark() const noexcept { return key.fwmark != 0; }
    bool persistent() const noexcept { return (flags & kSvcPersistent) != 0; }
    std::size_t num_dests() const noexcept { return destinations.size(); }
    RealServer* find_dest(net::Ipv4Addr addr, std::uint16_t port) const noexcept {
        for (const auto& d : destinations)
            if (d->addr == addr && d->port == port) return d.get();
        return nullptr;
    }
};

// net.ipv4.vs.* sysctls the data path and the schedulers read (Documentation/networking/ipvs-sysctl.rst).
struct IpvsSysctl {
    int expire_nodest_conn = 0;
    int expire_quiescent_template = 0;
    int conn_reuse_mode = 1;
    int sloppy_tcp = 0;
    int secure_tcp = 0;
    int pmtu_disc = 1;
    int cache_bypass = 0;
    int nat_icmp_send = 0;
    int snat_reroute = 1;
    int lblc_expiration_s = 24 * 60 * 60;
    int lblcr_expiration_s = 24 * 60 * 60;
};

}  // namespace tapvs::core
