// twos (ip_vs_twos.c). total = 1 + sum of eligible weights; r1, r2 in [0, total); walking the
// eligible dests, each subtracts its weight from both; the first to bring r1 to <= 0 is choice1,
// r2 -> choice2; choice2 wins only if weight2 * overhead1 > weight1 * overhead2.
#include <catch2/catch.hpp>

#include "core/sched/schedulers.hpp"
#include "sched_lab.hpp"

using tapvs::core::SchedOptions;
using tapvs::core::sched::TwosScheduler;
using tapvs::test::SchedLab;

namespace {
std::string choose(SchedLab& lab, std::uint32_t total, std::uint32_t r1, std::uint32_t r2) {
    return lab.name_of(TwosScheduler::choose(lab.svc, total, r1, r2, nullptr));
}
}  // namespace

TEST_CASE("twos: the walk gives the first eligible dest w1 + 1 of the total values", "[sched][twos]") {
    // List A(1) B(3): total = 5. r = 0: 0-1 <= 0 -> A; r = 1: 1-1 = 0 -> A; r = 2: 1 > 0, 1-3 < 0 -> B.
    SchedLab lab("twos");
    lab.add("B", 3);
    lab.add("A", 1);
    REQUIRE(lab.order() == "AB");
    CHECK(choose(lab, 5, 0, 0) == "A");
    CHECK(choose(lab, 5, 1, 1) == "A");
    CHECK(choose(lab, 5, 2, 2) == "B");
    CHECK(choose(lab, 5, 4, 4) == "B");
    // With no connections anywhere both products are 0: choice1 always stays.
    int a = 0;
    for (std::uint32_t r1 = 0; r1 < 5; ++r1)
        for (std::uint32_t r2 = 0; r2 < 5; ++r2) a += choose(lab, 5, r1, r2) == "A";
    CHECK(a == 10);  // r1 in {0, 1}: 2 of 5 rows, 5 columns each
}

TEST_CASE("twos: choice2 wins only when strictly less loaded per weight", "[sched][twos]") {
    SchedLab lab("twos");
    lab.add("B", 3);
    lab.add("A", 1);
    lab.conns("A", 1);  // overhead 256
    // choice1 A (w1, oh 256), choice2 B (w3, oh 0): 3*256 = 768 > 1*0 -> B.
    CHECK(choose(lab, 5, 0, 4) == "B");
    lab.conns("B", 2);  // overhead 512
    // choice1 B (w3, oh 512), choice2 A (w1, oh 256): 1*512 = 512 > 3*256 = 768 is false -> B.
    CHECK(choose(lab, 5, 4, 0) == "B");
    // choice1 A (w1, oh 256), choice2 B (w3, oh 512): 3*256 = 768 > 1*512 -> B.
    CHECK(choose(lab, 5, 0, 4) == "B");
    lab.conns("B", 3);  // 768: 3*256 = 768 > 1*768 is false -> A stays
    CHECK(choose(lab, 5, 0, 4) == "A");
}

TEST_CASE("twos: weight 0 and OVERLOAD dests are not walked", "[sched][twos]") {
    SchedLab lab("twos");
    lab.add("C", 2);
    lab.add("Z", 0);
    lab.add("B", 1);
    lab.add("A", 5);
    lab["A"].overload = true;  // eligible: B(1) C(2), total = 4
    CHECK(choose(lab, 4, 1, 1) == "B");
    CHECK(choose(lab, 4, 2, 2) == "C");
    lab["B"].overload = true;
    lab["C"].overload = true;
    CHECK(lab.pick() == "-");
}

TEST_CASE("twos: the same seed replays the same picks", "[sched][twos]") {
    auto run = [](std::uint64_t seed) {
        SchedLab lab("twos", 0, SchedOptions{seed});
        lab.add("A", 1);
        lab.add("B", 2);
        lab.add("C", 3);
        std::string s;
        for (int i = 0; i < 200; ++i) {
            const std::string d = lab.pick();
            s += d;
            lab[d].activeconns++;
        }
        return s;
    };
    CHECK(run(42) == run(42));
    CHECK(run(42) != run(43));
}

TEST_CASE("twos: with equal loads the split follows (w1 + 1 : w2) for the list head", "[sched][twos]") {
    // List A(1) B(3), no conns: the pick is choice1, A with probability 2/5. 20000 picks, seed 1:
    // expected 8000, sigma = sqrt(20000 * 0.4 * 0.6) = 69; accept 4 sigma.
    SchedLab lab("twos");
    lab.add("B", 3);
    lab.add("A", 1);
    int a = 0;
    for (int i = 0; i < 20000; ++i) a += lab.pick() == "A";
    CHECK(a > 7720);
    CHECK(a < 8280);
}
