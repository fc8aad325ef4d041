// A director's configuration: the guide's own shell lines (ip, ifconfig, route, sysctl,
// echo > /proc/sys, cat /proc/sys, iptables, ipvsadm), read as data into Commands. Nothing is ever
// run by a shell (ctl/tokenize.hpp). Mistakes give the message and exit status the real tool gives.
//
// What the host commands mean beyond command.hpp's comments (the executor must know these):
//  * AddrDel.prefix_len == -1: `ip addr del ADDR dev IF` without /LEN, iproute2's wildcard
//    deletion (ipaddress.c ipaddr_modify(); kernel inet_rtm_deladdr() without IFA_ADDRESS): the
//    address is removed whatever its prefix length.
//  * LinkSet.dev / AddrFlush.dev may be an ifconfig alias label ("eth0:0"): LinkSet{up=false} on
//    an alias deletes that alias's address, LinkSet{up=true} only requires it to exist, and
//    AddrFlush of an alias (`ifconfig eth0:0 0.0.0.0`) deletes it (devinet_ioctl() SIOCSIFFLAGS
//    and SIOCSIFADDR on a label). ifconfig's mtu / hw ether always name the base device.
//  * ifconfig's AddrAdd carries the prefix and broadcast the kernel ends with (devinet_ioctl():
//    classful prefix from inet_abc_len() unless a netmask follows, broadcast = addr|~mask on
//    broadcast-capable devices).
//  * MarkRule{op=flush} with an empty chain flushes every chain of the mangle table.
//  * `iptables -F/-X/-Z` on tables other than mangle, and `-P CHAIN ACCEPT`, change nothing tapvs
//    models and give no command.
//  * `ipvsadm -R` in a file gives no command itself: the lines after it are its restore lines.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/ctl/command.hpp"
#include "tapvs/ctl/ipvsadm.hpp"
#include "tapvs/ctl/programs.hpp"  // is_known_program(), program_name(), is_ipvsadm()
#include "tapvs/ctl/tokenize.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::ctl {

// One command of a configuration file. `at` is the `@SECONDS` prefix of a timed line (replay).
struct ConfigLine {
    int line = 0;
    std::optional<double> at;
    Command cmd;
};

struct ConfigError {
    std::string file;
    int line = 0;
    std::string message;  // the tool's stderr text, without the final newline
    int status = 1;       // the exit status the tool (or sh, for syntax) would give
    std::string to_string() const;  // "FILE:LINE: MESSAGE"
};

// One command line, dispatched on the program_name() of its first word (ctl/programs.hpp):
// ipvsadm / tapvsadm, ip, ifconfig, route, sysctl, echo, cat, iptables (-nft, -legacy), the
// programs of kPrograms; any other is refused (status 127). Some lines give several commands
// (`sysctl -w a=1 b=2`, `ifconfig eth0 ADDR up`) and some none (`iptables -F` of the filter
// table): parse_command_multi returns them all, in order. In the string forms a word ">" is the
// redirection operator.
Result<std::vector<Command>, Reply> parse_command_multi(std::span<const Word> words,
                                                        const IpvsadmContext& ctx = {});
Result<std::vector<Command>, Reply> parse_command_multi(std::span<const std::string> words,
                                                        const IpvsadmContext& ctx = {});
// The same for lines that give exactly one command; any other count is an error Reply.
Result<Command, Reply> parse_command(std::span<const std::string> words, const IpvsadmContext& ctx = {});

// A whole file, parsed completely before anything is returned: on an error nothing is applied.
// Blank lines and comments are skipped, `\` continuations joined (the line number is the first
// line's), `@SECONDS cmd` is a timed line. After `ipvsadm -R` every line is a restore line
// (`ipvsadm -S` format, without the leading `ipvsadm`).
Result<std::vector<ConfigLine>, ConfigError> parse_config(std::string_view text, std::string_view filename,
                                                          const IpvsadmContext& ctx = {});

// The sysctls tapvs knows (dotted key, "net.ipv4.ip_forward"): net.ipv4.ip_forward,
// net.ipv4.vs.* (Documentation/networking/ipvs-sysctl.rst, ip_vs_ctl.c vs_vars[], plus the
// lblc/lblcr schedulers' expiration), net.ipv4.conf.{all,default,IFNAME}.{send_redirects,
// rp_filter, arp_ignore, arp_announce, accept_redirects, forwarding, arp_filter, proxy_arp,
// log_martians, accept_source_route}.
bool known_sysctl(std::string_view dotted_key);
// A /proc/sys directory on the way to a known key ("net", "net.ipv4.vs", "net.ipv4.conf.eth0").
bool known_sysctl_dir(std::string_view dotted_key);
// The two spellings, converted as procps sysctl.c slashdot() does: the first separator decides,
// and '.' and '/' swap ("net/ipv4/conf/eth0.100/rp_filter" <-> "net.ipv4.conf.eth0/100.rp_filter").
std::string sysctl_dotted(std::string_view key);
std::string sysctl_proc_path(std::string_view key);  // "/proc/sys/net/ipv4/ip_forward"

}  // namespace tapvs::ctl
