// `ip` lines -> host commands, and iproute2's own messages and exit statuses for mistakes.
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

}  // namespace

TEST_CASE("ip addr add: prefix, dev, label and broadcast land in AddrAdd", "[ip][addr]") {
    auto a = one<cmd::AddrAdd>("ip addr add 172.16.10.12/16 dev eth1");
    CHECK(a.dev == "eth1");
    CHECK(a.addr == net::ipv4(172, 16, 10, 12));
    CHECK(a.prefix_len == 16);
    CHECK(a.label.empty());
    CHECK_FALSE(a.broadcast);

    auto b = one<cmd::AddrAdd>("ip address add dev lo 192.168.1.100/32 label lo:0");
    CHECK(b.dev == "lo");
    CHECK(b.label == "lo:0");
    CHECK(b.prefix_len == 32);

    auto c = one<cmd::AddrAdd>("ip a a 10.0.0.1 dev eth0 broadcast 10.0.0.255");
    CHECK(c.prefix_len == 32);  // no /LEN: a host address
    REQUIRE(c.broadcast);
    CHECK(*c.broadcast == net::ipv4(10, 0, 0, 255));
}

TEST_CASE("ip addr add: brd + and brd - derive the broadcast from the prefix", "[ip][addr]") {
    auto plus = one<cmd::AddrAdd>("ip addr add 192.168.1.10/24 brd + dev eth0");
    REQUIRE(plus.broadcast);
    CHECK(*plus.broadcast == net::ipv4(192, 168, 1, 255));
    auto minus = one<cmd::AddrAdd>("ip addr add 192.168.1.10/24 brd - dev eth0");
    REQUIRE(minus.broadcast);
    CHECK(*minus.broadcast == net::ipv4(192, 168, 1, 0));
    auto p31 = one<cmd::AddrAdd>("ip addr add 192.168.1.10/31 brd + dev eth0");
    CHECK_FALSE(p31.broadcast);  // ipaddr_modify(): only for prefixes up to /30
}

TEST_CASE("ip addr: iproute2's address forms (dotted mask, short and hex addresses)", "[ip][addr]") {
    CHECK(one<cmd::AddrAdd>("ip addr add 10.1.2.3/255.255.0.0 dev eth0").prefix_len == 16);
    CHECK(one<cmd::AddrAdd>("ip addr add 10.8/16 dev eth0").addr == net::ipv4(10, 8, 0, 0));
    CHECK(one<cmd::AddrAdd>("ip addr add 0x0a.0.0.1/0x18 dev eth0").prefix_len == 24);
}

TEST_CASE("ip addr del: the prefix length is kept, or -1 for the wildcard form", "[ip][addr]") {
    auto d = one<cmd::AddrDel>("ip addr del 10.0.0.1/24 dev eth0");
    CHECK(d.dev == "eth0");
    CHECK(d.addr == net::ipv4(10, 0, 0, 1));
    CHECK(d.prefix_len == 24);
    CHECK(one<cmd::AddrDel>("ip addr delete 10.0.0.1 dev eth0").prefix_len == -1);
}

TEST_CASE("ip addr flush and show", "[ip][addr]") {
    CHECK(one<cmd::AddrFlush>("ip addr flush dev eth1").dev == "eth1");
    CHECK(one<cmd::AddrFlush>("ip -4 addr flush eth1").dev == "eth1");
    auto s = one<cmd::Show>("ip addr show dev eth0");
    CHECK(s.what == cmd::Show::What::addr);
    CHECK(s.dev == "eth0");
    CHECK(one<cmd::Show>("ip a").dev.empty());
    CHECK(one<cmd::Show>("ip addr list eth1").dev == "eth1");
}

