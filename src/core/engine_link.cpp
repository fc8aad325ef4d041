// The link layer of the director: ARP (net/ipv4/arp.c arp_process, arp_solicit), what the engine
// does with the neighbour table (neigh.hpp: send, learn, its timers), and frame output.
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "core/engine_impl.hpp"

namespace tapvs::core {

using net::DropReason;

namespace {
constexpr std::size_t kEth = net::kEthHeaderLen;

void write_eth(std::uint8_t* p, const net::MacAddr& dst, const net::MacAddr& src, std::uint16_t type) {
    net::store_mac(p, dst);
    net::store_mac(p + 6, src);
    net::store_be16(p + 12, type);
}
}  // namespace

void Engine::Impl::emit(PortId port, net::ConstBytes frame, const net::Offload* offload) {
    if (port >= e.stats_.ports.size()) e.stats_.ports.resize(std::size_t{port} + 1);
    auto& pc = e.stats_.ports[port];
    ++pc.tx_frames;
    pc.tx_bytes += frame.size();
    if (e.observer_) {
        const auto parsed = net::parse_frame(frame);
        e.observer_->on_tx(port, frame, parsed ? &*parsed : nullptr, now);
    }
    if (offload) out.emit_offloaded(port, frame, *offload, now);
    else out.emit(port, frame, now);
}

void Engine::Impl::arp_request(PortId port, net::Ipv4Addr target, net::Ipv4Addr hint_src) {
    const Port& p = e.host_.port(port);
    // arp_solicit(): the packet's own source when it is ours and arp_announce < 2, else the port's
    // address on the target's subnet (inet_select_addr).
    net::Ipv4Addr spa = hint_src;
    const int announce = e.host_.conf(port, &InterfaceConf::arp_announce, 0);
    PortId on = kNoPort;
    if (hint_src.is_zero() || !e.host_.is_local(hint_src, &on) || announce >= 2 ||
        (announce == 1 && on != port))
        spa = e.host_.source_for(port, target);
    std::array<std::uint8_t, kEth + net::kArpEthIpv4Len> f{};
    write_eth(f.data(), net::MacAddr::broadcast(), p.mac, net::kEtherTypeArp);
    net::ArpView a{net::Bytes{f.data() + kEth, net::kArpEthIpv4Len}};
    a.set_htype(net::kArpHrdEther);
    a.set_ptype(net::kEtherTypeIpv4);
    a.set_hlen(6);
    a.set_plen(4);
    a.set_op(net::kArpOpRequest);
    a.set_sha(p.mac);
    a.set_spa(spa);
    a.set_tha(net::MacAddr{});
    a.set_tpa(target);
    ++e.stats_.arp_requests_sent;
    if (e.observer_) e.observer_->on_arp(port, EngineObserver::ArpEvent::request_sent, target, net::MacAddr{}, now);
    emit(port, f);
}

void Engine::Impl::emit_ip(PortId port, const net::MacAddr& dst, net::FrameBuf& buf, net::Bytes ip) {
    // The frame starts 14 bytes before the packet (the old link header, or headroom).
    const auto delta = (ip.data() - static_cast<std::ptrdiff_t>(kEth)) - buf.data();
    if (!buf.adjust_front(delta) || !buf.resize(kEth + ip.size()))
        return drop(port, ip, DropReason::no_headroom);
    write_eth(buf.data(), dst, e.host_.port(port).mac, net::kEtherTypeIpv4);
    emit_frame(port, buf);
}

namespace {
template <class F>
struct SegmentTo final : net::SegmentSink {
    F& f;
    explicit SegmentTo(F& fn) : f(fn) {}
    void segment(net::Bytes frame) override { f(net::ConstBytes{frame}); }
};
}  // namespace

template <class F>
void Engine::Impl::for_each_wire_frame(PortId port, net::FrameBuf& buf, F&& f) {
    if (buf.offload.gso()) {
        // Segments no bigger than the port's MTU: where the kernel would fragment segments that are
        // too big (ip_finish_output_gso, e.g. after a tunnel header), tapvs cuts smaller ones.
        SegmentTo<F> sink{f};
        const auto mtu = static_cast<std::size_t>(e.host_.port(port).mtu);
        if (net::segment_tcp4(buf.bytes(), buf.offload, net::Bytes{e.segments_}, sink, mtu) == 0)
            drop(port, buf.bytes(), DropReason::offload_unsupported);
        return;
    }
    if (!net::complete_checksum(buf.bytes(), buf.offload)) return drop(port, buf.bytes(), DropReason::offload_unsupported);
    f(net::ConstBytes{buf.bytes()});
}

void Engine::Impl::emit_frame(PortId port, net::FrameBuf& buf) {
    if (!buf.offload.any()) return emit(port, buf.bytes());
    const bool tunnelled = buf.size() > kEth + 9 && buf.data()[kEth + 9] == net::kIpProtoIpip;
    if (out.takes_offloads() && !tunnelled) return emit(port, buf.bytes(), &buf.offload);
    for_each_wire_frame(port, buf, [&](net::ConstBytes seg) { emit(port, seg); });
}

void Engine::Impl::send_ip(PortId port, net::Ipv4Addr nexthop, net::FrameBuf& buf, net::Bytes ip) {
    NeighTable& neigh = e.host_.neigh();
    Neighbour* n = neigh.find(port, nexthop);
    if (n && n->resolved()) return emit_ip(port, n->mac, buf, ip);
    // Unresolved: the packet waits as a frame (its link header to be filled in, so it can be parsed
    // again) with its offload state, and ARP asks unless it already is.
    if (!n) n = &neigh.create(port, nexthop);
    const auto delta = (ip.data() - static_cast<std::ptrdiff_t>(kEth)) - buf.data();
    if (!buf.adjust_front(delta) || !buf.resize(kEth + ip.size()))
        return drop(port, ip, DropReason::no_headroom);
    write_eth(buf.data(), net::MacAddr{}, e.host_.port(port).mac, net::kEtherTypeIpv4);
    const bool ask = neigh.enqueue(*n, buf.bytes(), buf.offload, now, [&](net::ConstBytes oldest) {
        drop(port, oldest, DropReason::neigh_queue_full);
    });
    if (ask) arp_request(port, nexthop, net::ConstIpv4View{net::ConstBytes{ip.data(), ip.size()}}.src());
}

// neigh_update(): a new link-layer address; packets waiting for it leave now.
void Engine::Impl::neigh_learn(PortId port, net::Ipv4Addr addr, const net::MacAddr& mac, bool create) {
    NeighTable& neigh = e.host_.neigh();
    Neighbour* n = neigh.find(port, addr);
    if (!n) {
        if (!create) return;
        n = &neigh.create(port, addr);
    }
    if (n->state == NeighState::permanent) return;
    if (neigh.update(*n, mac) && e.observer_)
        e.observer_->on_arp(port, EngineObserver::ArpEvent::learned, addr, mac, now);
    const net::MacAddr own = e.host_.port(port).mac;
    for (Neighbour::Waiting& w : neigh.take_queue(*n)) {
        write_eth(w.frame.data(), mac, own, net::kEtherTypeIpv4);
        net::FrameBuf frame{net::Bytes{w.frame}, 0, w.frame.size()};
        frame.offload = w.offload;
        emit_frame(port, frame);
    }
}

// arp_process()
void Engine::Impl::arp_in(PortId in, net::FrameBuf& buf, const net::ParsedFrame& pf) {
    Host& host = e.host_;
    net::Bytes frame = buf.bytes();
    net::ArpView a = pf.arp(frame);
    const net::Ipv4Addr sip = a.spa();
    const net::Ipv4Addr tip = a.tpa();
    if (a.op() != net::kArpOpRequest && a.op() != net::kArpOpReply) return drop(in, frame, DropReason::arp_unsupported);
    if (sip.is_multicast() || sip.is_loopback() || tip.is_multicast() || tip.is_loopback())
        return drop(in, frame, DropReason::arp_not_for_us);

    // Would this host answer for `tip` on this port? arp_ignore 0: any local address; 1: only
    // addresses configured on the receiving port; 2: and the sender on that address's subnet.
    PortId owner = kNoPort;
    bool ours = !tip.is_zero() && host.is_local(tip, &owner) && owner != kNoPort;
    const Port& p = host.port(in);
    if (ours) {
        const int ignore = host.conf(in, &InterfaceConf::arp_ignore, 0);
        if (ignore >= 1 && owner != in) ours = false;
        if (ours && ignore == 2) {
            bool same_subnet = false;
            for (const auto& pa : p.addrs)
                if (pa.addr == tip && pa.contains(sip)) same_subnet = true;
            ours = same_subnet;
        }
        if (ignore >= 3) ours = false;
    }
    if (a.op() == net::kArpOpRequest && ours) {
        if (!sip.is_zero()) neigh_learn(in, sip, a.sha(), true);
        // The reply, in place: swap the ends, our MAC as sender.
        const net::MacAddr requester = a.sha();
        a.set_op(net::kArpOpReply);
        a.set_tha(requester);
        a.set_tpa(sip);
        a.set_sha(p.mac);
        a.set_spa(tip);
        std::uint8_t* arp_start = frame.data() + pf.l3_off;
        const auto delta = (arp_start - static_cast<std::ptrdiff_t>(kEth)) - buf.data();
        buf.adjust_front(delta);
        buf.resize(kEth + net::kArpEthIpv4Len);
        write_eth(buf.data(), requester, p.mac, net::kEtherTypeArp);
        ++e.stats_.arp_replies_sent;
        if (e.observer_) e.observer_->on_arp(in, EngineObserver::ArpEvent::reply_sent, tip, requester, now);
        return emit(in, buf.bytes());
    }
    // Replies and others' requests only refresh an entry we already have (arp_accept = 0).
    if (!sip.is_zero()) neigh_learn(in, sip, a.sha(), false);
    if (a.op() == net::kArpOpRequest) drop(in, frame, DropReason::arp_not_for_us);
}

// neigh_timer_handler(): retransmit ARP requests; after mcast_solicit of them the neighbour fails
// and every packet waiting for it is dropped with an ICMP host unreachable to its sender.
void Engine::Impl::neigh_timers() {
    e.host_.neigh().expire(
        now, [&](const Neighbour& n) { arp_request(n.port, n.addr, n.waiting_source()); },
        [&](const Neighbour& n, std::deque<Neighbour::Waiting> waiting) {
            if (e.observer_) e.observer_->on_arp(n.port, EngineObserver::ArpEvent::failed, n.addr, net::MacAddr{}, now);
            for (auto& w : waiting) {
                net::ConstBytes frame{w.frame};
                auto parsed = net::parse_frame(frame);
                if (parsed) icmp_error(frame, *parsed, net::kIcmpDestUnreach, net::kIcmpHostUnreach);
                drop(n.port, frame.subspan(kEth), DropReason::neigh_unresolved);
            }
        });
}

}  // namespace tapvs::core
