// lblc (ip_vs_lblc.c). A hit keeps its dest while it is AVAILABLE, has weight > 0 and is not
// is_overloaded() (activeconns > weight while some dest has activeconns*2 < weight); the OVERLOAD
// flag is not looked at. A miss (or an invalid hit) runs wlc over the service and caches the
// result. GC: a 60 s timer; counter from 1, a full check every 30th tick removes entries with
// now >= lastuse + lblc_expiration; above 16384 entries, idle (>= 6 min) entries go bucket by bucket.
#include <catch2/catch.hpp>

#include "core/sched/schedulers.hpp"
#include "sched_lab.hpp"

using tapvs::core::seconds;
using tapvs::core::Timestamp;
using tapvs::core::sched::LblcScheduler;
using tapvs::test::SchedLab;

namespace {
constexpr auto kVip = "10.0.0.100";
Timestamp at_s(std::int64_t s) { return Timestamp{} + seconds(s); }
std::string cached(SchedLab& lab, const char* daddr = kVip) {
    return lab.name_of(lab.as<LblcScheduler>().cached(*tapvs::net::Ipv4Addr::parse(daddr)));
}
}  // namespace

TEST_CASE("lblc: a miss runs wlc and caches the choice, a hit keeps it", "[sched][lblc]") {
    SchedLab lab("lblc");
    lab.add("A", 1);
    lab.add("B", 1);  // list B A
    CHECK(cached(lab) == "-");
    CHECK(lab.pick() == "B");  // wlc: both idle, list head
    CHECK(cached(lab) == "B");
    CHECK(lab["B"].refcnt == 1);  // the entry holds the dest (ip_vs_dest_hold)
    lab.conns("B", 1);            // wlc would now say A; B: 1 active is not > weight 1
    CHECK(lab.pick() == "B");
    CHECK(lab.pick_to("10.0.0.200") == "A");  // another daddr: its own miss, wlc -> A
    CHECK(lab.as<LblcScheduler>().table().size() == 2);
}

TEST_CASE("lblc: the OVERLOAD flag of a cached dest is not checked", "[sched][lblc]") {
    SchedLab lab("lblc");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.pick() == "B");
    lab["B"].overload = true;
    CHECK(lab.pick() == "B");
}

TEST_CASE("lblc: is_overloaded needs more active conns than weight AND a half-idle dest", "[sched][lblc]") {
    SchedLab lab("lblc");
    lab.add("A", 2);
    lab.add("B", 1);            // list B A
    CHECK(lab.pick() == "B");   // wlc: 0*2 > 0*1 is false, B stays
    lab.conns("B", 2);
    lab.conns("A", 1);  // B 2 > 1, but A: 1*2 < 2 is false, B: 4 < 1 false -> not overloaded
    CHECK(lab.pick() == "B");
    lab.conns("A", 0);  // A: 0*2 < 2 -> B is overloaded: wlc over the service -> A (512*2 > 0*1)
    CHECK(lab.pick() == "A");
    CHECK(cached(lab) == "A");
    CHECK(lab["B"].refcnt == 0);
    CHECK(lab["A"].refcnt == 1);
    // ip_vs_lblc_new() unlinked B's entry without entries--: the kernel's counter drifted to 2.
    CHECK(lab.as<LblcScheduler>().table().size() == 1);
    CHECK(lab.as<LblcScheduler>().table().entries() == 2);
}

TEST_CASE("lblc: a cached dest that was deleted or set to weight 0 is replaced", "[sched][lblc]") {
    SchedLab lab("lblc");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.pick() == "B");
    lab.edit("B", 0);
    CHECK(lab.pick() == "A");
    lab.edit("B", 1);
    lab.del("A");
    CHECK(lab["A"].refcnt == 1);  // still cached: it stays in the trash
    CHECK(lab.pick() == "B");
    CHECK(lab["A"].refcnt == 0);
    lab.del("B");
    CHECK(lab.pick() == "-");  // nothing to schedule; the stale entry stays
    CHECK(cached(lab) == "B");
}

