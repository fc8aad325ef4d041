#include "tapvs/io/director.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "tapvs/ctl/execute.hpp"
#include "tapvs/ctl/ipvs_text.hpp"

namespace tapvs::io {

namespace {

using core::Timestamp;

using core::seconds_f;

core::EngineConfig engine_config(const Director::Options& o) {
    core::EngineConfig cfg;
    cfg.ipvs.seed = o.seed;
    if (o.expected_conns) cfg.ipvs.expected_conns = o.expected_conns;
    return cfg;
}

std::string service_line(const core::VirtualService& s) {
    std::string name = s.is_fwmark() ? fmt::format("FWM {}", s.key.fwmark)
                                     : fmt::format("{} {}", core::proto_name(s.key.protocol),
                                                   net::Endpoint{s.key.addr, s.key.port}.to_string());
    std::string dests;
    for (const auto& d : s.destinations)
        dests += fmt::format("{}{} {} weight {}", dests.empty() ? "" : ", ", d->endpoint().to_string(),
                             core::fwd_trace_name(d->fwd), d->weight);
    return fmt::format("service {} {}: {}", name, s.sched_name, dests.empty() ? "no real servers" : dests);
}

// `tapvs record DIR|off`: tapvs's own request, not a tool's (io/control.hpp).
bool is_record_request(const ControlRequest& req) {
    return req.words.size() >= 2 && req.words[0] == "tapvs" && req.words[1] == "record";
}

}  // namespace

std::optional<Director::Config> Director::read_config(const std::string& path, std::string_view program,
                                                      std::ostream& log, int* status) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        log << program << ": cannot read " << path << "\n";
        *status = 1;
        return std::nullopt;
    }
    std::ostringstream text;
    text << f.rdbuf();
    Config c{text.str(), {}};
    auto parsed = ctl::parse_config(c.text, path);
    if (!parsed) {
        log << parsed.error().to_string() << "\n";
        *status = parsed.error().status ? parsed.error().status : 1;
        return std::nullopt;
    }
    c.lines = std::move(parsed.value());
    return c;
}

std::unique_ptr<Director> Director::load(Options opts, std::ostream& log, int* status) {
    auto config = read_config(opts.config, opts.program, log, status);
    if (!config) return nullptr;
    return std::make_unique<Director>(std::move(opts), std::move(*config), log);
}

Director::Director(Options opts, Config config, std::ostream& log)
    : opts_(std::move(opts)), log_(log), engine_(engine_config(opts_)), config_(std::move(config)) {
    for (const auto& line : config_.lines)
        if (line.at) timed_.push_back(&line);
    std::stable_sort(timed_.begin(), timed_.end(), [](auto* a, auto* b) { return *a->at < *b->at; });
}

Director::~Director() { engine_.set_observer(nullptr); }

int Director::start(Timestamp epoch, std::ostream* echo) {
    epoch_ = epoch;
    for (const auto& line : config_.lines) {
        if (line.at) continue;
        ctl::Reply r = ctl::execute(engine_, line.cmd, epoch_);
        if (r.status != 0) {
            log_ << fmt::format("{}:{}: {}", opts_.config, line.line, r.err);
            return r.status;
        }
        if (echo && !r.out.empty()) *echo << r.out;
    }
    next_due_ = timed_.empty() ? Timestamp{core::Duration::max()} : epoch_ + seconds_f(*timed_.front()->at);
    started_ = true;
    attach_observers();
    return 0;
}

std::vector<double> Director::timed_seconds() const {
    std::vector<double> v;
    for (const auto* l : timed_) v.push_back(*l->at);
    return v;
}

std::optional<Timestamp> Director::next_line_due() const noexcept {
    if (next_timed_ >= timed_.size()) return std::nullopt;
    return next_due_;
}

void Director::run_next_line(core::PacketSink& sink) {
    if (next_timed_ >= timed_.size()) return;
    const ctl::ConfigLine& line = *timed_[next_timed_++];
    const Timestamp t = next_due_;
    next_due_ = next_timed_ < timed_.size() ? epoch_ + seconds_f(*timed_[next_timed_]->at)
                                            : Timestamp{core::Duration::max()};
    engine_.expire(t, sink);
    ctl::Reply r = ctl::execute(engine_, line.cmd, t);
    if (r.status != 0) {
        log_ << fmt::format("{}:{}: {}", opts_.config, line.line, r.err);
    } else if (opts_.announce) {
        log_ << fmt::format("tapvs: {}:{} applied at +{}s\n", opts_.config, line.line, *line.at) << services_text();
    }
}

void Director::run_lines_due(Timestamp now, core::PacketSink& sink) {
    while (next_due_ <= now) run_next_line(sink);
}

void Director::advance(Timestamp now, core::PacketSink& sink) {
    run_lines_due(now, sink);
    engine_.expire(now, sink);
}

Timestamp Director::next_event() const noexcept {
    Timestamp next = engine_.next_timer();
    if (next_timed_ < timed_.size() && (next == Timestamp{} || next_due_ < next)) next = next_due_;
    return next;
}

