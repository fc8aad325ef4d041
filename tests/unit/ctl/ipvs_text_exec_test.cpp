// What execute_ipvsadm() answers: the kernel's errors through libipvs's ipvs_strerror() table
// (keyed by the libipvs function the command calls), -L of a missing service, sync daemons,
// help and version, and `ipvsadm -R` streams including the -S | -R round trip.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "tapvs/ctl/ipvs_text.hpp"

using namespace tapvs;
using namespace tapvs::ctl;

namespace {

// `ipvsadm -h` and `/usr/sbin/ipvsadm -h`, as the real ipvsadm 1.31 prints them.
const std::string kUsage = R"(ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)
Usage:
  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]
  ipvsadm -D virtual-service
  ipvsadm -C
  ipvsadm -R
  ipvsadm -S [-n]
  ipvsadm -a|e virtual-service -r server-address [options]
  ipvsadm -d virtual-service -r server-address
  ipvsadm -L|l [virtual-service] [options]
  ipvsadm -Z [virtual-service]
  ipvsadm --set tcp tcpfin udp
  ipvsadm --start-daemon {master|backup} [daemon-options]
  ipvsadm --stop-daemon {master|backup}
  ipvsadm -h

Commands:
Either long or short options are allowed.
  --add-service     -A        add virtual service with options
  --edit-service    -E        edit virtual service with options
  --delete-service  -D        delete virtual service
  --clear           -C        clear the whole table
  --restore         -R        restore rules from stdin
  --save            -S        save rules to stdout
  --add-server      -a        add real server with options
  --edit-server     -e        edit real server with options
  --delete-server   -d        delete real server
  --list            -L|-l     list the table
  --zero            -Z        zero counters in a service or all services
  --set tcp tcpfin udp        set connection timeout values
  --start-daemon              start connection sync daemon
  --stop-daemon               stop connection sync daemon
  --help            -h        display this help message

virtual-service:
  --tcp-service|-t  service-address   service-address is host[:port]
  --udp-service|-u  service-address   service-address is host[:port]
  --sctp-service    service-address   service-address is host[:port]
  --fwmark-service|-f fwmark          fwmark is an integer greater than zero

Options:
  --ipv6         -6                   fwmark entry uses IPv6
  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,
                                      the default scheduler is wlc.
  --pe            engine              alternate persistence engine may be sip,
                                      not set by default.
  --persistent   -p [timeout]         persistent service
  --netmask      -M netmask           persistent granularity mask
  --real-server  -r server-address    server-address is host (and port)
  --gatewaying   -g                   gatewaying (direct routing) (default)
  --ipip         -i                   ipip encapsulation (tunneling)
  --masquerading -m                   masquerading (NAT)
  --tun-type      type                one of ipip|gue|gre,
                                      the default tunnel type is ipip.
  --tun-port      port                tunnel destination port
  --tun-nocsum                        tunnel encapsulation without checksum
  --tun-csum                          tunnel encapsulation with checksum
  --tun-remcsum                       tunnel encapsulation with remote checksum
  --weight       -w weight            capacity of real server
  --u-threshold  -x uthreshold        upper threshold of connections
  --l-threshold  -y lthreshold        lower threshold of connections
  --connection   -c                   output of current IPVS connections
  --timeout                           output of timeout (tcp tcpfin udp)
  --daemon                            output of daemon information
  --stats                             output of statistics information
  --rate                              output of rate information
  --exact                             expand numbers (display exact values)
  --thresholds                        output of thresholds information
  --persistent-conn                   output of persistent connection info
  --tun-info                          output of tunnel information
  --nosort                            disable sorting output of service/server entries
  --sort                              does nothing, for backwards compatibility
  --ops          -o                   one-packet scheduling
  --numeric      -n                   numeric output of addresses and ports
  --sched-flags  -b flags             scheduler flags (comma-separated)
Daemon Options:
  --syncid sid                        syncid for connection sync (default=255)
  --sync-maxlen length                Max sync message length (default=1472)
  --mcast-interface interface         multicast interface for connection sync
  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)
  --mcast-port port                   UDP port (default=8848)
  --mcast-ttl ttl                     Multicast TTL (default=1)
)";
// The same text with the program name ipvsadm prints from argv[0].
std::string with_program(std::string text, const std::string& program) {
    const std::string from = "\n  ipvsadm ", to = "\n  " + program + " ";
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}
const std::string kUsageAbs = with_program(kUsage, "/usr/sbin/ipvsadm");

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string s; in >> s;) w.push_back(s);
    return w;
}

