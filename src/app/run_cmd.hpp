// `tapvs run`: the CLI11 subcommand over io/live.hpp.
#pragma once

namespace CLI {
class App;
}

namespace tapvs::app {

// Adds `run` to `app`. The director runs from the CLI11 callback while app.parse() runs, until SIGINT or
// SIGTERM; a failure throws CLI::RuntimeError(status), which CLI11_PARSE turns into the exit status
// (the message is already on standard error).
void add_run_command(CLI::App& app);

}  // namespace tapvs::app
