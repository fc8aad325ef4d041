// Explanations: one sentence with the numbers compared, only when asked; asking never changes
// a decision.
#include <catch2/catch.hpp>

#include "tapvs/core/scheduler.hpp"
#include "sched_lab.hpp"

using tapvs::core::kSvcSched1;
using tapvs::test::SchedLab;

namespace {
// A small scripted workload run twice, with and without explanations.
std::string script(const std::string& sched, bool explain, std::vector<std::string>* whys = nullptr) {
    SchedLab lab(sched, kSvcSched1);
    lab.explain = explain;
    lab.add("A", 3);
    lab.add("B", 1);
    lab.add("C", 2);
    std::string out;
    auto pick = [&](const std::string& p) {
        out += p;
        if (whys) whys->push_back(lab.last_why);
        if (p != "-") lab[p].activeconns++;
    };
    for (int i = 0; i < 12; ++i) pick(lab.pick_from("172.16.0." + std::to_string(1 + i % 5)));
    lab["C"].overload = true;
    lab.conns("A", 9, 3);
    for (int i = 0; i < 6; ++i) pick(lab.pick_to("10.0.0." + std::to_string(100 + i % 3)));
    lab.edit("B", 0);
    lab.del("C");
    for (int i = 0; i < 6; ++i) pick(lab.pick_from("172.16.0." + std::to_string(7 + i)));
    return out;
}
}  // namespace

TEST_CASE("explain: asking for the sentence never changes a decision", "[sched][explain]") {
    for (auto name : tapvs::core::scheduler_names()) {
        const std::string n(name);
        INFO(n);
        std::vector<std::string> whys;
        CHECK(script(n, false) == script(n, true, &whys));
        for (const auto& w : whys) {
            CHECK(w.rfind(n == "lblc" || n == "lblcr" ? n : n + ":", 0) == 0);  // starts with the scheduler's name
            CHECK(w.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("explain: nothing is written when no sentence is asked for", "[sched][explain]") {
    SchedLab lab("wlc");
    lab.add("A", 1);
    lab.last_why = "untouched";
    auto* d = lab.svc.scheduler->schedule(lab.svc, SchedLab::packet(), lab.env(), nullptr);
    CHECK(d != nullptr);
}

TEST_CASE("explain: the numbers a student needs are in the sentence", "[sched][explain]") {
    SECTION("wrr gives cw, mw, di") {
        SchedLab lab("wrr");
        lab.explain = true;
        lab.add("A", 2);  // di = 2, mw = 2 - (2 - 1) = 1, cw = 1
        CHECK(lab.pick() == "A");
        CHECK(lab.last_why == "wrr: cw=1 mw=1 di=2; picked 192.168.1.1:80 at position 1 of 1 (weight 2 >= cw 1)");
    }
    SECTION("rr gives the cursor and the pick") {
        SchedLab lab("rr");
        lab.explain = true;
        lab.add("A", 1);
        lab.add("B", 1);
        CHECK(lab.pick() == "B");
        CHECK(lab.pick() == "A");
        CHECK(lab.last_why ==
              "rr: the cursor was on 192.168.1.2:80 (position 1 of 2), so the scan started after it; picked "
              "192.168.1.1:80 at position 2, the first with weight > 0 and not overloaded");
    }
    SECTION("wlc lists overhead/weight per dest") {
        SchedLab lab("wlc");
        lab.explain = true;
        lab.add("A", 1);
        lab.add("B", 3);
        lab.conns("B", 1, 2);
        CHECK(lab.pick() == "A");
        CHECK(lab.last_why.find("192.168.1.2:80 258/3 (1 active, 2 inactive)") != std::string::npos);
        CHECK(lab.last_why.find("192.168.1.1:80 0/1 (0 active, 0 inactive)") != std::string::npos);
        CHECK(lab.last_why.find("picked 192.168.1.1:80") != std::string::npos);
    }
    SECTION("sh gives the hash input, bucket and probes") {
        SchedLab lab("sh", kSvcSched1);
        lab.explain = true;
        lab.add("C", 1);  // 192.168.1.1
        lab.add("B", 1);  // 192.168.1.2
        lab.add("A", 1);  // 192.168.1.3; list A B C, bucket i -> i%3
        lab["A"].overload = true;
        CHECK(lab.pick_from("172.16.0.4") == "C");
        CHECK(lab.last_why ==
              "sh: hash_32(sport 0 + saddr 172.16.0.4 = 0xac100004, 8) = 159 -> bucket 159 holds 192.168.1.3:80 "
              "(weight 1, overloaded), unavailable (overloaded); sh-fallback probes bucket (offset + 2*159) & 255: "
              "bucket 62 192.168.1.1:80 picked");
    }
    SECTION("twos gives r1, r2, total and both choices") {
        SchedLab lab("twos");
        lab.explain = true;
        lab.add("A", 1);
        lab.pick();
        CHECK(lab.last_why.find("total = 1 + sum of eligible weights = 2") != std::string::npos);
        CHECK(lab.last_why.find("r1 = ") != std::string::npos);
        CHECK(lab.last_why.find("choice2 192.168.1.1:80") != std::string::npos);
    }
    SECTION("lblc says whether the cache was used") {
        SchedLab lab("lblc");
        lab.explain = true;
        lab.add("A", 1);
        lab.pick();
        CHECK(lab.last_why.rfind("lblc: daddr 10.0.0.100 is not cached; wlc over the service:", 0) == 0);
        lab.pick();
        CHECK(lab.last_why.find("cached entry used") != std::string::npos);
    }
    SECTION("ovf gives activeconns and weights") {
        SchedLab lab("ovf");
        lab.explain = true;
        lab.add("A", 1);
        lab.conns("A", 2);
        CHECK(lab.pick() == "-");
        CHECK(lab.last_why == "ovf: activeconns/weight 192.168.1.1:80 2/1 (activeconns > weight, skipped); no destination available");
    }
}
