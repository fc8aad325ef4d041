// The report's ladder: hops from the captures of the nodes that sent them, grouped into packets,
// the director's rewrites marked, lost frames noticed, long connections cut in the middle.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "tapvs/lab/ladder.hpp"
#include "tapvs/lab/report.hpp"

using namespace tapvs;
using lab::CapturePoint;
using lab::FrameFact;

namespace {

net::MacAddr mac(std::uint8_t last) { return net::MacAddr{{0x02, 0, 0, 0, 0, last}}; }
net::Ipv4Addr ip(const char* s) { return *net::Ipv4Addr::parse(s); }

const auto kClient = ip("192.168.1.50"), kVip = ip("192.168.1.10"), kRip = ip("172.16.10.100"), kDip = ip("172.16.10.12");
const auto kClientMac = mac(0x50), kOut = mac(0x10), kIn = mac(0x12), kRsMac = mac(0x64), kRouterIn = mac(0x01),
           kRouterOut = mac(0x02);

FrameFact tcp(double t, net::MacAddr from, net::MacAddr to, net::Ipv4Addr src, std::uint16_t sport, net::Ipv4Addr dst,
              std::uint16_t dport, std::uint8_t flags, std::uint32_t seq) {
    FrameFact f;
    f.ts = core::Timestamp::from_seconds(1000 + t);
    f.src_mac = from, f.dst_mac = to;
    f.ipv4 = true, f.proto = 6;
    f.src = src, f.dst = dst, f.sport = sport, f.dport = dport;
    f.tcp_flags = flags, f.seq = seq, f.ack = seq + 1;
    return f;
}

FrameFact ipip(FrameFact inner, net::MacAddr from, net::MacAddr to, net::Ipv4Addr src, net::Ipv4Addr dst) {
    FrameFact f = inner;
    f.src_mac = from, f.dst_mac = to;
    f.inner_src = inner.src, f.inner_dst = inner.dst, f.inner_sport = inner.sport, f.inner_dport = inner.dport;
    f.inner_proto = 6, f.inner_tcp_flags = inner.tcp_flags, f.inner_seq = inner.seq, f.inner_ack = inner.ack;
    f.ipip = true, f.proto = 4, f.src = src, f.dst = dst, f.sport = f.dport = 0, f.tcp_flags = 0, f.seq = f.ack = 0;
    return f;
}

struct Net {
    CapturePoint client{"client", "eth0", kClientMac, CapturePoint::Saw::both, {}};
    CapturePoint d_out_sent{"director", "eth0", kOut, CapturePoint::Saw::sent, {}};
    CapturePoint d_out_recv{"director", "eth0", kOut, CapturePoint::Saw::received, {}};
    CapturePoint d_in_sent{"director", "eth1", kIn, CapturePoint::Saw::sent, {}};
    CapturePoint d_in_recv{"director", "eth1", kIn, CapturePoint::Saw::received, {}};
    CapturePoint rs1{"rs1", "eth0", kRsMac, CapturePoint::Saw::both, {}};
    CapturePoint router_in{"router", "eth1", kRouterIn, CapturePoint::Saw::both, {}};
    CapturePoint router_out{"router", "eth0", kRouterOut, CapturePoint::Saw::both, {}};

    // A frame on a link, in the sender's and the receiver's captures.
    void link(CapturePoint& from, CapturePoint& to, const FrameFact& f) {
        from.frames.push_back(f);
        FrameFact g = f;
        g.ts = f.ts + std::chrono::microseconds(20);
        to.frames.push_back(g);
    }
    std::vector<CapturePoint> points() const {
        return {client, d_out_sent, d_out_recv, d_in_sent, d_in_recv, rs1, router_in, router_out};
    }
};

const lab::ConnKey kConn{kClient, 40000, 6};

}  // namespace

