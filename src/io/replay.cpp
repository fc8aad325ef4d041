#include "tapvs/io/replay.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "tapvs/core/engine.hpp"
#include "tapvs/ctl/execute.hpp"
#include "tapvs/ctl/ipvs_text.hpp"
#include "tapvs/io/director.hpp"
#include "tapvs/io/pcap_file.hpp"
#include "tapvs/net/frame_buf.hpp"

namespace tapvs::io {

namespace {

using core::Timestamp;

// The connection table is sized for this many entries up front: slots cost virtual memory until
// used, and a capture of many connections then never waits for the table to grow.
constexpr std::uint32_t kReplayTableSize = 1u << 18;

// The captures, merged in timestamp order (a tie goes to the capture given first).
class Captures {
public:
    // Opens every capture and reads its first frame. False (the message on `err`) when one cannot
    // be opened; a capture that ends in an error is said on `err` and counted in read_error().
    bool open(const ReplayOptions& opts, std::ostream& err) {
        for (const auto& [name, path] : opts.ports) {
            auto r = PcapReader::open(path);
            if (!r) {
                err << "tapvs replay: " << r.error() << "\n";
                return false;
            }
            Input in;
            in.reader = std::move(r.value());
            inputs_.push_back(std::move(in));
        }
        for (auto& in : inputs_) read(in, err);
        return true;
    }
    // The first frame's time (a default Timestamp when every capture is empty).
    Timestamp first() const {
        Timestamp t{};
        bool have = false;
        for (const auto& in : inputs_)
            if (in.live && (!have || in.rec.ts < t)) t = in.rec.ts, have = true;
        return t;
    }
    // The port of each capture: the one it names, else the first port the configuration made.
    bool resolve_ports(const ReplayOptions& opts, core::Host& host, std::ostream& err) {
        for (std::size_t k = 0; k < inputs_.size(); ++k) {
            const std::string& name = opts.ports[k].first;
            if (!name.empty()) {
                inputs_[k].port = host.port_id(name);
                continue;
            }
            for (std::size_t p = 0; p < host.ports().size() && inputs_[k].port == core::kNoPort; ++p)
                if (!host.ports()[p].loopback) inputs_[k].port = static_cast<core::PortId>(p);
            if (inputs_[k].port == core::kNoPort) {
                err << "tapvs replay: the configuration names no port for " << opts.ports[k].second << "\n";
                return false;
            }
        }
        return true;
    }
    // The next frame in time order, its bytes at net::kFrameHeadroom of `storage()`; nullptr at the end.
    struct Next {
        core::PortId port;
        Timestamp ts;
        std::size_t caplen;
        std::vector<std::uint8_t>* storage;
    };
    std::optional<Next> peek() {
        Input* in = nullptr;
        for (auto& i : inputs_)
            if (i.live && (!in || i.rec.ts < in->rec.ts)) in = &i;
        if (!in) return std::nullopt;
        current_ = in;
        return Next{in->port, in->rec.ts, in->rec.caplen, &in->storage};
    }
    // Moves past the frame peek() gave.
    void pop(std::ostream& err) { read(*current_, err); }
    bool read_error() const noexcept { return read_error_; }

private:
    struct Input {
        core::PortId port = core::kNoPort;
        std::unique_ptr<PcapReader> reader;
        std::vector<std::uint8_t> storage;
        PcapRecord rec;
        bool live = false;
    };
    void read(Input& in, std::ostream& err) {
        in.live = in.reader->next(in.storage, net::kFrameHeadroom, in.rec);
        if (!in.live && !in.reader->error().empty()) {
            err << "tapvs replay: " << in.reader->error() << "\n";
            read_error_ = true;
        }
    }
    std::vector<Input> inputs_;
    Input* current_ = nullptr;
    bool read_error_ = false;
};

// Frames the director sends: counted, and written to <out>/<port>.pcap (stamped with the time of
// their cause) when there is a recording.
class CountingSink final : public core::PacketSink {
public:
    explicit CountingSink(Director* d = nullptr) : director_(d) {}
    std::uint64_t frames = 0;
    void emit(core::PortId port, net::ConstBytes frame, Timestamp when) override {
        ++frames;
        if (director_)
            if (Recording* rec = director_->recording()) rec->sent(port, when, frame);
    }

private:
    Director* director_;
};

struct ConnDecision {
    Timestamp t;
    core::SchedPacket pkt;
    std::string sched;
    std::string rs;  // "ip:port", or "-" when no real server was available
    std::string method;
    bool persistent = false;
};

// What the summary, --list-at and --compare need: the decisions and when the table changed.
class Recorder final : public core::EngineObserver {
public:
    std::vector<ConnDecision> decisions;
    std::vector<std::pair<Timestamp, std::string>> timeline;

