#include "tapvs/io/live.hpp"

// Boost 1.74's Asio uses std::exchange without including <utility> (g++ 12, C++20).
#include <utility>

#include <boost/asio.hpp>

#include <algorithm>
#include <iterator>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tapvs/core/engine.hpp"
#include "tapvs/ctl/config.hpp"
#include "tapvs/ctl/execute.hpp"
#include "tapvs/ctl/ipvs_text.hpp"
#include "tapvs/io/control.hpp"
#include "tapvs/io/config_file.hpp"
#include "tapvs/io/pcap_file.hpp"
#include "tapvs/io/tap.hpp"
#include "tapvs/io/trace.hpp"
#include "tapvs/net/frame_buf.hpp"
#include "tapvs/net/offload.hpp"

namespace tapvs::io {

namespace {

namespace asio = boost::asio;
using core::Timestamp;

// Room for one frame read from a TAP: a GSO frame is up to 64 KiB of IPv4 plus its link header.
constexpr std::size_t kMaxFrame = 65536 + 64;
// Frames read per readiness event before the loop looks at the other ports and the timer.
constexpr int kReadBatch = 64;

// The one clock read of a frame: the system clock, cut to the microsecond (what a pcap stores), so the
// engine and the recording see the same stamp.
Timestamp stamp_now() {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return Timestamp::from_us(us.count());
}

core::Duration seconds_f(double s) { return core::Duration{static_cast<std::int64_t>(std::llround(s * 1e9))}; }

struct LivePort {
    core::PortId id = core::kNoPort;
    std::string name;      // the engine's port name (eth0)
    std::string tap_name;  // the TAP device's name
    int fd = -1;
    bool vnet = false;     // reads and writes start with a struct virtio_net_hdr
    std::unique_ptr<asio::posix::stream_descriptor> sd;
    std::vector<std::uint8_t> buf;
    std::unique_ptr<PcapWriter> sent_pcap, received_pcap;
    std::uint64_t tx_dropped = 0;   // writes that failed (EIO while the link is down, ENOBUFS, ...)
    std::uint64_t rx_errors = 0;    // reads that failed with something other than EAGAIN
    bool link_down = false;
};

// Frames the engine sends: written to their port's TAP (and to DIR/<port>.pcap when recording).
class TapSink final : public core::PacketSink {
public:
    std::vector<LivePort*> by_id;  // indexed by PortId; nullptr for ports without a TAP (lo)
    std::ostream* log = nullptr;

    bool offloads = false;  // every port has a virtio header

    void emit(core::PortId port, net::ConstBytes frame, Timestamp when) override {
        write(port, frame, net::Offload{}, when);
    }
    bool takes_offloads() const noexcept override { return offloads; }
    void emit_offloaded(core::PortId port, net::ConstBytes frame, const net::Offload& off, Timestamp when) override {
        write(port, frame, off, when);
    }

private:
    void write(core::PortId port, net::ConstBytes frame, const net::Offload& off, Timestamp when) {
        if (port >= by_id.size() || !by_id[port]) return;
        LivePort& p = *by_id[port];
        if (p.sent_pcap) p.sent_pcap->write(when, frame);
        ssize_t n;
        if (p.vnet) {
            std::uint8_t hdr[net::kVnetHdrLen];
            net::write_vnet_hdr(hdr, off);
            iovec iov[2] = {{hdr, sizeof hdr}, {const_cast<std::uint8_t*>(frame.data()), frame.size()}};
            n = ::writev(p.fd, iov, 2);
        } else {
            n = ::write(p.fd, frame.data(), frame.size());
        }
        if (n < 0) {
            const int e = errno;
            ++p.tx_dropped;
            if (e == EIO && !p.link_down) {  // nobody holds the other end up: count and drop
                p.link_down = true;
                *log << fmt::format("tapvs: port {} ({}): link down, frames dropped until it is up\n", p.name,
                                    p.tap_name);
            }
            return;
        }
        if (p.link_down) {
            p.link_down = false;
            *log << fmt::format("tapvs: port {} ({}): link up again\n", p.name, p.tap_name);
        }
    }
};

// Log lines: the state changes that matter always, every frame and decision with -v.
class Logger final : public core::EngineObserver {
public:
    Logger(std::ostream& err, const core::Host& host, bool verbose) : err_(err), host_(host), verbose_(verbose) {}

