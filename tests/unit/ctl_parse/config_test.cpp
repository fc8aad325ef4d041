// Whole configuration files: dispatch, timed lines, restore sections, all-or-nothing errors.
#include <catch2/catch.hpp>

#include "tapvs/ctl/config.hpp"

using namespace tapvs;
using namespace tapvs::ctl;

namespace {

constexpr std::string_view kGuide = R"(# LVS-NAT director (the guide's example)
ip link set dev eth0 address 02:00:00:00:00:01
ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up
ip addr add 172.16.10.12/16 dev eth1
ip link set eth1 up
route add default gw 192.168.1.1
echo 1 > /proc/sys/net/ipv4/ip_forward
sysctl -w net.ipv4.conf.all.send_redirects=0
iptables -t mangle -A PREROUTING -d 192.168.1.10/32 -p tcp --dport 80 -j MARK --set-mark 1
ipvsadm -A -t 192.168.1.10:80 -s rr
ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100:80 -m
/sbin/ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212:80 -m -w 2
@12.5 ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.100:80 -m -w 0
)";

core::ServiceKey vip80() { return core::ServiceKey{0, core::Proto::tcp, net::ipv4(192, 168, 1, 10), 80}; }

template <typename T>
const T& as(const ConfigLine& l) {
    INFO("line " << l.line << " holds variant " << l.cmd.index());
    REQUIRE(std::holds_alternative<T>(l.cmd));
    return std::get<T>(l.cmd);
}

ConfigError error_of(std::string_view text, std::string_view file = "director.conf") {
    auto r = parse_config(text, file);
    REQUIRE_FALSE(r.ok());
    return r.error();
}

}  // namespace

TEST_CASE("config: the guide's LVS-NAT director, line by line", "[config]") {
    auto r = parse_config(kGuide, "nat.conf");
    if (!r.ok()) FAIL(r.error().to_string());
    const auto& l = *r;
    REQUIRE(l.size() == 13);  // ifconfig gives the address and the up link

    CHECK(l[0].line == 2);
    CHECK(as<cmd::LinkSet>(l[0]).mac->to_string() == "02:00:00:00:00:01");

    CHECK(l[1].line == 3);
    const auto& ifc = as<cmd::AddrAdd>(l[1]);
    CHECK(ifc.dev == "eth0");
    CHECK(ifc.addr == net::ipv4(192, 168, 1, 10));
    CHECK(ifc.prefix_len == 24);
    CHECK(l[2].line == 3);
    CHECK(as<cmd::LinkSet>(l[2]).up == std::optional<bool>(true));

    CHECK(as<cmd::AddrAdd>(l[3]).dev == "eth1");
    CHECK(as<cmd::AddrAdd>(l[3]).prefix_len == 16);
    CHECK(as<cmd::LinkSet>(l[4]).dev == "eth1");
    CHECK(*as<cmd::RouteAdd>(l[5]).via == net::ipv4(192, 168, 1, 1));
    CHECK(as<cmd::SysctlSet>(l[6]).key == "net.ipv4.ip_forward");
    CHECK(as<cmd::SysctlSet>(l[6]).value == "1");
    CHECK(as<cmd::SysctlSet>(l[7]).key == "net.ipv4.conf.all.send_redirects");
    CHECK(as<cmd::MarkRule>(l[8]).mark == 1);
    CHECK(l[8].line == 9);

    const auto& add = as<cmd::AddService>(l[9]);
    CHECK(add.svc.key == vip80());
    CHECK(add.svc.sched_name == "rr");
    const auto& d1 = as<cmd::AddDest>(l[10]);
    CHECK(d1.svc == vip80());
    CHECK(d1.dest.addr == net::ipv4(172, 16, 10, 100));
    CHECK(d1.dest.fwd == core::FwdMethod::masq);
    CHECK(d1.dest.weight == 1);
    const auto& d2 = as<cmd::AddDest>(l[11]);
    CHECK(d2.dest.addr == net::ipv4(172, 16, 10, 212));
    CHECK(d2.dest.weight == 2);

    for (std::size_t i = 0; i + 1 < l.size(); ++i) CHECK_FALSE(l[i].at);
    CHECK(l[12].line == 13);
    REQUIRE(l[12].at);
    CHECK(*l[12].at == 12.5);
    CHECK(as<cmd::EditDest>(l[12]).dest.weight == 0);
}