    void on_schedule(const core::SchedPacket& p, const core::Decision& d, Timestamp t) override {
        ConnDecision x;
        x.t = t;
        x.pkt = p;
        x.sched = d.svc ? d.svc->sched_name : "?";
        x.rs = d.dest ? d.dest->endpoint().to_string() : "-";
        x.method = d.dest ? core::fwd_trace_name(d.dest->fwd) : "-";
        x.persistent = d.persistent;
        decisions.push_back(std::move(x));
    }
    void on_conn_new(const core::Connection& c, Timestamp t) override {
        timeline.emplace_back(t, fmt::format("new     {} {} -> {} => {}", core::proto_name(c.protocol),
                                             net::Endpoint{c.caddr, c.cport}.to_string(),
                                             net::Endpoint{c.vaddr, c.vport}.to_string(),
                                             net::Endpoint{c.daddr, c.dport}.to_string()));
    }
    void on_conn_state(const core::Connection& c, core::TcpState old_state, Timestamp t) override {
        timeline.emplace_back(t, fmt::format("state   {} {} {} -> {}", core::proto_name(c.protocol),
                                             net::Endpoint{c.caddr, c.cport}.to_string(),
                                             core::tcp_state_name(old_state), core::tcp_state_name(c.state)));
    }
    void on_conn_expire(const core::Connection& c, Timestamp t) override {
        timeline.emplace_back(t, fmt::format("expire  {} {} => {}", core::proto_name(c.protocol),
                                             net::Endpoint{c.caddr, c.cport}.to_string(),
                                             net::Endpoint{c.daddr, c.dport}.to_string()));
    }
};

using core::seconds_f;
double since(Timestamp t, Timestamp start) { return std::chrono::duration<double>(t - start).count(); }

// The director of a replay: the options' seed, the connection table sized for this many entries up
// front (slots cost virtual memory until used, and a capture of many connections then never waits
// for the table to grow).
std::unique_ptr<Director> replay_director(const ReplayOptions& opts, const Director::Config& config,
                                          std::ostream& err) {
    Director::Options o;
    o.config = opts.config;
    o.program = "tapvs replay";
    o.seed = opts.seed;
    o.expected_conns = kReplayTableSize;
    return std::make_unique<Director>(std::move(o), config, err);
}

// The captures opened, the configuration's plain lines run at its clock zero (--epoch, else the
// first frame), the ports resolved: what every replay does before its first frame. Nonzero: the
// exit status.
int prepare(const ReplayOptions& opts, Director& director, Captures& captures, std::ostream& err) {
    if (!captures.open(opts, err)) return 1;
    const Timestamp base = opts.epoch_us ? Timestamp::from_us(*opts.epoch_us) : captures.first();
    if (int rc = director.start(base)) return rc;
    return captures.resolve_ports(opts, director.engine().host(), err) ? 0 : 1;
}

// --compare: every service to `sched`, through the one door (ipvsadm -E with the service's own
// flags, persistence and netmask).
void override_schedulers(Director& director, const std::string& sched, Timestamp now) {
    std::vector<ctl::Command> edits;
    for (const auto& s : director.engine().ipvs().services()) {
        core::ServiceUser u;
        u.key = s->key;
        u.sched_name = sched;
        u.flags = s->flags;
        u.timeout_s = s->timeout_s;
        u.netmask = s->netmask;
        edits.emplace_back(ctl::cmd::EditService{u});
    }
    for (const auto& c : edits) ctl::execute(director.engine(), c, now);
}

// One replay of the captures through a fresh director.
struct Run {
    const ReplayOptions& opts;
    std::unique_ptr<Director> director;
    std::optional<std::string> sched_override;  // --compare: every service uses this scheduler
    bool write_files = false;
    std::ostream* at_out = nullptr;  // --at printing

