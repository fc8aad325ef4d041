// The trace writer: engine events as JSON lines (docs/trace.md, schema version 1).
//
// Written with fmt into one reused memory_buffer rather than with nlohmann::ordered_json: a replay writes
// two or more lines per frame, and building a json object per event would allocate a tree of nodes and
// strings each time. Here the only allocation is the buffer growing to its largest line once; the key order
// is the order of the code below, which is what makes the bytes deterministic. Strings are escaped by
// append_json_string() (the few strings a trace carries: port names, the scheduler's sentence, the config
// file name); every other value is an integer, a bool, null, or an address formatted by hand.
#include "tapvs/io/trace.hpp"

#include <chrono>
#include <ostream>

#include "tapvs/net/frame_summary.hpp"
#include "tapvs/net/headers.hpp"

namespace tapvs::io {

namespace {

using Buf = fmt::memory_buffer;

void raw(Buf& b, std::string_view s) { b.append(s.data(), s.data() + s.size()); }
void key(Buf& b, std::string_view k) {
    b.push_back(',');
    b.push_back('"');
    raw(b, k);
    raw(b, "\":");
}
void first_key(Buf& b, std::string_view k) {
    b.push_back('"');
    raw(b, k);
    raw(b, "\":");
}
void uint_value(Buf& b, std::uint64_t v) { fmt::format_to(fmt::appender(b), "{}", v); }
void bool_value(Buf& b, bool v) { raw(b, v ? "true" : "false"); }
void ip_text(Buf& b, net::Ipv4Addr a) { fmt::format_to(fmt::appender(b), "{}", a); }
void ip_value(Buf& b, net::Ipv4Addr a) {
    b.push_back('"');
    ip_text(b, a);
    b.push_back('"');
}
void endpoint_value(Buf& b, net::Ipv4Addr a, std::uint16_t port) {
    b.push_back('"');
    ip_text(b, a);
    fmt::format_to(fmt::appender(b), ":{}", port);
    b.push_back('"');
}
void mac_value(Buf& b, const net::MacAddr& m) { fmt::format_to(fmt::appender(b), "\"{}\"", m); }

void addr_value(Buf& b, const TraceAddr& a) {
    if (a.port) endpoint_value(b, a.ip, *a.port);
    else ip_value(b, a.ip);
}

// The schema's visitor that writes (trace_schema.hpp): each field as `,"key":value`, in the order
// fields() names them.
class JsonOut {
public:
    explicit JsonOut(Buf& b, bool first = false) : b_(b), first_(first) {}

    void text(std::string_view k, std::string_view s) {
        key(k);
        append_json_string(b_, s);
    }
    void nullable_text(std::string_view k, std::string_view s) {
        key(k);
        if (s.empty()) raw(b_, "null");
        else append_json_string(b_, s);
    }
    template <class N>
    void uint(std::string_view k, const N& n, std::uint64_t) {
        key(k);
        uint_value(b_, n);
    }
    template <class N>
    void optional_uint(std::string_view k, const std::optional<N>& n, std::uint64_t max) {
        if (n) uint(k, *n, max);
    }
    void boolean(std::string_view k, bool v) {
        key(k);
        bool_value(b_, v);
    }
    void addr(std::string_view k, const TraceAddr& a) {
        key(k);
        addr_value(b_, a);
    }
    void optional_addr(std::string_view k, const std::optional<TraceAddr>& a) {
        if (a) addr(k, *a);
    }
    void nullable_addr(std::string_view k, const std::optional<TraceAddr>& a) {
        key(k);
        if (a) addr_value(b_, *a);
        else raw(b_, "null");
    }
    void ip(std::string_view k, net::Ipv4Addr a) {
        key(k);
        ip_value(b_, a);
    }
    void mac(std::string_view k, const net::MacAddr& m) {
        key(k);
        mac_value(b_, m);
    }
    void nullable_mac(std::string_view k, const std::optional<net::MacAddr>& m) {
        key(k);
        if (m) mac_value(b_, *m);
        else raw(b_, "null");
    }
    template <class T, class F>
    void list(std::string_view k, std::vector<T>& items, F f) {
        key(k);
        b_.push_back('[');
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) b_.push_back(',');
            b_.push_back('{');
            JsonOut item(b_, true);
            f(item, items[i]);
            b_.push_back('}');
        }
        b_.push_back(']');
    }
    void text_list(std::string_view k, const std::vector<std::string>& items) {
        key(k);
        b_.push_back('[');
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) b_.push_back(',');
            append_json_string(b_, items[i]);
        }
        b_.push_back(']');
    }
    void require(bool, std::string_view) {}  // the writer's records are whole

