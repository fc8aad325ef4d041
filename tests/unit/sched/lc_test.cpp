// lc (ip_vs_lc.c): least overhead = (activeconns << 8) + inactconns, strict `<`, dests with
// OVERLOAD or weight 0 skipped, weights otherwise ignored.
#include <catch2/catch.hpp>

#include "sched_lab.hpp"

using tapvs::test::SchedLab;

namespace {
struct Row {
    const char* what;
    // Dests in kernel list order (A first): weight, activeconns, inactconns, overload.
    int wa, aa, ia;
    bool oa;
    int wb, ab, ib;
    bool ob;
    const char* expected;
};
}  // namespace

TEST_CASE("lc: kernel cases", "[sched][lc]") {
    const Row rows[] = {
        // A: 1 active = 256; B: 255 inactive = 255 -> B (a <<5 overhead would say A: 32 < 255).
        {"overhead is active*256 + inactive", 1, 1, 0, false, 1, 0, 255, false, "B"},
        // 256 vs 256: strict < keeps the first in list order.
        {"a tie keeps the earlier dest", 1, 1, 0, false, 1, 0, 256, false, "A"},
        {"both idle: the newest dest (list head) wins", 1, 0, 0, false, 1, 0, 0, false, "A"},
        // Weight 100 with overhead 10 still loses to weight 1 with overhead 5.
        {"weights are ignored", 100, 0, 10, false, 1, 0, 5, false, "B"},
        {"weight 0 is skipped even when idle", 0, 0, 0, false, 1, 9, 9, false, "B"},
        {"OVERLOAD is skipped even when idle", 1, 0, 0, true, 1, 9, 9, false, "B"},
        {"nothing usable", 0, 0, 0, false, 1, 0, 0, true, "-"},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        SchedLab lab("lc");
        lab.add("B", r.wb);
        lab.add("A", r.wa);
        REQUIRE(lab.order() == "AB");
        lab.conns("A", static_cast<std::uint32_t>(r.aa), static_cast<std::uint32_t>(r.ia));
        lab.conns("B", static_cast<std::uint32_t>(r.ab), static_cast<std::uint32_t>(r.ib));
        lab["A"].overload = r.oa;
        lab["B"].overload = r.ob;
        CHECK(lab.pick() == r.expected);
    }
}

TEST_CASE("lc: the least loaded of three, then the next as counts move", "[sched][lc]") {
    SchedLab lab("lc");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);  // list CBA
    lab.conns("C", 2, 0);  // 512
    lab.conns("B", 1, 3);  // 259
    lab.conns("A", 1, 2);  // 258
    CHECK(lab.pick() == "A");
    lab.conns("A", 1, 4);  // 260
    CHECK(lab.pick() == "B");
}
