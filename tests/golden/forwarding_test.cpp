// Golden frames for the director: for each case the input frame, the exact frames that must come
// out (built independently by FrameBuilder, whose checksums come from the test oracle), and the
// verdict. A rewrite with a wrong incremental checksum, a wrong TTL, MAC or outer header fails here.
#include "golden/director_fixture.hpp"

#include "tapvs/core/conn_table.hpp"
#include "tapvs/ctl/command.hpp"

using namespace tapvs;
using namespace tapvs::test;
using core::FwdMethod;
using net::DropReason;

namespace {
FrameBuilder client_syn(std::uint16_t cport = 40000, std::uint16_t vport = 80) {
    FrameBuilder b;
    b.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip).ttl(64).id(0x1234).df()
        .tcp(cport, vport, tcp_flags::syn).seq(1000).window(64240);
    return b;
}
}  // namespace

TEST_CASE("nat: the SYN goes to the real server with its address and port, TTL - 1", "[golden][nat]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq, 8080);
    auto out = d.feed(d.eth0, client_syn().build());
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
                        .id(0x1234).df().tcp(40000, 8080, tcp_flags::syn).seq(1000).window(64240).build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

TEST_CASE("nat: the real server's reply leaves with the virtual address and port", "[golden][nat]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq, 8080);
    d.feed(d.eth0, client_syn().build());
    auto synack = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient).ttl(64)
                      .id(1).df().tcp(8080, 40000, tcp_flags::syn | tcp_flags::ack).seq(5000).ack_seq(1001)
                      .window(65160).payload("hello").build();
    auto out = d.feed(d.eth1, synack);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth0);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient)
                        .ttl(63).id(1).df().tcp(80, 40000, tcp_flags::syn | tcp_flags::ack).seq(5000)
                        .ack_seq(1001).window(65160).payload("hello").build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
    const auto& rs = *d.engine.ipvs().services().front()->destinations.front();
    CHECK(rs.stats.inpkts == 1);
    CHECK(rs.stats.outpkts == 1);
    CHECK(rs.activeconns == 1);
}

TEST_CASE("nat: without ip_forward the replies never make it back", "[golden][nat]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq);
    d.feed(d.eth0, client_syn().build());
    d.engine.host().sysctl().ip_forward = false;
    auto synack = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient)
                      .tcp(80, 40000, tcp_flags::syn | tcp_flags::ack).build();
    CHECK(d.feed(d.eth1, synack).empty());
    CHECK(d.drops(DropReason::ip_forward_disabled) == 1);
}

// udp_dnat_handler(): the fast update only runs when `udph->check != 0`; a datagram without a
// checksum gets a full one computed over the rewritten addresses.
TEST_CASE("nat: a UDP datagram without checksum leaves with a full one, as udp_dnat_handler() makes it",
          "[golden][nat][udp]") {
    Director d;
    d.service("rr", core::Proto::udp, 53);
    d.real_server(Guide::kRip1, FwdMethod::masq, 5353, 1, core::Proto::udp, 53);
    auto q = FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip).id(9)
                 .udp(33000, 53).udp_zero_checksum().payload("query").build();
    auto out = d.feed(d.eth0, q);
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
                        .id(9).udp(33000, 5353).payload("query").build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
    // With a checksum it is updated incrementally.
    auto q2 = FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip).id(10)
                  .udp(33001, 53).payload("query").build();
    out = d.feed(d.eth0, q2);
    REQUIRE(out.size() == 1);
    expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(63)
                   .id(10).udp(33001, 5353).payload("query").build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

