// Reading trace.jsonl (docs/trace.md) with nlohmann::json, and `tapvs trace show|explain`.
#include "tapvs/io/trace_read.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <istream>
#include <map>
#include <ostream>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tapvs/io/trace.hpp"
#include "tapvs/net/drop_reason.hpp"

namespace tapvs::io {

namespace {

using nlohmann::json;

constexpr std::string_view kEventNames[] = {"trace",    "rx",       "tx",         "drop",        "arp",
                                            "schedule", "conn_new", "conn_state", "conn_expire", "unknown"};

// ---------------------------------------------------------------------------------------------------
// Parsing one line
// ---------------------------------------------------------------------------------------------------

struct LineError {
    std::string message;
};

std::string shown(const json& v) {
    std::string s = v.dump();
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

const json& need(const json& o, const char* k) {
    auto it = o.find(k);
    if (it == o.end()) throw LineError{fmt::format("no \"{}\"", k)};
    return *it;
}
// The field, or nullptr when it is absent or null.
const json* opt(const json& o, const char* k) {
    auto it = o.find(k);
    return it == o.end() || it->is_null() ? nullptr : &*it;
}

std::string as_string(const json& v, const char* k) {
    if (!v.is_string()) throw LineError{fmt::format("\"{}\" should be a string, not {}", k, shown(v))};
    return v.get<std::string>();
}
std::string str(const json& o, const char* k) { return as_string(need(o, k), k); }

std::uint64_t as_uint(const json& v, const char* k, std::uint64_t max) {
    if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0) ||
        v.get<std::uint64_t>() > max)
        throw LineError{fmt::format("\"{}\" should be an integer from 0 to {}, not {}", k, max, shown(v))};
    return v.get<std::uint64_t>();
}
std::uint64_t uint(const json& o, const char* k, std::uint64_t max = UINT64_MAX) { return as_uint(need(o, k), k, max); }

bool boolean(const json& o, const char* k) {
    const json& v = need(o, k);
    if (!v.is_boolean()) throw LineError{fmt::format("\"{}\" should be true or false, not {}", k, shown(v))};
    return v.get<bool>();
}

TraceAddr as_addr(const json& v, const char* k) {
    if (v.is_string())
        if (auto a = TraceAddr::parse(v.get_ref<const std::string&>())) return *a;
    throw LineError{fmt::format("\"{}\" should be \"ip\" or \"ip:port\", not {}", k, shown(v))};
}
TraceAddr addr(const json& o, const char* k) { return as_addr(need(o, k), k); }

net::Ipv4Addr ip(const json& o, const char* k) {
    const json& v = need(o, k);
    if (v.is_string())
        if (auto a = net::Ipv4Addr::parse(v.get_ref<const std::string&>())) return *a;
    throw LineError{fmt::format("\"{}\" should be an IPv4 address, not {}", k, shown(v))};
}

net::MacAddr as_mac(const json& v, const char* k) {
    if (v.is_string())
        if (auto m = net::MacAddr::parse(v.get_ref<const std::string&>())) return *m;
    throw LineError{fmt::format("\"{}\" should be a MAC address, not {}", k, shown(v))};
}

std::uint8_t u8(const json& v, const char* k) { return static_cast<std::uint8_t>(as_uint(v, k, 255)); }

TracePacket packet(const json& o) {
    TracePacket p;
    p.proto = str(o, "proto");
    p.src = addr(o, "src");
    p.dst = addr(o, "dst");
    if (const json* v = opt(o, "ip_proto")) p.ip_proto = u8(*v, "ip_proto");
    if (const json* v = opt(o, "frag")) {
        if (!v->is_boolean()) throw LineError{fmt::format("\"frag\" should be true or false, not {}", shown(*v))};
        p.frag = v->get<bool>();
    }
    if (const json* v = opt(o, "flags")) p.flags = as_string(*v, "flags");
    if (const json* v = opt(o, "icmp_type")) p.icmp_type = u8(*v, "icmp_type");
    if (const json* v = opt(o, "icmp_code")) p.icmp_code = u8(*v, "icmp_code");
    for (const char* k : {"inner", "quote"}) {
        const json* v = opt(o, k);
        if (!v) continue;
        if (!v->is_object()) throw LineError{fmt::format("\"{}\" should be an object, not {}", k, shown(*v))};
        auto nested = std::make_shared<const TracePacket>(packet(*v));
        (k[0] == 'i' ? p.inner : p.quote) = std::move(nested);
    }
    return p;
}

TraceFrame frame(const json& o, bool drop) {
    TraceFrame f;
    f.port = str(o, "port");
    if (drop) f.reason = str(o, "reason");
    f.len = static_cast<std::uint32_t>(uint(o, "len", UINT32_MAX));
    if (const json* v = opt(o, "eth_src")) f.eth_src = as_mac(*v, "eth_src");
    if (const json* v = opt(o, "eth_dst")) f.eth_dst = as_mac(*v, "eth_dst");
    if (const json* v = opt(o, "vlan")) f.vlan = static_cast<std::uint16_t>(as_uint(*v, "vlan", 4095));
    if (const json* v = opt(o, "ethertype")) f.ethertype = as_string(*v, "ethertype");
    if (opt(o, "proto")) {
        if (str(o, "proto") == "ARP") {
            TraceArpFrame a;
            const std::string op = str(o, "op");
            if (op != "request" && op != "reply")
                throw LineError{fmt::format("\"op\" should be \"request\" or \"reply\", not \"{}\"", op)};
            a.request = op == "request";
            a.sender = ip(o, "sender");
            a.sender_mac = as_mac(need(o, "sender_mac"), "sender_mac");
            a.target = ip(o, "target");
            a.target_mac = as_mac(need(o, "target_mac"), "target_mac");
            f.arp = a;
        } else {
            f.ip = packet(o);
        }
    }
    return f;
}

TraceHeaderInfo header(const json& o) {
    TraceHeaderInfo h;
    h.schema = static_cast<int>(uint(o, "schema", 1000000));
    if (h.schema > kTraceSchemaVersion)
        throw LineError{fmt::format("trace schema version {} is newer than this tapvs reads ({})", h.schema,
                                    kTraceSchemaVersion)};
    h.tapvs = str(o, "tapvs");
    h.seed = uint(o, "seed");
    h.config = str(o, "config");
    const json& ports = need(o, "ports");
    if (!ports.is_array()) throw LineError{fmt::format("\"ports\" should be an array, not {}", shown(ports))};
    for (const json& p : ports) {
        if (!p.is_object()) throw LineError{fmt::format("a port should be an object, not {}", shown(p))};
        TracePort tp;
        tp.name = str(p, "name");
        tp.mac = as_mac(need(p, "mac"), "mac");
        if (const json* a = opt(p, "addrs")) {
            if (!a->is_array()) throw LineError{fmt::format("\"addrs\" should be an array, not {}", shown(*a))};
            for (const json& s : *a) tp.addrs.push_back(as_string(s, "addrs"));
        }
        h.ports.push_back(std::move(tp));
    }
    return h;
}

TraceArpInfo arp_info(const json& o) {
    TraceArpInfo a;
    a.port = str(o, "port");
    a.what = str(o, "what");
    a.ip = ip(o, "ip");
    if (const json* v = opt(o, "mac")) a.mac = as_mac(*v, "mac");
    return a;
}

TraceSchedule schedule(const json& o) {
    TraceSchedule s;
    s.proto = str(o, "proto");
    s.client = addr(o, "client");
    if (const json* v = opt(o, "vip")) s.vip = as_addr(*v, "vip");
    if (const json* v = opt(o, "fwmark")) s.fwmark = static_cast<std::uint32_t>(as_uint(*v, "fwmark", UINT32_MAX));
    if (!s.vip && !s.fwmark) throw LineError{"neither \"vip\" nor \"fwmark\""};
    if (const json* v = opt(o, "scheduler")) s.scheduler = as_string(*v, "scheduler");
    need(o, "rs");
    if (const json* v = opt(o, "rs")) s.rs = as_addr(*v, "rs");
    need(o, "method");
    if (const json* v = opt(o, "method")) s.method = as_string(*v, "method");
    s.persistent = boolean(o, "persistent");
    s.why = str(o, "why");
    return s;
}

TraceConn conn(const json& o, TraceEventKind kind) {
    TraceConn c;
    c.id = uint(o, "conn");
    c.proto = str(o, "proto");
    c.client = addr(o, "client");
    c.vip = addr(o, "vip");
    if (const json* v = opt(o, "fwmark")) c.fwmark = static_cast<std::uint32_t>(as_uint(*v, "fwmark", UINT32_MAX));
    c.rs = addr(o, "rs");
    c.method = str(o, "method");
    if (kind == TraceEventKind::conn_state) {
        c.old_state = str(o, "old");
        c.state = str(o, "new");
        if (const json* v = opt(o, "timeout")) c.timeout = as_uint(*v, "timeout", UINT64_MAX);
    } else {
        c.state = str(o, "state");
    }
    if (kind == TraceEventKind::conn_expire) {
        c.inpkts = uint(o, "inpkts");
        c.outpkts = uint(o, "outpkts");
        c.inbytes = uint(o, "inbytes");
        c.outbytes = uint(o, "outbytes");
    }
    return c;
}

constexpr std::int64_t kMaxSeconds = 9'000'000'000;  // year 2255: nanoseconds stay inside an int64

// "t" as the writer puts it (first, plain decimals), read digit by digit: exact to the microsecond at any
// date, where a double is not (above 2^32 s its step exceeds a microsecond). Digits past the sixth
// decimal are cut. nullopt when the line is not in that shape (the caller then reads the parsed number).
std::optional<core::Timestamp> exact_time(std::string_view line) {
    std::size_t i = line.find_first_not_of(" \t");
    if (i == std::string_view::npos || line.substr(i, 5) != R"({"t":)") return std::nullopt;
    i += 5;
    auto digit = [&](std::size_t k) { return k < line.size() && line[k] >= '0' && line[k] <= '9'; };
    const bool neg = i < line.size() && line[i] == '-';
    if (neg) ++i;
    std::int64_t sec = 0, frac = 0;
    int int_digits = 0, frac_digits = 0;
    for (; digit(i); ++i, ++int_digits) {
        if (int_digits == 10) return std::nullopt;
        sec = sec * 10 + (line[i] - '0');
    }
    if (int_digits == 0 || sec >= kMaxSeconds) return std::nullopt;
    if (i < line.size() && line[i] == '.') {
        for (++i; digit(i); ++i, ++frac_digits)
            if (frac_digits < 6) frac = frac * 10 + (line[i] - '0');
        if (frac_digits == 0) return std::nullopt;
    }
    for (int k = std::min(frac_digits, 6); k < 6; ++k) frac *= 10;
    if (i < line.size() && (line[i] == 'e' || line[i] == 'E')) return std::nullopt;
    const std::int64_t us = sec * 1000000 + frac;
    return core::Timestamp::from_us(neg ? -us : us);
}

// "t" from its parsed value, for lines written otherwise: rounded to the nearest microsecond.
core::Timestamp time_of(const json& v) {
    if (v.is_number_integer() && !v.is_number_unsigned()) {
        const std::int64_t s = v.get<std::int64_t>();
        if (s > -kMaxSeconds && s < kMaxSeconds) return core::Timestamp::from_us(s * 1000000);
    } else if (v.is_number_unsigned()) {
        const std::uint64_t s = v.get<std::uint64_t>();
        if (s < kMaxSeconds) return core::Timestamp::from_us(static_cast<std::int64_t>(s) * 1000000);
    } else if (v.is_number_float()) {
        const double s = v.get<double>();
        if (std::isfinite(s) && std::fabs(s) < static_cast<double>(kMaxSeconds)) return core::Timestamp::from_us(std::llround(s * 1e6));
    }
    throw LineError{fmt::format("\"t\" should be a number of seconds since the epoch, not {}", shown(v))};
}

// ---------------------------------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------
// Connections: which events belong to which
// ---------------------------------------------------------------------------------------------------

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

bool frame_involves(const TraceFrame& f, const TraceAddr& a) {
    if (f.ip) return packet_involves(*f.ip, a);
    if (f.arp) return !a.port && (f.arp->sender == a.ip || f.arp->target == a.ip);
    return false;
}

enum class Role : std::uint8_t { client, rs };

bool involves(const TraceEvent& e, const TraceAddr& a, Role role) {
    if (const TraceFrame* f = e.frame()) return frame_involves(*f, a);
    if (const TraceArpInfo* x = e.arp()) return !a.port && x->ip == a.ip;
    if (const TraceSchedule* s = e.schedule())
        return role == Role::client ? s->client.matches(a) : (s->rs && s->rs->matches(a));
    if (const TraceConn* c = e.conn()) return role == Role::client ? c->client.matches(a) : c->rs.matches(a);
    return false;
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

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------

std::string_view trace_event_name(TraceEventKind k) noexcept {
    const auto i = static_cast<std::size_t>(k);
    return i < std::size(kEventNames) ? kEventNames[i] : "unknown";
}

std::optional<TraceEventKind> trace_event_from_name(std::string_view name) noexcept {
    for (std::size_t i = 0; i + 1 < std::size(kEventNames); ++i)
        if (kEventNames[i] == name) return static_cast<TraceEventKind>(i);
    return std::nullopt;
}

std::optional<TraceAddr> TraceAddr::parse(std::string_view text) {
    TraceAddr a;
    const auto colon = text.find(':');
    auto ipa = net::Ipv4Addr::parse(text.substr(0, colon));
    if (!ipa) return std::nullopt;
    a.ip = *ipa;
    if (colon != std::string_view::npos) {
        const std::string_view p = text.substr(colon + 1);
        unsigned v = 0;
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
        if (p.empty() || p.size() > 5 || ec != std::errc{} || end != p.data() + p.size() || v > 65535)
            return std::nullopt;
        a.port = static_cast<std::uint16_t>(v);
    }
    return a;
}

std::string TraceAddr::to_string() const {
    return port ? fmt::format("{}:{}", ip.to_string(), *port) : ip.to_string();
}

bool TraceAddr::matches(const TraceAddr& pattern) const noexcept {
    return ip == pattern.ip && (!pattern.port || port == pattern.port);
}

Result<TraceEvent, TraceError> parse_trace_line(std::string_view line, std::size_t line_no) {
    TraceEvent e;
    e.line = line_no;
    json o;
    try {
        o = json::parse(line);
    } catch (const json::exception& x) {
        // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
        std::string m = x.what();
        if (auto p = m.find("column"); p != std::string::npos) m = m.substr(p);
        return Err{TraceError{line_no, "not JSON: " + m}};
    }
    if (!o.is_object()) return Err{TraceError{line_no, "not a JSON object"}};
    try {
        const json& t = need(o, "t");
        const auto exact = t.is_number() ? exact_time(line) : std::nullopt;
        e.t = exact ? *exact : time_of(t);
        e.name = str(o, "event");
        e.kind = trace_event_from_name(e.name).value_or(TraceEventKind::unknown);
        switch (e.kind) {
            case TraceEventKind::trace: e.data = header(o); break;
            case TraceEventKind::rx:
            case TraceEventKind::tx: e.data = frame(o, false); break;
            case TraceEventKind::drop: e.data = frame(o, true); break;
            case TraceEventKind::arp: e.data = arp_info(o); break;
            case TraceEventKind::schedule: e.data = schedule(o); break;
            case TraceEventKind::conn_new:
            case TraceEventKind::conn_state:
            case TraceEventKind::conn_expire: e.data = conn(o, e.kind); break;
            case TraceEventKind::unknown: break;
        }
    } catch (const LineError& x) {
        return Err{TraceError{line_no, e.name.empty() ? x.message : e.name + " event: " + x.message}};
    } catch (const json::exception& x) {
        return Err{TraceError{line_no, x.what()}};
    }
    return e;
}

Result<std::vector<TraceEvent>, TraceError> read_trace(std::istream& in) {
    std::vector<TraceEvent> events;
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        auto e = parse_trace_line(line, n);
        if (!e) return Err{std::move(e.error())};
        events.push_back(std::move(e.value()));
    }
    if (in.bad()) return Err{TraceError{0, "read error"}};
    return events;
}

Result<std::vector<TraceEvent>, TraceError> read_trace_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return Err{TraceError{0, "cannot open " + path}};
    return read_trace(f);
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
    if (f.client && !involves(e, *f.client, Role::client)) return false;
    if (f.rs && !involves(e, *f.rs, Role::rs)) return false;
    return true;
}

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
        if (!f || printed[i] || link[i] != 0 || !frame_involves(*f, client) || f->arp) continue;
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
    auto events = read_trace_file(path);
    if (!events) {
        const TraceError& e = events.error();
        err << (e.line ? fmt::format("tapvs trace: {}:{}: {}\n", path, e.line, e.message)
                       : fmt::format("tapvs trace: {}\n", e.message));
        return 1;
    }
    show_trace(events.value(), f, out);
    return 0;
}

int run_trace_explain(const std::string& path, const TraceAddr& client, std::ostream& out, std::ostream& err) {
    auto events = read_trace_file(path);
    if (!events) {
        const TraceError& e = events.error();
        err << (e.line ? fmt::format("tapvs trace: {}:{}: {}\n", path, e.line, e.message)
                       : fmt::format("tapvs trace: {}\n", e.message));
        return 1;
    }
    if (!explain_trace(events.value(), client, out)) {
        err << fmt::format("tapvs trace: nothing from {} in {}\n", client.to_string(), path);
        return 1;
    }
    return 0;
}

}  // namespace tapvs::io
