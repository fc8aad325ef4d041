// route (net-tools) lines -> RouteAdd / RouteDel, with INET_setroute()'s checks and exit codes.
#include <catch2/catch.hpp>

#include "unit/ctl_parse/parse_helpers.hpp"

#include "tapvs/ctl/config.hpp"

using namespace tapvs;
using namespace tapvs::ctl;

namespace {

using test::parse::as;
using test::parse::bad;
using test::parse::ok;
using test::parse::one;

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

}  // namespace

TEST_CASE("route: add default gw", "[route]") {
    auto r = one<cmd::RouteAdd>("route add default gw 192.168.1.1");
    CHECK(r.dst == net::Ipv4Addr{});
    CHECK(r.prefix_len == 0);
    REQUIRE(r.via);
    CHECK(*r.via == net::ipv4(192, 168, 1, 1));
    CHECK(r.dev.empty());
    CHECK_FALSE(r.replace);
    CHECK(one<cmd::RouteAdd>("/sbin/route -n add default gateway 10.0.0.1 dev eth0").dev == "eth0");
}

TEST_CASE("route: -net with netmask, /prefix, gw and dev (keyword or last word)", "[route]") {
    auto a = one<cmd::RouteAdd>("route add -net 10.0.0.0 netmask 255.0.0.0 gw 172.16.0.1 dev eth1");
    CHECK(a.dst == net::ipv4(10, 0, 0, 0));
    CHECK(a.prefix_len == 8);
    CHECK(*a.via == net::ipv4(172, 16, 0, 1));
    CHECK(a.dev == "eth1");
    auto b = one<cmd::RouteAdd>("route add -net 10.1.0.0/16 eth1");
    CHECK(b.prefix_len == 16);
    CHECK(b.dev == "eth1");
    CHECK_FALSE(b.via);
}

TEST_CASE("route: a plain address or -host is a host route", "[route]") {
    auto h = one<cmd::RouteAdd>("route add -host 10.1.1.1 gw 10.0.0.1");
    CHECK(h.dst == net::ipv4(10, 1, 1, 1));
    CHECK(h.prefix_len == 32);
    CHECK(one<cmd::RouteAdd>("route add 10.1.1.2 dev eth0").prefix_len == 32);
}

TEST_CASE("route: del", "[route]") {
    auto d = one<cmd::RouteDel>("route del default");
    CHECK(d.dst == net::Ipv4Addr{});
    CHECK(d.prefix_len == 0);
    auto n = one<cmd::RouteDel>("route delete -net 10.0.0.0 netmask 255.0.0.0 gw 172.16.0.1");
    CHECK(n.prefix_len == 8);
    CHECK(*n.via == net::ipv4(172, 16, 0, 1));
}

TEST_CASE("route: the sanity checks of INET_setroute()", "[route][errors]") {
    auto r = bad("route add 10.0.0.0/8 gw 1.2.3.4");  // no -net: a host route
    CHECK(starts_with(r.err, "route: netmask 00ffffff doesn't make sense with host route\nUsage: route [-nNvee]"));
    CHECK(r.status == 4);
    r = bad("route add -host 10.0.0.1 netmask 255.255.255.255");
    CHECK(starts_with(r.err, "route: netmask 00000000 doesn't make sense with host route\n"));
    r = bad("route add -net 10.0.0.1 netmask 255.0.0.0");
    CHECK(starts_with(r.err, "route: netmask doesn't match route address\nUsage: route"));
    r = bad("route add -net 10.0.0.0 netmask 255.0.255.0");
    CHECK(starts_with(r.err, "route: bogus netmask 255.0.255.0\n"));
    r = bad("route add default gw default");
    CHECK(starts_with(r.err, "route: default: cannot use a NETWORK as gateway!\n"));
    CHECK(r.status == 4);
}

TEST_CASE("route: lookups, the kernel's refusal and usage", "[route][errors]") {
    auto r = bad("route add -net 10.0.0.0 gw 1.1.1.1");  // no mask: 0, which does not cover 10/8
    CHECK(r.err == "SIOCADDRT: Invalid argument\n");
    CHECK(r.status == 7);
    CHECK(bad("route del -net 10.0.0.0").err == "SIOCDELRT: Invalid argument\n");
    r = bad("route add default gw nowhere");
    CHECK(r.err == "nowhere: Unknown host\n");
    CHECK(r.status == 6);
    r = bad("route add nowhere gw 1.1.1.1");
    CHECK(r.err == "nowhere: Unknown host\n");
    CHECK(r.status == 1);
    r = bad("route add");
    CHECK(starts_with(r.err, "Usage: inet_route [-vF] del {-host|-net} Target[/prefix]"));
    CHECK(r.status == 4);
    CHECK(starts_with(bad("route add default gw 1.1.1.1 eth0 extra").err, "Usage: inet_route"));
    CHECK(starts_with(bad("route add default gw 1.1.1.1 gw 2.2.2.2").err, "Usage: inet_route"));
    r = bad("route frob");
    CHECK(starts_with(r.err, "Usage: route [-nNvee] [-FC] [<AF>]"));
    CHECK(r.status == 4);
    CHECK(starts_with(bad("route flush").err, "Flushing `inet' routing table not supported\nUsage: inet_route"));
    CHECK(starts_with(bad("route -z add default gw 1.1.1.1").err, "route: invalid option -- 'z'\nUsage: route"));
    CHECK(bad("route add default gw 1.1.1.1 metric 1").err == "route: the route option `metric' is not supported by tapvs\n");
    CHECK(bad("route").err == "route: showing the routing table (use `ip route show') is not supported by tapvs\n");
}
