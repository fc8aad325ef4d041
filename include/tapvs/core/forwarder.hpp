// The forwarding methods (ip_vs_xmit.c): one Forwarder per FwdMethod, chosen once per connection as
// ip_vs_bind_xmit() does. A forwarder only rewrites the IP packet; routing, TTL, the MTU check,
// neighbours and the link layer are the engine's (the host's) job.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tapvs/core/conn.hpp"
#include "tapvs/net/bytes.hpp"
#include "tapvs/net/checksum.hpp"
#include "tapvs/net/frame_buf.hpp"

namespace tapvs::core {

// What a forwarder needs besides the packet and its connection.
struct XmitInfo {
    net::Ipv4Addr outer_src;               // the director's address toward the real server (TUN)
    net::CsumMode csum = net::CsumMode::full;
    bool pmtu_disc = true;                 // net.ipv4.vs.pmtu_disc: TUN copies DF from the inner header
    std::uint16_t ip_id = 0;               // TUN: the outer header's id (ip_select_ident)
};

class Forwarder {
public:
    virtual ~Forwarder() = default;
    // Bytes the method puts in front of the packet (TUN: an outer IPv4 header), for the MTU check.
    virtual std::size_t overhead() const noexcept { return 0; }

    // Client -> real server. `ip` is the IPv4 packet (header through end) inside `buf`, already
    // validated, TTL already decremented. Returns the packet to send: the same span, or (TUN) one
    // that starts earlier in `buf`. An empty span: no room (never for a FrameBuf with headroom).
    virtual net::Bytes to_real(net::FrameBuf& buf, net::Bytes ip, const Connection& c,
                               const XmitInfo& x) const noexcept = 0;
    // Real server -> client: rewrite a reply (masq only; the others never see replies).
    virtual void to_client(net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept {
        (void)ip, (void)c, (void)x;
    }
};

const Forwarder& forwarder_for(FwdMethod m) noexcept;

// ip_vs_nat_icmp(): an ICMP error quoting a packet of NAT connection `c`. `outbound` (inout=1):
// from the real server's side toward the client (outer source and quoted destination become the
// virtual address, the quoted destination port the virtual port); else from the client toward the
// real server (outer destination and quoted source become the real server's, the quoted source
// port its port). Header checksums and the ICMP checksum are computed in full, as the kernel does.
void nat_icmp(net::Bytes ip, const Connection& c, bool outbound) noexcept;

}  // namespace tapvs::core
