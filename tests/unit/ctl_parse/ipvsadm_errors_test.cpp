// ipvsadm's refusals, byte for byte: every row's status and stderr were produced by the real
// ipvsadm 1.31 (Debian 12's build, run with an LD_PRELOAD shim standing in for the kernel's socket
// options), one row per fail() message, popt error and check-order case that tapvs reproduces.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tapvs/ctl/ipvsadm.hpp"

using tapvs::ctl::parse_ipvsadm;
using tapvs::ctl::parse_ipvsadm_ex;

namespace {

struct ErrorRow {
    std::vector<std::string> args;
    int status;
    const char* err;
};

// Generated from `ipvsadm ARGS` (stdout was empty for every row).
const ErrorRow kRealIpvsadm[] = {
    {{"--start-daemon", "foo"}, 2, "illegal start-daemon parameter specified\n"},
    {{"--stop-daemon", "foo"}, 2, "illegal start_daemon specified\n"},
    {{"-A", "-t", "80"}, 2, "illegal virtual server address[:port] specified\n"},
    {{"-A", "-t", ""}, 2, "illegal virtual server address[:port] specified\n"},
    {{"-A", "-t", "1.2.3.4:65536"}, 2, "illegal virtual server address[:port] specified\n"},
    {{"-A", "-t", "[::1]"}, 2, "illegal virtual server address[:port] specified\n"},
    {{"-A", "-t", "10.0.0.1:80", "-p", "-M", "255.0.0.256"}, 2, "illegal virtual server persistent mask specified\n"},
    {{"-A", "-f", "3", "-6", "-p", "-M", "129"}, 2, "illegal ipv6 netmask specified\n"},
    {{"-A", "-t", "[::1]:80", "-p", "-M", "0"}, 2, "illegal ipv6 netmask specified\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1:x"}, 2, "illegal real server address[:port] specified\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-w", "-1"}, 2, "illegal weight specified\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-x", "2147483648"}, 2, "illegal u_threshold specified\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-y", "x"}, 2, "illegal l_threshold specified\n"},
    {{"--start-daemon", "master", "--syncid", "256"}, 2, "illegal syncid specified\n"},
    {{"-A", "-t", "10.0.0.1:80", "-6"}, 2, "-6 used before -f\n\n"},
    {{"-A", "-6", "-f", "1"}, 2, "-6 used before -f\n\n"},
    {{"--start-daemon", "master", "--mcast-group", "fe80::1"}, 2, "invalid IPv6 mcast-group `fe80::1'\n"},
    {{"--start-daemon", "master", "--mcast-group", "10.0.0.1"}, 2, "invalid IPv4 mcast-group `10.0.0.1'\n"},
    {{"--start-daemon", "master", "--mcast-group", "224.00.0.1"}, 2, "invalid IPv4 mcast-group `224.00.0.1'\n"},
    {{"--start-daemon", "master", "--mcast-port", "0"}, 2, "illegal mcast-port specified\n"},
    {{"--start-daemon", "master", "--mcast-ttl", "256"}, 2, "illegal mcast-ttl specified\n"},
    {{"--start-daemon", "master", "--sync-maxlen", "65508"}, 2, "illegal sync-maxlen specified\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-i", "--tun-type", "vxlan"}, 2, "illegal tunnel type specified\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-i", "--tun-type", "gue", "--tun-port", "65536"}, 2, "illegal tunnel port specified\n"},
    {{"-L", "-A"}, 2, "invalid option `-A'\n"},
    {{"-L", "-h"}, 2, "invalid option `-h'\n"},
    {{"-L", "--start-daemon", "master"}, 2, "invalid option `master'\n"},
    {{"-A", "-t", "10.0.0.1:80", "-C"}, 2, "invalid option `-C'\n"},
    {{"--set", "1", "2"}, 2, "--set option requires 3 timeout values\n"},
    {{"--set", "1", "2", "x"}, 2, "invalid timeout value `x' specified\n"},
    {{"--set", "2678401", "1", "1"}, 2, "invalid timeout value `2678401' specified\n"},
    {{"--set", "1", "2", "3", "4"}, 2, "unexpected argument 4\n"},
    {{"-L", "foo"}, 2, "unexpected argument foo\n"},
    {{"-A", "-t", "10.0.0.1"}, 2, "Zero port specified for non-persistent service\n"},
    {{"-A", "-t", "10.0.0.1:80", "-o"}, 2, "One-Packet Scheduling is only for UDP virtual services\n"},
    {{"-a", "-f", "5", "-6", "-r", "192.168.1.1:99", "-g"}, 2, "Different address family is allowed only for tunneling servers\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "[::1]:80", "-m"}, 2, "Different address family is allowed only for tunneling servers\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "--tun-type", "gue"}, 2, "Tunnel options conflict with forward method\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-m", "--tun-nocsum"}, 2, "Tunnel options conflict with forward method\n"},
    {{"-L", "-c", "--stats"}, 2, "options conflicts in the list command\n"},
    {{"-L", "--timeout", "--rate"}, 2, "options conflicts in the list command\n"},
    {{"-L", "--daemon", "--thresholds"}, 2, "options conflicts in the list command\n"},
    {{"-L", "--timeout", "--persistent-conn"}, 2, "options conflicts in the list command\n"},
    {{"-A", "-t", "10.0.0.1:80", "-p", "0"}, 2, "invalid timeout value `0' specified\n"},
    {{"-A", "-t", "10.0.0.1:80", "-p", "2678401"}, 2, "invalid timeout value `2678401' specified\n"},
    {{"-A", "-t", "10.0.0.1:80", "-pq"}, 2, "invalid timeout value `q' specified\n"},
    {{"-A", "-f", "0"}, 2, "invalid fwmark value `0' specified\n"},
    {{"-A", "-f", "4294967296"}, 2, "invalid fwmark value `4294967296' specified\n"},
    {{"-A", "-f", "12x"}, 2, "invalid fwmark value `12x' specified\n"},
    {{"-A", "-t", "10.0.0.1:80", "-b", "sh-port"}, 2, "incompatible scheduler flag `sh-port'\n"},
    {{"-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "mh-fallback"}, 2, "incompatible scheduler flag `mh-fallback'\n"},
    {{"-A", "-t", "10.0.0.1:80", "-b", "flag-1,bogus"}, 2, "invalid scheduler flag `bogus'\n"},
    {{"-L", "-b", "foo"}, 2, "invalid scheduler flag `foo'\n"},
    {{"-A"}, 2, "You need to supply the 'service-address' option for the 'add-service' command\n"},
    {{"-a", "-t", "10.0.0.1:80"}, 2, "You need to supply the 'real-server' option for the 'add-server' command\n"},
    {{"-d", "-r", "1.2.3.4"}, 2, "You need to supply the 'service-address' option for the 'delete-server' command\n"},
    {{"-A", "-t", "10.0.0.1:80", "-r", "1.2.3.4"}, 2, "Illegal 'real-server' option with the 'add-service' command\n"},
    {{"-C", "-n"}, 2, "Illegal 'numeric' option with the 'flush' command\n"},
    {{"-S", "-c"}, 2, "Illegal 'connection' option with the 'save' command\n"},
    {{"-Z", "-n"}, 2, "Illegal 'numeric' option with the 'zero' command\n"},
    {{"--set", "1", "2", "3", "-n"}, 2, "Illegal 'numeric' option with the 'set' command\n"},
    {{"-R", "-n"}, 2, "Illegal 'numeric' option with the 'restore' command\n"},
    {{"--stop-daemon", "master", "--mcast-interface", "eth0"}, 2, "Illegal 'mcast-interface' option with the 'stop-daemon' command\n"},
    {{"--start-daemon", "master", "-t", "10.0.0.1:80"}, 2, "Illegal 'service-address' option with the 'start-daemon' command\n"},
    {{"-L", "-s", "rr"}, 2, "Illegal 'scheduler' option with the 'list' command\n"},
    {{"-L", "-c", "-t", "10.0.0.1:80"}, 2, "The option 'service-address' conflicts with the 'connection' option in the 'list' command\n"},
    {{"-L", "--timeout", "--daemon"}, 2, "The option 'daemon' conflicts with the 'timeout' option in the 'list' command\n"},
    {{"-L", "-t", "10.0.0.1:80", "--daemon"}, 2, "The option 'daemon' conflicts with the 'service-address' option in the 'list' command\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-i", "--tun-type", "gue"}, 2, "You need to supply the 'tun-port' option for the 'gue' tunnel type\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-i", "--tun-port", "5"}, 2, "Illegal 'tun-port' option with the 'ipip' tunnel type\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-i", "--tun-type", "gre", "--tun-remcsum"}, 2, "Illegal 'tun-remcsum' option with the 'gre' tunnel type\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-i", "--tun-type", "gue", "--tun-port", "1", "--tun-csum", "--tun-nocsum"}, 2, "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gue' tunnel type\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-i", "--tun-type", "gre", "--tun-csum", "--tun-nocsum"}, 2, "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type\n"},
    {{"-A", "-t", "10.0.0.1:80", "-s", "rr", "-s", "wrr"}, 2, "multiple 'scheduler' options specified\n"},
    {{"-A", "-t", "10.0.0.1:80", "-u", "10.0.0.1:80"}, 2, "multiple 'service-address' options specified\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-m", "-g"}, 2, "multiple 'forwarding-method' options specified\n"},
    {{"--foo"}, 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n"},
    {{"foo"}, 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n"},
    {{"-t", "10.0.0.1:80", "-A"}, 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n"},
    {{"-A", "--foo"}, 255, "--foo: unknown option\n"},
    {{"-A", "-t"}, 255, "-t: missing argument\n"},
    {{"-Lq"}, 255, "-Lq: unknown option\n"},
    {{"-L", "--numeric=5"}, 255, "--numeric=5: option does not take an argument\n"},
    {{"-L", "-n=5"}, 255, "-n=5: option does not take an argument\n"},
    {{"-L", "--", "-n"}, 2, "unexpected argument -n\n"},
    {{"-A", "-t", "[::1]:80"}, 255, "Operation not supported with specified address family\n"},
    {{"-D", "-f", "1", "-6"}, 255, "Operation not supported with specified address family\n"},
    {{"-L", "-t", "[::1]:80"}, 1, "Operation not supported with specified address family\n"},
    {{"-Z", "-f", "1", "-6"}, 255, "Operation not supported with specified address family\n"},
    {{"-a", "-t", "10.0.0.1:80", "-r", "[::1]:80", "-i"}, 255, "Operation not supported with specified address family\n"},
    {{"-A", "-t", "bad", "--foo"}, 2, "illegal virtual server address[:port] specified\n"},
    {{"-A", "--foo", "-t", "bad"}, 255, "--foo: unknown option\n"},
    {{"-A", "-t", "10.0.0.1:80", "-s", "rr", "--foo", "-s", "wrr"}, 255, "--foo: unknown option\n"},
    {{"-L", "-b", "foo", "-s", "rr"}, 2, "invalid scheduler flag `foo'\n"},
    {{"-A", "-t", "10.0.0.1", "-o"}, 2, "Zero port specified for non-persistent service\n"},
    {{"-A", "-t", "10.0.0.1:80", "-p", "5", "-b", "bogus", "-C"}, 2, "invalid option `-C'\n"},
};

std::string joined(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += (s.empty() ? "" : " ") + (a.empty() ? std::string("''") : a);
    return s;
}

}  // namespace

TEST_CASE("ipvsadm errors: each refused command line gives ipvsadm's own stderr and status", "[ipvsadm][errors]") {
    for (const auto& row : kRealIpvsadm) {
        INFO("ipvsadm " << joined(row.args));
        auto r = parse_ipvsadm(row.args);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().status == row.status);
        CHECK(r.error().err == row.err);
        CHECK(r.error().out.empty());
    }
}