TEST_CASE("ladder: a NAT connection, the director's address rewrites marked both ways") {
    Net n;
    n.link(n.client, n.d_out_recv, tcp(0.000, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100));
    n.link(n.d_in_sent, n.rs1, tcp(0.001, kIn, kRsMac, kClient, 40000, kRip, 80, 0x02, 100));
    n.link(n.rs1, n.d_in_recv, tcp(0.002, kRsMac, kIn, kRip, 80, kClient, 40000, 0x12, 500));
    n.link(n.d_out_sent, n.client, tcp(0.003, kOut, kClientMac, kVip, 80, kClient, 40000, 0x12, 500));
    // another connection's frames are not drawn
    n.link(n.client, n.d_out_recv, tcp(0.0015, kClientMac, kOut, kClient, 40001, kVip, 80, 0x02, 7));

    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    REQUIRE(l.nodes == std::vector<std::string>{"client", "director", "rs1"});
    REQUIRE(l.hops.size() == 4);
    CHECK(l.packets == 2);
    CHECK(l.packets_drawn == 2);
    CHECK(l.elided_after == 0);
    CHECK(l.hops[0].from == 0);
    CHECK(l.hops[0].to == 1);
    CHECK(l.hops[1].to == 2);
    CHECK(l.hops[0].packet == 1);
    CHECK(l.hops[1].packet == 1);
    CHECK(l.hops[2].packet == 2);
    CHECK(l.hops[3].packet == 2);
    CHECK_FALSE(l.hops[0].reply);
    CHECK(l.hops[2].reply);
    CHECK((l.hops[1].new_dst && !l.hops[1].new_src && !l.hops[1].new_dst_mac));  // masq: to the real server
    CHECK((l.hops[3].new_src && !l.hops[3].new_dst));                           // and back from the VIP
    CHECK_FALSE(l.hops[2].new_src);  // the real server's own reply: nothing the director did
    CHECK(l.hops[0].t == 0.0);
    CHECK(l.hops[3].t == Approx(0.003));
    for (const auto& h : l.hops) CHECK_FALSE(h.lost);
}

TEST_CASE("ladder: DR replies drawn through the router, the director changing only the MAC") {
    Net n;
    n.link(n.client, n.d_out_recv, tcp(0.000, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100));
    n.link(n.d_in_sent, n.rs1, tcp(0.001, kIn, kRsMac, kClient, 40000, kVip, 80, 0x02, 100));
    n.link(n.rs1, n.router_in, tcp(0.002, kRsMac, kRouterIn, kVip, 80, kClient, 40000, 0x12, 500));
    n.link(n.router_out, n.client, tcp(0.003, kRouterOut, kClientMac, kVip, 80, kClient, 40000, 0x12, 500));

    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    REQUIRE(l.nodes == std::vector<std::string>{"client", "router", "director", "rs1"});
    REQUIRE(l.hops.size() == 4);
    CHECK(l.hops[1].new_dst_mac);
    CHECK_FALSE(l.hops[1].new_dst);
    CHECK(l.nodes[l.hops[2].to] == "router");
    CHECK(l.nodes[l.hops[3].from] == "router");
    CHECK(l.hops[3].packet == l.hops[2].packet);  // the router passed the reply on
    CHECK_FALSE(l.hops[3].new_src);              // not the director: no rewrite marked
}

TEST_CASE("ladder: TUN's new outer header marked, the inner packet followed") {
    Net n;
    const FrameFact syn = tcp(0.000, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100);
    n.link(n.client, n.d_out_recv, syn);
    FrameFact tunnelled = ipip(syn, kIn, kRsMac, kDip, kRip);
    tunnelled.ts = syn.ts + std::chrono::milliseconds(1);
    n.link(n.d_in_sent, n.rs1, tunnelled);

    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    REQUIRE(l.hops.size() == 2);
    CHECK(l.hops[1].packet == 1);
    CHECK(l.hops[1].encapsulated);
    CHECK_FALSE(l.hops[1].new_dst);
    CHECK_FALSE(l.hops[1].new_dst_mac);
    CHECK(l.hops[1].f.l4_dst() == kVip);
}

