// The director's receive path: Ethernet -> ARP or IPv4; IPv4 to a local address -> IPVS (LOCAL_IN:
// ip_vs_in, ip_vs_in_icmp) or the host itself; other IPv4 -> forwarding (ip_forward) with IPVS's
// reply hook for NAT (FORWARD: ip_vs_out, ip_vs_out_icmp).
#include "core/engine_impl.hpp"

#include <optional>

namespace tapvs::core {

using net::DropReason;

namespace {
// The flags set_tcp_state() reads, or nullptr for a packet that is not TCP.
const TcpFlags* tcp_flags_of(const net::ParsedFrame& pf, net::ConstBytes frame, TcpFlags& out) noexcept {
    if (!pf.is_tcp()) return nullptr;
    const net::ConstTcpView th = pf.tcp(frame);
    out = TcpFlags{th.syn(), th.ack(), th.fin(), th.rst()};
    return &out;
}

// The IP length the MTU check sees: a GSO frame's segments (skb_gso_validate_network_len), else the packet.
std::size_t wire_l3_len(const net::ParsedFrame& pf, net::ConstBytes frame, const net::Offload& off) noexcept {
    if (!off.gso() || !pf.is_tcp()) return pf.l3_len;
    const std::size_t headers = pf.l4_off - pf.l3_off + pf.tcp(frame).header_len();
    return std::min<std::size_t>(pf.l3_len, headers + off.gso_size);
}
}  // namespace

Engine::Engine(EngineConfig cfg) : cfg_(cfg), ipvs_(cfg.ipvs), host_(cfg.neigh) {
    scratch_.resize(net::kFrameHeadroom + 14 + 576 + 64);
    segments_.resize(std::size_t{65536} + 64);
}

Engine::~Engine() = default;

void Engine::handle(PortId in, net::FrameBuf& frame, Timestamp now, PacketSink& out) {
    Impl x{*this, out, now};
    x.rx_csum_partial = frame.offload.needs_csum;
    const Timestamp due = next_timer();
    if (due != Timestamp{} && due <= now) expire(now, out);
    if (in >= stats_.ports.size()) stats_.ports.resize(std::size_t{in} + 1);
    auto& pc = stats_.ports[in];
    ++pc.rx_frames;
    pc.rx_bytes += frame.size();
    // One parse serves the observers and the receive path (parsing reads the frame only).
    const auto parsed = net::parse_frame(frame.bytes());
    if (observer_) observer_->on_rx(in, frame.bytes(), parsed ? &*parsed : nullptr, now);
    x.receive(in, frame, parsed);
}

// Every timer fires at its own deadline, in order: the IPVS ones (connections, the dest trash, the
// schedulers') and the neighbours' (ARP retransmissions and failures), even when `now` jumps past
// several of them at once, as in a replay across a gap.
void Engine::expire(Timestamp now, PacketSink& out) {
    for (;;) {
        const Timestamp neigh = host_.neigh().next_timer();
        const bool neigh_due = neigh != Timestamp{} && neigh <= now;
        const Timestamp at = neigh_due ? neigh : now;
        ipvs_.expire(at);
        if (!neigh_due) return;
        Impl x{*this, out, at};
        x.neigh_timers();
    }
}

Timestamp Engine::next_timer() const noexcept {
    Timestamp a = ipvs_.next_timer();
    Timestamp b = host_.neigh().next_timer();
    if (a == Timestamp{}) return b;
    if (b == Timestamp{}) return a;
    return std::min(a, b);
}

void Engine::Impl::drop(PortId port, net::ConstBytes frame, DropReason r) {
    ++e.stats_.drops[net::index_of(r)];
    if (!e.observer_) return;
    const auto parsed = net::parse_frame(frame);
    e.observer_->on_drop(port, frame, parsed ? &*parsed : nullptr, r, now);
}

void Engine::Impl::receive(PortId in, net::FrameBuf& buf, const Result<net::ParsedFrame, DropReason>& parsed) {
    const Host& host = e.host_;
    if (in >= host.ports().size() || !host.port(in).up || host.port(in).loopback)
        return drop(in, buf.bytes(), DropReason::port_down);
    if (!parsed) return drop(in, buf.bytes(), parsed.error());
    const net::ParsedFrame& pf = *parsed;
    const net::MacAddr dst = pf.eth(buf.bytes()).dst();
    if (dst != host.port(in).mac && !dst.is_multicast()) return drop(in, buf.bytes(), DropReason::mac_not_ours);
    if (pf.is_arp()) return arp_in(in, buf, pf);
    // A broadcast or multicast frame is not PACKET_HOST: IPVS and forwarding ignore it, and the
    // host has no socket for it (ping to a broadcast is ignored: icmp_echo_ignore_broadcasts).
    if (dst.is_multicast()) return drop(in, buf.bytes(), DropReason::local_no_socket);
    receive_ipv4(in, buf, pf);
}

void Engine::Impl::receive_ipv4(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf) {
    const Host& host = e.host_;
    // fib_validate_source(): a source that is multicast, broadcast, zero, loopback or one of our own
    // addresses is a martian.
    if (pf.src.is_multicast() || pf.src.is_limited_broadcast() || pf.src.is_zero() || pf.src.is_loopback() ||
        host.is_local(pf.src) || host.is_broadcast(pf.src))
        return drop(in, buf.bytes(), DropReason::martian_source);
    if (host.is_local(pf.dst)) return local_in(in, buf, pf);
    if (pf.dst.is_multicast() || host.is_broadcast(pf.dst)) {
        // Broadcast and multicast are for the host only; it has nobody listening (ping to a
        // broadcast address is ignored: icmp_echo_ignore_broadcasts).
        return drop(in, buf.bytes(), DropReason::local_no_socket);
    }
    forward(in, buf, pf);
}

// LOCAL_IN: IPVS first (ip_vs_in), then the host.
void Engine::Impl::local_in(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf) {
    Ipvs& ipvs = e.ipvs_;
    net::ConstBytes frame = buf.bytes();
    if (pf.is_fragment) return drop(in, frame, DropReason::ipv4_fragment);  // no reassembly in tapvs

    if (pf.is_icmp()) {
        if (ipvs_in_icmp(in, buf, pf)) return;
        net::ConstIcmpView icmp = pf.icmp(frame);
        if (icmp.type() == net::kIcmpEcho && !e.host_.sysctl().icmp_echo_ignore_all) {
            if (!icmp.checksum_ok()) return drop(in, frame, DropReason::icmp_bad_checksum);
            return icmp_echo_reply(in, buf, pf);
        }
        return drop(in, frame, DropReason::icmp_unhandled);
    }
    if (!pf.is_tcp() && !pf.is_udp()) {
        // ip_local_deliver_finish(): no handler for this protocol.
        icmp_error(frame, pf, net::kIcmpDestUnreach, net::kIcmpProtUnreach);
        return drop(in, frame, DropReason::protocol_unsupported);
    }

    const Proto proto = pf.is_tcp() ? Proto::tcp : Proto::udp;
    std::uint32_t conn = ipvs.conns().find_in(proto, pf.src, pf.sport, pf.dst, pf.dport);
    const bool syn = pf.is_tcp() && pf.tcp(frame).syn();
    if (conn != kNoConn) {
        // ip_vs_in(): a SYN on an entry in TIME_WAIT/CLOSE may start a new connection (conn_reuse_mode).
        if (syn && ipvs.reuse_for_new_conn(conn, now)) conn = kNoConn;
    }
    if (conn != kNoConn) {
        const Connection& c = ipvs.conns().at(conn);
        if (c.dest && !c.dest->available) {
            // The real server was removed. expire_nodest_conn = 0: drop silently, no timer re-arm;
            // = 1: the entry expires now and the packet is scheduled afresh (ip_vs_in_hook).
            if (!ipvs.sysctl().expire_nodest_conn) return drop(in, frame, DropReason::ipvs_dest_unavailable);
            ipvs.expire_now(conn, now);
            conn = kNoConn;
        } else {
            return ipvs_in(in, buf, pf, conn);
        }
    }

    const std::uint32_t mark =
        e.host_.mark_rules().empty() ? 0 : e.host_.mark_for(in, pf.protocol, pf.src, pf.dst, pf.sport, pf.dport);
    VirtualService* svc = ipvs.service_for(proto, pf.dst, pf.dport, mark);
    if (!svc) return no_socket(in, frame, pf, DropReason::local_no_socket);
    if (pf.is_tcp()) {
        // tcp_conn_schedule(): only a SYN without RST starts a connection (any non-RST with
        // sloppy_tcp); anything else goes on to the local stack, which has no socket for it.
        net::ConstTcpView th = pf.tcp(frame);
        if (th.rst() || !(th.syn() || ipvs.sysctl().sloppy_tcp)) return no_socket(in, frame, pf, DropReason::ipvs_not_syn);
    }
    SchedPacket sp{proto, pf.src, pf.dst, pf.sport, pf.dport};
    const ScheduleStatus st = ipvs.schedule(*svc, sp, now, &conn);
    if (st == ScheduleStatus::ok) return ipvs_in(in, buf, pf, conn);
    // ip_vs_schedule() ignored it (client port 20): NF_ACCEPT, on to the local stack.
    if (st == ScheduleStatus::ftpdata) return no_socket(in, frame, pf, DropReason::ipvs_ftpdata_port);
    const DropReason r = st == ScheduleStatus::no_dest ? DropReason::ipvs_no_dest : DropReason::ipvs_port_zero;
    // ip_vs_leave(): an FTP service passes other ports to the local stack; otherwise ICMP port
    // unreachable, whatever the protocol.
    if (svc->key.port == 21 && pf.dport != 21) return no_socket(in, frame, pf, r);
    icmp_error(frame, pf, net::kIcmpDestUnreach, net::kIcmpPortUnreach);
    drop(in, frame, r);
}

// The host's own stack has no sockets: after checking the checksum (tcp_v4_rcv / __udp4_lib_rcv)
// it answers TCP with a reset and UDP with a port unreachable.
void Engine::Impl::no_socket(PortId in, net::ConstBytes frame, const net::ParsedFrame& pf, DropReason reason) {
    // A partial checksum is not checked: the sender's own kernel vouches for it (CHECKSUM_PARTIAL).
    if (!rx_csum_partial && !net::l4_checksum_ok(pf, frame))
        return drop(in, frame, pf.is_tcp() ? DropReason::tcp_bad_checksum : DropReason::udp_bad_checksum);
    if (pf.is_tcp()) tcp_reset(frame, pf);
    else icmp_error(frame, pf, net::kIcmpDestUnreach, net::kIcmpPortUnreach);
    drop(in, frame, reason);
}

// ip_vs_in() for a packet of connection `conn`: counters and state, then the connection's
// transmitter (ip_vs_nat_xmit / ip_vs_dr_xmit / ip_vs_tunnel_xmit).
void Engine::Impl::ipvs_in(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf, std::uint32_t conn) {
    Ipvs& ipvs = e.ipvs_;
    const Host& host = e.host_;
    net::Bytes frame = buf.bytes();
    TcpFlags flags;
    const TcpFlags* tcp = tcp_flags_of(pf, frame, flags);
    // A one-packet connection is gone after conn_packet(): keep a copy of it; others stay put
    // and keep a next-hop cache (like the kernel's per-dest dst cache).
    Connection& entry = ipvs.conns().at(conn);
    std::optional<Connection> one_packet_copy;
    if (entry.flags & kConnOnePacket) one_packet_copy.emplace(entry);
    const Connection& c = one_packet_copy ? *one_packet_copy : entry;
    Connection* cache = one_packet_copy ? nullptr : &entry;
    ipvs.conn_packet(conn, false, tcp, pf.l3_len, now);

    const Forwarder& fwd = forwarder_for(c.fwd());
    PortId out_port;
    net::Ipv4Addr nexthop;
    const Neighbour* known = cache ? cached_neighbour(cache->out_neigh, cache->out_gen) : nullptr;
    if (known) {
        out_port = cache->out_port;
        nexthop = known->addr;
    } else {
        const Route* r = host.route(c.daddr);
        if (!r) {  // __ip_vs_get_out_rt(): err_unreach -> dst_link_failure(): host unreachable
            icmp_error(frame, pf, net::kIcmpDestUnreach, net::kIcmpHostUnreach);
            return drop(in, frame, DropReason::no_route);
        }
        out_port = r->port;
        // The next hop is the real server itself when it is on-link, else the route's gateway
        // (also for DR: IP_VS_RT_MODE_KNOWN_NH keeps the cached route's gateway).
        nexthop = r->via ? *r->via : c.daddr;
    }
    net::Ipv4View iph = pf.ipv4(frame);
    if (iph.ttl() <= 1) {  // decrement_ttl() comes first
        icmp_error(frame, pf, net::kIcmpTimeExceeded, net::kIcmpExcTtl);
        return drop(in, frame, DropReason::ttl_exceeded);
    }
    iph.decrease_ttl();
    const std::size_t mtu = static_cast<std::size_t>(host.port(out_port).mtu) - fwd.overhead();
    if (!buf.offload.gso() && pf.l3_len > mtu) {
        // ensure_mtu_is_adequate(): DF set -> frag-needed with the MTU (the tunnel's with pmtu_disc;
        // without it the outer header may be fragmented). tapvs does not fragment: too big is dropped.
        // A GSO frame is not checked (!skb_is_gso): its segments are cut to fit on the way out.
        const bool tunnel_nopmtu = fwd.overhead() != 0 && ipvs.sysctl().pmtu_disc == 0;
        if (iph.df() && !tunnel_nopmtu)
            icmp_error(frame, pf, net::kIcmpDestUnreach, net::kIcmpFragNeeded, static_cast<std::uint32_t>(mtu));
        return drop(in, frame, DropReason::frag_needed);
    }
    XmitInfo xi;
    xi.pmtu_disc = ipvs.sysctl().pmtu_disc != 0;
    xi.csum = buf.offload.needs_csum ? net::CsumMode::partial : net::CsumMode::full;
    if (fwd.overhead() != 0) {
        xi.outer_src = host.source_for(out_port, c.daddr);
        xi.ip_id = next_ip_id();
    }
    net::Bytes ip = fwd.to_real(buf, iph.bytes(), c, xi);
    if (ip.empty()) return drop(in, buf.bytes(), DropReason::no_headroom);
    if (send_ip_cached(out_port, nexthop, known, buf, ip) && cache) {  // remember the way, until the tables change
        cache->out_port = out_port;
        cache->out_neigh = e.host_.neigh().find(out_port, nexthop);
        cache->out_gen = host.generation();
    }
}

// ip_vs_in_icmp(): an ICMP error from the client's side about a packet of a connection (the
// quoted packet went from the virtual service to the client). True when IPVS took it.
bool Engine::Impl::ipvs_in_icmp(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf) {
    net::Bytes frame = buf.bytes();
    net::ConstIcmpView icmp = pf.icmp(net::ConstBytes{frame});
    const std::uint8_t type = icmp.type();
    if (type != net::kIcmpDestUnreach && type != net::kIcmpSourceQuench && type != net::kIcmpTimeExceeded)
        return false;
    const net::Ipv4Layer& q = pf.icmp_inner;
    if (!q.present || !q.l4_parsed || (q.protocol != net::kIpProtoTcp && q.protocol != net::kIpProtoUdp))
        return false;
    Ipvs& ipvs = e.ipvs_;
    const Proto proto = q.protocol == net::kIpProtoTcp ? Proto::tcp : Proto::udp;
    // The quoted packet is a reply: from vaddr:vport to caddr:cport.
    const std::uint32_t conn = ipvs.conns().find_in(proto, q.dst, q.dport, q.src, q.sport);
    if (conn == kNoConn) return false;
    if (!icmp.checksum_ok()) {
        drop(in, frame, DropReason::icmp_bad_checksum);
        return true;
    }
    const Connection& c = ipvs.conns().at(conn);
    ipvs.conn_icmp_stats(conn, false, pf.l3_len);  // ip_vs_in_stats(); no state change, no timer
    const Forwarder& fwd = forwarder_for(c.fwd());
    const Route* r = e.host_.route(c.daddr);
    if (!r) {
        drop(in, frame, DropReason::no_route);
        return true;
    }
    net::Ipv4View iph = pf.ipv4(frame);
    if (iph.ttl() <= 1) {
        drop(in, frame, DropReason::ttl_exceeded);  // no ICMP about an ICMP error
        return true;
    }
    iph.decrease_ttl();
    net::Bytes ip = iph.bytes();
    if (c.fwd() == FwdMethod::masq) {
        nat_icmp(ip, c, false);  // ip_vs_icmp_xmit(): translated toward the real server
    } else {
        XmitInfo xi;
        xi.outer_src = e.host_.source_for(r->port, c.daddr);
        xi.pmtu_disc = ipvs.sysctl().pmtu_disc != 0;
        if (fwd.overhead() != 0) xi.ip_id = next_ip_id();
        ip = fwd.to_real(buf, ip, c, xi);
    }
    send_ip(r->port, r->via ? *r->via : c.daddr, buf, ip);
    return true;
}

// ip_forward(): TTL, route, MTU, TTL decrement, then the FORWARD hook where IPVS rewrites NAT replies
// (ip_vs_out / ip_vs_out_icmp), then output.
void Engine::Impl::forward(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf) {
    const Host& host = e.host_;
    Ipvs& ipvs = e.ipvs_;
    net::Bytes frame = buf.bytes();
    if (!host.sysctl().ip_forward) return drop(in, frame, DropReason::ip_forward_disabled);
    // A reply of a NAT connection, which the FORWARD hook rewrites below (ip_vs_out), is looked up
    // first (the lookup changes nothing): its connection remembers the way back to the client.
    std::uint32_t nat_conn = kNoConn;
    if (!pf.is_fragment && (pf.is_tcp() || pf.is_udp())) {
        const Proto proto = pf.is_tcp() ? Proto::tcp : Proto::udp;
        const std::uint32_t conn = ipvs.conns().find_out(proto, pf.src, pf.sport, pf.dst, pf.dport);
        if (conn != kNoConn && ipvs.conns().at(conn).fwd() == FwdMethod::masq) nat_conn = conn;
    }
    Connection* back = nat_conn != kNoConn ? &ipvs.conns().at(nat_conn) : nullptr;  // never a one-packet entry
    PortId out_port;
    net::Ipv4Addr nexthop;
    const Neighbour* known = back ? cached_neighbour(back->back_neigh, back->back_gen) : nullptr;
    if (known) {
        out_port = back->back_port;
        nexthop = known->addr;
    } else {
        // ip_route_input(): no route is found before ip_forward() looks at the TTL.
        const Route* r = host.route(pf.dst);
        if (!r) {
            icmp_error(frame, pf, net::kIcmpDestUnreach, net::kIcmpNetUnreach);
            return drop(in, frame, DropReason::no_route);
        }
        out_port = r->port;
        nexthop = r->via ? *r->via : pf.dst;
    }
    net::Ipv4View iph = pf.ipv4(frame);
    if (iph.ttl() <= 1) {
        icmp_error(frame, pf, net::kIcmpTimeExceeded, net::kIcmpExcTtl);
        return drop(in, frame, DropReason::ttl_exceeded);
    }
    const std::size_t mtu = static_cast<std::size_t>(host.port(out_port).mtu);
    if (wire_l3_len(pf, frame, buf.offload) > mtu) {
        // Too big: with DF an ICMP frag-needed; without it the kernel would fragment, which tapvs
        // does not do (README: not built).
        if (iph.df()) icmp_error(frame, pf, net::kIcmpDestUnreach, net::kIcmpFragNeeded, static_cast<std::uint32_t>(mtu));
        return drop(in, frame, DropReason::frag_needed);
    }
    iph.decrease_ttl();

    // FORWARD hook: a reply of a NAT connection (ip_vs_out): source back to the virtual service.
    if (back) {
        TcpFlags flags;
        const TcpFlags* tcp = tcp_flags_of(pf, frame, flags);
        XmitInfo xi;
        xi.csum = buf.offload.needs_csum ? net::CsumMode::partial : net::CsumMode::full;
        forwarder_for(FwdMethod::masq).to_client(iph.bytes(), *back, xi);
        ipvs.conn_packet(nat_conn, true, tcp, pf.l3_len, now);
    } else if (pf.is_icmp() && pf.icmp_inner.present && pf.icmp_inner.l4_parsed) {
        // ip_vs_out_icmp(): an error from the real server's side about a packet it got from a client.
        const net::Ipv4Layer& q = pf.icmp_inner;
        const std::uint8_t type = pf.icmp(net::ConstBytes{frame}).type();
        if ((type == net::kIcmpDestUnreach || type == net::kIcmpSourceQuench || type == net::kIcmpTimeExceeded) &&
            (q.protocol == net::kIpProtoTcp || q.protocol == net::kIpProtoUdp)) {
            const Proto proto = q.protocol == net::kIpProtoTcp ? Proto::tcp : Proto::udp;
            const std::uint32_t conn = ipvs.conns().find_out(proto, q.dst, q.dport, q.src, q.sport);
            if (conn != kNoConn && ipvs.conns().at(conn).fwd() == FwdMethod::masq) {
                if (!pf.icmp(net::ConstBytes{frame}).checksum_ok())
                    return drop(in, frame, DropReason::icmp_bad_checksum);
                nat_icmp(iph.bytes(), ipvs.conns().at(conn), true);
                ipvs.conn_icmp_stats(conn, true, pf.l3_len);  // handle_response_icmp(): stats only
            }
        }
    }
    ++e.stats_.forwarded;
    if (send_ip_cached(out_port, nexthop, known, buf, iph.bytes()) && back) {  // the way back, until the tables change
        back->back_port = out_port;
        back->back_neigh = e.host_.neigh().find(out_port, nexthop);
        back->back_gen = host.generation();
    }
}

}  // namespace tapvs::core