TEST_CASE("nat: an ICMP error from the real server's side is translated back to the virtual service",
          "[golden][nat][icmp]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq, 8080);
    auto sent = d.feed(d.eth0, client_syn().build());
    REQUIRE(sent.size() == 1);
    auto quoted = FrameBuilder::quote_of(FrameBuilder::ip_packet_of(sent[0].frame));  // client -> RIP:8080, TTL 63
    auto err = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient).ttl(64).id(3)
                   .icmp_port_unreachable(quoted).build();
    auto out = d.feed(d.eth1, err);
    REQUIRE(out.size() == 1);
    auto original = client_syn().build();
    auto as_client_saw = FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip)
                             .ttl(63).id(0x1234).df().tcp(40000, 80, tcp_flags::syn).seq(1000).window(64240).build();
    (void)original;
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient).ttl(63)
                        .id(3).icmp_port_unreachable(FrameBuilder::quote_of(FrameBuilder::ip_packet_of(as_client_saw)))
                        .build();
    // The quoted TCP checksum is not touched by the kernel (ip_vs_nat_icmp()): take it from the input.
    const std::size_t quoted_csum = 14 + 20 + 8 + 20 + 16;
    expected[quoted_csum] = err[quoted_csum];
    expected[quoted_csum + 1] = err[quoted_csum + 1];
    auto fixed = net::parse_frame(net::ConstBytes{expected});
    REQUIRE(fixed.ok());
    net::IcmpView{net::Bytes{expected}.subspan(fixed->l4_off, fixed->l4_len)}.recompute_checksum();
    REQUIRE_FRAME(out[0].frame, expected);
    CHECK(oracle::verifies(net::ConstBytes{out[0].frame}.subspan(34)));  // ICMP checksum, independently
}

TEST_CASE("dr: only the destination MAC changes (and the TTL)", "[golden][dr]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::droute);
    auto out = d.feed(d.eth0, client_syn().payload("GET /").build());
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kVip).ttl(63)
                        .id(0x1234).df().tcp(40000, 80, tcp_flags::syn).seq(1000).window(64240).payload("GET /")
                        .build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

TEST_CASE("dr: a VLAN-tagged frame leaves untagged", "[golden][dr]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::droute);
    auto out = d.feed(d.eth0, client_syn().vlan(7).build());
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kVip).ttl(63)
                        .id(0x1234).df().tcp(40000, 80, tcp_flags::syn).seq(1000).window(64240).build();
    REQUIRE_FRAME(out[0].frame, expected);
}

TEST_CASE("tun: IP-in-IP from the DIP to the real server, TOS, TTL and DF from the inner header",
          "[golden][tun]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::tunnel);
    auto in = client_syn().tos(0xbb).build();  // DSCP 0x2e<<2 with ECN CE (3)
    auto out = d.feed(d.eth0, in);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac)
                        .ipip(Guide::kDip, Guide::kRip1).ttl(63).tos(0xba).id(0).df()  // CE -> ECT(0)
                        .ipv4(Guide::kClient, Guide::kVip).ttl(63).tos(0xbb).id(0x1234).df()
                        .tcp(40000, 80, tcp_flags::syn).seq(1000).window(64240).build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

TEST_CASE("tun: DF is not copied when net.ipv4.vs.pmtu_disc is 0", "[golden][tun]") {
    Director d;
    d.engine.ipvs().sysctl().pmtu_disc = 0;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::tunnel);
    auto out = d.feed(d.eth0, client_syn().build());
    REQUIRE(out.size() == 1);
    auto pf = net::parse_frame(net::ConstBytes{out[0].frame});
    REQUIRE(pf.ok());
    CHECK_FALSE(pf->ipv4(net::ConstBytes{out[0].frame}).df());
    CHECK(pf->ipip_inner.present);
}

TEST_CASE("tun: a DF packet too big for the tunnel gets frag-needed with the MTU less 20", "[golden][tun][mtu]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::tunnel);
    auto big = client_syn().payload_size(1490 - 40).build();  // a 1490-byte IP packet
    auto out = d.feed(d.eth0, big);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth0);
    // decrement_ttl() runs before ensure_mtu_is_adequate(): the quote carries TTL 63.
    auto ip = FrameBuilder::ip_packet_of(client_syn().payload_size(1490 - 40).ttl(63).build());
    ip.resize(576 - 28);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient)
                        .tos(0xc0).ttl(64).id(0).icmp_frag_needed(1480, ip).build();
    REQUIRE_FRAME(out[0].frame, expected);
    CHECK(d.drops(DropReason::frag_needed) == 1);
    // 1480 bytes fit.
    out = d.feed(d.eth0, client_syn(40001).payload_size(1480 - 40).build());
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    CHECK(out[0].frame.size() == 14 + 1500);
}

