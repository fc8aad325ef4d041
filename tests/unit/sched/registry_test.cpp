// The registry: one explicit table, ipvsadm's usage order, unknown names refused.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tapvs/core/scheduler.hpp"

using tapvs::core::make_scheduler;
using tapvs::core::scheduler_names;

TEST_CASE("registry: names follow ipvsadm's usage order, then twos", "[sched][registry]") {
    // ipvsadm.c usage: "one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh"; twos is newer.
    const std::vector<std::string> expected{"rr", "wrr", "lc",  "wlc", "lblc", "lblcr", "dh",
                                            "sh", "sed", "nq",  "fo",  "ovf",  "mh",    "twos"};
    std::vector<std::string> got;
    for (auto n : scheduler_names()) got.emplace_back(n);
    CHECK(got == expected);
}

TEST_CASE("registry: every listed name makes a scheduler that answers to it", "[sched][registry]") {
    for (auto n : scheduler_names()) {
        auto s = make_scheduler(n);
        REQUIRE(s != nullptr);
        CHECK(s->name() == n);
    }
}

TEST_CASE("registry: an unknown name gives nullptr (-ENOENT)", "[sched][registry]") {
    for (const char* n : {"", "WLC", "wlc ", "round-robin", "rrr", "lblcrr", "maglev"}) {
        INFO(n);
        CHECK(make_scheduler(n) == nullptr);
    }
}
