// ipvsadm's command line, parsed as ipvsadm 1.31 parses it (ipvsadm.c parse_options()), into a Command.
// A mistake gives ipvsadm's own message and exit status in the Reply (stderr text, status 2 or 255).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/ctl/command.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::ctl {

// Turns host and service names into addresses and ports. ipvsadm resolves names (gethostbyname,
// getservbyname); the pure core has no resolver, so without one only numeric forms are accepted
// (a name then fails as ipvsadm fails on an unknown name). Adapters may pass a real one.
class NameResolver {
public:
    virtual ~NameResolver() = default;
    virtual std::optional<net::Ipv4Addr> host(std::string_view name) const = 0;
    virtual std::optional<std::uint16_t> service(std::string_view name, std::string_view proto) const = 0;
};

struct IpvsadmContext {
    std::string program = "ipvsadm";        // argv[0] as ipvsadm prints it in usage text
    const NameResolver* resolver = nullptr;
};

// `args` excludes argv[0]. Errors come back as the Reply ipvsadm would give (usage on stderr, status).
Result<Command, Reply> parse_ipvsadm(std::span<const std::string> args, const IpvsadmContext& ctx = {});

// parse_ipvsadm() and how its failure ends ipvsadm. fail(), tryhelp_exit() (and -h / -v, which are
// Commands) exit the process, so they also end an `ipvsadm -R` stream; a popt error only makes
// process_options() return -1, and -R goes on with the next line (ipvsadm.c restore_table()).
struct IpvsadmParse {
    Result<Command, Reply> result;
    bool exits = false;  // meaningful when !result.ok()
};
IpvsadmParse parse_ipvsadm_ex(std::span<const std::string> args, const IpvsadmContext& ctx = {});

// config_stream.c config_stream_read() applied to all of `input`: the argument lists that
// `ipvsadm -R` runs, one per line that has words. Words are split at blanks (space, tab, CR, LF);
// the word "ipvsadm" is dropped wherever it stands; '#' starts no comment (the stream reader's
// comment test looks at the blank after a word, which is never '#'); a final line that ends in
// two or more blanks and no newline is lost, as fscanf/fgetc lose it.
std::vector<std::vector<std::string>> split_ipvsadm_restore(std::string_view input);

// IPPROTO_SCTP: ServiceKey::protocol for --sctp-service (core::Proto has no name for it).
inline constexpr core::Proto kProtoSctp = static_cast<core::Proto>(132);

}  // namespace tapvs::ctl
