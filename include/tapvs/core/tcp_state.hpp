// IPVS's TCP state machine (ip_vs_proto_tcp.c): tcp_states[] and the default tcp_timeouts[].
#pragma once

#include <cstdint>

#include "tapvs/core/conn.hpp"

namespace tapvs::core {

// Which table a packet moves the state by (TCP_DIR_INPUT / _OUTPUT / _INPUT_ONLY).
enum class TcpDir : std::uint8_t { input = 0, output = 1, input_only = 2 };

struct TcpFlags {
    bool syn = false, ack = false, fin = false, rst = false;
};

// The next state for a packet with `flags` in direction `dir` (tcp_state_idx + tcp_states[]).
// A packet with none of SYN/FIN/ACK/RST moves the state to CLOSE, as the kernel does.
TcpState tcp_next_state(TcpState cur, TcpDir dir, TcpFlags flags) noexcept;

// Default timeouts in seconds per state (tcp_timeouts[]): NONE 2, ESTABLISHED 900, SYN_SENT 120,
// SYN_RECV 60, FIN_WAIT 120, TIME_WAIT 120, CLOSE 10, CLOSE_WAIT 60, LAST_ACK 30, LISTEN 120, SYNACK 120.
extern const std::uint32_t kDefaultTcpTimeouts[static_cast<int>(TcpState::last)];

}  // namespace tapvs::core
