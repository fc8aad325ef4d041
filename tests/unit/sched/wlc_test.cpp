// wlc (ip_vs_wlc.c): overhead/weight compared as (s64)loh * dw > (s64)doh * lw (strict: ties keep
// the earlier dest). Stage 1 takes the first !OVERLOAD dest with weight > 0; stage 2 skips only
// OVERLOAD (a weight-0 dest cannot win since loh * 0 > x is false).
#include <catch2/catch.hpp>

#include "sched_lab.hpp"

using tapvs::test::SchedLab;

namespace {
struct Row {
    const char* what;
    int wa;
    std::uint32_t aa, ia;
    bool oa;
    int wb;
    std::uint32_t ab, ib;
    bool ob;
    const char* expected;
};
}  // namespace

TEST_CASE("wlc: kernel cases", "[sched][wlc]") {
    const Row rows[] = {
        {"both idle: the list head wins", 1, 0, 0, false, 1, 0, 0, false, "A"},
        // A 256/1, B 512/3: 256*3 = 768 > 512*1 = 512 -> B.
        {"load is overhead per weight", 1, 1, 0, false, 3, 2, 0, false, "B"},
        // A 1/1, B 2/2: 1*2 > 2*1 is false -> A stays.
        {"ties go to the first dest in list order", 1, 0, 1, false, 2, 0, 2, false, "A"},
        // A 256/1 vs B 255/1: inactive conns count 1, active 256.
        {"active conns weigh 256 inactive ones", 1, 1, 0, false, 1, 0, 255, false, "B"},
        {"OVERLOAD is skipped in stage 1", 5, 0, 0, true, 1, 3, 0, false, "B"},
        {"OVERLOAD is skipped in stage 2", 1, 4, 0, false, 9, 0, 0, true, "A"},
        {"weight 0 is skipped in stage 1", 0, 0, 0, false, 1, 7, 0, false, "B"},
        // Stage 2 does not test weight: B (weight 0, idle) is compared but 5*0 > 0*1 is false.
        {"weight 0 cannot win in stage 2", 1, 0, 5, false, 0, 0, 0, false, "A"},
        {"nothing usable", 0, 0, 0, false, 3, 0, 0, true, "-"},
        // A: overhead 2560000 weight 1000; B: overhead 2560001 weight 65535.
        // 64-bit: 2560000*65535 = 167769600000 > 2560001*1000 = 2560001000 -> B.
        // (32-bit products would wrap to 265875456 < 2560001000 and keep A.)
        {"products are 64-bit", 1000, 10000, 0, false, 65535, 10000, 1, false, "B"},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        SchedLab lab("wlc");
        lab.add("B", r.wb);
        lab.add("A", r.wa);
        lab.conns("A", r.aa, r.ia);
        lab.conns("B", r.ab, r.ib);
        lab["A"].overload = r.oa;
        lab["B"].overload = r.ob;
        CHECK(lab.pick() == r.expected);
    }
}

TEST_CASE("wlc: ties go to the first dest in list order", "[sched][wlc]") {
    // Added A, B, C: the list is C B A, so an idle service always starts with C.
    SchedLab lab("wlc");
    lab.add("A", 2);
    lab.add("B", 2);
    lab.add("C", 2);
    CHECK(lab.pick() == "C");
    lab.conns("C", 1);  // C 256/2; B 0/2: 256*2 > 0*2 -> B
    CHECK(lab.pick() == "B");
    lab.conns("B", 1);  // B 256/2 ties C: stays C; A 0/2 -> A
    CHECK(lab.pick() == "A");
    lab.conns("A", 1);  // all 256/2: C
    CHECK(lab.pick() == "C");
}

TEST_CASE("wlc: weights share new conns in proportion", "[sched][wlc]") {
    // Feed the picks back as active conns: weights 3 and 1 end 3:1.
    SchedLab lab("wlc");
    lab.add("A", 1);
    lab.add("B", 3);
    for (int i = 0; i < 40; ++i) {
        const std::string d = lab.pick();
        lab[d].activeconns++;
    }
    CHECK(lab["B"].activeconns == 30);
    CHECK(lab["A"].activeconns == 10);
}
