// labs/NAME/lab.conf: what it reads, and each mistake named with its line.
#include <filesystem>

#include <catch2/catch.hpp>

#include "tapvs/lab/lab_file.hpp"

using tapvs::lab::Item;
using tapvs::lab::parse_lab;

namespace {

const std::string kHead =
    "title A lab\n"
    "about First line.\n"
    "about Second line.\n"
    "segment outside 192.168.1.0/24\n"
    "segment inside\n"
    "director eth0 outside 02:00:00:00:01:00\n"
    "director eth1 inside 02:00:00:00:01:01\n"
    "host client eth0 outside 192.168.1.50/24\n"
    "host router eth0 outside 192.168.1.1/24 eth1 inside 172.16.0.1/16\n"
    "host rs1 eth0 inside 172.16.10.100/16\n"
    "web rs1\n";

std::string error_of(const std::string& text) {
    auto r = parse_lab(text, "t", "labs/t", "t.conf");
    REQUIRE_FALSE(r);
    return r.error().to_string();
}

}  // namespace

TEST_CASE("a lab's topology and steps are read in order") {
    auto r = parse_lab(kHead +
                           "step One\n"
                           "about Why.\n"
                           "director: ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up\n"
                           "rs1: echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore\n"
                           "director: ipvsadm -L -n\n"
                           "expect TCP  192.168.1.10:80 rr\n"
                           "check http client 192.168.1.10:80/index.html 6 counts rs1=4,rs2=2 upload 1000\n"
                           "open A client 192.168.1.10\n"
                           "check again A same\n",
                       "t", "labs/t", "t.conf");
    REQUIRE(r);
    const auto& lab = r.value();
    CHECK(lab.title == "A lab");
    CHECK(lab.about == "First line. Second line.");
    REQUIRE(lab.segments.size() == 2);
    CHECK(lab.segments[1].cidr.empty());
    REQUIRE(lab.director.size() == 2);
    CHECK(lab.director_port("eth1")->mac == "02:00:00:00:01:01");
    REQUIRE(lab.host("router"));
    CHECK(lab.host("router")->ifaces.size() == 2);
    CHECK(lab.host("router")->ifaces[1].addr == "172.16.0.1/16");
    REQUIRE(lab.web.size() == 1);
    CHECK(lab.web[0].hosts == std::vector<std::string>{"rs1"});
    REQUIRE(lab.steps.size() == 1);
    const auto& s = lab.steps[0];
    CHECK(s.title == "One");
    CHECK(s.about == "Why.");
    REQUIRE(s.items.size() == 7);
    CHECK(s.items[0].kind == Item::Kind::command);
    CHECK(s.items[0].host == "director");
    CHECK(s.items[1].host == "rs1");
    REQUIRE(s.items[1].words.size() == 4);
    CHECK(s.items[1].words[2].redirect);  // the `>` of echo, kept as the redirection word
    CHECK(s.items[3].kind == Item::Kind::expect);
    CHECK(s.items[3].text == "TCP  192.168.1.10:80 rr");
    CHECK(s.items[4].check.kind == "http");
    CHECK(s.items[4].check.args.size() == 7);
    CHECK(s.items[5].kind == Item::Kind::open);
    CHECK(s.items[5].target == "192.168.1.10");
    CHECK(s.items[6].check.kind == "again");
}

