// ipvsadm's command line, parsed as ipvsadm 1.31 parses it (ipvsadm.c parse_options()), into a Command.
// A mistake gives ipvsadm's own message and exit status in the Reply (stderr text, status 2 or 255).
#pragma once

#include <span>
#include <string>
#include <string_view>

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

}  // namespace tapvs::ctl
