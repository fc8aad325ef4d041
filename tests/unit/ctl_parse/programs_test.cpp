// The program table: a first word's program_name(), and which programs the command language takes.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "tapvs/ctl/programs.hpp"

namespace ctl = tapvs::ctl;

static_assert(ctl::program_name("/usr/sbin/ipvsadm") == "ipvsadm");
static_assert(ctl::is_ipvsadm("tapvsadm"));

TEST_CASE("programs: a first word names its program by its basename", "[programs]") {
    CHECK(ctl::program_name("ip") == "ip");
    CHECK(ctl::program_name("/sbin/ip") == "ip");
    CHECK(ctl::program_name("./bin/tapvsadm") == "tapvsadm");
    CHECK(ctl::program_name("ip/") == "");
    CHECK(ctl::program_name("") == "");
}

TEST_CASE("programs: ipvsadm's command line is ipvsadm or tapvsadm, by name or path", "[programs]") {
    CHECK(ctl::is_ipvsadm("ipvsadm"));
    CHECK(ctl::is_ipvsadm("/sbin/ipvsadm"));
    CHECK(ctl::is_ipvsadm("tapvsadm"));
    CHECK_FALSE(ctl::is_ipvsadm("ipvsadm-restore"));
    CHECK_FALSE(ctl::is_ipvsadm("ipvsadm/"));
    CHECK(ctl::is_iptables("/usr/sbin/iptables-legacy"));
    CHECK_FALSE(ctl::is_iptables("ip6tables"));
}

TEST_CASE("programs: every program of the table is known, and only those", "[programs]") {
    for (std::string_view p : ctl::kPrograms) {
        CHECK(ctl::is_known_program(p));
        CHECK(ctl::is_known_program(std::string("/usr/sbin/") + std::string(p)));
    }
    CHECK_FALSE(ctl::is_known_program("sh"));
    CHECK_FALSE(ctl::is_known_program("tapvs"));
}
