#include "tapvs/grade/formats.hpp"

#include "tapvs/lab/json_file.hpp"
#include "tapvs/util/escape.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tapvs::grade {

using nlohmann::json;

namespace {

std::string wrap(bool on, const char* code, const std::string& s) { return on ? fmt::format("\033[{}m{}\033[0m", code, s) : s; }

// Text for a terminal: a control character (but newline and tab) shown as `?', so that nothing a
// submission holds can move the cursor or fake a line.
std::string visible(std::string s) {
    for (char& c : s)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7f) c = '?';
    return s;
}

std::string indent(const std::string& text, const std::string& first, const std::string& rest) {
    std::string o;
    std::istringstream in(text);
    bool head = true;
    for (std::string l; std::getline(in, l); head = false) o += (head ? first : rest) + l + "\n";
    return o;
}

int failed_tests(const SubmissionResult& s) {
    return static_cast<int>(std::count_if(s.tests.begin(), s.tests.end(), [](const TestResult& t) { return !t.passed; }));
}

std::string failed_names(const SubmissionResult& s, const char* sep) {
    std::string o;
    for (const auto& t : s.tests)
        if (!t.passed) o += (o.empty() ? "" : sep) + t.name;
    return o;
}

// "1 3 4": the numbers of the failed tests.
std::string failed_numbers(const SubmissionResult& s) {
    std::string o;
    for (std::size_t i = 0; i < s.tests.size(); ++i)
        if (!s.tests[i].passed) o += fmt::format("{}{}", o.empty() ? "" : " ", i + 1);
    return o;
}

// What became of a submission's lines, in a word each: "12 done, 1 error, 2 rejected".
std::string line_counts(const SubmissionResult& s) {
    std::string o;
    for (const char* kind : {"done", "error", "skipped", "rejected", "not run"}) {
        const auto n = std::count_if(s.lines.begin(), s.lines.end(), [&](const LineResult& l) { return l.outcome == kind; });
        if (n) o += fmt::format("{}{} {}", o.empty() ? "" : ", ", n, kind);
    }
    return o.empty() ? "no lines" : o;
}

// "line 12" in a one-file submission, "DIR/rs1.txt:3" in a directory.
std::string where(const LineResult& l, const SubmissionResult& s) {
    if (l.file.empty()) return fmt::format("[{}]", l.host);
    return l.file == s.path ? fmt::format("line {}", l.line) : fmt::format("{}:{}", l.file, l.line);
}