TEST_CASE("ip addr: mistakes give iproute2's messages", "[ip][addr][errors]") {
    auto r = bad("ip addr add 10.9.9.9/33 dev eth0");
    CHECK(r.err == "Error: any valid prefix is expected rather than \"10.9.9.9/33\".\n");
    CHECK(r.status == 1);
    CHECK(bad("ip addr add 999.1.1.1/24 dev eth0").err ==
          "Error: any valid prefix is expected rather than \"999.1.1.1/24\".\n");
    r = bad("ip addr add 10.0.0.1/24");
    CHECK(r.err == "Not enough information: \"dev\" argument is required.\n");
    CHECK(r.status == 1);
    r = bad("ip addr add 10.0.0.1/24 10.0.0.2/24 dev eth0");
    CHECK(r.err == "Error: either \"local\" is duplicate, or \"10.0.0.2/24\" is a garbage.\n");
    CHECK(r.status == 255);
    r = bad("ip addr add 10.0.0.1/24 dev eth0 brd 1.1.1.1 brd 2.2.2.2");
    CHECK(r.err == "Error: duplicate \"broadcast\": \"2.2.2.2\" is the second value.\n");
    r = bad("ip addr add 10.0.0.1/24 dev eth0 brd 1.1.1.x");
    CHECK(r.err == "Error: inet address is expected rather than \"1.1.1.x\".\n");
    r = bad("ip addr add 10.0.0.1/24 dev eth0 scope nowhere-ish");
    CHECK(r.err == "Error: argument \"nowhere-ish\" is wrong: invalid scope value.\n");
    CHECK(r.status == 255);
    r = bad("ip addr add 10.0.0.1/24 dev eth0 label eth1:0");
    CHECK(r.err == "\"label\" (eth1:0) must match \"dev\" (eth0) or be prefixed by \"dev\" with a colon.\n");
    r = bad("ip addr add 10.0.0.1/24 dev");
    CHECK(r.err == "Command line is not complete. Try option \"help\"\n");
    CHECK(r.status == 255);
    r = bad("ip addr frob");
    CHECK(r.err == "Command \"frob\" is unknown, try \"ip address help\".\n");
    CHECK(r.status == 255);
    r = bad("ip addr flush");
    CHECK(r.err == "Flush requires arguments.\n");
    CHECK(r.status == 1);
}

TEST_CASE("ip link set: up, down, MAC and MTU, dev keyword optional", "[ip][link]") {
    auto a = one<cmd::LinkSet>("ip link set dev eth0 address 02:00:00:00:00:01");
    CHECK(a.dev == "eth0");
    REQUIRE(a.mac);
    CHECK(a.mac->to_string() == "02:00:00:00:00:01");
    CHECK_FALSE(a.up);
    CHECK_FALSE(a.mtu);

    auto b = one<cmd::LinkSet>("ip link set eth1 up mtu 1400");
    CHECK(b.dev == "eth1");
    CHECK(b.up == std::optional<bool>(true));
    CHECK(b.mtu == std::optional<int>(1400));

    CHECK(one<cmd::LinkSet>("ip l s eth1 down").up == std::optional<bool>(false));
    CHECK(one<cmd::LinkSet>("ip link set eth1 down up").up == std::optional<bool>(true));  // the last one wins
    CHECK(one<cmd::Show>("ip link show eth1").what == cmd::Show::What::link);
    CHECK(one<cmd::Show>("ip link").dev.empty());
}

TEST_CASE("ip link set: mistakes", "[ip][link][errors]") {
    auto r = bad("ip link set eth0 mtu abc");
    CHECK(r.err == "Error: argument \"abc\" is wrong: Invalid \"mtu\" value\n\n");
    CHECK(r.status == 255);
    r = bad("ip link set eth0 mtu 1400 mtu 1500");
    CHECK(r.err == "Error: duplicate \"mtu\": \"1500\" is the second value.\n");
    r = bad("ip link set eth0 address 02:00:00:00:00");
    CHECK(r.err == "\"02:00:00:00:00\" is invalid lladdr.\n");
    CHECK(r.status == 1);
    r = bad("ip link set up");
    CHECK(r.err == "Not enough information: \"dev\" argument is required.\n");
    CHECK(r.status == 255);
    r = bad("ip link set eth0 eth1");
    CHECK(r.err == "Error: either \"dev\" is duplicate, or \"eth1\" is a garbage.\n");
    r = bad("ip link set dev averyveryverylongname up");
    CHECK(r.err == "Error: argument \"averyveryverylongname\" is wrong: \"dev\" not a valid ifname\n");
    r = bad("ip link set eth0 promisc on");
    CHECK(r.err == "ip: `ip link set ... promisc' is not supported by tapvs\n");
}

TEST_CASE("ip route: default, via, dev, replace and del", "[ip][route]") {
    auto d = one<cmd::RouteAdd>("ip route add default via 192.168.1.1");
    CHECK(d.dst == net::Ipv4Addr{});
    CHECK(d.prefix_len == 0);
    REQUIRE(d.via);
    CHECK(*d.via == net::ipv4(192, 168, 1, 1));
    CHECK(d.dev.empty());
    CHECK_FALSE(d.replace);

    auto n = one<cmd::RouteAdd>("ip r replace 10.0.0.0/8 via inet 172.16.0.1 dev eth1");
    CHECK(n.dst == net::ipv4(10, 0, 0, 0));
    CHECK(n.prefix_len == 8);
    CHECK(n.dev == "eth1");
    CHECK(n.replace);

    auto h = one<cmd::RouteAdd>("ip route add to 10.1.1.1 dev eth0 table main");
    CHECK(h.prefix_len == 32);
    CHECK_FALSE(h.via);

    auto del = one<cmd::RouteDel>("ip route del 10.0.0.0/8");
    CHECK(del.dst == net::ipv4(10, 0, 0, 0));
    CHECK(del.prefix_len == 8);
    CHECK_FALSE(del.via);
    CHECK(one<cmd::Show>("ip route").what == cmd::Show::What::route);
    CHECK(one<cmd::Show>("ip route show dev eth1").dev == "eth1");
}

