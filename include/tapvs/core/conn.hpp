// An IPVS connection entry (struct ip_vs_conn) and its flags. Kept <= 256 bytes (a test checks).
#pragma once

#include <cstdint>

#include "tapvs/core/proto.hpp"
#include "tapvs/core/service.hpp"
#include "tapvs/core/time.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::core {

struct Neighbour;  // host.hpp

// uapi ip_vs.h IP_VS_CONN_F_* (the forwarding method lives in the low bits, as FwdMethod).
inline constexpr std::uint32_t kConnFwdMask = 0x0007;
inline constexpr std::uint32_t kConnHashed = 0x0040;
inline constexpr std::uint32_t kConnNoOutput = 0x0080;
inline constexpr std::uint32_t kConnInactive = 0x0100;
inline constexpr std::uint32_t kConnTemplate = 0x1000;
inline constexpr std::uint32_t kConnOnePacket = 0x2000;

// ip_vs_proto_tcp.c: enum of IP_VS_TCP_S_*; UDP uses state 0 printed as "UDP".
enum class TcpState : std::uint8_t {
    none = 0, established, syn_sent, syn_recv, fin_wait, time_wait, close, close_wait, last_ack, listen,
    synack, last
};
const char* tcp_state_name(TcpState s) noexcept;  // "ESTABLISHED", ... as ipvsadm -L -c prints
bool tcp_state_active(TcpState s) noexcept;       // counted in activeconns

inline constexpr std::uint32_t kNoConn = 0xffffffffu;

struct Connection {
    // Identity. For templates caddr is masked, cport is 0, and for fwmark services vaddr holds
    // the fwmark and vport 0 (ip_vs_sched_persist()).
    net::Ipv4Addr caddr, vaddr, daddr;
    std::uint16_t cport = 0, vport = 0, dport = 0;
    Proto protocol = Proto::tcp;
    TcpState state = TcpState::none;
    std::uint32_t flags = 0;   // kConn* | FwdMethod
    std::uint32_t fwmark = 0;  // the service's fwmark (0 for address services)

    RealServer* dest = nullptr;
    std::uint32_t control = kNoConn;  // index of the controlling template, or kNoConn
    std::uint32_t n_control = 0;      // connections this template controls

    Timestamp expires;   // when the timer fires (re-armed on every packet)
    Duration timeout{};  // cp->timeout
    std::uint64_t id = 0;  // creation order; ties in expiry are broken by it (determinism)

    // ConnTable bookkeeping: intrusive hash chain, slot generation, the due time of this entry's
    // newest timer-heap record (older records are stale and skipped).
    std::uint32_t hash_next = kNoConn;
    std::uint32_t generation = 0;
    bool hashed = false;
    bool in_use = false;
    // The engine's next-hop caches (like the kernel's per-dest dst cache): toward the real server,
    // and for a NAT connection's replies back toward the client. Each is valid while
    // Host::generation() equals its gen (the routes and neighbours are as they were).
    std::uint16_t out_port = 0xffff;
    std::uint16_t back_port = 0xffff;
    Timestamp heap_due;
    const Neighbour* out_neigh = nullptr;
    std::uint32_t out_gen = 0;
    std::uint32_t back_gen = 0;
    const Neighbour* back_neigh = nullptr;

    // Per-connection packet counters (in = client->RS, out = RS->client).
    std::uint64_t inpkts = 0, outpkts = 0, inbytes = 0, outbytes = 0;

    FwdMethod fwd() const noexcept { return static_cast<FwdMethod>(flags & kConnFwdMask); }
    bool is_template() const noexcept { return (flags & kConnTemplate) != 0; }
    bool inactive() const noexcept { return (flags & kConnInactive) != 0; }
};

}  // namespace tapvs::core
