// The JSON files of a lab run's recording, as structs that write and read themselves: lab.json
// (the lab, its topology as it ran, how far the run went) and step-N/step.json (each line of the
// step and what it did). The runner writes them; the report and the grader read them. Reading is
// tolerant: a missing or mistyped field reads as its default, so a hand-edited file is no throw.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tapvs/lab/lab_file.hpp"

namespace tapvs::lab {

// What one line of a step did, for the terminal, step.json and the report.
struct ItemRecord {
    Item::Kind kind = Item::Kind::command;
    std::string host, text;
    int status = 0;            // command
    std::string out, err;      // command output; check: what was seen
    bool ok = true;
    std::vector<std::string> causes;  // a failed check: the likely causes found
    std::vector<std::string> served;  // http: the real server of each request, in order
    // command: done (exit 0), error, or, for a graded submission's line, skipped or rejected
    std::string outcome;
    std::string reason, source;  // why it was skipped or rejected; where it was written
    std::vector<std::string> ran;  // what was done: the argv run, the words sent to the director, the file written
};

// step-N/step.json
struct StepJson {
    int n = 0;  // "step"
    std::string title, about;
    bool ok = true;            // until a line fails (read: false when the file does not say)
    bool interrupted = false;  // Ctrl-C (or the grader's time limit) before its last line ran
    double t0 = 0, t1 = 0;     // seconds since 1970
    std::string ipvsadm;       // ipvsadm -L -n at the end of the step
    std::vector<ItemRecord> items;
};

// lab.json
struct LabJson {
    struct Port {
        std::string port, segment, mac;
    };
    struct Iface {
        std::string name, segment, addr, mac;
    };
    struct Host {
        std::string name;
        bool fresh = false;  // started as a fresh machine: the submission's lines set its address
        std::vector<Iface> ifaces;
    };
    std::string lab, title, about;
    int steps_total = 0, steps_run = 0;
    int steps_asked = 0;  // --step N: N, else every step
    bool ok = false;
    std::map<std::string, std::string> ipip;  // host -> "kernel" or "userspace": who decapsulates
    std::vector<Port> director;
    std::vector<Host> hosts;
};

// "command", "expect", "check", "open"
const char* kind_name(Item::Kind k) noexcept;

nlohmann::json to_json(const ItemRecord& r);
nlohmann::json to_json(const StepJson& s);
nlohmann::json to_json(const LabJson& l);
ItemRecord item_from_json(const nlohmann::json& j);
StepJson step_from_json(const nlohmann::json& j);
LabJson lab_from_json(const nlohmann::json& j);

// The file, written as the runner writes it (two-space indent, a final newline); false when it
// cannot be written.
bool write_json(const std::filesystem::path& p, const nlohmann::json& j);
// The file read; nullopt when it cannot be read or is not JSON (`error`, if given, says which).
std::optional<StepJson> read_step_json(const std::filesystem::path& p, std::string* error = nullptr);
std::optional<LabJson> read_lab_json(const std::filesystem::path& p, std::string* error = nullptr);

}  // namespace tapvs::lab