TEST_CASE("ipvs: no real server available answers ICMP port unreachable (ip_vs_leave)", "[golden][ipvs]") {
    Director d;
    d.service("rr");
    auto syn = client_syn().build();
    auto out = d.feed(d.eth0, syn);
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient)
                        .tos(0xc0).ttl(64).id(0).icmp_port_unreachable(FrameBuilder::ip_packet_of(syn)).build();
    REQUIRE_FRAME(out[0].frame, expected);
    CHECK(d.drops(DropReason::ipvs_no_dest) == 1);
}

TEST_CASE("ipvs: a segment without SYN and without a connection is answered by a reset", "[golden][ipvs]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq);
    auto ack = FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip)
                   .tcp(40000, 80, tcp_flags::ack).seq(1000).ack_seq(777).build();
    auto out = d.feed(d.eth0, ack);
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient).ttl(64)
                        .id(0).df().tcp(80, 40000, tcp_flags::rst).seq(777).window(0).build();
    REQUIRE_FRAME(out[0].frame, expected);
    CHECK(d.drops(DropReason::ipvs_not_syn) == 1);
    CHECK(d.engine.ipvs().conn_count() == 0);
}

TEST_CASE("host: ARP for the VIP is answered with the port's MAC", "[golden][arp]") {
    Director d(false);
    auto req = FrameBuilder{}.eth(Guide::kClientMac, net::MacAddr::broadcast())
                   .arp_request(Guide::kClientMac, Guide::kClient, Guide::kVip).build();
    auto out = d.feed(d.eth0, req);
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac)
                        .arp_reply(Guide::kEth0Mac, Guide::kVip, Guide::kClientMac, Guide::kClient).build();
    REQUIRE_FRAME(out[0].frame, expected);
    // The requester was learned.
    const core::Neighbour* n = d.engine.host().neigh().find(d.eth0, Guide::kClient);
    REQUIRE(n);
    CHECK(n->mac == Guide::kClientMac);
    // Not ours: silence.
    auto other = FrameBuilder{}.eth(Guide::kClientMac, net::MacAddr::broadcast())
                     .arp_request(Guide::kClientMac, Guide::kClient, test::ip("192.168.1.99")).build();
    CHECK(d.feed(d.eth0, other).empty());
    CHECK(d.drops(DropReason::arp_not_for_us) == 1);
}

TEST_CASE("host: arp_ignore=1 answers only for addresses of the receiving port", "[golden][arp]") {
    Director d(false);
    d.engine.host().conf_of("all").arp_ignore = 1;
    auto req_dip = FrameBuilder{}.eth(Guide::kClientMac, net::MacAddr::broadcast())
                       .arp_request(Guide::kClientMac, Guide::kClient, Guide::kDip).build();
    CHECK(d.feed(d.eth0, req_dip).empty());  // the DIP lives on eth1
    d.engine.host().conf_of("all").arp_ignore = 0;
    CHECK(d.feed(d.eth0, req_dip).size() == 1);
}

TEST_CASE("host: ping of a local address is answered", "[golden][icmp]") {
    Director d;
    auto ping = FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kDip).ttl(64)
                    .id(7).icmp_echo_request(0x4242, 1).payload("abcdefgh").build();
    auto out = d.feed(d.eth0, ping);
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kDip, Guide::kClient).ttl(64)
                        .id(0).icmp_echo_reply(0x4242, 1).payload("abcdefgh").build();
    REQUIRE_FRAME(out[0].frame, expected);
    require_checksums(out[0].frame);
}

