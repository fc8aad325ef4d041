// The three forwarding methods ipvsadm can ask for; each is defined in its own file.
#pragma once

#include "tapvs/core/forwarder.hpp"

namespace tapvs::core::fwd {

// -m: ip_vs_nat_xmit() / handle_response() (dnat_handler / snat_handler).
class Masq final : public Forwarder {
public:
    net::Bytes to_real(net::FrameBuf& buf, net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept override;
    void to_client(net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept override;
};

// -g: ip_vs_dr_xmit(): the packet is untouched (but for TTL); only the destination MAC changes.
class DRoute final : public Forwarder {
public:
    net::Bytes to_real(net::FrameBuf& buf, net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept override;
};

// -i: ip_vs_tunnel_xmit(): IP-in-IP (protocol 4) to the real server.
class Tunnel final : public Forwarder {
public:
    static constexpr std::size_t kOuterLen = 20;
    std::size_t overhead() const noexcept override { return kOuterLen; }
    net::Bytes to_real(net::FrameBuf& buf, net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept override;
};

}  // namespace tapvs::core::fwd
