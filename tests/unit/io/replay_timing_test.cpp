// tapvs replay --timing: the engine-alone run is the run the replay reports, the same frames under the
// same configuration at the same clock (--epoch and the timed lines included).
#include <regex>

#include "unit/io/replay_fixture.hpp"

namespace tapvs::test::replay {
namespace {

struct Counts {
    std::string frames_in, out, dropped;
};

Counts summary_counts(const std::string& text) {
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex(R"(tapvs replay: (\d+) frames in, (\d+) out, (\d+) dropped)")));
    return {m[1], m[2], m[3]};
}

Counts timing_counts(const std::string& text) {
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex(R"(the engine alone: .*, (\d+) frames in, (\d+) out, (\d+) dropped)")));
    return {m[1], m[2], m[3]};
}

TEST_CASE("replay --timing: the engine alone runs the configuration the replay reports, --epoch and timed lines too") {
    // pcaps/drops: timed lines delete a real server, shrink an MTU, turn ip_forward off and take eth0
    // down at 2.1-8.4 s; its first frame is at 1767225600. An epoch 7 s earlier takes eth0 down 1.4 s
    // into the capture, so nearly everything is dropped.
    auto plain = case_options("drops");
    plain.quiet = true;
    plain.timing = true;
    auto early = plain;
    early.epoch_us = std::int64_t{1767225593} * 1000000;

    for (const auto* o : {&plain, &early}) {
        const Outcome r = run(*o);
        REQUIRE(r.status == 0);
        const Counts reported = summary_counts(r.out), timed = timing_counts(r.err);
        CHECK(timed.frames_in == reported.frames_in);
        CHECK(timed.out == reported.out);
        CHECK(timed.dropped == reported.dropped);
    }
    // The epoch matters, so the comparison above can tell a timing run that ignored it.
    CHECK(summary_counts(run(plain).out).out != summary_counts(run(early).out).out);
}

}  // namespace
}  // namespace tapvs::test::replay
