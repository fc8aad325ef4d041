// Golden frames for frames that come with offloads (a TAP with IFF_VNET_HDR: a partial checksum,
// GSO super-frames): what leaves for a sink that takes offloads (the frame as it is, its virtio state
// with it) and for one that does not (completed checksums, TCP segments). Expected frames are built
// independently by FrameBuilder (checksums from the test oracle) and compared byte for byte.
#include "golden/director_fixture.hpp"

using namespace tapvs;
using namespace tapvs::test;
using core::FwdMethod;
using net::DropReason;
using net::Offload;
using V = std::vector<std::uint8_t>;

namespace {

const Offload kPartial{true, 34, 16};                               // CHECKSUM_PARTIAL, TCP after 14 + 20
const Offload kTso{true, 34, 16, net::kGsoTcpv4, 1448, 54};         // a TSO super-frame, MSS 1448

V pattern(std::size_t n) {
    V v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>((i * 7 + 3) % 251);
    return v;
}
V slice(const V& v, std::size_t from, std::size_t len) {
    return V(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(from + len));
}
std::uint16_t be16(const V& f, std::size_t off) { return static_cast<std::uint16_t>((f.at(off) << 8) | f.at(off + 1)); }

FrameBuilder client_syn(std::uint16_t vport = 80) {
    FrameBuilder b;
    b.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip).ttl(64).id(0x1234).df()
        .tcp(40000, vport, tcp_flags::syn).seq(1000).window(64240);
    return b;
}

// The client's data after the handshake: ACK|PSH, seq 1001, `payload`; `partial`: as a TAP hands it over.
FrameBuilder client_data(const V& payload, bool partial = true) {
    FrameBuilder b;
    b.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip).ttl(64).id(0x1235).df()
        .tcp(40000, 80, tcp_flags::ack | tcp_flags::psh).seq(1001).ack_seq(5001).window(502).payload(payload);
    if (partial) b.partial_l4_checksum();
    return b;
}

// Segment k of client_data(payload) as NAT sends it to RS1:8080 (full checksum).
V nat_segment(const V& payload, std::size_t from, std::size_t len, std::size_t k, bool last) {
    return FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
        .id(static_cast<std::uint16_t>(0x1235 + k)).df()
        .tcp(40000, 8080, last ? (tcp_flags::ack | tcp_flags::psh) : tcp_flags::ack)
        .seq(static_cast<std::uint32_t>(1001 + from)).ack_seq(5001).window(502).payload(slice(payload, from, len))
        .build();
}

// Completes a partial L4 checksum the way a NIC does, with the oracle only: the sum of the bytes from
// csum_start on (the field holding the pseudo-header sum) goes into the field.
V oracle_complete(V f, const Offload& o) {
    const std::span<const std::uint8_t> l4{f.data() + o.csum_start, f.size() - o.csum_start};
    const std::uint16_t c = oracle::checksum(l4);
    f.at(o.csum_start + o.csum_offset) = static_cast<std::uint8_t>(c >> 8);
    f.at(o.csum_start + o.csum_offset + 1) = static_cast<std::uint8_t>(c);
    return f;
}

void nat_rs1(Director& d) {
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq, 8080);
}

}  // namespace

// ---- (a), (b): a partial checksum through NAT -------------------------------------------------------

