// The other outputs of `tapvs replay` on the small shipped captures, as exact text worked out by hand:
// --at (ipvsadm -L -n -c and --stats at a moment of the capture), --list-at (when the table changed),
// --compare (schedulers side by side) and --plot (the same as an SVG chart).
#include "unit/io/replay_fixture.hpp"

#include <algorithm>
#include <regex>

using namespace tapvs;
using namespace tapvs::test::replay;

TEST_CASE("replay --at: the first NAT connection, established, 3 ms after its SYN", "[io][replay][at]") {
    auto opts = case_options("nat");
    opts.at = {1.005};
    const Outcome o = run(opts);
    REQUIRE(o.status == 0);
    CHECK(o.err.empty());
    // SYN (1.000), ACK (1.001) and the request (1.002) have arrived: NONE -> SYN_RECV -> ESTABLISHED in the
    // INPUT table; the timer (900 s) was re-armed at 1.002, so 899.997 s remain: ipvsadm prints whole
    // seconds as mm:ss (the kernel divides jiffies by HZ). Bytes are IP bytes: 40 + 40 + (40 + 38).
    CHECK(o.out ==
          "\n"
          "== 1.005000 s: ipvsadm -L -n -c\n"
          "IPVS connection entries\n"
          "pro expire state       source             virtual            destination\n"
          "TCP 14:59  ESTABLISHED 192.168.1.50:40000 192.168.1.10:80    172.16.10.212:80\n"
          "\n"
          "== 1.005000 s: ipvsadm -L -n --stats\n"
          "IP Virtual Server version 1.2.1 (size=4096)\n"
          "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
          "  -> RemoteAddress:Port\n"
          "TCP  192.168.1.10:80                     1        3        0      158        0\n"
          "  -> 172.16.10.100:80                    0        0        0        0        0\n"
          "  -> 172.16.10.212:80                    1        3        0      158        0\n");
}

TEST_CASE("replay --at: between frames and after the last one, the UDP timeout has run", "[io][replay][at]") {
    auto opts = case_options("udp");
    opts.at = {1000, 302.15};  // given in any order, printed in time order
    const Outcome o = run(opts);
    REQUIRE(o.status == 0);
    // The second datagrams (2.0 s + 0.1 i) re-armed the 300 s timers: at 302.15 s the first two have expired
    // and the other two have less than a second left. At 1000 s the connections of the third round (400 s)
    // have expired as well: the timers run on after the last frame. 8 datagrams of 20 + 8 + 11 bytes.
    const std::string stats =
        "IP Virtual Server version 1.2.1 (size=4096)\n"
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
        "  -> RemoteAddress:Port\n";
    CHECK(o.out ==
          "\n"
          "== 302.150000 s: ipvsadm -L -n -c\n"
          "IPVS connection entries\n"
          "pro expire state       source             virtual            destination\n"
          "UDP 00:00  UDP         192.168.1.52:53002 192.168.1.10:53    172.16.10.100:53\n"
          "UDP 00:00  UDP         192.168.1.53:53003 192.168.1.10:53    172.16.10.100:53\n"
          "\n"
          "== 302.150000 s: ipvsadm -L -n --stats\n" +
              stats +
              "UDP  192.168.1.10:53                     4        8        0      312        0\n"
              "  -> 172.16.10.100:53                    2        4        0      156        0\n"
              "  -> 172.16.10.212:53                    2        4        0      156        0\n"
              "\n"
              "== 1000.000000 s: ipvsadm -L -n -c\n"
              "IPVS connection entries\n"
              "pro expire state       source             virtual            destination\n"
              "\n"
              "== 1000.000000 s: ipvsadm -L -n --stats\n" +
              stats +
              "UDP  192.168.1.10:53                     8       12        0      468        0\n"
              "  -> 172.16.10.100:53                    4        6        0      234        0\n"
              "  -> 172.16.10.212:53                    4        6        0      234        0\n");
}

TEST_CASE("replay --list-at: UDP connections made, expired 300 s after their last datagram, made again",
          "[io][replay][at]") {
    auto opts = case_options("udp");
    opts.list_at = true;
    const Outcome o = run(opts);
    REQUIRE(o.status == 0);
    CHECK(o.out ==
          "When the connection table changed (seconds after the first frame; pick one for --at):\n"
          "    1.000000  new     UDP 192.168.1.50:53000 -> 192.168.1.10:53 => 172.16.10.212:53\n"
          "    1.100000  new     UDP 192.168.1.51:53001 -> 192.168.1.10:53 => 172.16.10.212:53\n"
          "    1.200000  new     UDP 192.168.1.52:53002 -> 192.168.1.10:53 => 172.16.10.100:53\n"
          "    1.300000  new     UDP 192.168.1.53:53003 -> 192.168.1.10:53 => 172.16.10.100:53\n"
          "  302.000000  expire  UDP 192.168.1.50:53000 => 172.16.10.212:53\n"
          "  302.100000  expire  UDP 192.168.1.51:53001 => 172.16.10.212:53\n"
          "  302.200000  expire  UDP 192.168.1.52:53002 => 172.16.10.100:53\n"
          "  302.300000  expire  UDP 192.168.1.53:53003 => 172.16.10.100:53\n"
          "  400.000000  new     UDP 192.168.1.50:53000 -> 192.168.1.10:53 => 172.16.10.212:53\n"
          "  400.100000  new     UDP 192.168.1.51:53001 -> 192.168.1.10:53 => 172.16.10.212:53\n"
          "  400.200000  new     UDP 192.168.1.52:53002 -> 192.168.1.10:53 => 172.16.10.100:53\n"
          "  400.300000  new     UDP 192.168.1.53:53003 -> 192.168.1.10:53 => 172.16.10.100:53\n");
}

