// The guide's NAT and DR directors, as configuration files (pcaps/*/director.conf), load through
// the one parser and the one executor and give the services ipvsadm would list.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tapvs/core/engine.hpp"
#include "tapvs/ctl/config.hpp"
#include "tapvs/ctl/execute.hpp"
#include "tapvs/ctl/ipvs_text.hpp"

using namespace tapvs;

namespace {
std::string source_file(const std::string& rel) {
    const auto root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
    std::ifstream f(root / rel);
    REQUIRE(f);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// Loads a configuration the way tapvs does: parse all, then execute in order; stops at an error.
ctl::Reply load(core::Engine& e, const std::string& text, const std::string& name) {
    auto lines = ctl::parse_config(text, name);
    if (!lines) return ctl::Reply{lines.error().status, {}, lines.error().to_string()};
    for (const auto& l : lines.value()) {
        ctl::Reply r = ctl::execute(e, l.cmd, {});
        if (r.status != 0) return r;
    }
    return {};
}

// One line that gives one command, carried out.
ctl::Reply one_line(core::Engine& e, const std::string& line) {
    auto c = ctl::parse_config(line + "\n", "x.conf");
    REQUIRE(c.ok());
    REQUIRE(c.value().size() == 1);
    return ctl::execute(e, c.value().front().cmd, {});
}

std::string list_n(const core::Engine& e) {
    ctl::cmd::List l;
    l.opts.numeric = true;
    return ctl::format_list(e.ipvs(), l, {});
}
}  // namespace

TEST_CASE("guide: the LVS-NAT director's commands give its virtual service", "[ctl][guide]") {
    core::Engine e;
    REQUIRE(load(e, source_file("pcaps/nat/director.conf"), "director.conf").status == 0);
    CHECK(list_n(e) ==
          "IP Virtual Server version 1.2.1 (size=4096)\n"
          "Prot LocalAddress:Port Scheduler Flags\n"
          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
          "TCP  192.168.1.10:80 rr\n"
          "  -> 172.16.10.100:80             Masq    1      0          0         \n"
          "  -> 172.16.10.212:80             Masq    1      0          0         \n");
    const core::Host& h = e.host();
    CHECK(h.sysctl().ip_forward);
    auto eth0 = h.find_port("eth0");
    auto eth1 = h.find_port("eth1");
    REQUIRE(eth0);
    REQUIRE(eth1);
    CHECK(h.port(*eth0).up);
    CHECK(h.port(*eth0).mac == *net::MacAddr::parse("02:00:00:00:01:00"));
    REQUIRE(h.port(*eth0).addrs.size() == 1);
    CHECK(h.port(*eth0).addrs[0].addr == *net::Ipv4Addr::parse("192.168.1.10"));
    CHECK(h.port(*eth0).addrs[0].prefix_len == 24);
    CHECK(h.port(*eth1).addrs[0].prefix_len == 16);
    const core::Route* r = h.route(*net::Ipv4Addr::parse("172.16.10.100"));
    REQUIRE(r);
    CHECK(r->port == *eth1);
}

TEST_CASE("guide: the LVS-DR director's commands give its virtual service", "[ctl][guide]") {
    core::Engine e;
    REQUIRE(load(e, source_file("pcaps/dr/director.conf"), "director.conf").status == 0);
    CHECK(list_n(e) ==
          "IP Virtual Server version 1.2.1 (size=4096)\n"
          "Prot LocalAddress:Port Scheduler Flags\n"
          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
          "TCP  192.168.1.10:80 wlc\n"
          "  -> 172.16.10.100:80             Route   1      0          0         \n"
          "  -> 172.16.10.212:80             Route   2      0          0         \n");
    CHECK_FALSE(e.host().sysctl().ip_forward);  // DR needs no forwarding
}

TEST_CASE("guide: a mistake names the file and line, and nothing of the file is applied", "[ctl][guide]") {
    core::Engine e;
    const std::string text =
        "ipvsadm -A -t 192.168.1.10:80 -s rr\n"
        "ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100:80 -m\n"
        "ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212:80 -m -w 70000\n";
    auto lines = ctl::parse_config(text, "nat.conf");
    REQUIRE_FALSE(lines.ok());
    CHECK(lines.error().to_string() == "nat.conf:3: illegal weight specified");
    CHECK(lines.error().status == 2);
    CHECK(e.ipvs().services().empty());
}

TEST_CASE("guide: kernel-side errors come back as ipvsadm prints them", "[ctl][guide]") {
    core::Engine e;
    REQUIRE(load(e, source_file("pcaps/nat/director.conf"), "director.conf").status == 0);
    auto again = ctl::parse_config("ipvsadm -A -t 192.168.1.10:80 -s rr\n", "x.conf");
    REQUIRE(again.ok());
    ctl::Reply r = ctl::execute(e, again.value().front().cmd, {});
    CHECK(r.status == 255);
    CHECK(r.err == "Service already exists\n");
    auto missing = ctl::parse_config("ipvsadm -d -t 192.168.1.10:80 -r 172.16.10.99\n", "x.conf");
    REQUIRE(missing.ok());
    r = ctl::execute(e, missing.value().front().cmd, {});
    CHECK(r.status == 255);
    CHECK(r.err == "No such destination\n");
}

TEST_CASE("guide: host commands print and fail as their tools do", "[ctl][guide]") {
    core::Engine e;
    auto run = [&](const std::string& line) { return one_line(e, line); };
    CHECK(run("ip addr add 172.16.10.12/16 dev eth1").status == 0);
    ctl::Reply dup = run("ip addr add 172.16.10.12/16 dev eth1");
    CHECK(dup.status == 2);
    CHECK(dup.err == "Error: ipv4: Address already assigned.\n");
    CHECK(run("sysctl -w net.ipv4.ip_forward=1").out == "net.ipv4.ip_forward = 1\n");
    CHECK(run("echo 0 > /proc/sys/net/ipv4/ip_forward").out.empty());
    CHECK(run("cat /proc/sys/net/ipv4/ip_forward").out == "0\n");
    CHECK(run("sysctl net.ipv4.vs.expire_nodest_conn").out == "net.ipv4.vs.expire_nodest_conn = 0\n");
    CHECK(run("sysctl -w net.ipv4.vs.expire_nodest_conn=1").status == 0);
    CHECK(e.ipvs().sysctl().expire_nodest_conn == 1);
    ctl::Reply gw = run("route add default gw 10.0.0.1");
    CHECK(gw.status != 0);
    // As in Linux, a down device has no prefix route, so its gateway is not reachable yet.
    CHECK(run("ip route add default via 172.16.0.1").err == "Error: Nexthop has invalid gateway.\n");
    CHECK(run("ip link set eth1 up").status == 0);
    CHECK(run("ip route add default via 172.16.0.1").status == 0);
    const core::Route* r = e.host().route(*net::Ipv4Addr::parse("8.8.8.8"));
    REQUIRE(r);
    CHECK(r->via == net::Ipv4Addr::parse("172.16.0.1"));
}

TEST_CASE("guide: per-interface sysctls are the host's typed conf, the kernel's max(all, IF) on the packet path",
          "[ctl][guide][sysctl]") {
    core::Engine e;
    auto run = [&](const std::string& line) { return one_line(e, line); };
    // Set before the interface is a port: kept, and the port's own once it is made.
    CHECK(run("echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_ignore").status == 0);
    CHECK(run("sysctl net.ipv4.conf.eth0.arp_announce").out == "net.ipv4.conf.eth0.arp_announce = 0\n");
    CHECK(run("ip link set eth0 up").status == 0);
    const core::PortId eth0 = e.host().port_id("eth0");
    CHECK(e.host().conf(eth0, &core::InterfaceConf::arp_ignore, 0) == 1);
    CHECK(e.host().conf(eth0, &core::InterfaceConf::arp_announce, 7) == 7);  // never set: the caller's default
    CHECK(run("sysctl -w net.ipv4.conf.all.arp_announce=2").out == "net.ipv4.conf.all.arp_announce = 2\n");
    CHECK(e.host().conf(eth0, &core::InterfaceConf::arp_announce, 0) == 2);
    CHECK(run("sysctl -w net.ipv4.conf.all.arp_ignore=0").status == 0);
    CHECK(e.host().conf(eth0, &core::InterfaceConf::arp_ignore, 0) == 1);  // max(all, eth0)
    CHECK(run("cat /proc/sys/net/ipv4/conf/eth0/arp_ignore").out == "1\n");
    // A '.' of an interface's name is '/' in the dotted key, as procps spells it.
    CHECK(run("sysctl -w net/ipv4/conf/eth0.100/rp_filter=2").status == 0);
    CHECK(run("ip link set eth0.100 up").status == 0);
    CHECK(e.host().conf(e.host().port_id("eth0.100"), &core::InterfaceConf::rp_filter, 0) == 2);
}