    Run(const ReplayOptions& o, const Director::Config& c, std::optional<std::string> sched, bool files,
        std::ostream* at, std::ostream& err)
        : opts(o), director(replay_director(o, c, err)), sched_override(std::move(sched)), write_files(files),
          at_out(at), sink(director.get()) {}

    Recorder recorder;
    CountingSink sink;
    Captures captures;
    Timestamp start{}, end{};
    std::uint64_t frames_in = 0;

    const core::Engine& engine() const { return director->engine(); }

    void print_at(double at) {
        ctl::cmd::List list;
        list.opts.numeric = true;
        list.opts.connection = true;
        const Timestamp t = start + seconds_f(at);
        *at_out << fmt::format("\n== {:.6f} s: ipvsadm -L -n -c\n", at) << ctl::format_list(engine().ipvs(), list, t);
        list.opts.connection = false;
        list.opts.stats = true;
        *at_out << fmt::format("\n== {:.6f} s: ipvsadm -L -n --stats\n", at) << ctl::format_list(engine().ipvs(), list, t);
    }

    int go(std::ostream& err) {
        if (int rc = prepare(opts, *director, captures, err)) return rc;
        start = captures.first();
        if (sched_override) override_schedulers(*director, *sched_override, start);
        director->observe(&recorder);
        if (write_files)
            if (int rc = director->record(opts.out_dir, start, false)) return rc;

        std::vector<double> at = opts.at;
        std::sort(at.begin(), at.end());
        std::size_t next_at = 0;
        Timestamp now = start;
        while (const auto f = captures.peek()) {
            now = f->ts;
            // Whatever is due before this frame: --at snapshots and timed configuration lines, a line
            // before a snapshot of the same time.
            for (;;) {
                const bool at_due = at_out && next_at < at.size() && start + seconds_f(at[next_at]) < now;
                const auto line = director->next_line_due();
                const bool cfg_due = line && *line <= now;
                if (!at_due && !cfg_due) break;
                const Timestamp ta = at_due ? start + seconds_f(at[next_at]) : Timestamp{};
                if (at_due && (!cfg_due || ta < *line)) {
                    director->advance(ta, sink);
                    print_at(at[next_at++]);
                    continue;
                }
                director->run_next_line(sink);
            }
            net::FrameBuf buf{net::Bytes{*f->storage}, net::kFrameHeadroom, f->caplen};
            director->feed(f->port, buf, now, sink);
            ++frames_in;
            captures.pop(err);
        }
        director->advance(now, sink);
        end = now;
        for (; at_out && next_at < at.size(); ++next_at) {  // snapshots after the last frame: timers run on
            const Timestamp ta = start + seconds_f(at[next_at]);
            if (ta > end) director->advance(ta, sink);
            print_at(at[next_at]);
        }
        director->unobserve(&recorder);
        return director->finish_recording();
    }
};

void print_summary(const Run& run, const ReplayOptions& opts, std::ostream& out) {
    const core::Engine& engine = run.engine();
    out << fmt::format("tapvs replay: {} frames in, {} out, {} dropped\n", run.frames_in, run.sink.frames,
                       engine.stats().drop_total());
    if (!opts.quiet) {
        out << "\nNew connections (time since the first frame, client -> virtual service => real server):\n";
        for (const auto& d : run.recorder.decisions)
            out << fmt::format("  {:10.6f}  {} {:<21} -> {:<21} {:<5} => {}{}{}\n", since(d.t, run.start),
                               core::proto_name(d.pkt.protocol), net::Endpoint{d.pkt.saddr, d.pkt.sport}.to_string(),
                               net::Endpoint{d.pkt.daddr, d.pkt.dport}.to_string(), d.sched, d.rs,
                               d.rs == "-" ? " (no real server available)" : " (" + d.method + ")",
                               d.persistent ? " [persistence template]" : "");
    }
    run.director->print_drops(out);
    run.director->print_listings(out, run.end, " at the end of the capture");
}

struct CompareRow {
    std::string sched;
    std::map<std::string, std::uint64_t> per_rs;
    std::uint64_t conns = 0, refused = 0;
    double imbalance = 0;
    std::uint64_t moved = 0, compared = 0;
};

// Clients whose real server changed across each timed configuration change: the last server before
// the change against the first one after it.
void count_moves(const Run& run, CompareRow& row) {
    for (double change : run.director->timed_seconds()) {
        const Timestamp t = run.start + seconds_f(change);
        std::map<std::uint32_t, std::string> before, after;
        for (const auto& d : run.recorder.decisions) {
            if (d.rs == "-") continue;
            if (d.t < t) before[d.pkt.saddr.host_order] = d.rs;
            else after.emplace(d.pkt.saddr.host_order, d.rs);
        }
        for (const auto& [client, rs] : after) {
            auto it = before.find(client);
            if (it == before.end()) continue;
            ++row.compared;
            if (it->second != rs) ++row.moved;
        }
    }
}

std::string svg_chart(const std::vector<CompareRow>& rows, const std::vector<std::string>& servers) {
    static const char* kColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                     "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    std::uint64_t max = 1;
    for (const auto& r : rows)
        for (const auto& [rs, n] : r.per_rs) max = std::max(max, n);
    max = (max + 3) / 4 * 4;  // four whole-number ticks
    const int bar = 18, gap = 30, left = 60, top = 40, height = 240;
    const int group = static_cast<int>(servers.size()) * bar + gap;
    const int width = left + static_cast<int>(rows.size()) * group + 220;
    std::string s = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" "
        "font-size=\"12\">\n<text x=\"{}\" y=\"20\" font-size=\"14\">Connections per real server, by "
        "scheduler</text>\n<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n",
        width, top + height + 60, left, left, top + height, width - 220, top + height);
    for (int k = 0; k <= 4; ++k) {
        const double v = static_cast<double>(max) * k / 4;
        const int y = top + height - static_cast<int>(height * k / 4);
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.0f}</text>\n", left - 6, y + 4, v);
    }
    for (std::size_t g = 0; g < rows.size(); ++g) {
        const int x0 = left + gap / 2 + static_cast<int>(g) * group;
        for (std::size_t i = 0; i < servers.size(); ++i) {
            auto it = rows[g].per_rs.find(servers[i]);
            const std::uint64_t n = it == rows[g].per_rs.end() ? 0 : it->second;
            const int h = static_cast<int>(static_cast<double>(height) * static_cast<double>(n) / static_cast<double>(max));
            s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {}: {}"
                             "</title></rect>\n",
                             x0 + static_cast<int>(i) * bar, top + height - h, bar - 2, h, kColours[i % 10],
                             rows[g].sched, servers[i], n);
        }
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                         x0 + static_cast<int>(servers.size()) * bar / 2, top + height + 18, rows[g].sched);
    }
    for (std::size_t i = 0; i < servers.size(); ++i) {
        const int y = top + 10 + static_cast<int>(i) * 18;
        s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}"
                         "</text>\n",
                         width - 200, y, kColours[i % 10], width - 182, y + 10, servers[i]);
    }
    return s + "</svg>\n";
}

