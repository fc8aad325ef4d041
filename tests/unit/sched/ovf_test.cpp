// ovf (ip_vs_ovf.c): skip OVERLOAD, activeconns > weight and weight 0; the first dest with the
// highest weight wins. A dest is passed over only once activeconns > weight, i.e. at weight + 1.
#include <catch2/catch.hpp>

#include "sched_lab.hpp"

using tapvs::test::SchedLab;

TEST_CASE("ovf: kernel cases", "[sched][ovf]") {
    struct Row {
        const char* what;
        int wa;
        std::uint32_t aa;
        int wb;
        std::uint32_t ab;
        const char* expected;
    };
    const Row rows[] = {
        {"the highest weight takes the traffic", 3, 0, 2, 0, "A"},
        {"activeconns == weight still qualifies", 3, 3, 2, 0, "A"},
        {"activeconns > weight overflows to the next", 3, 4, 2, 0, "B"},
        {"a tie keeps the earlier dest", 2, 1, 2, 0, "A"},
        {"weight 0 never qualifies", 0, 0, 0, 0, "-"},
        {"everyone over weight: no destination", 1, 2, 1, 2, "-"},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        SchedLab lab("ovf");
        lab.add("B", r.wb);
        lab.add("A", r.wa);
        lab.conns("A", r.aa, 1000);  // inactive conns play no part
        lab.conns("B", r.ab, 1000);
        CHECK(lab.pick() == r.expected);
    }
}

TEST_CASE("ovf: OVERLOAD is skipped, A takes weight + 1 conns before B gets one", "[sched][ovf]") {
    SchedLab lab("ovf");
    lab.add("B", 1);
    lab.add("A", 2);
    std::string seq;
    for (int i = 0; i < 5; ++i) {
        const std::string d = lab.pick();
        seq += d;
        lab[d].activeconns++;
    }
    // A at 0,1,2 active: taken (2 > 2 false); A at 3: skipped, B at 0, 1: taken; then none.
    CHECK(seq == "AAABB");
    CHECK(lab.pick() == "-");
    lab.conns("A", 0);
    lab["A"].overload = true;
    lab.conns("B", 0);
    CHECK(lab.pick() == "B");
}
