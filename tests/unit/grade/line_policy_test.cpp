// What one line of a submission may do: run, the tool's error, skipped, or rejected with its reason.
#include <catch2/catch.hpp>

#include "tapvs/grade/line_policy.hpp"

using tapvs::grade::judge_line;
using tapvs::grade::kind_name;
using Kind = tapvs::grade::Verdict::Kind;

namespace {

struct Case {
    const char* line;
    bool director;
    Kind kind;
    const char* reason;  // a part of the reason (or of the tool's message)
};

}  // namespace

TEST_CASE("the guide's lines run, as argument vectors") {
    for (const char* l : {"ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up", "ipvsadm -A -t 192.168.1.10:80 -s rr",
                          "ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100:80 -m -w 1", "echo 1 > /proc/sys/net/ipv4/ip_forward",
                          "sysctl -w net.ipv4.ip_forward=1", "/sbin/ifconfig eth1 up", "route add default gw 172.16.10.12",
                          "ip addr add 172.16.10.12/16 dev eth1", "cat /proc/sys/net/ipv4/ip_forward", "ipvsadm -L -n",
                          "iptables -t mangle -A PREROUTING -d 192.168.1.10 -p tcp --dport 80 -j MARK --set-mark 1"}) {
        INFO(l);
        const auto v = judge_line(l, true);
        CHECK(kind_name(v.kind) == std::string("run"));
        CHECK_FALSE(v.words.empty());
    }
    const auto v = judge_line("echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore", false);
    CHECK(v.kind == Kind::run);
    REQUIRE(v.words.size() == 4);
    CHECK(v.words[2].redirect);
}