TEST_CASE("offload: a partial-checksum SYN through NAT leaves complete for a sink without offloads",
          "[golden][offload][nat]") {
    Director d;
    nat_rs1(d);
    auto out = d.feed(d.eth0, client_syn().partial_l4_checksum().build(), kPartial);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    CHECK(out[0].offload == Offload{});
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
                        .id(0x1234).df().tcp(40000, 8080, tcp_flags::syn).seq(1000).window(64240).build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

TEST_CASE("offload: a partial-checksum SYN through NAT stays partial for a sink that takes offloads",
          "[golden][offload][nat]") {
    Director d;
    d.sink.offloads = true;
    nat_rs1(d);
    auto out = d.feed(d.eth0, client_syn().partial_l4_checksum().build(), kPartial);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    CHECK(out[0].offload == Offload{true, 34, 16, net::kGsoNone, 0, 0});
    // The field: the pseudo-header sum over (client, RIP, 6, 20), folded, uncomplemented.
    CHECK(be16(out[0].frame, 50) ==
          oracle::pseudo_partial(Guide::kClient.host_order, Guide::kRip1.host_order, 6, 20));
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
                        .id(0x1234).df().tcp(40000, 8080, tcp_flags::syn).seq(1000).window(64240)
                        .partial_l4_checksum().build();
    REQUIRE_FRAME(out[0].frame, expected);
    CHECK(oracle::verifies(std::span<const std::uint8_t>{out[0].frame.data() + 14, 20}));  // IP header: full
    // Completing it yields the right checksum.
    require_checksums(oracle_complete(out[0].frame, out[0].offload));
}

// ---- (c): a GSO super-frame on an established NAT connection ---------------------------------------

TEST_CASE("offload: a TSO super-frame through NAT is cut into valid segments for a sink without offloads",
          "[golden][offload][nat][gso]") {
    Director d;
    nat_rs1(d);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    const V payload = pattern(3000);
    const V super = client_data(payload).build();
    REQUIRE(super.size() == 3054);
    auto out = d.feed(d.eth0, super, kTso);
    REQUIRE(out.size() == 3);
    const std::size_t lens[3] = {1448, 1448, 104};
    std::size_t at = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        CHECK(out[k].port == d.eth1);
        CHECK(out[k].offload == Offload{});
        CHECK(out[k].frame.size() <= 1514);
        REQUIRE_FRAME(out[k].frame, nat_segment(payload, at, lens[k], k, k == 2));
        require_checksums(out[k].frame);
        at += lens[k];
    }
    CHECK(d.drops(DropReason::frag_needed) == 0);
    CHECK(d.engine.stats().drop_total() == 0);
}

TEST_CASE("offload: a TSO super-frame through NAT leaves whole with its GSO fields for a sink that takes offloads",
          "[golden][offload][nat][gso]") {
    Director d;
    d.sink.offloads = true;
    nat_rs1(d);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    const V payload = pattern(3000);
    auto out = d.feed(d.eth0, client_data(payload).build(), kTso);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    CHECK(out[0].offload == kTso);
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
                        .id(0x1235).df().tcp(40000, 8080, tcp_flags::ack | tcp_flags::psh).seq(1001).ack_seq(5001)
                        .window(502).payload(payload).partial_l4_checksum().build();
    REQUIRE_FRAME(out[0].frame, expected);
    CHECK(be16(out[0].frame, 50) ==
          oracle::pseudo_partial(Guide::kClient.host_order, Guide::kRip1.host_order, 6, 3020));
}

TEST_CASE("offload: a VLAN-tagged TSO super-frame leaves untagged, its offsets moved by the tag",
          "[golden][offload][nat][gso]") {
    const V payload = pattern(3000);
    const V super = client_data(payload).vlan(7).build();
    const Offload tagged{true, 38, 16, net::kGsoTcpv4, 1448, 58};
    for (bool sink_offloads : {false, true}) {
        INFO("sink takes offloads: " << sink_offloads);
        Director d;
        d.sink.offloads = sink_offloads;
        nat_rs1(d);
        REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
        auto out = d.feed(d.eth0, super, tagged);
        if (sink_offloads) {
            REQUIRE(out.size() == 1);
            CHECK(out[0].offload == kTso);  // csum_start 34, hdr_len 54
            auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1)
                                .ttl(63).id(0x1235).df().tcp(40000, 8080, tcp_flags::ack | tcp_flags::psh)
                                .seq(1001).ack_seq(5001).window(502).payload(payload).partial_l4_checksum().build();
            REQUIRE_FRAME(out[0].frame, expected);
        } else {
            REQUIRE(out.size() == 3);
            const std::size_t lens[3] = {1448, 1448, 104};
            std::size_t at = 0;
            for (std::size_t k = 0; k < 3; ++k) {
                INFO("segment " << k);
                REQUIRE_FRAME(out[k].frame, nat_segment(payload, at, lens[k], k, k == 2));
                at += lens[k];
            }
        }
    }
}

