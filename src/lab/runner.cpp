#include "tapvs/lab/runner.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "lab/lab_run.hpp"
#include "tapvs/lab/report.hpp"
#include "tapvs/ctl/config.hpp"
#include "tapvs/io/control.hpp"

#ifndef TAPVS_SOURCE_LABS
#define TAPVS_SOURCE_LABS "labs"
#endif

namespace tapvs::lab {

namespace fs = std::filesystem;

namespace {


constexpr auto kCommandTimeout = std::chrono::milliseconds(15000);
constexpr auto kReady = std::chrono::milliseconds(10000);

double now_s() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string indent(const std::string& text, const std::string& pad = "    ") {
    std::string o;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) o += pad + l + "\n";
    return o;
}

// Words of a line, whitespace-normalised: an expectation matches a line that contains its words in order.
std::string squeeze(const std::string& s) {
    std::istringstream in(s);
    std::string w, o;
    while (in >> w) o += (o.empty() ? "" : " ") + w;
    return o;
}


}  // namespace

std::string labs_root() {
    if (const char* e = std::getenv("TAPVS_LABS"); e && *e) return e;
    std::error_code ec;
    if (fs::is_directory("labs", ec) && fs::exists("labs/nat/lab.conf", ec)) return "labs";
    // Installed (the Debian package): BINDIR/../share/tapvs/labs.
    const fs::path installed = fs::path(self_exe()).parent_path().parent_path() / "share/tapvs/labs";
    if (fs::exists(installed / "nat/lab.conf", ec)) return installed.string();
    return TAPVS_SOURCE_LABS;
}

std::string find_lab(const std::string& n) {
    if (n.find('/') != std::string::npos) return n;
    return labs_root() + "/" + n;
}

int list_labs(std::ostream& out, std::ostream& err) {
    const std::string root = labs_root();
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec))
        if (fs::exists(e.path() / "lab.conf")) names.push_back(e.path().filename().string());
    if (ec) {
        err << "tapvs lab list: " << root << ": " << ec.message() << "\n";
        return 1;
    }
    std::sort(names.begin(), names.end());
    out << "Labs in " << root << ":\n";
    for (const auto& n : names) {
        auto lab = load_lab(root + "/" + n);
        if (!lab) {
            out << fmt::format("  {:<12} (does not load: {})\n", n, lab.error().to_string());
            continue;
        }
        out << fmt::format("  {:<12} {} ({} steps)\n", n, lab.value().title, lab.value().steps.size());
    }
    out << "Run one with: tapvs lab run NAME   (as root)\n";
    return 0;
}

LabRun::LabRun(const Lab& lab, const RunOptions& o, std::ostream& out, std::ostream& err)
    : lab_(lab), o_(o), out_(out), err_(err), self_(self_exe()) {
    c_.on = o.color == 1 || (o.color == -1 && ::isatty(1) && !std::getenv("NO_COLOR"));
    out_dir_ = (fs::path(o.out) / lab.name).string();
}

int LabRun::go() {
    const std::size_t last = o_.step > 0 ? std::min<std::size_t>(static_cast<std::size_t>(o_.step), lab_.steps.size())
                                         : lab_.steps.size();
    out_ << c_.bold(fmt::format("== Lab {}: {}", lab_.name, lab_.title)) << "\n";
    if (!lab_.about.empty()) out_ << indent(lab_.about, "   ") << "\n";
    bool ok = setup();
    const bool built = ok;
    for (std::size_t i = 0; built && (ok || o_.keep_going) && i < last && !interrupt_.requested(); ++i) ok = run_step(i) && ok;
    if (topo_ && ok && !interrupt_.requested()) {
        director_call({"tapvs", "record", "off"});
    }
    for (auto& [n, c] : open_) c.proc->stop();
    open_.clear();
    write_lab_json();
    std::string report_error;
    const bool report = !steps_.empty() && write_report(out_dir_, &report_error);
    if (!steps_.empty() && !report) err_ << "tapvs lab run: the report: " << report_error << "\n";
    if (interrupt_.requested()) {
        out_ << c_.yellow("Interrupted: removing the lab's namespaces.") << "\n";
        return 130;
    }
    if (ok && o_.keep && topo_) {
        print_keep_help();
        topo_->keep();
    }
    topo_.reset();  // tear down (or, with --keep, leave running)
    if (ok) {
        out_ << c_.green(c_.bold(fmt::format("Lab {}: {} of {} steps passed.", lab_.name, last, lab_.steps.size())))
             << "\n";
        out_ << fmt::format("Recorded in {}/ (step-N/: the director's pcaps and trace, each host's capture, ipvsadm -L -n).\n"
                            "Replay a step: tapvs lab replay {} --step {}\n",
                            out_dir_, out_dir_, last);
        if (report) out_ << "The report, with a diagram of each step's traffic: " << c_.cyan(out_dir_ + "/report.html") << "\n";
        return 0;
    }
    out_ << c_.red(c_.bold(fmt::format("Lab {} stopped: a step failed. What it saw is in {}/.", lab_.name, out_dir_))) << "\n";
    if (report) out_ << "The report: " << c_.cyan(out_dir_ + "/report.html") << "\n";
    return 1;
}