int run_compare(const ReplayOptions& opts, const Director::Config& config, std::ostream& out,
                std::ostream& err) {
    std::vector<CompareRow> rows;
    std::set<std::string> server_set;
    for (const auto& sched : opts.compare) {
        if (!core::make_scheduler(sched)) {
            err << "tapvs replay: --compare: unknown scheduler '" << sched << "'\n";
            return 1;
        }
        Run run(opts, config, sched, false, nullptr, err);
        if (int rc = run.go(err)) return rc;
        CompareRow row;
        row.sched = sched;
        for (const auto& d : run.recorder.decisions) {
            if (d.rs == "-") {
                ++row.refused;
                continue;
            }
            ++row.per_rs[d.rs];
            ++row.conns;
        }
        for (const auto& s : run.engine().ipvs().services())
            for (const auto& d : s->destinations) server_set.insert(d->endpoint().to_string());
        for (const auto& [rs, n] : row.per_rs) server_set.insert(rs);
        count_moves(run, row);
        rows.push_back(std::move(row));
    }
    const std::vector<std::string> servers(server_set.begin(), server_set.end());
    for (auto& r : rows) {
        std::uint64_t mx = 0;
        for (const auto& s : servers) {
            auto it = r.per_rs.find(s);
            mx = std::max<std::uint64_t>(mx, it == r.per_rs.end() ? 0 : it->second);
        }
        const double mean = servers.empty() ? 0 : static_cast<double>(r.conns) / static_cast<double>(servers.size());
        r.imbalance = mean > 0 ? static_cast<double>(mx) / mean : 0;
    }
    out << "Connections per real server, by scheduler (imbalance = max / mean; moved = clients whose real\n"
           "server changed across the configuration's timed lines):\n\n";
    out << fmt::format("{:<7} {:>6}", "sched", "conns");
    for (const auto& s : servers) out << fmt::format(" {:>21}", s);
    out << fmt::format(" {:>9} {:>8} {:>9}\n", "imbalance", "refused", "moved");
    for (const auto& r : rows) {
        out << fmt::format("{:<7} {:>6}", r.sched, r.conns);
        for (const auto& s : servers) {
            auto it = r.per_rs.find(s);
            out << fmt::format(" {:>21}", it == r.per_rs.end() ? 0 : it->second);
        }
        out << fmt::format(" {:>9.2f} {:>8} {:>9}\n", r.imbalance, r.refused,
                           r.compared ? fmt::format("{}/{}", r.moved, r.compared) : std::string("-"));
    }
    if (!opts.plot.empty()) {
        std::ofstream f(opts.plot, std::ios::binary);
        f << svg_chart(rows, servers);
        if (!f) {
            err << "tapvs replay: cannot write " << opts.plot << "\n";
            return 1;
        }
        out << "\nChart: " << opts.plot << "\n";
    }
    return 0;
}

