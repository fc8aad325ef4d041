// The decision trace: every event of the engine as one JSON object per line (trace.jsonl).
// The schema (version kTraceSchemaVersion) is documented in docs/trace.md; its records and their fields are
// defined once in trace_schema.hpp, which this writer and the reader (trace_read.hpp) both run.
//
//   io::TraceWriter trace(file, engine.host());
//   trace.write_header({.t = start, .seed = 1, .config = "director.conf"});  // after the config named the ports
//   engine.set_observer(&trace);
//
// Deterministic bytes: keys in a fixed order, integers and strings only (the time is formatted by hand with
// exactly six decimals), no pointers, no hash-map iteration. The same events give the same bytes.
// The writer formats into one reused buffer; it does no work unless the engine calls it (an observer is set).
// Write errors are not reported per event: check the stream when the run ends.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tapvs/core/engine.hpp"
#include "tapvs/io/trace_schema.hpp"

namespace tapvs::io {

// tapvs's own version (CMake's project(VERSION)), for the header line.
std::string_view tapvs_version() noexcept;

struct TraceHeader {
    core::Timestamp t;        // the trace's time 0: the first frame of the capture, or the start of a run
    std::uint64_t seed = 1;   // the twos generator's seed (IpvsConfig::seed)
    std::string config;       // the configuration file's name, as given
    std::string tapvs = std::string(tapvs_version());
};

class TraceWriter final : public core::EngineObserver {
public:
    // `host` names the ports (it must outlive the writer); `out` receives the lines.
    TraceWriter(std::ostream& out, const core::Host& host);

    // The first line: schema version, tapvs version, seed, config file and the host's ports as they stand.
    void write_header(const TraceHeader& h);

    // core::EngineObserver
    void on_rx(core::PortId port, net::ConstBytes frame, const net::ParsedFrame* pf, core::Timestamp t) override;
    void on_tx(core::PortId port, net::ConstBytes frame, const net::ParsedFrame* pf, core::Timestamp t) override;
    void on_drop(core::PortId port, net::ConstBytes frame, const net::ParsedFrame* pf, net::DropReason reason,
                 core::Timestamp t) override;
    void on_arp(core::PortId port, ArpEvent what, net::Ipv4Addr ip, const net::MacAddr& mac,
                core::Timestamp t) override;
    // core::IpvsObserver
    bool wants_reasons() const noexcept override { return true; }  // the trace's "why"
    void on_schedule(const core::SchedPacket& pkt, const core::Decision& d, core::Timestamp t) override;
    void on_conn_new(const core::Connection& c, core::Timestamp t) override;
    void on_conn_state(const core::Connection& c, core::TcpState old_state, core::Timestamp t) override;
    void on_conn_expire(const core::Connection& c, core::Timestamp t) override;

    std::uint64_t lines() const noexcept { return lines_; }

private:
    void begin(core::Timestamp t, std::string_view event);
    void end();
    void frame_event(std::string_view event, core::PortId port, net::ConstBytes frame, const net::ParsedFrame* pf,
                     const net::DropReason* reason, core::Timestamp t);
    void conn_event(TraceEventKind kind, const core::Connection& c, core::TcpState old_state, core::Timestamp t);
    std::string_view port_name(core::PortId port);

    std::ostream& out_;
    const core::Host& host_;
    fmt::memory_buffer buf_;
    std::uint64_t lines_ = 0;
    std::string other_port_;  // port_name() of an id the host does not have
};

// ---- the pieces the writer is made of, public for the reader and the tests ----

// Seconds since the epoch with exactly six decimals ("1767225601.001000"; "-0.000001" before the epoch).
// Nanoseconds below the microsecond are cut (toward minus infinity), as pcap's microsecond stamps are.
void append_trace_time(fmt::memory_buffer& b, core::Timestamp t);
// A JSON string literal, quotes included: '"' and '\' escaped, control characters as \b \f \n \r \t or
// \u00XX, valid UTF-8 copied as is, and every byte of an invalid UTF-8 sequence written as \ufffd.
void append_json_string(fmt::memory_buffer& b, std::string_view s);
// TCP flags as tcpdump prints them (print-tcp.c tcp_flag_values: F S R P . U E W), "none" when none.
void append_tcp_flags(fmt::memory_buffer& b, std::uint8_t flags);

// The state name a trace uses: ipvsadm -L -c's (ip_vs_conn.c ip_vs_state_name(): TCP states by name,
// "UDP" for UDP connections).
const char* trace_state_name(core::Proto p, core::TcpState s) noexcept;

}  // namespace tapvs::io