TEST_CASE("host: neighbours are resolved with ARP, waiting packets leave on the reply", "[golden][arp]") {
    Director d(false);
    d.neighbour(d.eth0, Guide::kClient, Guide::kClientMac);
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::droute);
    auto out = d.feed(d.eth0, client_syn().build());
    REQUIRE(out.size() == 1);
    auto arp = FrameBuilder{}.eth(Guide::kEth1Mac, net::MacAddr::broadcast())
                   .arp_request(Guide::kEth1Mac, Guide::kDip, Guide::kRip1).build();
    REQUIRE_FRAME(out[0].frame, arp);
    auto reply = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac)
                     .arp_reply(Guide::kRs1Mac, Guide::kRip1, Guide::kEth1Mac, Guide::kDip).build();
    out = d.feed(d.eth1, reply);
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth1Mac, Guide::kRs1Mac).ipv4(Guide::kClient, Guide::kVip).ttl(63)
                        .id(0x1234).df().tcp(40000, 80, tcp_flags::syn).seq(1000).window(64240).build();
    REQUIRE_FRAME(out[0].frame, expected);
}

TEST_CASE("host: an unanswered neighbour fails after 3 requests, the sender gets host unreachable",
          "[golden][arp]") {
    Director d(false);
    d.neighbour(d.eth0, Guide::kClient, Guide::kClientMac);
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::droute);
    auto syn = client_syn().build();
    REQUIRE(d.feed(d.eth0, syn).size() == 1);  // request 1
    CHECK(d.advance(1.0).size() == 1);         // request 2
    CHECK(d.advance(1.0).size() == 1);         // request 3
    auto out = d.advance(1.0);                 // failed
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth0);
    auto pf = net::parse_frame(net::ConstBytes{out[0].frame});
    REQUIRE(pf.ok());
    auto icmp = pf->icmp(net::ConstBytes{out[0].frame});
    CHECK(icmp.type() == net::kIcmpDestUnreach);
    CHECK(icmp.code() == net::kIcmpHostUnreach);
    CHECK(pf->src == Guide::kVip);
    CHECK(d.drops(DropReason::neigh_unresolved) == 1);
}

TEST_CASE("host: forwarding decrements TTL, TTL 1 gets time exceeded, no route gets net unreachable",
          "[golden][forward]") {
    Director d;
    d.neighbour(d.eth0, test::ip("192.168.1.1"), Guide::kRouterMac);
    auto pkt = [](std::uint8_t ttl, const char* dst) {
        return FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, test::ip(dst)).ttl(ttl).id(5)
            .udp(1000, 2000).payload("x").build();
    };
    auto out = d.feed(d.eth1, pkt(10, "192.168.1.50"));
    REQUIRE(out.size() == 1);
    auto expected = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kRip1, Guide::kClient).ttl(9)
                        .id(5).udp(1000, 2000).payload("x").build();
    REQUIRE_FRAME(out[0].frame, expected);

    out = d.feed(d.eth1, pkt(1, "192.168.1.50"));
    REQUIRE(out.size() == 1);
    auto pf = net::parse_frame(net::ConstBytes{out[0].frame});
    REQUIRE(pf.ok());
    CHECK(pf->icmp(net::ConstBytes{out[0].frame}).type() == net::kIcmpTimeExceeded);
    CHECK(pf->src == Guide::kDip);  // our address toward the sender
    CHECK(d.drops(DropReason::ttl_exceeded) == 1);

    out = d.feed(d.eth1, pkt(10, "10.9.9.9"));
    REQUIRE(out.size() == 1);
    pf = net::parse_frame(net::ConstBytes{out[0].frame});
    CHECK(pf->icmp(net::ConstBytes{out[0].frame}).code() == net::kIcmpNetUnreach);
    CHECK(d.drops(DropReason::no_route) == 1);

    core::Route def;
    def.via = test::ip("192.168.1.1");
    def.port = d.eth0;
    d.engine.host().edit_routes().push_back(def);  // route add default gw 192.168.1.1
    out = d.feed(d.eth1, pkt(10, "10.9.9.9"));
    REQUIRE(out.size() == 1);
    CHECK(net::EthView{net::Bytes{out[0].frame}}.dst() == Guide::kRouterMac);
}

TEST_CASE("tun: with pmtu_disc 0 a DF packet too big is not answered with frag-needed", "[golden][tun][mtu]") {
    Director d;
    d.engine.ipvs().sysctl().pmtu_disc = 0;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::tunnel);
    CHECK(d.feed(d.eth0, client_syn().payload_size(1490 - 40).build()).empty());
    CHECK(d.drops(DropReason::frag_needed) == 1);
}

