// What a control command asks the kernel for: ipvsadm's ipvs_service_t / ipvs_dest_t after
// ipvsadm filled in its defaults (libipvs.h). The command parser makes these; Ipvs applies them.
#pragma once

#include <cstdint>
#include <string>

#include "tapvs/core/service.hpp"

namespace tapvs::core {

struct ServiceUser {
    ServiceKey key;
    std::string sched_name = "wlc";  // ipvsadm DEF_SCHED
    std::uint32_t flags = 0;         // kSvcPersistent | kSvcOnePacket | kSvcSched*
    std::uint32_t timeout_s = 0;     // persistence timeout
    std::uint32_t netmask = 0xffffffff;
    std::string pe_name;
    friend bool operator==(const ServiceUser&, const ServiceUser&) = default;
};

struct DestUser {
    net::Ipv4Addr addr;
    std::uint16_t port = 0;
    FwdMethod fwd = FwdMethod::droute;  // ipvsadm's default is -g
    int weight = 1;
    std::uint32_t u_threshold = 0;
    std::uint32_t l_threshold = 0;
    TunType tun_type = TunType::ipip;
    std::uint16_t tun_port = 0;
    std::uint16_t tun_flags = 0;
    friend bool operator==(const DestUser&, const DestUser&) = default;
};

// The errno a kernel IPVS call would return; ipvsadm turns it into text with ipvs_strerror()
// (that mapping lives in ctl, which knows which command was run).
enum class IpvsErr : std::uint8_t {
    ok = 0,
    exist,   // EEXIST
    noent,   // ENOENT
    srch,    // ESRCH
    range,   // ERANGE
    inval,   // EINVAL
    busy,    // EBUSY
    nosys,   // ENOSYS: tapvs does not build this (e.g. sync daemons, gue/gre tunnels)
};

}  // namespace tapvs::core