TEST_CASE("lblc: entries expire at the first full check after lastuse + lblc_expiration", "[sched][lblc]") {
    // Timer ticks every 60 s from init (t = 0); counter 1..30, full checks at ticks 30, 60, 90...
    // i.e. t = 1800, 3600, 5400, 7200 s.
    SchedLab lab("lblc");
    lab.sysctl.lblc_expiration_s = 3600;
    lab.add("A", 1);
    CHECK(lab.pick() == "A");  // lastuse 0
    lab.at(at_s(1799));
    lab.timer();
    CHECK(lab.as<LblcScheduler>().table().counter() == 30);
    lab.at(at_s(3599));
    lab.timer();  // full check at 1800: 1800 < 0 + 3600, kept
    CHECK(cached(lab) == "A");
    CHECK(lab.as<LblcScheduler>().table().counter() == 30);
    lab.at(at_s(3600));
    lab.timer();  // full check at 3600: 3600 >= 3600, removed
    CHECK(cached(lab) == "-");
    CHECK(lab.as<LblcScheduler>().table().entries() == 0);
    CHECK(lab["A"].refcnt == 0);
}

TEST_CASE("lblc: a hit refreshes lastuse and so postpones expiry", "[sched][lblc]") {
    SchedLab lab("lblc");
    lab.sysctl.lblc_expiration_s = 3600;
    lab.add("A", 1);
    CHECK(lab.pick() == "A");
    lab.at(at_s(3000));
    CHECK(lab.pick() == "A");  // hit: lastuse = 3000, expires at 6600 -> removed by the 7200 check
    lab.at(at_s(7199));
    lab.timer();
    CHECK(cached(lab) == "A");
    lab.at(at_s(7200));
    lab.timer();
    CHECK(cached(lab) == "-");
}

TEST_CASE("lblc: the default expiration is 24 hours", "[sched][lblc]") {
    SchedLab lab("lblc");
    lab.add("A", 1);
    CHECK(lab.pick() == "A");
    lab.at(at_s(86399));
    lab.timer();  // last full check at 84600
    CHECK(cached(lab) == "A");
    lab.at(at_s(86400));
    lab.timer();
    CHECK(cached(lab) == "-");
}

TEST_CASE("lblc: above 16384 entries idle ones are collected bucket by bucket", "[sched][lblc]") {
    // 16400 daddrs 10.0.0.0 + i at t = 0. Every tick sees entries > max_size, so the counter stays
    // at 1 and a partial collection runs: goal = (16400 - 16384) * 4 / 3 = 21 entries idle for
    // >= 360 s. None is idle before t = 360. At 360 buckets 1, 2, ... are emptied until the goal is
    // met: hash_32(addr, 10) puts 16 of these daddrs in bucket 1 and 16 in bucket 2 -> 32 removed,
    // rover = 2. Then 16368 <= 16384 and the counter runs again.
    SchedLab lab("lblc");
    lab.add("A", 1);
    tapvs::core::SchedPacket p = SchedLab::packet();
    for (std::uint32_t i = 0; i < 16400; ++i) {
        p.daddr = tapvs::net::Ipv4Addr{0x0a000000u + i};
        REQUIRE(lab.pick(p) == "A");
    }
    const auto& t = lab.as<LblcScheduler>().table();
    CHECK(t.size() == 16400);
    CHECK(lab["A"].refcnt == 16400);
    lab.at(at_s(359));
    lab.timer();
    CHECK(t.size() == 16400);
    CHECK(t.counter() == 1);
    lab.at(at_s(360));
    lab.timer();
    CHECK(t.size() == 16400 - 32);
    CHECK(t.entries() == 16400 - 32);
    CHECK(t.rover() == 2);
    CHECK(t.counter() == 1);
    lab.at(at_s(420));
    lab.timer();
    CHECK(t.counter() == 2);
    CHECK(lab["A"].refcnt == 16400 - 32);
}

TEST_CASE("lblc: done_service drops every entry and its references", "[sched][lblc]") {
    SchedLab lab("lblc");
    lab.add("A", 1);
    CHECK(lab.pick() == "A");
    CHECK(lab["A"].refcnt == 1);
    lab.set_scheduler("wlc");
    CHECK(lab["A"].refcnt == 0);
}
