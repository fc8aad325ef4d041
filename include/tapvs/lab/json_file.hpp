// The JSON files of a recording (lab.json, step-N/step.json, grade.json) read back, tolerantly: the
// report page and the grader read them with these, so a missing field is an empty text, not a throw.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tapvs::lab {

// The file's JSON; nullopt when it cannot be read or is not JSON (`error`, if given, says which).
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& p, std::string* error = nullptr);

// Tolerant field readers: j[key] when it is there with the right type, else the fallback (j need
// not be an object).
std::string json_text(const nlohmann::json& j, const char* key);  // "" when not a string
bool json_flag(const nlohmann::json& j, const char* key, bool fallback = false);
int json_int(const nlohmann::json& j, const char* key, int fallback = 0);
double json_number(const nlohmann::json& j, const char* key);  // 0 when not a number
std::vector<std::string> json_texts(const nlohmann::json& j, const char* key);  // its strings
const nlohmann::json& json_array(const nlohmann::json& j, const char* key);   // empty when not an array

// The text of a JSON file tapvs writes (step.json, lab.json, grade.json, the grader's --format json):
// indented by 2, invalid UTF-8 replaced, a final newline.
std::string json_file_text(const nlohmann::json& j);

}  // namespace tapvs::lab