    void on_rx(core::PortId p, net::ConstBytes f, Timestamp) override {
        if (verbose_) err_ << fmt::format("rx {} {} bytes {}\n", port(p), f.size(), summary(f));
    }
    void on_tx(core::PortId p, net::ConstBytes f, Timestamp) override {
        if (verbose_) err_ << fmt::format("tx {} {} bytes {}\n", port(p), f.size(), summary(f));
    }
    void on_drop(core::PortId p, net::ConstBytes f, net::DropReason r, Timestamp) override {
        if (verbose_) err_ << fmt::format("drop {} {} bytes: {}\n", port(p), f.size(), net::drop_reason_name(r));
    }
    void on_arp(core::PortId p, ArpEvent e, net::Ipv4Addr ip, const net::MacAddr& mac, Timestamp) override {
        const std::uint64_t key = (std::uint64_t{p} << 32) | ip.host_order;
        switch (e) {
            case ArpEvent::learned: {
                failed_.erase(key);
                auto [it, fresh] = known_.try_emplace(key, mac);
                if (fresh || it->second != mac) {
                    it->second = mac;
                    err_ << fmt::format("tapvs: neighbour {} on {} is at {}\n", ip.to_string(), port(p),
                                        mac.to_string());
                } else if (verbose_) {
                    err_ << fmt::format("arp {}: {} confirmed at {}\n", port(p), ip.to_string(), mac.to_string());
                }
                break;
            }
            case ArpEvent::failed:
                known_.erase(key);
                if (failed_.insert(key).second)
                    err_ << fmt::format("tapvs: neighbour {} on {} unresolved: no ARP reply\n", ip.to_string(),
                                        port(p));
                break;
            case ArpEvent::request_sent:
                if (verbose_) err_ << fmt::format("arp {}: who-has {}\n", port(p), ip.to_string());
                break;
            case ArpEvent::reply_sent:
                if (verbose_) err_ << fmt::format("arp {}: {} is-at us, told {}\n", port(p), ip.to_string(),
                                                  mac.to_string());
                break;
        }
    }
    void on_schedule(const core::SchedPacket& pkt, const core::Decision& d, Timestamp) override {
        // No real server available is a state worth seeing without -v: once, until one is again.
        const bool none = d.dest == nullptr;
        if (!none) {
            if (!none_.empty()) none_.erase(d.svc);
            if (!verbose_) return;
        } else if (!none_.insert(d.svc).second && !verbose_) {
            return;
        }
        err_ << fmt::format("{}schedule {} {} -> {} => {}\n", verbose_ ? "" : "tapvs: ", core::proto_name(pkt.protocol),
                            net::Endpoint{pkt.saddr, pkt.sport}.to_string(),
                            net::Endpoint{pkt.daddr, pkt.dport}.to_string(),
                            none ? std::string("no real server available") : d.dest->endpoint().to_string());
    }
    void on_conn_new(const core::Connection& c, Timestamp) override {
        if (verbose_) err_ << fmt::format("conn new {} {}\n", core::proto_name(c.protocol), conn(c));
    }
    void on_conn_state(const core::Connection& c, core::TcpState old_state, Timestamp) override {
        if (verbose_)
            err_ << fmt::format("conn state {} {}: {} -> {}\n", core::proto_name(c.protocol), conn(c),
                                core::tcp_state_name(old_state), core::tcp_state_name(c.state));
    }
    void on_conn_expire(const core::Connection& c, Timestamp) override {
        if (verbose_) err_ << fmt::format("conn expire {} {}\n", core::proto_name(c.protocol), conn(c));
    }

private:
    std::string port(core::PortId p) const {
        return p < host_.ports().size() ? host_.ports()[p].name : fmt::format("#{}", p);
    }
    static std::string conn(const core::Connection& c) {
        return fmt::format("{} -> {} => {}", net::Endpoint{c.caddr, c.cport}.to_string(),
                           net::Endpoint{c.vaddr, c.vport}.to_string(), net::Endpoint{c.daddr, c.dport}.to_string());
    }
    // Ethertype and, for IPv4, protocol and addresses: enough to follow a flow by eye.
    static std::string summary(net::ConstBytes f) {
        if (f.size() < 14) return "(runt)";
        const unsigned type = (unsigned{f[12]} << 8) | f[13];
        if (type == 0x0806) return "ARP";
        if (type != 0x0800 || f.size() < 34) return fmt::format("ethertype 0x{:04x}", type);
        const auto ip = [&](std::size_t o) {
            return fmt::format("{}.{}.{}.{}", f[o], f[o + 1], f[o + 2], f[o + 3]);
        };
        return fmt::format("IPv4 proto {} {} -> {}", f[23], ip(26), ip(30));
    }

