#include "tapvs/io/event_log.hpp"

#include <ostream>

#include <fmt/format.h>

#include "tapvs/net/frame_summary.hpp"

namespace tapvs::io {

namespace {

std::string conn(const core::Connection& c) {
    return fmt::format("{} -> {} => {}", net::Endpoint{c.caddr, c.cport}.to_string(),
                       net::Endpoint{c.vaddr, c.vport}.to_string(), net::Endpoint{c.daddr, c.dport}.to_string());
}

// Ethertype and, for IPv4, protocol and addresses: enough to follow a flow by eye.
std::string summary(net::ConstBytes f, const net::ParsedFrame* pf) {
    const net::FrameSummary s = net::summarize(f, pf);
    if (!s.has_eth) return "(runt)";
    if (s.arp) return "ARP";
    if (s.ip.present) return fmt::format("IPv4 proto {} {} -> {}", s.ip.protocol, s.ip.src, s.ip.dst);
    return fmt::format("ethertype 0x{:04x}", s.ethertype);
}

}  // namespace

void EventLog::on_rx(core::PortId p, net::ConstBytes f, const net::ParsedFrame* pf, core::Timestamp) {
    if (verbose_) err_ << fmt::format("rx {} {} bytes {}\n", port(p), f.size(), summary(f, pf));
}

void EventLog::on_tx(core::PortId p, net::ConstBytes f, const net::ParsedFrame* pf, core::Timestamp) {
    if (verbose_) err_ << fmt::format("tx {} {} bytes {}\n", port(p), f.size(), summary(f, pf));
}

void EventLog::on_drop(core::PortId p, net::ConstBytes f, const net::ParsedFrame*, net::DropReason r,
                       core::Timestamp) {
    if (verbose_) err_ << fmt::format("drop {} {} bytes: {}\n", port(p), f.size(), net::drop_reason_name(r));
}

void EventLog::on_arp(core::PortId p, ArpEvent e, net::Ipv4Addr ip, const net::MacAddr& mac, core::Timestamp) {
    const std::uint64_t key = (std::uint64_t{p} << 32) | ip.host_order;
    switch (e) {
        case ArpEvent::learned: {
            failed_.erase(key);
            auto [it, fresh] = known_.try_emplace(key, mac);
            if (fresh || it->second != mac) {
                it->second = mac;
                err_ << fmt::format("tapvs: neighbour {} on {} is at {}\n", ip.to_string(), port(p), mac.to_string());
            } else if (verbose_) {
                err_ << fmt::format("arp {}: {} confirmed at {}\n", port(p), ip.to_string(), mac.to_string());
            }
            break;
        }
        case ArpEvent::failed:
            known_.erase(key);
            if (failed_.insert(key).second)
                err_ << fmt::format("tapvs: neighbour {} on {} unresolved: no ARP reply\n", ip.to_string(), port(p));
            break;
        case ArpEvent::request_sent:
            if (verbose_) err_ << fmt::format("arp {}: who-has {}\n", port(p), ip.to_string());
            break;
        case ArpEvent::reply_sent:
            if (verbose_) err_ << fmt::format("arp {}: {} is-at us, told {}\n", port(p), ip.to_string(), mac.to_string());
            break;
    }
}

void EventLog::on_schedule(const core::SchedPacket& pkt, const core::Decision& d, core::Timestamp) {
    // No real server available is a state worth seeing without -v: once, until one is again.
    const bool none = d.dest == nullptr;
    if (!none) {
        if (!none_.empty()) none_.erase(d.svc);
        if (!verbose_) return;
    } else if (!none_.insert(d.svc).second && !verbose_) {
        return;
    }
    err_ << fmt::format("{}schedule {} {} -> {} => {}\n", verbose_ ? "" : "tapvs: ", core::proto_name(pkt.protocol),
                        net::Endpoint{pkt.saddr, pkt.sport}.to_string(), net::Endpoint{pkt.daddr, pkt.dport}.to_string(),
                        none ? std::string("no real server available") : d.dest->endpoint().to_string());
}

void EventLog::on_conn_new(const core::Connection& c, core::Timestamp) {
    if (verbose_) err_ << fmt::format("conn new {} {}\n", core::proto_name(c.protocol), conn(c));
}

void EventLog::on_conn_state(const core::Connection& c, core::TcpState old_state, core::Timestamp) {
    if (verbose_)
        err_ << fmt::format("conn state {} {}: {} -> {}\n", core::proto_name(c.protocol), conn(c),
                            core::tcp_state_name(old_state), core::tcp_state_name(c.state));
}

void EventLog::on_conn_expire(const core::Connection& c, core::Timestamp) {
    if (verbose_) err_ << fmt::format("conn expire {} {}\n", core::proto_name(c.protocol), conn(c));
}

std::string EventLog::port(core::PortId p) const {
    return p < host_.ports().size() ? host_.ports()[p].name : fmt::format("#{}", p);
}

}  // namespace tapvs::io