TEST_CASE("ip route: mistakes", "[ip][route][errors]") {
    auto r = bad("ip route add 10.0.0.1/8 via 1.2.3.4");
    CHECK(r.err == "Error: Invalid prefix for given prefix length.\n");
    CHECK(r.status == 2);
    r = bad("ip route add 10.0.0.0/8 via gateway");
    CHECK(r.err == "Error: inet address is expected rather than \"gateway\".\n");
    r = bad("ip route add default via gateway");
    CHECK(r.err == "Error: any valid address is expected rather than \"gateway\".\n");
    r = bad("ip route add via 1.2.3.4");
    CHECK(r.status == 255);
    CHECK(r.err.rfind("Usage: ip route { list | flush } SELECTOR\n", 0) == 0);
    r = bad("ip route add 10.0.0.0/8 via 1.1.1.1 via 2.2.2.2");
    CHECK(r.err == "Error: argument \"via\" is wrong: use nexthop syntax to specify multiple via\n\n");
    r = bad("ip route add 10.0.0.0/8 11.0.0.0/8");
    CHECK(r.err == "Error: either \"to\" is duplicate, or \"11.0.0.0/8\" is a garbage.\n");
    r = bad("ip route add local 10.0.0.1 dev lo");
    CHECK(r.err == "ip: the route type `local' is not supported by tapvs\n");
    r = bad("ip route wat");
    CHECK(r.err == "Command \"wat\" is unknown, try \"ip route help\".\n");
}

TEST_CASE("ip neigh: add, replace, del with lladdr and nud permanent", "[ip][neigh]") {
    auto a = one<cmd::NeighAdd>("ip neigh add 172.16.10.100 lladdr 02:00:00:00:01:00 dev eth1 nud permanent");
    CHECK(a.addr == net::ipv4(172, 16, 10, 100));
    CHECK(a.mac.to_string() == "02:00:00:00:01:00");
    CHECK(a.dev == "eth1");
    CHECK_FALSE(a.replace);
    CHECK(one<cmd::NeighAdd>("ip neighbour replace 10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0").replace);
    auto d = one<cmd::NeighDel>("ip n del 10.0.0.2 dev eth0");
    CHECK(d.addr == net::ipv4(10, 0, 0, 2));
    CHECK(d.dev == "eth0");
    CHECK(one<cmd::Show>("ip neigh show dev eth0").what == cmd::Show::What::neigh);
}

TEST_CASE("ip neigh: mistakes", "[ip][neigh][errors]") {
    auto r = bad("ip neigh add 10.0.0.9 lladdr 00:11:22:33:44:55");
    CHECK(r.err == "Device and destination are required arguments.\n");
    CHECK(r.status == 255);
    r = bad("ip neigh add 10.0.0.9 dev eth0");
    CHECK(r.err == "Error: No link layer address given.\n");
    CHECK(r.status == 2);
    r = bad("ip neigh add 10.0.0.9 lladdr 00:11:22:33:44:55 dev eth0 nud bogus");
    CHECK(r.err == "Error: argument \"bogus\" is wrong: nud state is bad\n");
    r = bad("ip neigh add 10.0.0.9 lladdr 1:2 lladdr 3:4 dev eth0");
    CHECK(r.err == "Error: duplicate \"lladdr\": \"3:4\" is the second value.\n");
}

TEST_CASE("ip: objects and options", "[ip][errors]") {
    auto r = bad("ip foo");
    CHECK(r.err == "Object \"foo\" is unknown, try \"ip help\".\n");
    CHECK(r.status == 1);
    r = bad("ip -z link");
    CHECK(r.err == "Option \"-z\" is unknown, try \"ip -help\".\n");
    CHECK(r.status == 255);
    r = bad("ip");
    CHECK(r.status == 255);
    CHECK(r.err.rfind("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n", 0) == 0);
    r = bad("ip -6 addr add ::1/128 dev lo");
    CHECK(r.err == "ip: the option `-6' is not supported by tapvs\n");
    r = bad("ip tunnel add t0 mode ipip");
    CHECK(r.err == "ip: `ip tunnel' is not supported by tapvs\n");
    r = bad("ip -4 addr add 10.0.0.1/40 dev eth0");  // with -4 the family is named
    CHECK(r.err == "Error: inet prefix is expected rather than \"10.0.0.1/40\".\n");
}

TEST_CASE("ip: /sbin/ip is ip", "[ip]") {
    CHECK(one<cmd::LinkSet>("/sbin/ip link set eth0 up").dev == "eth0");
}
