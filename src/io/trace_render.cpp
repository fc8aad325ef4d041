// The texts of `tapvs trace show` and `tapvs trace explain` (trace_render.hpp).
#include "tapvs/io/trace_render.hpp"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "tapvs/net/drop_reason.hpp"

namespace tapvs::io {

namespace {

std::string rel_time(core::Timestamp t, core::Timestamp t0) {
    const std::int64_t ns = (t - t0).count();
    std::int64_t us = ns / 1000;
    if (ns % 1000 < 0) --us;
    const bool neg = us < 0;
    const std::uint64_t a = neg ? static_cast<std::uint64_t>(-(us + 1)) + 1 : static_cast<std::uint64_t>(us);
    return fmt::format("{}{}.{:06}", neg ? "-" : "", a / 1000000, a % 1000000);
}

std::string icmp_text(std::uint8_t type, std::optional<std::uint8_t> code) {
    const unsigned c = code.value_or(0);
    switch (type) {
        case 0: return "echo reply";
        case 8: return "echo request";
        case 3:
            switch (c) {
                case 0: return "net unreachable";
                case 1: return "host unreachable";
                case 2: return "protocol unreachable";
                case 3: return "port unreachable";
                case 4: return "fragmentation needed";
                default: return fmt::format("unreachable code {}", c);
            }
        case 4: return "source quench";
        case 5: return "redirect";
        case 11: return c == 0 ? "time exceeded in transit" : "fragment reassembly time exceeded";
        case 12: return "parameter problem";
        default: return fmt::format("type {} code {}", type, c);
    }
}

std::string mac_text(const std::optional<net::MacAddr>& m) { return m ? m->to_string() : "?"; }

std::string frame_text(const TraceFrame& f) {
    std::string s = f.vlan ? fmt::format("vlan {} ", *f.vlan) : std::string{};
    if (f.arp) {
        const TraceArpFrame& a = *f.arp;
        if (a.request)
            s += fmt::format("ARP request who-has {} tell {}", a.target.to_string(), a.sender.to_string());
        else
            s += fmt::format("ARP reply {} is-at {}", a.sender.to_string(), a.sender_mac.to_string());
    } else if (f.ip) {
        s += format_trace_packet(*f.ip);
    } else if (!f.ethertype.empty()) {
        s += fmt::format("ethertype {} (not decoded), {} bytes", f.ethertype, f.len);
    } else {
        s += fmt::format("not decoded, {} bytes", f.len);
    }
    return s;
}

std::string vip_text(const std::optional<TraceAddr>& vip, const std::optional<std::uint32_t>& fwmark) {
    if (fwmark) return vip ? fmt::format("fwmark {} ({})", *fwmark, vip->to_string()) : fmt::format("fwmark {}", *fwmark);
    return vip ? vip->to_string() : "?";
}

std::string conn_head(const TraceConn& c) {
    return fmt::format("#{} {} {} -> {} => {} {}", c.id, c.proto, c.client.to_string(), vip_text(c.vip, c.fwmark),
                       c.rs.to_string(), c.method);
}

std::string event_text(const TraceEvent& e) {
    switch (e.kind) {
        case TraceEventKind::trace: {
            const TraceHeaderInfo& h = *e.header();
            std::string s = fmt::format("tapvs {}, schema {}, config {}, seed {}", h.tapvs, h.schema,
                                        h.config.empty() ? "-" : h.config, h.seed);
            for (std::size_t i = 0; i < h.ports.size(); ++i) {
                const TracePort& p = h.ports[i];
                s += fmt::format("{}{} {}", i == 0 ? "; ports: " : ", ", p.name, p.mac.to_string());
                for (const auto& a : p.addrs) s += " " + a;
            }
            return s;
        }
        case TraceEventKind::rx:
        case TraceEventKind::tx: return frame_text(*e.frame());
        case TraceEventKind::drop: return e.frame()->reason + ": " + frame_text(*e.frame());
        case TraceEventKind::arp: {
            const TraceArpInfo& a = *e.arp();
            const std::string ip_s = a.ip.to_string();
            if (a.what == "request_sent") return "request sent: who-has " + ip_s;
            if (a.what == "reply_sent") return fmt::format("reply sent: {} to {}", ip_s, mac_text(a.mac));
            if (a.what == "learned") return fmt::format("learned {} is-at {}", ip_s, mac_text(a.mac));
            if (a.what == "failed") return "failed: " + ip_s + " did not answer";
            return fmt::format("{} {} {}", a.what, ip_s, a.mac ? a.mac->to_string() : "");
        }
        case TraceEventKind::schedule: {
            const TraceSchedule& s = *e.schedule();
            std::string r = fmt::format("{} {} -> {} {} => ", s.proto, s.client.to_string(), vip_text(s.vip, s.fwmark),
                                        s.scheduler.empty() ? "?" : s.scheduler);
            if (s.rs) r += fmt::format("{} {}", s.rs->to_string(), s.method);
            else r += "no real server available";
            if (s.persistent) r += " (persistence template)";
            if (!s.why.empty()) r += ": " + s.why;
            return r;
        }
        case TraceEventKind::conn_new: return conn_head(*e.conn()) + ", state " + e.conn()->state;
        case TraceEventKind::conn_state: {
            const TraceConn& c = *e.conn();
            std::string r = fmt::format("#{} {} {}: {} -> {}", c.id, c.proto, c.client.to_string(), c.old_state, c.state);
            if (c.timeout) r += fmt::format(" (timeout {} s)", *c.timeout);
            return r;
        }
        case TraceEventKind::conn_expire: {
            const TraceConn& c = *e.conn();
            return fmt::format("{} expired in {}; in {} packets {} bytes, out {} packets {} bytes", conn_head(c), c.state,
                               c.inpkts, c.inbytes, c.outpkts, c.outbytes);
        }
        case TraceEventKind::unknown: break;
    }
    return "(an event this tapvs does not know)";
}

std::string_view event_port(const TraceEvent& e) {
    if (const TraceFrame* f = e.frame()) return f->port;
    if (const TraceArpInfo* a = e.arp()) return a->port;
    return {};
}

std::size_t port_width(const std::vector<TraceEvent>& events) {
    std::size_t w = 4;
    for (const auto& e : events) {
        w = std::max(w, event_port(e).size());
        if (const TraceHeaderInfo* h = e.header())
            for (const auto& p : h->ports) w = std::max(w, p.name.size());
    }
    return w;
}


// What a director did to a frame between receiving it (`in`) and sending it (`out`).
std::optional<std::string> rewrite_text(const TraceFrame& in, const TraceFrame& out) {
    if (!in.ip || !out.ip) return std::nullopt;
    const TracePacket* a = &*in.ip;
    const TracePacket* b = &*out.ip;
    std::vector<std::string> parts;
    if (b->proto == "IPIP" && a->proto != "IPIP" && b->inner) {
        parts.push_back(fmt::format("encapsulated in IPIP {} > {}", b->src.to_string(), b->dst.to_string()));
        b = b->inner.get();
    } else if (a->proto == "IPIP" && b->proto != "IPIP" && a->inner) {
        parts.push_back(fmt::format("decapsulated from IPIP {} > {}", a->src.to_string(), a->dst.to_string()));
        a = a->inner.get();
    }
    if (a->proto != b->proto) return std::nullopt;  // an answer (ICMP), not the same packet
    if (a->src != b->src) parts.push_back(fmt::format("source {} -> {}", a->src.to_string(), b->src.to_string()));
    if (a->dst != b->dst) parts.push_back(fmt::format("destination {} -> {}", a->dst.to_string(), b->dst.to_string()));
    if (parts.empty()) parts.push_back("addresses unchanged");
    if (in.eth_src != out.eth_src || in.eth_dst != out.eth_dst)
        parts.push_back(fmt::format("MAC {} > {} -> {} > {}", mac_text(in.eth_src), mac_text(in.eth_dst),
                                    mac_text(out.eth_src), mac_text(out.eth_dst)));
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
    return s;
}

std::string explain_line(const TraceEvent& e, core::Timestamp t0, std::size_t width) {
    std::string s = "  " + format_trace_event(e, t0, width);
    if (const TraceFrame* f = e.frame(); f && f->eth_src && f->eth_dst)
        s += fmt::format("  (eth {} > {})", f->eth_src->to_string(), f->eth_dst->to_string());
    return s;
}

// Indentation of the notes under an explained event: under its text column.
std::string note_indent(std::size_t width) { return std::string(2 + 11 + 2 + width + 2 + 5, ' '); }


// The trace at `path`, or its error said on `err`.
std::optional<std::vector<TraceEvent>> read_or_say(const std::string& path, std::ostream& err) {
    auto events = read_trace_file(path);
    if (events) return std::move(events.value());
    const TraceError& e = events.error();
    err << (e.line ? fmt::format("tapvs trace: {}:{}: {}\n", path, e.line, e.message)
                   : fmt::format("tapvs trace: {}\n", e.message));
    return std::nullopt;
}

}  // namespace

std::string format_trace_packet(const TracePacket& p) {
    std::string s = p.proto == "IP" && p.ip_proto ? fmt::format("IP proto {}", *p.ip_proto) : p.proto;
    s += fmt::format(" {} > {}", p.src.to_string(), p.dst.to_string());
    if (p.frag) s += " (fragment)";
    if (!p.flags.empty()) s += " [" + p.flags + "]";
    if (p.icmp_type) s += " " + icmp_text(*p.icmp_type, p.icmp_code);
    if (p.inner) s += " (" + format_trace_packet(*p.inner) + ")";
    if (p.quote) s += " quoting " + format_trace_packet(*p.quote);
    return s;
}

std::string format_trace_event(const TraceEvent& e, core::Timestamp t0, std::size_t width) {
    return fmt::format("{:>11}  {:<{}}  {:<4} {}", rel_time(e.t, t0), event_port(e), width, e.name, event_text(e));
}

void show_trace(const std::vector<TraceEvent>& events, const TraceFilter& f, std::ostream& out) {
    if (events.empty()) return;
    const core::Timestamp t0 = events.front().t;
    const std::size_t width = port_width(events);
    const auto link = link_connections(events);
    for (std::size_t i = 0; i < events.size(); ++i)
        if (trace_event_matches(events[i], link[i], f)) out << format_trace_event(events[i], t0, width) << '\n';
}

bool explain_trace(const std::vector<TraceEvent>& events, const TraceAddr& client, std::ostream& out) {
    if (events.empty()) return false;
    const core::Timestamp t0 = events.front().t;
    const std::size_t width = port_width(events);
    const std::string indent = note_indent(width);
    const auto link = link_connections(events);
    std::vector<bool> printed(events.size(), false);
    bool any = false;

    // Every connection of the client, in the order they were made.
    for (std::size_t n = 0; n < events.size(); ++n) {
        const TraceConn* c = events[n].conn();
        if (events[n].kind != TraceEventKind::conn_new || !c->client.matches(client)) continue;
        if (any) out << '\n';
        any = true;
        out << fmt::format("Connection #{}: {} {} -> {} => real server {} ({})\n", c->id, c->proto,
                           c->client.to_string(), vip_text(c->vip, c->fwmark), c->rs.to_string(), c->method);
        std::optional<std::size_t> last_in;  // the connection's last frame received
        const TraceEvent* end = nullptr;
        std::string state = c->state;
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (link[i] != c->id) continue;
            const TraceEvent& e = events[i];
            printed[i] = true;
            out << explain_line(e, t0, width) << '\n';
            if (e.kind == TraceEventKind::rx) last_in = i;
            if (e.kind == TraceEventKind::tx && last_in)
                if (auto r = rewrite_text(*events[*last_in].frame(), *e.frame()))
                    out << indent << "rewrite (" << c->method << "): " << *r << '\n';
            if (e.kind == TraceEventKind::drop)
                if (auto reason = net::drop_reason_from_name(e.frame()->reason))
                    out << indent << "dropped: " << net::drop_reason_text(*reason) << '\n';
            if (const TraceConn* x = e.conn()) state = x->state;
            if (e.kind == TraceEventKind::conn_expire) end = &e;
        }
        if (end) {
            const TraceConn& x = *end->conn();
            out << fmt::format("  Lived {} s; expired in state {}: {} packets ({} bytes) in, {} packets ({} bytes) out.\n",
                               rel_time(end->t, events[n].t), x.state, x.inpkts, x.inbytes, x.outpkts, x.outbytes);
        } else {
            out << fmt::format("  Still in the connection table when the trace ends (state {}).\n", state);
        }
    }

