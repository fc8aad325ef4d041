// Writes the small captures shipped in pcaps/ (re-run with scripts/make-pcaps.sh; the output is
// deterministic). Each capture is what the director's eth0 would receive from the guide's
// clients (192.168.1.0/24) talking to the virtual service 192.168.1.10:80.
#include <cmath>
#include <cstdio>
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

// One HTTP/1.0 exchange as the client sends it: SYN, ACK, request, FIN, last ACK.
void http_client(Capture& c, int i, std::uint16_t port, double t0) {
    auto seg = [&](std::uint8_t flags, std::uint32_t seq, std::uint32_t ack) {
        FrameBuilder b;
        b.eth(client_mac(i), kDirectorEth0).ipv4(client_ip(i), kVip).ttl(64).id(static_cast<std::uint16_t>(port)).df()
            .tcp(port, 80, flags).seq(seq).ack_seq(ack).window(64240);
        return b;
    };
    const std::string req = "GET / HTTP/1.0\r\nHost: 192.168.1.10\r\n\r\n";
    const auto len = static_cast<std::uint32_t>(req.size());
    c.add(t0, seg(tf::syn, 1000, 0).build());
    c.add(t0 + 0.001, seg(tf::ack, 1001, 5001).build());
    c.add(t0 + 0.002, seg(tf::ack | tf::psh, 1001, 5001).payload(req).build());
    c.add(t0 + 0.010, seg(tf::ack | tf::fin, 1001 + len, 5200).build());
    c.add(t0 + 0.011, seg(tf::ack, 1002 + len, 5201).build());
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

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "pcaps";
    const Capture clients = guide_clients();
    bool ok = clients.write(dir + "/nat/client.pcap") && clients.write(dir + "/dr/client.pcap") &&
              clients.write(dir + "/tun/client.pcap") && persistent_clients().write(dir + "/persist/client.pcap") &&
              udp_clients().write(dir + "/udp/client.pcap") && steady_clients().write(dir + "/weight/client.pcap");
    if (ok) std::printf("wrote %s/{nat,dr,tun,persist,udp,weight}/client.pcap\n", dir.c_str());
    return ok ? 0 : 1;
}
