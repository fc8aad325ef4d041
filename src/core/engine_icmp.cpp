// The packets the director's own IP stack answers with: ICMP errors (net/ipv4/icmp.c icmp_send),
// echo replies (icmp_echo / icmp_reply) and TCP resets for segments no socket wants
// (net/ipv4/tcp_ipv4.c tcp_v4_send_reset).
#include <algorithm>
#include <cstring>

#include "core/engine_impl.hpp"

namespace tapvs::core {

using net::DropReason;

namespace {
constexpr std::size_t kEth = net::kEthHeaderLen;
constexpr std::uint8_t kDefaultTtl = 64;             // net.ipv4.ip_default_ttl
constexpr std::size_t kIcmpErrorMax = 576;           // icmp_send(): the error fits in 576 bytes
constexpr std::uint8_t kTosPrecInternetControl = 0xc0;
constexpr std::uint8_t kTosMask = 0x1e;

void write_ipv4(std::uint8_t* p, std::uint8_t tos, std::uint16_t total, std::uint16_t id, bool df, std::uint8_t ttl,
                std::uint8_t proto, net::Ipv4Addr src, net::Ipv4Addr dst) {
    p[0] = 0x45;
    p[1] = tos;
    net::store_be16(p + 2, total);
    net::store_be16(p + 4, id);
    net::store_be16(p + 6, df ? 0x4000 : 0);
    p[8] = ttl;
    p[9] = proto;
    net::store_be16(p + 10, 0);
    net::store_be32(p + 12, src.host_order);
    net::store_be32(p + 16, dst.host_order);
    net::Ipv4View{net::Bytes{p, total}}.recompute_checksum();
}
}  // namespace

void Engine::Impl::send_local(net::FrameBuf& buf, net::Bytes ip) {
    const net::Ipv4Addr dst{net::load_be32(ip.data() + 16)};
    const Route* r = e.host_.route(dst);
    if (!r) return drop(kNoPort, ip, DropReason::no_route);
    send_ip(r->port, r->via ? *r->via : dst, buf, ip);
}

void Engine::Impl::icmp_error(net::ConstBytes frame, const net::ParsedFrame& pf, std::uint8_t type, std::uint8_t code,
                              std::uint32_t rest) {
    const Host& host = e.host_;
    // icmp_send() stays silent about: ICMP errors, non-first fragments, packets to broadcast or
    // multicast, and packets from addresses no one could answer to.
    if (pf.frag_offset != 0) return;
    if (pf.protocol == net::kIpProtoIcmp) {
        // icmp_pointers[].error: only informational messages (echo, timestamp, info, address
        // mask, and their replies) are ever answered with an error.
        if (!pf.l4_parsed) return;
        const std::uint8_t t = frame[pf.l4_off];
        const bool informational = t == 0 || t == 8 || (t >= 13 && t <= 18);
        if (!informational) return;
    }
    if (host.is_local(pf.src)) return;  // about our own packets: delivered locally, nothing on the wire
    if (pf.dst.is_multicast() || host.is_broadcast(pf.dst)) return;
    if (pf.src.is_zero() || pf.src.is_multicast() || pf.src.is_limited_broadcast() || host.is_broadcast(pf.src))
        return;
    const Route* r = host.route(pf.src);
    if (!r) return;

    // Source: the address the packet was sent to when it is ours, else our address toward the sender.
    const net::Ipv4Addr src = host.is_local(pf.dst) ? pf.dst : host.source_for(r->port, pf.src);
    const std::size_t quoted = std::min<std::size_t>(pf.l3_len, kIcmpErrorMax - 20 - net::kIcmpHeaderLen);
    const std::size_t total = 20 + net::kIcmpHeaderLen + quoted;
    std::uint8_t* base = e.scratch_.data();
    std::uint8_t* ip = base + net::kFrameHeadroom + kEth;
    std::uint8_t* icmp = ip + 20;
    icmp[0] = type;
    icmp[1] = code;
    net::store_be16(icmp + 2, 0);
    net::store_be32(icmp + 4, rest);
    std::memcpy(icmp + net::kIcmpHeaderLen, frame.data() + pf.l3_off, quoted);
    net::IcmpView{net::Bytes{icmp, net::kIcmpHeaderLen + quoted}}.recompute_checksum();
    const std::uint8_t tos = static_cast<std::uint8_t>((frame[pf.l3_off + 1] & kTosMask) | kTosPrecInternetControl);
    write_ipv4(ip, tos, static_cast<std::uint16_t>(total), next_ip_id(), false, kDefaultTtl, net::kIpProtoIcmp, src,
               pf.src);
    net::FrameBuf buf{net::Bytes{e.scratch_}, net::kFrameHeadroom, kEth + total};
    ++e.stats_.icmp_sent;
    send_local(buf, net::Bytes{ip, total});
}

// icmp_echo(): the reply is the request with its ends swapped, type 0, a fresh TTL.
void Engine::Impl::icmp_echo_reply(PortId, net::FrameBuf& buf, const net::ParsedFrame& pf) {
    net::Bytes frame = buf.bytes();
    net::Ipv4View iph = pf.ipv4(frame);
    const net::Ipv4Addr client = iph.src();
    const net::Ipv4Addr ours = iph.dst();
    iph.set_src(ours);
    iph.set_dst(client);
    iph.set_ttl(kDefaultTtl);
    iph.set_frag_field(0);
    iph.set_id(next_ip_id());
    pf.icmp(frame).set_type(net::kIcmpEchoReply);
    ++e.stats_.icmp_sent;
    send_local(buf, iph.bytes());
}

void Engine::Impl::tcp_reset(net::ConstBytes frame, const net::ParsedFrame& pf) {
    net::ConstTcpView th = pf.tcp(frame);
    if (th.rst()) return;  // never answer a reset
    if (pf.dst.is_multicast() || e.host_.is_broadcast(pf.dst)) return;
    constexpr std::size_t total = 20 + net::kTcpMinHeaderLen;
    std::uint8_t* ip = e.scratch_.data() + net::kFrameHeadroom + kEth;
    std::uint8_t* t = ip + 20;
    std::memset(t, 0, net::kTcpMinHeaderLen);
    net::store_be16(t, th.dport());
    net::store_be16(t + 2, th.sport());
    if (th.ack()) {
        net::store_be32(t + 4, th.ack_seq());
        t[13] = net::tcp_flags::rst;
    } else {
        const std::size_t len = th.payload().size() + (th.syn() ? 1 : 0) + (th.fin() ? 1 : 0);
        net::store_be32(t + 8, th.seq() + static_cast<std::uint32_t>(len));
        t[13] = net::tcp_flags::rst | net::tcp_flags::ack;
    }
    t[12] = 5 << 4;
    net::TcpView{net::Bytes{t, net::kTcpMinHeaderLen}}.recompute_checksum(pf.dst, pf.src);
    write_ipv4(ip, 0, total, 0, true, kDefaultTtl, net::kIpProtoTcp, pf.dst, pf.src);
    net::FrameBuf buf{net::Bytes{e.scratch_}, net::kFrameHeadroom, kEth + total};
    send_local(buf, net::Bytes{ip, total});
}

}  // namespace tapvs::core
