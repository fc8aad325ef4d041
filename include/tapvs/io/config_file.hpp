// A director's configuration file, read and parsed whole (ctl::parse_config) for `tapvs run` and
// `tapvs replay`: on a mistake the message goes to `err` and nothing is returned.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/ctl/config.hpp"

namespace tapvs::io {

// `program` prefixes the "cannot read" message ("tapvs run"). On failure *status is the exit status.
std::optional<std::vector<ctl::ConfigLine>> load_config(const std::string& path, std::string_view program,
                                                        std::ostream& err, int* status);

}  // namespace tapvs::io
