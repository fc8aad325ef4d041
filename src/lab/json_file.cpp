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
    const auto it = j.find(key);  // end() when j is not an object
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool json_flag(const nlohmann::json& j, const char* key, bool fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

int json_int(const nlohmann::json& j, const char* key, int fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

double json_number(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::vector<std::string> json_texts(const nlohmann::json& j, const char* key) {
    std::vector<std::string> v;
    for (const auto& x : json_array(j, key))
        if (x.is_string()) v.push_back(x.get<std::string>());
    return v;
}

const nlohmann::json& json_array(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    const auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

std::string json_file_text(const nlohmann::json& j) {
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace tapvs::lab