// --timing: the same frames, configuration and clock through a fresh director from memory, with
// no observer and no file: the engine's own share of the work. What it sent and dropped is counted,
// so that the timing says it ran what the replay reports.
struct Timing {
    double seconds = 0;
    std::uint64_t frames = 0, out = 0, dropped = 0;
};
int time_engine_alone(const ReplayOptions& opts, const Director::Config& config, std::ostream& err, Timing& timing) {
    auto director = replay_director(opts, config, err);
    Captures captures;
    if (int rc = prepare(opts, *director, captures, err)) return rc;
    // All frames in one contiguous buffer, in the order the replay takes them.
    struct Frame {
        Timestamp ts;
        core::PortId port;
        std::size_t off, len;
    };
    std::vector<Frame> all;
    std::vector<std::uint8_t> bytes;
    std::size_t longest = 0;  // a capture's frames may be up to its snaplen (262144), not 64 KiB
    std::ostringstream ignored;  // the replay itself said what was wrong with the captures
    while (const auto f = captures.peek()) {
        all.push_back(Frame{f->ts, f->port, bytes.size(), f->caplen});
        longest = std::max<std::size_t>(longest, f->caplen);
        const auto* b = f->storage->data() + net::kFrameHeadroom;
        bytes.insert(bytes.end(), b, b + f->caplen);
        captures.pop(ignored);
    }
    CountingSink sink;
    std::vector<std::uint8_t> work(net::kFrameHeadroom + std::max<std::size_t>(longest, 65536) + 64);
    const auto t0 = std::chrono::steady_clock::now();
    for (const Frame& f : all) {
        std::memcpy(work.data() + net::kFrameHeadroom, bytes.data() + f.off, f.len);
        net::FrameBuf buf{net::Bytes{work}, net::kFrameHeadroom, f.len};
        director->feed(f.port, buf, f.ts, sink);
    }
    if (!all.empty()) director->advance(all.back().ts, sink);
    timing.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    timing.frames = all.size();
    timing.out = sink.frames;
    timing.dropped = director->engine().stats().drop_total();
    return 0;
}

}  // namespace

