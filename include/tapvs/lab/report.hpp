// The report of a lab run: OUT/NAME/report.html, one self-contained page (inline CSS and SVG, no
// script, nothing fetched) a teacher can project. Per step: its commands and their output, what was
// checked and the result, `ipvsadm -L -n` as the step left it, and a ladder diagram of the step's
// first connection to a virtual service across client, director, real server and back, drawn from
// the step's captures (ladder.hpp).
#pragma once

#include <string>

namespace tapvs::lab {

// Reads what a run recorded in `recorded` (OUT/NAME: lab.json, step-N/) and writes
// `recorded`/report.html. False, with `error` set, when the recording cannot be read or the page
// cannot be written.
bool write_report(const std::string& recorded, std::string* error = nullptr);

}  // namespace tapvs::lab
