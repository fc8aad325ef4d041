// The director: one pure entry point for frames (handle), one for time (expire). It answers ARP
// and ping for its own addresses, resolves neighbours, forwards IPv4 between its ports when
// ip_forward is on, and runs IPVS (schedule, NAT/DR/TUN) on packets for its virtual services.
// No I/O, no clock: frames come in with their timestamp, frames go out through a PacketSink.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tapvs/core/host.hpp"
#include "tapvs/core/ipvs.hpp"
#include "tapvs/net/bytes.hpp"
#include "tapvs/net/drop_reason.hpp"
#include "tapvs/net/frame_buf.hpp"
#include "tapvs/net/parse.hpp"

namespace tapvs::core {

class PacketSink {
public:
    virtual ~PacketSink() = default;
    // A frame out of port `out`, at `when`: the time of the frame or timer that caused it.
    virtual void emit(PortId out, net::ConstBytes frame, Timestamp when) = 0;
    // A sink that writes virtio headers (a TAP opened with IFF_VNET_HDR) takes a frame with its
    // offloads (partial checksum, GSO) as it is. For any other sink the engine completes the
    // checksum and cuts GSO frames into segments first, so emit() only ever sees wire frames.
    virtual bool takes_offloads() const noexcept { return false; }
    virtual void emit_offloaded(PortId out, net::ConstBytes frame, const net::Offload& off, Timestamp when) {
        (void)off;
        emit(out, frame, when);
    }
};

// Events for traces and logs (all optional). Also receives IPVS's events (IpvsObserver).
// A frame comes with parse_frame()'s view of it, or nullptr when parse_frame() refused it: the
// engine's own parse for a received frame, and for a frame sent or dropped one parse made for all
// the observers (only when one is attached), so no observer parses a frame again.
class EngineObserver : public IpvsObserver {
public:
    virtual void on_rx(PortId, net::ConstBytes, const net::ParsedFrame*, Timestamp) {}
    virtual void on_tx(PortId, net::ConstBytes, const net::ParsedFrame*, Timestamp) {}
    virtual void on_drop(PortId, net::ConstBytes, const net::ParsedFrame*, net::DropReason, Timestamp) {}
    // An ARP event: a request sent, a reply sent, a neighbour learned or failed.
    enum class ArpEvent : std::uint8_t { request_sent, reply_sent, learned, failed };
    virtual void on_arp(PortId, ArpEvent, net::Ipv4Addr, const net::MacAddr&, Timestamp) {}
};

// Several observers behind the engine's one pointer, in order.
class ObserverList final : public EngineObserver {
public:
    std::vector<EngineObserver*> list;

    bool wants_reasons() const noexcept override {
        for (const auto* o : list)
            if (o->wants_reasons()) return true;
        return false;
    }
    void on_rx(PortId p, net::ConstBytes f, const net::ParsedFrame* pf, Timestamp t) override {
        for (auto* o : list) o->on_rx(p, f, pf, t);
    }
    void on_tx(PortId p, net::ConstBytes f, const net::ParsedFrame* pf, Timestamp t) override {
        for (auto* o : list) o->on_tx(p, f, pf, t);
    }
    void on_drop(PortId p, net::ConstBytes f, const net::ParsedFrame* pf, net::DropReason r, Timestamp t) override {
        for (auto* o : list) o->on_drop(p, f, pf, r, t);
    }
    void on_arp(PortId p, ArpEvent e, net::Ipv4Addr ip, const net::MacAddr& m, Timestamp t) override {
        for (auto* o : list) o->on_arp(p, e, ip, m, t);
    }
    void on_schedule(const SchedPacket& p, const Decision& d, Timestamp t) override {
        for (auto* o : list) o->on_schedule(p, d, t);
    }
    void on_conn_new(const Connection& c, Timestamp t) override {
        for (auto* o : list) o->on_conn_new(c, t);
    }
    void on_conn_state(const Connection& c, TcpState s, Timestamp t) override {
        for (auto* o : list) o->on_conn_state(c, s, t);
    }
    void on_conn_expire(const Connection& c, Timestamp t) override {
        for (auto* o : list) o->on_conn_expire(c, t);
    }
};

struct PortCounters {
    std::uint64_t rx_frames = 0, rx_bytes = 0, tx_frames = 0, tx_bytes = 0;
};

struct EngineStats {
    std::array<std::uint64_t, net::kDropReasonCount> drops{};
    std::vector<PortCounters> ports;
    std::uint64_t arp_requests_sent = 0, arp_replies_sent = 0, icmp_sent = 0, forwarded = 0;
    std::uint64_t drop_total() const noexcept {
        std::uint64_t n = 0;
        for (auto d : drops) n += d;
        return n;
    }
    std::uint64_t drop(net::DropReason r) const noexcept { return drops[net::index_of(r)]; }
};

struct EngineConfig {
    IpvsConfig ipvs;
    NeighParams neigh{};  // ARP: retransmissions, requests before giving up, packets waiting
};

class Engine {
public:
    explicit Engine(EngineConfig cfg = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // One frame received on `in` at `now`. `frame` must have net::kFrameHeadroom bytes of headroom
    // (TUN prepends a header in place); it is rewritten in place and may be emitted. Its offload
    // state (a TAP's virtio header) is honoured: NAT updates a partial checksum as partial; IPVS
    // does not hold a GSO frame against the MTU (!skb_is_gso) and forwarding checks its segments;
    // what goes out keeps the offload where the sink takes it, else leaves as wire frames, cut to
    // fit the port's MTU.
    void handle(PortId in, net::FrameBuf& frame, Timestamp now, PacketSink& out);
    // Timers due at or before `now`: ARP retransmissions and failures, IPVS connection expiry.
    void expire(Timestamp now, PacketSink& out);
    // The earliest time expire() has work (a default Timestamp when none).
    Timestamp next_timer() const noexcept;

    Ipvs& ipvs() noexcept { return ipvs_; }
    const Ipvs& ipvs() const noexcept { return ipvs_; }
    Host& host() noexcept { return host_; }
    const Host& host() const noexcept { return host_; }
    const EngineStats& stats() const noexcept { return stats_; }
    void set_observer(EngineObserver* o) noexcept {
        observer_ = o;
        ipvs_.set_observer(o);
    }
    const EngineConfig& config() const noexcept { return cfg_; }

private:
    struct Impl;
    friend struct Impl;

    EngineConfig cfg_;
    Ipvs ipvs_;
    Host host_;
    EngineStats stats_;
    EngineObserver* observer_ = nullptr;
    std::vector<std::uint8_t> scratch_;  // frames the engine originates (ICMP errors), preallocated
    std::vector<std::uint8_t> segments_;  // one segment of a GSO frame being cut up, preallocated
    std::uint16_t ip_id_ = 0;            // id of headers the engine makes (ICMP, RST, TUN outer)
};

}  // namespace tapvs::core
