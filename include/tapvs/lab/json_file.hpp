// The JSON files of a recording (lab.json, step-N/step.json, grade.json) read back, tolerantly: the
// report page and the grader read them with these, so a missing field is an empty text, not a throw.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace tapvs::lab {

// The file's JSON; nullopt when it cannot be read or is not JSON (`error`, if given, says which).
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& p, std::string* error = nullptr);

// j[key] when it is a string, else "".
std::string json_text(const nlohmann::json& j, const char* key);

}  // namespace tapvs::lab