bool LabRun::setup() {
    std::set<std::string> programs{"ip"};
    for (const auto& s : lab_.steps)
        for (const auto& it : s.items)
            if (it.kind == Item::Kind::command && it.not_run == Item::NotRun::no && it.host != "director")
                if (const std::string p = fs::path(it.words[0].text).filename().string(); p != "echo" && p != "cat" && p != "sysctl")
                    programs.insert(p);
    for (const auto& p : programs)
        if (!have_program(p)) {
            err_ << fmt::format("tapvs lab run: the lab runs `{}' on its hosts and it is not installed: apt-get install {}\n",
                                p, p == "ip" ? "iproute2" : "net-tools");
            return false;
        }
    std::error_code ec;
    fs::create_directories(out_dir_, ec);
    for (const auto& e : fs::directory_iterator(out_dir_, ec))  // a fresh run: the last run's recording goes
        if (e.path().filename().string().starts_with("step-") || e.path().extension() == ".json" ||
            e.path().extension() == ".log" || e.path().filename() == "report.html")
            fs::remove_all(e.path(), ec);
    if (ec) {
        err_ << "tapvs lab run: " << out_dir_ << ": " << ec.message() << "\n";
        return false;
    }
    std::ofstream topo_log(fs::path(out_dir_) / "topology.log");
    out_ << c_.bold("-- Topology") << "\n";
    auto t = Topology::build(lab_, topo_log, BuildOptions{o_.id, o_.fresh});
    if (!t) {
        err_ << "tapvs lab run: " << t.error() << "\n";
        return false;
    }
    topo_ = std::move(t.value());
    for (const auto& h : lab_.hosts) {
        std::string ifs;
        for (const auto& i : h.ifaces) ifs += fmt::format("{}{} {} on {}", ifs.empty() ? "" : ", ", i.name, i.addr, i.segment);
        out_ << fmt::format("   {:<9} {}   (namespace {})\n", h.name, ifs, topo_->ns_of(h.name));
    }
    for (const auto& p : lab_.director)
        out_ << fmt::format("   {:<9} {} on {} as {} (TAP {} in {})\n", "director", p.name, p.segment, p.mac,
                            topo_->tap_of(p.name), topo_->bridge_ns());
    return start_servers() && start_director();
}

