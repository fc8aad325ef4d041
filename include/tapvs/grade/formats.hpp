// A grading run in the formats course tools read (docs/grading.md): text for people (colour on a
// terminal), JSON, JUnit XML (a testsuite per submission, a testcase per test, the hints in
// <failure>; valid against the Ant JUnit schema), Gradescope's results.json (one submission), and
// CSV (a row per submission, for a spreadsheet). Pure: results in, text out.
#pragma once

#include <string>

#include "tapvs/grade/result.hpp"

namespace tapvs::grade {

struct TextStyle {
    bool color = false;
};

std::string format_text(const GradeRun& run, const TextStyle& style = {});
std::string format_summary(const GradeRun& run, const TextStyle& style = {});  // the table alone
std::string format_json(const GradeRun& run);
// `timestamp` (YYYY-MM-DDTHH:MM:SS, no zone) and `hostname` go into each <testsuite>.
std::string format_junit(const GradeRun& run, const std::string& timestamp, const std::string& hostname);
std::string format_gradescope(const GradeRun& run, const SubmissionResult& s);
std::string format_csv(const GradeRun& run);

}  // namespace tapvs::grade
