// A lab, read from labs/NAME/lab.conf: its topology, its steps, the commands of each step and
// what each step checks. Data only, so a teacher writes a lab without C++; labs/README.md is the
// format's reference. Reading it is pure: nothing is run, and every mistake names its line. Each
// check is read once, here, into a typed value (CheckSpec); the runner and the diagnosis read its fields.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tapvs/ctl/tokenize.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::lab {

// A broadcast segment (a bridge): `segment NAME [CIDR]`.
struct Segment {
    std::string name;
    std::string cidr;  // for the diagram and the text only
    int line = 0;
};

// One of the director's ports: `director PORT SEGMENT MAC`. The director (tapvs run) is given the
// MAC and nothing else: its addresses come from the steps, as in the guide.
struct DirectorPort {
    std::string name;  // eth0
    std::string segment;
    std::string mac;
    int line = 0;
};

// A host namespace's interface, with the address it starts with: `IFNAME SEGMENT ADDR/LEN`.
struct HostIface {
    std::string name;  // eth0
    std::string segment;
    std::string addr;  // 192.168.1.50/24
};

// `host NAME IFNAME SEGMENT ADDR/LEN [IFNAME SEGMENT ADDR/LEN]...`
struct Host {
    std::string name;
    std::vector<HostIface> ifaces;
    int line = 0;
};

// `web HOST... [shared DIR]`: tapvs's web server on :80 of each HOST, naming itself; each host has a
// page of its own, or with `shared` they all serve labs/NAME/DIR (the guide's NFS export).
struct Web {
    std::vector<std::string> hosts;
    std::string shared_dir;  // "" = a page per host
    int line = 0;
};

// `check service PROTO VIP:PORT SCHEDULER [-> RIP:PORT METHOD WEIGHT]...`: the virtual service as
// `ipvsadm -L -n` must list it (the real servers in any order), in the words it prints.
struct ServiceSpec {
    struct Real {
        std::string addr;    // 172.16.10.100:80
        std::string method;  // Masq, Route, Tunnel
        int weight = 1;
    };
    std::string proto;  // TCP, UDP
    std::string vip;    // 192.168.1.10:80
    std::string scheduler;
    std::vector<Real> reals;
};

// Where a check sends HTTP requests or opens a connection: ADDR[:PORT][/PATH].
struct HttpTarget {
    std::string addr;
    std::string port = "80";
    std::string path = "/";
    static HttpTarget parse(const std::string& text);
};

// The checks, one type each, read once when the lab loads (labs/README.md says what each does).
// `check ping HOST ADDR`: HOST pings ADDR.
struct PingCheck {
    std::string host, addr;
};
// `check arp HOST[:IF] ADDR`: the director alone answers HOST's ARP for ADDR.
struct ArpCheck {
    std::string host, iface;  // iface "": the host's first
    std::string addr;
};
// `check http HOST ADDR[:PORT][/PATH] COUNT PATTERN [NAMES] [upload BYTES]...`: COUNT requests from
// HOST, and which real server answered each fits the pattern.
struct HttpCheck {
    enum class Pattern { alternate, same, spread, only, order, counts, fails, any, tried };
    std::string host;
    HttpTarget target;
    int count = 0;
    Pattern pattern = Pattern::any;
    std::vector<std::string> names;      // only A,B: the allowed; order A,B,...: the cycle
    std::map<std::string, int> counts;   // counts A=N,B=M
    std::vector<std::string> uploads;    // the BYTES of each `upload BYTES`
};
// `check bypass HOST VIP` (DR, TUN: no reply from VIP to HOST passed the director) and `check
// through HOST VIP` (NAT: every one came from the director).
struct RepliesCheck {
    enum class Way { bypass, through } way = Way::through;
    std::string host, vip;
};
// `check tunnel HOST...`: each HOST received IP-in-IP packets from the director.
struct TunnelCheck {
    std::vector<std::string> hosts;
};
// `check again NAME same|fails`: the connection opened as NAME is answered by the same real server
// again, or no longer answered.
struct AgainCheck {
    std::string name;
    bool same = true;
};
using CheckSpec = std::variant<PingCheck, ArpCheck, HttpCheck, RepliesCheck, TunnelCheck, AgainCheck, ServiceSpec>;