bool LabRun::start_servers() {
    std::error_code ec;
    for (const auto& w : lab_.web) {
        std::string shared;
        if (!w.shared_dir.empty()) {  // the guide's NFS export: one directory every server reads
            shared = topo_->work() + "/export";
            fs::copy(fs::path(lab_.dir) / w.shared_dir, shared, fs::copy_options::recursive, ec);
            if (ec) {
                err_ << "tapvs lab run: " << (fs::path(lab_.dir) / w.shared_dir).string() << ": " << ec.message() << "\n";
                return false;
            }
            out_ << fmt::format("   web: {} serve {}/ (a copy of {}, standing in for the NFS export)\n",
                                fmt::join(w.hosts, " and "), shared, (fs::path(lab_.dir) / w.shared_dir).string());
        }
        for (const auto& h : w.hosts) {
            std::string root = shared;
            if (root.empty()) {
                root = topo_->work() + "/www-" + h;
                fs::create_directories(root, ec);
                std::ofstream(root + "/index.html") << "<!doctype html><title>{{server}}</title><h1>{{server}}</h1>\n";
            }
            auto p = Process::start(in_netns(topo_->ns_of(h), {self_, "lab", "tool", "web", "--root", root, "--name", h}),
                                    fmt::format("{}/web-{}.log", out_dir_, h));
            if (!p || !p.value().wait_for_line("ready", kReady)) {
                err_ << "tapvs lab run: the web server on " << h << " did not start"
                     << (p ? ": " + p.value().read_log() : ": " + p.error()) << "\n";
                return false;
            }
            topo_->adopt(std::move(p.value()), "web " + h);
        }
        if (shared.empty()) out_ << fmt::format("   web: tapvs's web server on :80 of {}, each page naming its host\n",
                                                fmt::join(w.hosts, ", "));
    }
    for (const auto& h : lab_.ipip) {
        const Ran r = run({"ip", "-n", topo_->ns_of(h), "link", "show", "tunl0"}, kCommandTimeout);
        if (r.status == 0) {
            ipip_mode_[h] = "kernel";
            out_ << fmt::format("   ipip: {} has the kernel's tunl0 (the ipip module)\n", h);
            continue;
        }
        auto p = Process::start(in_netns(topo_->ns_of(h), {self_, "lab", "tool", "ipip", "--tunnel", "tunl0"}),
                                fmt::format("{}/ipip-{}.log", out_dir_, h));
        if (!p || !p.value().wait_for_line("ready", kReady)) {
            err_ << "tapvs lab run: the IP-in-IP decapsulator on " << h << " did not start"
                 << (p ? ": " + p.value().read_log() : ": " + p.error()) << "\n";
            return false;
        }
        topo_->adopt(std::move(p.value()), "ipip " + h);
        ipip_mode_[h] = "userspace";
        out_ << fmt::format("   ipip: this kernel has no ipip module; on {} tapvs decapsulates in userspace into a "
                            "TAP named tunl0\n",
                            h);
    }
    return true;
}

bool LabRun::start_director() {
    const std::string conf = topo_->work() + "/director.conf";
    {
        std::ofstream f(conf);
        f << "# tapvs lab " << lab_.name << ": the director's ports and MACs; the steps configure the rest\n";
        for (const auto& p : lab_.director) f << "ip link set dev " << p.name << " address " << p.mac << "\n";
        if (o_.fresh.count("director"))  // a fresh machine of the guide's OS (CentOS sets these)
            f << "sysctl -q -w net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1\n";
    }
    std::vector<std::string> argv{self_, "run", "--config", conf, "--socket", topo_->socket(), "--record",
                                  out_dir_ + "/step-1"};
    for (const auto& p : lab_.director) argv.push_back("--port=" + p.name + "=" + topo_->tap_of(p.name));
    auto p = Process::start(in_netns(topo_->bridge_ns(), argv), out_dir_ + "/director.log");
    if (!p || !p.value().wait_for_line("tapvs: control socket " + topo_->socket(), kReady)) {
        err_ << "tapvs lab run: the director (tapvs run) did not start"
             << (p ? ":\n" + p.value().read_log() : ": " + p.error()) << "\n";
        return false;
    }
    topo_->adopt(std::move(p.value()), "director");
    // For --keep: `ipvsadm` on a shell's PATH that reaches this director.
    std::error_code ec;
    fs::create_directories(topo_->work() + "/bin", ec);
    fs::create_symlink(fs::path(self_).parent_path() / "tapvsadm", topo_->work() + "/bin/ipvsadm", ec);
    out_ << fmt::format("   director: tapvs run on {} (log {}/director.log)\n\n", topo_->bridge_ns(), out_dir_);
    return true;
}

ctl::Reply LabRun::director_call(const std::vector<std::string>& words) {
    io::ControlRequest req;
    req.words = words;
    auto r = io::control_call(topo_->socket(), req);
    if (!r) return ctl::Reply{1, "", "tapvs lab: the director does not answer: " + r.error() + "\n"};
    return r.value();
}

