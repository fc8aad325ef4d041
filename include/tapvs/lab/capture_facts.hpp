// What a lab step's captures hold, frame by frame, in the few fields the checks, the diagnosis and
// the report's ladder diagrams look at. Read with the engine's own parser (net/parse.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tapvs/core/time.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::lab {

struct FrameFact {
    core::Timestamp ts;
    std::size_t len = 0;  // bytes on the wire
    net::MacAddr src_mac, dst_mac;
    bool arp = false;
    std::uint16_t arp_op = 0;  // 1 request, 2 reply
    net::MacAddr arp_sha;
    net::Ipv4Addr arp_spa, arp_tpa;
    bool ipv4 = false;
    net::Ipv4Addr src, dst;  // the outer header for IP-in-IP
    std::uint8_t proto = 0;
    std::uint16_t sport = 0, dport = 0;
    std::uint8_t tcp_flags = 0;
    std::uint16_t ip_id = 0;
    std::uint32_t seq = 0, ack = 0;  // TCP: with ip_id, what stays the same across the director's rewrites
    std::uint32_t payload = 0;       // TCP/UDP/ICMP: the bytes after the L4 header (TCP, UDP) or the IP header
    std::uint8_t icmp_type = 0, icmp_code = 0;
    bool ipip = false;  // protocol 4: the inner packet below
    net::Ipv4Addr inner_src, inner_dst;
    std::uint8_t inner_proto = 0;
    std::uint16_t inner_sport = 0, inner_dport = 0;
    std::uint8_t inner_tcp_flags = 0;
    std::uint16_t inner_ip_id = 0;
    std::uint32_t inner_seq = 0, inner_ack = 0, inner_payload = 0;

    // The transport packet: the inner one of IP-in-IP, else this one.
    net::Ipv4Addr l4_src() const { return ipip ? inner_src : src; }
    net::Ipv4Addr l4_dst() const { return ipip ? inner_dst : dst; }
    std::uint8_t l4_proto() const { return ipip ? inner_proto : proto; }
    std::uint16_t l4_sport() const { return ipip ? inner_sport : sport; }
    std::uint16_t l4_dport() const { return ipip ? inner_dport : dport; }
    std::uint8_t l4_flags() const { return ipip ? inner_tcp_flags : tcp_flags; }
    std::uint32_t l4_seq() const { return ipip ? inner_seq : seq; }
    std::uint32_t l4_ack() const { return ipip ? inner_ack : ack; }
    std::uint32_t l4_payload() const { return ipip ? inner_payload : payload; }
    std::uint16_t l4_ip_id() const { return ipip ? inner_ip_id : ip_id; }
};

// The name of a host interface's capture in OUT/NAME/step-N/ (taken in its namespace). What a
// director port sent and received there is named by the recording (io/recording.hpp).
inline std::string host_capture(const std::string& host, const std::string& iface) { return host + "-" + iface + ".pcap"; }

// The frames of a pcap file (none if it is missing or unreadable; `error` says which).
std::vector<FrameFact> read_facts(const std::string& path, std::string* error = nullptr);

// "SYN", "SYN-ACK", "ACK", "FIN-ACK", "RST", ... from TCP flags.
std::string tcp_flags_text(std::uint8_t flags);

}  // namespace tapvs::lab