// ---- (d): the MTU check of a GSO frame is on its segments ------------------------------------------

TEST_CASE("offload: IPVS does not check a GSO frame against the MTU, its segments are cut to fit on the way out",
          "[golden][offload][gso][mtu]") {
    // ensure_mtu_is_adequate() skips GSO skbs; where the kernel would then fragment segments too big
    // for the MTU (ip_finish_output_gso), tapvs, which does not fragment, cuts smaller segments.
    Director d;
    nat_rs1(d);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    const V payload = pattern(3000);
    const V super = client_data(payload).build();

    // gso_size 1600: segments of 20 + 20 + 1600 = 1640 would exceed 1500: cut at 1460 instead.
    Offload big = kTso;
    big.gso_size = 1600;
    auto out = d.feed(d.eth0, super, big);
    REQUIRE(out.size() == 3);
    const std::size_t lens[3] = {1460, 1460, 80};
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        CHECK(out[k].port == d.eth1);
        CHECK(out[k].frame.size() == 14 + 40 + lens[k]);
        require_checksums(out[k].frame);
    }
    CHECK(d.drops(DropReason::frag_needed) == 0);

    // To a sink that takes offloads the frame goes as it came, gso_size and all.
    d.sink.offloads = true;
    out = d.feed(d.eth0, super, big);
    REQUIRE(out.size() == 1);
    CHECK(out[0].offload.gso_size == 1600);
    CHECK(d.drops(DropReason::frag_needed) == 0);

    // gso_size 1448: l3_len 3040 > 1500, every segment (1488) fits.
    d.sink.offloads = false;
    out = d.feed(d.eth0, super, kTso);
    REQUIRE(out.size() == 3);
    for (const auto& s : out) {
        CHECK(s.port == d.eth1);
        CHECK(s.frame.size() <= 1514);
        require_checksums(s.frame);
    }
    CHECK(d.engine.stats().drop_total() == 0);
}

TEST_CASE("offload: on the forward path too, a GSO reply is checked by its segments", "[golden][offload][gso][mtu]") {
    Director d;
    nat_rs1(d);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    const V payload = pattern(3000);
    const V reply = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient).ttl(64)
                        .id(7).df().tcp(8080, 40000, tcp_flags::ack).seq(5001).ack_seq(1001).window(300)
                        .payload(payload).partial_l4_checksum().build();
    Offload big = kTso;
    big.gso_size = 1600;
    auto out = d.feed(d.eth1, reply, big);
    REQUIRE(out.size() == 1);
    CHECK(d.drops(DropReason::frag_needed) == 1);
    // ip_forward() checks before the TTL decrement: the quote has TTL 64; our address toward the RS.
    auto quote = FrameBuilder::ip_packet_of(reply);
    quote.resize(548);
    auto icmp = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kDip, Guide::kRip1).tos(0xc0)
                    .ttl(64).id(0).icmp_frag_needed(1500, quote).build();
    REQUIRE_FRAME(out[0].frame, icmp);

    out = d.feed(d.eth1, reply, kTso);
    REQUIRE(out.size() == 3);
    const std::size_t lens[3] = {1448, 1448, 104};
    std::size_t at = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient)
                            .ttl(63).id(static_cast<std::uint16_t>(7 + k)).df().tcp(80, 40000, tcp_flags::ack)
                            .seq(static_cast<std::uint32_t>(5001 + at)).ack_seq(1001).window(300)
                            .payload(slice(payload, at, lens[k])).build();
        REQUIRE_FRAME(out[k].frame, expected);
        at += lens[k];
    }
}

// ---- (e): DR ---------------------------------------------------------------------------------------