TEST_CASE("ipvs: TTL is checked before the MTU, and no route to the real server is host unreachable",
          "[golden][ipvs]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::droute);
    d.engine.host().edit_port(d.eth1).mtu = 576;
    auto out = d.feed(d.eth0, client_syn().ttl(1).payload_size(1000).build());
    REQUIRE(out.size() == 1);
    auto pf = net::parse_frame(net::ConstBytes{out[0].frame});
    REQUIRE(pf.ok());
    CHECK(pf->icmp(net::ConstBytes{out[0].frame}).type() == net::kIcmpTimeExceeded);

    Director e;
    e.service("rr");
    e.real_server(test::ip("10.99.0.1"), FwdMethod::masq);  // no route toward it
    out = e.feed(e.eth0, client_syn().build());
    REQUIRE(out.size() == 1);
    pf = net::parse_frame(net::ConstBytes{out[0].frame});
    REQUIRE(pf.ok());
    CHECK(pf->icmp(net::ConstBytes{out[0].frame}).code() == net::kIcmpHostUnreach);
    CHECK(e.drops(DropReason::no_route) == 1);
}

TEST_CASE("ipvs: with expire_nodest_conn a removed real server's clients are scheduled afresh", "[golden][ipvs]") {
    Director d;
    d.engine.ipvs().sysctl().expire_nodest_conn = 1;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq);
    d.real_server(Guide::kRip2, FwdMethod::masq);
    auto first = d.feed(d.eth0, client_syn().build());  // rr: the newest, .212
    REQUIRE(first.size() == 1);
    CHECK(net::EthView{net::Bytes{first[0].frame}}.dst() == Guide::kRs2Mac);
    core::DestUser u;
    u.addr = Guide::kRip2;
    u.port = 80;
    REQUIRE(d.engine.ipvs().del_dest(core::ServiceKey{0, core::Proto::tcp, Guide::kVip, 80}, u, d.now) == core::IpvsErr::ok);
    CHECK(d.engine.ipvs().conn_count() == 0);  // flushed at -d (ip_vs_expire_nodest_conn_flush)
    auto again = d.feed(d.eth0, client_syn().build());
    REQUIRE(again.size() == 1);
    CHECK(net::EthView{net::Bytes{again[0].frame}}.dst() == Guide::kRs1Mac);
}

TEST_CASE("ipvs: an ICMP error relayed for a connection does not keep it alive", "[golden][ipvs][icmp]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq);
    auto sent = d.feed(d.eth0, client_syn().build());
    REQUIRE(sent.size() == 1);
    d.advance(50);  // SYN_RECV lives 60 s
    auto err = FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient)
                   .icmp_port_unreachable(FrameBuilder::quote_of(FrameBuilder::ip_packet_of(sent[0].frame))).build();
    CHECK(d.feed(d.eth1, err).size() == 1);
    d.advance(10.5);
    CHECK(d.engine.ipvs().conn_count() == 0);
}

TEST_CASE("ipvs: a persistent FTP service also takes the passive data connection to the same server",
          "[golden][ipvs][persist]") {
    Director d;
    d.service("rr", core::Proto::tcp, 21, 360);
    d.real_server(Guide::kRip1, FwdMethod::droute, 21, 1, core::Proto::tcp, 21);
    d.real_server(Guide::kRip2, FwdMethod::droute, 21, 1, core::Proto::tcp, 21);
    auto ctl = d.feed(d.eth0, client_syn(40000, 21).build());
    REQUIRE(ctl.size() == 1);
    auto data = d.feed(d.eth0, client_syn(40001, 50123).build());  // passive data port
    REQUIRE(data.size() == 1);
    CHECK(net::EthView{net::Bytes{data[0].frame}}.dst() == net::EthView{net::Bytes{ctl[0].frame}}.dst());
    // Another port below 1024 is not FTP's: the local stack resets it.
    auto other = d.feed(d.eth0, client_syn(40002, 22).build());
    REQUIRE(other.size() == 1);
    CHECK(other[0].port == d.eth0);
}