    std::ostream& err_;
    const core::Host& host_;
    bool verbose_;
    std::map<std::uint64_t, net::MacAddr> known_;
    std::set<std::uint64_t> failed_;
    std::set<const core::VirtualService*> none_;
};



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

class Live {
public:
    Live(const LiveOptions& opts, std::ostream& out, std::ostream& err)
        : opts_(opts), out_(out), err_(err), engine_(make_config(opts)), logger_(err, engine_.host(), opts.verbose) {}

    int run(const std::vector<ctl::ConfigLine>& config) {
        start_ = stamp_now();
        for (const auto& line : config) {
            if (line.at) {
                timed_.push_back(&line);
                continue;
            }
            ctl::Reply r = ctl::execute(engine_, line.cmd, start_);
            if (r.status != 0) {
                err_ << fmt::format("{}:{}: {}", opts_.config, line.line, r.err);
                return r.status;
            }
            if (!r.out.empty()) err_ << r.out;
        }
        std::stable_sort(timed_.begin(), timed_.end(), [](auto* a, auto* b) { return *a->at < *b->at; });
        for (const auto& s : engine_.ipvs().services()) err_ << "tapvs: " << service_line(*s) << "\n";

        if (int rc = open_ports()) return rc;
        observers_.list.push_back(&logger_);
        if (!opts_.record_dir.empty())
            if (int rc = open_recording(opts_.record_dir)) return rc;
        engine_.set_observer(&observers_);

        asio::signal_set signals(io_, SIGINT, SIGTERM);
        signals.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            stop_signal_ = sig;
            io_.stop();
        });
        for (auto& p : ports_) wait_readable(*p);
        arm_timer();
        if (int rc = open_control()) return rc;  // control socket
        const auto t0 = std::chrono::steady_clock::now();
        io_.run();
        control_.reset();  // control socket: removed on a clean exit
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        engine_.set_observer(nullptr);
        if (int rc = close_recording()) return rc;
        print_counters(elapsed);
        return 0;
    }

private:
    static core::EngineConfig make_config(const LiveOptions& o) {
        core::EngineConfig cfg;
        cfg.ipvs.seed = o.seed;
        return cfg;
    }

    int open_ports() {
        std::map<std::string, std::string> tap_of;
        for (const auto& [port, tap] : opts_.ports) {
            tap_of[port] = tap;
            engine_.host().port_id(port);  // a port the configuration did not name still gets its TAP
        }
        const auto& hp = engine_.host().ports();
        const bool offloads = !opts_.no_offloads && opts_.record_dir.empty();
        bool all_vnet = true;
        sink_.by_id.assign(hp.size(), nullptr);
        sink_.log = &err_;
        for (std::size_t i = 0; i < hp.size(); ++i) {
            if (hp[i].loopback) continue;
            auto p = std::make_unique<LivePort>();
            p->id = static_cast<core::PortId>(i);
            p->name = hp[i].name;
            auto it = tap_of.find(p->name);
            auto tap = TapDevice::open(it == tap_of.end() ? p->name : it->second, offloads);
            if (!tap) {
                err_ << "tapvs run: " << tap.error() << "\n";
                return 1;
            }
            p->tap_name = tap->name();
            p->vnet = tap->vnet_hdr();
            all_vnet = all_vnet && p->vnet;
            p->fd = tap->release();
            p->sd = std::make_unique<asio::posix::stream_descriptor>(io_, p->fd);  // owns and closes the fd
            p->buf.resize(net::kFrameHeadroom + kMaxFrame);
            err_ << fmt::format("tapvs: port {} on TAP {} as {}{}{}\n", p->name, p->tap_name, hp[i].mac.to_string(),
                                hp[i].addrs.empty() ? std::string{} : ", " + hp[i].addrs.front().addr.to_string(),
                                p->vnet ? ", offloads on (checksum, TSO)" : "");
            sink_.by_id[i] = p.get();
            ports_.push_back(std::move(p));
        }
        sink_.offloads = all_vnet && !ports_.empty();
        if (ports_.empty()) {
            err_ << "tapvs run: the configuration names no port\n";
            return 1;
        }
        return 0;
    }

