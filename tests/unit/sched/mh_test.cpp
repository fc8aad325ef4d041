// mh (ip_vs_mh.c). Per dest (list order): offset = H1(addr, port) % 4093, skip =
// H2(addr, port) % 4092 + 1, turns = ((last_weight / gcd) >> rshift) ?: (last_weight != 0);
// rounds over the list claim each dest's next free preferred slot `turns` times until all 4093
// slots are taken. Lookup: H1(0 + sport-or-0 + saddr) % 4093. H = hsiphash (SipHash-1-3 on 64-bit)
// with the fixed keys {2654435761, 2654435761} and {2654446892, 2654446892}.
// Slot numbers below come from an independent Python transliteration of ip_vs_mh.c whose
// hsiphash reproduces lib/test_siphash.c's vectors; slot counts are derived by hand.
#include <catch2/catch.hpp>

#include <map>

#include "core/sched/schedulers.hpp"
#include "sched_lab.hpp"

using tapvs::core::kSvcSched1;
using tapvs::core::kSvcSched2;
using tapvs::core::sched::MhScheduler;
using tapvs::test::SchedLab;

namespace {
std::map<std::string, int> slot_counts(SchedLab& lab) {
    std::map<std::string, int> n;
    const auto& mh = lab.as<MhScheduler>();
    for (std::size_t i = 0; i < MhScheduler::kTabSize; ++i) ++n[lab.name_of(mh.slot(i))];
    return n;
}
}  // namespace

TEST_CASE("mh: every slot is filled and equal weights share 4093 slots round by round", "[sched][mh]") {
    // -a A, B, C (192.168.1.1-3:80, weight 1): list C B A, one turn each per round.
    // 1364 rounds fill 4092 slots, the 4093rd goes to the list head C.
    SchedLab lab("mh");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    const auto n = slot_counts(lab);
    CHECK(n.count("-") == 0);
    CHECK(n.at("C") == 1365);
    CHECK(n.at("B") == 1364);
    CHECK(n.at("A") == 1364);
}

TEST_CASE("mh: weights set the turns per round", "[sched][mh]") {
    // List B(2) A(1): rounds of B B A; 1364 rounds = 4092 slots, then B claims the last one.
    SchedLab lab("mh");
    lab.add("A", 1);
    lab.add("B", 2);
    CHECK(lab.as<MhScheduler>().gcd() == 1);
    const auto n = slot_counts(lab);
    CHECK(n.at("B") == 2729);
    CHECK(n.at("A") == 1364);
}

TEST_CASE("mh: large weights are shifted down (rshift) to at most 2^6 turns", "[sched][mh]") {
    // last_weights 1000 and 1: gcd 1, fls(1000) = 10, rshift = 10 - 6 = 4;
    // turns A = 1000 >> 4 = 62, B = 1 >> 4 = 0 -> (1 != 0) = 1. List B A: rounds of 63 slots;
    // 64 rounds = 4032 slots (B 64, A 3968), the last 61 go B (1) then A (60): B 65, A 4028.
    SchedLab lab("mh");
    lab.add("A", 1000);
    lab.add("B", 1);
    CHECK(lab.as<MhScheduler>().rshift() == 4);
    const auto n = slot_counts(lab);
    CHECK(n.at("A") == 4028);
    CHECK(n.at("B") == 65);
}

TEST_CASE("mh: the gcd divides the weights out", "[sched][mh]") {
    // last_weights 4 and 2: gcd 2, turns 2 and 1: the same table as weights 2 and 1.
    SchedLab a("mh");
    a.add("A", 2);
    a.add("B", 4);
    SchedLab b("mh");
    b.add("A", 1);
    b.add("B", 2);
    CHECK(a.as<MhScheduler>().gcd() == 2);
    for (std::size_t i = 0; i < MhScheduler::kTabSize; ++i)
        REQUIRE(a.name_of(a.as<MhScheduler>().slot(i)) == b.name_of(b.as<MhScheduler>().slot(i)));
}

