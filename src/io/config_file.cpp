#include "tapvs/io/config_file.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

namespace tapvs::io {

std::optional<std::vector<ctl::ConfigLine>> load_config(const std::string& path, std::string_view program,
                                                        std::ostream& err, int* status) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        err << program << ": cannot read " << path << "\n";
        *status = 1;
        return std::nullopt;
    }
    std::ostringstream text;
    text << f.rdbuf();
    auto parsed = ctl::parse_config(text.str(), path);
    if (!parsed) {
        err << parsed.error().to_string() << "\n";
        *status = parsed.error().status ? parsed.error().status : 1;
        return std::nullopt;
    }
    return std::move(parsed.value());
}

}  // namespace tapvs::io
