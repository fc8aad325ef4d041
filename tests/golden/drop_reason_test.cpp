// One row per drop reason the engine decides: a frame that triggers exactly that reason, counted
// once, and whether the host answers something. (parse_frame()'s reasons: tests/unit/net.)
#include <functional>
#include <set>

#include "golden/director_fixture.hpp"

#include "tapvs/core/conn_table.hpp"

using namespace tapvs;
using namespace tapvs::test;
using core::FwdMethod;
using net::DropReason;

namespace {
struct Row {
    const char* description;
    DropReason reason;
    std::function<void(Director&)> setup;
    std::function<std::vector<std::uint8_t>()> frame;
    bool from_eth1 = false;
    std::size_t answers = 0;  // frames the director sends back (ICMP error, reset)
    bool no_headroom = false; // hand the frame over with no room in front of it
    net::Offload offload{};   // the frame's virtio offload state (the sink takes none)
};

FrameBuilder to_vip() { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip); }
void nat_service(Director& d) {
    d.service("rr");
    d.real_server(Guide::kRip1, FwdMethod::masq);
}
std::vector<std::uint8_t> syn(std::uint16_t sport = 40000, std::uint16_t dport = 80) {
    return to_vip().tcp(sport, dport, tcp_flags::syn).build();
}

const std::vector<Row>& rows() {
    static const std::vector<Row> table = {
        {"a unicast frame for another MAC", DropReason::mac_not_ours, nullptr,
         [] { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kRs2Mac).ipv4(Guide::kClient, Guide::kVip).udp(1, 2).build(); }},
        {"a frame on a port that is down", DropReason::port_down,
         [](Director& d) { d.engine.host().edit_port(d.eth0).up = false; }, [] { return syn(); }},
        {"an ARP request for an address that is not ours", DropReason::arp_not_for_us, nullptr,
         [] { return FrameBuilder{}.eth(Guide::kClientMac, net::MacAddr::broadcast())
                  .arp_request(Guide::kClientMac, Guide::kClient, test::ip("192.168.1.77")).build(); }},
        {"an ARP opcode other than request and reply", DropReason::arp_unsupported, nullptr,
         [] { return FrameBuilder{}.eth(Guide::kClientMac, net::MacAddr::broadcast())
                  .arp(3, Guide::kClientMac, Guide::kClient, net::MacAddr{}, Guide::kVip).build(); }},
        {"a packet whose source is the director's own address", DropReason::martian_source, nullptr,
         [] { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kDip, Guide::kVip).udp(1, 2).build(); }},
        {"a packet to route while ip_forward is 0", DropReason::ip_forward_disabled,
         [](Director& d) { d.engine.host().sysctl().ip_forward = false; },
         [] { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kRip1).udp(1, 2).build(); }},
        {"a packet to an address with no route", DropReason::no_route, nullptr,
         [] { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, test::ip("10.1.1.1")).udp(1, 2).build(); },
         false, 1},
        {"a packet to route whose TTL runs out", DropReason::ttl_exceeded, nullptr,
         [] { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kRip1).ttl(1).udp(1, 2).build(); },
         false, 1},
        {"a packet waiting for a neighbour that never answers", DropReason::neigh_unresolved,
         [](Director& d) {
             d.engine.host().neigh().erase(d.eth1, Guide::kRip1);
             d.feed(d.eth0, FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kRip1).udp(1, 2).build());
             d.advance(1);
             d.advance(1);
         },
         [] { return std::vector<std::uint8_t>{}; }},
        {"more waiting bytes than the neighbour queue holds", DropReason::neigh_queue_full,
         [](Director& d) {
             d.engine.host().neigh().erase(d.eth1, Guide::kRip1);
             for (int k = 0; k < 3; ++k)  // 3 x 1042 bytes fill most of the 4 KiB queue of this row
                 d.feed(d.eth0, FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kRip1)
                                    .udp(1, 2).payload_size(1000).build());
         },
         [] { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kRip1)
                  .udp(1, 2).payload_size(1000).build(); }},
        {"a DF packet bigger than the outgoing MTU", DropReason::frag_needed,
         [](Director& d) { d.engine.host().edit_port(d.eth1).mtu = 576; },
         [] { return FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kRip1).df()
                  .udp(1, 2).payload_size(1000).build(); },
         false, 1},
        {"UDP to a local port nobody listens on", DropReason::local_no_socket, nullptr,
         [] { return to_vip().udp(5000, 9999).build(); }, false, 1},
        {"an ICMP message the host does not take (an echo reply)", DropReason::icmp_unhandled, nullptr,
         [] { return to_vip().icmp_echo_reply(1, 1).build(); }},
        {"a protocol the host has no handler for (GRE)", DropReason::protocol_unsupported, nullptr,
         [] { return to_vip().ip_protocol(47).payload("gre").build(); }, false, 1},
        {"a SYN to a service with no real server", DropReason::ipvs_no_dest,
         [](Director& d) { d.service("rr"); }, [] { return syn(); }, false, 1},
        {"a non-SYN segment with no connection", DropReason::ipvs_not_syn, nat_service,
         [] { return to_vip().tcp(40000, 80, tcp_flags::ack).build(); }, false, 1},
        {"a packet of a connection whose real server was deleted", DropReason::ipvs_dest_unavailable,
         [](Director& d) {
             nat_service(d);
             d.feed(d.eth0, syn());
             core::DestUser u;
             u.addr = Guide::kRip1;
             u.port = 80;
             REQUIRE(d.engine.ipvs().del_dest(core::ServiceKey{0, core::Proto::tcp, Guide::kVip, 80}, u, d.now) ==
                     core::IpvsErr::ok);
         },
         [] { return to_vip().tcp(40000, 80, tcp_flags::ack).build(); }},
        {"a SYN from client port 20 (active FTP data): the local stack resets it", DropReason::ipvs_ftpdata_port,
         nat_service, [] { return syn(20, 80); }, false, 1},
        {"another port of a non-persistent port-zero service: ip_vs_leave()", DropReason::ipvs_port_zero,
         [](Director& d) { d.service("rr", core::Proto::tcp, 0); }, [] { return syn(40000, 81); }, false, 1},
        {"a local TCP segment with a bad checksum", DropReason::tcp_bad_checksum, nullptr,
         [] { return to_vip().tcp(40000, 22, tcp_flags::syn).bad_l4_checksum().build(); }},
        {"a local UDP datagram with a bad checksum", DropReason::udp_bad_checksum, nullptr,
         [] { return to_vip().udp(5000, 9999).bad_l4_checksum().build(); }},
        {"a ping with a bad ICMP checksum", DropReason::icmp_bad_checksum, nullptr,
         [] { return to_vip().icmp_echo_request(1, 1).bad_l4_checksum().build(); }},
        {"a fragment for the director (no reassembly)", DropReason::ipv4_fragment, nat_service,
         [] { return to_vip().mf().tcp(40000, 80, tcp_flags::syn).build(); }},
        {"a frame handed over without headroom that TUN must prepend a header to", DropReason::no_headroom,
         [](Director& d) {
             d.service("rr");
             d.real_server(Guide::kRip1, FwdMethod::tunnel);
         },
         [] { return syn(); }, false, 0, true},
        {"a UDP GSO frame, which tapvs cannot cut into segments for a sink without offloads",
         DropReason::offload_unsupported, [](Director& d) {
             d.service("rr", core::Proto::udp, 5300);
             d.real_server(Guide::kRip1, FwdMethod::masq, 5300, 1, core::Proto::udp, 5300);
         },
         [] { return to_vip().udp(40000, 5300).payload_size(1000).build(); }, false, 0, false,
         net::Offload{true, 34, 6, net::kGsoUdp, 600, 42}},
    };
    return table;
}
}  // namespace

