// iptables -t mangle ... -j MARK -> MarkRule, and iptables' own messages for mistakes.
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

constexpr std::string_view kPrefix = "iptables v1.8.9 (nf_tables): ";
constexpr std::string_view kTry = "Try `iptables -h' or 'iptables --help' for more information.\n";

cmd::MarkRule rule(std::string_view line, const IpvsadmContext& ctx = {}) { return one<cmd::MarkRule>(line, ctx); }

std::string param(std::string_view msg) { return std::string(kPrefix) + std::string(msg) + "\n" + std::string(kTry); }

class Services final : public NameResolver {
public:
    std::optional<net::Ipv4Addr> host(std::string_view) const override { return std::nullopt; }
    std::optional<std::uint16_t> service(std::string_view name, std::string_view proto) const override {
        if (name == "http" && proto == "tcp") return 80;
        return std::nullopt;
    }
};

}  // namespace

TEST_CASE("iptables: the guide's fwmark rule", "[iptables]") {
    auto r = rule("iptables -t mangle -A PREROUTING -d 192.168.1.10/32 -p tcp --dport 80 -j MARK --set-mark 1");
    CHECK(r.op == cmd::MarkRule::Op::append);
    CHECK(r.chain == "PREROUTING");
    CHECK(r.match.protocol == 6);
    REQUIRE(r.match.dst);
    CHECK(r.match.dst->first == net::ipv4(192, 168, 1, 10));
    CHECK(r.match.dst->second == 32);
    CHECK_FALSE(r.match.src);
    CHECK(r.match.dports == std::vector<std::uint16_t>{80});
    CHECK(r.match.sports.empty());
    CHECK(r.match.in_iface.empty());
    CHECK(r.mark == 1);
    CHECK(r.mask == 0xffffffffu);
}

TEST_CASE("iptables: insert with multiport, source, interface and --set-xmark", "[iptables]") {
    auto r = rule("iptables -t mangle -I PREROUTING -p udp -m multiport --dports 53,123 -s 10.0.0.0/8 -i eth0 "
                  "-j MARK --set-xmark 0x10/0xff");
    CHECK(r.op == cmd::MarkRule::Op::insert);
    CHECK(r.match.protocol == 17);
    CHECK(r.match.dports == std::vector<std::uint16_t>{53, 123});
    REQUIRE(r.match.src);
    CHECK(r.match.src->first == net::ipv4(10, 0, 0, 0));
    CHECK(r.match.src->second == 8);
    CHECK(r.match.in_iface == "eth0");
    CHECK(r.mark == 0x10);
    CHECK(r.mask == 0xff);
}

TEST_CASE("iptables: MARK's options as libxt_MARK revision 2 stores them", "[iptables][mark]") {
    const std::string head = "iptables -t mangle -A PREROUTING -j MARK ";
    auto m = rule(head + "--set-mark 5/0xf0");  // mask = value | mask
    CHECK(m.mark == 5);
    CHECK(m.mask == 0xf5);
    m = rule(head + "--and-mark 0xff");
    CHECK(m.mark == 0);
    CHECK(m.mask == ~0xffu);
    m = rule(head + "--or-mark 4");
    CHECK(m.mark == 4);
    CHECK(m.mask == 4);
    m = rule(head + "--xor-mark 4");
    CHECK(m.mark == 4);
    CHECK(m.mask == 0);
}

TEST_CASE("iptables: inversion, masking of the address and short networks", "[iptables]") {
    auto r = rule("iptables -t mangle -A PREROUTING ! -s 10.1.2.3/16 -p TCP --sport 1024 -j MARK --set-mark 2");
    REQUIRE(r.match.src);
    CHECK(r.match.src->first == net::ipv4(10, 1, 0, 0));
    CHECK(r.match.src->second == 16);
    CHECK(r.match.src_invert);
    CHECK(r.match.protocol == 6);
    CHECK(r.match.sports == std::vector<std::uint16_t>{1024});
    auto s = rule("iptables -t mangle -A PREROUTING -d 10.1/255.255.0.0 -j MARK --set-mark 2");
    CHECK(s.match.dst->first == net::ipv4(10, 1, 0, 0));
    CHECK(s.match.dst->second == 16);
}

