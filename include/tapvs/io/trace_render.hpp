// The texts of `tapvs trace`: show (readable lines, filtered) and explain (the life of one
// connection), over the events trace_read.hpp reads.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "tapvs/io/trace_link.hpp"
#include "tapvs/io/trace_read.hpp"

namespace tapvs::io {

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
