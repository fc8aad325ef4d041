#include <catch2/catch.hpp>

#include "tapvs/core/tcp_state.hpp"

using namespace tapvs::core;

namespace {
constexpr TcpFlags kSyn{true, false, false, false};
constexpr TcpFlags kSynAck{true, true, false, false};
constexpr TcpFlags kAck{false, true, false, false};
constexpr TcpFlags kFinAck{false, true, true, false};
constexpr TcpFlags kRst{false, false, false, true};
constexpr TcpFlags kNone{};
}  // namespace

// Rows of ip_vs_proto_tcp.c tcp_states[] (see IPVS_NOTES.md §3).
TEST_CASE("tcp state: a NAT handshake and close walk the INPUT/OUTPUT tables", "[core][tcp]") {
    TcpState s = TcpState::none;
    s = tcp_next_state(s, TcpDir::input, kSyn);
    CHECK(s == TcpState::syn_recv);
    s = tcp_next_state(s, TcpDir::output, kSynAck);  // SYN bit wins: syn row, sSR -> sSR
    CHECK(s == TcpState::syn_recv);
    s = tcp_next_state(s, TcpDir::input, kAck);
    CHECK(s == TcpState::established);
    s = tcp_next_state(s, TcpDir::input, kFinAck);  // fin row beats ack: sES -> sCW
    CHECK(s == TcpState::close_wait);
    s = tcp_next_state(s, TcpDir::output, kFinAck);  // OUTPUT fin, sCW -> sTW
    CHECK(s == TcpState::time_wait);
    s = tcp_next_state(s, TcpDir::input, kAck);
    CHECK(s == TcpState::time_wait);
}

TEST_CASE("tcp state: DR sees only the client's side (INPUT_ONLY)", "[core][tcp]") {
    TcpState s = tcp_next_state(TcpState::none, TcpDir::input_only, kSyn);
    CHECK(s == TcpState::syn_recv);
    s = tcp_next_state(s, TcpDir::input_only, kAck);
    CHECK(s == TcpState::established);
    s = tcp_next_state(s, TcpDir::input_only, kFinAck);  // INPUT_ONLY: sES + fin -> sFW (INPUT gives sCW)
    CHECK(s == TcpState::fin_wait);
    CHECK(tcp_next_state(TcpState::established, TcpDir::input, kFinAck) == TcpState::close_wait);
    CHECK(tcp_next_state(TcpState::synack, TcpDir::input_only, kRst) == TcpState::close);
    CHECK(tcp_next_state(TcpState::synack, TcpDir::input, kRst) == TcpState::syn_recv);
}

TEST_CASE("tcp state: RST wins over SYN, and a segment with no flags closes", "[core][tcp]") {
    CHECK(tcp_next_state(TcpState::established, TcpDir::input, TcpFlags{true, false, false, true}) ==
          TcpState::close);
    CHECK(tcp_next_state(TcpState::established, TcpDir::input, kNone) == TcpState::close);
    CHECK(tcp_next_state(TcpState::listen, TcpDir::output, kAck) == TcpState::established);
    CHECK(tcp_next_state(TcpState::time_wait, TcpDir::output, kRst) == TcpState::time_wait);
}

TEST_CASE("tcp state: names as ipvsadm -L -c prints them, and which states are active", "[core][tcp]") {
    CHECK(std::string(tcp_state_name(TcpState::established)) == "ESTABLISHED");
    CHECK(std::string(tcp_state_name(TcpState::syn_recv)) == "SYN_RECV");
    CHECK(std::string(tcp_state_name(TcpState::none)) == "NONE");
    CHECK(std::string(tcp_state_name(TcpState::synack)) == "SYNACK");
    CHECK(tcp_state_active(TcpState::syn_recv));
    CHECK(tcp_state_active(TcpState::syn_sent));
    CHECK(tcp_state_active(TcpState::synack));
    CHECK(tcp_state_active(TcpState::established));
    CHECK_FALSE(tcp_state_active(TcpState::fin_wait));
    CHECK_FALSE(tcp_state_active(TcpState::none));
    CHECK_FALSE(tcp_state_active(TcpState::close_wait));
    CHECK(kDefaultTcpTimeouts[static_cast<int>(TcpState::established)] == 900);
    CHECK(kDefaultTcpTimeouts[static_cast<int>(TcpState::syn_recv)] == 60);
    CHECK(kDefaultTcpTimeouts[static_cast<int>(TcpState::close)] == 10);
    CHECK(kDefaultTcpTimeouts[static_cast<int>(TcpState::none)] == 2);
}
