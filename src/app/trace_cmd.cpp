#include "app/trace_cmd.hpp"

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tapvs/io/trace_render.hpp"

namespace tapvs::app {

namespace {

struct TraceArgs {
    std::string file;
    std::vector<std::string> events;
    std::string client, rs, explain_client;
    std::uint64_t conn = 0;
};

const CLI::Validator kAddr(
    [](std::string& s) -> std::string {
        return io::TraceAddr::parse(s) ? std::string{} : "not an IPv4 address with an optional :PORT: " + s;
    },
    "IP[:PORT]");

const CLI::Validator kEvent(
    [](std::string& s) -> std::string {
        if (io::trace_event_from_name(s)) return {};
        return "unknown event '" + s +
               "' (events: trace rx tx drop arp schedule conn_new conn_state conn_expire)";
    },
    "EVENT");

}  // namespace

void add_trace_command(CLI::App& app) {
    auto args = std::make_shared<TraceArgs>();
    auto* trace = app.add_subcommand("trace", "Read a decision trace (trace.jsonl, docs/trace.md)");
    trace->require_subcommand(1);

    auto* show = trace->add_subcommand("show", "Print a trace as readable lines, times relative to its first event");
    show->add_option("file", args->file, "The trace (trace.jsonl)")->required();
    show->add_option("--event", args->events, "Only these events (repeatable, or comma-separated)")
        ->delimiter(',')
        ->check(kEvent);
    show->add_option("--client", args->client, "Only frames to or from IP[:PORT], its decisions and connections")
        ->check(kAddr);
    show->add_option("--rs", args->rs, "Only frames to or from the real server IP[:PORT], decisions and connections to it")
        ->check(kAddr);
    auto* conn_opt = show->add_option("--conn", args->conn, "Only the events of connection ID (its frames too)");
    show->callback([args, conn_opt] {
        io::TraceFilter f;
        for (const auto& e : args->events) f.events.push_back(*io::trace_event_from_name(e));
        if (!args->client.empty()) f.client = io::TraceAddr::parse(args->client);
        if (!args->rs.empty()) f.rs = io::TraceAddr::parse(args->rs);
        if (conn_opt->count()) f.conn = args->conn;
        if (int rc = io::run_trace_show(args->file, f, std::cout, std::cerr)) throw CLI::RuntimeError(rc);
    });

    auto* explain = trace->add_subcommand(
        "explain", "The life of a client's connection: frames in and out with their rewrite, the decision and why, "
                   "state changes, expiry");
    explain->add_option("file", args->file, "The trace (trace.jsonl)")->required();
    explain->add_option("client", args->explain_client, "The client, IP:PORT (or IP: all its connections)")
        ->required()
        ->check(kAddr);
    explain->callback([args] {
        const auto client = io::TraceAddr::parse(args->explain_client);
        if (int rc = io::run_trace_explain(args->file, *client, std::cout, std::cerr)) throw CLI::RuntimeError(rc);
    });
}

}  // namespace tapvs::app
