// tapvs replay: captures fed through the director (io::Director, director.hpp), in timestamp order,
// the capture's timestamps being the only clock; --compare runs it once per scheduler and --timing
// again from memory. The same inputs give the same outputs, byte for byte
// (tests/golden/replay_outputs.sha256).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tapvs::io {

struct ReplayOptions {
    std::string config;                                      // the director's configuration file
    std::vector<std::pair<std::string, std::string>> ports;  // port name -> capture file
    std::string out_dir;              // <port>.pcap and trace.jsonl go here ("" = none)
    std::uint64_t seed = 1;           // twos's generator
    std::vector<double> at;           // --at: print the connection table at these times (s after the first frame)
    bool list_at = false;             // --list-at: print when the table changed, to pick an --at
    std::vector<std::string> compare; // --compare: run once per scheduler and compare
    std::string plot;                 // --plot: the comparison as an SVG chart
    bool quiet = false;               // no per-connection lines in the summary
    bool timing = false;              // --timing: frames per second on stderr, with and without file I/O
    // --epoch: the configuration's clock zero, in microseconds since 1970 (a recording's start, which
    // `tapvs run --record` writes in DIR/director.conf): the plain lines run then and `@T` lines T
    // seconds later. Unset: the first frame's time.
    std::optional<std::int64_t> epoch_us;
};

// "SECONDS[.FRACTION]" (at most 6 fraction digits) to microseconds, exactly; nullopt if malformed.
std::optional<std::int64_t> parse_epoch(std::string_view text);

// Runs a replay, printing its summary on `out` and problems on `err`; returns the exit status.
int run_replay(const ReplayOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace tapvs::io
