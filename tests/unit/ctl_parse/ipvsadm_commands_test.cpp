// Every ipvsadm command form, and what it asks the kernel for: ipvs_service_t / ipvs_dest_t after
// ipvsadm filled its defaults (scheduler wlc, weight 1, -g, -p 360, /32 mask, port forcing for -g
// and -i, mcast interface eth0). The expected fields follow ipvsadm.c process_options(); the
// unusual ones (port 0 when -r comes before -t, the 15-character scheduler name) were checked
// against the real ipvsadm.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "tapvs/ctl/ipvsadm.hpp"

using namespace tapvs;
using namespace tapvs::ctl;

namespace {

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string s; in >> s;) w.push_back(s);
    return w;
}

Command parse_ok(const std::string& line, const IpvsadmContext& ctx = {}) {
    INFO("ipvsadm " << line);
    auto r = parse_ipvsadm(words(line), ctx);
    if (!r.ok()) FAIL("refused: status " << r.error().status << ": " << r.error().err);
    return r.value();
}

template <typename T>
T as(const std::string& line, const IpvsadmContext& ctx = {}) {
    Command c = parse_ok(line, ctx);
    INFO("ipvsadm " << line << " gave variant index " << c.index());
    REQUIRE(std::holds_alternative<T>(c));
    return std::get<T>(c);
}

core::ServiceKey tcp(net::Ipv4Addr a, std::uint16_t port) { return core::ServiceKey{0, core::Proto::tcp, a, port}; }

const net::Ipv4Addr kVip = net::ipv4(10, 0, 0, 1);
const net::Ipv4Addr kRip = net::ipv4(192, 168, 1, 1);

}  // namespace

TEST_CASE("ipvsadm -A: ipvsadm's defaults fill the service", "[ipvsadm][commands]") {
    auto a = as<cmd::AddService>("-A -t 10.0.0.1:80");
    CHECK(a.svc.key == tcp(kVip, 80));
    CHECK(a.svc.sched_name == "wlc");
    CHECK(a.svc.flags == 0);
    CHECK(a.svc.timeout_s == 0);
    CHECK(a.svc.netmask == 0xffffffffu);
    CHECK(a.svc.pe_name.empty());
}

TEST_CASE("ipvsadm -A: every service option", "[ipvsadm][commands]") {
    auto a = as<cmd::AddService>("-A -u 10.0.0.1:53 -s sh -p 100 -M 255.255.255.0 --pe sip -o -b sh-fallback,sh-port");
    CHECK(a.svc.key == core::ServiceKey{0, core::Proto::udp, kVip, 53});
    CHECK(a.svc.sched_name == "sh");
    CHECK(a.svc.flags == (core::kSvcPersistent | core::kSvcOnePacket | core::kSvcSched1 | core::kSvcSched2));
    CHECK(a.svc.timeout_s == 100);
    CHECK(a.svc.netmask == 0xffffff00u);
    CHECK(a.svc.pe_name == "sip");
}

TEST_CASE("ipvsadm -p: no value means 360 seconds, and -p never takes a word starting with '-'", "[ipvsadm][commands]") {
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -p").svc.timeout_s == 360);
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -p -s rr").svc.timeout_s == 360);
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -p -s rr").svc.sched_name == "rr");
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -p 7").svc.timeout_s == 7);
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -p7").svc.timeout_s == 7);
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -p=7").svc.timeout_s == 7);
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 --persistent=7").svc.timeout_s == 7);
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 --persistent 2678400").svc.timeout_s == 2678400);
    // A zero port is allowed once the service is persistent.
    auto z = as<cmd::AddService>("-A -t 10.0.0.1 -p");
    CHECK(z.svc.key.port == 0);
    CHECK(z.svc.flags == core::kSvcPersistent);
}

TEST_CASE("ipvsadm -f: fwmark services, with -o allowed and protocol set to TCP", "[ipvsadm][commands]") {
    auto a = as<cmd::AddService>("-A -f 1 -o -s rr");
    CHECK(a.svc.key.fwmark == 1);
    CHECK(a.svc.key.protocol == core::Proto::tcp);
    CHECK(a.svc.key.addr == net::Ipv4Addr{});
    CHECK(a.svc.key.port == 0);
    CHECK(a.svc.flags == core::kSvcOnePacket);
    CHECK(as<cmd::AddService>("-A -f 4294967295").svc.key.fwmark == 4294967295u);
    CHECK(as<cmd::AddService>("-A -f +12").svc.key.fwmark == 12);
}