void LabRun::command(const Item& it, ItemRecord& r) {
    const auto& w = it.words;
    if (it.host == "director") {
        std::vector<std::string> words;
        for (const auto& x : w) words.push_back(x.text);
        r.ran = words;
        r.ran.insert(r.ran.begin(), "(to the director's control socket)");
        const ctl::Reply rep = director_call(words);
        r.status = rep.status, r.out = rep.out, r.err = rep.err;
        return;
    }
    const std::string ns = topo_->ns_of(it.host);
    // echo VALUE > /proc/sys/..., cat /proc/sys/... and sysctl: the parser's keys, as paths under
    // /proc/sys/net, written or read from inside the namespace, and said as the tool would (no shell,
    // no program: sysctl itself would reach keys outside the network namespace)
    const std::string program = fs::path(w[0].text).filename().string();
    if (program == "echo" || program == "cat" || program == "sysctl") {
        const auto parsed = ctl::parse_command_multi(std::span<const ctl::Word>(w));
        if (!parsed) {
            r.status = parsed.error().status ? parsed.error().status : 1, r.out = parsed.error().out, r.err = parsed.error().err;
            return;
        }
        const std::string no_such = std::strerror(ENOENT);
        for (const auto& c : parsed.value()) {
            if (const auto* set = std::get_if<ctl::cmd::SysctlSet>(&c)) {
                const std::string path = ctl::sysctl_proc_path(set->key);
                r.ran.insert(r.ran.end(), {"(write in " + ns + ")", path, set->value});
                const std::string e = netns_write(ns, path, set->value);
                if (e.empty()) {
                    if (program == "sysctl" && !set->quiet) r.out += set->key + " = " + set->value + "\n";
                } else if (program == "sysctl") {
                    r.err += e.ends_with(no_such) ? "sysctl: cannot stat " + e + "\n"
                                                  : fmt::format("sysctl: setting key \"{}\": {}\n", set->key, e.substr(e.rfind(": ") + 2));
                    r.status = 255;
                } else {
                    r.err += "bash: " + e + "\n", r.status = 1;
                }
            } else if (const auto* get = std::get_if<ctl::cmd::SysctlGet>(&c)) {
                const std::string path = ctl::sysctl_proc_path(get->key);
                r.ran.insert(r.ran.end(), {"(read in " + ns + ")", path});
                auto v = netns_read(ns, path);
                if (v)
                    r.out += get->value_only ? v.value() : get->key + " = " + v.value();
                else
                    r.err += (program == "sysctl" ? "sysctl: cannot stat " : "cat: ") + v.error() + "\n", r.status = 1;
            }
        }
        return;
    }
    // By the program's name, from the grader's PATH: a path the line gave (/sbin/ifconfig) is not run.
    std::vector<std::string> argv{program};
    for (std::size_t i = 1; i < w.size(); ++i) argv.push_back(w[i].text);
    r.ran = in_netns(ns, argv);
    const Ran ran = run(r.ran, kCommandTimeout);
    r.status = ran.status, r.out = ran.out, r.err = ran.err;
    if (ran.timed_out) r.err += "(timed out)\n";
}

void LabRun::start_captures(const StepRecord& s) {
    for (const auto& h : lab_.hosts)
        for (const auto& i : h.ifaces) {
            auto p = Process::start(in_netns(topo_->ns_of(h.name), {self_, "lab", "tool", "capture", "--iface", i.name,
                                                                    "--out", s.dir + "/" + host_capture(h.name, i.name)}),
                                    topo_->work() + "/capture-" + h.name + "-" + i.name + ".log");
            if (p && p.value().wait_for_line("ready", kReady))
                captures_.push_back(std::make_unique<Process>(std::move(p.value())));
            else
                out_ << c_.yellow(fmt::format("   (no capture of {} {}: {})", h.name, i.name,
                                              p ? p.value().read_log() : p.error()))
                     << "\n";
        }
}

void LabRun::stop_captures() {
    for (auto& p : captures_) p->stop();
    captures_.clear();
}

void LabRun::print_item(const ItemRecord& r) {
    if (r.kind == Item::Kind::command) {
        if (!r.reason.empty()) out_ << (r.ok ? c_.dim(indent(r.reason)) : c_.red(indent(r.reason)));
        if (!r.out.empty()) out_ << c_.dim(indent(r.out));
        if (!r.err.empty()) out_ << (r.status ? c_.red(indent(r.err)) : c_.dim(indent(r.err)));
        if (r.status != 0) out_ << c_.red(fmt::format("    (exit status {})", r.status)) << "\n";
        return;
    }
    const std::string mark = r.ok ? c_.green("  ok  ") : c_.red(" FAIL ");
    out_ << mark << (r.kind == Item::Kind::expect ? "expect " : r.kind == Item::Kind::open ? "open " : "check ")
         << r.text << "\n";
    if (!r.out.empty()) out_ << indent(r.out, "        ");
    for (const auto& cause : r.causes) out_ << c_.yellow(indent(cause, "        likely cause: "));
}

