// sed (ip_vs_sed.c): as wlc with overhead = activeconns + 1 (inactive conns ignored).
#include <catch2/catch.hpp>

#include "sched_lab.hpp"

using tapvs::test::SchedLab;

TEST_CASE("sed: kernel cases", "[sched][sed]") {
    struct Row {
        const char* what;
        int wa;
        std::uint32_t aa, ia;
        int wb;
        std::uint32_t ab, ib;
        const char* expected;
    };
    const Row rows[] = {
        // A (0+1)/1 = 1 vs B (1+1)/1 = 2: A, although A has 1000 inactive conns.
        {"inactive conns are ignored", 1, 0, 1000, 1, 1, 0, "A"},
        // A (0+1)/1 vs B (1+1)/3: 1*3 > 2*1 -> B. (wlc would keep idle A: 0 vs 256/3.)
        {"the incoming conn counts: a busier but bigger dest wins", 1, 0, 0, 3, 1, 0, "B"},
        // A (1+1)/2 vs B (0+1)/1: 2*1 > 1*2 is false -> A.
        {"ties go to the first dest in list order", 2, 1, 0, 1, 0, 0, "A"},
        {"weight 0 in stage 1 is skipped", 0, 0, 0, 1, 5, 0, "B"},
        {"weight 0 in stage 2 cannot win", 1, 5, 0, 0, 0, 0, "A"},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        SchedLab lab("sed");
        lab.add("B", r.wb);
        lab.add("A", r.wa);
        lab.conns("A", r.aa, r.ia);
        lab.conns("B", r.ab, r.ib);
        CHECK(lab.pick() == r.expected);
    }
}

TEST_CASE("sed: OVERLOAD is skipped and nothing usable gives no destination", "[sched][sed]") {
    SchedLab lab("sed");
    lab.add("B", 1);
    lab.add("A", 1);
    lab["A"].overload = true;
    lab.conns("B", 100);
    CHECK(lab.pick() == "B");
    lab["B"].overload = true;
    CHECK(lab.pick() == "-");
}