TEST_CASE("mh: source addresses map to slots through hsiphash", "[sched][mh]") {
    //   172.16.0.1 -> slot 1127 (C), 172.16.0.2 -> 3254 (A), 172.16.0.4 -> 1907 (C), 10.1.2.3 -> 1263 (B)
    SchedLab lab("mh");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(MhScheduler::hashkey(0xac100001u, 0, MhScheduler::kHash1, 0) % 4093 == 1127);
    CHECK(MhScheduler::hashkey(0x0a010203u, 0, MhScheduler::kHash1, 0) % 4093 == 1263);
    CHECK(lab.pick_from("172.16.0.1") == "C");
    CHECK(lab.pick_from("172.16.0.2") == "A");
    CHECK(lab.pick_from("172.16.0.4") == "C");
    CHECK(lab.pick_from("10.1.2.3") == "B");
    CHECK(lab.pick_from("10.1.2.3", 1000) == "B");  // no mh-port: the port is not hashed
}

TEST_CASE("mh: mh-port hashes the source port too", "[sched][mh]") {
    //   10.1.2.3 port 1000 (0x0a0105eb) -> slot 3425 (C); port 3000 (0x0a010dbb) -> 2153 (A)
    SchedLab lab("mh", kSvcSched2);
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.pick_from("10.1.2.3", 1000) == "C");
    CHECK(lab.pick_from("10.1.2.3", 3000) == "A");
}

TEST_CASE("mh: removing a dest barely disturbs the others", "[sched][mh]") {
    // Removing B (1364 slots) moves only 17 of the 2729 slots A and C held.
    SchedLab lab("mh");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    std::vector<std::string> before;
    for (std::size_t i = 0; i < MhScheduler::kTabSize; ++i) before.push_back(lab.name_of(lab.as<MhScheduler>().slot(i)));
    lab.del("B");
    int moved = 0, kept = 0;
    for (std::size_t i = 0; i < MhScheduler::kTabSize; ++i) {
        const std::string now = lab.name_of(lab.as<MhScheduler>().slot(i));
        CHECK(now != "B");
        if (before[i] != "B") (now == before[i] ? kept : moved)++;
    }
    CHECK(moved == 17);
    CHECK(kept == 2729 - 17);
    CHECK(lab.pick_from("10.1.2.3") == "A");  // slot 1263 was B's, now A's
    CHECK(lab.pick_from("172.16.0.1") == "C");
}

TEST_CASE("mh: -e to weight 0 keeps the slots (last_weight) but makes the dest unavailable", "[sched][mh]") {
    SchedLab lab("mh");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    lab.edit("B", 0);  // last_weight stays 1: same table
    CHECK(slot_counts(lab).at("B") == 1364);
    CHECK(lab.pick_from("10.1.2.3") == "-");  // slot 1263 holds B, weight 0, no fallback
    CHECK(lab.pick_from("172.16.0.1") == "C");
}

TEST_CASE("mh: a dest added with weight 0 gets no slot", "[sched][mh]") {
    SchedLab lab("mh");
    lab.add("A", 1);
    lab.add("Z", 0);  // last_weight 0: turns 0
    const auto n = slot_counts(lab);
    CHECK(n.at("A") == 4093);
    CHECK(n.count("Z") == 0);
}

TEST_CASE("mh: mh-fallback re-hashes with offset (k + ihash) % 4093", "[sched][mh]") {
    // 10.1.2.3: ihash 1263 (B). Re-hash offsets 1263, 1264, ...: slots 1329 (A), 1835 (C), 1554 (B).
    SchedLab lab("mh", kSvcSched1);
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    lab["B"].overload = true;
    CHECK(lab.pick_from("10.1.2.3") == "A");  // slot 1329
    lab["A"].overload = true;
    CHECK(lab.pick_from("10.1.2.3") == "C");  // 1329 A busy, 1835 C
    lab["C"].overload = true;
    CHECK(lab.pick_from("10.1.2.3") == "-");
}

TEST_CASE("mh: an empty service, or all last_weights 0, empties the table", "[sched][mh]") {
    SchedLab lab("mh", kSvcSched1);
    CHECK(lab.pick() == "-");
    lab.add("Z", 0);
    CHECK(lab.as<MhScheduler>().gcd() == 0);
    CHECK(lab.as<MhScheduler>().slot(0) == nullptr);
    CHECK(lab.pick() == "-");
    lab.add("A", 3);
    CHECK(lab.pick() == "A");
    lab.del("A");
    CHECK(lab.pick() == "-");
}
