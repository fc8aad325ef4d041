#include "tapvs/io/replay.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "tapvs/core/engine.hpp"
#include "tapvs/ctl/config.hpp"
#include "tapvs/ctl/execute.hpp"
#include "tapvs/ctl/ipvs_text.hpp"
#include "tapvs/io/pcap_file.hpp"
#include "tapvs/net/frame_buf.hpp"

namespace tapvs::io {

namespace {

struct Input {
    core::PortId port;
    std::unique_ptr<PcapReader> reader;
    std::vector<std::uint8_t> storage;
    PcapRecord rec;
    bool live = false;
};

// Frames the director sends, written to <out>/<port>.pcap with the time of the frame that caused them.
class PcapSink final : public core::PacketSink {
public:
    std::map<core::PortId, std::unique_ptr<PcapWriter>> writers;
    core::Timestamp now;
    std::uint64_t frames = 0;
    void emit(core::PortId port, net::ConstBytes frame) override {
        ++frames;
        auto it = writers.find(port);
        if (it != writers.end()) it->second->write(now, frame);
    }
};

struct Decision {
    core::Timestamp t;
    core::SchedPacket pkt;
    std::string sched;
    std::string rs;
    std::string method;
    bool persistent = false;
};

class Recorder final : public core::EngineObserver {
public:
    std::vector<Decision> decisions;
    void on_schedule(const core::SchedPacket& p, const core::Decision& d, core::Timestamp t) override {
        Decision x;
        x.t = t;
        x.pkt = p;
        x.sched = d.svc ? d.svc->sched_name : "?";
        x.rs = d.dest ? d.dest->endpoint().to_string() : "-";
        x.method = d.dest ? core::fwd_trace_name(d.dest->fwd) : "-";
        x.persistent = d.persistent;
        decisions.push_back(std::move(x));
    }
};

std::string read_file(const std::string& path, bool& ok) {
    std::ifstream f(path, std::ios::binary);
    ok = static_cast<bool>(f);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

int run_replay(const ReplayOptions& opts, std::ostream& out, std::ostream& err) {
    bool ok = false;
    const std::string text = read_file(opts.config, ok);
    if (!ok) {
        err << "tapvs replay: cannot read " << opts.config << "\n";
        return 1;
    }
    auto parsed = ctl::parse_config(text, opts.config);
    if (!parsed) {
        err << parsed.error().to_string() << "\n";
        return parsed.error().status ? parsed.error().status : 1;
    }
    if (opts.ports.empty()) {
        err << "tapvs replay: no capture given\n";
        return 1;
    }

    core::EngineConfig cfg;
    cfg.ipvs.seed = opts.seed;
    core::Engine engine(cfg);
    Recorder recorder;
    engine.set_observer(&recorder);
    PcapSink sink;

    std::vector<Input> inputs;
    for (const auto& [name, path] : opts.ports) {
        auto r = PcapReader::open(path);
        if (!r) {
            err << "tapvs replay: " << r.error() << "\n";
            return 1;
        }
        Input in;
        in.port = engine.host().port_id(name);
        in.reader = std::move(r.value());
        inputs.push_back(std::move(in));
    }
    if (!opts.out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(opts.out_dir, ec);
        if (ec) {
            err << "tapvs replay: " << opts.out_dir << ": " << ec.message() << "\n";
            return 1;
        }
    }
    for (auto& in : inputs) in.live = in.reader->next(in.storage, net::kFrameHeadroom, in.rec);

    // The capture's first timestamp is "time 0" of the configuration (timed lines are relative to it).
    core::Timestamp start{};
    bool have_start = false;
    for (const auto& in : inputs)
        if (in.live && (!have_start || in.rec.ts < start)) start = in.rec.ts, have_start = true;

    std::vector<const ctl::ConfigLine*> timed;
    for (const auto& line : parsed.value()) {
        if (line.at) {
            timed.push_back(&line);
            continue;
        }
        ctl::Reply r = ctl::execute(engine, line.cmd, start);
        if (r.status != 0) {
            err << fmt::format("{}:{}: {}", opts.config, line.line, r.err);
            return r.status;
        }
    }
    // Output files once the configuration named the ports.
    if (!opts.out_dir.empty())
        for (std::size_t p = 0; p < engine.host().ports().size(); ++p) {
            const auto& port = engine.host().port(static_cast<core::PortId>(p));
            if (port.loopback) continue;
            auto w = PcapWriter::open((std::filesystem::path(opts.out_dir) / (port.name + ".pcap")).string());
            if (!w) {
                err << "tapvs replay: " << w.error() << "\n";
                return 1;
            }
            sink.writers[static_cast<core::PortId>(p)] = std::move(w.value());
        }

    std::size_t next_timed = 0;
    std::uint64_t frames_in = 0;
    core::Timestamp now = start;
    for (;;) {
        Input* in = nullptr;
        for (auto& i : inputs)
            if (i.live && (!in || i.rec.ts < in->rec.ts)) in = &i;
        if (!in) break;
        now = in->rec.ts;
        while (next_timed < timed.size() &&
               start + core::Duration{static_cast<std::int64_t>(*timed[next_timed]->at * 1e9)} <= now) {
            const auto* line = timed[next_timed++];
            const core::Timestamp at = start + core::Duration{static_cast<std::int64_t>(*line->at * 1e9)};
            sink.now = at;
            engine.expire(at, sink);
            ctl::Reply r = ctl::execute(engine, line->cmd, at);
            if (r.status != 0) err << fmt::format("{}:{}: {}", opts.config, line->line, r.err);
        }
        sink.now = now;
        net::FrameBuf buf{net::Bytes{in->storage}, net::kFrameHeadroom, in->rec.caplen};
        engine.handle(in->port, buf, now, sink);
        ++frames_in;
        in->live = in->reader->next(in->storage, net::kFrameHeadroom, in->rec);
        if (!in->live && !in->reader->error().empty()) err << "tapvs replay: " << in->reader->error() << "\n";
    }
    sink.now = now;
    engine.expire(now, sink);

    // The summary.
    out << fmt::format("tapvs replay: {} frames in, {} out, {} dropped\n", frames_in, sink.frames,
                       engine.stats().drop_total());
    out << "\nNew connections (time since the first frame, client -> virtual service => real server):\n";
    for (const auto& d : recorder.decisions) {
        const double t = std::chrono::duration<double>(d.t - start).count();
        out << fmt::format("  {:10.6f}  {} {:<21} -> {:<21} {:<5} => {}{}{}\n", t, core::proto_name(d.pkt.protocol),
                           net::Endpoint{d.pkt.saddr, d.pkt.sport}.to_string(),
                           net::Endpoint{d.pkt.daddr, d.pkt.dport}.to_string(), d.sched, d.rs,
                           d.rs == "-" ? " (no real server available)" : " (" + d.method + ")",
                           d.persistent ? " [persistence template]" : "");
    }
    bool any_drop = false;
    for (std::size_t r = 0; r < net::kDropReasonCount; ++r) {
        const auto n = engine.stats().drops[r];
        if (!n) continue;
        if (!any_drop) out << "\nDropped frames:\n";
        any_drop = true;
        out << fmt::format("  {:>8}  {:<24} {}\n", n, net::drop_reason_name(static_cast<net::DropReason>(r)),
                           net::drop_reason_text(static_cast<net::DropReason>(r)));
    }
    ctl::cmd::List list;
    list.opts.numeric = true;
    out << "\nipvsadm -L -n at the end of the capture:\n" << ctl::format_list(engine.ipvs(), list, now);
    list.opts.stats = true;
    out << "\nipvsadm -L -n --stats:\n" << ctl::format_list(engine.ipvs(), list, now);
    for (auto& [p, w] : sink.writers) w->flush();
    return 0;
}

}  // namespace tapvs::io