std::optional<std::int64_t> parse_epoch(std::string_view t) {
    const auto dot = t.find('.');
    const std::string_view whole = t.substr(0, dot);
    const std::string_view frac = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
    if (whole.empty() || whole.size() > 12 || frac.size() > 6 || (dot != std::string_view::npos && frac.empty()))
        return std::nullopt;
    std::int64_t us = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') return std::nullopt;
        us = us * 10 + (c - '0');
    }
    std::int64_t f = 0;
    for (char c : frac) {
        if (c < '0' || c > '9') return std::nullopt;
        f = f * 10 + (c - '0');
    }
    for (std::size_t i = frac.size(); i < 6; ++i) f *= 10;
    return us * 1000000 + f;
}

int run_replay(const ReplayOptions& opts, std::ostream& out, std::ostream& err) {
    int status = 0;
    const auto config = Director::read_config(opts.config, "tapvs replay", err, &status);
    if (!config) return status;
    if (opts.ports.empty()) {
        err << "tapvs replay: no capture given\n";
        return 1;
    }
    if (!opts.compare.empty()) return run_compare(opts, *config, out, err);

    Run run(opts, *config, std::nullopt, !opts.out_dir.empty(), &out, err);
    const auto t0 = std::chrono::steady_clock::now();
    if (int rc = run.go(err)) return rc;
    if (opts.timing) {
        const double with_io = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        Timing alone;
        if (int rc = time_engine_alone(opts, *config, err, alone)) return rc;
        err << fmt::format("timing: {} frames in {:.3f} s with file I/O ({:.0f} frames/s); the engine alone: "
                           "{:.3f} s ({:.0f} frames/s), {} frames in, {} out, {} dropped\n",
                           run.frames_in, with_io, static_cast<double>(run.frames_in) / with_io, alone.seconds,
                           static_cast<double>(alone.frames) / alone.seconds, alone.frames, alone.out, alone.dropped);
    }
    if (opts.list_at) {
        out << "When the connection table changed (seconds after the first frame; pick one for --at):\n";
        for (const auto& [t, what] : run.recorder.timeline)
            out << fmt::format("  {:10.6f}  {}\n", since(t, run.start), what);
        return run.captures.read_error() ? 1 : 0;
    }
    // A capture that ended in an error: what came before it is replayed and summarised, and the
    // status says the capture was not whole.
    const int exit_status = run.captures.read_error() ? 1 : 0;
    if (!opts.at.empty()) return exit_status;  // the snapshots were the output
    print_summary(run, opts, out);
    return exit_status;
}

}  // namespace tapvs::io
