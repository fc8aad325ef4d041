// Writes the small captures shipped in pcaps/ (re-run with scripts/make-pcaps.sh; the output is
// deterministic). Each capture is what the director's eth0 would receive from the guide's
// clients (192.168.1.0/24) talking to the virtual service 192.168.1.10:80.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/frame_builder.hpp"
#include "tapvs/io/pcap_file.hpp"

using namespace tapvs;
using test::FrameBuilder;
namespace tf = net::tcp_flags;

namespace {

const net::MacAddr kDirectorEth0 = test::mac("02:00:00:00:01:00");  // set by the configs' `ip link set`
const net::Ipv4Addr kVip = test::ip("192.168.1.10");
const core::Timestamp kStart = core::Timestamp::from_us(1767225600LL * 1000000);  // 2026-01-01T00:00:00Z

struct Capture {
    std::vector<std::pair<core::Timestamp, std::vector<std::uint8_t>>> frames;
    void add(double t, std::vector<std::uint8_t> f) {
        frames.emplace_back(kStart + std::chrono::microseconds{std::llround(t * 1e6)}, std::move(f));
    }
    bool write(const std::string& path) const {
        auto w = io::PcapWriter::open(path);
        if (!w) {
            std::fprintf(stderr, "%s\n", w.error().c_str());
            return false;
        }
        for (const auto& [t, f] : frames) w.value()->write(t, net::ConstBytes{f});
        return true;
    }
};

net::MacAddr client_mac(int i) { return net::MacAddr{{0x02, 0, 0, 0, 0x02, static_cast<std::uint8_t>(i)}}; }
net::Ipv4Addr client_ip(int i) { return net::Ipv4Addr{test::ip("192.168.1.50").host_order + static_cast<std::uint32_t>(i)}; }

// One segment of client i toward the VIP's port 80, as the guide's clients send them.
FrameBuilder client_segment(int i, std::uint16_t port, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack) {
    FrameBuilder b;
    b.eth(client_mac(i), kDirectorEth0).ipv4(client_ip(i), kVip).ttl(64).id(static_cast<std::uint16_t>(port)).df()
        .tcp(port, 80, flags).seq(seq).ack_seq(ack).window(64240);
    return b;
}

const std::string kRequest = "GET / HTTP/1.0\r\nHost: 192.168.1.10\r\n\r\n";

// The opening of an HTTP/1.0 exchange: SYN, ACK, request (the connection is then ESTABLISHED).
void http_open(Capture& c, int i, std::uint16_t port, double t0) {
    c.add(t0, client_segment(i, port, tf::syn, 1000, 0).build());
    c.add(t0 + 0.001, client_segment(i, port, tf::ack, 1001, 5001).build());
    c.add(t0 + 0.002, client_segment(i, port, tf::ack | tf::psh, 1001, 5001).payload(kRequest).build());
}
// Its end: FIN, last ACK.
void http_close(Capture& c, int i, std::uint16_t port, double t0) {
    const auto len = static_cast<std::uint32_t>(kRequest.size());
    c.add(t0, client_segment(i, port, tf::ack | tf::fin, 1001 + len, 5200).build());
    c.add(t0 + 0.001, client_segment(i, port, tf::ack, 1002 + len, 5201).build());
}
// One HTTP/1.0 exchange as the client sends it: SYN, ACK, request, FIN, last ACK.
void http_client(Capture& c, int i, std::uint16_t port, double t0) {
    http_open(c, i, port, t0);
    http_close(c, i, port, t0 + 0.010);
}

Capture guide_clients() {
    Capture c;
    // Each client first asks who has the VIP (the director answers; its eth0 MAC is in the config).
    for (int i = 0; i < 4; ++i)
        c.add(0.1 * i, FrameBuilder{}.eth(client_mac(i), net::MacAddr::broadcast())
                           .arp_request(client_mac(i), client_ip(i), kVip).build());
    // Six connections from four clients, a ping of the VIP, and a stray segment for a connection
    // the director never saw (answered with a reset).
    double t = 1.0;
    for (int k = 0; k < 6; ++k, t += 0.5) http_client(c, k % 4, static_cast<std::uint16_t>(40000 + k), t);
    c.add(t, FrameBuilder{}.eth(client_mac(0), kDirectorEth0).ipv4(client_ip(0), kVip).id(99)
                 .icmp_echo_request(0x1d, 1).payload("tapvs ping").build());
    c.add(t + 0.1, FrameBuilder{}.eth(client_mac(1), kDirectorEth0).ipv4(client_ip(1), kVip)
                       .tcp(45000, 80, tf::ack).seq(7).ack_seq(9).build());
    return c;
}

// Persistence: each of three clients opens three connections in a row; with -p the director keeps
// every client on the real server its first connection got.
Capture persistent_clients() {
    Capture c;
    for (int i = 0; i < 3; ++i)
        c.add(0.1 * i, FrameBuilder{}.eth(client_mac(i), net::MacAddr::broadcast())
                           .arp_request(client_mac(i), client_ip(i), kVip).build());
    double t = 1.0;
    for (int round = 0; round < 3; ++round)
        for (int i = 0; i < 3; ++i, t += 0.25) http_client(c, i, static_cast<std::uint16_t>(41000 + round * 10 + i), t);
    return c;
}

// UDP: DNS-like queries to 192.168.1.10:53 from four clients, then silence longer than the UDP
// timeout (300 s), then the same clients again: the first connections expire between frames.
Capture udp_clients() {
    Capture c;
    for (int i = 0; i < 4; ++i)
        c.add(0.1 * i, FrameBuilder{}.eth(client_mac(i), net::MacAddr::broadcast())
                           .arp_request(client_mac(i), client_ip(i), kVip).build());
    auto query = [&](int i, std::uint16_t id, double t) {
        c.add(t, FrameBuilder{}.eth(client_mac(i), kDirectorEth0).ipv4(client_ip(i), kVip).id(id)
                     .udp(static_cast<std::uint16_t>(53000 + i), 53).payload("tapvs query").build());
    };
    for (int i = 0; i < 4; ++i) query(i, static_cast<std::uint16_t>(1 + i), 1.0 + 0.1 * i);
    for (int i = 0; i < 4; ++i) query(i, static_cast<std::uint16_t>(11 + i), 2.0 + 0.1 * i);  // same connections
    for (int i = 0; i < 4; ++i) query(i, static_cast<std::uint16_t>(21 + i), 400.0 + 0.1 * i);  // after expiry
    return c;
}

// Eight clients, one connection each every 0.5 s: the config quiesces a real server at 2.2 s.
Capture steady_clients() {
    Capture c;
    for (int i = 0; i < 8; ++i)
        c.add(0.05 * i, FrameBuilder{}.eth(client_mac(i), net::MacAddr::broadcast())
                            .arp_request(client_mac(i), client_ip(i), kVip).build());
    double t = 1.0;
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < 8; ++i, t += 0.25) http_client(c, i, static_cast<std::uint16_t>(42000 + round * 10 + i), t);
    return c;
}