TEST_CASE("offload: DR hands a GSO frame on whole, only the MACs and TTL changed", "[golden][offload][dr][gso]") {
    Director d;
    d.sink.offloads = true;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::droute);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    const V payload = pattern(3000);
    const V super = client_data(payload).build();
    auto out = d.feed(d.eth0, super, kTso);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    CHECK(out[0].offload == kTso);
    const V& f = out[0].frame;
    REQUIRE(f.size() == super.size());
    CHECK(net::EthView{net::Bytes{out[0].frame}}.dst() == Guide::kRs1Mac);
    CHECK(net::EthView{net::Bytes{out[0].frame}}.src() == Guide::kEth1Mac);
    std::vector<std::size_t> changed;
    for (std::size_t i = 12; i < f.size(); ++i)
        if (f[i] != super[i]) changed.push_back(i);
    // Only the TTL and the IP header checksum (a TTL decrement moves its high byte; the low one
    // only on a carry).
    REQUIRE_FALSE(changed.empty());
    CHECK(changed.front() == 22);
    for (std::size_t i : changed) CHECK((i == 22 || i == 24 || i == 25));
    CHECK(f[22] == 63);
    CHECK(oracle::verifies(std::span<const std::uint8_t>{f.data() + 14, 20}));
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kVip).ttl(63)
                        .id(0x1235).df().tcp(40000, 80, tcp_flags::ack | tcp_flags::psh).seq(1001).ack_seq(5001)
                        .window(502).payload(payload).partial_l4_checksum().build();
    REQUIRE_FRAME(out[0].frame, expected);
}

// ---- (f): TUN ----------------------------------------------------------------------------------------

TEST_CASE("offload: TUN cuts a GSO frame into segments even for a sink that takes offloads",
          "[golden][offload][tun][gso]") {
    Director d;
    d.sink.offloads = true;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::tunnel);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    const V payload = pattern(3000);
    // The tunnel takes 20 bytes of the 1500: MSS 1400 (inner 1440, outer 1460).
    Offload tso = kTso;
    tso.gso_size = 1400;
    auto out = d.feed(d.eth0, client_data(payload).build(), tso);
    REQUIRE(out.size() == 3);
    const std::size_t lens[3] = {1400, 1400, 200};
    std::size_t at = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        const V& f = out[k].frame;
        CHECK(out[k].port == d.eth1);
        CHECK(out[k].offload == Offload{});
        REQUIRE(f.size() > 34 + 20);
        CHECK(f[14 + 9] == net::kIpProtoIpip);
        CHECK(be16(f, 16) <= 1500);
        CHECK(be16(f, 16) == 60 + lens[k]);
        CHECK(oracle::verifies(std::span<const std::uint8_t>{f.data() + 14, 20}));
        CHECK(oracle::verifies(std::span<const std::uint8_t>{f.data() + 34, 20}));
        const std::span<const std::uint8_t> l4{f.data() + 54, f.size() - 54};
        CHECK(be16(f, 70) == oracle::tcp(Guide::kClient.host_order, Guide::kVip.host_order, l4));
        require_checksums(f);
        // The DF inner header makes a DF outer one with id 0 (ip_select_ident before ignore_df); the
        // segmentation counts both ids up.
        auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipip(Guide::kDip, Guide::kRip1).ttl(63)
                            .id(static_cast<std::uint16_t>(k)).df().ipv4(Guide::kClient, Guide::kVip).ttl(63)
                            .id(static_cast<std::uint16_t>(0x1235 + k)).df()
                            .tcp(40000, 80, k == 2 ? (tcp_flags::ack | tcp_flags::psh) : tcp_flags::ack)
                            .seq(static_cast<std::uint32_t>(1001 + at)).ack_seq(5001).window(502)
                            .payload(slice(payload, at, lens[k])).build();
        REQUIRE_FRAME(f, expected);
        at += lens[k];
    }
}

