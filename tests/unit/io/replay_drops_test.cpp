// pcaps/drops/: one replay that drops frames for every reason a client-side capture can cause (the frames
// of tests/golden/drop_reason_test.cpp and tests/unit/net/parse_test.cpp, made by make_pcaps.cpp:
// drop_frames()), counted in the summary's "Dropped frames" table and in the trace's drop events.
#include "unit/io/replay_fixture.hpp"

#include <map>

#include <fmt/format.h>

#include "tapvs/io/trace_read.hpp"
#include "tapvs/net/drop_reason.hpp"

using namespace tapvs;
using namespace tapvs::test::replay;
using net::DropReason;

namespace {

// A row of the table: the count right-aligned in 8 columns, the reason id left-aligned in 24, its text.
std::string fmt_line(std::uint64_t n, const std::string& reason, const char* text) {
    return fmt::format("  {:>8}  {:<24} {}", n, reason, text);
}

// The summary's table: "  <count>  <reason id> <text>" lines after "Dropped frames:", up to a blank line.
std::map<std::string, std::uint64_t> dropped_table(const std::string& out) {
    std::map<std::string, std::uint64_t> t;
    std::istringstream in(out);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line == "Dropped frames:") {
            inside = true;
            continue;
        }
        if (!inside) continue;
        if (line.empty()) break;
        std::istringstream l(line);
        std::uint64_t n = 0;
        std::string reason;
        l >> n >> reason;
        const auto r = net::drop_reason_from_name(reason);
        INFO(line);
        REQUIRE(r);
        CHECK(line == fmt_line(n, reason, net::drop_reason_text(*r)));
        t[reason] = n;
    }
    return t;
}

struct Replayed {
    TempDir dir;
    Outcome o;
    std::vector<io::TraceEvent> events;
    Replayed() {
        o = run(case_options("drops", dir.path()));
        std::istringstream in(read_file(dir / "trace.jsonl"));
        auto r = io::read_trace(in);
        REQUIRE(r);
        events = std::move(r.value());
    }
    double at(const io::TraceEvent& e) const { return std::chrono::duration<double>(e.t - events.front().t).count(); }
};

}  // namespace

TEST_CASE("replay drops: each reason a client-side capture can cause is counted", "[io][replay][drop]") {
    Replayed r;
    INFO(r.o.err);
    REQUIRE(r.o.status == 0);
    CHECK(r.o.err.empty());
    const auto table = dropped_table(r.o.out);

    std::map<std::string, std::uint64_t> from_trace;
    for (const auto& e : r.events)
        if (const auto* f = e.frame(); f && e.kind == io::TraceEventKind::drop) ++from_trace[f->reason];
    CHECK(from_trace == table);  // the trace and the summary tell the same story

    for (std::size_t i = 0; i < net::kDropReasonCount; ++i) {
        const auto reason = static_cast<DropReason>(i);
        const std::string name = net::drop_reason_name(reason);
        INFO(name);
        const auto it = table.find(name);
        const std::uint64_t n = it == table.end() ? 0 : it->second;
        // Not from a replay (pcaps/README.md): a non-persistent port-zero service cannot be configured, the
        // replay always hands frames over with headroom, and a capture carries no offloads.
        if (reason == DropReason::ipvs_port_zero || reason == DropReason::no_headroom ||
            reason == DropReason::offload_unsupported)
            CHECK(n == 0);
        else if (reason == DropReason::neigh_unresolved) continue;  // its own test below
        else CHECK(n == 1);  // one frame of the capture per reason
    }
    // 181 frames: the ARP, 16 engine rows, 2 of the :8080 connection, 18 parse rows, 141 for the silent
    // neighbour, 3 after the timed lines.
    CHECK(r.o.out.rfind("tapvs replay: 181 frames in, ", 0) == 0);
}

// The 141 datagrams for 172.16.10.77 (on eth1's wire, never answering) start ARP at 4.0 s. The queue
// (unres_qlen_bytes 212992) holds 140 frames of 1514 bytes: the 141st pushes the oldest out
// (neigh_queue_full). neigh_timer_handler() asks again at 5.0 s and 6.0 s (retrans_time 1 s,
// 3 probes) and gives up at 7.0 s: the 140 waiting frames are dropped, each answered with an ICMP host
// unreachable.
TEST_CASE("replay drops: a neighbour that never answers fails after three ARP requests, 1 s apart",
          "[io][replay][drop]") {
    Replayed r;
    REQUIRE(r.o.status == 0);
    std::vector<std::pair<std::string, double>> arp;
    std::size_t unresolved = 0, host_unreach = 0;
    for (const auto& e : r.events) {
        if (const auto* a = e.arp(); a && a->ip.to_string() == "172.16.10.77") arp.emplace_back(a->what, r.at(e));
        const auto* f = e.frame();
        if (!f) continue;
        if (e.kind == io::TraceEventKind::drop && f->reason == "neigh_unresolved") {
            ++unresolved;
            CHECK(r.at(e) == Approx(7.0));
        }
        if (e.kind == io::TraceEventKind::tx && f->ip && f->ip->icmp_type == 3 && f->ip->icmp_code == 1) ++host_unreach;
    }
    CHECK(arp == std::vector<std::pair<std::string, double>>{
                     {"request_sent", 4.0}, {"request_sent", 5.0}, {"request_sent", 6.0}, {"failed", 7.0}});
    CHECK(unresolved == 140);
    CHECK(host_unreach == 140);
    CHECK(dropped_table(r.o.out).at("neigh_unresolved") == 140);
}
