#include "tapvs/lab/json_file.hpp"

#include <fstream>

namespace tapvs::lab {

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& p, std::string* error) {
    std::ifstream in(p);
    if (!in) {
        if (error) *error = p.string() + ": cannot read it";
        return std::nullopt;
    }
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) {
        if (error) *error = p.string() + ": not JSON";
        return std::nullopt;
    }
    return j;
}

std::string json_text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace tapvs::lab
