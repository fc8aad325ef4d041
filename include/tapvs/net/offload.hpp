// Offloads a TAP with IFF_VNET_HDR hands over with each frame (include/uapi/linux/virtio_net.h,
// struct virtio_net_hdr): a checksum left partial (VIRTIO_NET_HDR_F_NEEDS_CSUM: the TCP/UDP field
// holds the pseudo-header sum; whoever transmits completes it from csum_start) and GSO (one TCP
// "super-frame" up to 64 KiB that stands for several segments of gso_size payload bytes each).
// The header is declared here: <linux/virtio_net.h> does not compile as C++ (MACHINE_NOTES.md).
//
// Also the two ways to turn such a frame into wire frames, as the kernel does when a device cannot
// take the offload: complete the checksum (skb_checksum_help) and segment (tcp_gso_segment /
// inet_gso_segment, also under one IP-in-IP header as ipip_gso_segment). No allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tapvs/net/bytes.hpp"

namespace tapvs::net {

inline constexpr std::size_t kVnetHdrLen = 10;  // sizeof(struct virtio_net_hdr), TUNSETVNETHDRSZ's default

inline constexpr std::uint8_t kVnetFlagNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
inline constexpr std::uint8_t kVnetFlagDataValid = 2;  // VIRTIO_NET_HDR_F_DATA_VALID
inline constexpr std::uint8_t kGsoNone = 0;            // VIRTIO_NET_HDR_GSO_NONE
inline constexpr std::uint8_t kGsoTcpv4 = 1;           // VIRTIO_NET_HDR_GSO_TCPV4
inline constexpr std::uint8_t kGsoUdp = 3;             // VIRTIO_NET_HDR_GSO_UDP
inline constexpr std::uint8_t kGsoTcpv6 = 4;           // VIRTIO_NET_HDR_GSO_TCPV6
inline constexpr std::uint8_t kGsoEcn = 0x80;          // VIRTIO_NET_HDR_GSO_ECN: CWR on the first segment only

// A frame's offload state; offsets count from the frame's first (Ethernet) byte.
struct Offload {
    bool needs_csum = false;
    std::uint16_t csum_start = 0;   // where the L4 checksum's coverage starts
    std::uint16_t csum_offset = 0;  // the field, from csum_start
    std::uint8_t gso_type = kGsoNone;
    std::uint16_t gso_size = 0;     // payload bytes per segment
    std::uint16_t hdr_len = 0;      // Ethernet + IP + TCP header bytes (a hint)

    bool gso() const noexcept { return (gso_type & ~kGsoEcn) != kGsoNone; }
    bool any() const noexcept { return needs_csum || gso(); }
    // The frame's start moved by `delta` bytes (positive: header bytes removed in front).
    void shift(std::ptrdiff_t delta) noexcept {
        if (needs_csum) csum_start = static_cast<std::uint16_t>(csum_start - delta);
        if (gso()) hdr_len = static_cast<std::uint16_t>(hdr_len - delta);
    }
    friend bool operator==(const Offload&, const Offload&) = default;
};

// struct virtio_net_hdr in the host's byte order (a TAP's default, little-endian on the machines
// tapvs runs on): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset.
Offload read_vnet_hdr(ConstBytes hdr) noexcept;  // hdr: kVnetHdrLen bytes
void write_vnet_hdr(std::uint8_t* hdr, const Offload& o) noexcept;

// Completes a partial checksum in place (skb_checksum_help). False when csum_start/csum_offset do
// not lie inside the frame (nothing is written).
bool complete_checksum(Bytes frame, const Offload& o) noexcept;

// Receives the segments of a GSO frame one at a time, each in the segmenter's scratch buffer.
class SegmentSink {
public:
    virtual ~SegmentSink() = default;
    virtual void segment(Bytes frame) = 0;
};

enum class SegmentError : std::uint8_t {
    ok,
    not_tcp4,       // not Ethernet/IPv4(/IPv4)/TCP, or a fragment, or an unsupported gso_type
    bad_gso_size,   // gso_size 0, or max_l3 leaves no room for payload
    no_room,        // scratch smaller than headers + gso_size
};

// Cuts a TCP/IPv4 GSO frame (Ethernet, an optional 802.1Q tag, IPv4, optionally one IP-in-IP
// header inside, TCP) into frames of at most gso_size payload bytes, as tcp_gso_segment does:
// headers copied, each IPv4 header's total length, id (+1 per segment) and checksum set, TCP
// sequence advanced, FIN and PSH only on the last segment, CWR only on the first, and every TCP
// checksum computed in full. With `max_l3` (an MTU) a segment's outer IPv4 packet is at most that
// long: the payload per segment is min(gso_size, what fits). Each segment is built in `scratch` and
// handed to `out`. Returns the number of segments (0 on error, with `err` set and nothing handed out).
std::size_t segment_tcp4(ConstBytes frame, const Offload& o, Bytes scratch, SegmentSink& out,
                         std::size_t max_l3 = 0, SegmentError* err = nullptr) noexcept;

}  // namespace tapvs::net
