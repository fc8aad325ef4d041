// What ipvsadm -L -n and ip addr show print, read back, and the virtual service compared with the lab's.
#include <catch2/catch.hpp>

#include "tapvs/lab/listings.hpp"

using namespace tapvs::lab;

namespace {

const std::string kTable =
    "IP Virtual Server version 1.2.1 (size=4096)\n"
    "Prot LocalAddress:Port Scheduler Flags\n"
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
    "TCP  192.168.1.10:80 wlc\n"
    "  -> 172.16.10.212:80             Route   1      0          0\n"
    "  -> 172.16.10.100:80             Masq    3      0          2\n"
    "UDP  192.168.1.10:53 rr persistent 300\n";

ServiceSpec nat_rr() {
    return ServiceSpec{"TCP", "192.168.1.10:80", "rr", {{"172.16.10.100:80", "Masq", 1}, {"172.16.10.212:80", "Masq", 1}}};
}

const std::vector<std::string> kKnown{"192.168.1.50", "172.16.10.100", "172.16.10.212"};

}  // namespace

TEST_CASE("ipvsadm -L -n is read back service by service") {
    const auto l = parse_listing(kTable);
    REQUIRE(l.size() == 2);
    CHECK(l[0].proto == "TCP");
    CHECK(l[0].vip == "192.168.1.10:80");
    CHECK(l[0].scheduler == "wlc");
    REQUIRE(l[0].reals.size() == 2);
    CHECK(l[0].reals[1].addr == "172.16.10.100:80");
    CHECK(l[0].reals[1].method == "Masq");
    CHECK(l[0].reals[1].weight == 3);
    CHECK(l[1].scheduler == "rr");
    CHECK(l[1].reals.empty());
}

TEST_CASE("the lab's service, listed exactly, in any order, has no difference") {
    const std::string t = "TCP  192.168.1.10:80 rr\n  -> 172.16.10.212:80 Masq 1 0 0\n  -> 172.16.10.100:80 Masq 1 0 3\n";
    CHECK(service_differences(nat_rr(), parse_listing(t), kKnown).empty());
}

TEST_CASE("each difference says what to type") {
    const auto d = service_differences(nat_rr(), parse_listing(kTable), kKnown);
    REQUIRE(d.size() == 3);
    CHECK(d[0] == "the scheduler of TCP 192.168.1.10:80 is wlc; the lab wants rr: ipvsadm -E -t 192.168.1.10:80 -s rr "
                  "(ipvsadm -A without -s means wlc)");
    CHECK(d[1] == "172.16.10.100:80 has weight 3; the lab wants 1: ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.100:80 -m -w 1");
    CHECK(d[2] == "172.16.10.212:80 is forwarded by Route (-g, direct routing); this lab forwards by Masq (-m, NAT): "
                  "ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.212:80 -m");
}

TEST_CASE("a missing service, a missing real server, a typo and a wrong port") {
    CHECK(service_differences(nat_rr(), {}, kKnown) ==
          std::vector<std::string>{"the director has no virtual service TCP 192.168.1.10:80: ipvsadm -A -t 192.168.1.10:80 -s "
                                   "rr, then ipvsadm -a -t 192.168.1.10:80 -r RIP -m for each real server"});
    const auto d = service_differences(
        nat_rr(), parse_listing("TCP 192.168.1.10:80 rr\n -> 172.16.10.221:80 Masq 1 0 0\n -> 172.16.10.100:8080 Masq 1 0 0\n"),
        kKnown);
    REQUIRE(d.size() == 3);
    CHECK(d[0] == "172.16.10.212:80 is not a real server of TCP 192.168.1.10:80: ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212:80 -m");
    CHECK(d[1].starts_with("172.16.10.221:80 is a real server of TCP 192.168.1.10:80, and no host of the lab has the "
                           "address 172.16.10.221 (a typo? the lab's real servers are 172.16.10.100:80 and 172.16.10.212:80)"));
    CHECK(d[2].starts_with("172.16.10.100:8080 is a real server of TCP 192.168.1.10:80 at port 8080; the lab's real "
                           "servers listen on 172.16.10.100:80"));
}

TEST_CASE("ip addr show is read back: interfaces, whether up, addresses and labels") {
    const std::string t =
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet 192.168.1.10/32 brd 192.168.1.10 scope global lo:0\n"
        "2: eth0@if7: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000\n"
        "    link/ether 56:eb:38:84:c7:5f brd ff:ff:ff:ff:ff:ff link-netns tapvs-1-net\n"
        "3: tunl0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc fq_codel state DOWN group default qlen 1000\n";
    const auto l = parse_ip_addr(t);
    REQUIRE(l.size() == 3);
    CHECK(l[0].name == "lo");
    CHECK(l[0].up);
    CHECK(l[0].addrs == std::vector<std::string>{"127.0.0.1/8", "192.168.1.10/32"});
    CHECK(l[0].labels == std::vector<std::string>{"lo", "lo:0"});
    CHECK(l[1].name == "eth0");
    CHECK_FALSE(l[1].up);
    CHECK(l[2].up);
    CHECK(holder_of(l, "192.168.1.10") == &l[0]);
    CHECK(holder_of(l, "192.168.1.1") == nullptr);
    CHECK(link_named(l, "tunl0") == &l[2]);
}
