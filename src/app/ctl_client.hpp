// The client side of the control socket, shared by tapvsadm and `tapvs ctl`: one command line to
// the running `tapvs run`, its reply printed byte for byte, its status returned.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tapvs::app {

// Sends `words` (an ipvsadm command line with its program name first, or a host line such as
// `ip addr add ...`) to $TAPVS_SOCKET or /run/tapvs/tapvs.sock; -R / --restore sends standard input
// along. Prints the reply's stdout and stderr; returns its status, 1 when the engine cannot be reached
// (the message names `self`).
int ctl_client(std::string_view self, std::vector<std::string> words);

}  // namespace tapvs::app
