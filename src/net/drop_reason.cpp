#include "tapvs/net/drop_reason.hpp"

namespace tapvs::net {

const char* drop_reason_name(DropReason r) noexcept {
    switch (r) {
        case DropReason::eth_too_short: return "eth_too_short";
        case DropReason::vlan_too_short: return "vlan_too_short";
        case DropReason::ethertype_unsupported: return "ethertype_unsupported";
        case DropReason::ipv6_unsupported: return "ipv6_unsupported";
        case DropReason::arp_malformed: return "arp_malformed";
        case DropReason::arp_unsupported: return "arp_unsupported";
        case DropReason::ipv4_too_short: return "ipv4_too_short";
        case DropReason::ipv4_bad_version: return "ipv4_bad_version";
        case DropReason::ipv4_bad_ihl: return "ipv4_bad_ihl";
        case DropReason::ipv4_bad_checksum: return "ipv4_bad_checksum";
        case DropReason::ipv4_bad_total_length: return "ipv4_bad_total_length";
        case DropReason::ipv4_bad_options: return "ipv4_bad_options";
        case DropReason::ipv4_fragment: return "ipv4_fragment";
        case DropReason::tcp_too_short: return "tcp_too_short";
        case DropReason::tcp_bad_offset: return "tcp_bad_offset";
        case DropReason::tcp_bad_checksum: return "tcp_bad_checksum";
        case DropReason::udp_too_short: return "udp_too_short";
        case DropReason::udp_bad_length: return "udp_bad_length";
        case DropReason::udp_bad_checksum: return "udp_bad_checksum";
        case DropReason::icmp_too_short: return "icmp_too_short";
        case DropReason::icmp_bad_checksum: return "icmp_bad_checksum";
        case DropReason::icmp_inner_malformed: return "icmp_inner_malformed";
        case DropReason::ipip_inner_malformed: return "ipip_inner_malformed";
        case DropReason::mac_not_ours: return "mac_not_ours";
        case DropReason::port_down: return "port_down";
        case DropReason::arp_not_for_us: return "arp_not_for_us";
        case DropReason::martian_source: return "martian_source";
        case DropReason::ip_forward_disabled: return "ip_forward_disabled";
        case DropReason::no_route: return "no_route";
        case DropReason::ttl_exceeded: return "ttl_exceeded";
        case DropReason::neigh_unresolved: return "neigh_unresolved";
        case DropReason::neigh_queue_full: return "neigh_queue_full";
        case DropReason::no_headroom: return "no_headroom";
        case DropReason::frag_needed: return "frag_needed";
        case DropReason::local_no_socket: return "local_no_socket";
        case DropReason::icmp_unhandled: return "icmp_unhandled";
        case DropReason::protocol_unsupported: return "protocol_unsupported";
        case DropReason::ipvs_no_dest: return "ipvs_no_dest";
        case DropReason::ipvs_not_syn: return "ipvs_not_syn";
        case DropReason::ipvs_dest_unavailable: return "ipvs_dest_unavailable";
        case DropReason::ipvs_ftpdata_port: return "ipvs_ftpdata_port";
        case DropReason::ipvs_port_zero: return "ipvs_port_zero";
        case DropReason::offload_unsupported: return "offload_unsupported";
        case DropReason::count_: break;
    }
    return "?";
}

const char* drop_reason_text(DropReason r) noexcept {
    switch (r) {
        case DropReason::eth_too_short: return "frame shorter than an Ethernet header (14 bytes)";
        case DropReason::vlan_too_short: return "frame too short for its 802.1Q tag";
        case DropReason::ethertype_unsupported: return "EtherType is neither IPv4 nor ARP (nor one 802.1Q tag)";
        case DropReason::ipv6_unsupported: return "IPv6 is not supported";
        case DropReason::arp_malformed: return "ARP packet truncated or with wrong address lengths";
        case DropReason::arp_unsupported: return "ARP other than an Ethernet/IPv4 request or reply";
        case DropReason::ipv4_too_short: return "fewer bytes than the IPv4 header needs";
        case DropReason::ipv4_bad_version: return "IP version is not 4";
        case DropReason::ipv4_bad_ihl: return "IPv4 header length (ihl) below 5";
        case DropReason::ipv4_bad_checksum: return "IPv4 header checksum is wrong";
        case DropReason::ipv4_bad_total_length: return "IPv4 total length beyond the frame or below the header";
        case DropReason::ipv4_bad_options: return "IPv4 options malformed (option length out of bounds)";
        case DropReason::ipv4_fragment: return "IPv4 fragment (reassembly not supported)";
        case DropReason::tcp_too_short: return "fewer bytes than a TCP header (20)";
        case DropReason::tcp_bad_offset: return "TCP data offset below 5 or beyond the segment";
        case DropReason::tcp_bad_checksum: return "TCP checksum is wrong";
        case DropReason::udp_too_short: return "fewer bytes than a UDP header (8)";
        case DropReason::udp_bad_length: return "UDP length below 8 or beyond the IP payload";
        case DropReason::udp_bad_checksum: return "UDP checksum is wrong";
        case DropReason::icmp_too_short: return "fewer bytes than an ICMP header (8)";
        case DropReason::icmp_bad_checksum: return "ICMP checksum is wrong";
        case DropReason::icmp_inner_malformed: return "ICMP error quotes a truncated or invalid IPv4 packet";
        case DropReason::ipip_inner_malformed: return "IP-in-IP inner packet truncated or invalid";
        case DropReason::mac_not_ours: return "destination MAC is not ours (nor broadcast)";
        case DropReason::port_down: return "the port is down";
        case DropReason::arp_not_for_us: return "ARP request for an address we do not own";
        case DropReason::martian_source: return "martian source address";
        case DropReason::ip_forward_disabled: return "not for us and IP forwarding is disabled";
        case DropReason::no_route: return "no route to the destination";
        case DropReason::ttl_exceeded: return "TTL exceeded in transit";
        case DropReason::neigh_unresolved: return "next hop did not answer ARP";
        case DropReason::neigh_queue_full: return "too many packets waiting for ARP resolution";
        case DropReason::no_headroom: return "no room in the frame buffer for the header to add";
        case DropReason::frag_needed: return "packet larger than the MTU with DF set";
        case DropReason::local_no_socket: return "for us, but nothing listens (no local socket)";
        case DropReason::icmp_unhandled: return "ICMP message not handled";
        case DropReason::protocol_unsupported: return "IP protocol not supported";
        case DropReason::ipvs_no_dest: return "IPVS: no destination available";
        case DropReason::ipvs_not_syn: return "IPVS: no connection and not a SYN";
        case DropReason::ipvs_dest_unavailable: return "IPVS: the connection's real server was removed";
        case DropReason::ipvs_ftpdata_port: return "IPVS: client port 20 (FTP data) is never scheduled";
        case DropReason::ipvs_port_zero: return "IPVS: port-zero service is not persistent";
        case DropReason::offload_unsupported: return "GSO frame tapvs cannot cut into segments (only TCP over IPv4)";
        case DropReason::count_: break;
    }
    return "?";
}

std::optional<DropReason> drop_reason_from_name(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
        const auto r = static_cast<DropReason>(i);
        if (name == drop_reason_name(r)) return r;
    }
    return std::nullopt;
}

}  // namespace tapvs::net
