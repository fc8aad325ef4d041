// Reading trace.jsonl (docs/trace.md) with nlohmann::json into typed events: the schema's records
// through its fields() (trace_schema.hpp), the frames' summaries field by field.
#include "tapvs/io/trace_read.hpp"

#include <cmath>
#include <fstream>
#include <istream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tapvs/io/trace.hpp"

namespace tapvs::io {

namespace {

using nlohmann::json;
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

// The schema's visitor that reads (trace_schema.hpp): each field from the object, checked as it is read.
class JsonIn {
public:
    explicit JsonIn(const json& o) : o_(o) {}

    void text(const char* k, std::string& s) { s = str(o_, k); }
    void nullable_text(const char* k, std::string& s) {
        if (const json* v = opt(o_, k)) s = as_string(*v, k);
    }
    template <class N>
    void uint(const char* k, N& n, std::uint64_t max) {
        n = static_cast<N>(io::uint(o_, k, max));
    }
    template <class N>
    void optional_uint(const char* k, std::optional<N>& n, std::uint64_t max) {
        if (const json* v = opt(o_, k)) n = static_cast<N>(as_uint(*v, k, max));
    }
    void boolean(const char* k, bool& b) { b = io::boolean(o_, k); }
    void addr(const char* k, TraceAddr& a) { a = io::addr(o_, k); }
    void optional_addr(const char* k, std::optional<TraceAddr>& a) {
        if (const json* v = opt(o_, k)) a = as_addr(*v, k);
    }
    void nullable_addr(const char* k, std::optional<TraceAddr>& a) { optional_addr(k, a); }
    void ip(const char* k, net::Ipv4Addr& a) { a = io::ip(o_, k); }
    void mac(const char* k, net::MacAddr& m) { m = as_mac(need(o_, k), k); }
    void nullable_mac(const char* k, std::optional<net::MacAddr>& m) {
        if (const json* v = opt(o_, k)) m = as_mac(*v, k);
    }
    template <class T, class F>
    void list(const char* k, std::vector<T>& items, F f) {
        const json& a = need(o_, k);
        if (!a.is_array()) throw LineError{fmt::format("\"{}\" should be an array, not {}", k, shown(a))};
        for (const json& item : a) {
            if (!item.is_object()) throw LineError{fmt::format("an item of \"{}\" should be an object, not {}", k, shown(item))};
            JsonIn in(item);
            f(in, items.emplace_back());
        }
    }
    void text_list(const char* k, std::vector<std::string>& items) {
        const json* a = opt(o_, k);
        if (!a) return;
        if (!a->is_array()) throw LineError{fmt::format("\"{}\" should be an array, not {}", k, shown(*a))};
        for (const json& s : *a) items.push_back(as_string(s, k));
    }
    void require(bool ok, const char* message) {
        if (!ok) throw LineError{message};
    }

private:
    const json& o_;
};

template <class Record>
Record record(const json& o, Record r = {}) {
    JsonIn in(o);
    fields(in, r);
    return r;
}

TraceHeaderInfo header(const json& o) {
    auto h = record<TraceHeaderInfo>(o);
    if (h.schema > kTraceSchemaVersion)
        throw LineError{fmt::format("trace schema version {} is newer than this tapvs reads ({})", h.schema,
                                    kTraceSchemaVersion)};
    return h;
}

TraceConn conn(const json& o, TraceEventKind kind) {
    TraceConn c;
    c.kind = kind;
    return record(o, std::move(c));
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

}  // namespace

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
            case TraceEventKind::arp: e.data = record<TraceArpInfo>(o); break;
            case TraceEventKind::schedule: e.data = record<TraceSchedule>(o); break;
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

}  // namespace tapvs::io
