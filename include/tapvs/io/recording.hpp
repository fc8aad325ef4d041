// A recording: what a run of the director leaves in a directory, and the one place its format is
// defined. tapvs run --record and tapvs replay --out write it (io::Director); tapvs lab, the grader
// and the report read it.
//
//   DIR/<port>.pcap      frames the director sent on the port, stamped with the time of their cause
//   DIR/<port>.in.pcap   frames it received on the port, stamped at arrival         (tapvs run only)
//   DIR/trace.jsonl      every decision (trace.hpp; the contract is docs/trace.md)
//   DIR/director.conf    the configuration file as given, then the control socket's commands as
//                        timed lines, so that tapvs replay makes the same decisions  (tapvs run only)
//   DIR/recording.json   the manifest: the epoch, the seed, the ports and their files (tapvs run only)
//
// The manifest (docs/trace.md, "The recording"):
//   {"recording":1,"tapvs":"0.1.0","epoch_us":1767225601000000,"seed":1,"config":"director.conf",
//    "trace":"trace.jsonl","ports":[{"name":"eth0","sent":"eth0.pcap","received":"eth0.in.pcap"}]}
// `epoch_us` is the run's start in microseconds since 1970: the configuration's clock zero, what
// `tapvs replay --epoch` takes. File names are relative to DIR.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/core/engine.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::io {

class PcapWriter;
class TraceWriter;

namespace recording {

inline constexpr int kVersion = 1;                        // the manifest's "recording"
inline constexpr std::string_view kTraceFile = "trace.jsonl";
inline constexpr std::string_view kConfigFile = "director.conf";
inline constexpr std::string_view kManifestFile = "recording.json";
std::string sent_file(std::string_view port);      // "eth0.pcap"
std::string received_file(std::string_view port);  // "eth0.in.pcap"

// "SECONDS.MICROS" with exactly six decimals, as --epoch takes it ("1767225601.000000"); also a
// timed line's seconds after the epoch ("@1.500000"). `us` is not negative.
std::string epoch_text(std::int64_t epoch_us);

struct PortFiles {
    std::string name;      // the engine's port name
    std::string sent;      // sent_file(name)
    std::string received;  // received_file(name)
    friend bool operator==(const PortFiles&, const PortFiles&) = default;
};

struct Manifest {
    int version = kVersion;
    std::string tapvs;          // the writer's version
    std::int64_t epoch_us = 0;  // the run's start: the configuration's clock zero
    std::uint64_t seed = 1;     // the twos scheduler's seed
    std::string config = std::string(kConfigFile);
    std::string trace = std::string(kTraceFile);
    std::vector<PortFiles> ports;
    friend bool operator==(const Manifest&, const Manifest&) = default;
};

std::string to_json(const Manifest& m);  // one line, newline-terminated
// The manifest of the recording in `dir`; a missing file, bad JSON, a missing or mistyped field or
// another version is an error naming the file.
Result<Manifest, std::string> read_manifest(const std::filesystem::path& dir);

}  // namespace recording

// The files of one recording, open while it runs. Thin: it writes what it is handed.
class Recording {
public:
    struct Options {
        std::string dir;            // created if missing
        bool received = false;      // also <port>.in.pcap (tapvs run: what arrived on each TAP)
        bool replayable = false;    // director.conf and recording.json at finish() (tapvs run)
        core::Timestamp start;      // the trace's time 0 and the manifest's epoch
        std::uint64_t seed = 1;
        std::string config;         // the configuration file's name as given (the trace header's "config")
    };
    // Opens <port>.pcap (and <port>.in.pcap) for every port of `host` but the loopback, and the
    // trace, whose header names the ports as they stand. Errors name the file.
    static Result<std::unique_ptr<Recording>, std::string> open(const Options& o, const core::Host& host);
    ~Recording();
    Recording(const Recording&) = delete;
    Recording& operator=(const Recording&) = delete;

    void sent(core::PortId port, core::Timestamp t, net::ConstBytes frame);
    void received(core::PortId port, core::Timestamp t, net::ConstBytes frame);
    core::EngineObserver& trace() noexcept;
    const std::string& dir() const noexcept { return o_.dir; }

    // Flushes and closes every file; with `replayable`, writes director.conf (`config_text`, the
    // configuration as given, then `timed_lines`) and recording.json. Returns the replay command
    // line (empty without `replayable`), or an error naming the file.
    Result<std::string, std::string> finish(std::string_view config_text, const std::vector<std::string>& timed_lines);

private:
    explicit Recording(Options o);
    struct Port {
        core::PortId id = core::kNoPort;
        std::string name;
        std::unique_ptr<PcapWriter> sent, received;
        bool recorded_received = false;  // received is (or was) written
    };
    Options o_;
    std::vector<Port> ports_;       // by PortId (a loopback's slot has no writers)
    std::unique_ptr<std::ofstream> trace_file_;
    std::unique_ptr<TraceWriter> trace_;
};

}  // namespace tapvs::io
