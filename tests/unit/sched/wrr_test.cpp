// wrr (ip_vs_wrr.c, modern). Derivations use the mark {cl, cw, mw, di}:
//   di = gcd of weights > 0 (1 if none), mw = max weight - (di - 1);
//   init: cl = head, cw = mw; dest_changed (add/del/upd): cl = head, di/mw recomputed,
//   cw = mw if cw > mw or cw == 0, else (cw/di)*di + 1 when di > 1;
//   schedule: from after cl, first !OVERLOAD with weight >= cw; at the list end cw -= di, and
//   cw <= 0 wraps to mw (giving up if that was the last pass or the scan began at the head).
#include <catch2/catch.hpp>

#include "core/sched/schedulers.hpp"
#include "sched_lab.hpp"

using tapvs::core::sched::WrrScheduler;
using tapvs::test::SchedLab;

TEST_CASE("wrr: a fresh mark over weights 3,2,1 gives A A B A B C", "[sched][wrr]") {
    // Dests exist before wrr is bound (-E from rr to wrr): init sees A3 B2 C1 (list ABC):
    // di = 1, mw = 3, cw = 3.
    // cw=3: A | cw=2: A B | cw=1: A B C | wrap cw=3: A ...
    SchedLab lab("rr");
    lab.add("C", 1);
    lab.add("B", 2);
    lab.add("A", 3);
    REQUIRE(lab.order() == "ABC");
    lab.set_scheduler("wrr");
    CHECK(lab.as<WrrScheduler>().di() == 1);
    CHECK(lab.as<WrrScheduler>().mw() == 3);
    CHECK(lab.as<WrrScheduler>().cw() == 3);
    CHECK(lab.picks(12) == "AABABCAABABC");
}

TEST_CASE("wrr: after incremental -a the first round is a cw=1 pass (A B C, then A A B A B C)", "[sched][wrr]") {
    // Empty service: di = 1, mw = 0, cw = 0.
    // -a C1: mw = 1, cw == 0 -> cw = 1.  -a B2: mw = 2, cw = 1 kept.  -a A3: mw = 3, cw = 1 kept.
    // So the first pass is cw = 1 from the head: A B C; then cw wraps to 3.
    SchedLab lab("wrr");
    lab.add("C", 1);
    CHECK(lab.as<WrrScheduler>().cw() == 1);
    lab.add("B", 2);
    lab.add("A", 3);
    CHECK(lab.as<WrrScheduler>().cw() == 1);
    CHECK(lab.as<WrrScheduler>().mw() == 3);
    CHECK(lab.picks(15) == "ABC" "AABABC" "AABABC");
}

TEST_CASE("wrr: the gcd step: weights 4 and 2 go B A, then A B A", "[sched][wrr]") {
    // -a A4: di = 4, mw = 4 - 3 = 1, cw = 1.  -a B2 (list BA): di = 2, mw = 4 - 1 = 3,
    // cw = 1 <= 3 and di > 1 -> cw = (1/2)*2 + 1 = 1.
    // call 1 (from head, cw 1): B.  call 2: A.  call 3: end, cw = -1 -> 3, from head B(2<3), A.
    // call 4: end, cw = 1, from head: B.  call 5: A.  call 6 = call 3 ...
    SchedLab lab("wrr");
    lab.add("A", 4);
    lab.add("B", 2);
    CHECK(lab.as<WrrScheduler>().di() == 2);
    CHECK(lab.as<WrrScheduler>().mw() == 3);
    CHECK(lab.as<WrrScheduler>().cw() == 1);
    CHECK(lab.picks(8) == "BAABAABA");
}

TEST_CASE("wrr: weight 0 is never picked, all weights 0 means no destination", "[sched][wrr]") {
    SchedLab lab("wrr");
    lab.add("A", 0);
    CHECK(lab.as<WrrScheduler>().mw() == 0);
    CHECK(lab.pick() == "-");
    lab.add("B", 2);  // list BA: di = 2, mw = 1, cw = 1
    CHECK(lab.picks(3) == "BBB");
}