TEST_CASE("ipvsadm -s/--pe/-b: names are cut as ipvsadm's buffers cut them, empty -s is wlc", "[ipvsadm][commands]") {
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -s abcdefghijklmnopqrstuvwxyz").svc.sched_name == "abcdefghijklmno");
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 --pe abcdefghijklmnopqrstuvwxyz").svc.pe_name == "abcdefghijklmnop");
    std::vector<std::string> empty_sched{"-A", "-t", "10.0.0.1:80", "-s", ""};
    CHECK(std::get<cmd::AddService>(parse_ipvsadm(empty_sched).value()).svc.sched_name == "wlc");
    // Empty -b is not parsed at all; empty items between commas are skipped.
    std::vector<std::string> empty_flags{"-A", "-t", "10.0.0.1:80", "-b", ""};
    CHECK(std::get<cmd::AddService>(parse_ipvsadm(empty_flags).value()).svc.flags == 0);
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -b flag-1,,flag-3").svc.flags ==
          (core::kSvcSched1 | core::kSvcSched3));
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -s mh -b mh-port,mh-fallback").svc.flags ==
          (core::kSvcSched1 | core::kSvcSched2));
}

TEST_CASE("ipvsadm -E: the whole service is sent again, defaults included", "[ipvsadm][commands]") {
    auto e = as<cmd::EditService>("-E -t 10.0.0.1:80 -p");
    CHECK(e.svc.key == tcp(kVip, 80));
    CHECK(e.svc.sched_name == "wlc");  // -E without -s goes back to wlc
    CHECK(e.svc.flags == core::kSvcPersistent);
    CHECK(e.svc.timeout_s == 360);
}

TEST_CASE("ipvsadm -D, -C, -R, -S", "[ipvsadm][commands]") {
    CHECK(as<cmd::DelService>("-D -t 10.0.0.1:80").svc == tcp(kVip, 80));
    CHECK(as<cmd::DelService>("--delete-service --fwmark-service 9").svc.fwmark == 9);
    CHECK(std::holds_alternative<cmd::Flush>(parse_ok("-C")));
    CHECK(std::holds_alternative<cmd::Flush>(parse_ok("--clear")));
    CHECK(std::holds_alternative<cmd::Restore>(parse_ok("-R")));
    CHECK_FALSE(as<cmd::Save>("-S").numeric);
    CHECK(as<cmd::Save>("-S -n").numeric);
    CHECK(as<cmd::Save>("--save --numeric").numeric);
}

TEST_CASE("ipvsadm -a: real server defaults are -g, weight 1, the service port", "[ipvsadm][commands]") {
    auto a = as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1");
    CHECK(a.svc == tcp(kVip, 80));
    CHECK(a.dest.addr == kRip);
    CHECK(a.dest.port == 80);
    CHECK(a.dest.fwd == core::FwdMethod::droute);
    CHECK(a.dest.weight == 1);
    CHECK(a.dest.u_threshold == 0);
    CHECK(a.dest.l_threshold == 0);
    CHECK(a.dest.tun_type == core::TunType::ipip);
    CHECK(a.dest.tun_port == 0);
    CHECK(a.dest.tun_flags == 0);
}

TEST_CASE("ipvsadm -a: -g and -i force the real server's port to the service port, -m keeps it",
          "[ipvsadm][commands]") {
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1:8080").dest.port == 80);
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -g").dest.port == 80);
    auto i = as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -i");
    CHECK(i.dest.port == 80);
    CHECK(i.dest.fwd == core::FwdMethod::tunnel);
    auto m = as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -m");
    CHECK(m.dest.port == 8080);
    CHECK(m.dest.fwd == core::FwdMethod::masq);
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -m").dest.port == 80);
    // -r before -t: the port is copied from a service port not yet parsed (0).
    CHECK(as<cmd::AddDest>("-a -r 192.168.1.1 -t 10.0.0.1:80 -m").dest.port == 0);
    // -e forces too; -d does not.
    CHECK(as<cmd::EditDest>("-e -t 10.0.0.1:80 -r 192.168.1.1:81 -i").dest.port == 80);
    CHECK(as<cmd::DelDest>("-d -t 10.0.0.1:80 -r 192.168.1.1:81").dest.port == 81);
    CHECK(as<cmd::DelDest>("-d -t 10.0.0.1:80 -r 192.168.1.1").dest.port == 80);
}