struct Director {
    core::Ipvs ipvs;
    core::Timestamp now{};
    IpvsadmContext ctx;

    Reply run(const std::string& line) {
        auto p = parse_ipvsadm(words(line), ctx);
        if (!p.ok()) return p.error();
        return execute_ipvsadm(ipvs, p.value(), now, ctx);
    }
    void must(const std::string& line) {
        Reply r = run(line);
        INFO("ipvsadm " << line << " -> " << r.status << " " << r.err);
        REQUIRE(r.status == 0);
    }
};

void check_error(Director& d, const std::string& line, int status, const std::string& err) {
    INFO("ipvsadm " << line);
    Reply r = d.run(line);
    CHECK(r.status == status);
    CHECK(r.err == err);
    CHECK(r.out.empty());
}

Command parsed(const std::string& line) {
    auto p = parse_ipvsadm(words(line));
    REQUIRE(p.ok());
    return p.value();
}

}  // namespace

TEST_CASE("execute_ipvsadm: kernel errors as ipvsadm prints them, status 255", "[ipvs_text][errors]") {
    Director d;
    d.must("-A -t 10.0.0.1:80");
    d.must("-a -t 10.0.0.1:80 -r 192.168.1.1");
    check_error(d, "-A -t 10.0.0.1:80", 255, "Service already exists\n");
    check_error(d, "-A -t 10.0.0.2:80 -s nosuch", 255, "Scheduler or persistence engine not found\n");
    check_error(d, "-E -t 10.0.0.9:80", 255, "No such service\n");
    check_error(d, "-E -t 10.0.0.1:80 -s nosuch", 255, "Scheduler or persistence engine not found\n");
    check_error(d, "-D -t 10.0.0.9:80", 255, "No such service\n");
    check_error(d, "-Z -t 10.0.0.9:80", 255, "No such service\n");
    check_error(d, "-a -t 10.0.0.9:80 -r 192.168.1.1", 255, "Service not defined\n");
    check_error(d, "-e -t 10.0.0.9:80 -r 192.168.1.1", 255, "Service not defined\n");
    check_error(d, "-d -t 10.0.0.9:80 -r 192.168.1.1", 255, "Service not defined\n");
    check_error(d, "-a -t 10.0.0.1:80 -r 192.168.1.1", 255, "Destination already exists\n");
    check_error(d, "-e -t 10.0.0.1:80 -r 192.168.1.2", 255, "No such destination\n");
    check_error(d, "-d -t 10.0.0.1:80 -r 192.168.1.2", 255, "No such destination\n");
    // -y without -x: l_threshold > u_threshold, ERANGE, which libipvs leaves to strerror().
    check_error(d, "-a -t 10.0.0.1:80 -r 192.168.1.3 -y 5", 255, "Numerical result out of range\n");
    check_error(d, "-e -t 10.0.0.1:80 -r 192.168.1.1 -x 5 -y 6", 255, "Numerical result out of range\n");
    // A multicast real server: EINVAL, libipvs's catch-all text.
    check_error(d, "-a -t 10.0.0.1:80 -r 224.0.0.1", 255,
                "Invalid operation.  Possibly wrong module version, address not unicast, ...\n");
    // A listing of a service that does not exist: list_service() exits 1.
    check_error(d, "-L -n -t 10.0.0.9:80", 1, "No such service\n");
    // Still there, unchanged.
    CHECK(d.run("-S -n").out == "-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 192.168.1.1:80 -g -w 1\n");
}

TEST_CASE("execute_ipvsadm: successful commands print nothing", "[ipvs_text][errors]") {
    Director d;
    for (const char* line : {"-A -t 10.0.0.1:80", "-E -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.1",
                             "-e -t 10.0.0.1:80 -r 192.168.1.1 -w 3", "-Z", "-Z -t 10.0.0.1:80", "--set 1 2 3",
                             "-d -t 10.0.0.1:80 -r 192.168.1.1", "-D -t 10.0.0.1:80", "-C"}) {
        INFO("ipvsadm " << line);
        Reply r = d.run(line);
        CHECK(r.status == 0);
        CHECK(r.out.empty());
        CHECK(r.err.empty());
    }
}