TEST_CASE("each check is read once into its own type") {
    using namespace tapvs::lab;
    auto r = parse_lab(kHead +
                           "step One\n"
                           "check http client 192.168.1.10:8080/index.html 6 counts rs1=4,rs2=2 upload 1000 upload 5\n"
                           "check http client 192.168.1.10 3 order rs1,rs2\n"
                           "check arp client:eth0 192.168.1.10\n"
                           "check ping router 172.16.10.100\n"
                           "check bypass client 192.168.1.10\n"
                           "check tunnel rs1 router\n"
                           "open A client 192.168.1.10:81\n"
                           "check again A fails\n",
                       "t", "labs/t", "t.conf");
    REQUIRE(r);
    const auto& items = r.value().steps[0].items;
    REQUIRE(items.size() == 8);
    const auto* counts = items[0].check.as<HttpCheck>();
    REQUIRE(counts);
    CHECK(counts->host == "client");
    CHECK(counts->target.addr == "192.168.1.10");
    CHECK(counts->target.port == "8080");
    CHECK(counts->target.path == "/index.html");
    CHECK(counts->count == 6);
    CHECK(counts->pattern == HttpCheck::Pattern::counts);
    CHECK(counts->counts == std::map<std::string, int>{{"rs1", 4}, {"rs2", 2}});
    CHECK(counts->uploads == std::vector<std::string>{"1000", "5"});
    const auto* order = items[1].check.as<HttpCheck>();
    REQUIRE(order);
    CHECK(order->target.port == "80");
    CHECK(order->target.path == "/");
    CHECK(order->pattern == HttpCheck::Pattern::order);
    CHECK(order->names == std::vector<std::string>{"rs1", "rs2"});
    const auto* arp = items[2].check.as<ArpCheck>();
    REQUIRE(arp);
    CHECK(arp->host == "client");
    CHECK(arp->iface == "eth0");
    CHECK(arp->addr == "192.168.1.10");
    const auto* ping = items[3].check.as<PingCheck>();
    REQUIRE(ping);
    CHECK(ping->host == "router");
    CHECK(ping->addr == "172.16.10.100");
    const auto* bypass = items[4].check.as<RepliesCheck>();
    REQUIRE(bypass);
    CHECK(bypass->way == RepliesCheck::Way::bypass);
    CHECK(bypass->vip == "192.168.1.10");
    CHECK(items[4].check.after_step());
    const auto* tunnel = items[5].check.as<TunnelCheck>();
    REQUIRE(tunnel);
    CHECK(tunnel->hosts == std::vector<std::string>{"rs1", "router"});
    CHECK(items[6].open_at.port == "81");
    const auto* again = items[7].check.as<AgainCheck>();
    REQUIRE(again);
    CHECK(again->name == "A");
    CHECK_FALSE(again->same);
    CHECK_FALSE(items[7].check.after_step());
}

TEST_CASE("lab mistakes are named with their line") {
    CHECK(error_of(kHead + "step S\nrs9: ip addr\n") == "t.conf:13: no host named rs9 (the director is `director')");
    CHECK(error_of(kHead + "step S\nrs1: bash -c 'rm -rf /'\n") ==
          "t.conf:13: rs1: a host runs ip, ifconfig, route, sysctl, echo > /proc/sys or cat, not `bash'");
    CHECK(error_of(kHead + "step S\nrs1: echo $(id)\n").find("t.conf:13: command substitution") == 0);
    // ipvsadm's own message, from the parser every tapvs command line goes through
    CHECK(error_of(kHead + "step S\ndirector: ipvsadm -A -t 192.168.1.10:80 -x\n").rfind("t.conf:13: director: ", 0) == 0);
    CHECK(error_of(kHead + "step S\nrs1: ip addr add 10.0.0.1/8 dev\n").rfind("t.conf:13: rs1: ", 0) == 0);
    CHECK(error_of(kHead + "step S\ncheck http client 192.168.1.10 6 zigzag\n").find("pattern `zigzag'") !=
          std::string::npos);
    CHECK(error_of(kHead + "step S\ncheck again B same\n") == "t.conf:13: check again: no connection opened as B");
    CHECK(error_of(kHead + "step S\nexpect x\n") ==
          "t.conf:13: expect follows a command (or another expect): it looks at that command's output");
    CHECK(error_of(kHead + "step S\nabout nothing to do\n") == "t.conf:12: step `S' has nothing to do");
    CHECK(error_of("title T\nsegment a\nhost h eth0 b 10.0.0.1/8\n") == "t.conf:3: no segment named b");
    CHECK(error_of("title T\nsegment a\ndirector eth0 a 02:00\n") ==
          "t.conf:3: `02:00' is not a MAC address (02:00:00:00:01:00)");
    CHECK(error_of("title T\nsegment a\ndirector eth0 a 02:00:00:00:01:0g\n") ==
          "t.conf:3: `02:00:00:00:01:0g' is not a MAC address (02:00:00:00:01:00)");
    CHECK(error_of("title T\nsegment a\nhost h eth0 a 10.0.0.300/8\n") == "t.conf:3: `10.0.0.300/8' wants ADDR/LEN");
    CHECK(error_of("title T\nsegment a\nhost h eth0 a 10.0.0.1/33\n") == "t.conf:3: `10.0.0.1/33' wants ADDR/LEN");
    CHECK(error_of("title T\nsegment a\nbogus\n") ==
          "t.conf:3: unknown line `bogus' (before the first step: title, about, segment, director, host, web, ipip, step)");
    CHECK(error_of("title T\nsegment a\nhost rs1 eth0 a 10.0.0.1/8\nweb rs1 shared ../etc\n").find("a directory inside the lab's own") !=
          std::string::npos);
}

TEST_CASE("every lab shipped in labs/ loads") {
    const std::filesystem::path root = std::filesystem::path(TAPVS_SOURCE_DIR) / "labs";
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(root)) {
        if (!std::filesystem::exists(e.path() / "lab.conf")) continue;
        auto r = tapvs::lab::load_lab(e.path().string());
        INFO(e.path().string());
        CHECK(r);
        if (!r) FAIL(r.error().to_string());
        ++n;
    }
    CHECK(n >= 6);
}

