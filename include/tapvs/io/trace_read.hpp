// Reading a decision trace (trace.jsonl, docs/trace.md) back into typed events, and the two views of
// `tapvs trace`: show (readable lines, filtered) and explain (the life of one connection).
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
#include "tapvs/net/addr.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::io {

enum class TraceEventKind : std::uint8_t {
    trace, rx, tx, drop, arp, schedule, conn_new, conn_state, conn_expire, unknown
};
// "rx", "conn_new", ...; "unknown" for unknown.
std::string_view trace_event_name(TraceEventKind k) noexcept;
// The inverse for the nine events of the schema; nullopt for any other name.
std::optional<TraceEventKind> trace_event_from_name(std::string_view name) noexcept;

// An address as a trace writes it: "ip" or "ip:port".
struct TraceAddr {
    net::Ipv4Addr ip;
    std::optional<std::uint16_t> port;

    static std::optional<TraceAddr> parse(std::string_view text);
    std::string to_string() const;
    // Same address, and the same port when `pattern` has one (a filter "10.0.0.1" matches every port).
    bool matches(const TraceAddr& pattern) const noexcept;
    friend bool operator==(const TraceAddr&, const TraceAddr&) = default;
};

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

struct TracePort {
    std::string name;
    net::MacAddr mac;
    std::vector<std::string> addrs;  // "192.168.1.10/24"
};

struct TraceHeaderInfo {
    int schema = 0;
    std::string tapvs;
    std::uint64_t seed = 0;
    std::string config;
    std::vector<TracePort> ports;
};

struct TraceArpInfo {
    std::string port;
    std::string what;  // request_sent, reply_sent, learned, failed
    net::Ipv4Addr ip;
    std::optional<net::MacAddr> mac;
};

struct TraceSchedule {
    std::string proto;
    TraceAddr client;
    std::optional<TraceAddr> vip;          // address services
    std::optional<std::uint32_t> fwmark;   // fwmark services
    std::string scheduler;
    std::optional<TraceAddr> rs;           // nullopt: no real server was available
    std::string method;                    // "" when rs is null
    bool persistent = false;
    std::string why;
};

// conn_new, conn_state and conn_expire.
struct TraceConn {
    std::uint64_t id = 0;
    std::string proto;
    TraceAddr client, vip, rs;
    std::optional<std::uint32_t> fwmark;
    std::string method;
    std::string state;      // conn_new, conn_expire: the state; conn_state: the new state
    std::string old_state;  // conn_state
    std::optional<std::uint64_t> timeout;  // conn_state, seconds
    std::uint64_t inpkts = 0, outpkts = 0, inbytes = 0, outbytes = 0;  // conn_expire
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

// ---- show ----

struct TraceFilter {
    std::vector<TraceEventKind> events;  // empty: every event
    std::optional<TraceAddr> client;     // frames to or from it, its schedules and connections
    std::optional<TraceAddr> rs;         // frames to or from it, schedules and connections to it
    std::optional<std::uint64_t> conn;   // the events of that connection (see link_connections)
};

// The connection each event belongs to, by index (0: none). Connection events carry their id; a
// schedule belongs to the connection it created; a frame belongs to the live connection whose
// addresses it carries (client -> VIP, VIP -> client, client -> RS, RS -> client, in the outer
// packet, an IP-in-IP inner packet or an ICMP quote), and the frame that created a connection to it.
std::vector<std::uint64_t> link_connections(const std::vector<TraceEvent>& events);
bool trace_event_matches(const TraceEvent& e, std::uint64_t conn, const TraceFilter& f);

// One readable line, without a newline: time relative to `t0` (6 decimals), the port padded to
// `port_width`, the event, and what happened.
std::string format_trace_event(const TraceEvent& e, core::Timestamp t0, std::size_t port_width);
// "TCP 192.168.1.50:40000 > 192.168.1.10:80 [S]" and the like.
std::string format_trace_packet(const TracePacket& p);

void show_trace(const std::vector<TraceEvent>& events, const TraceFilter& f, std::ostream& out);
// The life of every connection from `client` (and every attempt that made none). False when the trace
// has nothing from that client.
bool explain_trace(const std::vector<TraceEvent>& events, const TraceAddr& client, std::ostream& out);

// `tapvs trace show|explain`: read the file, print; problems go to `err`. Return the exit status.
int run_trace_show(const std::string& path, const TraceFilter& f, std::ostream& out, std::ostream& err);
int run_trace_explain(const std::string& path, const TraceAddr& client, std::ostream& out, std::ostream& err);

}  // namespace tapvs::io
