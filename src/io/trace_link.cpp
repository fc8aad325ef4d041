// Which trace events belong to which connection, and to which address (trace_link.hpp).
#include "tapvs/io/trace_link.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace tapvs::io {

namespace {

using Tuple = std::tuple<std::string, std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>;

void packet_tuples(const TracePacket& p, std::vector<Tuple>& out) {
    if (p.src.port && p.dst.port)
        out.emplace_back(p.proto, p.src.ip.host_order, *p.src.port, p.dst.ip.host_order, *p.dst.port);
    if (p.inner) packet_tuples(*p.inner, out);
    if (p.quote) packet_tuples(*p.quote, out);
}

std::vector<Tuple> frame_tuples(const TraceFrame& f) {
    std::vector<Tuple> out;
    if (f.ip) packet_tuples(*f.ip, out);
    return out;
}

Tuple tuple_of(const std::string& proto, const TraceAddr& a, const TraceAddr& b) {
    return {proto, a.ip.host_order, a.port.value_or(0), b.ip.host_order, b.port.value_or(0)};
}

// The four address pairs a connection's packets carry (ip_vs_conn_in_get / ip_vs_conn_out_get's keys, and
// what NAT turns them into).
std::vector<Tuple> conn_tuples(const TraceConn& c) {
    return {tuple_of(c.proto, c.client, c.vip), tuple_of(c.proto, c.vip, c.client), tuple_of(c.proto, c.client, c.rs),
            tuple_of(c.proto, c.rs, c.client)};
}

bool packet_involves(const TracePacket& p, const TraceAddr& a) {
    if (p.src.matches(a) || p.dst.matches(a)) return true;
    if (p.inner && packet_involves(*p.inner, a)) return true;
    return p.quote && packet_involves(*p.quote, a);
}

}  // namespace

bool trace_frame_involves(const TraceFrame& f, const TraceAddr& a) {
    if (f.ip) return packet_involves(*f.ip, a);
    if (f.arp) return !a.port && (f.arp->sender == a.ip || f.arp->target == a.ip);
    return false;
}

bool trace_event_involves(const TraceEvent& e, const TraceAddr& a, TraceRole role) {
    if (const TraceFrame* f = e.frame()) return trace_frame_involves(*f, a);
    if (const TraceArpInfo* x = e.arp()) return !a.port && x->ip == a.ip;
    if (const TraceSchedule* s = e.schedule())
        return role == TraceRole::client ? s->client.matches(a) : (s->rs && s->rs->matches(a));
    if (const TraceConn* c = e.conn()) return role == TraceRole::client ? c->client.matches(a) : c->rs.matches(a);
    return false;
}

std::vector<std::uint64_t> link_connections(const std::vector<TraceEvent>& events) {
    std::vector<std::uint64_t> link(events.size(), 0);
    std::map<Tuple, std::uint64_t> live;
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t last_rx = kNone, last_schedule = kNone;  // (std::optional here trips g++ 12's -Wmaybe-uninitialized)
    for (std::size_t i = 0; i < events.size(); ++i) {
        const TraceEvent& e = events[i];
        if (const TraceFrame* f = e.frame()) {
            for (const Tuple& t : frame_tuples(*f))
                if (auto it = live.find(t); it != live.end()) {
                    link[i] = it->second;
                    break;
                }
            if (e.kind == TraceEventKind::rx) last_rx = i;
        } else if (e.kind == TraceEventKind::schedule) {
            last_schedule = i;
        } else if (const TraceConn* c = e.conn()) {
            link[i] = c->id;
            if (e.kind == TraceEventKind::conn_new) {
                for (const Tuple& t : conn_tuples(*c)) live[t] = c->id;
                // The decision that made it, and the frame that asked for it (handled at the same instant,
                // just before; a SYN that reused an old entry's addresses moves from that entry to this one).
                if (last_schedule != kNone && events[last_schedule].t == e.t) {
                    const TraceSchedule& s = *events[last_schedule].schedule();
                    if (s.client == c->client && s.proto == c->proto) link[last_schedule] = c->id;
                    last_schedule = kNone;
                }
                if (last_rx != kNone && events[last_rx].t == e.t) {
                    const Tuple in = tuple_of(c->proto, c->client, c->vip);
                    const auto ts = frame_tuples(*events[last_rx].frame());
                    if (std::find(ts.begin(), ts.end(), in) != ts.end()) link[last_rx] = c->id;
                }
            } else if (e.kind == TraceEventKind::conn_expire) {
                for (const Tuple& t : conn_tuples(*c))
                    if (auto it = live.find(t); it != live.end() && it->second == c->id) live.erase(it);
            }
        }
    }
    return link;
}

bool trace_event_matches(const TraceEvent& e, std::uint64_t conn_id, const TraceFilter& f) {
    if (!f.events.empty() && std::find(f.events.begin(), f.events.end(), e.kind) == f.events.end()) return false;
    if (f.conn && conn_id != *f.conn) return false;
    if (f.client && !trace_event_involves(e, *f.client, TraceRole::client)) return false;
    if (f.rs && !trace_event_involves(e, *f.rs, TraceRole::rs)) return false;
    return true;
}

}  // namespace tapvs::io
