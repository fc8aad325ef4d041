// Private to src/ctl/parse: the per-tool parsers behind parse_command_multi (ctl/config.hpp) and
// the helpers they share (iproute2's get_unsigned() and matches(), net-tools' prefix, ...) over the
// one C library emulation (clib.hpp), so each tool accepts exactly the spellings the real tool
// accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctl/parse/clib.hpp"
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

// ---- numbers and addresses, as the tools check what the C library (clib.hpp) reads ----
// iproute2 lib/utils.c get_unsigned() and get_u32() (the same on LP64): strtoul(base) over the
// whole word, no ERANGE, at most UINT_MAX ("-0" and " 7" pass, as strtoul reads them).
std::optional<std::uint32_t> get_unsigned(std::string_view s, int base = 0);
// iproute2 lib/utils.c get_integer(): strtol(base) over the whole word, no ERANGE, an int.
std::optional<int> get_integer(std::string_view s, int base = 0);
// iproute2 lib/utils.c get_addr_ipv4(): 1 to 4 parts, each strtoul(base 0) and 0..255, missing
// parts are 0 ("10.8" is 10.8.0.0).
std::optional<net::Ipv4Addr> get_addr_ipv4(std::string_view s);
// net-tools lib/inet.c INET_getnetmask(): the "/PREFIX" of ADDR/PREFIX is strtoul(base 0) and
// must end the word; nothing else is checked ("" is 0). The value strtoul gives.
std::optional<std::uint64_t> inet_getnetmask_prefix(std::string_view s);
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