TEST_CASE("ladder: a frame the receiver's capture does not hold is lost") {
    Net n;
    n.link(n.client, n.d_out_recv, tcp(0.000, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100));
    n.d_in_sent.frames.push_back(tcp(0.001, kIn, kRsMac, kClient, 40000, kRip, 80, 0x02, 100));  // rs1 never saw it

    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    REQUIRE(l.hops.size() == 2);
    CHECK_FALSE(l.hops[0].lost);
    CHECK(l.hops[1].lost);
}

TEST_CASE("ladder: a big frame the receiver got as smaller segments is not lost") {
    Net n;
    FrameFact big = tcp(0.000, kClientMac, kOut, kClient, 40000, kVip, 80, 0x18, 1000);
    big.payload = 4000;  // a sender's capture before segmentation offload
    n.client.frames.push_back(big);
    for (std::uint32_t k = 0; k < 3; ++k) {
        FrameFact piece = tcp(0.0001, kClientMac, kOut, kClient, 40000, kVip, 80, 0x10, 1000 + k * 1448);
        piece.payload = k < 2 ? 1448 : 1104;
        n.d_out_recv.frames.push_back(piece);
    }
    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    REQUIRE(l.hops.size() == 1);
    CHECK_FALSE(l.hops[0].lost);
    CHECK(l.hops[0].note == "arrived in smaller segments");
}

TEST_CASE("ladder: a receiver without a capture is drawn, its frames not called lost") {
    Net n;
    n.rs1.captured = false;  // its pcap is missing: no frames, nothing known
    n.client.frames.push_back(tcp(0.000, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100));
    n.d_out_recv.frames.push_back(tcp(0.0001, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100));
    n.d_in_sent.frames.push_back(tcp(0.001, kIn, kRsMac, kClient, 40000, kRip, 80, 0x02, 100));

    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    REQUIRE(l.hops.size() == 2);
    CHECK(l.nodes.back() == "rs1");
    CHECK_FALSE(l.hops[1].lost);
}

TEST_CASE("ladder: a retransmission is a packet of its own, told apart by its IP ID") {
    Net n;
    FrameFact first = tcp(0.000, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100);
    first.ip_id = 1;
    FrameFact again = tcp(0.200, kClientMac, kOut, kClient, 40000, kVip, 80, 0x02, 100);
    again.ip_id = 2;
    n.link(n.client, n.d_out_recv, first);
    n.link(n.client, n.d_out_recv, again);
    FrameFact fwd = tcp(0.300, kIn, kRsMac, kClient, 40000, kRip, 80, 0x02, 100);  // the first one, late
    fwd.ip_id = 1;
    n.link(n.d_in_sent, n.rs1, fwd);

    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    REQUIRE(l.hops.size() == 3);
    CHECK(l.packets == 2);
    CHECK(l.hops[1].packet == 2);
    CHECK(l.hops[2].packet == 1);  // not the latest identical segment: the one with its IP ID
    CHECK(l.hops[2].new_dst);
}

TEST_CASE("ladder: a long connection keeps its first packets and its last ones") {
    Net n;
    for (int i = 0; i < 20; ++i)
        n.link(n.client, n.d_out_recv,
               tcp(0.01 * i, kClientMac, kOut, kClient, 40000, kVip, 80, 0x10, static_cast<std::uint32_t>(1000 + i)));
    const auto l = lab::build_ladder(n.points(), kConn, "director", 12);
    CHECK(l.packets == 20);
    CHECK(l.packets_drawn == 12);
    CHECK(l.elided_after == 12 - lab::kTailPackets);
    REQUIRE(l.hops.size() == 12);
    CHECK(l.hops[7].packet == 8);
    CHECK(l.hops[8].packet == 17);
    CHECK(l.hops[11].packet == 20);
}

TEST_CASE("report: a directory without a recording is named, nothing written") {
    const auto dir = std::filesystem::temp_directory_path() / ("tapvs-report-test-empty-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string error;
    CHECK_FALSE(lab::write_report(dir.string(), &error));
    CHECK(error.find("lab.json") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "report.html"));
    std::filesystem::remove_all(dir);
}
