// nq (ip_vs_nq.c): one pass; OVERLOAD and weight 0 skipped; the first dest with no active conn
// is taken at once; otherwise sed's (activeconns + 1) / weight with loh*dw > doh*lw.
#include <catch2/catch.hpp>

#include "sched_lab.hpp"

using tapvs::test::SchedLab;

TEST_CASE("nq: kernel cases", "[sched][nq]") {
    struct Row {
        const char* what;
        int wa;
        std::uint32_t aa;
        bool oa;
        int wb;
        std::uint32_t ab;
        const char* expected;
    };
    const Row rows[] = {
        {"the first idle dest wins, whatever the weights", 1, 0, false, 10, 0, "A"},
        {"an idle dest beats a busy one of higher weight", 10, 1, false, 1, 0, "B"},
        // A (2+1)/1 = 3 vs B (5+1)/4 = 1.5: 3*4 > 6*1 -> B.
        {"no idle dest: least expected delay", 1, 2, false, 4, 5, "B"},
        // A (1+1)/2 vs B (1+1)/2: 2*2 > 2*2 is false -> A.
        {"no idle dest: a tie keeps the earlier dest", 2, 1, false, 2, 1, "A"},
        {"an idle dest with weight 0 is skipped", 0, 0, false, 1, 3, "B"},
        {"an idle dest that is OVERLOADed is skipped", 1, 0, true, 1, 3, "B"},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        SchedLab lab("nq");
        lab.add("B", r.wb);
        lab.add("A", r.wa);
        lab.conns("A", r.aa, 100);
        lab.conns("B", r.ab, 100);
        lab["A"].overload = r.oa;
        CHECK(lab.pick() == r.expected);
    }
    SchedLab none("nq");
    none.add("A", 0);
    CHECK(none.pick() == "-");
}