bool LabRun::run_step(std::size_t i) {
    const Step& step = lab_.steps[i];
    StepRecord s;
    s.n = static_cast<int>(i + 1);
    s.step = &step;
    s.title = step.title;
    s.about = step.about;
    s.dir = fmt::format("{}/step-{}", out_dir_, s.n);
    std::error_code ec;
    fs::create_directories(s.dir, ec);
    out_ << c_.bold(c_.cyan(fmt::format("-- Step {}/{}: {}", s.n, lab_.steps.size(), step.title))) << "\n";
    if (!step.about.empty()) out_ << indent(step.about, "   ");
    if (o_.pause && ::isatty(0)) {
        out_ << c_.dim("   (Enter runs this step)") << std::flush;
        std::string line;
        std::getline(std::cin, line);
    }
    s.t0 = now_s();
    if (s.n > 1) director_call({"tapvs", "record", s.dir});
    start_captures(s);
    std::optional<std::size_t> last_command;  // index in s.items
    std::vector<std::size_t> deferred;        // checks read from the captures once they are closed
    std::optional<std::size_t> failed;
    for (const auto& it : step.items) {
        if (interrupt_.requested()) break;
        ItemRecord r;
        r.kind = it.kind;
        r.host = it.host;
        r.text = it.kind == Item::Kind::check ? it.check.text : it.text;
        switch (it.kind) {
        case Item::Kind::command:
            r.source = it.source;
            if (it.not_run == Item::NotRun::error) {  // the tool's own error, known without running it
                out_ << c_.bold(it.host + "# ") << it.text << "\n";
                r.outcome = "error";
                r.err = it.reason + "\n";
                r.status = it.status ? it.status : 1;
                r.ok = false;
                break;
            }
            if (it.not_run != Item::NotRun::no) {  // a graded line decided before the run
                r.outcome = it.not_run == Item::NotRun::skipped ? "skipped" : "rejected";
                r.reason = it.reason;
                r.ok = it.not_run == Item::NotRun::skipped;
                out_ << c_.dim(fmt::format("({}) {}# {}", r.outcome, it.host, it.text)) << "\n";
                break;
            }
            out_ << c_.bold(it.host + "# ") << it.text << "\n";
            command(it, r);
            r.ok = r.status == 0;
            r.outcome = r.ok ? "done" : "error";
            break;
        case Item::Kind::expect: {
            const std::string want = squeeze(it.text);
            r.ok = false;
            if (last_command) {
                std::istringstream in(s.items[*last_command].out + s.items[*last_command].err);
                for (std::string l; !r.ok && std::getline(in, l);) r.ok = squeeze(l).find(want) != std::string::npos;
            }
            if (!r.ok) r.out = "not in the output above";
            break;
        }
        case Item::Kind::open:
            open_connection(it, r);
            break;
        case Item::Kind::check:
            if (it.check.after_step())
                deferred.push_back(s.items.size());
            else
                check(it, r, s);
            break;
        }
        s.items.push_back(std::move(r));
        if (it.kind == Item::Kind::command) last_command = s.items.size() - 1;
        if (!s.items.back().ok && o_.keep_going && it.kind == Item::Kind::command) {  // graded: go on, as a shell would
            print_item(s.items.back());
            continue;
        }
        if (!s.items.back().ok) {
            failed = s.items.size() - 1;
            break;
        }
        if (it.kind != Item::Kind::check || std::find(deferred.begin(), deferred.end(), s.items.size() - 1) == deferred.end())
            print_item(s.items.back());
    }
    // The end of the step: the table as it stands, then the captures close and the director's
    // recording moves on to the next step (nothing between two steps goes unrecorded).
    s.ipvsadm = director_call({"ipvsadm", "-L", "-n"}).out;
    std::ofstream(s.dir + "/ipvsadm.txt") << s.ipvsadm;
    stop_captures();
    const bool last = (failed && !o_.keep_going) || i + 1 == lab_.steps.size() || static_cast<int>(i + 1) == o_.step;
    director_call({"tapvs", "record", last ? std::string("off") : fmt::format("{}/step-{}", out_dir_, s.n + 1)});
    s.t1 = now_s();
    for (std::size_t k : deferred) {
        if (failed) break;
        check_deferred(step.items[k], s.items[k], s);
        if (!s.items[k].ok) failed = k;
        else print_item(s.items[k]);
    }
    if (failed) {
        s.ok = false;
        ItemRecord& r = s.items[*failed];
        const Item& it = step.items[*failed];
        if (it.kind != Item::Kind::expect) diagnose(it, r, s);
        print_item(r);
    }
    s.interrupted = interrupt_.requested() && (failed || s.items.size() < step.items.size());  // Ctrl-C cut it short
    if (s.interrupted) s.ok = false;
    out_ << (s.interrupted ? c_.yellow(fmt::format("   step {} interrupted", s.n))
             : s.ok        ? c_.green(fmt::format("   step {} passed", s.n))
                           : c_.red(fmt::format("   step {} failed", s.n)))
         << "\n\n";
    steps_.push_back(std::move(s));
    write_step_json(steps_.back());
    write_lab_json();  // so far: a run stopped from outside (the grader's time limit) still has one
    return steps_.back().ok;
}