TEST_CASE("drops: each engine reason is counted once for the frame that causes it", "[golden][drop]") {
    for (const Row& row : rows()) {
        DYNAMIC_SECTION(net::drop_reason_name(row.reason) << ": " << row.description) {
            core::EngineConfig cfg;
            cfg.neigh.unres_qlen_bytes = 4096;
            Director d(true, cfg);
            d.engine.host().neigh().erase(d.eth1, Guide::kRip2);
            if (row.setup) row.setup(d);
            const auto before = d.engine.stats().drops;
            std::vector<Sent> out;
            auto frame = row.frame();
            if (row.no_headroom) out = d.feed_without_headroom(d.eth0, frame);
            else if (!frame.empty()) out = d.feed(row.from_eth1 ? d.eth1 : d.eth0, frame, row.offload);
            else out = d.advance(1);  // the reason comes from a timer
            const auto& after = d.engine.stats().drops;
            for (std::size_t r = 0; r < net::kDropReasonCount; ++r) {
                INFO("reason " << net::drop_reason_name(static_cast<DropReason>(r)));
                CHECK(after[r] - before[r] == (r == net::index_of(row.reason) ? 1u : 0u));
            }
            if (!frame.empty()) CHECK(out.size() == row.answers);
        }
    }
}

TEST_CASE("drops: every reason the engine decides has a row", "[golden][drop]") {
    std::set<DropReason> covered;
    for (const Row& row : rows()) covered.insert(row.reason);
    for (std::size_t r = net::index_of(net::kLastParseDropReason) + 1; r < net::kDropReasonCount; ++r) {
        INFO(net::drop_reason_name(static_cast<DropReason>(r)));
        CHECK(covered.count(static_cast<DropReason>(r)) == 1);
    }
    for (DropReason r : {DropReason::tcp_bad_checksum, DropReason::udp_bad_checksum, DropReason::icmp_bad_checksum,
                         DropReason::ipv4_fragment, DropReason::arp_unsupported})
        CHECK(covered.count(r) == 1);
}
