// lblcr (ip_vs_lblcr.c). Each daddr caches a set of dests (new members at the head). A hit takes
// the set's weighted least loaded member (ip_vs_dest_set_min); if the set has more than one
// member and now > lastmod + lblcr_expiration, the most loaded member (ip_vs_dest_set_max) is
// dropped, but the member chosen before is still the answer unless is_overloaded(). Otherwise wlc
// over the service picks a dest that joins the set.
#include <catch2/catch.hpp>

#include "core/sched/schedulers.hpp"
#include "sched_lab.hpp"

using tapvs::core::seconds;
using tapvs::core::Timestamp;
using tapvs::core::sched::LblcrScheduler;
using tapvs::test::SchedLab;

namespace {
Timestamp at_s(std::int64_t s) { return Timestamp{} + seconds(s); }
std::string set_of(SchedLab& lab, const char* daddr = "10.0.0.100") {
    std::string s;
    for (const auto* d : lab.as<LblcrScheduler>().cached_set(*tapvs::net::Ipv4Addr::parse(daddr))) s += lab.name_of(d);
    return s;
}
}  // namespace

TEST_CASE("lblcr: a miss caches the wlc choice as a one-member set", "[sched][lblcr]") {
    SchedLab lab("lblcr");
    lab.add("A", 1);
    lab.add("B", 1);  // list B A
    CHECK(lab.pick() == "B");
    CHECK(set_of(lab) == "B");
    lab.conns("B", 1);  // wlc would say A, but the set's least loaded member B is not overloaded
    CHECK(lab.pick() == "B");
    CHECK(lab["B"].refcnt == 1);
}

TEST_CASE("lblcr: an overloaded member makes wlc add a dest to the set", "[sched][lblcr]") {
    SchedLab lab("lblcr");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.pick() == "B");
    lab.conns("B", 2);  // 2 > 1 and A: 0*2 < 1 -> overloaded; wlc: A
    CHECK(lab.pick() == "A");
    CHECK(set_of(lab) == "AB");  // the new member goes to the head
    lab.conns("A", 1);           // set_min: A 256/1 vs B 512/1 -> A; not overloaded (1 > 1 false)
    CHECK(lab.pick() == "A");
    lab.conns("A", 3);  // A 768 vs B 512: B; B 2 > 1 and nobody half idle (A 6 < 1, B 4 < 1 false)
    CHECK(lab.pick() == "B");
    CHECK(set_of(lab) == "AB");
}

TEST_CASE("lblcr: members that were deleted are skipped by set_min", "[sched][lblcr]") {
    SchedLab lab("lblcr");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.pick() == "B");
    lab.del("B");
    CHECK(lab["B"].refcnt == 1);  // still a member: it stays in the trash
    CHECK(lab.pick() == "A");     // set_min finds no AVAILABLE member: wlc -> A joins
    CHECK(set_of(lab) == "AB");
}

TEST_CASE("lblcr: after lblcr_expiration the most loaded member leaves the set", "[sched][lblcr]") {
    SchedLab lab("lblcr");
    lab.sysctl.lblcr_expiration_s = 100;
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.pick() == "B");
    lab.conns("B", 2);
    CHECK(lab.pick() == "A");  // set AB, lastmod 0
    lab.conns("B", 1);
    lab.at(at_s(100));
    CHECK(lab.pick() == "A");  // 100 > 0 + 100 is false: nothing dropped
    CHECK(set_of(lab) == "AB");
    lab.at(at_s(101));
    CHECK(lab.pick() == "A");  // set_max: A 0/1 vs B 256/1 -> B dropped
    CHECK(set_of(lab) == "A");
    CHECK(lab["B"].refcnt == 0);
}

TEST_CASE("lblcr: the member chosen before the drop is returned even if it was dropped", "[sched][lblcr]") {
    // Set {A, Z}: Z at weight 0. set_min -> A; set_max -> A too (the first member with weight > 0,
    // and Z cannot replace it with dw = 0). A leaves the set, yet A is the answer.
    SchedLab lab("lblcr");
    lab.sysctl.lblcr_expiration_s = 100;
    lab.add("A", 1);
    lab.add("Z", 1);  // list Z A
    CHECK(lab.pick() == "Z");
    lab.conns("Z", 2);
    CHECK(lab.pick() == "A");  // set AZ
    lab.conns("Z", 0);
    lab.edit("Z", 0);
    lab.at(at_s(200));
    CHECK(lab.pick() == "A");
    CHECK(set_of(lab) == "Z");
    CHECK(lab.pick() == "A");  // set_min({Z}) finds nothing (weight 0): wlc -> A joins again
    CHECK(set_of(lab) == "AZ");
}

TEST_CASE("lblcr: entries expire like lblc's, with lblcr_expiration", "[sched][lblcr]") {
    SchedLab lab("lblcr");
    lab.sysctl.lblcr_expiration_s = 1800;
    lab.add("A", 1);
    CHECK(lab.pick() == "A");
    lab.at(at_s(1799));
    lab.timer();
    CHECK(set_of(lab) == "A");
    lab.at(at_s(1800));
    lab.timer();  // full check at 1800: 1800 >= 0 + 1800
    CHECK(set_of(lab).empty());
    CHECK(lab.as<LblcrScheduler>().table().entries() == 0);
    CHECK(lab["A"].refcnt == 0);
}

TEST_CASE("lblcr: no usable dest gives no destination and caches nothing", "[sched][lblcr]") {
    SchedLab lab("lblcr");
    lab.add("A", 0);
    CHECK(lab.pick() == "-");
    CHECK(lab.as<LblcrScheduler>().table().size() == 0);
}

TEST_CASE("lblcr: done_service drops the sets and their references", "[sched][lblcr]") {
    SchedLab lab("lblcr");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.pick() == "B");
    CHECK(lab.pick_to("10.0.0.7") == "B");
    CHECK(lab["B"].refcnt == 2);
    lab.set_scheduler("rr");
    CHECK(lab["B"].refcnt == 0);
}
