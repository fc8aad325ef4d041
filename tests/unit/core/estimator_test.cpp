// The rate estimator (ip_vs_est.c) by hand: 2 s samples, a quarter of the way to each new rate,
// conns and packets x 2^10, bytes x 2^5, read back with the kernel's rounding.
#include <catch2/catch.hpp>

#include "tapvs/core/estimator.hpp"
#include "tapvs/core/ipvs.hpp"

using namespace tapvs;
using namespace tapvs::core;

TEST_CASE("estimator: a steady 100 conn/s and 3000 B/s climb as the kernel's average does", "[core][estimator]") {
    Estimator e;
    Stats s;
    // Per 2 s: 200 connections, rate = 200 << 9 = 102400 (100 x 2^10).
    // cps: 0 -> 25600 (reads 25) -> 44800 (44) -> 59200 (58).
    const std::uint64_t want_cps[] = {25, 44, 58};
    for (std::uint64_t want : want_cps) {
        s.conns += 200;
        s.inbytes += 6000;  // 6000 << 4 = 96000 (3000 x 2^5)
        e.sample(s);
        CHECK(e.read().cps == want);
    }
    CHECK(e.cps == 59200);
    // inbps after one tick: 24000, read (24000 + 15) >> 5 = 750; after three: 24000, 42000, 55500.
    CHECK(e.inbps == 55500);
    CHECK(e.read().inbps == 1734);  // (55500 + 15) >> 5
    CHECK(e.read().outbps == 0);
}

TEST_CASE("estimator: a falling rate rounds towards minus infinity and reaches 0", "[core][estimator]") {
    Estimator e;
    e.cps = 3;  // a remainder a division by 4 would keep for ever
    const Stats idle;
    e.sample(idle);  // 3 + (-3 >> 2) = 3 - 1
    CHECK(e.cps == 2);
    e.sample(idle);
    CHECK(e.cps == 1);
    e.sample(idle);
    CHECK(e.cps == 0);
    e.sample(idle);
    CHECK(e.cps == 0);

    e.inpps = 44800;  // 44800 + (-44800 >> 2) = 33600, read 33
    e.sample(idle);
    CHECK(e.read().inpps == 33);
}

TEST_CASE("estimator: zero() makes the current counters the base", "[core][estimator]") {
    Estimator e;
    Stats s{1000, 1000, 1000, 1000, 1000};
    e.sample(s);
    CHECK(e.read().cps > 0);
    e.zero(s);
    CHECK(e.read() == RateEstimate{});
    e.sample(s);  // nothing new since the base
    CHECK(e.read() == RateEstimate{});
}

namespace {
ServiceKey web() { return ServiceKey{0, Proto::tcp, net::ipv4(192, 168, 1, 10), 80}; }
}  // namespace

TEST_CASE("ipvs: the estimation timer ticks every 2 s from the first service, in order across gaps",
          "[core][estimator]") {
    Ipvs ipvs;
    const Timestamp t0 = Timestamp::from_seconds(100);
    ServiceUser u;
    u.key = web();
    u.sched_name = "rr";
    REQUIRE(ipvs.add_service(u, t0) == IpvsErr::ok);
    DestUser d;
    d.addr = net::ipv4(172, 16, 10, 100);
    d.port = 80;
    d.fwd = FwdMethod::masq;
    REQUIRE(ipvs.add_dest(web(), d, t0) == IpvsErr::ok);
    VirtualService& svc = *ipvs.find_service(web());
    RealServer& rs = *svc.destinations.front();
    CHECK(ipvs.next_timer() <= t0 + seconds(2));

    svc.stats.conns = rs.stats.conns = 200;
    ipvs.expire(t0 + seconds(2) - Duration{1});
    CHECK(svc.est.read().cps == 0);
    ipvs.expire(t0 + seconds(2));
    CHECK(svc.est.read().cps == 25);
    CHECK(rs.est.read().cps == 25);

    // A jump of 8 s is four ticks with nothing new: the same as four samples by hand.
    Estimator by_hand = svc.est;
    for (int i = 0; i < 4; ++i) by_hand.sample(svc.stats);
    ipvs.expire(t0 + seconds(10) + Duration{1});
    CHECK(svc.est.cps == by_hand.cps);
    CHECK(svc.est.read().cps == 8);  // 25600 -> 19200 -> 14400 -> 10800 -> 8100

    // -Z: counters and rates to 0; the next tick sees only what came after.
    REQUIRE(ipvs.zero(nullptr) == IpvsErr::ok);
    CHECK(svc.est.read() == RateEstimate{});
    CHECK(rs.est.read() == RateEstimate{});
    svc.stats.inpkts = 400;
    ipvs.expire(t0 + seconds(12));
    CHECK(svc.est.read().inpps == 50);  // 400 << 9 >> 2 = 51200, read 50
    CHECK(svc.est.read().cps == 0);
}
