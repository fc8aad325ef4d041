// Golden replays of the shipped captures (pcaps/<case>/): the `schedule` events of each replay's trace,
// verbatim, against pcaps/<case>/decisions.jsonl; the decisions themselves against what the kernel decides
// (worked out by hand in pcaps/README.md); and the same inputs giving the same bytes twice.
#include "unit/io/replay_fixture.hpp"

#include <algorithm>
#include <set>

#include "tapvs/io/trace_read.hpp"

using namespace tapvs;
using namespace tapvs::test::replay;

namespace {

// Every pcaps/<case>/ with a director.conf, sorted.
std::vector<std::string> cases() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(pcaps_dir()))
        if (e.is_directory() && fs::exists(e.path() / "director.conf")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct Decision {
    std::string client, rs;  // rs "-" when no real server was available
    bool persistent = false;
    double at = 0;           // seconds after the first frame
};

// The decisions of one replay, read back through the trace reader.
std::vector<Decision> decisions_of(const std::string& name) {
    TempDir dir;
    const Outcome o = run(case_options(name, dir.path()));
    REQUIRE(o.status == 0);
    std::istringstream in(read_file(dir / "trace.jsonl"));
    auto events = io::read_trace(in);
    REQUIRE(events);
    const core::Timestamp start = events.value().front().t;
    std::vector<Decision> out;
    for (const auto& ev : events.value())
        if (const auto* s = ev.schedule()) {
            Decision d;
            d.client = s->client.to_string();
            d.rs = s->rs ? s->rs->to_string() : "-";
            d.persistent = s->persistent;
            d.at = std::chrono::duration<double>(ev.t - start).count();
            out.push_back(d);
        }
    return out;
}

std::vector<std::string> servers_of(const std::vector<Decision>& ds) {
    std::vector<std::string> v;
    for (const auto& d : ds) v.push_back(d.rs);
    return v;
}

const std::string k100 = "172.16.10.100:80", k212 = "172.16.10.212:80";

}  // namespace

TEST_CASE("replay goldens: every case's schedule events match its decisions.jsonl", "[io][replay][golden]") {
    const auto names = cases();
    for (const std::string& name : names) {
        DYNAMIC_SECTION(name) {
            TempDir dir;
            const Outcome o = run(case_options(name, dir.path()));
            INFO(o.err);
            REQUIRE(o.status == 0);
            const std::string decisions = lines_of_event(read_file(dir / "trace.jsonl"), "schedule");
            CHECK_FALSE(decisions.empty());
            check_golden(pcaps_dir() / name / "decisions.jsonl", decisions);
        }
    }
}

TEST_CASE("replay goldens: every directory of pcaps/ is a checked case", "[io][replay][golden]") {
    const auto names = cases();
    const std::set<std::string> have(names.begin(), names.end());
    for (const char* expected : {"nat", "dr", "tun", "persist", "udp", "weight", "drops"}) CHECK(have.count(expected) == 1);
    for (const auto& e : fs::directory_iterator(pcaps_dir())) {
        if (!e.is_directory()) continue;
        const std::string name = e.path().filename().string();
        INFO(name);
        CHECK(fs::exists(e.path() / "client.pcap"));
        if (name == "matrix") CHECK(fs::exists(e.path() / "decisions.txt"));  // replay_matrix_test.cpp
        else CHECK(fs::exists(e.path() / "decisions.jsonl"));
    }
}

// What the kernel decides, worked out by hand (pcaps/README.md shows the arithmetic). The kernel keeps
// real servers newest first (__ip_vs_update_dest(): list_add_rcu at the head), so 172.16.10.212, added
// last, comes first in every list below.
TEST_CASE("replay goldens: nat, rr alternates starting with the newest real server", "[io][replay][golden]") {
    const auto ds = decisions_of("nat");
    CHECK(servers_of(ds) == std::vector<std::string>{k212, k100, k212, k100, k212, k100});
    CHECK(std::none_of(ds.begin(), ds.end(), [](const Decision& d) { return d.persistent; }));
}

