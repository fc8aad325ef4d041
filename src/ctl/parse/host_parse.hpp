// Private to src/ctl/parse: the per-tool parsers behind parse_command_multi (ctl/config.hpp) and
// the C-library-shaped helpers they share (strtoul, inet_aton, iproute2's matches(), ...), so each
// tool accepts exactly the spellings the real tool accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/ctl/command.hpp"
#include "tapvs/ctl/ipvsadm.hpp"
#include "tapvs/ctl/tokenize.hpp"
#include "tapvs/net/addr.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::ctl::detail {

using Args = std::span<const std::string>;
using Commands = std::vector<Command>;
using MultiResult = Result<Commands, Reply>;

// An error Reply: `err` is stderr (a final newline is added when missing).
Err<Reply> fail(int status, std::string err);

// ---- numbers, as the C library reads them ----
// strtoul/strtoull over the whole string: optional '+', base 0 = "0x" hex / "0" octal / decimal.
// No digits, trailing characters, a '-' sign or overflow -> nullopt.
std::optional<std::uint64_t> c_strtoul(std::string_view s, int base = 0);
// strtol over the whole string (sign allowed).
std::optional<std::int64_t> c_strtol(std::string_view s, int base = 0);
// C atoi(): leading blanks, sign, then as many decimal digits as there are; 0 when none.
int c_atoi(std::string_view s);

// ---- IPv4 addresses ----
// glibc inet_aton(): a, a.b, a.b.c or a.b.c.d, each part base 0 (net-tools reads addresses so).
std::optional<net::Ipv4Addr> inet_aton(std::string_view s);
// iproute2 lib/utils.c get_addr_ipv4(): 1 to 4 parts of 0..255 (base 0), missing parts are 0
// ("10.8" is 10.8.0.0).
std::optional<net::Ipv4Addr> iproute_ipv4(std::string_view s);
// A dotted mask -> prefix length, -1 when it has holes.
int mask_len(net::Ipv4Addr mask);

// iproute2 lib/utils.c matches(): `word` is a non-empty prefix of `full`.
bool matches(std::string_view word, std::string_view full);
// The kernel's dev_valid_name() as iproute2 check_ifname() copies it: 1..15 chars, no '/' or blank.
bool valid_ifname(std::string_view name);

// ---- the tools (one file each) ----
MultiResult parse_ip(Args args, const IpvsadmContext& ctx);                      // ip_cmd.cpp
MultiResult parse_ifconfig(Args args, const IpvsadmContext& ctx);                // ifconfig_cmd.cpp
MultiResult parse_route(Args args, const IpvsadmContext& ctx);                   // route_cmd.cpp
MultiResult parse_sysctl(Args args);                                             // sysctl_cmd.cpp
MultiResult parse_echo(std::span<const Word> args);                              // sysctl_cmd.cpp
MultiResult parse_cat(Args args);                                                // sysctl_cmd.cpp
MultiResult parse_iptables(std::string_view program, Args args, const IpvsadmContext& ctx);  // iptables_cmd.cpp

}  // namespace tapvs::ctl::detail