TEST_CASE("ipvsadm errors: weight is 0..65535 as upstream ipvsadm 1.31 checks it", "[ipvsadm][errors]") {
    // Debian patches ipvsadm to accept weights up to INT_MAX (its bug #814348); upstream 1.31's
    // string_to_number(optarg, 0, 65535) refuses 65536.
    std::vector<std::string> args{"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1", "-w", "65536"};
    auto r = parse_ipvsadm(args);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().status == 2);
    CHECK(r.error().err == "illegal weight specified\n");
}

TEST_CASE("ipvsadm errors: which refusals end ipvsadm and which only fail the line", "[ipvsadm][errors]") {
    // fail() and tryhelp_exit() exit (ending a -R stream); popt errors and kernel errors make
    // process_options() return -1 and -R goes on; list_service() exits 1.
    struct Case {
        std::vector<std::string> args;
        bool exits;
    };
    const Case cases[] = {
        {{"-A", "-t", "10.0.0.1"}, true},
        {{"--foo"}, true},
        {{"-A", "--foo"}, false},
        {{"-A", "-t"}, false},
        {{"-A", "-t", "[::1]:80"}, false},
        {{"-L", "-t", "[::1]:80"}, true},
    };
    for (const auto& c : cases) {
        INFO("ipvsadm " << joined(c.args));
        auto p = parse_ipvsadm_ex(c.args);
        REQUIRE_FALSE(p.result.ok());
        CHECK(p.exits == c.exits);
    }
}

TEST_CASE("ipvsadm errors: tryhelp names the program as invoked", "[ipvsadm][errors]") {
    tapvs::ctl::IpvsadmContext ctx;
    ctx.program = "/sbin/ipvsadm";
    std::vector<std::string> args{"-x"};
    auto r = parse_ipvsadm(args, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().status == 255);
    CHECK(r.error().err == "Try `/sbin/ipvsadm -h' or '/sbin/ipvsadm --help' for more information.\n");
}

TEST_CASE("ipvsadm errors: -b made only of commas crashes ipvsadm (SIGSEGV, status 139)", "[ipvsadm][errors]") {
    // parse_sched_flags(): strtok() finds no token and strcmp(NULL, ...) faults; nothing is printed.
    std::vector<std::string> args{"-A", "-t", "10.0.0.1:80", "-b", ",,"};
    auto p = parse_ipvsadm_ex(args);
    REQUIRE_FALSE(p.result.ok());
    CHECK(p.result.error().status == 139);
    CHECK(p.result.error().err.empty());
    CHECK(p.exits);
}