TEST_CASE("replay goldens: dr, wlc compares overhead*weight and a tie keeps the first", "[io][replay][golden]") {
    // Weights .212:2 .100:1; each connection is closed (FIN_WAIT, inactive) before the next one, so the
    // overheads are the inactive counts: 0/2 0/1 -> .212; 1/2 0/1 -> .100; 1/2 1/1 -> .212 (1 > 2 false);
    // 2/2 1/1 -> .212 (2 > 2 false: tie); 3/2 1/1 -> .100; 3/2 2/1 -> .212.
    CHECK(servers_of(decisions_of("dr")) == std::vector<std::string>{k212, k100, k212, k212, k100, k212});
}

TEST_CASE("replay goldens: tun, wrr gives 2:1 after a first cw=1 pass", "[io][replay][golden]") {
    // Weights .100:2 added first, .212:1: the adds leave cw=1, mw=2 (ip_vs_wrr_dest_changed()).
    CHECK(servers_of(decisions_of("tun")) == std::vector<std::string>{k212, k100, k100, k212, k100, k100});
}

TEST_CASE("replay goldens: persist, every client stays on its first real server", "[io][replay][golden]") {
    const auto ds = decisions_of("persist");
    REQUIRE(ds.size() == 9);
    // rr decides the first connection of each client; the templates decide the six others.
    for (std::size_t k = 0; k < ds.size(); ++k) {
        INFO(ds[k].client);
        CHECK(ds[k].persistent == (k >= 3));
        CHECK(ds[k].rs == std::vector<std::string>{k212, k100, k212}[k % 3]);
    }
}

TEST_CASE("replay goldens: udp, sh hashes each client to one server, again after the 300 s expiry",
          "[io][replay][golden]") {
    const auto ds = decisions_of("udp");
    // The second round (2 s) rides the existing connections: no decision. The third (400 s) comes after
    // the UDP timeout (300 s after 2.x s) and is scheduled again, to the same servers. Buckets:
    // hash_32(0xc0a80132..35, 8) = 64 162 3 101; with two servers of weight 1 the even buckets hold .212.
    const std::string u100 = "172.16.10.100:53", u212 = "172.16.10.212:53";
    REQUIRE(ds.size() == 8);
    for (std::size_t k = 0; k < ds.size(); ++k) {
        INFO(ds[k].client << " at " << ds[k].at);
        CHECK(ds[k].rs == std::vector<std::string>{u212, u212, u100, u100}[k % 4]);
        CHECK(ds[k].at == Approx(k < 4 ? 1.0 + 0.1 * static_cast<double>(k) : 400.0 + 0.1 * static_cast<double>(k - 4)));
    }
}

TEST_CASE("replay goldens: weight, the quiesced server gets no new connection", "[io][replay][golden]") {
    const auto ds = decisions_of("weight");
    REQUIRE(ds.size() == 16);
    // wlc with equal weights alternates on the inactive counts until 2.2 s, when .100 gets weight 0.
    std::vector<std::string> want{k212, k100, k212, k100, k212};
    want.resize(16, k212);
    CHECK(servers_of(ds) == want);
}

TEST_CASE("replay determinism: the same inputs give byte-identical pcaps, trace and summary", "[io][replay]") {
    for (const std::string& name : cases()) {
        DYNAMIC_SECTION(name) {
            TempDir a, b;
            const Outcome oa = run(case_options(name, a.path()));
            const Outcome ob = run(case_options(name, b.path()));
            REQUIRE(oa.status == 0);
            REQUIRE(ob.status == 0);
            CHECK(oa.out == ob.out);
            CHECK(oa.err == ob.err);
            std::vector<std::string> files;
            for (const auto& e : fs::directory_iterator(a.path())) files.push_back(e.path().filename().string());
            std::sort(files.begin(), files.end());
            CHECK(files == std::vector<std::string>{"eth0.pcap", "eth1.pcap", "trace.jsonl"});
            for (const auto& f : files) {
                INFO(f);
                const std::string x = read_file(a / f);
                CHECK_FALSE(x.empty());
                CHECK(x == read_file(b / f));
            }
        }
    }
}