void Director::observe(core::EngineObserver* o) {
    observers_.list.push_back(o);
    attach_observers();
}

void Director::unobserve(core::EngineObserver* o) {
    std::erase(observers_.list, o);
    attach_observers();
}

// The engine sees no observer before the configuration ran (a trace starts with the run), and one
// observer directly rather than through the list.
void Director::attach_observers() {
    if (!started_) return;
    if (observers_.list.empty()) engine_.set_observer(nullptr);
    else if (observers_.list.size() == 1) engine_.set_observer(observers_.list.front());
    else engine_.set_observer(&observers_);
}

// ---- the control socket ----

ctl::Reply Director::serve(const ControlRequest& req, Timestamp now, core::PacketSink& sink) {
    if (is_record_request(req)) return rotate_recording(req);
    advance(now, sink);
    const std::uint64_t generation = engine_.ipvs().generation();
    ctl::Reply r = serve_request(engine_, req, now);
    if (recorded_ever_) {  // recording: the replay's configuration gets the change, at its time
        const std::string at = recording::epoch_text((now - epoch_).count() / 1000);  // seconds after the epoch
        for (auto& l : recordable_lines(req)) control_lines_.push_back(fmt::format("@{} {}", at, l));
    }
    if (engine_.ipvs().generation() != generation) {
        std::string line;
        for (const auto& w : req.words) line += (line.empty() ? "" : " ") + w;
        const std::string services = services_text();
        log_ << "tapvs: control: " << line << "\n" << (services.empty() ? "tapvs: no services\n" : services);
    }
    return r;
}

// `tapvs record DIR` (tapvs lab, one directory per step): the recording moves on to DIR; `tapvs
// record off` ends it. Only a run started recording takes it, so that the TAPs have no offloads and
// every recording holds wire frames.
ctl::Reply Director::rotate_recording(const ControlRequest& req) {
    ctl::Reply r;
    if (req.words.size() != 3 || req.words[2].empty()) {
        r.status = 2;
        r.err = "tapvs record: usage: tapvs record DIR|off\n";
        return r;
    }
    if (!recorded_ever_) {
        r.status = 1;
        r.err = "tapvs record: this run was started without --record\n";
        return r;
    }
    if (finish_recording() != 0) {
        r.status = 1;
        r.err = "tapvs record: could not finish the recording\n";
        return r;
    }
    if (req.words[2] == "off") return r;
    if (record(req.words[2], recording_start_, recording_live_) != 0) {
        r.status = 1;
        r.err = "tapvs record: cannot record in " + req.words[2] + "\n";
    }
    return r;
}

// ---- the recording ----

int Director::record(const std::string& dir, Timestamp start, bool live) {
    Recording::Options ro;
    ro.dir = dir;
    ro.received = live;
    ro.replayable = live;
    ro.start = start;
    ro.seed = opts_.seed;
    ro.config = opts_.config;
    auto r = Recording::open(ro, engine_.host());
    if (!r) {
        log_ << opts_.program << ": " << r.error() << "\n";
        return 1;
    }
    recording_ = std::move(r.value());
    recording_live_ = live;
    recording_start_ = start;
    recorded_ever_ = true;
    observe(&recording_->trace());
    return 0;
}

int Director::finish_recording() {
    if (!recording_) return 0;
    unobserve(&recording_->trace());
    const std::string dir = recording_->dir();
    auto done = recording_->finish(config_.text, control_lines_);
    recording_.reset();
    if (!done) {
        log_ << opts_.program << ": " << done.error() << "\n";
        return 1;
    }
    if (!done.value().empty()) log_ << fmt::format("tapvs: recorded in {}; replay with\n  {}\n", dir, done.value());
    return 0;
}

// ---- the summary ----

void Director::print_drops(std::ostream& out) const {
    bool any = false;
    for (std::size_t r = 0; r < net::kDropReasonCount; ++r) {
        const auto n = engine_.stats().drops[r];
        if (!n) continue;
        if (!any) out << "\nDropped frames:\n";
        any = true;
        out << fmt::format("  {:>8}  {:<24} {}\n", n, net::drop_reason_name(static_cast<net::DropReason>(r)),
                           net::drop_reason_text(static_cast<net::DropReason>(r)));
    }
}

void Director::print_listings(std::ostream& out, Timestamp now, std::string_view heading) const {
    ctl::cmd::List list;
    list.opts.numeric = true;
    out << "\nipvsadm -L -n" << heading << ":\n" << ctl::format_list(engine_.ipvs(), list, now);
    list.opts.stats = true;
    out << "\nipvsadm -L -n --stats:\n" << ctl::format_list(engine_.ipvs(), list, now);
}

std::string Director::services_text() const {
    std::string s;
    for (const auto& svc : engine_.ipvs().services()) s += "tapvs: " + service_line(*svc) + "\n";
    return s;
}

}  // namespace tapvs::io
