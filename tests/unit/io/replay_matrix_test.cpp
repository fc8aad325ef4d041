// Every scheduler x forwarding method x persistence over one capture (pcaps/matrix/client.pcap, made by
// tests/tools/make_pcaps.cpp: matrix_clients()): 84 configurations written here, replayed, and summarised
// as "client -> real server" per connection against ONE golden file, pcaps/matrix/decisions.txt. Then
// properties that hold whatever the numbers, because the kernel works that way.
#include "unit/io/replay_fixture.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "tapvs/io/trace_read.hpp"

using namespace tapvs;
using namespace tapvs::test::replay;

namespace {

const char* const kSchedulers[] = {"rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "lblc", "lblcr", "mh", "fo", "ovf", "twos"};
struct Method {
    const char* name;  // as the trace names it
    const char* flag;  // ipvsadm
};
const Method kMethods[] = {{"masq", "-m"}, {"route", "-g"}, {"tunnel", "-i"}};
const int kPersistence[] = {0, 60};

// The director: three real servers of weights 1, 2, 3 (added in that order, so the kernel's list is
// .212 .150 .100); .212 is quiesced at 3.9 s and comes back with weight 1 at 200 s. The method is
// repeated on the timed -e lines: ipvsadm -e without one means -g.
std::string config(const std::string& sched, const Method& m, int persistence) {
    std::string c =
        "ip link set dev eth0 address 02:00:00:00:01:00\n"
        "ip link set dev eth1 address 02:00:00:00:01:01\n"
        "ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up\n"
        "ifconfig eth1 172.16.10.12 netmask 255.255.0.0 up\n";
    if (std::string_view(m.flag) == "-m") c += "echo 1 > /proc/sys/net/ipv4/ip_forward\n";
    c += "ip neigh add 172.16.10.100 lladdr 02:00:00:00:03:64 dev eth1 nud permanent\n"
         "ip neigh add 172.16.10.150 lladdr 02:00:00:00:03:96 dev eth1 nud permanent\n"
         "ip neigh add 172.16.10.212 lladdr 02:00:00:00:03:d4 dev eth1 nud permanent\n";
    c += fmt::format("ipvsadm -A -t 192.168.1.10:80 -s {}{}\n", sched,
                     persistence ? fmt::format(" -p {}", persistence) : std::string());
    c += fmt::format("ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100:80 {} -w 1\n", m.flag);
    c += fmt::format("ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.150:80 {} -w 2\n", m.flag);
    c += fmt::format("ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212:80 {} -w 3\n", m.flag);
    c += fmt::format("@3.9 ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.212:80 {} -w 0\n", m.flag);
    c += fmt::format("@200 ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.212:80 {} -w 1\n", m.flag);
    return c;
}

struct Decision {
    std::string client, rs;  // rs "none": no real server was available
    std::string method;
    bool persistent = false;
    double at = 0;
};

struct Cell {
    std::string sched;
    Method method;
    int persistence;
    std::vector<Decision> decisions;
    std::string title() const {
        return fmt::format("{} {}{}", sched, method.name, persistence ? fmt::format(" -p {}", persistence) : "");
    }
};

std::vector<Decision> replay(const TempDir& dir, const std::string& conf_text, const std::string& tag) {
    const fs::path conf = dir / (tag + ".conf");
    const fs::path out = dir / tag;
    write_file(conf, conf_text);
    const Outcome o = run(options(conf, pcaps_dir() / "matrix" / "client.pcap", out));
    INFO(o.err);
    REQUIRE(o.status == 0);
    REQUIRE(o.err.empty());
    std::istringstream in(read_file(out / "trace.jsonl"));
    auto events = io::read_trace(in);
    REQUIRE(events);
    const core::Timestamp start = events.value().front().t;
    std::vector<Decision> ds;
    for (const auto& ev : events.value())
        if (const auto* s = ev.schedule()) {
            Decision d;
            d.client = s->client.to_string();
            d.rs = s->rs ? s->rs->to_string() : "none";
            d.method = s->method;
            d.persistent = s->persistent;
            d.at = std::chrono::duration<double>(ev.t - start).count();
            ds.push_back(d);
        }
    fs::remove_all(out);
    return ds;
}

// All 84 cells, replayed once per test process.
const std::vector<Cell>& matrix() {
    static const std::vector<Cell> cells = [] {
        TempDir dir;
        std::vector<Cell> v;
        for (const char* s : kSchedulers)
            for (const Method& m : kMethods)
                for (int p : kPersistence) {
                    Cell c{s, m, p, {}};
                    c.decisions = replay(dir, config(s, m, p), fmt::format("{}-{}-{}", s, m.name, p));
                    v.push_back(std::move(c));
                }
        return v;
    }();
    return cells;
}

std::string summary(const std::vector<Cell>& cells) {
    std::string s =
        "# tapvs replay of pcaps/matrix/client.pcap under every scheduler x method x persistence.\n"
        "# Written by tests/unit/io/replay_matrix_test.cpp (scripts/update-goldens.sh); pcaps/README.md explains it.\n"
        "# One block per configuration, one line per new connection: client -> real server\n"
        "# (\"none\": no real server available; \"(template)\": a persistence template decided).\n";
    for (const Cell& c : cells) {
        s += fmt::format("\n== {}\n", c.title());
        for (const Decision& d : c.decisions)
            s += fmt::format("{} -> {}{}\n", d.client, d.rs, d.persistent ? " (template)" : "");
    }
    return s;
}

const Cell& cell(const std::string& sched, const std::string& method, int persistence) {
    for (const Cell& c : matrix())
        if (c.sched == sched && c.method.name == method && c.persistence == persistence) return c;
    FAIL("no cell " << sched << " " << method << " " << persistence);
    throw std::logic_error("unreachable");
}

std::vector<std::string> servers(const Cell& c) {
    std::vector<std::string> v;
    for (const auto& d : c.decisions) v.push_back(d.rs);
    return v;
}

const std::string k100 = "172.16.10.100:80", k150 = "172.16.10.150:80", k212 = "172.16.10.212:80";

}  // namespace

TEST_CASE("replay matrix: 14 schedulers x NAT/DR/TUN x persistence off/60 s match decisions.txt",
          "[io][replay][golden][matrix]") {
    const auto& cells = matrix();
    REQUIRE(cells.size() == 84);
    for (const Cell& c : cells) {
        INFO(c.title());
        CHECK(c.decisions.size() == 30);  // five rounds of six clients: every SYN is a new connection
        for (const auto& d : c.decisions) CHECK((d.rs == "none" || d.method == c.method.name));
    }
    check_golden(pcaps_dir() / "matrix" / "decisions.txt", summary(cells));
}

TEST_CASE("replay matrix: with -p 60 a client keeps its server while its template lives", "[io][replay][matrix]") {
    for (const Cell& c : matrix()) {
        if (!c.persistence) continue;
        INFO(c.title());
        // ip_vs_sched_persist(): the first connection of each client is scheduled and makes a template;
        // every later one until 300 s finds it (re-armed by each connection, and by ip_vs_conn_expire()
        // while it controls one), even on the server quiesced at 3.9 s (expire_quiescent_template = 0).
        std::map<std::string, std::string> first;
        for (const auto& d : c.decisions) {
            const std::string ip = d.client.substr(0, d.client.find(':'));
            if (d.at < 300) {
                auto [it, fresh] = first.emplace(ip, d.rs);
                CHECK(d.persistent == !fresh);
                CHECK(d.rs == it->second);
            } else {
                // By 300 s only 192.168.1.53's template lives on: it controls the connection left open
                // since 1.75 s (closed at 300 s). The others died with their last connections.
                CHECK(d.persistent == (ip == "192.168.1.53"));
                if (d.persistent) CHECK(d.rs == first[ip]);
            }
        }
    }
}

TEST_CASE("replay matrix: no new connection goes to the quiesced server", "[io][replay][matrix]") {
    for (const Cell& c : matrix()) {
        INFO(c.title());
        for (const auto& d : c.decisions) {
            INFO(d.client << " at " << d.at);
            // weight 0 from 3.9 s to 200 s: only a persistence template still sends clients there.
            if (d.at > 3.9 && d.at < 200 && !d.persistent) CHECK(d.rs != k212);
        }
    }
}

TEST_CASE("replay matrix: DR and TUN decide alike, NAT too where inactive connections do not count",
          "[io][replay][matrix]") {
    // A client-side capture drives DR and TUN through the same INPUT_ONLY state table
    // (ip_vs_proto_tcp.c set_tcp_state()), so their decisions are identical. NAT uses the INPUT table:
    // the same active/inactive split, but a client FIN leaves CLOSE_WAIT (60 s) rather than FIN_WAIT
    // (120 s), so at 100 s NAT has forgotten connections DR still counts as inactive. The schedulers that
    // never read inactconns decide alike under all three methods.
    const std::set<std::string> ignore_inactive{"rr", "wrr", "sed", "nq", "sh", "dh", "mh", "fo", "ovf"};
    for (const char* s : kSchedulers)
        for (int p : kPersistence) {
            INFO(s << " -p " << p);
            const auto route = servers(cell(s, "route", p));
            CHECK(servers(cell(s, "tunnel", p)) == route);
            if (ignore_inactive.count(s)) CHECK(servers(cell(s, "masq", p)) == route);
        }
    // ... and wlc is one that tells them apart, in the round at 100 s (worked out in pcaps/README.md).
    const auto nat = servers(cell("wlc", "masq", 0)), dr = servers(cell("wlc", "route", 0));
    CHECK(std::vector<std::string>(nat.begin() + 18, nat.begin() + 24) ==
          std::vector<std::string>{k150, k150, k100, k150, k150, k100});
    CHECK(std::vector<std::string>(dr.begin() + 18, dr.begin() + 24) ==
          std::vector<std::string>{k100, k100, k150, k150, k100, k150});
}

TEST_CASE("replay matrix: hand-checked rows (rr, wrr, sh, fo)", "[io][replay][matrix]") {
    const std::string none = "none";
    // rr: newest first; the cursor survives the weight changes (ip_vs_rr.c has no upd_dest hook).
    CHECK(servers(cell("rr", "masq", 0)) ==
          std::vector<std::string>{k212, k150, k100, k212, k150, k100,  // round 0
                                   k212, k150, k100, k212, k150, k100,  // round 1: .212 quiesced before 4.0 s
                                   k150, k100, k150, k100, k150, k100,  // round 2
                                   k150, k100, k150, k100, k150, k100,  // 100 s
                                   k212, k150, k100, k212, k150, k100});  // 300 s: .212 back
    // wrr: the adds leave cw=1 (a first pass over all), then 3:2:1; the quiesce resets cw to mw=2,
    // the return to weight 1 keeps cw=1 (ip_vs_wrr_dest_changed()).
    CHECK(servers(cell("wrr", "route", 0)) ==
          std::vector<std::string>{k212, k150, k100, k212, k212, k150, k212, k150, k100, k212, k150, k150,
                                   k100, k150, k150, k100, k150, k150, k100, k150, k150, k100, k150, k150,
                                   k212, k150, k100, k150, k212, k150});
    // sh: 256 buckets filled 3/2/1 (period 6); after the quiesce .212 keeps one bucket (period 4) but is
    // unavailable: a client hashed there gets no server (no sh-fallback).
    // hash_32(0xc0a80132 + i, 8) = 64 162 3 101 199 41.
    CHECK(servers(cell("sh", "masq", 0)) ==
          std::vector<std::string>{k150, k212, k150, k100, k212, k100,  // mod 6: 4 0 3 5 1 5
                                   k150, k212, k150, k100, k100, k150,  // then mod 4: 3 1
                                   none, k150, k100, k150, k100, k150,  // mod 4: 0 2 3 1 3 1
                                   none, k150, k100, k150, k100, k150,
                                   k212, k150, k100, k150, k100, k150});
    // fo: the highest weight; .212 (3) then .150 (2), which keeps it after .212 returns with weight 1.
    std::vector<std::string> fo(10, k212);
    fo.resize(30, k150);
    CHECK(servers(cell("fo", "tunnel", 0)) == fo);
}