TEST_CASE("offload: TUN with the usual gso_size 1448 is not refused: its segments are cut to fit the tunnel",
          "[golden][offload][tun][gso][mtu]") {
    // 1448 + 40 inner + 20 outer = 1508 > 1500: the kernel would fragment the outer packets; tapvs cuts
    // the payload at 1500 - 60 = 1440 per segment instead.
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::tunnel);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    auto out = d.feed(d.eth0, client_data(pattern(3000)).build(), kTso);
    REQUIRE(out.size() == 3);
    const std::size_t lens[3] = {1440, 1440, 120};
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("segment " << k);
        CHECK(be16(out[k].frame, 16) == 60 + lens[k]);
        require_checksums(out[k].frame);
    }
    CHECK(d.engine.stats().drop_total() == 0);
}

TEST_CASE("offload: TUN completes a partial checksum at its shifted place even for a sink that takes offloads",
          "[golden][offload][tun]") {
    Director d;
    d.sink.offloads = true;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::tunnel);
    auto out = d.feed(d.eth0, client_syn().payload("GET /").partial_l4_checksum().build(), kPartial);
    REQUIRE(out.size() == 1);
    CHECK(out[0].offload == Offload{});
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipip(Guide::kDip, Guide::kRip1).ttl(63).id(0)
                        .df().ipv4(Guide::kClient, Guide::kVip).ttl(63).id(0x1234).df()
                        .tcp(40000, 80, tcp_flags::syn).seq(1000).window(64240).payload("GET /").build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

// ---- (g): a NAT reply with a partial checksum --------------------------------------------------------

TEST_CASE("offload: a NAT reply with a partial checksum is rewritten in partial form for a sink that takes offloads",
          "[golden][offload][nat]") {
    Director d;
    d.sink.offloads = true;
    nat_rs1(d);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    auto synack = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient).ttl(64)
                      .id(1).df().tcp(8080, 40000, tcp_flags::syn | tcp_flags::ack).seq(5000).ack_seq(1001)
                      .window(65160).payload("hello").partial_l4_checksum().build();
    auto out = d.feed(d.eth1, synack, kPartial);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth0);
    CHECK(out[0].offload == kPartial);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient)
                        .ttl(63).id(1).df().tcp(80, 40000, tcp_flags::syn | tcp_flags::ack).seq(5000)
                        .ack_seq(1001).window(65160).payload("hello").partial_l4_checksum().build();
    REQUIRE_FRAME(out[0].frame, expected);
    CHECK(be16(out[0].frame, 50) ==
          oracle::pseudo_partial(Guide::kVip.host_order, Guide::kClient.host_order, 6, 25));
    require_checksums(oracle_complete(out[0].frame, out[0].offload));
}

TEST_CASE("offload: a NAT reply with a partial checksum leaves complete for a sink without offloads",
          "[golden][offload][nat]") {
    Director d;
    nat_rs1(d);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);
    auto synack = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient).ttl(64)
                      .id(1).df().tcp(8080, 40000, tcp_flags::syn | tcp_flags::ack).seq(5000).ack_seq(1001)
                      .window(65160).payload("hello").partial_l4_checksum().build();
    auto out = d.feed(d.eth1, synack, kPartial);
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient)
                        .ttl(63).id(1).df().tcp(80, 40000, tcp_flags::syn | tcp_flags::ack).seq(5000)
                        .ack_seq(1001).window(65160).payload("hello").build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

// ---- (h): the host's own stack ---------------------------------------------------------------------

