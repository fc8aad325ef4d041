// IP protocol numbers that IPVS services use (ip_vs_service.protocol).
#pragma once

#include <cstdint>
#include <string_view>

namespace tapvs::core {

enum class Proto : std::uint8_t { none = 0, icmp = 1, ipip = 4, tcp = 6, udp = 17 };

constexpr std::string_view proto_name(Proto p) noexcept {
    switch (p) {
        case Proto::tcp: return "TCP";
        case Proto::udp: return "UDP";
        case Proto::icmp: return "ICMP";
        case Proto::ipip: return "IPIP";
        case Proto::none: break;
    }
    return "IP";
}

}  // namespace tapvs::core
