#include "tapvs/net/offload.hpp"

#include <cstring>

#include "tapvs/net/checksum.hpp"
#include "tapvs/net/headers.hpp"

namespace tapvs::net {

namespace {

std::uint16_t load_host16(const std::uint8_t* p) noexcept {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}
void store_host16(std::uint8_t* p, std::uint16_t v) noexcept { std::memcpy(p, &v, 2); }

// Where the headers of a TCP/IPv4 frame lie: up to two IPv4 headers (outer, IP-in-IP inner), TCP.
struct Tcp4Layout {
    std::size_t ip[2] = {0, 0};
    int n_ip = 0;
    std::size_t tcp = 0;
    std::size_t hdr_end = 0;  // first payload byte
};

bool tcp4_layout(ConstBytes f, Tcp4Layout& l) noexcept {
    std::size_t off = kEthHeaderLen;
    if (f.size() < off) return false;
    std::uint16_t type = load_be16(f.data() + 12);
    if (type == kEtherTypeVlan) {
        if (f.size() < off + 4) return false;
        type = load_be16(f.data() + 16);
        off += 4;
    }
    if (type != kEtherTypeIpv4) return false;
    for (;;) {
        if (f.size() < off + 20 || l.n_ip == 2) return false;
        const std::uint8_t* ip = f.data() + off;
        const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
        if ((ip[0] >> 4) != 4 || ihl < 20 || f.size() < off + ihl) return false;
        if ((load_be16(ip + 6) & 0x3fff) != 0) return false;  // a fragment
        if (off + load_be16(ip + 2) != f.size()) return false;  // the packet fills the frame
        l.ip[l.n_ip++] = off;
        off += ihl;
        if (ip[9] == kIpProtoIpip) continue;
        if (ip[9] != kIpProtoTcp) return false;
        break;
    }
    if (f.size() < off + 20) return false;
    const std::size_t doff = static_cast<std::size_t>(f[off + 12] >> 4) * 4;
    if (doff < 20 || f.size() < off + doff) return false;
    l.tcp = off;
    l.hdr_end = off + doff;
    return true;
}

}  // namespace

Offload read_vnet_hdr(ConstBytes h) noexcept {
    Offload o;
    o.needs_csum = (h[0] & kVnetFlagNeedsCsum) != 0;
    o.gso_type = h[1];
    o.hdr_len = load_host16(h.data() + 2);
    o.gso_size = load_host16(h.data() + 4);
    if (o.needs_csum) {
        o.csum_start = load_host16(h.data() + 6);
        o.csum_offset = load_host16(h.data() + 8);
    }
    return o;
}

void write_vnet_hdr(std::uint8_t* h, const Offload& o) noexcept {
    h[0] = o.needs_csum ? kVnetFlagNeedsCsum : 0;
    h[1] = o.gso() ? o.gso_type : kGsoNone;
    store_host16(h + 2, o.gso() ? o.hdr_len : 0);
    store_host16(h + 4, o.gso() ? o.gso_size : 0);
    store_host16(h + 6, o.needs_csum ? o.csum_start : 0);
    store_host16(h + 8, o.needs_csum ? o.csum_offset : 0);
}

bool complete_checksum(Bytes frame, const Offload& o) noexcept {
    if (!o.needs_csum) return true;
    if (o.csum_start > frame.size() || std::size_t{o.csum_offset} + 2 > frame.size() - o.csum_start) return false;
    csum_complete_partial(frame.subspan(o.csum_start), o.csum_offset);
    return true;
}

std::size_t segment_tcp4(ConstBytes f, const Offload& o, Bytes scratch, SegmentSink& out, std::size_t max_l3,
                         SegmentError* err) noexcept {
    auto fail = [&](SegmentError e) -> std::size_t {
        if (err) *err = e;
        return 0;
    };
    Tcp4Layout l;
    if ((o.gso_type & ~kGsoEcn) != kGsoTcpv4 || !tcp4_layout(f, l)) return fail(SegmentError::not_tcp4);
    std::size_t mss = o.gso_size;
    if (max_l3 != 0) {
        const std::size_t headers = l.hdr_end - l.ip[0];
        mss = max_l3 > headers ? std::min(mss, max_l3 - headers) : 0;
    }
    if (mss == 0) return fail(SegmentError::bad_gso_size);
    if (scratch.size() < l.hdr_end + mss) return fail(SegmentError::no_room);

    const std::size_t payload = f.size() - l.hdr_end;
    const std::size_t n = payload == 0 ? 1 : (payload + mss - 1) / mss;
    const std::uint32_t seq0 = load_be32(f.data() + l.tcp + 4);
    const std::uint8_t flags0 = f[l.tcp + 13];
    constexpr std::uint8_t kFin = 0x01, kPsh = 0x08, kCwr = 0x80;
    std::uint16_t ids[2] = {0, 0};
    for (int i = 0; i < l.n_ip; ++i) ids[i] = load_be16(f.data() + l.ip[i] + 4);

    std::uint8_t* s = scratch.data();
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t from = l.hdr_end + k * mss;
        const std::size_t len = std::min(mss, f.size() - from);
        std::memcpy(s, f.data(), l.hdr_end);
        std::memcpy(s + l.hdr_end, f.data() + from, len);
        const std::size_t total = l.hdr_end + len;
        for (int i = 0; i < l.n_ip; ++i) {
            std::uint8_t* ip = s + l.ip[i];
            const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
            store_be16(ip + 2, static_cast<std::uint16_t>(total - l.ip[i]));
            store_be16(ip + 4, static_cast<std::uint16_t>(ids[i] + k));
            store_be16(ip + 10, 0);
            store_be16(ip + 10, ipv4_header_checksum(ConstBytes{ip, ihl}));
        }
        std::uint8_t* th = s + l.tcp;
        store_be32(th + 4, static_cast<std::uint32_t>(seq0 + k * mss));
        std::uint8_t fl = flags0;
        if (k + 1 < n) fl = static_cast<std::uint8_t>(fl & ~(kFin | kPsh));
        if (k > 0) fl = static_cast<std::uint8_t>(fl & ~kCwr);
        th[13] = fl;
        const std::uint8_t* inner = s + l.ip[l.n_ip - 1];
        const Ipv4Addr src{load_be32(inner + 12)}, dst{load_be32(inner + 16)};
        store_be16(th + 16, 0);
        store_be16(th + 16, tcp_checksum(src, dst, ConstBytes{th, total - l.tcp}));
        out.segment(Bytes{s, total});
    }
    if (err) *err = SegmentError::ok;
    return n;
}

}  // namespace tapvs::net