TEST_CASE("lab file: a director MAC is kept in the spelling the captures print") {
    auto r = parse_lab(kHead.substr(0, kHead.find("director eth0")) + "director eth0 outside 02:AB:00:00:01:00\n" +
                           "host client eth0 outside 192.168.1.50/24\nstep S\nclient: ip link\n",
                       "t", "labs/t", "t.conf");
    REQUIRE(r);
    CHECK(r.value().director.front().mac == "02:ab:00:00:01:00");
}

TEST_CASE("the grade block: student hosts, the lab's own hosts' commands, tests with their checks") {
    auto r = parse_lab(kHead +
                           "step One\n"
                           "check ping client 192.168.1.10\n"
                           "grade\n"
                           "about Graded from fresh hosts.\n"
                           "student director rs1\n"
                           "router: sysctl -w net.ipv4.ip_forward=1\n"
                           "test 2 The VIP answers\n"
                           "about Four requests.\n"
                           "check http client 192.168.1.10 4 any\n"
                           "test 3 The table\n"
                           "check service TCP 192.168.1.10:80 rr -> 172.16.10.100:80 Route 1\n"
                           "check bypass client 192.168.1.10\n",
                       "t", "labs/t", "t.conf");
    REQUIRE(r);
    const auto& g = r.value().grade;
    CHECK(g.line == 14);
    CHECK(g.about == "Graded from fresh hosts.");
    CHECK(g.student == std::vector<std::string>{"director", "rs1"});
    CHECK(g.is_student("rs1"));
    CHECK_FALSE(g.is_student("client"));
    REQUIRE(g.setup.size() == 1);
    CHECK(g.setup[0].host == "router");
    REQUIRE(g.tests.size() == 2);
    CHECK(g.tests[0].name == "The VIP answers");
    CHECK(g.tests[0].points == 2);
    CHECK(g.tests[0].about == "Four requests.");
    CHECK(g.tests[1].checks.size() == 2);
    CHECK(g.max_points() == 5);
    REQUIRE(g.service());
    CHECK(g.service()->scheduler == "rr");
    REQUIRE(g.service()->reals.size() == 1);
    CHECK(g.service()->reals[0].method == "Route");
    CHECK(r.value().steps.size() == 1);  // the grade block is not a step
}

TEST_CASE("a lab without a grade block has none") {
    auto r = parse_lab(kHead + "step One\ncheck ping client 192.168.1.10\n", "t", "labs/t", "t.conf");
    REQUIRE(r);
    CHECK(r.value().grade.line == 0);
    CHECK(r.value().grade.service() == nullptr);
}

TEST_CASE("mistakes in the grade block are named with their line") {
    const std::string head = kHead + "step One\ncheck ping client 192.168.1.10\ngrade\n";
    CHECK(error_of(head + "test 2 X\ncheck ping client 1.2.3.4\n") == "t.conf:14: the grade block names no student hosts: student HOST...");
    CHECK(error_of(head + "student director nobody\n") == "t.conf:15: student: no host named nobody");
    CHECK(error_of(head + "student rs1\nrs1: ifconfig eth0 up\n") ==
          "t.conf:16: rs1 is the student's: the grade block runs commands on the lab's own hosts only");
    CHECK(error_of(head + "student rs1\ntest 0 X\n") == "t.conf:16: test POINTS NAME: POINTS a whole number above 0");
    CHECK(error_of(head + "student rs1\ncheck ping client 1.2.3.4\n") == "t.conf:16: a check before the first test (test POINTS NAME)");
    CHECK(error_of(head + "student rs1\ntest 1 X\n") == "t.conf:16: test `X' has no check");
    CHECK(error_of(head + "student rs1\n") == "t.conf:14: the grade block has no test: test POINTS NAME");
    CHECK(error_of(head + "student rs1\ntest 1 X\ncheck service TCP 192.168.1.10:80 rr -> 172.16.10.100:80 Direct 1\n") ==
          "t.conf:17: check service: method `Direct' (Masq, Route or Tunnel)");
    CHECK(error_of(head + "student rs1\ntest 1 X\ncheck service TCP 192.168.1.10 rr\n") ==
          "t.conf:17: check service: `192.168.1.10' is not ADDR:PORT");
    CHECK(error_of(head + "student rs1\nstep Two\n") ==
          "t.conf:16: unknown line `step' in the grade block (student, HOST: COMMAND, test, check, about)");
}
