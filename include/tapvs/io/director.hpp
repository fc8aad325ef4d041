// The director: everything `tapvs run` and `tapvs replay` share, in one driver. It owns the engine,
// its configuration file and the file's timed lines, the recording (recording.hpp) and the summary
// of a run. It reads no clock and owns no device: the front ends feed it frames and time.
//
//   tapvs run     TAPs, the Asio loop and the control socket (live.cpp): frames stamped at arrival
//   tapvs replay  frames from captures in timestamp order (replay.cpp), also for --compare, --timing
//
// The configuration runs as it would on a director configured by a shell script at the epoch (the
// run's start, or a replay's --epoch, else its first frame): the plain lines at the epoch in file
// order, each `@T` line at epoch + T (lines of equal T in file order), after the engine's timers
// due by then. A frame is handed to the engine after the lines due at its time.
//
//   io::Director d(io::Director::Options{.config = path, .program = "tapvs replay"}, lines, err);
//   if (int rc = d.start(epoch)) return rc;
//   d.feed(port, frame, t, sink);        // for each frame, in time order
//   d.advance(end, sink);                // the timers and lines due by the end
//   d.print_drops(out);
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/core/engine.hpp"
#include "tapvs/ctl/config.hpp"
#include "tapvs/io/control.hpp"
#include "tapvs/io/recording.hpp"

namespace tapvs::io {

class Director {
public:
    struct Options {
        std::string config;                // the configuration file, as given ("PATH:LINE: message")
        std::string program;               // "tapvs run", "tapvs replay": the prefix of messages
        std::uint64_t seed = 1;            // the twos scheduler's generator
        std::uint32_t expected_conns = 0;  // the connection table's size up front (0: the engine's default)
        bool announce = false;  // tapvs run: say on `log` what each timed line did and the services it left
    };

    // A configuration file, read and parsed whole before anything of it is applied.
    struct Config {
        std::string text;                     // as read (a recording's director.conf starts with it)
        std::vector<ctl::ConfigLine> lines;
    };
    // On a mistake the message is on `log` ("PROGRAM: cannot read PATH", or the parser's "PATH:LINE:
    // message"), nullopt is returned and *status is the exit status.
    static std::optional<Config> read_config(const std::string& path, std::string_view program, std::ostream& log,
                                             int* status);
    // read_config(opts.config) and a director over it; nullptr on a mistake.
    static std::unique_ptr<Director> load(Options opts, std::ostream& log, int* status);
    Director(Options opts, Config config, std::ostream& log);
    ~Director();
    Director(const Director&) = delete;
    Director& operator=(const Director&) = delete;

    // ---- the configuration ----
    // The plain lines at `epoch`, in file order, up to the first that fails (its "PATH:LINE:
    // message" on the log; its status returned). A line's output (a config's `ipvsadm -L`) goes to
    // `echo` when given.
    int start(core::Timestamp epoch, std::ostream* echo = nullptr);
    core::Timestamp epoch() const noexcept { return epoch_; }
    // The timed lines' times, in the order they run: seconds after the epoch.
    std::vector<double> timed_seconds() const;
    // When the next timed line is due; nullopt when every one has run.
    std::optional<core::Timestamp> next_line_due() const noexcept;
    // Runs the next timed line at its own time, after the engine's timers due then. Its failure is
    // said on the log and the run goes on, as a shell script's next line would.
    void run_next_line(core::PacketSink& sink);
    // Every timed line due at or before `now`, then the engine's timers due at `now`.
    void advance(core::Timestamp now, core::PacketSink& sink);
    // The earliest time advance() has work: the engine's next timer or the next line (default: none).
    core::Timestamp next_event() const noexcept;

    // ---- frames (the per-packet path: no allocation beyond the engine's) ----
    void feed(core::PortId in, net::FrameBuf& frame, core::Timestamp now, core::PacketSink& sink) {
        if (next_due_ <= now) run_lines_due(now, sink);
        engine_.handle(in, frame, now, sink);
    }

    // ---- observers: the recording's trace and the front end's own, in the order added ----
    void observe(core::EngineObserver* o);
    void unobserve(core::EngineObserver* o);

    // ---- the control socket (tapvs run) ----
    // One request at `now`, after what is due by then: `tapvs record DIR|off` moves the recording
    // (only a director started recording takes it); anything else goes through serve_request, is
    // kept for the recording's director.conf as timed lines, and the services are said on the log
    // when it changed them.
    ctl::Reply serve(const ControlRequest& req, core::Timestamp now, core::PacketSink& sink);

    // ---- the recording ----
    // Starts recording into `dir`, the trace counting from `start`. `live`: also the frames
    // received, and director.conf and recording.json at the end (tapvs run). Errors on the log.
    int record(const std::string& dir, core::Timestamp start, bool live);
    // Ends the recording (if any); with `live` says on the log how to replay it.
    int finish_recording();
    Recording* recording() noexcept { return recording_.get(); }

    // ---- the summary ----
    // "Dropped frames:" with a line per reason counted, nothing when none was.
    void print_drops(std::ostream& out) const;
    // `ipvsadm -L -n` and `ipvsadm -L -n --stats` at `now`; `heading` follows the first ("ipvsadm
    // -L -n" + heading + ":").
    void print_listings(std::ostream& out, core::Timestamp now, std::string_view heading) const;
    // "tapvs: service TCP 192.168.1.10:80 rr: 172.16.10.212:80 masq weight 1, ..." a line per
    // service ("" when there is none): the log's view of the services.
    std::string services_text() const;

    core::Engine& engine() noexcept { return engine_; }
    const core::Engine& engine() const noexcept { return engine_; }
    const Options& options() const noexcept { return opts_; }

private:
    void run_lines_due(core::Timestamp now, core::PacketSink& sink);
    void attach_observers();
    ctl::Reply rotate_recording(const ControlRequest& req);

    Options opts_;
    std::ostream& log_;
    core::Engine engine_;
    Config config_;
    bool started_ = false;
    std::vector<const ctl::ConfigLine*> timed_;  // sorted by time, stable
    std::size_t next_timed_ = 0;
    core::Timestamp next_due_{core::Duration::max()};  // the next line's time (max: none left)
    core::Timestamp epoch_{};
    core::ObserverList observers_;
    std::unique_ptr<Recording> recording_;
    bool recording_live_ = false;
    bool recorded_ever_ = false;
    core::Timestamp recording_start_{};
    std::vector<std::string> control_lines_;  // the control socket's commands, as timed lines
};

}  // namespace tapvs::io