// What a step checks (`check KIND ARGS...`).
struct Check {
    std::string kind;               // ping, http, arp, bypass, through, tunnel, again, service
    std::vector<std::string> args;  // the words after the kind, as written
    int line = 0;
    std::string text;               // the line as written, for the output and the report
    CheckSpec spec;                 // what the words say, read
    // bypass, through and tunnel read the step's captures: they are judged once the step ends.
    bool after_step() const noexcept {
        return std::holds_alternative<RepliesCheck>(spec) || std::holds_alternative<TunnelCheck>(spec);
    }
    template <class T>
    const T* as() const noexcept {
        return std::get_if<T>(&spec);
    }
};

// One line of a step, in order: a command for a host, an expectation on the previous command's
// output, a check, or a connection left open (`open NAME HOST ADDR[:PORT]`).
struct Item {
    enum class Kind { command, expect, check, open } kind = Kind::command;
    int line = 0;
    std::string host;                // command, open: where it runs ("director" or a host's name)
    std::vector<ctl::Word> words;    // command: the words after `HOST:`
    std::string text;                // the line as written (command: after `HOST: `; expect: the text)
    Check check;                     // check
    std::string name, target;        // open: the connection's name and ADDR[:PORT] as written
    HttpTarget open_at;              // open: the target, read
    // A line of a graded submission that is not run (grade/line_policy.hpp): skipped, as a line
    // that does nothing in the lab; rejected; or an error the tool gives it (`reason` is then its
    // message and `status` its exit status). `source` is where it was written ("alice.txt:12").
    enum class NotRun { no, skipped, rejected, error } not_run = NotRun::no;
    std::string reason, source;
    int status = 0;
};

struct Step {
    std::string title;
    std::string about;  // `about` lines, joined with spaces
    std::vector<Item> items;
    int line = 0;
};

// A graded test of the `grade` block: `test POINTS NAME` and its checks, all of which must pass.
struct Test {
    std::string name;
    int points = 0;
    std::string about;
    std::vector<Check> checks;
    int line = 0;
};

// What `tapvs grade` needs of a lab (the `grade` block, labs/README.md): the hosts the student
// configures (they start as fresh machines), what the lab's own hosts run before the student's
// lines, and the graded tests, in order.
struct Grade {
    int line = 0;  // 0: the lab has no grade block
    std::vector<std::string> student;  // "director", "rs1", ...
    std::vector<Item> setup;           // commands on the lab's own hosts
    std::vector<Test> tests;
    std::string about;
    int max_points() const;
    bool is_student(const std::string& host) const;
    const ServiceSpec* service() const;  // the first `check service` of the tests, if any
};

struct Lab {
    std::string name;   // the directory's name
    std::string dir;    // labs/NAME
    std::string title;
    std::string about;
    std::vector<Segment> segments;
    std::vector<DirectorPort> director;
    std::vector<Host> hosts;
    std::vector<Web> web;
    std::vector<std::string> ipip;  // hosts that end an IP-in-IP tunnel (`ipip HOST...`)
    std::vector<Step> steps;
    Grade grade;

    const Host* host(const std::string& name) const;
    const DirectorPort* director_port(const std::string& name) const;
};

struct LabError {
    std::string file;
    int line = 0;
    std::string message;
    std::string to_string() const;  // FILE:LINE: MESSAGE
};

// The programs a line for a host of the lab (not the director) may run in its namespace: the guide's
// host commands ip, ifconfig, route, sysctl, echo > /proc/sys/net/..., cat /proc/sys/net/...
bool is_host_program(std::string_view program);

// Reads the text of a lab.conf (`file` and `dir` name it in errors and in the Lab).
Result<Lab, LabError> parse_lab(const std::string& text, const std::string& name, const std::string& dir,
                                const std::string& file);

// Reads DIR/lab.conf.
Result<Lab, LabError> load_lab(const std::string& dir);

}  // namespace tapvs::lab