TEST_CASE("ipvs_strerror: the message depends on the function, then on the errno", "[ipvs_text][errors]") {
    using E = core::IpvsErr;
    CHECK(ipvs_strerror(parsed("-E -t 1.2.3.4:80"), E::srch) == "No such service");
    CHECK(ipvs_strerror(parsed("-a -t 1.2.3.4:80 -r 5.6.7.8"), E::srch) == "Service not defined");
    CHECK(ipvs_strerror(parsed("-A -t 1.2.3.4:80"), E::srch) == "No such process");
    CHECK(ipvs_strerror(parsed("-A -t 1.2.3.4:80"), E::noent) == "Scheduler or persistence engine not found");
    CHECK(ipvs_strerror(parsed("-D -t 1.2.3.4:80"), E::noent) == "No such file or directory");
    CHECK(ipvs_strerror(parsed("-d -t 1.2.3.4:80 -r 5.6.7.8"), E::exist) == "File exists");
    CHECK(ipvs_strerror(parsed("-L -t 1.2.3.4:80"), E::srch) == "No such service");
    CHECK(ipvs_strerror(parsed("-L"), E::srch) == "No such service");
    CHECK(ipvs_strerror(parsed("--start-daemon master"), E::exist) == "Daemon has already run");
    CHECK(ipvs_strerror(parsed("--stop-daemon master"), E::srch) == "No daemon is running");
    CHECK(ipvs_strerror(parsed("--start-daemon master"), E::srch) == "No such process");
    CHECK(ipvs_strerror(parsed("-C"), E::inval) ==
          "Invalid operation.  Possibly wrong module version, address not unicast, ...");
    CHECK(ipvs_strerror(parsed("--set 1 2 3"), E::busy) == "Device or resource busy");
    CHECK(ipvs_strerror(parsed("-A -t 1.2.3.4:80"), E::nosys) == "Function not implemented");
    CHECK(ipvs_strerror(parsed("-A -t 1.2.3.4:80"), E::range) == "Numerical result out of range");
}

TEST_CASE("execute_ipvsadm: sync daemons never start in tapvs", "[ipvs_text][errors]") {
    Director d;
    check_error(d, "--start-daemon master", 255, "No such device\n");
    check_error(d, "--start-daemon backup --mcast-interface eth1 --syncid 3", 255, "No such device\n");
    check_error(d, "--stop-daemon master", 255, "No daemon is running\n");
    CHECK(d.run("-L --daemon").out.empty());
}

TEST_CASE("execute_ipvsadm: -h prints the usage on stdout, -v the version", "[ipvs_text][usage]") {
    Director d;
    Reply h = d.run("-h");
    CHECK(h.status == 0);
    CHECK(h.err.empty());
    CHECK(h.out == kUsage);
    CHECK(d.run("--help -Z").out == kUsage);
    d.ctx.program = "/usr/sbin/ipvsadm";
    CHECK(d.run("-h").out == kUsageAbs);
    CHECK(ipvsadm_usage("/usr/sbin/ipvsadm") == kUsageAbs);
    Reply v = d.run("-v");
    CHECK(v.status == 0);
    CHECK(v.out == "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n");
    CHECK(d.run("--version").out == ipvsadm_version());
}

TEST_CASE("execute_ipvsadm: -R needs its input", "[ipvs_text][restore]") {
    Director d;
    Reply r = d.run("-R");
    CHECK(r.status == 255);
    CHECK_FALSE(r.err.empty());
    CHECK(r.out.empty());
}

TEST_CASE("ipvsadm -S | ipvsadm -R: the saved rules rebuild the same table", "[ipvs_text][restore]") {
    Director a;
    for (const char* line :
         {"-A -t 10.0.0.100:80 -s wlc", "-a -t 10.0.0.100:80 -r 192.168.1.1:80 -g -w 1 -x 100 -y 50",
          "-a -t 10.0.0.100:80 -r 192.168.1.2:80 -g -w 2", "-A -t 10.0.0.100:443 -s rr -p 360 -M 255.255.255.0",
          "-a -t 10.0.0.100:443 -r 192.168.1.1:8443 -m", "-a -t 10.0.0.100:443 -r 192.168.1.9:9443 -m -w 0",
          "-A -u 10.0.0.100:53 -s sh -o -b sh-fallback,sh-port", "-a -u 10.0.0.100:53 -r 192.168.1.1:53 -i",
          "-A -f 1 -s wlc -p 60", "-a -f 1 -r 192.168.1.1", "-a -f 1 -r 192.168.1.2:8080 -m -w 7",
          "-A -t 10.0.0.101:0 -s lc -p 100", "-A -u 10.0.0.102:123 -s mh -b mh-port"})
        a.must(line);
    std::string saved = a.run("-S -n").out;
    REQUIRE_FALSE(saved.empty());

    Director b;
    Reply r = execute_ipvsadm_restore(b.ipvs, saved, b.now);
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    CHECK(b.run("-S -n").out == saved);
    CHECK(b.run("-S").out == saved);
    // Thresholds are not saved: -L --thresholds tells the two tables apart.
    CHECK(a.run("-L -n --thresholds").out != b.run("-L -n --thresholds").out);
    CHECK(a.run("-L -n").out == b.run("-L -n").out);
}

