// dh (ip_vs_dh.c). 256 buckets take the dests in list order, one each, cycling (weights play no
// part); key hash_32(daddr, 8); NULL when the bucket's dest is not AVAILABLE, has weight <= 0 or
// is OVERLOADed, with no fallback. Rebuilt on add and del, not on -e.
#include <catch2/catch.hpp>

#include "core/sched/schedulers.hpp"
#include "sched_lab.hpp"

using tapvs::core::sched::DhScheduler;
using tapvs::test::SchedLab;

TEST_CASE("dh: one bucket per dest in list order, weights ignored", "[sched][dh]") {
    SchedLab lab("dh");
    lab.add("A", 5);
    lab.add("B", 1);
    lab.add("C", 1);  // list C B A: bucket i -> "CBA"[i % 3]
    const auto& dh = lab.as<DhScheduler>();
    for (std::size_t i = 0; i < 256; ++i) CHECK(lab.name_of(dh.bucket(i)) == std::string(1, "CBA"[i % 3]));
}

TEST_CASE("dh: destination addresses map by hash_32(daddr, 8)", "[sched][dh]") {
    //   10.0.0.100 = 0x0a000064 * 0x61c88647 = 0xf85473bc -> 248, 248%3 = 2 -> A
    //   10.0.0.101 = 0x0a000065 -> 0x5a1cfa03 -> 90, 90%3 = 0 -> C
    //   10.0.0.102 = 0x0a000066 -> 0xbbe5804a -> 187, 187%3 = 1 -> B
    SchedLab lab("dh");
    lab.add("A", 5);
    lab.add("B", 1);
    lab.add("C", 1);
    CHECK(lab.pick_to("10.0.0.100") == "A");
    CHECK(lab.pick_to("10.0.0.101") == "C");
    CHECK(lab.pick_to("10.0.0.102") == "B");
    CHECK(lab.pick_from("172.16.0.99") == "A");  // the source address plays no part
    CHECK(DhScheduler::hashkey(0x0a000064u) == 248);
}

TEST_CASE("dh: an unusable bucket dest means no destination (no fallback)", "[sched][dh]") {
    SchedLab lab("dh");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    lab["A"].overload = true;
    CHECK(lab.pick_to("10.0.0.100") == "-");
    lab["A"].overload = false;
    lab.edit("A", 0);  // the table keeps A in bucket 248 (weights never move dh buckets), unusable
    CHECK(lab.name_of(lab.as<DhScheduler>().bucket(248)) == "A");
    CHECK(lab.pick_to("10.0.0.100") == "-");
    CHECK(lab.pick_to("10.0.0.101") == "C");
}

TEST_CASE("dh: -d and -a rebuild the table", "[sched][dh]") {
    SchedLab lab("dh");
    lab.add("A", 1);
    lab.add("B", 1);
    lab.add("C", 1);
    lab.del("B");  // list C A: bucket i -> "CA"[i % 2]; 248 -> C, 187 -> A
    CHECK(lab.pick_to("10.0.0.100") == "C");
    CHECK(lab.pick_to("10.0.0.102") == "A");
    lab.add("D", 1);  // list D C A: 248%3 = 2 -> A
    CHECK(lab.pick_to("10.0.0.100") == "A");
    SchedLab empty("dh");
    CHECK(empty.pick() == "-");
}