namespace {

// pcaps/weight/: 16 connections of 8 clients 0.25 s apart from 1.0 s; 172.16.10.100 is quiesced at 2.2 s.
//  rr, wlc: .212 .100 .212 .100 .212 before the change, then .212 only: 2 and 14, imbalance 14/8 = 1.75;
//    of the 5 clients seen on both sides of the change, .51 and .53 moved (from .100 to .212).
//  sh: the clients' buckets hash_32(0xc0a80132..39, 8) = 64 162 3 101 199 41 138 236; even buckets hold
//    .212, odd ones .100. The quiesced .100 keeps its buckets but is unavailable (no sh-fallback): the 5
//    later connections of the odd-bucket clients are refused. 3 and 8, imbalance 8/5.5 = 1.45; two clients
//    were seen on both sides, neither moved.
io::ReplayOptions compare_options() {
    auto opts = case_options("weight");
    opts.compare = {"rr", "wlc", "sh"};
    return opts;
}
const char* const kCompareTable =
    "Connections per real server, by scheduler (imbalance = max / mean; moved = clients whose real\n"
    "server changed across the configuration's timed lines):\n"
    "\n"
    "sched    conns      172.16.10.100:80      172.16.10.212:80 imbalance  refused     moved\n"
    "rr          16                     2                    14      1.75        0       2/5\n"
    "wlc         16                     2                    14      1.75        0       2/5\n"
    "sh          11                     3                     8      1.45        5       0/2\n";

}  // namespace

TEST_CASE("replay --compare: rr, wlc and sh around a quiesced server", "[io][replay][compare]") {
    const Outcome o = run(compare_options());
    REQUIRE(o.status == 0);
    CHECK(o.err.empty());
    CHECK(o.out == kCompareTable);
}

TEST_CASE("replay --compare: an unknown scheduler is an error", "[io][replay][compare]") {
    auto opts = compare_options();
    opts.compare = {"rr", "wlcc"};
    const Outcome o = run(opts);
    CHECK(o.status == 1);
    CHECK(o.err == "tapvs replay: --compare: unknown scheduler 'wlcc'\n");
}

TEST_CASE("replay --plot: an SVG with one bar per scheduler and server, and a legend", "[io][replay][compare]") {
    TempDir dir;
    auto opts = compare_options();
    opts.plot = (dir / "chart.svg").string();
    const Outcome o = run(opts);
    REQUIRE(o.status == 0);
    CHECK(o.out == std::string(kCompareTable) + "\nChart: " + opts.plot + "\n");
    const std::string svg = read_file(opts.plot);
    INFO(svg);
    REQUIRE(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.substr(svg.size() - 7) == "</svg>\n");

    // XML-ish: every tag is closed, in order, and the attribute quotes pair up.
    std::vector<std::string> open;
    const std::regex tag(R"(<(/?)([a-z]+)((?:\s+[a-z][a-z0-9-]*="[^"<>]*")*)\s*(/?)>)");
    std::size_t tags = 0;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tag); it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        ++tags;
        if (m[1] == "/") {
            REQUIRE_FALSE(open.empty());
            CHECK(open.back() == m[2].str());
            open.pop_back();
        } else if (m[4] != "/") {
            open.push_back(m[2]);
        }
    }
    CHECK(open.empty());
    CHECK(static_cast<std::size_t>(std::count(svg.begin(), svg.end(), '<')) == tags);  // no stray '<'

    // 3 schedulers x 2 servers bars, each titled with its count, plus one legend square per server.
    const std::regex bar(R"(<rect [^>]*><title>([a-z]+) ([0-9.:]+): ([0-9]+)</title></rect>)");
    std::vector<std::string> bars;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it)
        bars.push_back((*it)[1].str() + " " + (*it)[2].str() + " " + (*it)[3].str());
    CHECK(bars == std::vector<std::string>{"rr 172.16.10.100:80 2", "rr 172.16.10.212:80 14",
                                           "wlc 172.16.10.100:80 2", "wlc 172.16.10.212:80 14",
                                           "sh 172.16.10.100:80 3", "sh 172.16.10.212:80 8"});
    const std::regex legend(R"(<rect [^>]*/><text [^>]*>(172\.16\.10\.[0-9]+:80)</text>)");
    std::vector<std::string> names;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), legend); it != std::sregex_iterator(); ++it)
        names.push_back((*it)[1].str());
    CHECK(names == std::vector<std::string>{"172.16.10.100:80", "172.16.10.212:80"});
    std::size_t rects = 0;
    for (std::size_t p = svg.find("<rect"); p != std::string::npos; p = svg.find("<rect", p + 1)) ++rects;
    CHECK(rects == 6 + 2);
}
