#include <catch2/catch.hpp>

#include <cctype>
#include <cstring>
#include <set>
#include <string>

#include "tapvs/net/drop_reason.hpp"

using namespace tapvs::net;

TEST_CASE("drop_reason: every reason has a unique snake_case name and a sentence", "[net][drop_reason]") {
    std::set<std::string> names;
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
        const auto r = static_cast<DropReason>(i);
        const std::string name = drop_reason_name(r);
        INFO("reason #" << i << " " << name);
        CHECK(name != "?");
        CHECK(std::strcmp(drop_reason_text(r), "?") != 0);
        CHECK(std::strlen(drop_reason_text(r)) > 10);
        for (char c : name) CHECK((std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'));
        CHECK(names.insert(name).second);
        CHECK(drop_reason_from_name(name) == r);
    }
    CHECK(names.size() == kDropReasonCount);
}

TEST_CASE("drop_reason: the list holds the reasons the engine and parser agreed on", "[net][drop_reason]") {
    for (const char* n :
         {"eth_too_short", "vlan_too_short", "ethertype_unsupported", "ipv6_unsupported", "arp_malformed",
          "arp_unsupported", "ipv4_too_short", "ipv4_bad_version", "ipv4_bad_ihl", "ipv4_bad_total_length",
          "ipv4_bad_checksum", "ipv4_fragment", "tcp_too_short", "tcp_bad_offset", "tcp_bad_checksum",
          "udp_too_short", "udp_bad_length", "udp_bad_checksum", "icmp_too_short", "icmp_bad_checksum",
          "icmp_inner_malformed", "ipip_inner_malformed", "mac_not_ours", "port_down", "arp_not_for_us",
          "martian_source", "ip_forward_disabled", "no_route", "ttl_exceeded", "neigh_unresolved",
          "neigh_queue_full", "no_headroom", "frag_needed", "local_no_socket", "icmp_unhandled", "protocol_unsupported",
          "ipvs_no_dest", "ipvs_not_syn", "ipvs_dest_unavailable", "ipvs_ftpdata_port", "ipvs_port_zero", "offload_unsupported",
          "ipv4_bad_options"}) {
        INFO(n);
        CHECK(drop_reason_from_name(n).has_value());
    }
    CHECK(kDropReasonCount == 43);
}

TEST_CASE("drop_reason: parse reasons come first, out-of-range values print as ?", "[net][drop_reason]") {
    CHECK(index_of(DropReason::eth_too_short) == 0);
    CHECK(index_of(kLastParseDropReason) < index_of(DropReason::mac_not_ours));
    CHECK(std::string(drop_reason_name(DropReason::count_)) == "?");
    CHECK(std::string(drop_reason_text(static_cast<DropReason>(200))) == "?");
    CHECK_FALSE(drop_reason_from_name("no_such_reason").has_value());
    CHECK_FALSE(drop_reason_from_name("?").has_value());
}
