// `tapvs grade`: each submission graded in a lab of its own. For each, the lab's topology is built
// fresh (unique names); the student's hosts start as fresh machines (topology.hpp BuildOptions);
// the lab's own hosts run what the grade block gives them; the student's lines are applied host by
// host, each judged first (line_policy.hpp) and run as an argument vector in its host's namespace
// (or by the director's engine), never by a shell; then the lab's graded tests run with real
// traffic, every one of them, each recorded as a step of its own, and a failed one carries the
// likely causes the lab's diagnosis finds. The run is a child process with a time limit: killed
// when it runs out and scored as it stands. Afterwards nothing of it may remain (no namespace,
// process or /run state): that is checked, and a leftover is the grader's error.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "tapvs/grade/line_policy.hpp"
#include "tapvs/grade/result.hpp"
#include "tapvs/grade/submission.hpp"
#include "tapvs/lab/lab_file.hpp"

namespace tapvs::grade {

struct GradeOptions {
    std::string lab;                       // a lab's name (tapvs lab list) or directory
    std::vector<std::string> submissions;  // files or directories
    std::string format = "text";           // text, json, junit, gradescope, csv
    std::string out;                       // where the format goes (gradescope, several: a directory); "": stdout
    int jobs = 1;                          // submissions graded at once
    int timeout = 60;                      // seconds per submission
    std::string report;                    // DIR: DIR/NAME/report.html and the recording beside it
    int color = -1;                        // -1: when stdout is a terminal
    std::optional<int> fail_below;         // exit 1 when a submission scores below this
};

// The steps of a grading lab, in order: the lab's own hosts (when the grade block gives them
// commands), the submission's lines, then one per test.
struct Layout {
    int setup = 0;       // its step number, 0: none
    int lines = 0;
    int first_test = 0;  // test i is step first_test + i
};
Layout layout_of(const lab::Lab& lab);

// The lab a submission is graded in (pure): `lab` with its steps replaced as Layout says, named
// `name`. `verdicts` are sub.lines' judgements, in order.
lab::Lab grading_lab(const lab::Lab& lab, const Submission& sub, const std::vector<Verdict>& verdicts,
                     const std::string& name);

// The verdict of each line of `sub` (line_policy.hpp, or what read_submission decided).
std::vector<Verdict> judge(const Submission& sub);

// What the recording of a graded submission (DIR: step-N/step.json) says: its score, tests, hints
// and lines. `stopped` says why a step may be missing ("" when the run ended by itself); the caller
// knows whether that was the time limit (timed_out).
SubmissionResult collect(const lab::Lab& lab, const Submission& sub, const std::string& dir, const std::string& stopped);

// The result of a submission refused whole: every test failed with the reason, score 0.
SubmissionResult refused_result(const lab::Lab& lab, const Submission& sub);

// The command: 0 when every submission was graded (whatever the scores); 1 when --fail-below
// found one below; 2 for a usage error or when the grader cannot work.
int grade(const GradeOptions& o, std::ostream& out, std::ostream& err);

}  // namespace tapvs::grade