void LabRun::write_step_json(const StepRecord& s) { write_json(s.dir + "/step.json", to_json(static_cast<const StepJson&>(s))); }

void LabRun::write_lab_json() {
    LabJson j;
    j.lab = lab_.name;
    j.title = lab_.title;
    j.about = lab_.about;
    j.steps_total = static_cast<int>(lab_.steps.size());
    j.steps_run = static_cast<int>(steps_.size());
    j.steps_asked = o_.step > 0 ? std::min(o_.step, j.steps_total) : j.steps_total;
    j.ok = !steps_.empty() && std::all_of(steps_.begin(), steps_.end(), [](const StepRecord& s) { return s.ok; });
    j.ipip = ipip_mode_;
    for (const auto& p : lab_.director) j.director.push_back({p.name, p.segment, p.mac});
    for (const auto& h : lab_.hosts) {
        LabJson::Host& x = j.hosts.emplace_back(LabJson::Host{h.name, o_.fresh.count(h.name) > 0, {}});
        for (const auto& i : h.ifaces)
            x.ifaces.push_back({i.name, i.segment, i.addr, topo_ ? topo_->mac_of(h.name, i.name) : ""});
    }
    std::error_code ec;
    fs::create_directories(out_dir_, ec);
    write_json(out_dir_ + "/lab.json", to_json(j));
}

void LabRun::print_keep_help() {
    const std::string env = fmt::format("env PATH={}/bin:$PATH TAPVS_SOCKET={}", topo_->work(), topo_->socket());
    out_ << c_.bold("-- The lab stays up (--keep). Enter a host with:") << "\n";
    out_ << fmt::format("   director:  ip netns exec {} {} bash   (ipvsadm there drives this lab's director)\n",
                        topo_->bridge_ns(), env);
    for (const auto& h : lab_.hosts)
        out_ << fmt::format("   {:<9}  ip netns exec {} {} bash\n", h.name + ":", topo_->ns_of(h.name), env);
    out_ << fmt::format("   and remove it with: tapvs lab down {}\n", lab_.name);
}

int run_lab(const RunOptions& o, std::ostream& out, std::ostream& err) {
    auto lab = load_lab(find_lab(o.lab));
    if (!lab) {
        err << "tapvs lab run: " << lab.error().to_string() << "\n";
        return 2;
    }
    if (o.step < 0 || o.step > static_cast<int>(lab.value().steps.size())) {
        err << fmt::format("tapvs lab run: lab {} has steps 1 to {}\n", lab.value().name, lab.value().steps.size());
        return 2;
    }
    if (::geteuid() != 0) {
        err << "tapvs lab run: needs root (it makes network namespaces, bridges and TAPs): sudo tapvs lab run "
            << o.lab << "\n";
        return 1;
    }
    return run_lab(lab.value(), o, out, err);
}

int run_lab(const Lab& lab, const RunOptions& o, std::ostream& out, std::ostream& err) {
    LabRun r(lab, o, out, err);
    return r.go();
}

}  // namespace tapvs::lab