    // Decisions that found no real server: the frame that asked, the decision, and what followed it.
    for (std::size_t n = 0; n < events.size(); ++n) {
        const TraceSchedule* s = events[n].schedule();
        if (!s || s->rs || !s->client.matches(client)) continue;
        if (any) out << '\n';
        any = true;
        out << fmt::format("No connection: {} {} -> {} at {}: {} found no real server available\n", s->proto,
                           s->client.to_string(), vip_text(s->vip, s->fwmark), rel_time(events[n].t, t0),
                           s->scheduler.empty() ? "the scheduler" : s->scheduler);
        std::size_t first = n;
        while (first > 0 && events[first - 1].t == events[n].t && events[first].kind != TraceEventKind::rx) --first;
        if (events[first].kind != TraceEventKind::rx) first = n;
        for (std::size_t i = first; i < events.size() && events[i].t == events[n].t; ++i) {
            if (i > n && events[i].kind == TraceEventKind::rx) break;
            if (link[i] != 0 || printed[i]) continue;
            printed[i] = true;
            out << explain_line(events[i], t0, width) << '\n';
            if (events[i].kind == TraceEventKind::drop)
                if (auto reason = net::drop_reason_from_name(events[i].frame()->reason))
                    out << indent << "dropped: " << net::drop_reason_text(*reason) << '\n';
        }
    }