TEST_CASE("config: an error names the file and the line, and nothing is returned", "[config]") {
    const std::string text = "ip link set eth0 up\nip addr add 10.0.0.1/33 dev eth0\nipvsadm -C\n";
    auto e = error_of(text);
    CHECK(e.file == "director.conf");
    CHECK(e.line == 2);
    CHECK(e.message == "Error: any valid prefix is expected rather than \"10.0.0.1/33\".");
    CHECK(e.status == 1);
    CHECK(e.to_string() == "director.conf:2: Error: any valid prefix is expected rather than \"10.0.0.1/33\".");
}

TEST_CASE("config: shell constructs are errors with sh's status, on their own line", "[config]") {
    auto e = error_of("ip link set eth0 up\n\nip link set $IF up\n");
    CHECK(e.line == 3);
    CHECK(e.status == 2);
    CHECK(e.message.find("parameter expansion `$IF'") == 0);
    CHECK(error_of("echo 1 > /proc/sys/net/ipv4/ip_forward; ipvsadm -C\n").message.find("command list") == 0);
}

TEST_CASE("config: continuations join lines and keep the first line's number", "[config]") {
    auto r = parse_config("# header\nipvsadm -A \\\n  -t 10.0.0.1:80 \\\n  -s wlc\nipvsadm -D -t 10.0.0.1:80\n", "f");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].line == 2);
    CHECK(as<cmd::AddService>((*r)[0]).svc.sched_name == "wlc");
    CHECK((*r)[1].line == 5);
    CHECK(std::holds_alternative<cmd::DelService>((*r)[1].cmd));
}

TEST_CASE("config: a line with several commands gives them all with its number", "[config]") {
    auto r = parse_config("\nsysctl -w net.ipv4.ip_forward=1 net.ipv4.vs.expire_nodest_conn=1\n", "f");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].line == 2);
    CHECK((*r)[1].line == 2);
    CHECK(as<cmd::SysctlSet>((*r)[1]).key == "net.ipv4.vs.expire_nodest_conn");
}

TEST_CASE("config: lines that change nothing tapvs models give no command", "[config]") {
    auto r = parse_config("iptables -F\niptables -t nat -F\nipvsadm -C\n", "f");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].line == 3);
}

TEST_CASE("config: timed lines", "[config]") {
    auto r = parse_config("@0 ipvsadm -C\n@1.25 ip link set eth0 down\nip link set eth0 up\n", "f");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 3);
    CHECK((*r)[0].at == std::optional<double>(0.0));
    CHECK((*r)[1].at == std::optional<double>(1.25));
    CHECK_FALSE((*r)[2].at);
    auto e = error_of("@soon ipvsadm -C\n");
    CHECK(e.message == "tapvs: bad time `@soon': a timed line starts with @SECONDS");
    CHECK(error_of("@-1 ipvsadm -C\n").line == 1);
    CHECK(error_of("ipvsadm -C\n@5\n").message == "tapvs: `@5' is not followed by a command");
}

TEST_CASE("config: after ipvsadm -R the lines are ipvsadm -S output", "[config][restore]") {
    const std::string text =
        "ip link set eth0 up\n"
        "ipvsadm -R\n"
        "-A -t 10.0.0.100:80 -s wlc\n"
        "\n"
        "-a -t 10.0.0.100:80 -r 192.168.1.1:80 -g -w 1\n"
        "@3 -e -t 10.0.0.100:80 -r 192.168.1.1:80 -g -w 5\n";
    auto r = parse_config(text, "saved.conf");
    if (!r.ok()) FAIL(r.error().to_string());
    REQUIRE(r->size() == 4);
    CHECK(std::holds_alternative<cmd::LinkSet>((*r)[0].cmd));
    CHECK((*r)[1].line == 3);
    CHECK(as<cmd::AddService>((*r)[1]).svc.sched_name == "wlc");
    CHECK((*r)[2].line == 5);
    CHECK(as<cmd::AddDest>((*r)[2]).dest.addr == net::ipv4(192, 168, 1, 1));
    CHECK((*r)[3].line == 6);
    CHECK((*r)[3].at == std::optional<double>(3.0));
    CHECK(as<cmd::EditDest>((*r)[3]).dest.weight == 5);
}

TEST_CASE("config: restore lines are not shell lines, and their errors are ipvsadm's", "[config][restore]") {
    // ipvsadm's stream reader has no quoting and no comments: '$' is just a character there
    auto e = error_of("ipvsadm -R\n-A -t 10.0.0.100:80 -s wlc\n-A -t $VIP:80\n");
    CHECK(e.line == 3);
    CHECK(e.message == "illegal virtual server address[:port] specified");  // not a tokenizer error
    CHECK(e.status == 2);
}

