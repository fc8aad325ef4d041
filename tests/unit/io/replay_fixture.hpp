// Shared by tests/unit/io/replay_*_test.cpp: where the shipped captures are, a temporary directory that
// removes itself, one replay run with its outputs, and the golden-file helpers.
//
// Golden files are compared byte for byte. With TAPVS_UPDATE_GOLDENS=1 in the environment the tests write
// them instead (scripts/update-goldens.sh does that; review `git diff pcaps/` before committing).
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "tapvs/io/replay.hpp"

namespace tapvs::test::replay {

namespace fs = std::filesystem;

// The repository: TAPVS_SOURCE_DIR when the build defines it, else found from this file's path (CMake
// gives the compiler absolute source paths).
inline fs::path source_dir() {
#ifdef TAPVS_SOURCE_DIR
    return fs::path(TAPVS_SOURCE_DIR);
#else
    return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
#endif
}
inline fs::path pcaps_dir() { return source_dir() / "pcaps"; }

inline bool updating_goldens() {
    const char* v = std::getenv("TAPVS_UPDATE_GOLDENS");
    return v && std::string_view(v) == "1";
}

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
inline void write_file(const fs::path& p, std::string_view text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    REQUIRE(out.good());
}

// A fresh directory under the system's temporary directory (mkdtemp: unique even when several test
// processes run at once), removed with everything in it when the object goes.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "tapvs-replay-test-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(std::string_view name) const { return path_ / name; }

private:
    fs::path path_;
};

struct Outcome {
    int status = -1;
    std::string out, err;
};

inline Outcome run(const io::ReplayOptions& opts) {
    std::ostringstream out, err;
    Outcome o;
    o.status = io::run_replay(opts, out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
}

// A replay of one capture on eth0.
inline io::ReplayOptions options(const fs::path& config, const fs::path& capture, const fs::path& out_dir = {}) {
    io::ReplayOptions o;
    o.config = config.string();
    o.ports = {{"eth0", capture.string()}};
    o.out_dir = out_dir.string();
    return o;
}
inline io::ReplayOptions case_options(const std::string& name, const fs::path& out_dir = {}) {
    return options(pcaps_dir() / name / "director.conf", pcaps_dir() / name / "client.pcap", out_dir);
}

// The text after `"event":"` in a trace line, up to the closing quote (docs/trace.md: every object
// starts with "t" then "event").
inline std::string_view event_of(std::string_view line) {
    constexpr std::string_view key = ",\"event\":\"";
    const auto k = line.find(key);
    if (k == std::string_view::npos) return {};
    const auto from = k + key.size();
    const auto to = line.find('"', from);
    return to == std::string_view::npos ? std::string_view{} : line.substr(from, to - from);
}

// The trace's lines of one event, verbatim, each with its newline.
inline std::string lines_of_event(const std::string& trace, std::string_view event) {
    std::string out;
    std::size_t pos = 0;
    while (pos < trace.size()) {
        auto end = trace.find('\n', pos);
        if (end == std::string::npos) end = trace.size();
        const std::string_view line(trace.data() + pos, end - pos);
        if (event_of(line) == event) {
            out.append(line);
            out.push_back('\n');
        }
        pos = end + 1;
    }
    return out;
}

// Compares `actual` with the golden file, or writes it when updating. On a difference the message names
// the first line that differs.
inline void check_golden(const fs::path& golden, const std::string& actual) {
    if (updating_goldens()) {
        write_file(golden, actual);
        WARN("wrote " << golden.string());
        return;
    }
    INFO("golden file " << golden.string() << " (regenerate with scripts/update-goldens.sh, then review the diff)");
    REQUIRE(fs::exists(golden));
    const std::string expected = read_file(golden);
    if (expected == actual) {
        SUCCEED();
        return;
    }
    std::istringstream e(expected), a(actual);
    std::string el, al;
    int n = 0;
    for (;;) {
        ++n;
        const bool more_e = static_cast<bool>(std::getline(e, el));
        const bool more_a = static_cast<bool>(std::getline(a, al));
        if (!more_e && !more_a) break;
        if (!more_e || !more_a || el != al) {
            INFO("first difference at line " << n << "\n  golden: " << (more_e ? el : "<end>")
                                             << "\n  now:    " << (more_a ? al : "<end>"));
            FAIL("the replay no longer gives the golden file");
        }
    }
    FAIL("the replay differs from the golden file in line endings only");
}

}  // namespace tapvs::test::replay
