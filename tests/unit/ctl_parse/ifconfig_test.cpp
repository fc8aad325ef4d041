// ifconfig lines -> the address and link state devinet_ioctl() would leave, and net-tools' messages.
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

cmd::AddrAdd addr_of(const Command& c) { return as<cmd::AddrAdd>(c); }
cmd::LinkSet link_of(const Command& c) { return as<cmd::LinkSet>(c); }

class OneHost final : public NameResolver {
public:
    std::optional<net::Ipv4Addr> host(std::string_view name) const override {
        if (name == "director") return net::ipv4(192, 168, 1, 10);
        return std::nullopt;
    }
    std::optional<std::uint16_t> service(std::string_view, std::string_view) const override { return std::nullopt; }
};

}  // namespace

TEST_CASE("ifconfig: address, netmask and up give the address and an up link", "[ifconfig]") {
    auto cmds = ok("ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up");
    REQUIRE(cmds.size() == 2);
    auto a = addr_of(cmds[0]);
    CHECK(a.dev == "eth0");
    CHECK(a.label.empty());
    CHECK(a.addr == net::ipv4(192, 168, 1, 10));
    CHECK(a.prefix_len == 24);
    REQUIRE(a.broadcast);
    CHECK(*a.broadcast == net::ipv4(192, 168, 1, 255));
    auto l = link_of(cmds[1]);
    CHECK(l.dev == "eth0");
    CHECK(l.up == std::optional<bool>(true));
    CHECK_FALSE(l.mac);
    CHECK_FALSE(l.mtu);
}

TEST_CASE("ifconfig: without a netmask the prefix is classful, and the interface comes up", "[ifconfig]") {
    // devinet_ioctl() SIOCSIFADDR: inet_abc_len(); ifconfig then sets IFF_UP
    auto a = ok("ifconfig eth0 10.1.2.3");
    REQUIRE(a.size() == 2);
    CHECK(addr_of(a[0]).prefix_len == 8);
    CHECK(*addr_of(a[0]).broadcast == net::ipv4(10, 255, 255, 255));
    CHECK(link_of(a[1]).up == std::optional<bool>(true));
    CHECK(addr_of(ok("ifconfig eth0 172.16.5.1")[0]).prefix_len == 16);
    CHECK(addr_of(ok("ifconfig eth0 200.1.1.1")[0]).prefix_len == 24);
}

TEST_CASE("ifconfig: a netmask recomputes a default broadcast but keeps an explicit one", "[ifconfig]") {
    auto recomputed = addr_of(ok("ifconfig eth0 10.1.2.3 netmask 255.255.255.0")[0]);
    CHECK(recomputed.prefix_len == 24);
    CHECK(*recomputed.broadcast == net::ipv4(10, 1, 2, 255));
    auto kept = addr_of(ok("ifconfig eth0 10.1.2.3 broadcast 10.1.2.127 netmask 255.255.255.0")[0]);
    CHECK(kept.prefix_len == 24);
    CHECK(*kept.broadcast == net::ipv4(10, 1, 2, 127));
    auto slash = addr_of(ok("ifconfig eth0 10.1.2.3/25")[0]);
    CHECK(slash.prefix_len == 25);
    CHECK(*slash.broadcast == net::ipv4(10, 1, 2, 127));
}

TEST_CASE("ifconfig: the LVS-DR loopback alias", "[ifconfig]") {
    auto cmds = ok("ifconfig lo:0 192.168.1.100 netmask 255.255.255.255 broadcast 192.168.1.100 up");
    REQUIRE(cmds.size() == 2);
    auto a = addr_of(cmds[0]);
    CHECK(a.dev == "lo");
    CHECK(a.label == "lo:0");
    CHECK(a.prefix_len == 32);
    REQUIRE(a.broadcast);
    CHECK(*a.broadcast == net::ipv4(192, 168, 1, 100));
    auto l = link_of(cmds[1]);
    CHECK(l.dev == "lo:0");
    CHECK(l.up == std::optional<bool>(true));
}

TEST_CASE("ifconfig: loopback has no broadcast unless one is given", "[ifconfig]") {
    auto a = addr_of(ok("ifconfig lo:1 10.0.0.5 netmask 255.255.255.0")[0]);
    CHECK(a.prefix_len == 24);
    CHECK_FALSE(a.broadcast);
}

