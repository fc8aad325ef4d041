// The grader's pure parts: the lab a submission is graded in, and what its recording says.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tapvs/grade/grader.hpp"

using namespace tapvs;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

lab::Lab load(const char* name) {
    auto r = lab::load_lab(std::string(TAPVS_SOURCE_DIR "/labs/") + name);
    REQUIRE(r);
    return r.value();
}

void write_step(const fs::path& dir, int n, const json& j) {
    fs::create_directories(dir / fmt::format("step-{}", n));
    std::ofstream(dir / fmt::format("step-{}", n) / "step.json") << j.dump();
}

}  // namespace

TEST_CASE("the grading lab: the lab's own hosts, the submission's lines, then a step per test") {
    const lab::Lab dr = load("dr");
    const auto l = grade::layout_of(dr);
    CHECK(l.setup == 1);
    CHECK(l.lines == 2);
    CHECK(l.first_test == 3);
    const auto sub = grade::parse_submission("[director]\nipvsadm -A -t 192.168.1.10:80 -s rr\nreboot\nyum install x\n"
                                             "[rs1]\nroute add default gw\n",
                                             "s.txt", dr);
    const auto verdicts = grade::judge(sub);
    const lab::Lab g = grade::grading_lab(dr, sub, verdicts, "s");
    CHECK(g.name == "s");
    REQUIRE(g.steps.size() == 2 + dr.grade.tests.size());
    CHECK(g.steps[0].items.size() == dr.grade.setup.size());
    const auto& lines = g.steps[1].items;
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].not_run == lab::Item::NotRun::no);
    CHECK(lines[0].source == "s.txt:2");
    CHECK(lines[1].not_run == lab::Item::NotRun::rejected);
    CHECK(lines[2].not_run == lab::Item::NotRun::skipped);
    CHECK(lines[3].host == "rs1");
    CHECK(lines[3].not_run == lab::Item::NotRun::error);
    for (std::size_t i = 0; i < dr.grade.tests.size(); ++i) {
        CHECK(g.steps[2 + i].title.starts_with(dr.grade.tests[i].name));
        CHECK(g.steps[2 + i].items.size() == dr.grade.tests[i].checks.size());
    }
    CHECK(grade::layout_of(load("nat")).setup == 0);  // nat's own host needs nothing
}

TEST_CASE("the score and the hints come from the recording; what it lacks was not run") {
    const lab::Lab nat = load("nat");
    const auto sub = grade::parse_submission("[director]\nipvsadm -A -t 192.168.1.10:80 -s rr\nreboot\n[rs1]\nip link set eth0 up\n",
                                             "s.txt", nat);
    char t[] = "/tmp/tapvs-grader-test.XXXXXX";
    const fs::path dir = ::mkdtemp(t);
    write_step(dir, 1, {{"ok", true},
                        {"items", json::array({{{"kind", "command"}, {"outcome", "done"}, {"status", 0}, {"out", "x\n"}, {"err", ""}},
                                               {{"kind", "command"}, {"outcome", "rejected"}, {"reason", "`reboot' is not..."}}})}});
    write_step(dir, 2, {{"ok", true}, {"t0", 10.0}, {"t1", 10.5}, {"items", json::array({{{"kind", "check"}, {"text", "http"}, {"ok", true}, {"out", "served by: rs2"}}})}});
    write_step(dir, 3, {{"ok", false},
                        {"items", json::array({{{"kind", "check"}, {"text", "http client 192.168.1.10 6 alternate"}, {"ok", false},
                                                {"causes", json::array({"ip_forward is 0 on the director"})}}})}});
    const auto r = grade::collect(nat, sub, dir.string(), "the time limit of 60 s ran out");
    fs::remove_all(dir);
    CHECK(r.max_score == nat.grade.max_points());
    CHECK(r.score == nat.grade.tests[0].points);
    REQUIRE(r.lines.size() == 3);
    CHECK(r.lines[0].outcome == "done");
    CHECK(r.lines[0].output == "x");
    CHECK(r.lines[1].outcome == "rejected");
    CHECK(r.lines[1].message == "`reboot' is not...");
    CHECK(r.lines[2].outcome == "not run");
    CHECK(r.lines[2].message == "the time limit of 60 s ran out");
    REQUIRE(r.tests.size() == nat.grade.tests.size());
    CHECK(r.tests[0].passed);
    CHECK(r.tests[0].seconds == Approx(0.5));
    CHECK(r.tests[0].step == 2);
    CHECK_FALSE(r.tests[1].passed);
    CHECK(r.tests[1].hints[0] == "ip_forward is 0 on the director");
    CHECK(r.tests[1].hints[1] == "1 line of the submission was rejected or failed (line 3): see its lines");
    CHECK(r.tests[2].hints[0] == "not graded: the time limit of 60 s ran out");
    CHECK(r.tests[2].step == 0);
}

TEST_CASE("a refused submission fails every test with the reason") {
    const lab::Lab tun = load("tun");
    const auto sub = grade::parse_submission("nothing\n", "x.txt", tun);
    REQUIRE_FALSE(sub.refused.empty());
    const auto r = grade::refused_result(tun, sub);
    CHECK(r.score == 0);
    CHECK(r.max_score == 12);
    REQUIRE(r.tests.size() == tun.grade.tests.size());
    for (const auto& t : r.tests) CHECK(t.hints == std::vector<std::string>{"the submission was refused: " + sub.refused});
}
