// sysctl, echo > /proc/sys and cat /proc/sys -> SysctlSet / SysctlGet, and procps' messages.
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

cmd::SysctlSet set_of(const Command& c) { return as<cmd::SysctlSet>(c); }
cmd::SysctlGet get_of(const Command& c) { return as<cmd::SysctlGet>(c); }

}  // namespace

TEST_CASE("sysctl -w key=value", "[sysctl]") {
    auto cmds = ok("sysctl -w net.ipv4.conf.all.send_redirects=0");
    REQUIRE(cmds.size() == 1);
    CHECK(set_of(cmds[0]).key == "net.ipv4.conf.all.send_redirects");
    CHECK(set_of(cmds[0]).value == "0");
}

TEST_CASE("sysctl -w a=1 b=2 gives two commands, in order", "[sysctl]") {
    auto cmds = ok("sysctl -w net.ipv4.ip_forward=1 net.ipv4.vs.expire_nodest_conn=1");
    REQUIRE(cmds.size() == 2);
    CHECK(set_of(cmds[0]).key == "net.ipv4.ip_forward");
    CHECK(set_of(cmds[0]).value == "1");
    CHECK(set_of(cmds[1]).key == "net.ipv4.vs.expire_nodest_conn");
    CHECK(set_of(cmds[1]).value == "1");
}

TEST_CASE("sysctl: '=' alone makes a write, bundled and long options", "[sysctl]") {
    CHECK(set_of(ok("sysctl net.ipv4.ip_forward=1")[0]).value == "1");
    CHECK(set_of(ok("sysctl -qw net.ipv4.vs.conn_reuse_mode=0")[0]).value == "0");
    CHECK(set_of(ok("sysctl --write net.ipv4.vs.sloppy_tcp=1")[0]).key == "net.ipv4.vs.sloppy_tcp");
    CHECK(set_of(ok("sysctl -w net.ipv4.ip_forward=")[0]).value.empty());  // the kernel judges the value
}

TEST_CASE("sysctl: slash keys become dotted, a dot inside a name becomes a slash", "[sysctl]") {
    CHECK(set_of(ok("sysctl -w net/ipv4/conf/eth0/rp_filter=0")[0]).key == "net.ipv4.conf.eth0.rp_filter");
    CHECK(set_of(ok("sysctl -w net/ipv4/conf/eth0.100/arp_ignore=1")[0]).key == "net.ipv4.conf.eth0/100.arp_ignore");
    CHECK(sysctl_dotted("net/ipv4/conf/eth0.100/rp_filter") == "net.ipv4.conf.eth0/100.rp_filter");
    CHECK(sysctl_dotted("net.ipv4.ip_forward") == "net.ipv4.ip_forward");
    CHECK(sysctl_proc_path("net.ipv4.conf.eth0/100.rp_filter") == "/proc/sys/net/ipv4/conf/eth0.100/rp_filter");
    CHECK(sysctl_proc_path("net/ipv4/ip_forward") == "/proc/sys/net/ipv4/ip_forward");
}

TEST_CASE("sysctl key and sysctl -n key read", "[sysctl]") {
    CHECK(get_of(ok("sysctl net.ipv4.ip_forward")[0]).key == "net.ipv4.ip_forward");
    CHECK(get_of(ok("sysctl -n net.ipv4.vs.conn_reuse_mode")[0]).key == "net.ipv4.vs.conn_reuse_mode");
    auto two = ok("sysctl net.ipv4.ip_forward net.ipv4.conf.lo.arp_ignore");
    REQUIRE(two.size() == 2);
    CHECK(get_of(two[1]).key == "net.ipv4.conf.lo.arp_ignore");
}

TEST_CASE("sysctl -e skips keys tapvs does not know", "[sysctl]") {
    auto cmds = ok("sysctl -e -w net.ipv4.nonsense=1 net.ipv4.ip_forward=1");
    REQUIRE(cmds.size() == 1);
    CHECK(set_of(cmds[0]).key == "net.ipv4.ip_forward");
}

TEST_CASE("sysctl: mistakes give procps' messages", "[sysctl][errors]") {
    auto r = bad("sysctl -w net.ipv4.nonsense=1");
    CHECK(r.err == "sysctl: cannot stat /proc/sys/net/ipv4/nonsense: No such file or directory\n");
    CHECK(r.status == 255);
    r = bad("sysctl net.foo");
    CHECK(r.err == "sysctl: cannot stat /proc/sys/net/foo: No such file or directory\n");
    CHECK(r.status == 1);
    r = bad("sysctl -w net.ipv4.ip_forward");
    CHECK(r.err == "sysctl: \"net.ipv4.ip_forward\" must be of the form name=value\n");
    CHECK(r.status == 255);
    r = bad("sysctl -w =1");
    CHECK(r.err == "sysctl: malformed setting \"=1\"\n");
    r = bad("sysctl -w");
    CHECK(r.err == "sysctl: no variables specified\nTry `sysctl --help' for more information.\n");
    CHECK(r.status == 1);
    r = bad("sysctl");
    CHECK(r.status == 1);
    CHECK(r.err.rfind("\nUsage:\n sysctl [options] [variable[=value] ...]\n", 0) == 0);
    r = bad("sysctl -z net.ipv4.ip_forward");
    CHECK(r.err == "sysctl: invalid option -- 'z'\n");
    CHECK(r.status == 0);  // procps prints its usage on stdout and exits 0
    CHECK(r.out.find("Usage:") != std::string::npos);
    CHECK(bad("sysctl -w net.ipv4.vs=1").err == "sysctl: setting key \"net.ipv4.vs\": Is a directory\n");
    CHECK(bad("sysctl -a").err == "sysctl: the option `-a' is not supported by tapvs\n");
    CHECK(bad("sysctl -p /etc/sysctl.conf").err == "sysctl: the option `-p' is not supported by tapvs\n");
}