private:
    void key(std::string_view k) {
        if (!first_) b_.push_back(',');
        first_ = false;
        b_.push_back('"');
        raw(b_, k);
        raw(b_, "\":");
    }
    Buf& b_;
    bool first_;
};

TraceAddr endpoint(net::Ipv4Addr a, std::uint16_t port) { return TraceAddr{a, port}; }

std::string_view ip_proto_name(std::uint8_t p) noexcept {
    switch (p) {
        case net::kIpProtoTcp: return "TCP";
        case net::kIpProtoUdp: return "UDP";
        case net::kIpProtoIcmp: return "ICMP";
        case net::kIpProtoIpip: return "IPIP";
        default: return "IP";
    }
}

// One IPv4 packet: "proto" first (without a leading comma), then src/dst and what the protocol
// adds. Nested packets (IP-in-IP's inner packet, an ICMP error's quote) are objects.
void append_packet(Buf& b, const net::PacketSummary& p, const net::PacketSummary* inner,
                   const net::PacketSummary* quote, const net::PacketSummary* quote_inner) {
    first_key(b, "proto");
    b.push_back('"');
    raw(b, ip_proto_name(p.protocol));
    b.push_back('"');
    key(b, "src");
    p.ports ? endpoint_value(b, p.src, p.sport) : ip_value(b, p.src);
    key(b, "dst");
    p.ports ? endpoint_value(b, p.dst, p.dport) : ip_value(b, p.dst);
    if (ip_proto_name(p.protocol) == "IP") {
        key(b, "ip_proto");
        uint_value(b, p.protocol);
    }
    if (p.fragment) {
        key(b, "frag");
        bool_value(b, true);
    }
    if (p.has_tcp_flags) {
        key(b, "flags");
        b.push_back('"');
        append_tcp_flags(b, p.tcp_flags);
        b.push_back('"');
    }
    if (p.has_icmp_type) {
        key(b, "icmp_type");
        uint_value(b, p.icmp_type);
        key(b, "icmp_code");
        uint_value(b, p.icmp_code);
    }
    if (inner && inner->present) {
        key(b, "inner");
        b.push_back('{');
        append_packet(b, *inner, nullptr, nullptr, nullptr);
        b.push_back('}');
    }
    if (quote && quote->present) {
        key(b, "quote");
        b.push_back('{');
        append_packet(b, *quote, quote_inner, nullptr, nullptr);
        b.push_back('}');
    }
}

// What a frame is (net::FrameSummary): its Ethernet addresses, then ARP or IPv4; a frame
// parse_frame() refused gets its EtherType only.
void append_frame_summary(Buf& b, const net::FrameSummary& s) {
    key(b, "len");
    uint_value(b, s.len);
    if (!s.has_eth) return;
    key(b, "eth_src");
    mac_value(b, s.src_mac);
    key(b, "eth_dst");
    mac_value(b, s.dst_mac);
    if (!s.parsed) {
        key(b, "ethertype");
        fmt::format_to(fmt::appender(b), "\"0x{:04x}\"", s.ethertype);
        return;
    }
    if (s.has_vlan) {
        key(b, "vlan");
        uint_value(b, s.vlan_id);
    }
    b.push_back(',');
    if (s.arp) {
        first_key(b, "proto");
        raw(b, "\"ARP\"");
        key(b, "op");
        raw(b, s.arp_op == net::kArpOpRequest ? "\"request\"" : "\"reply\"");
        key(b, "sender");
        ip_value(b, s.arp_spa);
        key(b, "sender_mac");
        mac_value(b, s.arp_sha);
        key(b, "target");
        ip_value(b, s.arp_tpa);
        key(b, "target_mac");
        mac_value(b, s.arp_tha);
        return;
    }
    append_packet(b, s.ip, &s.inner, &s.quote, &s.quote_inner);
}

const char* arp_event_name(core::EngineObserver::ArpEvent e) noexcept {
    using E = core::EngineObserver::ArpEvent;
    switch (e) {
        case E::request_sent: return "request_sent";
        case E::reply_sent: return "reply_sent";
        case E::learned: return "learned";
        case E::failed: return "failed";
    }
    return "?";
}

}  // namespace

std::string_view tapvs_version() noexcept {
#ifdef TAPVS_VERSION
    return TAPVS_VERSION;
#else
    return "0.1.0";  // keep in step with project(tapvs VERSION ...) in CMakeLists.txt
#endif
}

