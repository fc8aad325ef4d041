#pragma once

namespace CLI {
class App;
}

namespace tapvs::app {

// `tapvs grade --lab NAME SUBMISSION...` (grade/grader.hpp).
void add_grade_command(CLI::App& app);

}  // namespace tapvs::app