TEST_CASE("ipvs: an open connection follows the host's tables when they change (next-hop cache)",
          "[golden][ipvs][cache]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::droute);
    auto mac_of = [](const std::vector<Sent>& out) { return net::ConstEthView{net::ConstBytes{out.at(0).frame}}.dst(); };
    CHECK(mac_of(d.feed(d.eth0, client_syn().build())) == Guide::kRs1Mac);
    auto data = [] {
        return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip)
            .tcp(40000, 80, tcp_flags::ack).build();
    };
    CHECK(mac_of(d.feed(d.eth0, data())) == Guide::kRs1Mac);  // cached now
    // ip neigh replace 172.16.10.100 lladdr 02:00:00:00:00:a9 dev eth1
    d.engine.host().neigh().erase(d.eth1, Guide::kRip1);
    d.neighbour(d.eth1, Guide::kRip1, test::mac("02:00:00:00:00:a9"));
    CHECK(mac_of(d.feed(d.eth0, data())) == test::mac("02:00:00:00:00:a9"));
    // ip route add 172.16.10.100/32 via 172.16.10.1: the gateway's MAC from now on
    d.neighbour(d.eth1, test::ip("172.16.10.1"), Guide::kRouterMac);
    d.host_route(Guide::kRip1, test::ip("172.16.10.1"), d.eth1);
    CHECK(mac_of(d.feed(d.eth0, data())) == Guide::kRouterMac);
}

TEST_CASE("nat: the replies of a connection follow the host's tables when they change (the way-back cache)",
          "[golden][nat][cache]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq, 8080);
    d.feed(d.eth0, client_syn().build());
    auto reply = [] {
        return FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(Guide::kRip1, Guide::kClient)
            .tcp(8080, 40000, tcp_flags::ack).build();
    };
    auto sent = [](const std::vector<Sent>& out) {
        REQUIRE(out.size() == 1);
        const net::ConstBytes f{out[0].frame};
        return std::pair{net::ConstEthView{f}.dst(), net::ConstIpv4View{f.subspan(14)}.src()};
    };
    CHECK(sent(d.feed(d.eth1, reply())) == std::pair{Guide::kClientMac, Guide::kVip});
    CHECK(sent(d.feed(d.eth1, reply())) == std::pair{Guide::kClientMac, Guide::kVip});  // cached now
    // ip neigh replace 192.168.1.50 lladdr 02:00:00:00:00:c9 dev eth0
    d.engine.host().neigh().erase(d.eth0, Guide::kClient);
    d.neighbour(d.eth0, Guide::kClient, test::mac("02:00:00:00:00:c9"));
    CHECK(sent(d.feed(d.eth1, reply())) == std::pair{test::mac("02:00:00:00:00:c9"), Guide::kVip});
    // ip route add 192.168.1.50/32 via 192.168.1.1: the gateway's MAC from now on
    d.neighbour(d.eth0, test::ip("192.168.1.1"), Guide::kRouterMac);
    d.host_route(Guide::kClient, test::ip("192.168.1.1"), d.eth0);
    CHECK(sent(d.feed(d.eth1, reply())) == std::pair{Guide::kRouterMac, Guide::kVip});
    const auto& rs = *d.engine.ipvs().services().front()->destinations.front();
    CHECK(rs.stats.outpkts == 4);
}

