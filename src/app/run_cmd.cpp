#include "app/run_cmd.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tapvs/io/live.hpp"

namespace tapvs::app {

namespace {

struct RunArgs {
    io::LiveOptions opts;
    std::vector<std::string> ports;
};

const CLI::Validator kPortMap(
    [](std::string& s) -> std::string {
        const auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) return "--port wants PORT=TAP, not '" + s + "'";
        if (s.size() - eq - 1 > 15) return "TAP name '" + s.substr(eq + 1) + "' is longer than 15 characters";
        return {};
    },
    "PORT=TAP");

}  // namespace

void add_run_command(CLI::App& app) {
    auto args = std::make_shared<RunArgs>();
    auto* run = app.add_subcommand("run", "Run the director live on TAP devices until SIGINT or SIGTERM");
    run->add_option("--config", args->opts.config, "The director's configuration (the guide's commands)")->required();
    run->add_option("--port", args->ports,
                    "PORT=TAP: the configuration's port PORT is TAP device TAP, opened or created (repeatable; "
                    "default: a TAP named like the port)")
        ->check(kPortMap);
    run->add_option("--record", args->opts.record_dir,
                    "Write DIR/<port>.pcap (sent), DIR/<port>.in.pcap (received, arrival stamps) and "
                    "DIR/trace.jsonl, for tapvs replay (the control request `tapvs record DIR|off` moves or "
                    "ends it, as tapvs lab does per step)");
    run->add_option("--seed", args->opts.seed, "Seed of the twos scheduler's generator")->default_val(1);
    run->add_option("--socket", args->opts.socket,
                    "The control socket tapvsadm talks to (default: $TAPVS_SOCKET, else /run/tapvs/tapvs.sock)");
    run->add_flag("--no-offloads", args->opts.no_offloads,
                  "Open the TAPs without a virtio header: the kernel completes checksums and cuts TCP into "
                  "MTU-sized frames before tapvs reads them (always so with --record)");
    run->add_flag("-v,--verbose", args->opts.verbose, "One line per frame, ARP event and connection on stderr");
    run->callback([args] {
        for (const auto& a : args->ports) {
            const auto eq = a.find('=');
            args->opts.ports.emplace_back(a.substr(0, eq), a.substr(eq + 1));
        }
        if (int rc = io::run_live(args->opts, std::cout, std::cerr)) throw CLI::RuntimeError(rc);
    });
}

}  // namespace tapvs::app