TEST_CASE("offload: a partial-checksum segment to a port without a service is reset, not dropped as bad",
          "[golden][offload][host]") {
    Director d;
    nat_rs1(d);
    const V syn22 = client_syn(22).partial_l4_checksum().build();
    auto out = d.feed(d.eth0, syn22, kPartial);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth0);
    auto rst = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient).ttl(64)
                   .id(0).df().tcp(22, 40000, tcp_flags::rst | tcp_flags::ack).seq(0).ack_seq(1001).window(0).build();
    REQUIRE_FRAME(out[0].frame, rst);
    CHECK(d.drops(DropReason::local_no_socket) == 1);
    CHECK(d.drops(DropReason::tcp_bad_checksum) == 0);

    // The same bytes without the virtio flag: the pseudo-header sum is no checksum, and it is dropped.
    out = d.feed(d.eth0, syn22);
    CHECK(out.empty());
    CHECK(d.drops(DropReason::tcp_bad_checksum) == 1);
    CHECK(d.drops(DropReason::local_no_socket) == 1);
}

// ---- (i): the neighbour queue --------------------------------------------------------------------------

TEST_CASE("offload: a GSO frame waiting for ARP waits as one packet and leaves on the reply",
          "[golden][offload][gso][arp]") {
    for (bool sink_offloads : {false, true}) {
        INFO("sink takes offloads: " << sink_offloads);
        Director d;
        d.sink.offloads = sink_offloads;
        d.engine.host().neigh().erase(d.eth1, Guide::kRip1);
        nat_rs1(d);
        auto out = d.feed(d.eth0, client_syn().build());
        REQUIRE(out.size() == 1);  // the ARP request; the SYN waits
        auto arp = FrameBuilder{}.eth(Guide::kEth1Mac, net::MacAddr::broadcast())
                       .arp_request(Guide::kEth1Mac, Guide::kDip, Guide::kRip1).build();
        REQUIRE_FRAME(out[0].frame, arp);

        const V payload = pattern(3000);
        out = d.feed(d.eth0, client_data(payload).build(), kTso);
        CHECK(out.empty());  // waits too, no second request
        const core::Neighbour* n = d.engine.host().neigh().find(d.eth1, Guide::kRip1);
        REQUIRE(n != nullptr);
        CHECK(n->queue.size() == 2);  // the SYN and the GSO frame, as the kernel queues the skb

        auto reply = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac)
                         .arp_reply(Guide::kRs1Mac, Guide::kRip1, Guide::kEth1Mac, Guide::kDip).build();
        out = d.feed(d.eth1, reply);
        if (sink_offloads) {  // the GSO frame leaves whole, with its offload
            REQUIRE(out.size() == 2);
            CHECK(out[1].offload.gso_size == 1448);
            CHECK(out[1].frame.size() == 14 + 40 + 3000);
            continue;
        }
        REQUIRE(out.size() == 4);
        auto syn = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
                       .id(0x1234).df().tcp(40000, 8080, tcp_flags::syn).seq(1000).window(64240).build();
        REQUIRE_FRAME(out[0].frame, syn);
        const std::size_t lens[3] = {1448, 1448, 104};
        std::size_t at = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            INFO("segment " << k);
            const Sent& s = out[k + 1];
            CHECK(s.port == d.eth1);
            CHECK(s.offload == Offload{});
            CHECK(s.frame.size() <= 1514);
            REQUIRE_FRAME(s.frame, nat_segment(payload, at, lens[k], k, k == 2));
            require_checksums(s.frame);
            at += lens[k];
        }
        CHECK(d.engine.stats().drop_total() == 0);
    }
}

TEST_CASE("offload: a GSO frame whose neighbour never answers is one unreachable packet, not one per segment",
          "[golden][offload][gso][arp]") {
    Director d;
    d.engine.host().neigh().erase(d.eth1, Guide::kRip1);
    nat_rs1(d);
    REQUIRE(d.feed(d.eth0, client_syn().build()).size() == 1);  // the ARP request
    CHECK(d.feed(d.eth0, client_data(pattern(3000)).build(), kTso).empty());
    std::size_t unreachables = 0;
    for (int i = 0; i < 5; ++i)
        for (const auto& s : d.advance(1))
            if (s.port == d.eth0) ++unreachables;
    CHECK(unreachables == 2);  // host unreachable for the SYN and for the GSO frame
    CHECK(d.drops(DropReason::neigh_unresolved) == 2);
}
