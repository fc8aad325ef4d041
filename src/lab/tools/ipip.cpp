// tapvs lab tool ipip: a TUN real server's IP-in-IP decapsulation in userspace, for kernels without
// the ipip module (include/tapvs/lab/tools.hpp). The kernel's ipip receive path (ipip_rcv) strips the
// outer header and hands the inner packet to the stack as received on tunl0; here a raw IPPROTO_IPIP
// socket receives the packets addressed to this host (with a raw socket bound to the protocol, the
// kernel sends no protocol-unreachable), and the inner packet is written into a TAP named like the
// kernel's tunnel, so rp_filter, the VIP configured on it and everything after apply as they would.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/tools/stop_signal.hpp"
#include "tapvs/lab/tools.hpp"

namespace tapvs::lab {

int run_ipip(const std::string& tunnel, std::ostream& out, std::ostream& err) {
    catch_stop_signals();
    if (tunnel.empty() || tunnel.size() >= IFNAMSIZ) {
        err << "tapvs lab tool ipip: bad tunnel name '" << tunnel << "'\n";
        return 2;
    }
    const int tap = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    std::memcpy(ifr.ifr_name, tunnel.data(), tunnel.size());
    if (tap < 0 || ::ioctl(tap, TUNSETIFF, &ifr) < 0) {
        err << "tapvs lab tool ipip: " << tunnel << ": " << std::strerror(errno) << "\n";
        return 1;
    }
    ::ioctl(tap, TUNSETOFFLOAD, 0UL);
    const int raw = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPIP);
    if (raw < 0) {
        err << "tapvs lab tool ipip: raw socket: " << std::strerror(errno) << "\n";
        return 1;
    }
    const int query = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);  // for the tunnel's MAC
    out << "ready" << std::endl;
    // Frames into the TAP go to the tunnel's own MAC, read again at most once a second (an
    // `ip link set tunl0 address ...` takes effect then) rather than once per packet.
    unsigned char mac[6] = {};
    bool have_mac = false;
    auto mac_read_at = std::chrono::steady_clock::time_point{};
    unsigned char frame[14 + 65536];
    std::uint64_t decapsulated = 0, dropped = 0;
    while (!g_stop) {
        pollfd pfd[2] = {{raw, POLLIN, 0}, {tap, POLLIN, 0}};
        if (::poll(pfd, 2, 200) <= 0) continue;
        if (pfd[1].revents & POLLIN) {  // the stack sending out of the tunnel: nowhere to go, as on tunl0
            unsigned char sink[65536];
            while (::read(tap, sink, sizeof sink) > 0) {}
        }
        if (!(pfd[0].revents & POLLIN)) continue;
        const ssize_t n = ::recv(raw, frame + 14, sizeof frame - 14, 0);
        if (n < 20) continue;
        const std::size_t outer = (frame[14] & 0x0f) * 4u;
        if (static_cast<std::size_t>(n) < outer + 20 || frame[14 + 9] != IPPROTO_IPIP || (frame[14 + outer] >> 4) != 4) {
            ++dropped;
            continue;
        }
        const std::size_t inner_len = static_cast<std::size_t>(n) - outer;
        unsigned char* eth = frame + 14 + outer - 14;
        if (const auto now = std::chrono::steady_clock::now(); now - mac_read_at > std::chrono::seconds(1)) {
            ifreq hw{};
            std::memcpy(hw.ifr_name, tunnel.data(), tunnel.size());
            have_mac = query >= 0 && ::ioctl(query, SIOCGIFHWADDR, &hw) == 0;
            if (have_mac) std::memcpy(mac, hw.ifr_hwaddr.sa_data, 6);
            mac_read_at = now;
        }
        if (!have_mac) {
            ++dropped;
            continue;
        }
        std::memcpy(eth, mac, 6);
        const unsigned char src[6] = {0x02, 0x00, 0x5e, 0x00, 0x04, 0x04};  // the tunnel's far end, for the record
        std::memcpy(eth + 6, src, 6);
        eth[12] = 0x08, eth[13] = 0x00;
        if (::write(tap, eth, 14 + inner_len) < 0)
            ++dropped;  // EIO: the tunnel is down (no `ifconfig tunl0 ... up` yet)
        else
            ++decapsulated;
    }
    out << fmt::format("ipip {}: {} packets decapsulated, {} dropped\n", tunnel, decapsulated, dropped);
    if (query >= 0) ::close(query);
    ::close(raw);
    ::close(tap);
    return 0;
}

}  // namespace tapvs::lab
