// A port of the director (a TAP, or lo) by number: its index in Host::ports().
#pragma once

#include <cstdint>

namespace tapvs::core {

using PortId = std::uint16_t;
inline constexpr PortId kNoPort = 0xffff;

}  // namespace tapvs::core
