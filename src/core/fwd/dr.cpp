// LVS-DR (droute): ip_vs_dr_xmit(). The IP packet goes out as it came (the engine has decremented
// its TTL); the link layer carries it to the real server's own MAC.
#include "core/fwd/methods.hpp"

namespace tapvs::core::fwd {

net::Bytes DRoute::to_real(net::FrameBuf&, net::Bytes ip, const Connection&, const XmitInfo&) const noexcept {
    return ip;
}

}  // namespace tapvs::core::fwd