TEST_CASE("iptables: long options, attached values, -D and service names", "[iptables]") {
    Services services;
    IpvsadmContext ctx;
    ctx.resolver = &services;
    auto r = rule("iptables --table=mangle --delete PREROUTING --protocol tcp --destination-port http "
                  "--jump MARK --set-mark 3",
                  ctx);
    CHECK(r.op == cmd::MarkRule::Op::del);
    CHECK(r.match.dports == std::vector<std::uint16_t>{80});
    CHECK(rule("iptables -tmangle -APREROUTING -ptcp --dport 443 -jMARK --set-mark 9").match.dports ==
          std::vector<std::uint16_t>{443});
}

TEST_CASE("iptables: flush, and the no-ops outside the mangle table", "[iptables]") {
    auto all = rule("iptables -t mangle -F");
    CHECK(all.op == cmd::MarkRule::Op::flush);
    CHECK(all.chain.empty());
    CHECK(rule("iptables -t mangle -F PREROUTING").chain == "PREROUTING");
    CHECK(ok("iptables -F").empty());
    CHECK(ok("iptables -t nat -F POSTROUTING").empty());
    CHECK(ok("iptables -X").empty());
    CHECK(ok("iptables -Z").empty());
    CHECK(ok("iptables -P FORWARD ACCEPT").empty());
}

TEST_CASE("iptables: parameter problems", "[iptables][errors]") {
    auto r = bad("iptables -t mangle -A PREROUTING --dport 80 -j MARK --set-mark 1");
    CHECK(r.err == param("unknown option \"--dport\""));
    CHECK(r.status == 2);
    CHECK(bad("iptables -t mangle -A PREROUTING -p icmp --dport 80 -j MARK --set-mark 1").err ==
          param("unknown option \"--dport\""));
    CHECK(bad("iptables -t mangle -A PREROUTING -p tcp --dport 80x -j MARK --set-mark 1").err ==
          param("invalid port/service `80x' specified"));
    CHECK(bad("iptables -t mangle -A PREROUTING -p foo -j MARK --set-mark 1").err ==
          param("unknown protocol \"foo\" specified"));
    CHECK(bad("iptables -t mangle -A PREROUTING -s 10.0.0.0/33 -j MARK --set-mark 1").err ==
          param("invalid mask `33' specified"));
    CHECK(bad("iptables -t mangle -A PREROUTING -s nohost -j MARK --set-mark 1").err ==
          param("host/network `nohost' not found"));
    CHECK(bad("iptables -t mangle -A PREROUTING -D PREROUTING").err == param("Cannot use -D with -A"));
    CHECK(bad("iptables -t mangle -j MARK --set-mark 1").err == param("no command specified"));
    CHECK(bad("iptables -t mangle -A PREROUTING -j MARK").err ==
          param("MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required"));
    CHECK(bad("iptables -t mangle -A PREROUTING -j MARK --set-mark abc").err ==
          param("MARK: Bad value for \"set-mark\" option: \"abc\""));
    CHECK(bad("iptables -t mangle -A PREROUTING -j MARK --set-mark 1 --set-xmark 2").err ==
          param("MARK: option \"--set-xmark\" cannot be used together with \"--set-mark\"."));
    CHECK(bad("iptables -t mangle -A PREROUTING -j MARK --set-mark 1 --set-mark 2").err ==
          param("MARK: option \"--set-mark\" can only be used once."));
    CHECK(bad("iptables -t mangle -A PREROUTING --set-mark 1 -j MARK").err == param("unknown option \"--set-mark\""));
    CHECK(bad("iptables -t mangle -A PREROUTING -m multiport --dports 1,2 -j MARK --set-mark 1").err ==
          param("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'"));
    CHECK(bad("iptables -t mangle -A PREROUTING -p tcp -m multiport -j MARK --set-mark 1").err ==
          param("no ports specified"));
    CHECK(bad("iptables -t mangle -A PREROUTING -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 "
              "-j MARK --set-mark 1")
              .err == param("too many ports specified"));
    CHECK(bad("iptables -t mangle -A PREROUTING -p tcp -p udp -j MARK --set-mark 1").err ==
          param("multiple -p flags not allowed"));
    CHECK(bad("iptables -t mangle -A PREROUTING -p tcp --dport 1 --dport 2 -j MARK --set-mark 1").err ==
          param("Only one `--destination-port' allowed"));
    CHECK(bad("iptables -t mangle -A PREROUTING -n -j MARK --set-mark 1").err ==
          param("Illegal option `-n' with this command"));
    CHECK(bad("iptables -t mangle -A PREROUTING ! ! -s 1.2.3.4 -j MARK --set-mark 1").err ==
          param("multiple consecutive ! not allowed"));
    CHECK(bad("iptables -t mangle -A OUTPUT -i eth0 -j MARK --set-mark 1").err ==
          param("Can't use -i with OUTPUT\n"));
    CHECK(bad("iptables -t mangle -A PREROUTING -j MARK --set-mark 1 !").err == param("nothing appropriate following !"));
    CHECK(bad("iptables -t mangle -A").err == param("option \"-A\" requires an argument"));
    r = bad("iptables -t mangle -A PREROUTING stray -j MARK --set-mark 1");
    CHECK(r.err == "Bad argument `stray'\n" + std::string(kTry));
    CHECK(r.status == 2);
}

