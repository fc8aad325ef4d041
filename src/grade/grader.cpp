#include "tapvs/grade/grader.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "tapvs/grade/formats.hpp"
#include "tapvs/lab/json_file.hpp"
#include "tapvs/lab/record.hpp"
#include "tapvs/lab/proc.hpp"
#include "tapvs/lab/report.hpp"
#include "tapvs/lab/runner.hpp"
#include "tapvs/lab/topology.hpp"

namespace tapvs::grade {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {


std::string trim_end(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// A file or directory name as a directory name of the recording: letters, digits, `.`, `-`, `_`.
std::string safe_name(const std::string& n) {
    std::string o;
    for (const char c : n) o += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ? c : '_';
    if (o.empty() || o[0] == '.') o = "submission" + o;
    return o.substr(0, 64);
}

std::string last_lines(const std::string& path, std::size_t n) {
    std::ifstream in(path);
    std::vector<std::string> all;
    for (std::string l; std::getline(in, l);) all.push_back(l);
    std::string o;
    for (std::size_t i = all.size() > n ? all.size() - n : 0; i < all.size(); ++i) o += all[i] + "\n";
    return trim_end(o);
}

}  // namespace

Layout layout_of(const lab::Lab& lab) {
    Layout l;
    l.setup = lab.grade.setup.empty() ? 0 : 1;
    l.lines = l.setup + 1;
    l.first_test = l.lines + 1;
    return l;
}

std::vector<Verdict> judge(const Submission& sub) {
    std::vector<Verdict> v;
    for (const auto& l : sub.lines) {
        if (!l.rejected.empty())
            v.push_back(Verdict{Verdict::Kind::rejected, l.rejected, 0, {}});
        else
            v.push_back(judge_line(l.text, l.host == "director"));
    }
    return v;
}

lab::Lab grading_lab(const lab::Lab& lab, const Submission& sub, const std::vector<Verdict>& verdicts, const std::string& name) {
    lab::Lab g = lab;
    g.name = name;
    g.steps.clear();
    if (!lab.grade.setup.empty())
        g.steps.push_back(lab::Step{"What the lab's own hosts run",
                                    "The hosts the lab provides are set up first, as the grade block of lab.conf says.",
                                    lab.grade.setup, lab.grade.line});
    lab::Step lines{"The submission's lines",
                    fmt::format("The lines of {}, host by host. Each is checked first and run only as a command of its "
                                "host (never by a shell); a line that is skipped, rejected or fails does not stop the rest.",
                                sub.path),
                    {}, 0};
    for (std::size_t i = 0; i < sub.lines.size(); ++i) {
        const Line& l = sub.lines[i];
        const Verdict& v = verdicts[i];
        lab::Item it;
        it.kind = lab::Item::Kind::command;
        it.line = l.line;
        it.host = l.host.empty() ? "(no section)" : l.host;
        it.text = l.text;
        it.words = v.words;
        it.source = l.file.empty() ? "" : fmt::format("{}:{}", l.file, l.line);
        it.reason = v.reason;
        it.status = v.status;
        it.not_run = v.kind == Verdict::Kind::run       ? lab::Item::NotRun::no
                     : v.kind == Verdict::Kind::skipped ? lab::Item::NotRun::skipped
                     : v.kind == Verdict::Kind::error   ? lab::Item::NotRun::error
                                                        : lab::Item::NotRun::rejected;
        lines.items.push_back(std::move(it));
    }
    g.steps.push_back(std::move(lines));
    for (const auto& t : lab.grade.tests) {
        lab::Step s{fmt::format("{} ({} point{})", t.name, t.points, t.points == 1 ? "" : "s"), t.about, {}, t.line};
        for (const auto& c : t.checks) {
            lab::Item it;
            it.kind = lab::Item::Kind::check;
            it.line = c.line;
            it.check = c;
            s.items.push_back(std::move(it));
        }
        g.steps.push_back(std::move(s));
    }
    return g;
}

namespace {

// A submission no test ran for: each failed with `hint`.
SubmissionResult unscored(const lab::Lab& lab, const Submission& sub, const std::string& hint) {
    SubmissionResult r;
    r.name = sub.name;
    r.path = sub.path;
    r.max_score = lab.grade.max_points();
    r.notes = sub.notes;
    for (const auto& t : lab.grade.tests) r.tests.push_back(TestResult{t.name, t.about, 0, t.points, false, "", {hint}, 0, 0});
    return r;
}

}  // namespace

SubmissionResult refused_result(const lab::Lab& lab, const Submission& sub) {
    SubmissionResult r = unscored(lab, sub, "the submission was refused: " + sub.refused);
    r.refused = sub.refused;
    return r;
}

SubmissionResult collect(const lab::Lab& lab, const Submission& sub, const std::string& dir, const std::string& stopped) {
    const Layout lay = layout_of(lab);
    SubmissionResult r;
    r.name = sub.name;
    r.path = sub.path;
    r.max_score = lab.grade.max_points();
    r.notes = sub.notes;
    auto step = [&](int n) { return lab::read_step_json(fs::path(dir) / fmt::format("step-{}", n) / "step.json"); };
    const std::string why_missing = !stopped.empty() ? stopped : "the grader stopped before it (see grade-run.txt)";

    // The lab's own hosts: a failure there is the lab's, not the student's.
    if (lay.setup) {
        const auto s = step(lay.setup);
        if (!s)
            r.error = "the lab's own hosts were not set up: " + (stopped.empty() ? last_lines(dir + "/grade-run.txt", 6) : stopped);
        else
            for (const auto& it : s->items)
                if (!it.ok) r.error = fmt::format("the lab's own line `{}: {}' failed: {}", it.host, it.text, trim_end(it.err));
    }
    // The submission's lines.
    const auto ls = step(lay.lines);
    if (!ls && r.error.empty() && stopped.empty())
        r.error = "the lab did not come up: " + last_lines(dir + "/grade-run.txt", 6);
    static const std::vector<lab::ItemRecord> none;
    const std::vector<lab::ItemRecord>& items = ls ? ls->items : none;
    for (std::size_t i = 0; i < sub.lines.size(); ++i) {
        const Line& l = sub.lines[i];
        LineResult x{l.host, l.file, l.line, l.text, "not run", why_missing, "", 0};
        if (i < items.size()) {
            const lab::ItemRecord& it = items[i];
            x.outcome = it.outcome;
            x.status = it.status;
            x.output = trim_end(it.out);
            x.message = x.outcome == "error" ? trim_end(it.err) : it.reason;
            if (x.outcome == "done" && !it.err.empty()) x.output += (x.output.empty() ? "" : "\n") + trim_end(it.err);
        }
        r.lines.push_back(std::move(x));
    }
    // The tests.
    std::vector<std::string> not_run_lines;
    for (const auto& l : r.lines)
        if (l.outcome == "rejected" || l.outcome == "error")
            not_run_lines.push_back(l.file == sub.path ? fmt::format("line {}", l.line) : fmt::format("{}:{}", l.file, l.line));
    for (std::size_t i = 0; i < lab.grade.tests.size(); ++i) {
        const lab::Test& t = lab.grade.tests[i];
        TestResult tr{t.name, t.about, 0, t.points, false, "", {}, 0, 0};
        const auto s = step(lay.first_test + static_cast<int>(i));
        if (s) tr.step = lay.first_test + static_cast<int>(i);
        if (!s) {
            tr.hints.push_back(r.error.empty() ? "not graded: " + why_missing : "not graded: " + r.error);
        } else {
            tr.passed = s->ok;
            tr.seconds = s->t1 - s->t0;
            for (const auto& it : s->items) {
                tr.output += fmt::format("{} {}: {}\n", it.ok ? "ok" : "FAILED", lab::kind_name(it.kind), it.text);
                if (const std::string seen = trim_end(it.out); !seen.empty()) tr.output += seen + "\n";
                for (const auto& c : it.causes) tr.hints.push_back(c);
            }
            tr.output = trim_end(tr.output);
            if (!tr.passed && s->interrupted) tr.hints.push_back("not finished: " + why_missing);
        }
        if (tr.passed) tr.points = t.points;
        if (!tr.passed) {
            if (!not_run_lines.empty())
                tr.hints.push_back(fmt::format("{} line{} of the submission {} rejected or failed ({}): see its lines",
                                               not_run_lines.size(), not_run_lines.size() == 1 ? "" : "s",
                                               not_run_lines.size() == 1 ? "was" : "were", fmt::join(not_run_lines, ", ")));
            for (auto it = sub.notes.rbegin(); it != sub.notes.rend(); ++it)
                if (it->find("every line is a comment") != std::string::npos) tr.hints.insert(tr.hints.begin(), *it);
            if (tr.hints.empty()) tr.hints.push_back("no cause found in the captures, the trace or the hosts' settings: the "
                                                     "report's diagram of this test shows where the packets went");
        }
        r.score += tr.points;
        r.tests.push_back(std::move(tr));
    }
    return r;
}

namespace {

struct Job {
    std::size_t index = 0;
    pid_t pid = -1;
    std::string id, dir;
    Clock::time_point start, deadline, kill_at;
    bool term_sent = false;
};

std::string now_timestamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

std::string hostname() {
    char buf[256] = {};
    return ::gethostname(buf, sizeof buf - 1) == 0 && buf[0] ? buf : "localhost";
}

bool write_file(const std::string& path, const std::string& text, std::ostream& err) {
    std::ofstream f(path, std::ios::trunc);
    f << text;
    f.close();
    if (!f) err << "tapvs grade: cannot write " << path << "\n";
    return static_cast<bool>(f);
}

}  // namespace

int grade(const GradeOptions& o, std::ostream& out, std::ostream& err) {
    static const std::vector<std::string> kFormats{"text", "json", "junit", "gradescope", "csv"};
    if (std::find(kFormats.begin(), kFormats.end(), o.format) == kFormats.end()) {
        err << "tapvs grade: --format is text, json, junit, gradescope or csv, not `" << o.format << "'\n";
        return 2;
    }
    if (o.submissions.empty()) {
        err << "tapvs grade: no submission given: tapvs grade --lab NAME SUBMISSION...\n";
        return 2;
    }
    if (o.jobs < 1 || o.timeout < 1) {
        err << "tapvs grade: --jobs and --timeout are whole numbers above 0\n";
        return 2;
    }
    if (o.format == "gradescope" && o.submissions.size() > 1 && o.out.empty()) {
        err << "tapvs grade: Gradescope's results.json is one submission's: with several, --out DIR gets DIR/NAME/results.json\n";
        return 2;
    }
    auto loaded = lab::load_lab(lab::find_lab(o.lab));
    if (!loaded) {
        err << "tapvs grade: " << loaded.error().to_string() << "\n";
        return 2;
    }
    const lab::Lab& lab = loaded.value();
    if (!lab.grade.line) {
        err << fmt::format("tapvs grade: lab {} has no grade block (labs/README.md: grade); labs with one: nat, dr, tun\n", lab.name);
        return 2;
    }
    for (const auto& p : o.submissions) {
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(p, ec))) {
            err << "tapvs grade: " << p << ": no such file or directory\n";
            return 2;
        }
    }
    if (::geteuid() != 0) {
        err << "tapvs grade: needs root (each submission is graded in network namespaces it makes): sudo tapvs grade ...\n";
        return 2;
    }
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
        err << "tapvs grade: /dev/net/tun is not usable: the lab's director needs TAP devices\n";
        return 2;
    }
    for (const char* p : {"ip", "ifconfig", "route"})
        if (!lab::have_program(p)) {
            err << fmt::format("tapvs grade: `{}' is not installed (apt-get install {}): submissions run it\n", p,
                               std::string(p) == "ip" ? "iproute2" : "net-tools");
            return 2;
        }

    // Where the recordings go: --report DIR, else a directory removed at the end.
    std::string base = o.report;
    bool temporary = false;
    if (base.empty()) {
        char tmpl[] = "/tmp/tapvs-grade.XXXXXX";
        if (!::mkdtemp(tmpl)) {
            err << "tapvs grade: cannot make a directory in /tmp\n";
            return 2;
        }
        base = tmpl;
        temporary = true;
    }
    std::error_code ec;
    fs::create_directories(base, ec);

    // Ctrl-C: the running submissions are stopped and no new one starts; a second one, once the
    // results are being written, ends the grader.
    std::optional<lab::Interruption> stop_signals;
    stop_signals.emplace();
    std::signal(SIGCHLD, SIG_DFL);  // an inherited SIG_IGN would leave waitpid() nothing to wait for

    GradeRun run;
    run.lab = lab.name;
    run.title = lab.title;
    run.max_score = lab.grade.max_points();
    std::vector<Submission> subs;
    std::set<std::string> names;
    for (const auto& p : o.submissions) {
        Submission s = read_submission(p, lab);
        const std::string base_name = safe_name(s.name);
        std::string n = base_name;
        for (int k = 2; names.count(n); ++k) n = fmt::format("{}-{}", base_name, k);  // "x", "x-2", "x-3", ...
        names.insert(n);
        s.name = n;
        subs.push_back(std::move(s));
    }
    run.submissions.resize(subs.size());
    const std::set<std::string> fresh(lab.grade.student.begin(), lab.grade.student.end());
    std::set<std::string> ids;  // handed out: a run not started yet has no namespace new_run_id() could see
    bool grader_failed = false;
    // With --report: DIR/NAME/grade.json (the result, the lab, the step that holds the lines) and
    // the page made from it and the recording beside it.
    auto write_page = [&](const std::string& dir, SubmissionResult& r) {
        if (o.report.empty()) return;
        json j = to_json(r);
        j["lab"] = lab.name;
        j["lines_step"] = layout_of(lab).lines;
        write_file(dir + "/grade.json", lab::json_file_text(j), err);
        std::string e;
        r.report = dir + "/report.html";
        if (!lab::write_report(dir, &e)) {
            err << "tapvs grade: " << r.name << "'s report: " << e << "\n";
            r.report.clear();
        }
    };

    auto finish = [&](Job& j, const std::string& stopped) {
        const Submission& sub = subs[j.index];
        SubmissionResult r = collect(lab, sub, j.dir, stopped);
        r.timed_out = j.term_sent && !stop_signals->requested();
        const lab::Removal removal = lab::remove_run(j.id);
        for (const auto& what : removal.removed)
            if (stopped.empty()) err << fmt::format("tapvs grade: {}: removed what its run left: {}\n", sub.name, what);
        r.left_behind = removal.left;
        if (!r.left_behind.empty()) {
            r.error = fmt::format("the grader could not remove everything it made: {}", fmt::join(r.left_behind, "; "));
            grader_failed = true;
        }
        if (!r.error.empty()) grader_failed = true;
        r.seconds = std::chrono::duration<double>(Clock::now() - j.start).count();
        write_page(j.dir, r);
        err << fmt::format("tapvs grade: {} {}/{} ({:.1f} s{})\n", sub.name, r.score, r.max_score, r.seconds,
                           stopped.empty() ? "" : ", stopped: " + stopped);
        run.submissions[j.index] = std::move(r);
    };

    std::vector<Job> running;
    std::size_t next = 0;
    std::cout.flush();
    std::cerr.flush();
    while ((next < subs.size() || !running.empty())) {
        while (!stop_signals->requested() && running.size() < static_cast<std::size_t>(o.jobs) && next < subs.size()) {
            const std::size_t i = next++;
            const Submission& sub = subs[i];
            if (!sub.refused.empty()) {
                run.submissions[i] = refused_result(lab, sub);
                err << fmt::format("tapvs grade: {} refused: {}\n", sub.name, sub.refused);
                if (!o.report.empty()) fs::create_directories(base + "/" + sub.name, ec);  // a page saying why
                write_page(base + "/" + sub.name, run.submissions[i]);
                continue;
            }
            Job j;
            j.index = i;
            do j.id = lab::new_run_id();
            while (!ids.insert(j.id).second);
            j.dir = base + "/" + sub.name;
            j.start = Clock::now();
            j.deadline = j.start + std::chrono::seconds(o.timeout);
            fs::create_directories(j.dir, ec);
            const lab::Lab g = grading_lab(lab, sub, judge(sub), sub.name);
            lab::RunOptions ro;
            ro.lab = lab.dir;
            ro.out = base;
            ro.id = j.id;
            ro.fresh = fresh;
            ro.keep_going = true;
            ro.quick = true;
            ro.color = 0;
            const pid_t pid = ::fork();
            if (pid == 0) {  // the child: the submission's lab run, its output in grade-run.txt
                std::ofstream log(j.dir + "/grade-run.txt");
                int rc = 2;
                try {  // nothing may unwind into the parent's loop, which this process has a copy of
                    rc = lab::run_lab(g, ro, log, log);
                } catch (const std::exception& e) {
                    log << "tapvs grade: " << e.what() << "\n";
                } catch (...) {
                    log << "tapvs grade: an unknown exception\n";
                }
                log.flush();
                ::_exit(rc == 0 ? 0 : rc == 2 ? 2 : 1);
            }
            if (pid < 0) {
                err << "tapvs grade: fork failed\n";
                grader_failed = true;
                run.submissions[i] = collect(lab, sub, j.dir, "the grader could not start it");
                continue;
            }
            j.pid = pid;
            running.push_back(j);
        }
        if (running.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (auto it = running.begin(); it != running.end();) {
            int st = 0;
            const pid_t w = ::waitpid(it->pid, &st, WNOHANG);
            const auto now = Clock::now();
            if (w == it->pid || (w < 0 && errno != EINTR)) {  // ended (or gone: ECHILD)
                finish(*it, it->term_sent ? (stop_signals->requested() ? "the grader was interrupted"
                                                    : fmt::format("the time limit of {} s ran out", o.timeout))
                                          : "");
                it = running.erase(it);
                continue;
            }
            if (!it->term_sent && (stop_signals->requested() || now > it->deadline)) {
                ::kill(it->pid, SIGTERM);  // the run tears its lab down...
                it->term_sent = true;
                it->kill_at = now + std::chrono::seconds(10);
            } else if (it->term_sent && now > it->kill_at) {
                ::kill(it->pid, SIGKILL);  // ...or is killed, and remove_run() does it
            }
            ++it;
        }
    }
    const bool interrupted = stop_signals->requested();
    stop_signals.reset();
    if (interrupted)  // the submissions never started
        for (std::size_t i = 0; i < subs.size(); ++i)
            if (run.submissions[i].name.empty()) {
                run.submissions[i] = unscored(lab, subs[i], "not graded: the grader was interrupted before it");
                run.submissions[i].error = "the grader was interrupted before it";
            }
    if (temporary) fs::remove_all(base, ec);

    // The outputs.
    const bool tty = ::isatty(1) && !std::getenv("NO_COLOR");
    const TextStyle style{o.color == 1 || (o.color == -1 && tty && o.out.empty())};
    std::string text;
    if (o.format == "text") text = format_text(run, o.out.empty() ? style : TextStyle{});
    if (o.format == "json") text = format_json(run);
    if (o.format == "junit") text = format_junit(run, now_timestamp(), hostname());
    if (o.format == "csv") text = format_csv(run);
    bool wrote = true;
    if (o.format == "gradescope") {
        if (run.submissions.size() == 1 && (o.out.empty() || !fs::is_directory(o.out, ec))) {
            text = format_gradescope(run, run.submissions.front());
        } else {
            for (const auto& s : run.submissions) {
                fs::create_directories(fs::path(o.out) / s.name, ec);
                wrote = write_file((fs::path(o.out) / s.name / "results.json").string(), format_gradescope(run, s), err) && wrote;
            }
        }
    }
    if (!text.empty()) {
        if (o.out.empty())
            out << text;
        else
            wrote = write_file(o.out, text, err) && wrote;
    }
    if (!o.out.empty())
        out << format_summary(run, style);  // the table on stdout, the format in the file
    else if (o.format != "text")
        err << format_summary(run, TextStyle{});
    if (!wrote) return 2;
    if (interrupted) return 130;
    if (grader_failed) {
        err << "tapvs grade: the grader could not grade every submission (see `not graded' above)\n";
        return 2;
    }
    if (o.fail_below)
        for (const auto& s : run.submissions)
            if (s.score < *o.fail_below) return 1;
    return 0;
}

}  // namespace tapvs::grade
