// The guide's director, built through the engine's own API: eth0 toward the clients with the VIP
// 192.168.1.10/24, eth1 toward the real servers with the DIP 172.16.10.12/16, real servers
// 172.16.10.100 and 172.16.10.212, a client 192.168.1.50. Neighbours are static unless a test
// wants ARP. Frames the engine emits are captured with their port.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/frame_builder.hpp"
#include "tapvs/core/engine.hpp"
#include "tapvs/net/parse.hpp"

namespace tapvs::test {

struct Sent {
    core::PortId port;
    std::vector<std::uint8_t> frame;
    net::Offload offload{};  // what a sink that takes offloads was handed with the frame
};

// Keeps what the engine sends. With `offloads` it is a sink like a TAP with a virtio header.
class CaptureSink final : public core::PacketSink {
public:
    std::vector<Sent> sent;
    bool offloads = false;
    void emit(core::PortId out, net::ConstBytes frame, core::Timestamp) override {
        sent.push_back(Sent{out, std::vector<std::uint8_t>(frame.begin(), frame.end())});
    }
    bool takes_offloads() const noexcept override { return offloads; }
    void emit_offloaded(core::PortId out, net::ConstBytes frame, const net::Offload& off, core::Timestamp) override {
        sent.push_back(Sent{out, std::vector<std::uint8_t>(frame.begin(), frame.end()), off});
    }
};

struct Guide {
    static inline const net::MacAddr kEth0Mac = mac("02:00:00:00:00:10");
    static inline const net::MacAddr kEth1Mac = mac("02:00:00:00:00:11");
    static inline const net::MacAddr kClientMac = mac("02:00:00:00:00:c1");
    static inline const net::MacAddr kRs1Mac = mac("02:00:00:00:00:a1");
    static inline const net::MacAddr kRs2Mac = mac("02:00:00:00:00:a2");
    static inline const net::MacAddr kRouterMac = mac("02:00:00:00:00:f1");
    static inline const net::Ipv4Addr kVip = ip("192.168.1.10");
    static inline const net::Ipv4Addr kDip = ip("172.16.10.12");
    static inline const net::Ipv4Addr kRip1 = ip("172.16.10.100");
    static inline const net::Ipv4Addr kRip2 = ip("172.16.10.212");
    static inline const net::Ipv4Addr kClient = ip("192.168.1.50");
};

class Director : public Guide {
public:
    core::Engine engine;
    CaptureSink sink;
    core::PortId eth0, eth1;
    core::Timestamp now{core::seconds(1000)};

    explicit Director(bool static_neighbours = true, core::EngineConfig cfg = {}) : engine(cfg) {
        core::Host& h = engine.host();
        eth0 = h.port_id("eth0");
        eth1 = h.port_id("eth1");
        h.edit_port(eth0).mac = kEth0Mac;
        h.edit_port(eth1).mac = kEth1Mac;
        h.edit_port(eth0).up = h.edit_port(eth1).up = true;
        h.edit_port(eth0).addrs.push_back(core::PortAddr{kVip, 24, {}});
        h.edit_port(eth1).addrs.push_back(core::PortAddr{kDip, 16, {}});
        h.refresh_connected_routes();
        h.sysctl().ip_forward = true;
        if (static_neighbours) {
            neighbour(eth0, kClient, kClientMac);
            neighbour(eth1, kRip1, kRs1Mac);
            neighbour(eth1, kRip2, kRs2Mac);
        }
    }

    // ip route add DST/32 via VIA dev PORT
    void host_route(net::Ipv4Addr dst, net::Ipv4Addr via, core::PortId port) {
        core::Route r;
        r.dst = dst;
        r.prefix_len = 32;
        r.via = via;
        r.port = port;
        engine.host().edit_routes().push_back(r);
    }
    void neighbour(core::PortId port, net::Ipv4Addr a, net::MacAddr m) {
        core::Neighbour& n = engine.host().neigh().create(port, a);
        n.mac = m;
        n.state = core::NeighState::permanent;
    }

