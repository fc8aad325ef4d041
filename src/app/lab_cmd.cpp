#include "app/lab_cmd.hpp"

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "tapvs/lab/report.hpp"
#include "tapvs/lab/runner.hpp"
#include "tapvs/lab/tools.hpp"
#include "tapvs/lab/topology.hpp"

namespace tapvs::app {

namespace {

void finish(int rc) {
    if (rc != 0) throw CLI::RuntimeError(rc);
}

void add_tools(CLI::App& lab) {
    auto* tool = lab.add_subcommand("tool", "The small programs a lab runs inside its namespaces");
    tool->require_subcommand(1);

    auto web = std::make_shared<lab::WebOptions>();
    auto* w = tool->add_subcommand("web", "HTTP server naming itself (X-Served-By, {{server}} in .html)");
    w->add_option("--root", web->root, "Document root")->required();
    w->add_option("--name", web->name, "The name it answers with")->required();
    w->add_option("--bind", web->bind, "Address to listen on");
    w->add_option("--port", web->port, "Port")->default_val(80);
    w->callback([web] { finish(lab::run_web(*web, std::cout, std::cerr)); });

    auto fetch = std::make_shared<lab::FetchOptions>();
    auto* f = tool->add_subcommand("fetch", "HTTP requests, one line each naming the server that answered");
    f->add_option("--host", fetch->host, "Address")->required();
    f->add_option("--port", fetch->port, "Port")->default_val(80);
    f->add_option("--path", fetch->path, "Path")->default_val("/");
    f->add_option("--count", fetch->count, "Requests")->default_val(1)->check(CLI::Range(1, 100000));
    f->add_option("--upload", fetch->upload, "POST this many bytes instead of a GET");
    f->add_option("--timeout", fetch->timeout, "Seconds per request")->default_val(2.0);
    f->add_flag("--keep", fetch->keep, "One connection; wait for a line on stdin before each request after the first");
    f->add_flag("--stop-on-error", fetch->stop_on_error, "Try no more requests after one failed");
    f->callback([fetch] { finish(lab::run_fetch(*fetch, std::cout, std::cerr)); });

    auto cap = std::make_shared<std::pair<std::string, std::string>>();
    auto* c = tool->add_subcommand("capture", "Capture an interface into a pcap file until SIGINT/SIGTERM");
    c->add_option("--iface", cap->first, "Interface")->required();
    c->add_option("--out", cap->second, "pcap file")->required();
    c->callback([cap] { finish(lab::run_capture(cap->first, cap->second, std::cout, std::cerr)); });

    auto arp = std::make_shared<std::tuple<std::string, std::string, int>>("", "", 1000);
    auto* a = tool->add_subcommand("arp", "Broadcast an ARP request and print every answer");
    a->add_option("--iface", std::get<0>(*arp), "Interface")->required();
    a->add_option("--target", std::get<1>(*arp), "Address asked for")->required();
    a->add_option("--wait", std::get<2>(*arp), "Milliseconds to collect answers")->default_val(1000);
    a->callback([arp] {
        finish(lab::run_arp_probe(std::get<0>(*arp), std::get<1>(*arp), std::get<2>(*arp), std::cout, std::cerr));
    });

    auto ping = std::make_shared<std::pair<std::string, int>>("", 1);
    auto* p = tool->add_subcommand("ping", "ICMP echo");
    p->add_option("target", ping->first, "Address")->required();
    p->add_option("--count", ping->second, "Echo requests")->default_val(1);
    p->callback([ping] { finish(lab::run_ping(ping->first, ping->second, std::cout, std::cerr)); });

    auto tun = std::make_shared<std::string>("tunl0");
    auto* t = tool->add_subcommand("ipip", "A TUN real server's IP-in-IP decapsulation in userspace");
    t->add_option("--tunnel", *tun, "The TAP the inner packets arrive on")->default_val("tunl0");
    t->callback([tun] { finish(lab::run_ipip(*tun, std::cout, std::cerr)); });
}

}  // namespace

void add_lab_command(CLI::App& app) {
    auto* lab = app.add_subcommand("lab", "The guide's labs (NAT, DR, TUN, ...) in network namespaces, step by step");
    lab->require_subcommand(1);

    lab->add_subcommand("list", "The labs there are")->callback([] { finish(lab::list_labs(std::cout, std::cerr)); });

    auto opts = std::make_shared<lab::RunOptions>();
    auto* run = lab->add_subcommand("run", "Run a lab as root: build its namespaces, run and check each step, record "
                                           "it under OUT/NAME/, write OUT/NAME/report.html, remove everything at the end");
    run->add_option("name", opts->lab, "A lab's name (tapvs lab list) or its directory")->required();
    run->add_option("--step", opts->step, "Run the steps up to N, then stop");
    run->add_flag("--pause", opts->pause, "Wait for Enter before each step");
    run->add_flag("--keep", opts->keep, "Leave the lab up afterwards and print how to enter each host");
    run->add_option("--out", opts->out, "Where the recordings go (OUT/NAME/step-N/)")->default_val("out");
    auto color = std::make_shared<std::pair<bool, bool>>(false, false);
    run->add_flag("--color", color->first, "Colour even when stdout is not a terminal");
    run->add_flag("--no-color", color->second, "No colour (also when NO_COLOR is set)");
    run->callback([opts, color] {
        if (color->first) opts->color = 1;
        if (color->second) opts->color = 0;
        finish(lab::run_lab(*opts, std::cout, std::cerr));
    });

    auto down_name = std::make_shared<std::string>();
    auto* down = lab->add_subcommand("down", "Remove what a lab run left behind (all runs, or those of lab NAME)");
    down->add_option("name", *down_name, "A lab's name");
    down->callback([down_name] { finish(lab::lab_down(*down_name, std::cout, std::cerr)); });

    auto rp = std::make_shared<std::pair<std::string, int>>("", 1);
    auto* replay = lab->add_subcommand("replay", "Replay a recorded step and compare its decisions with the live run");
    replay->add_option("recording", rp->first, "OUT/NAME, as tapvs lab run wrote it")->required();
    replay->add_option("--step", rp->second, "The step")->required();
    replay->callback([rp] { finish(lab::replay_step(rp->first, rp->second, std::cout, std::cerr)); });

    auto rec = std::make_shared<std::string>();
    auto* report = lab->add_subcommand("report", "Write OUT/NAME/report.html again from a run's recording (lab run "
                                                 "writes it at the end of every run)");
    report->add_option("recording", *rec, "OUT/NAME, as tapvs lab run wrote it")->required();
    report->callback([rec] {
        std::string error;
        if (!lab::write_report(*rec, &error)) {
            std::cerr << "tapvs lab report: " << error << "\n";
            finish(1);
        }
        std::cout << *rec << "/report.html\n";
    });

    add_tools(*lab);
}

}  // namespace tapvs::app
