// What a frame is, in values: its Ethernet addresses, then ARP or IPv4 (with IP-in-IP's inner packet
// and an ICMP error's quote), as parse_frame() sees it. One type for everyone who describes frames
// rather than forwarding them: the trace writer's rx/tx/drop records, `tapvs run -v`'s log lines and
// the lab's capture facts. Built from a ParsedFrame the caller already has (the engine hands its
// observers one), so the frame is parsed once; no allocation, no exceptions.
//
//   const net::FrameSummary s = net::summarize(frame, pf);   // pf: nullptr when parse_frame() refused it
//   if (s.ip.present && s.ip.ports) use(s.ip.src, s.ip.sport);
#pragma once

#include <cstddef>
#include <cstdint>

#include "tapvs/net/addr.hpp"
#include "tapvs/net/bytes.hpp"
#include "tapvs/net/parse.hpp"

namespace tapvs::net {

// One IPv4 packet (an Ipv4Layer) in values.
struct PacketSummary {
    bool present = false;
    bool quoted = false;           // an ICMP error's quote: may be cut short
    std::uint8_t protocol = 0;
    Ipv4Addr src, dst;
    bool ports = false;            // TCP or UDP with its header found: sport/dport are set
    std::uint16_t sport = 0, dport = 0;
    bool fragment = false;
    std::uint16_t ip_id = 0;
    bool has_tcp_flags = false;    // TCP with the flags byte present (a quote too)
    std::uint8_t tcp_flags = 0;
    std::uint32_t seq = 0, ack = 0;  // TCP, not a quote
    std::uint32_t payload = 0;     // bytes after the TCP/UDP header, or after the IP header otherwise
    bool has_icmp_type = false;    // ICMP with type and code present
    std::uint8_t icmp_type = 0, icmp_code = 0;
};

struct FrameSummary {
    std::size_t len = 0;           // the bytes given
    bool has_eth = false;          // at least an Ethernet header: the MACs and ethertype are set
    MacAddr src_mac, dst_mac;
    std::uint16_t ethertype = 0;   // the frame's own (before any VLAN tag)
    bool parsed = false;           // parse_frame() accepted it: what follows is set
    bool has_vlan = false;
    std::uint16_t vlan_id = 0;
    bool arp = false;
    std::uint16_t arp_op = 0;      // kArpOpRequest or kArpOpReply
    MacAddr arp_sha, arp_tha;
    Ipv4Addr arp_spa, arp_tpa;
    PacketSummary ip;              // the outer IPv4 packet
    PacketSummary inner;           // protocol 4: the encapsulated packet
    PacketSummary quote;           // an ICMP error: the packet it quotes
    PacketSummary quote_inner;     // ... when that is IP-in-IP: its inner header, best effort
};

PacketSummary summarize(const Ipv4Layer& layer, ConstBytes frame) noexcept;
// `pf` is parse_frame(frame)'s answer, or nullptr when it refused the frame.
FrameSummary summarize(ConstBytes frame, const ParsedFrame* pf) noexcept;
// Parses the frame itself.
FrameSummary summarize(ConstBytes frame) noexcept;

}  // namespace tapvs::net
