// fo (ip_vs_fo.c): hw = 0; each !OVERLOAD dest with weight > hw takes over (strict `>`).
#include <catch2/catch.hpp>

#include "sched_lab.hpp"

using tapvs::test::SchedLab;

TEST_CASE("fo: kernel cases", "[sched][fo]") {
    struct Row {
        const char* what;
        int wa, wb, wc;
        bool ob;
        const char* expected;
    };
    const Row rows[] = {
        {"the highest weight wins", 1, 5, 3, false, "B"},
        {"a tie keeps the earlier dest (strict >)", 4, 4, 4, false, "A"},
        {"a tie further down keeps the earlier one too", 1, 4, 4, false, "B"},
        {"OVERLOAD fails over to the next highest", 1, 5, 3, true, "C"},
        {"weight 0 never wins (0 > hw is false)", 0, 0, 0, false, "-"},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        SchedLab lab("fo");
        lab.add("C", r.wc);
        lab.add("B", r.wb);
        lab.add("A", r.wa);
        REQUIRE(lab.order() == "ABC");
        lab["B"].overload = r.ob;
        lab.conns("A", 50);  // connection counts play no part
        CHECK(lab.pick() == r.expected);
    }
}
