// tapvs lab tool arp and ping: one-shot probes from a lab host (include/tapvs/lab/tools.hpp).
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <set>
#include <string>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tapvs/lab/tools.hpp"

namespace tapvs::lab {

namespace {

using Clock = std::chrono::steady_clock;

std::string mac_text(const unsigned char* m) {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

int ms_until(Clock::time_point t) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

int run_arp_probe(const std::string& iface, const std::string& target, int wait_ms, std::ostream& out,
                  std::ostream& err) {
    in_addr tip{};
    if (::inet_pton(AF_INET, target.c_str(), &tip) != 1) {
        err << "tapvs lab tool arp: bad address " << target << "\n";
        return 2;
    }
    Fd s{::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP))};
    if (s.fd < 0) {
        err << "tapvs lab tool arp: socket: " << std::strerror(errno) << "\n";
        return 1;
    }
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
    if (::ioctl(s.fd, SIOCGIFINDEX, &ifr) < 0) {
        err << "tapvs lab tool arp: " << iface << ": " << std::strerror(errno) << "\n";
        return 1;
    }
    const int ifindex = ifr.ifr_ifindex;
    if (::ioctl(s.fd, SIOCGIFHWADDR, &ifr) < 0) return 1;
    unsigned char my_mac[6];
    std::memcpy(my_mac, ifr.ifr_hwaddr.sa_data, 6);
    in_addr my_ip{};  // the interface's address, or 0.0.0.0 (an ARP probe) when it has none
    {
        Fd u{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
        ifreq a{};
        std::strncpy(a.ifr_name, iface.c_str(), IFNAMSIZ - 1);
        if (::ioctl(u.fd, SIOCGIFADDR, &a) == 0) my_ip = reinterpret_cast<sockaddr_in*>(&a.ifr_addr)->sin_addr;
    }
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_ARP);
    ll.sll_ifindex = ifindex;
    if (::bind(s.fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll) < 0) {
        err << "tapvs lab tool arp: bind: " << std::strerror(errno) << "\n";
        return 1;
    }
    std::array<unsigned char, 42> f{};
    std::memset(f.data(), 0xff, 6);
    std::memcpy(f.data() + 6, my_mac, 6);
    f[12] = 0x08, f[13] = 0x06;                          // ARP
    f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0, f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;  // request
    std::memcpy(f.data() + 22, my_mac, 6);
    std::memcpy(f.data() + 28, &my_ip, 4);
    std::memcpy(f.data() + 38, &tip, 4);
    ll.sll_halen = 6;
    std::memset(ll.sll_addr, 0xff, 6);
    if (::sendto(s.fd, f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&ll), sizeof ll) < 0) {
        err << "tapvs lab tool arp: send: " << std::strerror(errno) << "\n";
        return 1;
    }
    std::set<std::string> seen;
    const auto until = Clock::now() + std::chrono::milliseconds(wait_ms);
    for (int left; (left = ms_until(until)) > 0;) {
        pollfd pfd{s.fd, POLLIN, 0};
        if (::poll(&pfd, 1, left) <= 0) break;
        unsigned char b[1514];
        const ssize_t n = ::recv(s.fd, b, sizeof b, 0);
        if (n < 42 || b[12] != 0x08 || b[13] != 0x06 || b[21] != 2 || std::memcmp(b + 28, &tip, 4) != 0) continue;
        const std::string mac = mac_text(b + 22);
        if (seen.insert(mac).second) out << "reply " << target << " is-at " << mac << "\n" << std::flush;
    }
    return 0;
}

int run_ping(const std::string& target, int count, std::ostream& out, std::ostream& err) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    if (::inet_pton(AF_INET, target.c_str(), &to.sin_addr) != 1) {
        err << "tapvs lab tool ping: bad address " << target << "\n";
        return 2;
    }
    Fd s{::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP)};
    if (s.fd < 0) {
        err << "tapvs lab tool ping: socket: " << std::strerror(errno) << "\n";
        return 1;
    }
    const auto id = static_cast<std::uint16_t>(::getpid());
    int replies = 0;
    for (int seq = 1; seq <= count; ++seq) {
        unsigned char pkt[16] = {ICMP_ECHO, 0, 0, 0, static_cast<unsigned char>(id >> 8), static_cast<unsigned char>(id),
                                 0, static_cast<unsigned char>(seq), 't', 'a', 'p', 'v', 's', 'l', 'a', 'b'};
        std::uint32_t sum = 0;
        for (int i = 0; i < 16; i += 2) sum += static_cast<std::uint32_t>(pkt[i] << 8 | pkt[i + 1]);
        while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
        pkt[2] = static_cast<unsigned char>(~sum >> 8), pkt[3] = static_cast<unsigned char>(~sum);
        const auto t0 = Clock::now();
        ::sendto(s.fd, pkt, sizeof pkt, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
        const auto until = t0 + std::chrono::seconds(1);
        bool got = false;
        for (int left; !got && (left = ms_until(until)) > 0;) {
            pollfd pfd{s.fd, POLLIN, 0};
            if (::poll(&pfd, 1, left) <= 0) break;
            unsigned char b[1500];
            const ssize_t n = ::recv(s.fd, b, sizeof b, 0);
            if (n < 20) continue;
            const std::size_t ihl = (b[0] & 0x0f) * 4u;
            if (static_cast<std::size_t>(n) < ihl + 8 || std::memcmp(b + 12, &to.sin_addr, 4) != 0) continue;
            const unsigned char* icmp = b + ihl;
            if (icmp[0] != ICMP_ECHOREPLY || (icmp[4] << 8 | icmp[5]) != id || icmp[7] != seq) continue;
            got = true;
            ++replies;
            out << fmt::format("reply from {}: icmp_seq={} time={:.2f} ms\n", target, seq,
                               std::chrono::duration<double, std::milli>(Clock::now() - t0).count())
                << std::flush;
        }
        if (!got) out << fmt::format("no reply from {}: icmp_seq={}\n", target, seq) << std::flush;
    }
    return replies ? 0 : 1;
}

}  // namespace tapvs::lab