    // ipvsadm -A -t VIP:port -s sched [-p timeout]
    void service(const std::string& sched, core::Proto proto = core::Proto::tcp, std::uint16_t port = 80,
                 std::uint32_t persistent = 0, std::uint32_t flags = 0) {
        core::ServiceUser u;
        u.key = core::ServiceKey{0, proto, kVip, port};
        u.sched_name = sched;
        u.flags = flags | (persistent ? core::kSvcPersistent : 0);
        u.timeout_s = persistent;
        REQUIRE(engine.ipvs().add_service(u, now) == core::IpvsErr::ok);
    }
    // ipvsadm -a -t VIP:port -r rip:rport -m|-g|-i -w weight
    void real_server(net::Ipv4Addr rip, core::FwdMethod fwd, std::uint16_t rport = 80, int weight = 1,
                     core::Proto proto = core::Proto::tcp, std::uint16_t vport = 80) {
        core::DestUser d;
        d.addr = rip;
        d.port = rport;
        d.fwd = fwd;
        d.weight = weight;
        REQUIRE(engine.ipvs().add_dest(core::ServiceKey{0, proto, kVip, vport}, d, now) == core::IpvsErr::ok);
    }

    // Feeds one frame (with headroom, as the TAP and pcap readers give it) and returns what came out.
    // `off`: the offload state a TAP's virtio header would give it.
    std::vector<Sent> feed(core::PortId in, const std::vector<std::uint8_t>& frame, const net::Offload& off = {}) {
        storage_.assign(net::kFrameHeadroom + frame.size() + 64, 0);
        std::copy(frame.begin(), frame.end(), storage_.begin() + net::kFrameHeadroom);
        net::FrameBuf buf{net::Bytes{storage_}, net::kFrameHeadroom, frame.size()};
        buf.offload = off;
        sink.sent.clear();
        engine.handle(in, buf, now, sink);
        return sink.sent;
    }
    // The same with the frame at the very start of its storage (an adapter that forgot the headroom).
    std::vector<Sent> feed_without_headroom(core::PortId in, const std::vector<std::uint8_t>& frame) {
        storage_.assign(frame.begin(), frame.end());
        net::FrameBuf buf{net::Bytes{storage_}, 0, frame.size()};
        sink.sent.clear();
        engine.handle(in, buf, now, sink);
        return sink.sent;
    }
    std::vector<Sent> advance(double s) {
        now = now + core::Duration{static_cast<std::int64_t>(s * 1e9)};
        sink.sent.clear();
        engine.expire(now, sink);
        return sink.sent;
    }
    std::uint64_t drops(net::DropReason r) const { return engine.stats().drop(r); }

private:
    std::vector<std::uint8_t> storage_;
};

// Every checksum of an emitted frame, verified with the independent oracle (not tapvs's code).
inline void require_layer_checksums(net::ConstBytes f, const net::Ipv4Layer& l) {
    CHECK(oracle::verifies(f.subspan(l.l3_off, l.l3_hdr_len)));
    if (l.is_fragment || !l.l4_parsed) return;
    net::ConstBytes l4 = f.subspan(l.l4_off, l.l4_len);
    const std::uint16_t field = l.protocol == net::kIpProtoUdp ? net::load_be16(l4.data() + 6)
                                : l.protocol == net::kIpProtoTcp ? net::load_be16(l4.data() + 16)
                                : net::load_be16(l4.data() + 2);
    if (l.protocol == net::kIpProtoTcp) CHECK(field == oracle::tcp(l.src.host_order, l.dst.host_order, l4));
    if (l.protocol == net::kIpProtoUdp && field != 0)
        CHECK(field == oracle::udp(l.src.host_order, l.dst.host_order, l4));
    if (l.protocol == net::kIpProtoIcmp) CHECK(field == oracle::icmp(l4));
}
inline void require_checksums(const std::vector<std::uint8_t>& frame) {
    net::ConstBytes f{frame};
    auto pf = net::parse_frame(f);
    REQUIRE(pf.ok());
    if (!pf->is_ipv4()) return;
    require_layer_checksums(f, *pf);
    if (pf->ipip_inner.present) require_layer_checksums(f, pf->ipip_inner);
}

inline std::string hex(const std::vector<std::uint8_t>& b) {
    std::string s;
    static const char* d = "0123456789abcdef";
    for (std::size_t i = 0; i < b.size(); ++i) {
        s += d[b[i] >> 4];
        s += d[b[i] & 15];
        if (i % 16 == 15) s += '\n';
        else s += ' ';
    }
    return s;
}

// Compares frames byte for byte, printing both in hex on a mismatch.
#define REQUIRE_FRAME(actual, expected)                               \
    do {                                                              \
        INFO("actual:\n" << ::tapvs::test::hex(actual));              \
        INFO("expected:\n" << ::tapvs::test::hex(expected));          \
        REQUIRE((actual) == (expected));                              \
    } while (0)

}  // namespace tapvs::test
