// Why a frame was dropped: the ONE list behind every drop counter, trace line and error message in tapvs.
//
// The parse reasons (returned by parse_frame(), net/parse.hpp) come first, up to kLastParseDropReason; the rest
// are decided by the engine (forwarding, neighbour, IPVS). Names are stable snake_case ids used in traces and
// JSON; texts are short human sentences. Adding a reason: append it in the right group, then add its name and
// text in src/net/drop_reason.cpp (the compiler's -Wswitch points at both switches).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tapvs::net {

enum class DropReason : std::uint8_t {
    // --- parse_frame(): Ethernet / ARP ---
    eth_too_short,
    vlan_too_short,
    ethertype_unsupported,
    ipv6_unsupported,
    arp_malformed,
    arp_unsupported,
    // --- parse_frame(): IPv4 (ip_rcv_core(), ip_options_compile()) ---
    ipv4_too_short,
    ipv4_bad_version,
    ipv4_bad_ihl,
    ipv4_bad_checksum,
    ipv4_bad_total_length,
    ipv4_bad_options,
    ipv4_fragment,  // not returned by parse_frame (it flags fragments); for the engine's "fragments not handled"
    // --- parse_frame(): L4 headers (checksums are verified by the engine, see l4_checksum_ok()) ---
    tcp_too_short,
    tcp_bad_offset,
    tcp_bad_checksum,   // engine
    udp_too_short,
    udp_bad_length,
    udp_bad_checksum,   // engine
    icmp_too_short,
    icmp_bad_checksum,  // engine
    icmp_inner_malformed,
    ipip_inner_malformed,
    // --- the engine ---
    mac_not_ours,
    port_down,
    arp_not_for_us,
    martian_source,
    ip_forward_disabled,
    no_route,
    ttl_exceeded,
    neigh_unresolved,
    neigh_queue_full,
    no_headroom,
    frag_needed,
    local_no_socket,
    icmp_unhandled,
    protocol_unsupported,
    ipvs_no_dest,
    ipvs_not_syn,
    ipvs_dest_unavailable,
    ipvs_ftpdata_port,
    ipvs_port_zero,
    offload_unsupported,
    count_
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::count_);
// Every reason parse_frame() can return lies in [eth_too_short, kLastParseDropReason] (ipv4_fragment and the
// three *_bad_checksum L4 reasons sit in that range too but are never returned by parse_frame()).
inline constexpr DropReason kLastParseDropReason = DropReason::ipip_inner_malformed;

constexpr std::size_t index_of(DropReason r) noexcept { return static_cast<std::size_t>(r); }

// Stable snake_case id ("ipv4_bad_checksum"); "?" for values outside the enum.
const char* drop_reason_name(DropReason r) noexcept;
// A short human sentence ("IPv4 header checksum is wrong").
const char* drop_reason_text(DropReason r) noexcept;
// The inverse of drop_reason_name(), for traces read back and for tests.
std::optional<DropReason> drop_reason_from_name(std::string_view name) noexcept;

}  // namespace tapvs::net
