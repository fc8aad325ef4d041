// Text into HTML and SVG (report.cpp, ladder_svg.cpp). Internal to src/lab.
#pragma once

#include <string>
#include <string_view>

namespace tapvs::lab {

inline std::string html_escape(std::string_view s) {
    std::string o;
    o.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&#39;"; break;
            default: o += c;
        }
    }
    return o;
}

}  // namespace tapvs::lab