void append_trace_time(fmt::memory_buffer& b, core::Timestamp t) {
    const std::int64_t ns = t.since_epoch.count();
    std::int64_t us = ns / 1000;
    if (ns % 1000 < 0) --us;  // toward minus infinity
    const bool neg = us < 0;
    const std::uint64_t a = neg ? static_cast<std::uint64_t>(-(us + 1)) + 1 : static_cast<std::uint64_t>(us);
    fmt::format_to(fmt::appender(b), "{}{}.{:06}", neg ? "-" : "", a / 1000000, a % 1000000);
}

void append_json_string(fmt::memory_buffer& b, std::string_view s) {
    b.push_back('"');
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    auto cont = [&](std::size_t i) { return i < n && (p[i] & 0xc0) == 0x80; };
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
                case '"': raw(b, "\\\""); break;
                case '\\': raw(b, "\\\\"); break;
                case '\b': raw(b, "\\b"); break;
                case '\f': raw(b, "\\f"); break;
                case '\n': raw(b, "\\n"); break;
                case '\r': raw(b, "\\r"); break;
                case '\t': raw(b, "\\t"); break;
                default:
                    if (c < 0x20) fmt::format_to(fmt::appender(b), "\\u{:04x}", c);
                    else b.push_back(static_cast<char>(c));
            }
            ++i;
            continue;
        }
        // The length of a well-formed UTF-8 sequence starting here (RFC 3629 table), 0 if none.
        std::size_t len = 0;
        if (c >= 0xc2 && c <= 0xdf) {
            len = cont(i + 1) ? 2 : 0;
        } else if (c >= 0xe0 && c <= 0xef) {
            const unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
            len = (i + 1 < n && p[i + 1] >= lo && p[i + 1] <= hi && cont(i + 2)) ? 3 : 0;
        } else if (c >= 0xf0 && c <= 0xf4) {
            const unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
            len = (i + 1 < n && p[i + 1] >= lo && p[i + 1] <= hi && cont(i + 2) && cont(i + 3)) ? 4 : 0;
        }
        if (len == 0) {
            raw(b, "\\ufffd");
            ++i;
        } else {
            b.append(s.data() + i, s.data() + i + len);
            i += len;
        }
    }
    b.push_back('"');
}

void append_tcp_flags(fmt::memory_buffer& b, std::uint8_t flags) {
    namespace f = net::tcp_flags;
    // tcpdump print-tcp.c: tcp_flag_values[], printed in table order.
    static constexpr struct {
        std::uint8_t bit;
        char c;
    } kTable[] = {{f::fin, 'F'}, {f::syn, 'S'}, {f::rst, 'R'}, {f::psh, 'P'},
                  {f::ack, '.'}, {f::urg, 'U'}, {f::ece, 'E'}, {f::cwr, 'W'}};
    if (flags == 0) return raw(b, "none");
    for (const auto& e : kTable)
        if (flags & e.bit) b.push_back(e.c);
}

const char* trace_state_name(core::Proto p, core::TcpState s) noexcept {
    if (p == core::Proto::tcp) return core::tcp_state_name(s);
    if (p == core::Proto::udp) return s == core::TcpState::none ? "UDP" : "ERR!";  // udp_state_name_table
    return "NONE";
}

TraceWriter::TraceWriter(std::ostream& out, const core::Host& host) : out_(out), host_(host) {}

void TraceWriter::begin(core::Timestamp t, std::string_view event) {
    buf_.clear();
    raw(buf_, "{\"t\":");
    append_trace_time(buf_, t);
    raw(buf_, ",\"event\":\"");
    raw(buf_, event);
    buf_.push_back('"');
}

void TraceWriter::end() {
    raw(buf_, "}\n");
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    ++lines_;
}

std::string_view TraceWriter::port_name(core::PortId port) {
    if (port < host_.ports().size()) return host_.port(port).name;
    other_port_ = fmt::format("#{}", port);  // not a port of the host (never expected)
    return other_port_;
}

void TraceWriter::write_header(const TraceHeader& h) {
    TraceHeaderRecord<std::string_view> r;
    r.schema = kTraceSchemaVersion;
    r.tapvs = h.tapvs;
    r.seed = h.seed;
    r.config = h.config;
    for (const auto& p : host_.ports()) {
        if (p.loopback) continue;
        TracePortRecord<std::string_view> port{p.name, p.mac, {}};
        for (const auto& a : p.addrs) port.addrs.push_back(fmt::format("{}/{}", a.addr.to_string(), a.prefix_len));
        r.ports.push_back(std::move(port));
    }
    begin(h.t, "trace");
    JsonOut out(buf_);
    fields(out, r);
    end();
}

