// tapvs: LVS (IPVS) as a userspace engine. Subcommands: run, ctl, replay, trace, lab, grade.
// (serve is not built yet: README says so.)
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/ctl_client.hpp"
#include "app/grade_cmd.hpp"
#include "app/lab_cmd.hpp"
#include "tapvs/ctl/config.hpp"
#include "app/run_cmd.hpp"
#include "app/trace_cmd.hpp"
#include "tapvs/io/replay.hpp"

int main(int argc, char** argv) {
    CLI::App app{"tapvs: Linux Virtual Server (IPVS) as a userspace engine you can watch"};
    app.require_subcommand(1);

    tapvs::io::ReplayOptions replay;
    std::vector<std::string> port_args;
    std::string bare_capture;
    auto* rp = app.add_subcommand("replay", "Feed captures through the director offline, in timestamp order");
    rp->add_option("--config", replay.config, "The director's configuration (the guide's commands)")->required();
    rp->add_option("--port", port_args, "PORT=CAPTURE: frames of CAPTURE arrive on port PORT (repeatable)");
    rp->add_option("capture", bare_capture, "A capture for the first port the configuration names");
    rp->add_option("--out", replay.out_dir, "Write the frames the director sent to DIR/<port>.pcap");
    rp->add_option("--seed", replay.seed, "Seed of the twos scheduler's generator")->default_val(1);
    rp->add_option("--at", replay.at, "Print ipvsadm -L -n -c and --stats as they stood TIME seconds after the first frame (repeatable)");
    rp->add_flag("--list-at", replay.list_at, "Print when the connection table changed (to pick an --at)");
    rp->add_option("--compare", replay.compare, "Run once per scheduler (rr,wlc,sh,...) and compare them")->delimiter(',');
    rp->add_option("--plot", replay.plot, "With --compare: draw the comparison as an SVG chart");
    rp->add_flag("-q,--quiet", replay.quiet, "No line per connection in the summary");
    rp->add_flag("--timing", replay.timing, "Print frames per second on stderr, with and without file I/O");
    std::string epoch;
    rp->add_option("--epoch", epoch,
                   "SECONDS.MICROS since 1970: the configuration's clock zero (plain lines then, @T lines T s "
                   "later), as tapvs run --record writes it in DIR/director.conf; default: the first frame");

    tapvs::app::add_trace_command(app);
    tapvs::app::add_run_command(app);
    tapvs::app::add_lab_command(app);
    tapvs::app::add_grade_command(app);

    // tapvs ctl LINE: what tapvsadm does, for a line of the command language: `tapvs ctl ipvsadm -L -n`,
    // `tapvs ctl -L -n` (ipvsadm's options), `tapvs ctl ip addr add ...`, `tapvs ctl sysctl -w ...`.
    auto* ctl = app.add_subcommand("ctl", "Send one command line (ipvsadm's options, or ip/sysctl/... lines) to a "
                                          "running tapvs run, as tapvsadm does");
    ctl->prefix_command();
    int ctl_status = 0;
    ctl->callback([&] {
        std::vector<std::string> words = ctl->remaining();
        if (words.empty() || !tapvs::ctl::is_known_program(words.front())) words.insert(words.begin(), "ipvsadm");
        ctl_status = tapvs::app::ctl_client("tapvs ctl", std::move(words));
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {  // a subcommand's own exit status
        return e.get_exit_code();
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        // tapvs grade's usage errors exit 2, so a course platform tells a broken call from a bad grade.
        if (rc != 0 && app.get_subcommand("grade")->parsed()) return 2;
        return rc;
    }

    if (rp->parsed()) {
        for (const auto& a : port_args) {
            const auto eq = a.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == a.size()) {
                std::cerr << "tapvs replay: --port wants PORT=CAPTURE, not '" << a << "'\n";
                return 1;
            }
            replay.ports.emplace_back(a.substr(0, eq), a.substr(eq + 1));
        }
        if (!epoch.empty()) {
            replay.epoch_us = tapvs::io::parse_epoch(epoch);
            if (!replay.epoch_us) {
                std::cerr << "tapvs replay: --epoch wants SECONDS[.MICROSECONDS], not '" << epoch << "'\n";
                return 1;
            }
        }
        // A capture without a port name arrives on the first port the configuration made.
        if (!bare_capture.empty()) replay.ports.insert(replay.ports.begin(), {std::string(), bare_capture});
        return tapvs::io::run_replay(replay, std::cout, std::cerr);
    }
    return ctl_status;
}
