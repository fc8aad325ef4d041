#include "tapvs/io/recording.hpp"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tapvs/io/pcap_file.hpp"
#include "tapvs/io/trace.hpp"

namespace tapvs::io {

namespace recording {

std::string sent_file(std::string_view port) { return fmt::format("{}.pcap", port); }
std::string received_file(std::string_view port) { return fmt::format("{}.in.pcap", port); }

std::string epoch_text(std::int64_t us) { return fmt::format("{}.{:06}", us / 1000000, us % 1000000); }

std::string to_json(const Manifest& m) {
    nlohmann::ordered_json j;
    j["recording"] = m.version;
    j["tapvs"] = m.tapvs;
    j["epoch_us"] = m.epoch_us;
    j["seed"] = m.seed;
    j["config"] = m.config;
    j["trace"] = m.trace;
    j["ports"] = nlohmann::ordered_json::array();
    for (const auto& p : m.ports) j["ports"].push_back({{"name", p.name}, {"sent", p.sent}, {"received", p.received}});
    return j.dump() + "\n";
}

Result<Manifest, std::string> read_manifest(const std::filesystem::path& dir) {
    const std::filesystem::path file = dir / kManifestFile;
    std::ifstream in(file, std::ios::binary);
    if (!in) return Err(file.string() + ": cannot read it (was this directory recorded by tapvs run --record?)");
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    const auto bad = [&](std::string_view what) { return Err(fmt::format("{}: {}", file.string(), what)); };
    if (!j.is_object()) return bad("not a JSON object");
    const auto field = [&](const char* key, auto check) { return j.contains(key) && (j[key].*check)(); };
    if (!field("recording", &nlohmann::json::is_number_integer)) return bad("no \"recording\" version");
    Manifest m;
    m.version = j["recording"].get<int>();
    if (m.version != kVersion) return bad(fmt::format("recording version {}, this tapvs reads {}", m.version, kVersion));
    if (!field("epoch_us", &nlohmann::json::is_number_integer)) return bad("no \"epoch_us\"");
    if (!field("ports", &nlohmann::json::is_array)) return bad("no \"ports\"");
    for (const char* key : {"tapvs", "config", "trace"})
        if (!field(key, &nlohmann::json::is_string)) return bad(fmt::format("no \"{}\"", key));
    m.tapvs = j["tapvs"].get<std::string>();
    m.epoch_us = j["epoch_us"].get<std::int64_t>();
    if (j.contains("seed") && j["seed"].is_number_unsigned()) m.seed = j["seed"].get<std::uint64_t>();
    m.config = j["config"].get<std::string>();
    m.trace = j["trace"].get<std::string>();
    for (const auto& p : j["ports"]) {
        if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !p.contains("sent") ||
            !p["sent"].is_string() || !p.contains("received") || !p["received"].is_string())
            return bad("a port without its name and files");
        m.ports.push_back({p["name"].get<std::string>(), p["sent"].get<std::string>(), p["received"].get<std::string>()});
    }
    return m;
}

}  // namespace recording

Recording::Recording(Options o) : o_(std::move(o)) {}
Recording::~Recording() = default;

Result<std::unique_ptr<Recording>, std::string> Recording::open(const Options& o, const core::Host& host) {
    const std::filesystem::path dir(o.dir);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Err(o.dir + ": " + ec.message());
    std::unique_ptr<Recording> r(new Recording(o));
    r->ports_.resize(host.ports().size());
    for (std::size_t i = 0; i < host.ports().size(); ++i) {
        const auto& hp = host.ports()[i];
        Port& p = r->ports_[i];
        p.id = static_cast<core::PortId>(i);
        p.name = hp.name;
        if (hp.loopback) continue;
        auto sent = PcapWriter::open((dir / recording::sent_file(hp.name)).string());
        if (!sent) return Err(sent.error());
        p.sent = std::move(sent.value());
        if (!o.received) continue;
        auto received = PcapWriter::open((dir / recording::received_file(hp.name)).string());
        if (!received) return Err(received.error());
        p.received = std::move(received.value());
        p.recorded_received = true;
    }
    const std::filesystem::path trace = dir / recording::kTraceFile;
    r->trace_file_ = std::make_unique<std::ofstream>(trace, std::ios::binary);
    if (!*r->trace_file_) return Err("cannot write " + trace.string());
    r->trace_ = std::make_unique<TraceWriter>(*r->trace_file_, host);
    r->trace_->write_header(TraceHeader{o.start, o.seed, o.config});
    return r;
}

void Recording::sent(core::PortId port, core::Timestamp t, net::ConstBytes frame) {
    if (port < ports_.size() && ports_[port].sent) ports_[port].sent->write(t, frame);
}

void Recording::received(core::PortId port, core::Timestamp t, net::ConstBytes frame) {
    if (port < ports_.size() && ports_[port].received) ports_[port].received->write(t, frame);
}

core::EngineObserver& Recording::trace() noexcept { return *trace_; }

Result<std::string, std::string> Recording::finish(std::string_view config_text,
                                                   const std::vector<std::string>& timed_lines) {
    for (auto& p : ports_) {
        if (p.sent) p.sent->flush();
        if (p.received) p.received->flush();
        p.sent.reset();
        p.received.reset();
    }
    trace_.reset();
    if (trace_file_) trace_file_->flush();
    const bool trace_ok = trace_file_ && trace_file_->good();
    trace_file_.reset();
    const std::filesystem::path dir(o_.dir);
    if (!trace_ok) return Err("cannot write " + (dir / recording::kTraceFile).string());
    if (!o_.replayable) return std::string();

    recording::Manifest m;
    m.tapvs = std::string(tapvs_version());
    m.epoch_us = o_.start.us();
    m.seed = o_.seed;
    std::string ports;
    for (const auto& p : ports_) {
        if (p.name.empty() || !p.recorded_received) continue;
        m.ports.push_back({p.name, recording::sent_file(p.name), recording::received_file(p.name)});
        ports += fmt::format(" --port {}={}", p.name, (dir / recording::received_file(p.name)).string());
    }
    const std::string conf = (dir / recording::kConfigFile).string();
    const std::string replay =
        fmt::format("tapvs replay --config {} --epoch {}{}", conf, recording::epoch_text(m.epoch_us), ports);
    {
        std::ofstream f(conf, std::ios::binary);
        f << "# tapvs run --record: " << o_.config << " as given, then the commands given through the control\n"
          << "# socket while it ran (@ seconds after the run started). Replay with\n"
          << "#   " << replay << "\n"
          << config_text;
        if (!config_text.empty() && config_text.back() != '\n') f << "\n";
        if (!timed_lines.empty()) f << "# through the control socket:\n";
        for (const auto& l : timed_lines) f << l << "\n";
        if (!f) return Err("cannot write " + conf);
    }
    const std::filesystem::path manifest = dir / recording::kManifestFile;
    std::ofstream f(manifest, std::ios::binary);
    f << recording::to_json(m);
    if (!f) return Err("cannot write " + manifest.string());
    return replay;
}

}  // namespace tapvs::io
