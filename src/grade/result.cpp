#include "tapvs/grade/result.hpp"

#include <nlohmann/json.hpp>

namespace tapvs::grade {

using nlohmann::json;

json to_json(const SubmissionResult& r) {
    json j;
    j["name"] = r.name;
    j["path"] = r.path;
    j["score"] = r.score;
    j["max_score"] = r.max_score;
    j["refused"] = r.refused.empty() ? json(nullptr) : json(r.refused);
    j["error"] = r.error.empty() ? json(nullptr) : json(r.error);
    j["timed_out"] = r.timed_out;
    j["seconds"] = r.seconds;
    j["notes"] = r.notes;
    auto& tests = j["tests"] = json::array();
    for (const auto& t : r.tests)
        tests.push_back({{"name", t.name},
                         {"about", t.about},
                         {"points", t.points},
                         {"max_points", t.max_points},
                         {"passed", t.passed},
                         {"output", t.output},
                         {"hints", t.hints},
                         {"seconds", t.seconds},
                         {"step", t.step}});
    auto& lines = j["lines"] = json::array();
    for (const auto& l : r.lines)
        lines.push_back({{"host", l.host},
                         {"file", l.file},
                         {"line", l.line},
                         {"text", l.text},
                         {"outcome", l.outcome},
                         {"message", l.message},
                         {"output", l.output},
                         {"status", l.status}});
    j["report"] = r.report.empty() ? json(nullptr) : json(r.report);
    j["left_behind"] = r.left_behind;
    return j;
}

json to_json(const GradeRun& r) {
    json j;
    j["tapvs_grade"] = 1;
    j["lab"] = r.lab;
    j["title"] = r.title;
    j["max_score"] = r.max_score;
    auto& s = j["submissions"] = json::array();
    for (const auto& x : r.submissions) s.push_back(to_json(x));
    return j;
}

}  // namespace tapvs::grade
