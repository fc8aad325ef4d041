#pragma once

namespace CLI {
class App;
}

namespace tapvs::app {

// `tapvs lab list|run|down|replay|tool` (lab/runner.hpp, lab/tools.hpp).
void add_lab_command(CLI::App& app);

}  // namespace tapvs::app
