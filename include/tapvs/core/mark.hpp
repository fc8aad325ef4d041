// The mangle table's MARK rules, as the host keeps them (iptables -t mangle ... -j MARK
// --set-mark N[/MASK]): only what fwmark services need. The command that adds, inserts, deletes or
// flushes them is ctl::cmd::MarkRule; Host::mark_for() applies them to a packet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tapvs/net/addr.hpp"

namespace tapvs::core {

struct MarkMatch {
    std::uint8_t protocol = 0;  // 0 = any, else IPPROTO_TCP / IPPROTO_UDP / ...
    std::optional<std::pair<net::Ipv4Addr, int>> src, dst;  // address, prefix length
    bool src_invert = false, dst_invert = false;
    std::vector<std::uint16_t> sports, dports;  // empty = any; several from -m multiport
    std::string in_iface;                       // -i
    friend bool operator==(const MarkMatch&, const MarkMatch&) = default;
};

struct MarkRule {
    std::string chain = "PREROUTING";
    MarkMatch match;
    std::uint32_t mark = 0;
    std::uint32_t mask = 0xffffffff;  // --set-mark V/M: (mark & ~M) ^ V
};

}  // namespace tapvs::core