TEST_CASE("config: other programs and redirections", "[config]") {
    auto e = error_of("modprobe ip_vs\n");
    CHECK(e.message == "modprobe: command not supported by tapvs");
    CHECK(e.status == 127);
    CHECK(error_of("ipvsadm -S > /etc/ipvs.rules\n").message ==
          "ipvsadm: output redirection is not supported by tapvs (only `echo VALUE > /proc/sys/...' is)");
    CHECK(error_of("VIP=10.0.0.1 ipvsadm -C\n").message == "tapvs: the variable assignment `VIP=10.0.0.1' is not supported");
}

TEST_CASE("parse_command: one command, or an error saying how many", "[config]") {
    const std::vector<std::string> up{"ip", "link", "set", "eth0", "up"};
    auto r = parse_command(up);
    REQUIRE(r.ok());
    CHECK(std::get<cmd::LinkSet>(*r).up == std::optional<bool>(true));
    const std::vector<std::string> two{"sysctl", "-w", "net.ipv4.ip_forward=1", "net.ipv4.vs.sloppy_tcp=1"};
    auto m = parse_command(two);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().err == "tapvs: this line gives 2 commands where one is expected\n");
    // in the string form a word ">" is the operator
    const std::vector<std::string> echo{"echo", "1", ">", "/proc/sys/net/ipv4/ip_forward"};
    auto s = parse_command(echo);
    REQUIRE(s.ok());
    CHECK(std::get<cmd::SysctlSet>(*s).key == "net.ipv4.ip_forward");
}

TEST_CASE("config: ipvsadm errors keep ipvsadm's text and status", "[config]") {
    auto e = error_of("ipvsadm -A -t 10.0.0.1:80 -s rr -s wlc\n");
    CHECK(e.line == 1);
    CHECK(e.status == 2);
    CHECK_FALSE(e.message.empty());
}

TEST_CASE("parse_command_multi: random lines are refused or parsed, never crash", "[config][robust]") {
    // Words from every parser's vocabulary, shuffled into lines; each result must be a value or an
    // error Reply with a message (ASan/UBSan builds run this too).
    const std::vector<std::string> vocab = {
        "ip", "addr", "add", "del", "link", "set", "route", "neigh", "dev", "eth0", "lo:0", "up", "down", "via",
        "default", "10.0.0.1/24", "10.0.0.0/8", "1.2.3.4", "lladdr", "02:00:00:00:00:01", "mtu", "1500", "brd", "+",
        "ifconfig", "netmask", "255.255.255.0", "broadcast", "hw", "ether", "route", "-net", "-host", "gw",
        "sysctl", "-w", "-n", "net.ipv4.ip_forward=1", "net.ipv4.vs.sloppy_tcp", "echo", ">", "/proc/sys/net",
        "cat", "iptables", "-t", "mangle", "-A", "-I", "-D", "-F", "PREROUTING", "-p", "tcp", "udp", "-s", "-d",
        "!", "--dport", "--sport", "-m", "multiport", "--dports", "80,443", "-j", "MARK", "--set-mark", "1/0xff",
        "-i", "ipvsadm", "-t", "10.0.0.1:80", "-r", "-g", "-w", "", "-", "--", "@", "=", "x:y:z", "0x", "08"};
    const std::vector<std::string> programs = {"ip", "ifconfig", "route", "sysctl", "echo", "cat", "iptables", "ipvsadm"};
    std::uint32_t seed = 12345;
    auto rnd = [&seed](std::size_t n) {
        seed = seed * 1103515245u + 12345u;
        return static_cast<std::size_t>((seed >> 8) % n);
    };
    for (int line = 0; line < 3000; ++line) {
        std::vector<std::string> words{rnd(12) == 0 ? vocab[rnd(vocab.size())] : programs[rnd(programs.size())]};
        const std::size_t n = rnd(12);
        for (std::size_t k = 0; k < n; ++k) words.push_back(vocab[rnd(vocab.size())]);
        auto r = parse_command_multi(std::span<const std::string>(words));
        if (!r.ok()) CHECK_FALSE(r.error().err.empty());
    }
}

TEST_CASE("config: a known program is known by its basename, as the dispatch does", "[ctl][config]") {
    CHECK(ctl::is_known_program("ip"));
    CHECK(ctl::is_known_program("/sbin/ip"));
    CHECK(ctl::is_known_program("/usr/sbin/ipvsadm"));
    CHECK_FALSE(ctl::is_known_program("/bin/sh"));
    CHECK_FALSE(ctl::is_known_program("ip/"));
}
