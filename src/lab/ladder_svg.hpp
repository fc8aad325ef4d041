// A Ladder (ladder.hpp) drawn as inline SVG for the report: a lifeline per node, an arrow per hop
// labelled with the addresses on that link, what the director rewrote in red. Internal to src/lab.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tapvs/lab/ladder.hpp"

namespace tapvs::lab {

// `heads`: the lines under each node's name in its box (its interfaces). The page's CSS styles the
// classes used (report.cpp).
std::string ladder_svg(const Ladder& l, const std::map<std::string, std::vector<std::string>>& heads);

}  // namespace tapvs::lab
