// ip_vs_bind_xmit(): the transmitter a connection's forwarding method selects.
#include "tapvs/core/forwarder.hpp"
#include "core/fwd/methods.hpp"

namespace tapvs::core {

const Forwarder& forwarder_for(FwdMethod m) noexcept {
    static const fwd::Masq masq;
    static const fwd::Tunnel tunnel;
    static const fwd::DRoute droute;
    switch (m) {
        case FwdMethod::masq: return masq;
        case FwdMethod::tunnel: return tunnel;
        case FwdMethod::droute:
        case FwdMethod::local: break;
    }
    return droute;
}

}  // namespace tapvs::core
