#include "tapvs/core/tcp_state.hpp"

namespace tapvs::core {

namespace {
using S = TcpState;
constexpr S sNO = S::none, sES = S::established, sSS = S::syn_sent, sSR = S::syn_recv, sFW = S::fin_wait,
            sTW = S::time_wait, sCL = S::close, sCW = S::close_wait, sLA = S::last_ack, sLI = S::listen,
            sSA = S::synack;
constexpr int kStates = static_cast<int>(S::last);

// ip_vs_proto_tcp.c tcp_states[]: [direction][syn, fin, ack, rst][current state].
// Columns: sNO sES sSS sSR sFW sTW sCL sCW sLA sLI sSA.
constexpr S kTable[3][4][kStates] = {
    {   // INPUT
        {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR},  // syn
        {sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW},  // fin
        {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},  // ack
        {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR},  // rst
    },
    {   // OUTPUT
        {sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR},
        {sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW},
        {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES},
        {sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL},
    },
    {   // INPUT_ONLY
        {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR},
        {sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW},
        {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},
        {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL},
    },
};

constexpr const char* kNames[kStates] = {"NONE",     "ESTABLISHED", "SYN_SENT", "SYN_RECV",
                                         "FIN_WAIT", "TIME_WAIT",   "CLOSE",    "CLOSE_WAIT",
                                         "LAST_ACK", "LISTEN",      "SYNACK"};
}  // namespace

const std::uint32_t kDefaultTcpTimeouts[kStates] = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120};

TcpState tcp_next_state(TcpState cur, TcpDir dir, TcpFlags f) noexcept {
    // tcp_state_idx(): rst wins, then syn, fin, ack; none of them -> CLOSE.
    int idx = f.rst ? 3 : f.syn ? 0 : f.fin ? 1 : f.ack ? 2 : -1;
    if (idx < 0) return S::close;
    return kTable[static_cast<int>(dir)][idx][static_cast<int>(cur)];
}

const char* tcp_state_name(TcpState s) noexcept {
    int i = static_cast<int>(s);
    return i >= 0 && i < kStates ? kNames[i] : "ERR!";
}

// tcp_state_active(): since "ipvs: count pre-established TCP states as active".
bool tcp_state_active(TcpState s) noexcept {
    return s == S::established || s == S::syn_sent || s == S::syn_recv || s == S::synack;
}

}  // namespace tapvs::core
