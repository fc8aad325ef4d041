// tapvs lab replay OUT/NAME --step N (runner.hpp): a recorded step through `tapvs replay`, its
// scheduling decisions compared with the live ones.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "tapvs/io/pcap_file.hpp"
#include "tapvs/io/recording.hpp"
#include "tapvs/io/replay.hpp"
#include "tapvs/io/trace_read.hpp"
#include "tapvs/lab/capture_facts.hpp"
#include "tapvs/lab/runner.hpp"

namespace tapvs::lab {

namespace fs = std::filesystem;

namespace {

// The schedule lines of a trace from `from` on, as written: compared byte for byte.
std::vector<std::string> schedule_lines(const std::string& trace, core::Timestamp from) {
    std::vector<std::string> v;
    std::ifstream in(trace);
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);) {
        const auto e = io::parse_trace_line(l, ++n);
        if (e && e.value().kind == io::TraceEventKind::schedule && e.value().t >= from) v.push_back(l);
    }
    return v;
}

// When a capture's first frame was taken (none: nullopt).
std::optional<core::Timestamp> first_frame(const std::string& pcap) {
    auto r = io::PcapReader::open(pcap);
    std::vector<std::uint8_t> storage;
    io::PcapRecord rec;
    if (!r || !r.value()->next(storage, 0, rec)) return std::nullopt;
    return rec.ts;
}

}  // namespace

int replay_step(const std::string& recorded, int step, std::ostream& out, std::ostream& err) {
    const fs::path root(recorded);
    const fs::path dir = root / fmt::format("step-{}", step);
    auto manifest = io::recording::read_manifest(dir);
    if (!manifest) {
        err << "tapvs lab replay: " << manifest.error() << " (was step " << step << " recorded?)\n";
        return 1;
    }
    const std::string epoch = io::recording::epoch_text(manifest->epoch_us);
    io::ReplayOptions o;
    o.config = (dir / manifest->config).string();
    o.epoch_us = manifest->epoch_us;
    o.seed = manifest->seed;
    // The director's inputs from the lab's start: the connection table, the schedulers' positions and
    // the persistence templates of a step are made by the steps before it.
    std::vector<std::string> ports;  // by name: the captures' order breaks ties between equal times
    for (const auto& p : manifest->ports) ports.push_back(p.name);
    std::sort(ports.begin(), ports.end());
    std::optional<core::Timestamp> from;  // the step's first input
    std::string cmd = fmt::format("tapvs replay --config {} --epoch {}", o.config, epoch);
    for (int k = 1; k <= step; ++k)
        for (const auto& p : ports) {
            const fs::path f = root / fmt::format("step-{}", k) / io::recording::received_file(p);
            if (!fs::exists(f)) continue;
            o.ports.emplace_back(p, f.string());
            cmd += fmt::format(" --port {}={}", p, f.string());
            if (const auto t = k == step ? first_frame(f.string()) : std::nullopt; t && (!from || *t < *from)) from = t;
        }
    o.out_dir = (dir / "replay").string();
    o.quiet = true;
    std::ostringstream summary;
    cmd += " --out " + o.out_dir;
    out << "== " << cmd << "\n";
    if (int rc = io::run_replay(o, summary, err)) return rc;
    const core::Timestamp since = from.value_or(core::Timestamp{core::Duration::max()});
    const auto live = schedule_lines((dir / manifest->trace).string(), since);
    const auto replayed = schedule_lines((dir / "replay" / io::recording::kTraceFile).string(), since);
    if (live == replayed) {
        out << fmt::format("step {}: {} scheduling decisions, identical to the live run's\n", step, live.size());
        return 0;
    }
    out << fmt::format("step {}: the replay decided differently ({} live decisions, {} replayed)\n", step, live.size(),
                       replayed.size());
    for (std::size_t i = 0; i < std::max(live.size(), replayed.size()); ++i) {
        const std::string a = i < live.size() ? live[i] : "(none)", b = i < replayed.size() ? replayed[i] : "(none)";
        if (a != b) out << "  live:   " << a << "\n  replay: " << b << "\n";
    }
    return 1;
}

}  // namespace tapvs::lab
