// A large client-side capture for measuring replay speed (not shipped; scripts/bench-replay.sh makes
// it in /tmp): CONNS TCP connections from distinct clients to 192.168.1.10:80, FRAMES frames in
// all, 10 us apart. The connections go in groups of WINDOW open at once (default: all of them):
// within a group, a SYN each, then data segments round-robin over the group. WINDOW = CONNS is the
// cache's worst case (every frame another connection); a small window is closer to real traffic.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/frame_builder.hpp"
#include "tapvs/io/pcap_file.hpp"

using namespace tapvs;

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fprintf(stderr, "usage: %s CONNS FRAMES OUT.pcap [WINDOW]\n", argv[0]);
        return 2;
    }
    const std::uint32_t conns = static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10));
    const std::uint64_t frames = std::strtoull(argv[2], nullptr, 10);
    std::uint32_t window = argc == 5 ? static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10)) : conns;
    if (window == 0 || window > conns) window = conns;
    auto w = io::PcapWriter::open(argv[3]);
    if (!w || conns == 0) {
        std::fprintf(stderr, "%s\n", w ? "CONNS must be > 0" : w.error().c_str());
        return 1;
    }
    const auto director = test::mac("02:00:00:00:01:00");
    const auto client = test::mac("02:00:00:00:02:00");
    const auto vip = test::ip("192.168.1.10");
    const core::Timestamp start = core::Timestamp::from_us(1767225600LL * 1000000);
    auto frame = [&](std::uint32_t k, std::uint8_t flags) {
        return test::FrameBuilder{}.eth(client, director).ipv4(net::Ipv4Addr{0x0a000000u + k}, vip).id(1)
            .tcp(static_cast<std::uint16_t>(1024 + k % 50000), 80, flags).seq(1).ack_seq(1).payload_size(
                flags & net::tcp_flags::syn ? 0 : 32).build();
    };
    // Two templates per client, patched per frame would be faster; building is fine for a few million.
    const std::uint64_t per_group = frames / ((conns + window - 1) / window);
    for (std::uint64_t i = 0; i < frames; ++i) {
        const std::uint64_t group = i / per_group, j = i % per_group;
        const std::uint32_t size = static_cast<std::uint32_t>(std::min<std::uint64_t>(window, conns - group * window));
        const auto k = static_cast<std::uint32_t>(group * window + j % size);
        const bool first = j < size;
        auto f = frame(k, first ? net::tcp_flags::syn : static_cast<std::uint8_t>(net::tcp_flags::ack | net::tcp_flags::psh));
        w.value()->write(start + std::chrono::microseconds{static_cast<std::int64_t>(i * 10)}, net::ConstBytes{f});
    }
    std::printf("wrote %s: %llu frames over %u connections\n", argv[3], static_cast<unsigned long long>(frames), conns);
    return 0;
}
