// The trace schema's names (trace_schema.hpp): events and addresses.
#include "tapvs/io/trace_schema.hpp"

#include <charconv>
#include <iterator>

#include <fmt/format.h>

namespace tapvs::io {

namespace {

constexpr std::string_view kEventNames[] = {"trace",    "rx",       "tx",         "drop",        "arp",
                                            "schedule", "conn_new", "conn_state", "conn_expire", "unknown"};

}  // namespace

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

}  // namespace tapvs::io