TEST_CASE("ipvsadm -a: fwmark services keep the real server's own port (0 by default)", "[ipvsadm][commands]") {
    auto a = as<cmd::AddDest>("-a -f 5 -r 192.168.1.1");
    CHECK(a.svc.fwmark == 5);
    CHECK(a.dest.port == 0);
    CHECK(as<cmd::AddDest>("-a -f 5 -r 192.168.1.1:99 -g").dest.port == 99);
}

TEST_CASE("ipvsadm -a: weight and thresholds", "[ipvsadm][commands]") {
    auto a = as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1:81 -m -w 0 -x 5 -y 3");
    CHECK(a.dest.weight == 0);
    CHECK(a.dest.u_threshold == 5);
    CHECK(a.dest.l_threshold == 3);
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -w 65535").dest.weight == 65535);
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -x 2147483647").dest.u_threshold == 2147483647u);
    // -y alone passes ipvsadm; the kernel refuses l > u.
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -y 5").dest.l_threshold == 5);
}

TEST_CASE("ipvsadm -a: tunnel types and their options", "[ipvsadm][commands]") {
    auto gue = as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gue --tun-port 6080 --tun-csum");
    CHECK(gue.dest.tun_type == core::TunType::gue);
    CHECK(gue.dest.tun_port == 6080);
    CHECK(gue.dest.tun_flags == core::kTunFlagCsum);
    auto rem = as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gue --tun-port 1 --tun-remcsum");
    CHECK(rem.dest.tun_flags == core::kTunFlagRemCsum);
    auto gre = as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gre --tun-nocsum");
    CHECK(gre.dest.tun_type == core::TunType::gre);
    CHECK(gre.dest.tun_flags == core::kTunFlagNoCsum);
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type ipip").dest.tun_type ==
          core::TunType::ipip);
}

TEST_CASE("ipvsadm -e/-d", "[ipvsadm][commands]") {
    auto e = as<cmd::EditDest>("-e -t 10.0.0.1:80 -r 192.168.1.1 -w 5 -m");
    CHECK(e.svc == tcp(kVip, 80));
    CHECK(e.dest.weight == 5);
    CHECK(e.dest.fwd == core::FwdMethod::masq);
    auto d = as<cmd::DelDest>("--delete-server --tcp-service 10.0.0.1:80 --real-server 192.168.1.1:80");
    CHECK(d.svc == tcp(kVip, 80));
    CHECK(d.dest.addr == kRip);
}

TEST_CASE("ipvsadm -Z: all services, one, or all again for 0.0.0.0:0", "[ipvsadm][commands]") {
    CHECK_FALSE(as<cmd::Zero>("-Z").svc.has_value());
    auto one = as<cmd::Zero>("-Z -t 10.0.0.1:80");
    REQUIRE(one.svc.has_value());
    CHECK(*one.svc == tcp(kVip, 80));
    CHECK(as<cmd::Zero>("-Z -f 7").svc->fwmark == 7);
    // libipvs ipvs_zero_service() sends no service when address and port are both zero.
    CHECK_FALSE(as<cmd::Zero>("-Z -t 0.0.0.0:0").svc.has_value());
}

TEST_CASE("ipvsadm --set: three timeouts, 0 allowed", "[ipvsadm][commands]") {
    auto s = as<cmd::SetTimeout>("--set 900 120 300");
    CHECK(s.tcp == 900);
    CHECK(s.tcpfin == 120);
    CHECK(s.udp == 300);
    auto z = as<cmd::SetTimeout>("--set 0 0 2678400");
    CHECK(z.tcp == 0);
    CHECK(z.udp == 2678400);
    // The values are left-over words wherever they stand, "--" included.
    CHECK(as<cmd::SetTimeout>("--set 1 -- 2 3").udp == 3);
}

