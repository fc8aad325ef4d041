// Reading a decision trace (trace.jsonl, docs/trace.md) back into typed events. The events' records
// and their fields are the schema's (trace_schema.hpp), shared with the writer; which event belongs
// to which connection is trace_link.hpp, and the texts of `tapvs trace` are trace_render.hpp.
//
// The reader is tolerant of what it does not know (unknown fields are ignored, unknown events are kept
// with kind `unknown`) and strict about what it does: a line that is not a JSON object, lacks "t" or
// "event", or has a known field of the wrong shape is an error naming the line. Blank lines are skipped.
// None of this is on a packet path; it allocates and uses exceptions internally as it likes.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tapvs/core/time.hpp"
#include "tapvs/io/trace_schema.hpp"
#include "tapvs/net/addr.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::io {

// One IPv4 packet of a frame: the outer one, IP-in-IP's inner packet, or the packet an ICMP error quotes.
struct TracePacket {
    std::string proto;  // "TCP", "UDP", "ICMP", "IPIP" or "IP"
    TraceAddr src, dst;  // with ports for unfragmented TCP/UDP
    std::optional<std::uint8_t> ip_proto;  // proto "IP": the protocol number
    bool frag = false;
    std::string flags;  // TCP flags as tcpdump prints them ("S", "S.", "none"); "" when not TCP
    std::optional<std::uint8_t> icmp_type, icmp_code;
    std::shared_ptr<const TracePacket> inner;  // proto "IPIP": the encapsulated packet
    std::shared_ptr<const TracePacket> quote;  // an ICMP error: the packet it quotes
};

struct TraceArpFrame {
    bool request = true;
    net::Ipv4Addr sender, target;
    net::MacAddr sender_mac, target_mac;
};

// rx, tx and drop.
struct TraceFrame {
    std::string port;
    std::string reason;  // drop: drop_reason_name()
    std::uint32_t len = 0;
    std::optional<net::MacAddr> eth_src, eth_dst;
    std::optional<std::uint16_t> vlan;
    std::string ethertype;  // "0x86dd": set when the frame could not be decoded
    std::optional<TraceArpFrame> arp;
    std::optional<TracePacket> ip;
};

struct TraceEvent {
    std::size_t line = 0;  // 1-based line in the file
    core::Timestamp t;
    TraceEventKind kind = TraceEventKind::unknown;
    std::string name;  // the "event" text (kept for unknown events)
    std::variant<std::monostate, TraceHeaderInfo, TraceFrame, TraceArpInfo, TraceSchedule, TraceConn> data;

    const TraceHeaderInfo* header() const noexcept { return std::get_if<TraceHeaderInfo>(&data); }
    const TraceFrame* frame() const noexcept { return std::get_if<TraceFrame>(&data); }
    const TraceArpInfo* arp() const noexcept { return std::get_if<TraceArpInfo>(&data); }
    const TraceSchedule* schedule() const noexcept { return std::get_if<TraceSchedule>(&data); }
    const TraceConn* conn() const noexcept { return std::get_if<TraceConn>(&data); }
};

struct TraceError {
    std::size_t line = 0;  // 0: not about one line (the file could not be read)
    std::string message;
};

// One line (without its newline). `line_no` goes into the event and into errors.
Result<TraceEvent, TraceError> parse_trace_line(std::string_view line, std::size_t line_no);
// Every line of a trace; the first malformed line stops the reading.
Result<std::vector<TraceEvent>, TraceError> read_trace(std::istream& in);
Result<std::vector<TraceEvent>, TraceError> read_trace_file(const std::string& path);

}  // namespace tapvs::io