TEST_CASE("ipvsadm -R: a saved fwmark of 2^31 or more does not restore (it was printed with %d)",
          "[ipvs_text][restore]") {
    Director a;
    a.must("-A -f 2415919104");
    a.must("-A -t 10.0.0.1:80");
    std::string saved = a.run("-S -n").out;
    CHECK(saved == "-A -f -1879048192 -s wlc\n-A -t 10.0.0.1:80 -s wlc\n");
    Director b;
    Reply r = execute_ipvsadm_restore(b.ipvs, saved, b.now);
    CHECK(r.status == 2);
    CHECK(r.err == "invalid fwmark value `-1879048192' specified\n");
    CHECK(b.ipvs.services().empty());  // fail() ended the stream at its first line
}

TEST_CASE("ipvsadm -R: kernel and popt errors go on, fail() and -h stop, the last line sets the status",
          "[ipvs_text][restore]") {
    SECTION("a kernel error is printed and the stream goes on") {
        Director d;
        Reply r = execute_ipvsadm_restore(d.ipvs, "-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\n", d.now);
        CHECK(r.err == "Service already exists\n");
        CHECK(r.status == 0);
        CHECK(d.ipvs.services().size() == 2);
    }
    SECTION("the status is the last line's") {
        Director d;
        Reply r = execute_ipvsadm_restore(d.ipvs, "-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n", d.now);
        CHECK(r.status == 255);
        Reply p = execute_ipvsadm_restore(d.ipvs, "-C\n-A --foo\n", d.now);
        CHECK(p.status == 255);
        CHECK(p.err == "--foo: unknown option\n");
        Reply q = execute_ipvsadm_restore(d.ipvs, "-A --foo\n-C\n", d.now);
        CHECK(q.status == 0);
    }
    SECTION("fail() ends the stream") {
        Director d;
        Reply r = execute_ipvsadm_restore(d.ipvs, "-A -t 10.0.0.1\n-A -t 10.0.0.2:80\n", d.now);
        CHECK(r.status == 2);
        CHECK(r.err == "Zero port specified for non-persistent service\n");
        CHECK(d.ipvs.services().empty());
    }
    SECTION("'#' is a word, not a comment: the line fails") {
        Director d;
        Reply r = execute_ipvsadm_restore(d.ipvs, "# rules\n-A -t 10.0.0.1:80\n", d.now);
        CHECK(r.status == 255);
        CHECK(r.err == "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
        CHECK(d.ipvs.services().empty());
    }
    SECTION("a nested -R, -h and -v end the stream") {
        Director d;
        Reply r = execute_ipvsadm_restore(d.ipvs, "-R\n-A -t 10.0.0.1:80\n", d.now);
        CHECK(r.status == 255);
        CHECK(r.err == "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
        Reply h = execute_ipvsadm_restore(d.ipvs, "-h\n-A -t 10.0.0.1:80\n", d.now);
        CHECK(h.status == 0);
        CHECK(h.out == kUsage);
        CHECK(d.ipvs.services().empty());
    }
    SECTION("listings go to stdout; a missing -L service exits 1") {
        Director d;
        Reply r = execute_ipvsadm_restore(d.ipvs, "ipvsadm -A -t 10.0.0.1:80\nipvsadm -L -n --timeout\n"
                                                  "-L -n -t 10.0.0.2:80\n-A -t 10.0.0.3:80\n", d.now);
        CHECK(r.out == "Timeout (tcp tcpfin udp): 900 120 300\n");
        CHECK(r.err == "No such service\n");
        CHECK(r.status == 1);
        CHECK(d.ipvs.services().size() == 1);
    }
}