    // Recording into `dir` (created if missing): <port>.pcap, <port>.in.pcap, trace.jsonl; the trace's
    // times count from the run's start whatever the directory.
    int open_recording(const std::string& dir_name) {
        const std::filesystem::path dir(dir_name);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            err_ << "tapvs run: " << dir_name << ": " << ec.message() << "\n";
            return 1;
        }
        for (auto& p : ports_) {
            auto sent = PcapWriter::open((dir / (p->name + ".pcap")).string());
            auto received = PcapWriter::open((dir / (p->name + ".in.pcap")).string());
            if (!sent || !received) {
                err_ << "tapvs run: " << (sent ? received.error() : sent.error()) << "\n";
                return 1;
            }
            p->sent_pcap = std::move(sent.value());
            p->received_pcap = std::move(received.value());
        }
        trace_file_ = std::make_unique<std::ofstream>(dir / "trace.jsonl", std::ios::binary);
        if (!*trace_file_) {
            err_ << "tapvs run: cannot write " << (dir / "trace.jsonl").string() << "\n";
            return 1;
        }
        trace_ = std::make_unique<TraceWriter>(*trace_file_, engine_.host());
        trace_->write_header(TraceHeader{start_, opts_.seed, opts_.config});
        observers_.list.push_back(trace_.get());
        record_dir_ = dir_name;
        return 0;
    }

    // Ends the recording in record_dir_ (if any): the files are flushed and closed and
    // director.conf is written beside them.
    int close_recording() {
        if (record_dir_.empty()) return 0;
        for (auto& p : ports_) {
            if (p->sent_pcap) p->sent_pcap->flush();
            if (p->received_pcap) p->received_pcap->flush();
            p->sent_pcap.reset();
            p->received_pcap.reset();
        }
        std::erase(observers_.list, static_cast<core::EngineObserver*>(trace_.get()));
        trace_.reset();
        if (trace_file_) trace_file_->flush();
        trace_file_.reset();
        const int rc = write_recorded_config(record_dir_);
        record_dir_.clear();
        return rc;
    }

    // `tapvs record DIR` through the control socket (tapvs lab, one directory per step): the recording
    // moves on to DIR; `tapvs record off` ends it. Only a run started with --record takes it, so that
    // the TAPs have no offloads and every recording holds wire frames.
    static bool is_record_request(const ControlRequest& req) {
        return req.words.size() >= 2 && req.words[0] == "tapvs" && req.words[1] == "record";
    }
    ctl::Reply rotate_recording(const ControlRequest& req) {
        ctl::Reply r;
        if (req.words.size() != 3 || req.words[2].empty()) {
            r.status = 2;
            r.err = "tapvs record: usage: tapvs record DIR|off\n";
            return r;
        }
        if (opts_.record_dir.empty()) {
            r.status = 1;
            r.err = "tapvs record: this run was started without --record\n";
            return r;
        }
        if (close_recording() != 0) {
            r.status = 1;
            r.err = "tapvs record: could not finish the recording\n";
            return r;
        }
        if (req.words[2] == "off") return r;
        if (open_recording(req.words[2]) != 0) {
            r.status = 1;
            r.err = "tapvs record: cannot record in " + req.words[2] + "\n";
        }
        return r;
    }

    // DIR/director.conf: the configuration file as given, then the commands that came through the
    // control socket as timed lines; with --epoch set to this run's start, `tapvs replay` applies
    // every line at the time the live engine did.
    int write_recorded_config(const std::string& dir_name) {
        const std::filesystem::path dir(dir_name);
        std::ifstream in(opts_.config, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!text.empty() && text.back() != '\n') text += '\n';
        const std::int64_t us = start_.us();
        const std::string epoch = fmt::format("{}.{:06}", us / 1000000, us % 1000000);
        std::string ports;
        for (const auto& p : ports_) ports += fmt::format(" --port {}={}.in.pcap", p->name, (dir / p->name).string());
        std::ofstream f(dir / "director.conf", std::ios::binary);
        f << "# tapvs run --record: " << opts_.config << " as given, then the commands given through the control\n"
          << "# socket while it ran (@ seconds after the run started). Replay with\n"
          << "#   tapvs replay --config " << (dir / "director.conf").string() << " --epoch " << epoch << ports << "\n"
          << text;
        if (!recorded_.empty()) f << "# through the control socket:\n";
        for (const auto& l : recorded_) f << l << "\n";
        if (!f) {
            err_ << "tapvs run: cannot write " << (dir / "director.conf").string() << "\n";
            return 1;
        }
        err_ << fmt::format("tapvs: recorded in {}; replay with\n  tapvs replay --config {} --epoch {}{}\n",
                            dir_name, (dir / "director.conf").string(), epoch, ports);
        return 0;
    }

    // ---- control socket (io/control.hpp): tapvsadm's requests, served in this loop ----
    int open_control() {
        const std::string path = control_socket_path(opts_.socket);
        auto srv = ControlServer::open(io_, path, [this](const ControlRequest& req) { return on_control(req); });
        if (!srv) {
            err_ << "tapvs run: control socket: " << srv.error() << "\n";
            return 1;
        }
        control_ = std::move(srv.value());
        err_ << fmt::format("tapvs: control socket {}\n", path);
        return 0;
    }

    // One request at the current time, after the timers that were due; the services are logged
    // when the request changed them.
    ctl::Reply on_control(const ControlRequest& req) {
        if (is_record_request(req)) return rotate_recording(req);
        const Timestamp now = stamp_now();
        engine_.expire(now, sink_);
        std::string before;
        for (const auto& s : engine_.ipvs().services()) before += "tapvs: " + service_line(*s) + "\n";
        ctl::Reply r = serve_request(engine_, req, now);
        if (!opts_.record_dir.empty()) {  // recording: the replay's configuration gets the change, at its time
            const std::int64_t us = (now - start_).count() / 1000;
            for (auto& l : recordable_lines(req)) recorded_.push_back(fmt::format("@{}.{:06} {}", us / 1000000, us % 1000000, l));
        }
        std::string after;
        for (const auto& s : engine_.ipvs().services()) after += "tapvs: " + service_line(*s) + "\n";
        if (after != before) {
            std::string line;
            for (const auto& w : req.words) line += (line.empty() ? "" : " ") + w;
            err_ << "tapvs: control: " << line << "\n" << (after.empty() ? "tapvs: no services\n" : after);
        }
        arm_timer();
        return r;
    }

    void wait_readable(LivePort& p) {
        p.sd->async_wait(asio::posix::descriptor_base::wait_read, [this, &p](const boost::system::error_code& ec) {
            if (ec) {
                if (ec != asio::error::operation_aborted)
                    err_ << fmt::format("tapvs: port {} ({}): {}\n", p.name, p.tap_name, ec.message());
                return;
            }
            read_frames(p);
            arm_timer();
            wait_readable(p);
        });
    }

    // Up to kReadBatch frames, each stamped once at arrival and handed to the engine.
    void read_frames(LivePort& p) {
        // With a virtio header it is read into the end of the headroom, so the frame starts where
        // the engine expects it.
        const std::size_t hdr = p.vnet ? net::kVnetHdrLen : 0;
        for (int i = 0; i < kReadBatch; ++i) {
            const ssize_t n = ::read(p.fd, p.buf.data() + net::kFrameHeadroom - hdr, kMaxFrame + hdr);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) ++p.rx_errors;
                return;
            }
            if (static_cast<std::size_t>(n) <= hdr) return;
            const Timestamp now = stamp_now();
            const auto len = static_cast<std::size_t>(n) - hdr;
            if (p.received_pcap) p.received_pcap->write(now, net::ConstBytes{p.buf.data() + net::kFrameHeadroom, len});
            net::FrameBuf frame{net::Bytes{p.buf}, net::kFrameHeadroom, len};
            if (p.vnet) frame.offload = net::read_vnet_hdr(net::ConstBytes{p.buf.data() + net::kFrameHeadroom - hdr, hdr});
            engine_.handle(p.id, frame, now, sink_);
        }
    }

    // The timer: the engine's next timer or the next timed configuration line, whichever is first.
    void arm_timer() {
        Timestamp next = engine_.next_timer();
        if (next_timed_ < timed_.size()) {
            const Timestamp t = start_ + seconds_f(*timed_[next_timed_]->at);
            if (next == Timestamp{} || t < next) next = t;
        }
        if (next == Timestamp{} || (timer_armed_ && armed_for_ <= next)) return;
        armed_for_ = next;
        timer_armed_ = true;
        const auto delay = std::max(core::Duration{0}, next - stamp_now());
        timer_.expires_after(delay);  // cancels a later wait: its handler sees operation_aborted
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec == asio::error::operation_aborted) return;
            timer_armed_ = false;
            on_timer();
            arm_timer();
        });
    }

    void on_timer() {
        const Timestamp now = stamp_now();
        while (next_timed_ < timed_.size() && start_ + seconds_f(*timed_[next_timed_]->at) <= now) {
            const auto* line = timed_[next_timed_++];
            const Timestamp t = start_ + seconds_f(*line->at);
            engine_.expire(t, sink_);
            ctl::Reply r = ctl::execute(engine_, line->cmd, t);
            if (r.status != 0) err_ << fmt::format("{}:{}: {}", opts_.config, line->line, r.err);
            else err_ << fmt::format("tapvs: {}:{} applied at +{}s\n", opts_.config, line->line, *line->at);
            for (const auto& s : engine_.ipvs().services()) err_ << "tapvs: " << service_line(*s) << "\n";
        }
        engine_.expire(now, sink_);
    }

    void print_counters(double elapsed) {
        const Timestamp now = stamp_now();
        const auto& st = engine_.stats();
        rusage ru{};
        ::getrusage(RUSAGE_SELF, &ru);
        const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        std::uint64_t rx_total = 0;
        out_ << fmt::format("tapvs run: stopped by {} after {:.3f} s\n", stop_signal_ == SIGINT ? "SIGINT" : "SIGTERM",
                            elapsed);
        out_ << fmt::format("\n{:<8} {:<16} {:>10} {:>12} {:>10} {:>12} {:>10} {:>9}\n", "port", "tap", "rx frames",
                            "rx bytes", "tx frames", "tx bytes", "tx failed", "rx errors");
        for (const auto& p : ports_) {
            const core::PortCounters c = p->id < st.ports.size() ? st.ports[p->id] : core::PortCounters{};
            rx_total += c.rx_frames;
            out_ << fmt::format("{:<8} {:<16} {:>10} {:>12} {:>10} {:>12} {:>10} {:>9}\n", p->name, p->tap_name,
                                c.rx_frames, c.rx_bytes, c.tx_frames, c.tx_bytes, p->tx_dropped, p->rx_errors);
        }
        out_ << fmt::format("\nARP requests sent {}, ARP replies sent {}, ICMP sent {}, forwarded {}\n",
                            st.arp_requests_sent, st.arp_replies_sent, st.icmp_sent, st.forwarded);
        out_ << fmt::format("CPU {:.3f} s (user + system) for {} frames in: {:.0f} frames per CPU second\n", cpu,
                            rx_total, cpu > 0 ? static_cast<double>(rx_total) / cpu : 0.0);
        bool any_drop = false;
        for (std::size_t r = 0; r < net::kDropReasonCount; ++r) {
            const auto n = st.drops[r];
            if (!n) continue;
            if (!any_drop) out_ << "\nDropped frames:\n";
            any_drop = true;
            out_ << fmt::format("  {:>8}  {:<24} {}\n", n, net::drop_reason_name(static_cast<net::DropReason>(r)),
                                net::drop_reason_text(static_cast<net::DropReason>(r)));
        }
        ctl::cmd::List list;
        list.opts.numeric = true;
        out_ << "\nipvsadm -L -n:\n" << ctl::format_list(engine_.ipvs(), list, now);
        list.opts.stats = true;
        out_ << "\nipvsadm -L -n --stats:\n" << ctl::format_list(engine_.ipvs(), list, now);
        out_.flush();
    }

    const LiveOptions& opts_;
    std::ostream& out_;
    std::ostream& err_;
    asio::io_context io_{1};
    asio::steady_timer timer_{io_};
    core::Engine engine_;
    Logger logger_;
    core::ObserverList observers_;
    TapSink sink_;
    std::vector<std::unique_ptr<LivePort>> ports_;
    std::vector<const ctl::ConfigLine*> timed_;
    std::size_t next_timed_ = 0;
    Timestamp start_{};
    Timestamp armed_for_{};
    bool timer_armed_ = false;
    int stop_signal_ = 0;
    std::unique_ptr<std::ofstream> trace_file_;
    std::unique_ptr<TraceWriter> trace_;
    std::unique_ptr<ControlServer> control_;  // control socket; after io_, so it closes first
    std::vector<std::string> recorded_;       // control requests that changed something, as timed lines
    std::string record_dir_;                  // where the recording goes now ("" = nowhere)
};

}  // namespace

int run_live(const LiveOptions& opts, std::ostream& out, std::ostream& err) {
    int status = 0;
    auto parsed = load_config(opts.config, "tapvs run", err, &status);
    if (!parsed) return status;
    Live live(opts, out, err);
    return live.run(parsed.value());
}

}  // namespace tapvs::io
