// tapvs run's log (stderr): the state changes that matter, always (a neighbour learned, changed or
// unresolved; a service without a real server available), and with -v every frame and decision.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <set>
#include <string>

#include "tapvs/core/engine.hpp"

namespace tapvs::io {

class EventLog final : public core::EngineObserver {
public:
    EventLog(std::ostream& err, const core::Host& host, bool verbose) : err_(err), host_(host), verbose_(verbose) {}

    void on_rx(core::PortId p, net::ConstBytes f, const net::ParsedFrame* pf, core::Timestamp) override;
    void on_tx(core::PortId p, net::ConstBytes f, const net::ParsedFrame* pf, core::Timestamp) override;
    void on_drop(core::PortId p, net::ConstBytes f, const net::ParsedFrame*, net::DropReason r, core::Timestamp) override;
    void on_arp(core::PortId p, ArpEvent e, net::Ipv4Addr ip, const net::MacAddr& mac, core::Timestamp) override;
    void on_schedule(const core::SchedPacket& pkt, const core::Decision& d, core::Timestamp) override;
    void on_conn_new(const core::Connection& c, core::Timestamp) override;
    void on_conn_state(const core::Connection& c, core::TcpState old_state, core::Timestamp) override;
    void on_conn_expire(const core::Connection& c, core::Timestamp) override;

private:
    std::string port(core::PortId p) const;

    std::ostream& err_;
    const core::Host& host_;
    bool verbose_;
    std::map<std::uint64_t, net::MacAddr> known_;  // (port, address) -> the MAC said last
    std::set<std::uint64_t> failed_;               // (port, address) said unresolved
    std::set<const core::VirtualService*> none_;   // services said to have no real server available
};

}  // namespace tapvs::io
