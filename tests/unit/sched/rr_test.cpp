// rr (ip_vs_rr.c). Derivations: the list is newest first; the scan starts after the cursor and,
// when the cursor is a dest, wraps once up to and including it; the first dest with weight > 0 and
// no OVERLOAD wins. del_dest moves a deleted cursor to its predecessor (p->next->prev).
#include <catch2/catch.hpp>

#include "sched_lab.hpp"

using tapvs::test::SchedLab;

TEST_CASE("rr: cycles in kernel list order, newest dest first", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    REQUIRE(lab.order() == "CBA");
    CHECK(lab.picks(7) == "CBACBAC");
}

TEST_CASE("rr: weights only matter as > 0, weight 0 and OVERLOAD are passed over", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 5);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.picks(3) == "CBA");  // weight 5 gets no extra turns
    lab.edit("B", 0);
    CHECK(lab.picks(4) == "CACA");
    lab["A"].overload = true;
    CHECK(lab.picks(2) == "CC");
    lab["C"].overload = true;
    CHECK(lab.pick() == "-");  // B weight 0, A and C overloaded
}

TEST_CASE("rr: a service with no usable dest has no destination", "[sched][rr]") {
    SchedLab lab("rr");
    CHECK(lab.pick() == "-");
    lab.add("A", 0);
    CHECK(lab.pick() == "-");
}

TEST_CASE("rr: a dest added at the head is reached after the wrap", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.picks(2) == "BA");  // list BA, cursor on A (the last)
    lab.add("C", 1);              // list CBA; rr has no add_dest hook, the cursor stays on A
    CHECK(lab.picks(3) == "CBA");
}

TEST_CASE("rr: adding mid-cycle does not restart the cycle", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.pick() == "C");  // cursor on C (position 1 of CBA)
    lab.add("D", 1);           // list DCBA, cursor still on C
    CHECK(lab.picks(4) == "BADC");
}

TEST_CASE("rr: deleting the cursor's dest moves the cursor to its predecessor", "[sched][rr]") {
    // List CBA; picks C, B leave the cursor on B. -d B: cursor = B's predecessor C, so the next
    // pick is the dest after C in the new list CA, i.e. A. (A cursor kept as "position 2" would
    // have wrapped to C instead.)
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.picks(2) == "CB");
    lab.del("B");
    CHECK(lab.picks(3) == "ACA");
}

TEST_CASE("rr: deleting the first dest while it is the cursor goes back to the head", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.pick() == "C");
    lab.del("C");  // C's predecessor is the list head
    CHECK(lab.picks(3) == "BAB");
}

TEST_CASE("rr: deleting another dest leaves the cursor where it is", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.picks(2) == "CB");
    lab.del("A");  // after the cursor: the next pick wraps to C
    CHECK(lab.picks(3) == "CBC");
}

TEST_CASE("rr: the second pass includes the cursor's own dest", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.picks(2) == "CB");
    lab["A"].overload = true;  // after B: A skipped; wrap: C skipped, B (the cursor) taken
    lab["C"].overload = true;
    CHECK(lab.picks(2) == "BB");
}

TEST_CASE("rr: a re-added dest comes back at the head", "[sched][rr]") {
    SchedLab lab("rr");
    lab.add("A", 1);
    lab.add("B", 1);
    CHECK(lab.pick() == "B");  // cursor B
    lab.del("A");              // list B
    lab.add("A", 1);           // from the trash, at the head: list AB
    REQUIRE(lab.order() == "AB");
    CHECK(lab.picks(3) == "ABA");  // after B: end; wrap: A
}