TEST_CASE("ipvsadm -L: no arguments is -L, every list option lands in ListOptions", "[ipvsadm][commands]") {
    auto none = parse_ipvsadm(std::vector<std::string>{});
    REQUIRE(none.ok());
    REQUIRE(std::holds_alternative<cmd::List>(none.value()));
    CHECK(std::get<cmd::List>(none.value()).opts == ListOptions{});
    CHECK_FALSE(std::get<cmd::List>(none.value()).svc.has_value());

    CHECK(as<cmd::List>("-L").opts == ListOptions{});
    CHECK(as<cmd::List>("-l -n").opts.numeric);
    CHECK(as<cmd::List>("-Ln").opts.numeric);
    CHECK(as<cmd::List>("--list --numeric").opts.numeric);
    auto c = as<cmd::List>("-Lnc --persistent-conn");
    CHECK(c.opts.connection);
    CHECK(c.opts.persistent_conn);
    CHECK(as<cmd::List>("-L --timeout").opts.timeout);
    CHECK(as<cmd::List>("-L --daemon").opts.daemon);
    auto all = as<cmd::List>("-L -n --stats --rate --thresholds --persistent-conn --nosort --sort -X --tun-info");
    CHECK(all.opts.numeric);
    CHECK(all.opts.stats);
    CHECK(all.opts.rate);
    CHECK(all.opts.thresholds);
    CHECK(all.opts.persistent_conn);
    CHECK(all.opts.nosort);
    CHECK(all.opts.exact);
    CHECK(all.opts.tun_info);
    CHECK_FALSE(all.opts.connection);
    CHECK(as<cmd::List>("-L --exact").opts.exact);
    CHECK(as<cmd::List>("-L --sort --sort").opts == ListOptions{});  // a no-op, never "multiple"
}

TEST_CASE("ipvsadm -L: one service", "[ipvsadm][commands]") {
    auto l = as<cmd::List>("-L -n -t 10.0.0.1:80 --stats");
    REQUIRE(l.svc.has_value());
    CHECK(*l.svc == tcp(kVip, 80));
    CHECK(l.opts.stats);
    CHECK(as<cmd::List>("-L -f 3").svc->fwmark == 3);
}

TEST_CASE("ipvsadm daemons: master/backup, eth0 by default, syncid", "[ipvsadm][commands]") {
    auto m = as<cmd::StartDaemon>("--start-daemon master");
    CHECK(m.state == "master");
    CHECK(m.mcast_interface == "eth0");
    CHECK(m.syncid == 0);
    auto b = as<cmd::StartDaemon>(
        "--start-daemon backup --mcast-interface eth1 --syncid 5 --mcast-group 224.0.0.81 --mcast-port 8848 "
        "--mcast-ttl 1 --sync-maxlen 1472");
    CHECK(b.state == "backup");
    CHECK(b.mcast_interface == "eth1");
    CHECK(b.syncid == 5);
    CHECK(as<cmd::StartDaemon>("--start-daemon master --mcast-interface abcdefghijklmnopqrstuvwxyz")
              .mcast_interface == "abcdefghijklmno");
    CHECK(as<cmd::StartDaemon>("--start-daemon=master --mcast-group ff02::1").state == "master");
    CHECK(as<cmd::StopDaemon>("--stop-daemon backup").state == "backup");
    CHECK(as<cmd::StopDaemon>("--stop-daemon master --syncid 3").state == "master");
}

TEST_CASE("ipvsadm -h/-v: help and version stop reading at once", "[ipvsadm][commands]") {
    CHECK(std::holds_alternative<cmd::Help>(parse_ok("-h")));
    CHECK(std::holds_alternative<cmd::Help>(parse_ok("--help --no-such-option")));
    CHECK(std::holds_alternative<cmd::Help>(parse_ok("-hL")));
    CHECK(std::holds_alternative<cmd::Version>(parse_ok("-v")));
    CHECK(std::holds_alternative<cmd::Version>(parse_ok("--version -x")));
    CHECK(std::holds_alternative<cmd::Version>(parse_ok("-vL")));
}

TEST_CASE("ipvsadm --sctp-service: parsed as IPPROTO_SCTP", "[ipvsadm][commands]") {
    auto a = as<cmd::AddService>("-A --sctp-service 10.0.0.1:80");
    CHECK(a.svc.key.protocol == kProtoSctp);
    CHECK(as<cmd::AddDest>("-a --sctp-service 10.0.0.1:80 -r 192.168.1.1").svc.protocol == kProtoSctp);
}

