// What grading a submission found: its score, each test with the hints that name the cause of a
// lost point, and each of its lines with what became of it. One definition, written by the
// grader, read by every output format (formats.hpp), and written as DIR/NAME/grade.json beside a
// submission's recording for the report page. docs/grading.md documents the JSON.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tapvs::grade {

// A line of the submission and its outcome: done (exit status 0), error (the tool's message),
// skipped or rejected (with the reason), or not run (the time limit ran out first).
struct LineResult {
    std::string host, file;
    int line = 0;
    std::string text;
    std::string outcome;  // done, error, skipped, rejected, not run
    std::string message;  // error: the tool's message; skipped, rejected, not run: why
    std::string output;   // what it printed
    int status = 0;       // exit status (done, error)
};

struct TestResult {
    std::string name, about;
    int points = 0, max_points = 0;
    bool passed = false;
    std::string output;               // what the checks saw
    std::vector<std::string> hints;   // a failed test: the likely causes, each saying what to fix
    double seconds = 0;
    int step = 0;                     // its step in the recording (step-N/), 0: none
};

struct SubmissionResult {
    std::string name, path;
    int score = 0, max_score = 0;
    std::string refused;  // refused whole: the reason (every test failed with it)
    std::string error;    // the grader could not grade it (the lab did not come up): why
    bool timed_out = false;
    double seconds = 0;
    std::vector<LineResult> lines;
    std::vector<std::string> notes;  // about the submission as a whole
    std::vector<TestResult> tests;
    std::string report;              // its report.html, when --report wrote one
    std::vector<std::string> left_behind;  // what the grader found still there after it (empty)
};

struct GradeRun {
    std::string lab, title;
    int max_score = 0;
    std::vector<SubmissionResult> submissions;
};

nlohmann::json to_json(const SubmissionResult& r);
nlohmann::json to_json(const GradeRun& r);

}  // namespace tapvs::grade