// The scheduler x method x persistence matrix (tests/unit/io/replay_matrix_test.cpp writes the 84
// configs): six clients toward three real servers. The configs quiesce 172.16.10.212 at 3.9 s and give
// it weight 1 again at 200 s.
//  - 1 s to 6.3 s: three rounds, one connection per client each; in the first round the odd clients
//    leave their connection open (ESTABLISHED: active, 900 s), the others close theirs at once.
//  - 100 s: one more round. NAT's closed connections (CLOSE_WAIT, 60 s) have expired by then, DR's
//    and TUN's (FIN_WAIT, 120 s) have not: the overheads the schedulers compare differ by method.
//  - 300 s: every closed connection has expired; the odd clients close their first connection, then
//    a last round. With -p 60 the odd clients' templates are still alive (they control an open
//    connection, ip_vs_conn_expire() re-arms them), the even clients' have expired.
Capture matrix_clients() {
    Capture c;
    for (int i = 0; i < 6; ++i)
        c.add(0.05 * i, FrameBuilder{}.eth(client_mac(i), net::MacAddr::broadcast())
                            .arp_request(client_mac(i), client_ip(i), kVip).build());
    auto port = [](int round, int i) { return static_cast<std::uint16_t>(43000 + 10 * round + i); };
    for (int round = 0; round < 3; ++round)
        for (int i = 0; i < 6; ++i) {
            const double t = 1.0 + 2.0 * round + 0.25 * i;
            if (round == 0 && i % 2 == 1) http_open(c, i, port(round, i), t);
            else http_client(c, i, port(round, i), t);
        }
    http_close(c, 1, port(0, 1), 50.0);
    http_close(c, 5, port(0, 5), 50.01);
    for (int i = 0; i < 6; ++i) http_client(c, i, port(3, i), 100.0 + 0.25 * i);
    http_close(c, 3, port(0, 3), 300.0);
    for (int i = 0; i < 6; ++i) http_client(c, i, port(4, i), 301.0 + 0.25 * i);
    return c;
}

