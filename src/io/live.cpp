#include "tapvs/io/live.hpp"

// Boost 1.74's Asio uses std::exchange without including <utility> (g++ 12, C++20).
#include <utility>

#include <boost/asio.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tapvs/core/engine.hpp"
#include "tapvs/io/control.hpp"
#include "tapvs/io/director.hpp"
#include "tapvs/io/event_log.hpp"
#include "tapvs/io/tap.hpp"
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

struct LivePort {
    core::PortId id = core::kNoPort;
    std::string name;      // the engine's port name (eth0)
    std::string tap_name;  // the TAP device's name
    int fd = -1;
    bool vnet = false;     // reads and writes start with a struct virtio_net_hdr
    std::unique_ptr<asio::posix::stream_descriptor> sd;
    std::vector<std::uint8_t> buf;
    std::uint64_t tx_dropped = 0;   // writes that failed (EIO while the link is down, ENOBUFS, ...)
    std::uint64_t rx_errors = 0;    // reads that failed with something other than EAGAIN
    bool link_down = false;
};

// Frames the engine sends: written to their port's TAP (and to the recording, when there is one).
class TapSink final : public core::PacketSink {
public:
    std::vector<LivePort*> by_id;  // indexed by PortId; nullptr for ports without a TAP (lo)
    std::ostream* log = nullptr;
    Director* director = nullptr;

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
        if (Recording* rec = director->recording()) rec->sent(port, when, frame);
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

class Live {
public:
    Live(const LiveOptions& opts, std::unique_ptr<Director> director, std::ostream& out, std::ostream& err)
        : opts_(opts), out_(out), err_(err), director_(std::move(director)),
          log_(err, director_->engine().host(), opts.verbose) {
        sink_.director = director_.get();
    }

    int run() {
        const Timestamp start = stamp_now();
        if (int rc = director_->start(start, &err_)) return rc;
        err_ << director_->services_text();

        if (int rc = open_ports()) return rc;
        director_->observe(&log_);
        if (!opts_.record_dir.empty())
            if (int rc = director_->record(opts_.record_dir, start, true)) return rc;

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
        director_->unobserve(&log_);
        if (int rc = director_->finish_recording()) return rc;
        print_counters(elapsed);
        return 0;
    }

private:
    core::Engine& engine() { return director_->engine(); }

    int open_ports() {
        std::map<std::string, std::string> tap_of;
        for (const auto& [port, tap] : opts_.ports) {
            tap_of[port] = tap;
            engine().host().port_id(port);  // a port the configuration did not name still gets its TAP
        }
        const auto& hp = engine().host().ports();
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

    // ---- control socket (io/control.hpp): tapvsadm's requests, served in this loop ----
    int open_control() {
        const std::string path = control_socket_path(opts_.socket);
        auto srv = ControlServer::open(io_, path, [this](const ControlRequest& req) {
            ctl::Reply r = director_->serve(req, stamp_now(), sink_);
            arm_timer();
            return r;
        });
        if (!srv) {
            err_ << "tapvs run: control socket: " << srv.error() << "\n";
            return 1;
        }
        control_ = std::move(srv.value());
        err_ << fmt::format("tapvs: control socket {}\n", path);
        return 0;
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
            if (Recording* rec = director_->recording())
                rec->received(p.id, now, net::ConstBytes{p.buf.data() + net::kFrameHeadroom, len});
            net::FrameBuf frame{net::Bytes{p.buf}, net::kFrameHeadroom, len};
            if (p.vnet) frame.offload = net::read_vnet_hdr(net::ConstBytes{p.buf.data() + net::kFrameHeadroom - hdr, hdr});
            director_->feed(p.id, frame, now, sink_);
        }
    }

    // The timer: the engine's next timer or the next timed configuration line, whichever is first.
    void arm_timer() {
        const Timestamp next = director_->next_event();
        if (next == Timestamp{} || (timer_armed_ && armed_for_ <= next)) return;
        armed_for_ = next;
        timer_armed_ = true;
        const auto delay = std::max(core::Duration{0}, next - stamp_now());
        timer_.expires_after(delay);  // cancels a later wait: its handler sees operation_aborted
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec == asio::error::operation_aborted) return;
            timer_armed_ = false;
            director_->advance(stamp_now(), sink_);
            arm_timer();
        });
    }

    void print_counters(double elapsed) {
        const Timestamp now = stamp_now();
        const auto& st = engine().stats();
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
        director_->print_drops(out_);
        director_->print_listings(out_, now, "");
        out_.flush();
    }

    const LiveOptions& opts_;
    std::ostream& out_;
    std::ostream& err_;
    asio::io_context io_{1};
    asio::steady_timer timer_{io_};
    std::unique_ptr<Director> director_;
    EventLog log_;
    TapSink sink_;
    std::vector<std::unique_ptr<LivePort>> ports_;
    Timestamp armed_for_{};
    bool timer_armed_ = false;
    int stop_signal_ = 0;
    std::unique_ptr<ControlServer> control_;  // control socket; after io_, so it closes first
};

}  // namespace

int run_live(const LiveOptions& opts, std::ostream& out, std::ostream& err) {
    int status = 0;
    auto director = Director::load({.config = opts.config, .program = "tapvs run", .seed = opts.seed, .announce = true},
                                   err, &status);
    if (!director) return status;
    Live live(opts, std::move(director), out, err);
    return live.run();
}

}  // namespace tapvs::io
