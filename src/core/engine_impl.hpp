// Internal to the engine's three files (engine.cpp: receive and IPVS; engine_link.cpp: ARP,
// neighbours and output; engine_icmp.cpp: the packets the host itself answers with).
#pragma once

#include "tapvs/core/conn_table.hpp"
#include "tapvs/core/engine.hpp"
#include "tapvs/core/forwarder.hpp"
#include "tapvs/net/parse.hpp"

namespace tapvs::core {

// One call's context: built on the stack for each handle()/expire(), no allocation.
struct Engine::Impl {
    Engine& e;
    PacketSink& out;
    Timestamp now;
    bool rx_csum_partial = false;  // the frame being handled came with a partial checksum

    // ---- engine.cpp ----
    void receive(PortId in, net::FrameBuf& buf, const Result<net::ParsedFrame, net::DropReason>& parsed);
    void receive_ipv4(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf);
    void local_in(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf);
    void ipvs_in(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf, std::uint32_t conn);
    bool ipvs_in_icmp(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf);
    void forward(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf);
    void no_socket(PortId in, net::ConstBytes frame, const net::ParsedFrame& pf, net::DropReason reason);
    void drop(PortId port, net::ConstBytes frame, net::DropReason r);

    // ---- engine_link.cpp ----
    void arp_in(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf);
    // Sends the IPv4 packet `ip` (inside `buf`) out of `port` toward `nexthop`: writes the Ethernet
    // header in front of it, or queues it while ARP resolves the next hop.
    void send_ip(PortId port, net::Ipv4Addr nexthop, net::FrameBuf& buf, net::Bytes ip);
    // The same to a known link-layer address: the Ethernet header in front of `ip`, then out.
    void emit_ip(PortId port, const net::MacAddr& dst, net::FrameBuf& buf, net::Bytes ip);
    // A connection's next-hop cache (Connection::out_* toward the real server, back_* toward the
    // client): the neighbour it kept, while the host's tables are as they were; else nullptr.
    const Neighbour* cached_neighbour(const Neighbour* n, std::uint32_t gen) const noexcept {
        return n && gen == e.host_.generation() ? n : nullptr;
    }
    // send_ip(), straight to `known` (a cached neighbour) when it is resolved. True when it went
    // through the neighbour table, so the cache is to be filled (again).
    bool send_ip_cached(PortId port, net::Ipv4Addr nexthop, const Neighbour* known, net::FrameBuf& buf, net::Bytes ip) {
        if (known && known->resolved()) {
            emit_ip(port, known->mac, buf, ip);
            return false;
        }
        send_ip(port, nexthop, buf, ip);
        return true;
    }
    // Counts the frame, tells the observer, hands it to the sink (with `offload`: as it is, to a sink
    // that takes offloads).
    void emit(PortId port, net::ConstBytes frame, const net::Offload* offload = nullptr);
    // A frame in `buf` that may carry offloads: as it is to a sink that takes them (not IP-in-IP:
    // virtio has no GSO type for it), else completed or cut into segments first.
    void emit_frame(PortId port, net::FrameBuf& buf);
    // The frames a GSO frame stands for (or the frame itself, its checksum completed) to `f`.
    template <class F>
    void for_each_wire_frame(PortId port, net::FrameBuf& buf, F&& f);
    void arp_request(PortId port, net::Ipv4Addr target, net::Ipv4Addr hint_src);
    void neigh_learn(PortId port, net::Ipv4Addr addr, const net::MacAddr& mac, bool create);
    void neigh_timers();

    // ---- engine_icmp.cpp ----
    // icmp_send(): an ICMP error about the packet `pf` in `frame`. `rest` fills the second header
    // word (the next-hop MTU for frag-needed).
    void icmp_error(net::ConstBytes frame, const net::ParsedFrame& pf, std::uint8_t type, std::uint8_t code,
                    std::uint32_t rest = 0);
    void icmp_echo_reply(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf);
    // tcp_v4_send_reset(): the answer of a host with no socket for this segment.
    void tcp_reset(net::ConstBytes frame, const net::ParsedFrame& pf);
    // Routes and sends a packet the host made in its scratch buffer.
    void send_local(net::FrameBuf& buf, net::Bytes ip);
    std::uint16_t next_ip_id() noexcept { return e.ip_id_++; }
};

}  // namespace tapvs::core
