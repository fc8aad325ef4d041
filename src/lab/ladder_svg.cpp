#include "lab/ladder_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "lab/html.hpp"

namespace tapvs::lab {

namespace {

constexpr double kChar = 6.7;      // px per character of 11px monospace
constexpr double kLine = 14;       // px per label line
constexpr double kLeft = 96;       // the packet number and time column
constexpr double kMinCol = 230, kMaxCol = 460;
constexpr double kHeadLine = 14;

struct Span {
    std::string text;
    bool rewritten = false;
};
using Line = std::vector<Span>;

std::size_t chars(std::string_view s) {  // characters, not UTF-8 bytes
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

std::size_t chars(const Line& l) {
    std::size_t n = 0;
    for (const auto& s : l) n += chars(s.text);
    return n;
}

std::string endpoint(net::Ipv4Addr a, std::uint16_t port, std::uint8_t proto) {
    return proto == 6 || proto == 17 ? fmt::format("{}:{}", a.to_string(), port) : a.to_string();
}

std::string what(std::uint8_t proto, std::uint8_t flags, std::uint32_t payload) {
    std::string s = proto == 6 ? tcp_flags_text(flags) : proto == 17 ? "UDP" : proto == 1 ? "ICMP" : fmt::format("proto {}", proto);
    if (payload > 0) s += fmt::format(" {}B", payload);
    return s;
}

std::vector<Line> label(const Hop& h) {
    const FrameFact& f = h.f;
    std::vector<Line> lines;
    if (f.ipip) {
        lines.push_back({{"IPIP "}, {f.src.to_string(), h.encapsulated}, {" \u2192 "}, {f.dst.to_string(), h.encapsulated}});
        lines.push_back({{"\u2514 " + what(f.inner_proto, f.inner_tcp_flags, f.inner_payload) + " "},
                         {endpoint(f.inner_src, f.inner_sport, f.inner_proto), h.new_src},
                         {" \u2192 "},
                         {endpoint(f.inner_dst, f.inner_dport, f.inner_proto), h.new_dst}});
    } else {
        lines.push_back({{what(f.proto, f.tcp_flags, f.payload) + " "},
                         {endpoint(f.src, f.sport, f.proto), h.new_src},
                         {" \u2192 "},
                         {endpoint(f.dst, f.dport, f.proto), h.new_dst}});
    }
    lines.push_back({{"MAC " + f.src_mac.to_string() + " \u2192 "}, {f.dst_mac.to_string(), h.new_dst_mac}});
    return lines;
}

std::string text_line(double x, double y, const Line& l, const char* cls) {
    std::string o = fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="{}">)", x, y, cls);
    for (const auto& s : l)
        o += s.rewritten ? "<tspan class=\"rw\">" + html_escape(s.text) + "</tspan>" : html_escape(s.text);
    return o + "</text>";
}

}  // namespace

std::string ladder_svg(const Ladder& l, const std::map<std::string, std::vector<std::string>>& heads) {
    std::vector<std::vector<Line>> labels;
    double col = kMinCol;
    for (const auto& h : l.hops) {
        labels.push_back(label(h));
        const double span = std::max<double>(1, std::abs(static_cast<double>(h.to) - static_cast<double>(h.from)));
        for (const auto& line : labels.back()) col = std::max(col, (static_cast<double>(chars(line)) * kChar + 28) / span);
    }
    for (const auto& [n, lines] : heads)
        for (const auto& line : lines) col = std::max(col, static_cast<double>(chars(line)) * kChar + 24);
    col = std::min(col, kMaxCol);
    auto x_of = [&](std::size_t i) { return kLeft + col / 2 + static_cast<double>(i) * col; };

    std::size_t head_lines = 1;
    for (const auto& n : l.nodes)
        if (auto it = heads.find(n); it != heads.end()) head_lines = std::max(head_lines, it->second.size() + 1);
    const double head_h = static_cast<double>(head_lines) * kHeadLine + 14;
    const double top = head_h + 20;

    std::string body;
    double y = top;
    int packet = 0;
    bool elided = false;
    for (std::size_t k = 0; k < l.hops.size(); ++k) {
        const Hop& h = l.hops[k];
        const auto& lines = labels[k];
        if (h.packet != packet) {  // packets interleave in time: a gap where the packet changes
            if (l.elided_after > 0 && !elided && h.packet > l.elided_after) {
                elided = true;
                y += 18;
                body += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="lbl elided">⋯ {} packets not drawn ⋯</text>)",
                                    (x_of(0) + x_of(l.nodes.size() - 1)) / 2, y,
                                    l.packets - l.packets_drawn);
                y += 8;
            }
            packet = h.packet;
            y += 10;
        }
        body += fmt::format(R"(<text x="8" y="{:.1f}" class="pkt">#{}</text>)", y + kLine, h.packet);
        const double x1 = x_of(h.from), x2 = x_of(h.to), mid = (x1 + x2) / 2;
        for (std::size_t i = 0; i < lines.size(); ++i)
            body += text_line(mid, y + kLine * static_cast<double>(i + 1), lines[i], i + 1 == lines.size() ? "lbl mac" : "lbl");
        y += kLine * static_cast<double>(lines.size()) + 8;
        const char* cls = h.lost ? "hop lost" : h.reply ? "hop reply" : "hop request";
        const double dir = x2 > x1 ? 1 : -1;
        const double end = h.lost ? x1 + (x2 - x1) * 0.72 : x2 - dir * 2;
        body += fmt::format(R"(<text x="40" y="{:.1f}" class="time">+{:.3f} ms</text>)", y + 4, h.t * 1000);
        body += fmt::format(R"(<g class="{}" data-from="{}" data-to="{}"><line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)",
                            cls, html_escape(l.nodes[h.from]), html_escape(l.nodes[h.to]), x1, y, end, y);
        if (h.lost)
            body += fmt::format(R"(<path class="x" d="M{0:.1f},{1:.1f} l8,8 m0,-8 l-8,8"/><text x="{2:.1f}" y="{3:.1f}" class="lbl lostlbl">not received</text>)",
                                end - 4, y - 4, end + dir * 40, y + 14);
        else
            body += fmt::format(R"(<polygon points="{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}"/>)", end, y, end - dir * 10, y - 4.5,
                                end - dir * 10, y + 4.5);
        if (!h.note.empty())
            body += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="lbl note{}">{}</text>)", end + dir * 8, y + 4,
                                dir > 0 ? "" : " back", html_escape(h.note));
        body += "</g>";
        y += 14;
    }
    const double height = y + 16;
    double width = kLeft + col * static_cast<double>(l.nodes.size()) + 8;
    for (const auto& h : l.hops)  // a note past the last lifeline
        if (!h.note.empty() && h.to > h.from)
            width = std::max(width, x_of(h.to) + 16 + static_cast<double>(chars(h.note)) * kChar);

    std::string o = fmt::format(
        R"(<svg class="ladder" xmlns="http://www.w3.org/2000/svg" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" role="img">)",
        width, height);
    o += fmt::format(R"(<title>{} hops of {} packets across {}</title>)", l.hops.size(), l.packets_drawn,
                     html_escape(fmt::format("{}", fmt::join(l.nodes, ", "))));
    for (std::size_t i = 0; i < l.nodes.size(); ++i) {
        const double x = x_of(i);
        const double w = col - 24;
        o += fmt::format(R"(<g class="node" data-node="{}"><rect x="{:.1f}" y="4" width="{:.1f}" height="{:.1f}" rx="6"/>)",
                         html_escape(l.nodes[i]), x - w / 2, w, head_h - 4);
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="name">{}</text>)", x, 4 + kHeadLine, html_escape(l.nodes[i]));
        if (auto it = heads.find(l.nodes[i]); it != heads.end())
            for (std::size_t j = 0; j < it->second.size(); ++j)
                o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="iface">{}</text>)", x,
                                 4 + kHeadLine * static_cast<double>(j + 2), html_escape(it->second[j]));
        o += fmt::format(R"(<line class="life" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}"/></g>)", x, head_h, height - 6);
    }
    return o + body + "</svg>";
}

}  // namespace tapvs::lab
