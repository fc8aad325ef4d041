// Which events of a decision trace belong to which connection, and which involve an address: what
// `tapvs trace show --conn/--client/--rs` filters on and `tapvs trace explain` follows.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "tapvs/io/trace_read.hpp"

namespace tapvs::io {

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

// Whether an event involves `a`: a frame to or from it (in any packet it carries, or as ARP's sender
// or target), an ARP event about it, a schedule or connection with it as the client or real server.
enum class TraceRole : std::uint8_t { client, rs };
bool trace_event_involves(const TraceEvent& e, const TraceAddr& a, TraceRole role);
bool trace_frame_involves(const TraceFrame& f, const TraceAddr& a);

}  // namespace tapvs::io