TEST_CASE("every form of shell, and whatever reaches beyond the host, is rejected with its reason") {
    const Case cases[] = {
        {"ifconfig eth0 up; reboot", true, Kind::rejected, "shell syntax: command list `;'"},
        {"ipvsadm -C && reboot", true, Kind::rejected, "shell syntax"},
        {"ipvsadm -C || reboot", true, Kind::rejected, "shell syntax"},
        {"ipvsadm -L | mail x", true, Kind::rejected, "shell syntax"},
        {"ipvsadm -L &", true, Kind::rejected, "shell syntax"},
        {"echo $(reboot) > /proc/sys/net/ipv4/ip_forward", true, Kind::rejected, "shell syntax: command substitution"},
        {"echo `reboot` > /proc/sys/net/ipv4/ip_forward", true, Kind::rejected, "shell syntax"},
        {"echo \"$(reboot)\" > /proc/sys/net/ipv4/ip_forward", true, Kind::rejected, "shell syntax"},
        {"ipvsadm -R < /tmp/rules", true, Kind::rejected, "shell syntax"},
        {"ipvsadm -S >> /tmp/rules", true, Kind::rejected, "shell syntax"},
        {"ipvsadm -S > /etc/sysconfig/ipvsadm", true, Kind::rejected, "`>' writes a file"},
        {"ifconfig 'eth0;reboot' up", true, Kind::rejected, "`;' inside quotes"},
        {"ifconfig 'eth0|reboot' up", false, Kind::rejected, "`|' inside quotes"},
        {"ipvsadm -A -t '$(reboot)' -s rr", true, Kind::rejected, "`$' inside quotes"},
        {"ipvsadm -A -t \"a\\`b\" -s rr", true, Kind::rejected, "inside quotes"},
        {"echo 'x>y' > /proc/sys/net/ipv4/ip_forward", true, Kind::rejected, "`>' inside quotes"},
        {"reboot", true, Kind::rejected, "`reboot' is not a program a submission runs"},
        {"bash -c 'reboot'", false, Kind::rejected, "`bash' is not a program"},
        {"/tmp/ifconfig eth0 up", true, Kind::rejected, "runs ifconfig from /tmp"},
        {"./ifconfig eth0 up", true, Kind::rejected, "runs ifconfig from ."},
        {"sudo ipvsadm -C", true, Kind::rejected, "sudo: the lines already run as root"},
        {"ip netns exec other reboot", true, Kind::rejected, "`ip netns' and `ip -n' reach other namespaces"},
        {"ip -n other link set lo down", false, Kind::rejected, "reach other namespaces"},
        {"ip -netns other addr", false, Kind::rejected, "reach other namespaces"},
        {"ip link set eth0 netns 1", false, Kind::rejected, "moves a link to another namespace"},
        {"ip link add x type veth peer name y", false, Kind::rejected, "creates a link"},
        {"ip tunnel add t0 mode ipip", false, Kind::rejected, "creates a link"},
        {"ip tuntap add dev t0 mode tap", false, Kind::rejected, "creates a link"},
        {"ip link delete eth0", false, Kind::rejected, "deletes a link the lab made"},
        {"ip -batch /etc/rules", false, Kind::rejected, "reads commands from a file"},
        {"echo 1 > /proc/sys/kernel/sysrq", false, Kind::rejected, "writes only under /proc/sys/net"},
        {"echo 1 > /proc/sys/net/../kernel/sysrq", false, Kind::rejected, "writes only under /proc/sys/net"},
        {"echo 1 > /proc/sys/net/ipv4/../../kernel/sysrq", false, Kind::rejected, "writes only under /proc/sys/net"},
        {"echo 1 > /proc/self/root/proc/sys/kernel/sysrq", false, Kind::rejected, "writes only under /proc/sys/net"},
        {"echo 1 > proc/sys/net/ipv4/ip_forward", false, Kind::rejected, "writes only under /proc/sys/net"},
        {"echo 1 > /proc/sys/net", false, Kind::rejected, "writes only under /proc/sys/net"},
        {"echo hello", false, Kind::rejected, "echo prints text"},
        {"cat /etc/shadow", false, Kind::rejected, "cat reads `/etc/shadow'"},
        {"sysctl -w kernel.hostname=x", false, Kind::rejected, "sysctl kernel.hostname: a submission sets only keys under net."},
        {"sysctl kernel/hostname", false, Kind::rejected, "only keys under net."},
        {"sysctl -p", false, Kind::rejected, "sysctl -p loads a file"},
        {"sysctl -p /etc/sysctl.conf", false, Kind::rejected, "loads a file"},
        {"sysctl --system", false, Kind::rejected, "loads a file"},
        {"sysctl -e -w -- -kernel.hostname=x", false, Kind::rejected, "a key starts with a letter"},
        {"sysctl -w -- /proc/sys/kernel/hostname=x", false, Kind::rejected, "a key starts with a letter"},
        {"ipvsadm -R", true, Kind::rejected, "standard input"},
        {"ipvsadm -C", false, Kind::rejected, "ipvsadm belongs on the director"},
        {"iptables -F", false, Kind::rejected, "is not a program a submission runs: on a host they are ip, ifconfig"},
        {"modprobe nbd", false, Kind::rejected, "modprobe nbd: a submission loads no kernel module"},
        {"systemctl stop sshd", true, Kind::rejected, "only the lines for ipvsadm's service"},
        {"ifconfig eth0 up\x01", true, Kind::rejected, "the control character 0x01"},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        const auto v = judge_line(c.line, c.director);
        CHECK(kind_name(v.kind) == std::string(kind_name(c.kind)));
        CHECK_THAT(v.reason, Catch::Contains(c.reason));
        CHECK(v.words.empty());
    }
}

TEST_CASE("what a student writes that does nothing here is skipped, with the reason") {
    const Case cases[] = {
        {"yum -y install ipvsadm", true, Kind::skipped, "installs packages"},
        {"apt-get install -y ipvsadm", true, Kind::skipped, "installs packages"},
        {"modprobe ip_vs", true, Kind::skipped, "the IPVS kernel module"},
        {"modprobe ip_vs_rr", true, Kind::skipped, "the IPVS kernel module"},
        {"modprobe ipip", false, Kind::skipped, "the lab provides each real server's tunl0"},
        {"service ipvsadm save", true, Kind::skipped, "ipvsadm's service"},
        {"systemctl enable ipvsadm.service", true, Kind::skipped, "ipvsadm's service"},
        {"chkconfig ipvsadm on", true, Kind::skipped, "ipvsadm's service"},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        const auto v = judge_line(c.line, c.director);
        CHECK(v.kind == Kind::skipped);
        CHECK_THAT(v.reason, Catch::Contains(c.reason));
    }
}

TEST_CASE("a line the tool itself refuses is its error, with its message, not run") {
    auto v = judge_line("ipvsadm -A -t 192.168.1.10 -s rr", true);
    CHECK(v.kind == Kind::error);
    CHECK(v.reason == "Zero port specified for non-persistent service");
    CHECK(v.status == 2);
    v = judge_line("route add default gw", false);
    CHECK(v.kind == Kind::error);
    CHECK_FALSE(v.reason.empty());
    CHECK(v.words.empty());
}