TEST_CASE("ipvsadm popt: clusters, '=' forms, '--'", "[ipvsadm][commands][popt]") {
    CHECK(as<cmd::AddService>("-At10.0.0.1:80").svc.key == tcp(kVip, 80));
    CHECK(as<cmd::AddService>("-A -t=10.0.0.1:80").svc.key == tcp(kVip, 80));
    CHECK(as<cmd::AddService>("-A --tcp-service=10.0.0.1:80").svc.key == tcp(kVip, 80));
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -s==rr").svc.sched_name == "=rr");  // one '=' is eaten
    CHECK(as<cmd::AddService>("-A -t 10.0.0.1:80 -s -p").svc.sched_name == "-p");     // a required arg takes anything
    CHECK(as<cmd::List>("-L --").opts == ListOptions{});
    // A single dash never starts a long option: "-numeric" is -n -u "meric".
    auto r = parse_ipvsadm(words("-L -numeric"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().err == "illegal virtual server address[:port] specified\n");
}

TEST_CASE("ipvsadm addresses: inet_aton's forms are accepted as ipvsadm accepts them", "[ipvsadm][commands][addr]") {
    CHECK(as<cmd::AddService>("-A -t 10.1:80").svc.key.addr == net::ipv4(10, 0, 0, 1));
    CHECK(as<cmd::AddService>("-A -t 0x7f.1:0377").svc.key == tcp(net::ipv4(127, 0, 0, 1), 377));
    CHECK(as<cmd::AddService>("-A -t 012.0.0.010:80").svc.key.addr == net::ipv4(10, 0, 0, 8));
    CHECK(as<cmd::AddService>("-A -t 167772161:80").svc.key.addr == net::ipv4(10, 0, 0, 1));
    CHECK(as<cmd::AddService>("-A -t 1.2.3.4:+80").svc.key.port == 80);
    CHECK(as<cmd::AddService>("-A -t 1.2.3.4:65535").svc.key.port == 65535);
    // inet_aton() stops at a blank: "1.2.3.4 zz" is 1.2.3.4.
    std::vector<std::string> blank{"-A", "-t", "1.2.3.4 zz:80"};
    CHECK(std::get<cmd::AddService>(parse_ipvsadm(blank).value()).svc.key == tcp(net::ipv4(1, 2, 3, 4), 80));
    // "[1.2.3.4]:80" loses its port: parse_service() looks for ':' again inside the brackets.
    auto br = parse_ipvsadm(words("-A -t [1.2.3.4]:80"));
    REQUIRE_FALSE(br.ok());
    CHECK(br.error().err == "Zero port specified for non-persistent service\n");
    CHECK(as<cmd::AddDest>("-a -t 10.0.0.1:80 -r [192.168.1.1]:81 -m").dest.port == 80);
}

namespace {
struct TestResolver final : NameResolver {
    std::optional<net::Ipv4Addr> host(std::string_view name) const override {
        if (name == "www.example.com") return net::ipv4(10, 0, 0, 1);
        if (name == "rs1") return net::ipv4(192, 168, 1, 1);
        if (name == "mask24") return net::ipv4(255, 255, 255, 0);
        return std::nullopt;
    }
    std::optional<std::uint16_t> service(std::string_view name, std::string_view proto) const override {
        if (name == "http" && proto == "tcp") return 80;
        if (name == "domain" && (proto == "udp" || proto == "tcp")) return 53;
        return std::nullopt;
    }
};
}  // namespace

TEST_CASE("ipvsadm names: resolved through the context's resolver, refused without one", "[ipvsadm][commands][addr]") {
    TestResolver res;
    IpvsadmContext ctx;
    ctx.resolver = &res;
    CHECK(as<cmd::AddService>("-A -t www.example.com:http", ctx).svc.key == tcp(kVip, 80));
    CHECK(as<cmd::AddService>("-A -u www.example.com:domain", ctx).svc.key.port == 53);
    CHECK(as<cmd::AddDest>("-a -t www.example.com:http -r rs1:http -m", ctx).dest.addr == kRip);
    CHECK(as<cmd::AddService>("-A -t www.example.com:http -p -M mask24", ctx).svc.netmask == 0xffffff00u);
    // Service names go by the service's protocol: "http" is tcp-only here.
    auto u = parse_ipvsadm(words("-A -u www.example.com:http"), ctx);
    REQUIRE_FALSE(u.ok());
    CHECK(u.error().err == "illegal virtual server address[:port] specified\n");
    // Without a resolver a name fails as an unknown name fails in ipvsadm.
    auto none = parse_ipvsadm(words("-A -t www.example.com:80"));
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().status == 2);
    CHECK(none.error().err == "illegal virtual server address[:port] specified\n");
    auto port = parse_ipvsadm(words("-A -t 10.0.0.1:http"));
    REQUIRE_FALSE(port.ok());
    CHECK(port.error().err == "illegal virtual server address[:port] specified\n");
}