// XML 1.0 text: escaped, and without the control characters it cannot hold.
std::string xml(std::string_view s) {
    std::string o(s);
    for (char& c : o)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') c = '?';
    return markup_escape(o);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string o = "\"";
    for (const char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

// A test's full text: its hints, then what its checks saw.
std::string test_text(const TestResult& t) {
    std::string o;
    for (const auto& h : t.hints) o += "hint: " + h + "\n";
    if (!t.output.empty()) o += (o.empty() ? "" : "\n") + t.output;
    return o;
}

std::string lines_text(const SubmissionResult& s) {
    std::string o;
    for (const auto& l : s.lines) {
        o += fmt::format("{} [{}] {}: {}\n", where(l, s), l.host, l.outcome, l.text);
        if (!l.message.empty()) o += indent(l.message, "    ", "    ");
    }
    return o;
}

}  // namespace

std::string format_summary(const GradeRun& run, const TextStyle& style) {
    std::size_t w = 10;
    for (const auto& s : run.submissions) w = std::max(w, s.name.size());
    std::string o = fmt::format("{:<{}}  {:>7}  {}\n", "submission", w, "score", "tests failed");
    for (const auto& s : run.submissions) {
        const std::string score = fmt::format("{:>7}", fmt::format("{}/{}", s.score, s.max_score));
        std::string why = visible(!s.error.empty()     ? "not graded: " + s.error
                                  : !s.refused.empty() ? "refused: " + s.refused
                                                       : failed_numbers(s));
        if (s.timed_out) why = "time limit; " + why;
        o += fmt::format("{:<{}}  {}  {}\n", s.name, w,
                         wrap(style.color, s.score == s.max_score ? "32" : s.score == 0 ? "31" : "33", score),
                         why.empty() ? "-" : why);
    }
    // The tests by number, from the first graded submission (they are the lab's, the same for all).
    for (const auto& s : run.submissions) {
        if (s.tests.empty()) continue;
        o += "tests:";
        for (std::size_t i = 0; i < s.tests.size(); ++i)
            o += fmt::format("{} {} ({})", i == 0 ? "" : ";", i + 1, s.tests[i].name);
        o += "\n";
        break;
    }
    return o;
}

std::string format_text(const GradeRun& run, const TextStyle& style) {
    const bool c = style.color;
    std::string o = fmt::format("tapvs grade: lab {} ({}), {} submission{}, {} points each\n\n", run.lab, run.title,
                                run.submissions.size(), run.submissions.size() == 1 ? "" : "s", run.max_score);
    for (const auto& s : run.submissions) {
        o += wrap(c, "1", fmt::format("== {}: {}/{}", s.name, s.score, s.max_score)) +
             fmt::format("  ({}, {:.1f} s{})\n", visible(s.path), s.seconds, s.timed_out ? ", stopped at the time limit" : "");
        if (!s.error.empty()) o += wrap(c, "31", "   not graded: " + visible(s.error)) + "\n";
        if (!s.refused.empty()) o += wrap(c, "31", "   refused: " + visible(s.refused)) + "\n";
        for (const auto& n : s.notes) o += wrap(c, "33", indent(visible(n), "   note: ", "         "));
        for (const auto& t : s.tests) {
            if (t.passed) {
                o += wrap(c, "32", fmt::format("   ok   {}/{}  {}", t.points, t.max_points, t.name)) + "\n";
                continue;
            }
            o += wrap(c, "31", fmt::format("   lost {}/{}  {}", t.max_points - t.points, t.max_points, t.name)) + "\n";
            for (const auto& h : t.hints)  // the notes stand above, once
                if (std::find(s.notes.begin(), s.notes.end(), h) == s.notes.end())
                    o += wrap(c, "33", indent(visible(h), "        hint: ", "              "));
        }
        if (!s.lines.empty()) {
            o += fmt::format("   lines: {}\n", line_counts(s));
            for (const auto& l : s.lines) {
                if (l.outcome == "done") continue;
                o += fmt::format("     {} [{}] {}: {}\n", where(l, s), l.host, wrap(c, l.outcome == "skipped" ? "2" : "31", l.outcome), visible(l.text));
                if (!l.message.empty()) o += wrap(c, "2", indent(visible(l.message), "         ", "         "));
            }
        }
        if (!s.report.empty()) o += "   report: " + s.report + "\n";
        o += "\n";
    }
    return o + format_summary(run, style);
}

std::string format_json(const GradeRun& run) { return lab::json_file_text(to_json(run)); }

std::string format_junit(const GradeRun& run, const std::string& timestamp, const std::string& hostname) {
    std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
    int id = 0;
    for (const auto& s : run.submissions) {
        o += fmt::format("  <testsuite name=\"{}\" package=\"tapvs.grade.{}\" id=\"{}\" timestamp=\"{}\" hostname=\"{}\" "
                         "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\">\n",
                         xml(s.name.empty() ? "submission" : s.name), xml(run.lab), id++, timestamp,
                         xml(hostname.empty() ? "localhost" : hostname), s.tests.size(),
                         s.error.empty() ? failed_tests(s) : 0, s.error.empty() ? 0 : failed_tests(s), s.seconds);
        o += "    <properties>\n";
        for (const auto& [k, v] : std::initializer_list<std::pair<const char*, std::string>>{
                 {"lab", run.lab},
                 {"submission", s.path},
                 {"score", std::to_string(s.score)},
                 {"max_score", std::to_string(s.max_score)}})
            o += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", k, xml(v));
        o += "    </properties>\n";
        for (const auto& t : s.tests) {
            o += fmt::format("    <testcase name=\"{}\" classname=\"{}.{}\" time=\"{:.3f}\"", xml(t.name), xml(run.lab),
                             xml(s.name.empty() ? "submission" : s.name), t.seconds);
            if (t.passed) {
                o += "/>\n";
                continue;
            }
            const char* tag = s.error.empty() ? "failure" : "error";
            o += fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", tag,
                             xml(t.hints.empty() ? "failed" : t.hints.front()), s.error.empty() ? "tapvs.grade.check" : "tapvs.grade.error",
                             xml(test_text(t)), tag);
        }
        std::string out = fmt::format("{}: {}/{}\n", s.name, s.score, s.max_score);
        if (!s.refused.empty()) out += "refused: " + s.refused + "\n";
        for (const auto& n : s.notes) out += "note: " + n + "\n";
        out += lines_text(s);
        o += "    <system-out>" + xml(out) + "</system-out>\n";
        o += "    <system-err>" + xml(s.error) + "</system-err>\n";
        o += "  </testsuite>\n";
    }
    return o + "</testsuites>\n";
}

std::string format_gradescope(const GradeRun& run, const SubmissionResult& s) {
    json j;
    j["score"] = s.score;
    j["execution_time"] = static_cast<int>(s.seconds + 0.999);
    std::string out = fmt::format("tapvs grade, lab {} ({}): {}/{}\n", run.lab, run.title, s.score, s.max_score);
    if (!s.refused.empty()) out += "The submission was refused: " + s.refused + "\n";
    if (!s.error.empty()) out += "The grader could not grade it: " + s.error + "\n";
    for (const auto& n : s.notes) out += "Note: " + n + "\n";
    out += "\nYour lines (" + line_counts(s) + "):\n" + lines_text(s);
    j["output"] = out;
    j["visibility"] = "visible";
    j["stdout_visibility"] = "hidden";
    auto& tests = j["tests"] = json::array();
    int n = 0;
    for (const auto& t : s.tests) {
        std::string text = t.about.empty() ? "" : t.about + "\n\n";
        text += test_text(t);
        tests.push_back({{"name", t.name},
                         {"number", std::to_string(++n)},
                         {"score", t.points},
                         {"max_score", t.max_points},
                         {"status", t.passed ? "passed" : "failed"},
                         {"output", text},
                         {"visibility", "visible"}});
    }
    return lab::json_file_text(j);
}

std::string format_csv(const GradeRun& run) {
    std::string o = "submission,path,score,max_score,percent,tests_failed,refused,error,timed_out,seconds\n";
    for (const auto& s : run.submissions)
        o += fmt::format("{},{},{},{},{:.1f},{},{},{},{},{:.1f}\n", csv_field(s.name), csv_field(s.path), s.score, s.max_score,
                         s.max_score ? 100.0 * s.score / s.max_score : 0.0, csv_field(failed_names(s, "; ")),
                         csv_field(s.refused), csv_field(s.error), s.timed_out ? "yes" : "no", s.seconds);
    return o;
}

}  // namespace tapvs::grade
