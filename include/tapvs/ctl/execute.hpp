// The one door into a running engine: every command, whatever front end parsed it (config file,
// tapvsadm, replay's timed lines, labs, the grader), is carried out here.
#pragma once

#include "tapvs/core/engine.hpp"
#include "tapvs/ctl/command.hpp"
#include "tapvs/ctl/ipvsadm.hpp"

namespace tapvs::ctl {

// Carries out one command at time `now` and returns what the real tool would print and its status.
Reply execute(core::Engine& engine, const Command& cmd, core::Timestamp now, const IpvsadmContext& ctx = {});

// Host commands only (ip / ifconfig / route / sysctl / iptables): what execute() does with them.
Reply execute_host(core::Engine& engine, const Command& cmd);

// True for the ipvsadm commands (cmd::AddService ... cmd::Version).
bool is_ipvsadm_command(const Command& cmd) noexcept;

}  // namespace tapvs::ctl
