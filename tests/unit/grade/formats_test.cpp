// The formats course tools read, from one grading run built by hand.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tapvs/grade/formats.hpp"

using namespace tapvs::grade;

namespace {

GradeRun sample() {
    GradeRun run;
    run.lab = "nat";
    run.title = "LVS-NAT";
    run.max_score = 5;
    SubmissionResult a;
    a.name = "alice";
    a.path = "subs/alice.txt";
    a.max_score = 5;
    a.score = 2;
    a.seconds = 4.25;
    a.tests = {TestResult{"The VIP answers", "Four requests.", 2, 2, true, "ok check: http", {}, 0.5, 3},
               TestResult{"Round robin", "", 0, 3, false, "served by: rs1 rs1", {"the scheduler is sh; the lab wants rr", "a <second> & \"hint\""}, 1.0, 4}};
    a.lines = {LineResult{"director", "subs/alice.txt", 2, "ipvsadm -A -t 192.168.1.10:80 -s sh", "done", "", "", 0},
               LineResult{"director", "subs/alice.txt", 3, "reboot; x", "rejected", "shell syntax: `;'", "", 0}};
    SubmissionResult b;
    b.name = "bob, \"the\" second";
    b.path = "subs/bob.txt";
    b.max_score = 5;
    b.refused = "subs/bob.txt is too big";
    b.tests = {TestResult{"The VIP answers", "", 0, 2, false, "", {"the submission was refused: subs/bob.txt is too big"}, 0, 0},
               TestResult{"Round robin", "", 0, 3, false, "", {"the submission was refused: subs/bob.txt is too big"}, 0, 0}};
    run.submissions = {a, b};
    return run;
}

}  // namespace

TEST_CASE("text: a block per submission, a hint under each lost point, the table") {
    const std::string t = format_text(sample());
    CHECK_THAT(t, Catch::Contains("== alice: 2/5"));
    CHECK_THAT(t, Catch::Contains("   ok   2/2  The VIP answers\n"));
    CHECK_THAT(t, Catch::Contains("   lost 3/3  Round robin\n        hint: the scheduler is sh; the lab wants rr\n"));
    CHECK_THAT(t, Catch::Contains("     line 3 [director] rejected: reboot; x\n         shell syntax: `;'\n"));
    CHECK_THAT(t, Catch::Contains("   refused: subs/bob.txt is too big"));
    CHECK_THAT(t, Catch::Matches("[\\s\\S]*\nalice +2/5  2\n[\\s\\S]*"));
    CHECK_THAT(t, Catch::Contains("tests: 1 (The VIP answers); 2 (Round robin)\n"));
    CHECK(t.find('\033') == std::string::npos);
    CHECK(format_text(sample(), TextStyle{true}).find('\033') != std::string::npos);
}

TEST_CASE("json: the documented fields") {
    const auto j = nlohmann::json::parse(format_json(sample()));
    CHECK(j["tapvs_grade"] == 1);
    CHECK(j["lab"] == "nat");
    CHECK(j["max_score"] == 5);
    const auto& a = j["submissions"][0];
    for (const char* k : {"name", "path", "score", "max_score", "refused", "error", "timed_out", "seconds", "notes", "tests",
                          "lines", "report", "left_behind"})
        CHECK(a.contains(k));
    CHECK(a["refused"].is_null());
    CHECK(a["tests"][1]["hints"][0] == "the scheduler is sh; the lab wants rr");
    CHECK(a["tests"][1]["step"] == 4);
    CHECK(a["lines"][1]["outcome"] == "rejected");
    CHECK(j["submissions"][1]["refused"] == "subs/bob.txt is too big");
}

TEST_CASE("junit: testsuites without attributes, a suite per submission, hints in the failure, escaped") {
    const std::string x = format_junit(sample(), "2026-12-03T13:00:00", "lab1");
    CHECK(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"));
    CHECK_THAT(x, Catch::Contains("<testsuite name=\"alice\" package=\"tapvs.grade.nat\" id=\"0\" timestamp=\"2026-12-03T13:00:00\" "
                                  "hostname=\"lab1\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"4.250\">"));
    CHECK_THAT(x, Catch::Contains("<testcase name=\"The VIP answers\" classname=\"nat.alice\" time=\"0.500\"/>"));
    CHECK_THAT(x, Catch::Contains("<failure message=\"the scheduler is sh; the lab wants rr\" type=\"tapvs.grade.check\">hint: the "
                                  "scheduler is sh; the lab wants rr\nhint: a &lt;second&gt; &amp; &quot;hint&quot;\n"));
    CHECK_THAT(x, Catch::Contains("<property name=\"score\" value=\"2\"/>"));
    CHECK_THAT(x, Catch::Contains("name=\"bob, &quot;the&quot; second\""));
    CHECK_THAT(x, Catch::Contains("<system-err></system-err>"));
    CHECK(x.ends_with("</testsuites>\n"));
}

TEST_CASE("gradescope: results.json of one submission") {
    const auto run = sample();
    const auto j = nlohmann::json::parse(format_gradescope(run, run.submissions[0]));
    CHECK(j["score"] == 2);
    CHECK(j["visibility"] == "visible");
    REQUIRE(j["tests"].size() == 2);
    CHECK(j["tests"][0]["name"] == "The VIP answers");
    CHECK(j["tests"][0]["score"] == 2);
    CHECK(j["tests"][0]["max_score"] == 2);
    CHECK(j["tests"][0]["status"] == "passed");
    CHECK(j["tests"][1]["status"] == "failed");
    CHECK_THAT(j["tests"][1]["output"].get<std::string>(), Catch::Contains("hint: the scheduler is sh"));
    CHECK_THAT(j["output"].get<std::string>(), Catch::Contains("rejected: reboot; x"));
}

TEST_CASE("csv: a header and a row per submission, quoted where it must be") {
    CHECK(format_csv(sample()) ==
          "submission,path,score,max_score,percent,tests_failed,refused,error,timed_out,seconds\n"
          "alice,subs/alice.txt,2,5,40.0,Round robin,,,no,4.2\n"
          "\"bob, \"\"the\"\" second\",subs/bob.txt,0,5,0.0,The VIP answers; Round robin,subs/bob.txt is too big,,no,0.0\n");
}