// One frame for each drop reason a client-side capture can cause (pcaps/drops/director.conf sets the
// scene, its timed lines change it; tests/unit/io/replay_drops_test.cpp counts them). Times are
// seconds after the first frame. ipvs_port_zero cannot be caused from a configuration: pcaps/README.md.
Capture drop_frames() {
    Capture c;
    const net::MacAddr me = client_mac(0);
    const net::Ipv4Addr client = client_ip(0);
    const net::Ipv4Addr rs1 = test::ip("172.16.10.100");
    auto to = [&](net::Ipv4Addr dst) { return FrameBuilder{}.eth(me, kDirectorEth0).ipv4(client, dst); };
    auto to_vip = [&] { return to(kVip); };
    // The director learns the client's MAC from its ARP request, so its answers need no resolution.
    c.add(0.0, FrameBuilder{}.eth(me, net::MacAddr::broadcast()).arp_request(me, client, kVip).build());

    // The engine's reasons (tests/golden/drop_reason_test.cpp has the same frames, one per row).
    double t = 1.0;
    auto next = [&](std::vector<std::uint8_t> f) { c.add(t, std::move(f)), t += 0.05; };
    next(FrameBuilder{}.eth(me, test::mac("02:00:00:00:03:d4")).ipv4(client, kVip).udp(1, 2).build());  // mac_not_ours
    next(FrameBuilder{}.eth(me, net::MacAddr::broadcast()).arp_request(me, client, test::ip("192.168.1.77")).build());  // arp_not_for_us
    next(FrameBuilder{}.eth(me, net::MacAddr::broadcast()).arp(3, me, client, net::MacAddr{}, kVip).build());  // arp_unsupported
    next(FrameBuilder{}.eth(me, kDirectorEth0).ipv4(kVip, kVip).udp(1, 2).build());  // martian_source
    next(to(test::ip("10.1.1.1")).udp(1, 2).build());                                 // no_route
    next(to(rs1).ttl(1).udp(1, 2).build());                                           // ttl_exceeded
    next(to_vip().udp(5000, 9999).build());                                           // local_no_socket
    next(to_vip().icmp_echo_reply(1, 1).build());                                     // icmp_unhandled
    next(to_vip().ip_protocol(47).payload("gre").build());                            // protocol_unsupported
    next(to_vip().tcp(40000, 81, tf::syn).build());                                   // ipvs_no_dest (:81 has no real server)
    next(to_vip().tcp(40001, 80, tf::ack).build());                                   // ipvs_not_syn
    next(to_vip().tcp(20, 80, tf::syn).build());                                      // ipvs_ftpdata_port
    next(to_vip().tcp(40002, 22, tf::syn).bad_l4_checksum().build());                 // tcp_bad_checksum
    next(to_vip().udp(5001, 9999).bad_l4_checksum().build());                         // udp_bad_checksum
    next(to_vip().icmp_echo_request(1, 1).bad_l4_checksum().build());                 // icmp_bad_checksum
    next(to_vip().mf().tcp(40003, 80, tf::syn).build());                              // ipv4_fragment
    // ipvs_dest_unavailable: a connection to :8080, whose real server the config deletes at 2.1 s.
    c.add(2.0, to_vip().tcp(46000, 8080, tf::syn).seq(1000).build());
    c.add(2.2, to_vip().tcp(46000, 8080, tf::ack).seq(1001).ack_seq(5001).build());

    // parse_frame()'s reasons (tests/unit/net/parse_test.cpp has the same kinds of frames).
    t = 2.5;
    const auto quote = FrameBuilder::quote_of(FrameBuilder::ip_packet_of(to_vip().udp(53, 5353).payload("answer").build()));
    next(std::vector<std::uint8_t>(13, 0xaa));                                        // eth_too_short
    next(FrameBuilder{}.eth(me, kDirectorEth0).vlan(7).ipv4(client, kVip).udp(1, 2).truncate(16).build());  // vlan_too_short
    next(FrameBuilder{}.eth(me, kDirectorEth0).ethertype(0x88cc).payload_size(30).build());  // ethertype_unsupported (LLDP)
    next(FrameBuilder{}.eth(me, kDirectorEth0).ethertype(0x86dd).payload_size(40).build());  // ipv6_unsupported
    next(FrameBuilder{}.eth(me, kDirectorEth0).arp_request(me, client, kVip).truncate(14 + 20).build());  // arp_malformed
    next(to_vip().truncate(14 + 19).build());                                         // ipv4_too_short
    next(to_vip().ip_version(6).udp(1, 2).build());                                   // ipv4_bad_version
    next(to_vip().ip_ihl(4).udp(1, 2).build());                                       // ipv4_bad_ihl
    next(to_vip().bad_ip_checksum().udp(1, 2).build());                               // ipv4_bad_checksum
    next(to_vip().ip_total_len(60).udp(1, 2).build());                                // ipv4_bad_total_length
    next(to_vip().ip_options({0x07, 0x01, 0x00, 0x00}).udp(1, 2).build());            // ipv4_bad_options
    next(to_vip().ip_protocol(6).payload_size(19).build());                           // tcp_too_short
    next(to_vip().tcp(40004, 80, tf::syn).tcp_doff(4).build());                       // tcp_bad_offset
    next(to_vip().ip_protocol(17).payload_size(7).build());                           // udp_too_short
    next(to_vip().udp(1, 2).udp_length(20).payload("abc").build());                   // udp_bad_length
    next(to_vip().ip_protocol(1).payload_size(7).build());                            // icmp_too_short
    next(to_vip().icmp_port_unreachable(std::vector<std::uint8_t>(quote.begin(), quote.begin() + 10)).build());  // icmp_inner_malformed
    next(FrameBuilder{}.eth(me, kDirectorEth0).ipip(client, kVip).ipv4("3.3.3.3", "4.4.4.4").bad_ip_checksum()
             .udp(1, 2).build());                                                     // ipip_inner_malformed

    // neigh_queue_full and neigh_unresolved: 141 full-sized frames for 172.16.10.77 (on eth1's wire, never
    // answering). The queue holds unres_qlen_bytes = 212992 bytes: 140 frames of 1514 bytes; the 141st
    // pushes the oldest out. The other 140 are dropped when the third ARP request goes unanswered.
    for (int k = 0; k < 141; ++k)
        c.add(4.0 + 0.001 * k, to(test::ip("172.16.10.77")).id(static_cast<std::uint16_t>(k)).udp(7000, 7000)
                                   .payload_size(1472, 0).build());
    // frag_needed: eth1's MTU becomes 576 at 8.0 s; a DF datagram of 1028 bytes for a real server.
    c.add(8.1, to(rs1).df().udp(7001, 7001).payload_size(1000, 0).build());
    // ip_forward_disabled: ip_forward becomes 0 at 8.2 s.
    c.add(8.3, to(rs1).udp(7002, 7002).build());
    // port_down: eth0 goes down at 8.4 s.
    c.add(8.5, to_vip().udp(7003, 7003).build());
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "pcaps";
    for (const char* sub : {"nat", "dr", "tun", "persist", "udp", "weight", "matrix", "drops"}) {
        std::error_code ec;
        std::filesystem::create_directories(dir + "/" + sub, ec);
    }
    const Capture clients = guide_clients();
    bool ok = clients.write(dir + "/nat/client.pcap") && clients.write(dir + "/dr/client.pcap") &&
              clients.write(dir + "/tun/client.pcap") && persistent_clients().write(dir + "/persist/client.pcap") &&
              udp_clients().write(dir + "/udp/client.pcap") && steady_clients().write(dir + "/weight/client.pcap") &&
              matrix_clients().write(dir + "/matrix/client.pcap") && drop_frames().write(dir + "/drops/client.pcap");
    if (ok) std::printf("wrote %s/{nat,dr,tun,persist,udp,weight,matrix,drops}/client.pcap\n", dir.c_str());
    return ok ? 0 : 1;
}
