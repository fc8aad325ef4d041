// Text into HTML and SVG (report.cpp, ladder_svg.cpp). Internal to src/lab.
#pragma once

#include "tapvs/util/escape.hpp"

namespace tapvs::lab {

inline std::string html_escape(std::string_view s) { return markup_escape(s); }

}  // namespace tapvs::lab