void TraceWriter::frame_event(std::string_view event, core::PortId port, net::ConstBytes frame,
                              const net::ParsedFrame* pf, const net::DropReason* reason, core::Timestamp t) {
    begin(t, event);
    JsonOut(buf_).text("port", port_name(port));
    if (reason) {
        key(buf_, "reason");
        buf_.push_back('"');
        raw(buf_, net::drop_reason_name(*reason));  // snake_case ids: nothing to escape
        buf_.push_back('"');
    }
    append_frame_summary(buf_, net::summarize(frame, pf));
    end();
}

void TraceWriter::on_rx(core::PortId port, net::ConstBytes frame, const net::ParsedFrame* pf, core::Timestamp t) {
    frame_event("rx", port, frame, pf, nullptr, t);
}

void TraceWriter::on_tx(core::PortId port, net::ConstBytes frame, const net::ParsedFrame* pf, core::Timestamp t) {
    frame_event("tx", port, frame, pf, nullptr, t);
}

void TraceWriter::on_drop(core::PortId port, net::ConstBytes frame, const net::ParsedFrame* pf,
                          net::DropReason reason, core::Timestamp t) {
    frame_event("drop", port, frame, pf, &reason, t);
}

void TraceWriter::on_arp(core::PortId port, ArpEvent what, net::Ipv4Addr ip, const net::MacAddr& mac,
                         core::Timestamp t) {
    TraceArpRecord<std::string_view> r;
    r.port = port_name(port);
    r.what = arp_event_name(what);
    r.ip = ip;
    // A request has no answer yet and a failure never got one: no MAC to tell.
    if (what != ArpEvent::request_sent && what != ArpEvent::failed) r.mac = mac;
    begin(t, "arp");
    JsonOut out(buf_);
    fields(out, r);
    end();
}

void TraceWriter::on_schedule(const core::SchedPacket& pkt, const core::Decision& d, core::Timestamp t) {
    TraceScheduleRecord<std::string_view> r;
    r.proto = core::proto_name(pkt.protocol);
    r.client = endpoint(pkt.saddr, pkt.sport);
    if (d.svc && d.svc->is_fwmark()) r.fwmark = d.svc->key.fwmark;
    else r.vip = endpoint(pkt.daddr, pkt.dport);
    if (d.svc) r.scheduler = d.svc->sched_name;
    if (d.dest) {
        r.rs = endpoint(d.dest->addr, d.dest->port);
        r.method = core::fwd_trace_name(d.dest->fwd);
    }
    r.persistent = d.persistent;
    r.why = d.why;
    begin(t, "schedule");
    JsonOut out(buf_);
    fields(out, r);
    end();
}

void TraceWriter::conn_event(TraceEventKind kind, const core::Connection& c, core::TcpState old_state,
                             core::Timestamp t) {
    TraceConnRecord<std::string_view> r;
    r.kind = kind;
    r.id = c.id;
    r.proto = core::proto_name(c.protocol);
    r.client = endpoint(c.caddr, c.cport);
    r.vip = endpoint(c.vaddr, c.vport);
    if (c.fwmark) r.fwmark = c.fwmark;
    r.rs = endpoint(c.daddr, c.dport);
    r.method = core::fwd_trace_name(c.fwd());
    r.state = trace_state_name(c.protocol, c.state);
    r.old_state = trace_state_name(c.protocol, old_state);
    r.timeout = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(c.timeout).count());
    r.inpkts = c.inpkts;
    r.outpkts = c.outpkts;
    r.inbytes = c.inbytes;
    r.outbytes = c.outbytes;
    begin(t, trace_event_name(kind));
    JsonOut out(buf_);
    fields(out, r);
    end();
}

void TraceWriter::on_conn_new(const core::Connection& c, core::Timestamp t) {
    conn_event(TraceEventKind::conn_new, c, c.state, t);
}

void TraceWriter::on_conn_state(const core::Connection& c, core::TcpState old_state, core::Timestamp t) {
    conn_event(TraceEventKind::conn_state, c, old_state, t);
}

void TraceWriter::on_conn_expire(const core::Connection& c, core::Timestamp t) {
    conn_event(TraceEventKind::conn_expire, c, c.state, t);
}

}  // namespace tapvs::io
