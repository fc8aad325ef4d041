// Replays tests/corpus/malformed/*.bin (found relative to this file): parse_frame() must reject every one,
// with the reason named before "__" in the file name when there is one, and never crash.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tapvs/net/parse.hpp"

using namespace tapvs::net;
namespace fs = std::filesystem;

namespace {
fs::path corpus_dir() { return fs::path(__FILE__).parent_path() / ".." / ".." / "corpus" / "malformed"; }

std::vector<std::uint8_t> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE("corpus: every malformed frame is rejected, with the reason its name gives", "[net][parse][corpus]") {
    const fs::path dir = corpus_dir();
    REQUIRE(fs::is_directory(dir));
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".bin") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 12);
    for (const fs::path& f : files) {
        const std::string name = f.stem().string();
        INFO(name);
        const auto bytes = read_file(f);
        const auto r = parse_frame(bytes);
        REQUIRE_FALSE(r.ok());
        if (const auto sep = name.find("__"); sep != std::string::npos)
            CHECK(std::string(drop_reason_name(r.error())) == name.substr(0, sep));
        // Every prefix must be handled too (a truncated capture of the same frame).
        for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
            const auto p = parse_frame(ConstBytes{bytes}.first(cut));
            if (p.ok()) CHECK(p->l3_off + p->l3_len <= cut);
        }
    }
}
