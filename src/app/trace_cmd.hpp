// `tapvs trace show|explain`: the CLI11 subcommand over io/trace_read.hpp.
#pragma once

namespace CLI {
class App;
}

namespace tapvs::app {

// Adds `trace` (with `show` and `explain`) to `app`. The subcommands run from their CLI11 callbacks while
// app.parse() runs; a failure throws CLI::RuntimeError(status), which CLI11_PARSE turns into the exit status
// without printing anything more (the message is already on standard error).
void add_trace_command(CLI::App& app);

}  // namespace tapvs::app
