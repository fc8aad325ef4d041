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