TEST_CASE("wrr: all dests overloaded gives no destination, and it recovers", "[sched][wrr]") {
    SchedLab lab("wrr");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.picks(2) == "BA");
    lab["A"].overload = true;
    lab["B"].overload = true;
    CHECK(lab.pick() == "-");
    lab["A"].overload = false;
    CHECK(lab.picks(2) == "AA");
}

TEST_CASE("wrr: -e resets the position to the list head (dest_changed on upd)", "[sched][wrr]") {
    // Fresh A3 B2 C1: A A B leaves cl = B, cw = 2. -e C 1 (same weight): cl = head, cw = 2 kept.
    // From the head with cw 2: A; then B; then end, cw = 1: A; B; C; end, cw 0 -> 3: A.
    // (Without the reset the scan would go on after B: C(1<2), cw = 1, A, B, C.)
    SchedLab lab("rr");
    lab.add("C", 1);
    lab.add("B", 2);
    lab.add("A", 3);
    lab.set_scheduler("wrr");
    CHECK(lab.picks(3) == "AAB");
    CHECK(lab.as<WrrScheduler>().cw() == 2);
    lab.edit("C", 1);
    CHECK(lab.as<WrrScheduler>().cl() == nullptr);
    CHECK(lab.picks(6) == "ABABCA");
}

TEST_CASE("wrr: -d recomputes mw and keeps a cw that still fits", "[sched][wrr]") {
    // Fresh A3 B2 C1: A (cw 3). -d A: list BC, di 1, mw 2, cw 3 > 2 -> cw = 2. From head: B; then
    // end, cw 1: B, C; wrap cw 2: B ...
    SchedLab lab("rr");
    lab.add("C", 1);
    lab.add("B", 2);
    lab.add("A", 3);
    lab.set_scheduler("wrr");
    CHECK(lab.pick() == "A");
    lab.del("A");
    CHECK(lab.as<WrrScheduler>().cw() == 2);
    CHECK(lab.picks(5) == "BBCBB");
}

TEST_CASE("wrr: a change that raises di rounds cw to a multiple of di plus one", "[sched][wrr]") {
    // Fresh A3 B2 (list A B): di 1, mw 3. A (cw 3), A (end: cw 2, from head) -> cw = 2.
    // -e A 4: di = gcd(4, 2) = 2, mw = 4 - 1 = 3, cw = 2 <= 3 and di > 1 -> (2/2)*2 + 1 = 3.
    // From head cw 3: A; end cw 1 (last pass): A; B; end cw -1 -> 3: A.
    // (Keeping cw = 2 would give A B A instead.)
    SchedLab lab("rr");
    lab.add("B", 2);
    lab.add("A", 3);
    lab.set_scheduler("wrr");
    CHECK(lab.picks(2) == "AA");
    CHECK(lab.as<WrrScheduler>().cw() == 2);
    lab.edit("A", 4);
    CHECK(lab.as<WrrScheduler>().di() == 2);
    CHECK(lab.as<WrrScheduler>().cw() == 3);
    CHECK(lab.picks(7) == "AABAABA");
}

TEST_CASE("wrr: mw is the max weight less (di - 1)", "[sched][wrr]") {
    // Fresh A4 B2: di 2, mw = 4 - 1 = 3, cw = 3. Passes cw 3: A; cw 1: A B.
    SchedLab lab("rr");
    lab.add("B", 2);
    lab.add("A", 4);
    lab.set_scheduler("wrr");
    CHECK(lab.as<WrrScheduler>().di() == 2);
    CHECK(lab.as<WrrScheduler>().mw() == 3);
    CHECK(lab.as<WrrScheduler>().cw() == 3);
    CHECK(lab.picks(6) == "AABAAB");
}