    // The client's frames that belong to no connection (a stray ACK, a drop before IPVS, ...).
    bool header_done = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const TraceFrame* f = events[i].frame();
        if (!f || printed[i] || link[i] != 0 || !trace_frame_involves(*f, client) || f->arp) continue;
        if (!header_done) {
            if (any) out << '\n';
            out << fmt::format("Frames of {} outside any connection:\n", client.to_string());
            header_done = true;
        }
        any = true;
        out << explain_line(events[i], t0, width) << '\n';
        if (events[i].kind == TraceEventKind::drop)
            if (auto reason = net::drop_reason_from_name(f->reason))
                out << indent << "dropped: " << net::drop_reason_text(*reason) << '\n';
    }
    return any;
}


int run_trace_show(const std::string& path, const TraceFilter& f, std::ostream& out, std::ostream& err) {
    const auto events = read_or_say(path, err);
    if (!events) return 1;
    show_trace(*events, f, out);
    return 0;
}

int run_trace_explain(const std::string& path, const TraceAddr& client, std::ostream& out, std::ostream& err) {
    const auto events = read_or_say(path, err);
    if (!events) return 1;
    if (!explain_trace(*events, client, out)) {
        err << fmt::format("tapvs trace: nothing from {} in {}\n", client.to_string(), path);
        return 1;
    }
    return 0;
}

}  // namespace tapvs::io