TEST_CASE("ipvs: a fwmark service takes what the mangle MARK rules mark, any port", "[golden][ipvs][fwmark]") {
    Director d;
    // iptables -t mangle -A PREROUTING -d 192.168.1.10/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
    ctl::cmd::MarkRule rule;
    rule.match.protocol = 6;
    rule.match.dst = std::pair{Guide::kVip, 32};
    rule.match.dports = {80, 443};
    rule.mark = 1;
    d.engine.host().mark_rules().push_back(rule);
    core::ServiceUser u;  // ipvsadm -A -f 1 -s rr
    u.key.fwmark = 1;
    u.sched_name = "rr";
    REQUIRE(d.engine.ipvs().add_service(u, d.now) == core::IpvsErr::ok);
    core::DestUser rs;  // ipvsadm -a -f 1 -r 172.16.10.100 -m  (port 0: the packet's own port)
    rs.addr = Guide::kRip1;
    rs.port = 0;
    rs.fwd = FwdMethod::masq;
    REQUIRE(d.engine.ipvs().add_dest(u.key, rs, d.now) == core::IpvsErr::ok);
    for (std::uint16_t port : {std::uint16_t{80}, std::uint16_t{443}}) {
        auto out = d.feed(d.eth0, client_syn(static_cast<std::uint16_t>(40000 + port), port).build());
        REQUIRE(out.size() == 1);
        CHECK(out[0].port == d.eth1);
        auto pf = net::parse_frame(net::ConstBytes{out[0].frame});
        REQUIRE(pf.ok());
        CHECK(pf->dst == Guide::kRip1);
        CHECK(pf->dport == port);
    }
    // Port 22 is not marked: no service, the director's own stack resets it.
    auto out = d.feed(d.eth0, client_syn(40022, 22).build());
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth0);
    CHECK(d.drops(DropReason::local_no_socket) == 1);
}

TEST_CASE("ipvs: -M makes a whole client network share one persistence template", "[golden][persist]") {
    Director d;
    core::ServiceUser u;
    u.key = core::ServiceKey{0, core::Proto::tcp, Guide::kVip, 80};
    u.sched_name = "rr";
    u.flags = core::kSvcPersistent;
    u.timeout_s = 360;
    u.netmask = 0xffffff00;  // -M 255.255.255.0
    REQUIRE(d.engine.ipvs().add_service(u, d.now) == core::IpvsErr::ok);
    d.real_server(Guide::kRip1, FwdMethod::droute);
    d.real_server(Guide::kRip2, FwdMethod::droute);
    d.neighbour(d.eth0, test::ip("192.168.1.51"), Guide::kClientMac);
    auto from = [](const char* client) {
        return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(test::ip(client), Guide::kVip)
            .tcp(40000, 80, tcp_flags::syn).build();
    };
    auto a = d.feed(d.eth0, from("192.168.1.50"));
    auto b = d.feed(d.eth0, from("192.168.1.51"));  // rr alone would pick the other server
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    CHECK(net::ConstEthView{net::ConstBytes{a[0].frame}}.dst() == net::ConstEthView{net::ConstBytes{b[0].frame}}.dst());
    const auto& rs = d.engine.ipvs().services().front()->destinations;
    CHECK(rs[0]->persistconns + rs[1]->persistconns == 1);
}

TEST_CASE("nat: an ICMP error from the client about a reply goes to the real server, translated",
          "[golden][nat][icmp]") {
    Director d;
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq, 8080);
    d.feed(d.eth0, client_syn().build());
    // What the client got from the virtual service (a reply), which it now complains about.
    auto reply = FrameBuilder{}.eth(Guide::kEth0Mac, Guide::kClientMac).ipv4(Guide::kVip, Guide::kClient).ttl(63)
                     .id(1).df().tcp(80, 40000, tcp_flags::syn | tcp_flags::ack).seq(5000).ack_seq(1001).build();
    auto err = FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip).ttl(64).id(9)
                   .icmp_error(net::kIcmpDestUnreach, net::kIcmpHostUnreach,
                               FrameBuilder::quote_of(FrameBuilder::ip_packet_of(reply)))
                   .build();
    auto out = d.feed(d.eth0, err);
    REQUIRE(out.size() == 1);
    CHECK(out[0].port == d.eth1);
    auto pf = net::parse_frame(net::ConstBytes{out[0].frame});
    REQUIRE(pf.ok());
    CHECK(pf->dst == Guide::kRip1);           // outer destination: the real server
    CHECK(pf->icmp_inner.src == Guide::kRip1);  // the quoted reply now comes from it
    CHECK(pf->icmp_inner.sport == 8080);
    CHECK(oracle::verifies(net::ConstBytes{out[0].frame}.subspan(pf->l4_off, pf->l4_len)));
    CHECK(oracle::verifies(net::ConstBytes{out[0].frame}.subspan(pf->icmp_inner.l3_off, pf->icmp_inner.l3_hdr_len)));
}