TEST_CASE("known_sysctl: ip_forward, the IPVS keys and the per-interface conf keys", "[sysctl]") {
    CHECK(known_sysctl("net.ipv4.ip_forward"));
    for (const char* k : {"expire_nodest_conn", "expire_quiescent_template", "conn_reuse_mode", "sloppy_tcp",
                          "secure_tcp", "pmtu_disc", "cache_bypass", "nat_icmp_send", "snat_reroute",
                          "lblc_expiration", "lblcr_expiration", "am_droprate", "drop_entry", "drop_packet",
                          "amemthresh", "sync_threshold", "schedule_icmp", "ignore_tunneled", "run_estimation"}) {
        INFO(k);
        CHECK(known_sysctl(std::string("net.ipv4.vs.") + k));
    }
    CHECK(known_sysctl("net.ipv4.conf.all.arp_announce"));
    CHECK(known_sysctl("net.ipv4.conf.default.forwarding"));
    CHECK(known_sysctl("net.ipv4.conf.eth1.accept_redirects"));
    CHECK(known_sysctl("net.ipv4.conf.eth0/100.rp_filter"));
    CHECK_FALSE(known_sysctl("net.ipv4.vs.nonsense"));
    CHECK_FALSE(known_sysctl("net.ipv4.conf.eth0.nonsense"));
    CHECK_FALSE(known_sysctl("net.ipv4.conf.a.b.rp_filter"));
    CHECK_FALSE(known_sysctl("net.ipv4.conf.averyveryverylongname.rp_filter"));
    CHECK_FALSE(known_sysctl("net.ipv4"));
    CHECK(known_sysctl_dir("net.ipv4"));
    CHECK(known_sysctl_dir("net.ipv4.conf.eth0"));
}

TEST_CASE("echo V > /proc/sys/... is a SysctlSet", "[sysctl][echo]") {
    auto a = set_of(ok("echo 1 > /proc/sys/net/ipv4/ip_forward")[0]);
    CHECK(a.key == "net.ipv4.ip_forward");
    CHECK(a.value == "1");
    CHECK(set_of(ok("echo -n 0 >/proc/sys/net/ipv4/conf/all/rp_filter")[0]).key == "net.ipv4.conf.all.rp_filter");
    CHECK(set_of(ok("echo \"2\" > /proc/sys/net/ipv4/conf/lo/arp_announce")[0]).value == "2");
    CHECK(set_of(ok("echo > /proc/sys/net/ipv4/vs/drop_entry")[0]).value.empty());
    CHECK(set_of(ok("echo 3 2 > /proc/sys/net/ipv4/vs/sync_threshold")[0]).value == "3 2");
    CHECK(set_of(ok("/bin/echo 1 > /proc/sys/net/ipv4/vs/expire_nodest_conn")[0]).value == "1");
}

TEST_CASE("echo and cat: mistakes give the shell's and cat's messages", "[sysctl][echo][errors]") {
    auto r = bad("echo 1 > /proc/sys/net/ipv4/nonsense");
    CHECK(r.err == "bash: /proc/sys/net/ipv4/nonsense: No such file or directory\n");
    CHECK(r.status == 1);
    CHECK(bad("echo 1 > /proc/sys/net/ipv4").err == "bash: /proc/sys/net/ipv4: Is a directory\n");
    CHECK(bad("echo 1 > /tmp/x").err == "echo: writing to `/tmp/x' (only /proc/sys/... is) is not supported by tapvs\n");
    CHECK(bad("echo hello").err ==
          "echo: printing text (only `echo VALUE > /proc/sys/...' is read) is not supported by tapvs\n");
    CHECK(bad("cat /proc/sys/net/nonsense").err == "cat: /proc/sys/net/nonsense: No such file or directory\n");
    CHECK(bad("cat /proc/sys/net").err == "cat: /proc/sys/net: Is a directory\n");
}

TEST_CASE("cat /proc/sys/... is a SysctlGet", "[sysctl][cat]") {
    auto cmds = ok("cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/vs/conn_reuse_mode");
    REQUIRE(cmds.size() == 2);
    CHECK(get_of(cmds[0]).key == "net.ipv4.ip_forward");
    CHECK(get_of(cmds[1]).key == "net.ipv4.vs.conn_reuse_mode");
}
