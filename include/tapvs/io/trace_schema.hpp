// The decision trace's schema (docs/trace.md, version kTraceSchemaVersion): its events, and for each
// event one definition of its fields, in order, that the writer (trace.hpp) and the reader
// (trace_read.hpp) both run.
//
// A record is a template over its text type: the writer fills one with std::string_view (over the
// engine's own names: nothing is allocated) and the reader with std::string. `fields(v, record)`
// names every field once; a visitor gives it a meaning:
//   v.text(key, s)             a string
//   v.nullable_text(key, s)    a string, null when empty
//   v.uint(key, n, max)        an integer from 0 to max (into n's own type)
//   v.boolean(key, b)          true or false
//   v.addr(key, a)             "ip" or "ip:port" (TraceAddr)
//   v.ip(key, a), v.mac(key, m)
//   v.optional_*(key, o)       absent when o is nullopt (the reader also takes null)
//   v.nullable_*(key, o)       written as null when o is nullopt (the reader also takes it absent)
//   v.list(key, items, f)      an array of objects, each item's fields given by f(v, item)
//   v.text_list(key, items)    an array of strings (the reader takes it absent: empty)
//   v.require(ok, message)     the reader's check across fields (the writer makes them true)
// The frames' events (rx, tx, drop) describe the frame as parse_frame() sees it; they are written from
// its net::FrameSummary (net/frame_summary.hpp, built from the parse the engine hands its observers)
// and read into TraceFrame (trace_read.hpp), with the keys listed here too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/net/addr.hpp"

namespace tapvs::io {

// The version written in the header line ("schema"); bump it when a field changes meaning or goes away.
inline constexpr int kTraceSchemaVersion = 1;

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

// ---- trace: the header (the first line) ----
template <class Text>
struct TracePortRecord {
    Text name;
    net::MacAddr mac;
    std::vector<std::string> addrs;  // "192.168.1.10/24"
};
template <class Text>
struct TraceHeaderRecord {
    int schema = 0;
    Text tapvs;
    std::uint64_t seed = 0;
    Text config;
    std::vector<TracePortRecord<Text>> ports;
};
template <class V, class R>
void fields(V& v, TraceHeaderRecord<R>& h) {
    v.uint("schema", h.schema, 1000000);
    v.text("tapvs", h.tapvs);
    v.uint("seed", h.seed, UINT64_MAX);
    v.text("config", h.config);
    v.list("ports", h.ports, [](V& p, TracePortRecord<R>& port) {
        p.text("name", port.name);
        p.mac("mac", port.mac);
        p.text_list("addrs", port.addrs);
    });
}

// ---- arp: neighbour resolution ----
template <class Text>
struct TraceArpRecord {
    Text port;
    Text what;  // request_sent, reply_sent, learned, failed
    net::Ipv4Addr ip;
    std::optional<net::MacAddr> mac;  // none for a request or a failure
};
template <class V, class R>
void fields(V& v, TraceArpRecord<R>& a) {
    v.text("port", a.port);
    v.text("what", a.what);
    v.ip("ip", a.ip);
    v.nullable_mac("mac", a.mac);
}

// ---- schedule: a new connection's decision ----
template <class Text>
struct TraceScheduleRecord {
    Text proto;
    TraceAddr client;
    std::optional<std::uint32_t> fwmark;  // fwmark services
    std::optional<TraceAddr> vip;         // address services
    Text scheduler;                       // "" (null) when no service decided
    std::optional<TraceAddr> rs;          // nullopt: no real server was available
    Text method;                          // "" (null) when rs is null
    bool persistent = false;
    Text why;
};
template <class V, class R>
void fields(V& v, TraceScheduleRecord<R>& s) {
    v.text("proto", s.proto);
    v.addr("client", s.client);
    v.optional_uint("fwmark", s.fwmark, UINT32_MAX);
    v.optional_addr("vip", s.vip);
    v.nullable_text("scheduler", s.scheduler);
    v.nullable_addr("rs", s.rs);
    v.nullable_text("method", s.method);
    v.boolean("persistent", s.persistent);
    v.text("why", s.why);
    v.require(s.vip || s.fwmark, "neither \"vip\" nor \"fwmark\"");
}

// ---- conn_new, conn_state, conn_expire: a connection's life ----
template <class Text>
struct TraceConnRecord {
    TraceEventKind kind = TraceEventKind::conn_new;
    std::uint64_t id = 0;
    Text proto;
    TraceAddr client, vip, rs;
    std::optional<std::uint32_t> fwmark;
    Text method;
    Text state;      // conn_new, conn_expire: the state; conn_state: the new state
    Text old_state;  // conn_state
    std::optional<std::uint64_t> timeout;  // conn_state, seconds
    std::uint64_t inpkts = 0, outpkts = 0, inbytes = 0, outbytes = 0;  // conn_expire
};
template <class V, class R>
void fields(V& v, TraceConnRecord<R>& c) {
    v.uint("conn", c.id, UINT64_MAX);
    v.text("proto", c.proto);
    v.addr("client", c.client);
    v.addr("vip", c.vip);
    v.optional_uint("fwmark", c.fwmark, UINT32_MAX);
    v.addr("rs", c.rs);
    v.text("method", c.method);
    if (c.kind == TraceEventKind::conn_state) {
        v.text("old", c.old_state);
        v.text("new", c.state);
        v.optional_uint("timeout", c.timeout, UINT64_MAX);
    } else {
        v.text("state", c.state);
    }
    if (c.kind == TraceEventKind::conn_expire) {
        v.uint("inpkts", c.inpkts, UINT64_MAX);
        v.uint("outpkts", c.outpkts, UINT64_MAX);
        v.uint("inbytes", c.inbytes, UINT64_MAX);
        v.uint("outbytes", c.outbytes, UINT64_MAX);
    }
}

// What the reader hands out.
using TracePort = TracePortRecord<std::string>;
using TraceHeaderInfo = TraceHeaderRecord<std::string>;
using TraceArpInfo = TraceArpRecord<std::string>;
using TraceSchedule = TraceScheduleRecord<std::string>;
using TraceConn = TraceConnRecord<std::string>;

}  // namespace tapvs::io
