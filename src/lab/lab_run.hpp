// The state of one `tapvs lab run` (runner.cpp: the flow and the commands; checks.cpp: the checks
// and the diagnosis of a failed one). Internal to src/lab.
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tapvs/ctl/command.hpp"
#include "tapvs/lab/capture_facts.hpp"
#include "tapvs/lab/lab_file.hpp"
#include "tapvs/lab/proc.hpp"
#include "tapvs/lab/record.hpp"
#include "tapvs/lab/runner.hpp"
#include "tapvs/lab/topology.hpp"

namespace tapvs::lab {

// Terminal colour, off when not a terminal.
struct Palette {
    bool on = false;
    std::string wrap(const char* code, const std::string& s) const { return on ? "\033[" + std::string(code) + "m" + s + "\033[0m" : s; }
    std::string bold(const std::string& s) const { return wrap("1", s); }
    std::string dim(const std::string& s) const { return wrap("2", s); }
    std::string green(const std::string& s) const { return wrap("32", s); }
    std::string red(const std::string& s) const { return wrap("31", s); }
    std::string yellow(const std::string& s) const { return wrap("33", s); }
    std::string cyan(const std::string& s) const { return wrap("36", s); }
};

// A step as it runs: what step.json will say, and where it is recorded.
struct StepRecord : StepJson {
    const Step* step = nullptr;
    std::string dir;
};

struct OpenConn {
    std::unique_ptr<Process> proc;
    std::string first;  // the real server that answered the first request
};

class LabRun {
public:
    LabRun(const Lab& lab, const RunOptions& o, std::ostream& out, std::ostream& err);
    int go();

    // checks.cpp
    void check(const Item& it, ItemRecord& r, StepRecord& s);         // ran during the step
    void check_deferred(const Item& it, ItemRecord& r, StepRecord& s);  // after the step's captures closed
    void diagnose(const Item& it, ItemRecord& r, const StepRecord& s);
    void open_connection(const Item& it, ItemRecord& r);

private:
    bool setup();
    bool start_servers();
    bool start_director();
    bool run_step(std::size_t i);
    void command(const Item& it, ItemRecord& r);
    ctl::Reply director_call(const std::vector<std::string>& words);
    void start_captures(const StepRecord& s);
    void stop_captures();
    void write_step_json(const StepRecord& s);
    void write_lab_json();
    void print_keep_help();
    void print_item(const ItemRecord& r);

    Interruption interrupt_;  // Ctrl-C (SIGINT) or SIGTERM: the run stops after the line under way
    const Lab& lab_;
    RunOptions o_;
    std::ostream& out_;
    std::ostream& err_;
    Palette c_;
    std::string self_;
    std::string out_dir_;  // OUT/NAME
    std::unique_ptr<Topology> topo_;
    std::map<std::string, std::string> ipip_mode_;  // host -> "kernel" | "userspace"
    std::map<std::string, OpenConn> open_;
    std::vector<StepRecord> steps_;
    std::vector<std::unique_ptr<Process>> captures_;

    // Helpers for checks and the diagnosis.
    std::map<std::string, std::string> mac_names() const;  // MAC -> "rs1 (eth0)", "director (eth1)"
    std::vector<FrameFact> facts(const StepRecord& s, const std::string& file) const;
    std::string read_sys(const std::string& host, const std::string& key) const;  // net.ipv4... -> value or "?"
    std::string ip_out(const std::string& host, std::vector<std::string> args) const;
    std::vector<std::string> lab_addresses() const;  // every address the lab's host lines give
    // checks.cpp: the likely causes of a failed traffic check (http, again, bypass, through, tunnel)
    void diagnose_traffic(const Item& it, ItemRecord& r, const StepRecord& s);
};

}  // namespace tapvs::lab
