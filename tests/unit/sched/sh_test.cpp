// sh (ip_vs_sh.c). Table: 256 buckets filled by walking the list cyclically, a dest keeping the
// walk for `weight` buckets (`++d_count >= weight`; weight 0 and 1 take one). Key:
// (offset + hash_32(port + saddr, 8)) & 255, hash_32(x, 8) = (x * 0x61C88647 mod 2^32) >> 24.
// Hash values below were multiplied out by hand (and re-checked with an independent script).
#include <catch2/catch.hpp>

#include "core/sched/schedulers.hpp"
#include "sched_lab.hpp"

using tapvs::core::Proto;
using tapvs::core::kSvcSched1;
using tapvs::core::kSvcSched2;
using tapvs::core::sched::ShScheduler;
using tapvs::test::SchedLab;

TEST_CASE("sh: weights fill consecutive buckets, cycling from the list head", "[sched][sh]") {
    // -a C1, B2, A3: list A B C; the fill repeats A A A B B C, so bucket i holds
    // A for i%6 in {0,1,2}, B for {3,4}, C for 5; bucket 255 (255%6 = 3) holds B.
    SchedLab lab("sh");
    lab.add("C", 1);
    lab.add("B", 2);
    lab.add("A", 3);
    const auto& sh = lab.as<ShScheduler>();
    for (std::size_t i = 0; i < 256; ++i) {
        const std::size_t k = i % 6;
        INFO("bucket " << i);
        CHECK(lab.name_of(sh.bucket(i)) == (k < 3 ? "A" : k < 5 ? "B" : "C"));
    }
}

TEST_CASE("sh: weight 0 still takes one bucket", "[sched][sh]") {
    // List Z(0) B(2): Z B B Z B B ...
    SchedLab lab("sh");
    lab.add("B", 2);
    lab.add("Z", 0);
    const auto& sh = lab.as<ShScheduler>();
    for (std::size_t i = 0; i < 256; ++i) CHECK(lab.name_of(sh.bucket(i)) == (i % 3 == 0 ? "Z" : "B"));
}

TEST_CASE("sh: -e rebuilds the table (upd_dest)", "[sched][sh]") {
    SchedLab lab("sh");
    lab.add("B", 1);
    lab.add("A", 1);  // A B A B ...
    CHECK(lab.name_of(lab.as<ShScheduler>().bucket(1)) == "B");
    lab.edit("A", 2);  // A A B A A B ...
    CHECK(lab.name_of(lab.as<ShScheduler>().bucket(1)) == "A");
    CHECK(lab.name_of(lab.as<ShScheduler>().bucket(2)) == "B");
}

TEST_CASE("sh: source addresses map to buckets by hash_32", "[sched][sh]") {
    // Table A A A B B C (list A3 B2 C1).
    //   172.16.0.1  = 0xac100001 * 0x61c88647 = 0x7a388647 -> 0x7a = 122, 122%6 = 2 -> A
    //   172.16.0.2  = 0xac100002 -> 0xdc010c8e -> 220, 220%6 = 4 -> B
    //   172.16.0.12 = 0xac10000c -> 0xadd64b54 -> 173, 173%6 = 5 -> C
    //   10.0.0.1    = 0x0a000001 -> 0x27c88647 -> 39, 39%6 = 3 -> B
    SchedLab lab("sh");
    lab.add("C", 1);
    lab.add("B", 2);
    lab.add("A", 3);
    CHECK(lab.pick_from("172.16.0.1") == "A");
    CHECK(lab.pick_from("172.16.0.2") == "B");
    CHECK(lab.pick_from("172.16.0.12") == "C");
    CHECK(lab.pick_from("10.0.0.1") == "B");
    CHECK(lab.pick_from("172.16.0.1", 1000) == "A");  // without sh-port the port is not hashed
    CHECK(ShScheduler::hashkey(0xac100001u, 0, 0) == 122);
}

TEST_CASE("sh: sh-port adds the source port to the hashed value", "[sched][sh]") {
    // 172.16.0.1 port 1000: 0xac100001 + 1000 = 0xac1003e9 -> 0x71850b9f -> 113, 113%6 = 5 -> C
    //            port 1001: 0xac1003ea -> 0xd34d91e6 -> 211, 211%6 = 1 -> A
    //            port 40000: 0xac109c41 -> 0x1e2d5c07 -> 30, 30%6 = 0 -> A
    SchedLab lab("sh", kSvcSched2);
    lab.add("C", 1);
    lab.add("B", 2);
    lab.add("A", 3);
    CHECK(lab.pick_from("172.16.0.1", 1000) == "C");
    CHECK(lab.pick_from("172.16.0.1", 1001) == "A");
    CHECK(lab.pick_from("172.16.0.1", 40000) == "A");
    CHECK(lab.pick_from("172.16.0.1", 1000, Proto::udp) == "C");
    // Not TCP/UDP/SCTP: port 0, bucket 122 -> A.
    CHECK(lab.pick_from("172.16.0.1", 1000, Proto::icmp) == "A");
}

TEST_CASE("sh: without sh-fallback an unavailable bucket dest means no destination", "[sched][sh]") {
    SchedLab lab("sh");
    lab.add("C", 1);
    lab.add("B", 2);
    lab.add("A", 3);
    lab["A"].overload = true;
    CHECK(lab.pick_from("172.16.0.1") == "-");  // bucket 122 -> A
    lab["A"].overload = false;
    lab.edit("B", 0);  // rebuilds: list A3 B0 C1 -> A A A B C ..., period 5; 172.16.0.2: 220%5 = 0 -> A
    CHECK(lab.pick_from("172.16.0.2") == "A");
    CHECK(lab.pick_from("172.16.0.12") == "-");  // 173%5 = 3 -> B, weight 0: unavailable
}

TEST_CASE("sh: sh-fallback probes (offset + 2*ihash) & 255, not ihash+1", "[sched][sh]") {
    // Three equal dests, list A B C: bucket i -> i%3 (A B C).
    // 172.16.0.4 = 0xac100004 -> 0x9f92191c -> ihash 0x9f = 159, 159%3 = 0 -> A.
    // Fallback probes for offset 0, 1, 2: buckets (2*159)&255 = 62 (C), 63 (A), 64 (B).
    // A naive ihash+1 probe would take bucket 160 (B).
    SchedLab lab("sh", kSvcSched1);
    lab.add("C", 1);
    lab.add("B", 1);
    lab.add("A", 1);
    REQUIRE(ShScheduler::hashkey(0xac100004u, 0, 0) == 159);
    CHECK(lab.pick_from("172.16.0.4") == "A");
    lab["A"].overload = true;
    CHECK(lab.pick_from("172.16.0.4") == "C");  // bucket 62
    lab["C"].overload = true;
    CHECK(lab.pick_from("172.16.0.4") == "B");  // 62 C busy, 63 A busy, 64 B
    lab["B"].overload = true;
    CHECK(lab.pick_from("172.16.0.4") == "-");  // all 256 probes fail
}

TEST_CASE("sh: an empty service has empty buckets", "[sched][sh]") {
    SchedLab lab("sh", kSvcSched1);
    CHECK(lab.pick() == "-");
    lab.add("A", 1);
    CHECK(lab.pick() == "A");
    lab.del("A");
    CHECK(lab.as<ShScheduler>().bucket(0) == nullptr);
    CHECK(lab.pick() == "-");
}