TEST_CASE("ifconfig: an alias address does not touch the base link", "[ifconfig]") {
    auto cmds = ok("ifconfig eth0:1 10.0.0.5/24");
    REQUIRE(cmds.size() == 1);
    CHECK(addr_of(cmds[0]).label == "eth0:1");
    CHECK(addr_of(cmds[0]).dev == "eth0");
}

TEST_CASE("ifconfig: hw ether and mtu set the base device, down and alias down", "[ifconfig]") {
    auto cmds = ok("ifconfig eth0:0 hw ether 02:00:00:00:00:05 mtu 1400");
    REQUIRE(cmds.size() == 1);
    auto l = link_of(cmds[0]);
    CHECK(l.dev == "eth0");
    CHECK(l.mac->to_string() == "02:00:00:00:00:05");
    CHECK(l.mtu == std::optional<int>(1400));
    CHECK_FALSE(l.up);

    auto down = link_of(ok("ifconfig eth0 down")[0]);
    CHECK(down.dev == "eth0");
    CHECK(down.up == std::optional<bool>(false));
    auto alias_down = link_of(ok("ifconfig eth0:0 down")[0]);
    CHECK(alias_down.dev == "eth0:0");
    CHECK(alias_down.up == std::optional<bool>(false));
    auto last = ok("ifconfig eth0 10.0.0.1 down");  // up after SIOCSIFADDR, then down
    CHECK(link_of(last[1]).up == std::optional<bool>(false));
}

TEST_CASE("ifconfig: 0.0.0.0 on an alias removes it", "[ifconfig]") {
    auto cmds = ok("ifconfig eth0:0 0.0.0.0");
    REQUIRE(cmds.size() == 1);
    REQUIRE(std::holds_alternative<cmd::AddrFlush>(cmds[0]));
    CHECK(std::get<cmd::AddrFlush>(cmds[0]).dev == "eth0:0");
}

TEST_CASE("ifconfig: inet and addresses as inet_aton reads them, names through the resolver", "[ifconfig]") {
    CHECK(addr_of(ok("ifconfig eth0 inet 10.0.0.1")[0]).addr == net::ipv4(10, 0, 0, 1));
    CHECK(addr_of(ok("ifconfig eth0 10.1")[0]).addr == net::ipv4(10, 0, 0, 1));  // a.b: b fills 24 bits
    OneHost resolver;
    IpvsadmContext ctx;
    ctx.resolver = &resolver;
    CHECK(addr_of(ok("ifconfig eth0 director", ctx)[0]).addr == net::ipv4(192, 168, 1, 10));
}

TEST_CASE("ifconfig: mistakes give net-tools' and the kernel's messages", "[ifconfig][errors]") {
    auto r = bad("ifconfig eth0 10.0.0.1 netmask 255.0.255.0");
    CHECK(r.err == "SIOCSIFNETMASK: Invalid argument\n");
    CHECK(r.status == 1);
    CHECK(bad("ifconfig eth0 224.0.0.1").err == "SIOCSIFADDR: Invalid argument\n");
    r = bad("ifconfig eth0 nosuchhost");
    CHECK(r.err == "nosuchhost: Unknown host\nifconfig: `--help' gives usage information.\n");
    CHECK(r.status == 1);
    CHECK(bad("ifconfig eth0 10.0.0.1 netmask bogus").err == "bogus: Unknown host\n");
    r = bad("ifconfig eth0 netmask");
    CHECK(r.status == 3);
    CHECK(r.err.rfind("Usage:\n  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]\n", 0) == 0);
    CHECK(bad("ifconfig eth0 hw ether 02:zz:00:00:00:00").err == "02:zz:00:00:00:00: invalid ether address.\n");
    CHECK(bad("ifconfig eth0 hw nosuch 1").status == 3);
    r = bad("ifconfig -x eth0 up");
    CHECK(r.err == "ifconfig: option `-x' not recognised.\nifconfig: `--help' gives usage information.\n");
    CHECK(r.status == 1);
    CHECK(bad("ifconfig eth0").err == "ifconfig: showing an interface (use `ip address show') is not supported by tapvs\n");
    CHECK(bad("ifconfig eth0 promisc").err == "ifconfig: `promisc' is not supported by tapvs\n");
    CHECK(bad("ifconfig eth0 inet6 add ::1/128").err == "ifconfig: the address family `inet6' is not supported by tapvs\n");
}