TEST_CASE("iptables: tables, chains and what tapvs does not build", "[iptables][errors]") {
    auto r = bad("iptables -t mangle -A FOO -j MARK --set-mark 1");
    CHECK(r.err == "iptables: No chain/target/match by that name.\n");
    CHECK(r.status == 1);
    CHECK(bad("iptables -t bogus -F").err == "iptables v1.8.9 (nf_tables): table 'bogus' does not exist\n");
    CHECK(bad("iptables -A INPUT -p tcp --dport 22 -j ACCEPT").err ==
          "iptables: the target `ACCEPT' is not supported by tapvs\n");
    CHECK(bad("iptables -t filter -A INPUT -j MARK --set-mark 1").err ==
          "iptables: -j MARK in the `filter' table (use -t mangle) is not supported by tapvs\n");
    CHECK(bad("iptables -t mangle -A PREROUTING -p tcp --dport 1000:2000 -j MARK --set-mark 1").err ==
          "iptables: the port range `1000:2000' is not supported by tapvs\n");
    CHECK(bad("iptables -t mangle -L").err == "iptables: `iptables -L' is not supported by tapvs\n");
    CHECK(bad("iptables -t mangle -D PREROUTING 1").err ==
          "iptables: deleting a rule by number (-D CHAIN RULENUM) is not supported by tapvs\n");
    CHECK(bad("iptables -t mangle -A PREROUTING -m state --state NEW -j MARK --set-mark 1").err ==
          "iptables: the match `state' is not supported by tapvs\n");
    CHECK(bad("iptables-legacy -t mangle -A PREROUTING -p tcp --dport x -j MARK --set-mark 1").err ==
          "iptables v1.8.9 (legacy): invalid port/service `x' specified\n" + std::string(kTry));
}

TEST_CASE("iptables: -p all, protocol numbers, ! -d and interface wildcards", "[iptables]") {
    auto all = rule("iptables -t mangle -A PREROUTING -p all ! -d 192.168.1.10 -i eth+ -j MARK --set-mark 7");
    CHECK(all.match.protocol == 0);
    REQUIRE(all.match.dst);
    CHECK(all.match.dst->second == 32);
    CHECK(all.match.dst_invert);
    CHECK_FALSE(all.match.src_invert);
    CHECK(all.match.in_iface == "eth+");
    auto num = rule("iptables -t mangle -A PREROUTING -p 6 --dport 8080 -j MARK --set-mark 7");
    CHECK(num.match.protocol == 6);  // "6" names tcp, whose match then loads (xshared.c find_proto())
    CHECK(num.match.dports == std::vector<std::uint16_t>{8080});
    CHECK(bad("iptables -t mangle -A PREROUTING ! -p all -j MARK --set-mark 7").err ==
          param("rule would never match protocol"));
    CHECK(bad("iptables -t mangle -A PREROUTING -p tcp ! --dport 80 -j MARK --set-mark 7").err ==
          "iptables: an inverted port match (! --dport) is not supported by tapvs\n");
}
