#include <catch2/catch.hpp>

#include <vector>

#include "tapvs/core/neigh.hpp"

using namespace tapvs;
using namespace tapvs::core;

namespace {
Timestamp at_ms(int ms) { return Timestamp{std::chrono::milliseconds{ms}}; }

// An Ethernet frame holding a minimal IPv4 header from `src`, `len` bytes long in all.
std::vector<std::uint8_t> frame_from(net::Ipv4Addr src, std::size_t len = 60) {
    std::vector<std::uint8_t> f(len);
    f[14] = 0x45;
    net::store_be32(f.data() + 14 + 12, src.host_order);
    return f;
}

struct Events {
    std::vector<net::Ipv4Addr> solicited, failed;
    std::size_t failed_frames = 0;
    void expire(NeighTable& t, Timestamp now) {
        t.expire(
            now, [&](const Neighbour& n) { solicited.push_back(n.addr); },
            [&](const Neighbour& n, std::deque<Neighbour::Waiting> waiting) {
                failed.push_back(n.addr);
                failed_frames += waiting.size();
            });
    }
};
}  // namespace

TEST_CASE("neigh: the first waiting packet starts resolution, later ones only wait", "[core][neigh]") {
    NeighTable t;
    Neighbour& n = t.create(0, net::ipv4(172, 16, 10, 100));
    auto f = frame_from(net::ipv4(192, 168, 1, 50));
    auto none = [](net::ConstBytes) { FAIL("nothing is dropped"); };
    CHECK(t.enqueue(n, f, {}, at_ms(0), none));
    CHECK(n.resolving());
    CHECK(t.next_timer() == at_ms(1000));
    CHECK_FALSE(t.enqueue(n, frame_from(net::ipv4(192, 168, 1, 51)), {}, at_ms(300), none));
    CHECK(n.queue.size() == 2);
    CHECK(n.waiting_source() == net::ipv4(192, 168, 1, 51));
    CHECK(t.next_timer() == at_ms(1000));
}

TEST_CASE("neigh: beyond unres_qlen_bytes the oldest waiting packets are dropped", "[core][neigh]") {
    NeighTable t{NeighParams{seconds(1), 3, 150}};
    Neighbour& n = t.create(1, net::ipv4(10, 0, 0, 1));
    std::vector<net::Ipv4Addr> dropped;
    auto drop = [&](net::ConstBytes ip) { dropped.push_back(net::ConstIpv4View{ip}.src()); };
    for (std::uint8_t i = 1; i <= 4; ++i) t.enqueue(n, frame_from(net::ipv4(192, 168, 1, i)), {}, at_ms(0), drop);
    // 4 x 60 bytes over 150: the first two go, in order.
    REQUIRE(dropped.size() == 2);
    CHECK(dropped[0] == net::ipv4(192, 168, 1, 1));
    CHECK(dropped[1] == net::ipv4(192, 168, 1, 2));
    CHECK(n.queued_bytes == 120);
}

TEST_CASE("neigh: an unanswered entry is asked mcast_solicit times, retrans_time apart, then fails", "[core][neigh]") {
    NeighTable t;
    Neighbour& n = t.create(0, net::ipv4(172, 16, 10, 212));
    t.enqueue(n, frame_from(net::ipv4(192, 168, 1, 50)), {}, at_ms(0), [](net::ConstBytes) {});
    Events ev;
    ev.expire(t, at_ms(999));
    CHECK(ev.solicited.empty());
    ev.expire(t, at_ms(1000));
    CHECK(ev.solicited.size() == 1);
    CHECK(t.next_timer() == at_ms(2000));
    ev.expire(t, at_ms(2000));
    CHECK(ev.solicited.size() == 2);
    CHECK(ev.failed.empty());
    ev.expire(t, at_ms(3000));
    CHECK(ev.solicited.size() == 2);
    REQUIRE(ev.failed.size() == 1);
    CHECK(ev.failed_frames == 1);
    CHECK(n.state == NeighState::failed);
    CHECK(n.queue.empty());
    CHECK(n.queued_bytes == 0);
    CHECK(t.next_timer() == Timestamp{});
}

TEST_CASE("neigh: due entries fire in (port, address) order", "[core][neigh]") {
    NeighTable t;
    for (auto [port, last] : {std::pair<PortId, std::uint8_t>{1, 5}, {0, 9}, {1, 2}, {0, 3}}) {
        Neighbour& n = t.create(port, net::ipv4(10, 0, 0, last));
        t.enqueue(n, frame_from(net::ipv4(192, 168, 1, 50)), {}, at_ms(0), [](net::ConstBytes) {});
    }
    Events ev;
    ev.expire(t, at_ms(1000));
    REQUIRE(ev.solicited.size() == 4);
    CHECK(ev.solicited[0] == net::ipv4(10, 0, 0, 3));
    CHECK(ev.solicited[1] == net::ipv4(10, 0, 0, 9));
    CHECK(ev.solicited[2] == net::ipv4(10, 0, 0, 2));
    CHECK(ev.solicited[3] == net::ipv4(10, 0, 0, 5));
}

TEST_CASE("neigh: an update makes the entry reachable, a permanent one stays as configured", "[core][neigh]") {
    NeighTable t;
    const net::MacAddr a{{0x02, 0, 0, 0, 0, 0x01}}, b{{0x02, 0, 0, 0, 0, 0x02}};
    Neighbour& n = t.create(0, net::ipv4(10, 0, 0, 1));
    t.enqueue(n, frame_from(net::ipv4(192, 168, 1, 50)), {}, at_ms(0), [](net::ConstBytes) {});
    CHECK(t.update(n, a));
    CHECK(n.resolved());
    CHECK_FALSE(t.update(n, a));  // nothing changed
    CHECK(t.update(n, b));
    CHECK(t.take_queue(n).size() == 1);
    CHECK(n.queue.empty());
    n.state = NeighState::permanent;
    CHECK_FALSE(t.update(n, a));
    CHECK(n.mac == b);
}

TEST_CASE("neigh: creating and erasing entries moves the generation, updates do not", "[core][neigh]") {
    NeighTable t;
    const auto g0 = t.generation();
    Neighbour& n = t.create(0, net::ipv4(10, 0, 0, 1));
    const auto g1 = t.generation();
    CHECK(g1 != g0);
    t.update(n, net::MacAddr{{0x02, 0, 0, 0, 0, 0x01}});
    CHECK(t.generation() == g1);
    CHECK(t.find(0, net::ipv4(10, 0, 0, 1)) == &n);
    CHECK(t.find(1, net::ipv4(10, 0, 0, 1)) == nullptr);
    CHECK(t.erase(0, net::ipv4(10, 0, 0, 1)));
    CHECK(t.generation() != g1);
    CHECK_FALSE(t.erase(0, net::ipv4(10, 0, 0, 1)));
    CHECK(t.find(0, net::ipv4(10, 0, 0, 1)) == nullptr);
}
