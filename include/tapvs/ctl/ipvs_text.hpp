// What ipvsadm 1.31 prints, byte for byte, and what it does with a parsed command: libipvs's
// error texts (ipvs_strerror), the -L / -S formats (ipvsadm.c print_title, print_service_entry,
// print_conn, list_timeout, list_daemon, print_largenum), the usage text (usage_exit), and one
// command run against an Ipvs as ipvsadm + the kernel would run it (process_options's switch).
//
// Names: the core has no resolver, so addresses and ports are always printed as numbers, as
// `ipvsadm -n` prints them; without -n the real tool would print host and service names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tapvs/core/ipvs.hpp"
#include "tapvs/core/time.hpp"
#include "tapvs/ctl/command.hpp"
#include "tapvs/ctl/ipvsadm.hpp"

namespace tapvs::ctl {

// libipvs.c ipvs_strerror(), keyed by the libipvs function the command calls (ipvs_func): ESRCH
// is "No such service" for -E/-D/-Z/-L and "Service not defined" for -a/-e/-d; errors the table
// does not name fall back to strerror() (e.g. ERANGE "Numerical result out of range").
std::string ipvs_strerror(const Command& cmd, core::IpvsErr err);

// `ipvsadm -L` in all its forms: plain, --stats, --rate (the core's estimator, core/estimator.hpp), --thresholds, --persistent-conn,
// --tun-info, -c, --timeout, --daemon, --exact, --nosort, one service with -t/-u/-f. Returns
// stdout; a -t/-u/-f service that does not exist gives "" (execute_ipvsadm reports the error).
std::string format_list(const core::Ipvs& ipvs, const cmd::List& list, core::Timestamp now);

// `ipvsadm -S` (`-S -n`): the rules that rebuild the table (thresholds are not saved).
std::string format_save(const core::Ipvs& ipvs, bool numeric);

// ipvsadm.c usage_exit(): version line, then the usage text, with `program` as argv[0].
std::string ipvsadm_usage(std::string_view program);
// ipvsadm.c version(): "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n".
std::string ipvsadm_version();

// One ipvsadm command run against `ipvs` as ipvsadm + the kernel would: the Ipvs control op,
// its IpvsErr through ipvs_strerror() to stderr with status 255; -L/-S text on stdout; -h usage
// on stdout (status 0); -v the version line. Sync daemons: tapvs runs none, so --start-daemon
// fails as the kernel's start_sync_thread() does for a multicast interface it cannot find
// (ENODEV, "No such device", status 255) and --stop-daemon as ip_vs_genl_del_daemon() does with
// no daemon running (ESRCH, "No daemon is running", status 255). -R needs its input: it returns
// status 255 with a note on stderr; run execute_ipvsadm_restore() with the lines instead.
// Non-ipvsadm commands give status 255 and a note.
Reply execute_ipvsadm(core::Ipvs& ipvs, const Command& cmd, core::Timestamp now, const IpvsadmContext& ctx = {});

// `ipvsadm -R` fed `input` (ipvsadm.c restore_table()): each line with words is parsed and run as
// ipvsadm runs it; a kernel error or a popt error prints its message and the stream goes on; an
// error that exits ipvsadm (fail(), tryhelp_exit(), -h, -v, a missing -L service, a nested -R)
// ends it there with that status. Otherwise the status is that of the last line (0 or 255).
Reply execute_ipvsadm_restore(core::Ipvs& ipvs, std::string_view input, core::Timestamp now,
                              const IpvsadmContext& ctx = {});

}  // namespace tapvs::ctl
