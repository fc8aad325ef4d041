// A lab, read from labs/NAME/lab.conf: its topology, its steps, the commands of each step and
// what each step checks. Data only, so a teacher writes a lab without C++; labs/README.md is the
// format's reference. Reading it is pure: nothing is run, and every mistake names its line.
#pragma once

#include <optional>
#include <string>
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

// What a step checks (`check KIND ARGS...`; labs/README.md lists them).
struct Check {
    std::string kind;               // ping, http, arp, bypass, tunnel, again
    std::vector<std::string> args;  // the words after the kind
    int line = 0;
    std::string text;               // the line as written, for the output and the report
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
    std::string name, target;        // open: the connection's name and ADDR[:PORT]
};

struct Step {
    std::string title;
    std::string about;  // `about` lines, joined with spaces
    std::vector<Item> items;
    int line = 0;
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

    const Host* host(const std::string& name) const;
    const DirectorPort* director_port(const std::string& name) const;
};

struct LabError {
    std::string file;
    int line = 0;
    std::string message;
    std::string to_string() const;  // FILE:LINE: MESSAGE
};

// Reads the text of a lab.conf (`file` and `dir` name it in errors and in the Lab).
Result<Lab, LabError> parse_lab(const std::string& text, const std::string& name, const std::string& dir,
                                const std::string& file);

// Reads DIR/lab.conf.
Result<Lab, LabError> load_lab(const std::string& dir);

}  // namespace tapvs::lab
