#include "tapvs/lab/ladder.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <utility>

namespace tapvs::lab {

namespace {

constexpr auto kSameFrameWindow = std::chrono::seconds(1);  // one frame seen at both ends of a link
constexpr auto kForwardWindow = std::chrono::seconds(1);    // a node passing a packet on

bool belongs(const FrameFact& f, const ConnKey& c) {
    if (!f.ipv4 || f.l4_proto() != c.proto) return false;
    return (f.l4_src() == c.client && f.l4_sport() == c.cport) || (f.l4_dst() == c.client && f.l4_dport() == c.cport);
}

// One packet on two links: what none of the director's rewrites changes (the IP ID tells a
// retransmission or a duplicate ACK from the first; for IP-in-IP, the inner packet's).
bool same_segment(const FrameFact& a, const FrameFact& b) {
    return a.l4_ip_id() == b.l4_ip_id() && a.l4_flags() == b.l4_flags() && a.l4_seq() == b.l4_seq() &&
           a.l4_ack() == b.l4_ack() && a.l4_payload() == b.l4_payload();
}

// One frame at both ends of one link.
bool same_frame(const FrameFact& a, const FrameFact& b) {
    return a.src_mac == b.src_mac && a.dst_mac == b.dst_mac && a.src == b.src && a.dst == b.dst &&
           a.l4_sport() == b.l4_sport() && a.l4_dport() == b.l4_dport() && same_segment(a, b);
}

// `g` carries part of TCP segment `f`'s data: the same link and connection, its sequence number
// inside f's, fewer bytes.
bool piece_of(const FrameFact& g, const FrameFact& f) {
    return f.l4_proto() == 6 && g.l4_proto() == 6 && f.l4_payload() > 0 && g.l4_payload() < f.l4_payload() &&
           g.src_mac == f.src_mac && g.dst_mac == f.dst_mac && g.src == f.src && g.dst == f.dst &&
           g.l4_sport() == f.l4_sport() && g.l4_dport() == f.l4_dport() && g.l4_seq() - f.l4_seq() < f.l4_payload();
}

core::Duration gap(core::Timestamp a, core::Timestamp b) { return a < b ? b - a : a - b; }

struct RawHop {
    Hop hop;
    std::string from, to;
    core::Timestamp ts;
};

}  // namespace

Ladder build_ladder(const std::vector<CapturePoint>& points, const ConnKey& conn, const std::string& director,
                    int max_packets) {
    std::map<net::MacAddr, const CapturePoint*> owner;
    for (const auto& p : points) owner.try_emplace(p.mac, &p);  // a node and port: either of its captures

    // Every frame of the connection, once, from the capture of the node that sent it.
    std::vector<RawHop> raw;
    for (const auto& p : points) {
        if (p.saw == CapturePoint::Saw::received) continue;
        for (const auto& f : p.frames) {
            if (!belongs(f, conn) || (p.saw == CapturePoint::Saw::both && f.src_mac != p.mac)) continue;
            const auto to = owner.find(f.dst_mac);
            if (to == owner.end()) continue;  // to nobody in the lab
            RawHop r;
            r.from = p.node, r.to = to->second->node, r.ts = f.ts;
            r.hop.from_port = p.port, r.hop.to_port = to->second->port;
            r.hop.f = f;
            r.hop.reply = f.l4_dst() == conn.client && f.l4_dport() == conn.cport;
            // Lost: the receiver captured its side of the link and this frame is not there, not even
            // cut into smaller TCP segments (a sender's capture sees a segmentation offload's big frame).
            bool captured = false, seen = false;
            std::set<std::uint32_t> pieces;  // their sequence numbers
            for (const auto& q : points) {
                if (q.node != r.to || q.port != r.hop.to_port || q.saw == CapturePoint::Saw::sent || !q.captured) continue;
                captured = true;
                for (const auto& g : q.frames) {
                    if (gap(g.ts, f.ts) >= kSameFrameWindow) continue;
                    seen = seen || same_frame(f, g);
                    if (piece_of(g, f)) pieces.insert(g.l4_seq());
                }
            }
            // (How many is not told: a retransmission after a frag-needed cuts the same bytes again.)
            if (!seen && pieces.size() > 1) r.hop.note = "arrived in smaller segments";
            r.hop.lost = captured && !seen && pieces.size() < 2;
            raw.push_back(std::move(r));
        }
    }
    std::stable_sort(raw.begin(), raw.end(), [](const RawHop& a, const RawHop& b) { return a.ts < b.ts; });

    // Packets: a hop continues the latest earlier hop that brought the same segment to its sender.
    Ladder l;
    std::vector<bool> passed_on(raw.size(), false);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        Hop& h = raw[i].hop;
        std::size_t j = i;
        while (j-- > 0) {
            const RawHop& g = raw[j];
            if (raw[i].ts - g.ts > kForwardWindow) {
                j = i;
                break;
            }
            if (!passed_on[j] && !g.hop.lost && g.to == raw[i].from && g.hop.reply == h.reply &&
                same_segment(g.hop.f, h.f))
                break;
        }
        if (j >= i) {  // nothing brought it: a new packet
            h.packet = ++l.packets;
            continue;
        }
        passed_on[j] = true;
        h.packet = raw[j].hop.packet;
        if (raw[i].from != director) continue;
        const FrameFact& in = raw[j].hop.f;
        h.encapsulated = h.f.ipip && !in.ipip;
        h.new_src = h.f.l4_src() != in.l4_src() || h.f.l4_sport() != in.l4_sport();
        h.new_dst = h.f.l4_dst() != in.l4_dst() || h.f.l4_dport() != in.l4_dport();
        h.new_dst_mac = !h.encapsulated && !h.new_src && !h.new_dst;
    }
    l.packets_drawn = std::min(l.packets, max_packets);
    if (l.packets > max_packets && max_packets > kTailPackets) l.elided_after = max_packets - kTailPackets;
    const auto drawn = [&](int packet) {
        return l.elided_after == 0 ? packet <= l.packets_drawn
                                   : packet <= l.elided_after || packet > l.packets - kTailPackets;
    };

    // Lifelines: the client, other nodes (a router), the director, the real servers.
    std::map<std::string, int> rank;
    std::vector<std::string> seen_order;
    auto note = [&](const std::string& n) {
        if (std::find(seen_order.begin(), seen_order.end(), n) == seen_order.end()) seen_order.push_back(n);
    };
    note(director);
    rank[director] = 2;
    for (const auto& r : raw) {
        if (!drawn(r.hop.packet)) continue;
        note(r.from), note(r.to);
        if (r.from == director && !r.hop.reply) rank.try_emplace(r.to, 3);
    }
    for (const auto& r : raw)
        if (drawn(r.hop.packet)) {
            rank.try_emplace(r.hop.reply ? r.to : r.from, 0);
            break;
        }
    std::stable_sort(seen_order.begin(), seen_order.end(), [&](const std::string& a, const std::string& b) {
        const auto ra = rank.count(a) ? rank[a] : 1, rb = rank.count(b) ? rank[b] : 1;
        return ra < rb;
    });
    l.nodes = seen_order;
    auto index = [&](const std::string& n) {
        return static_cast<std::size_t>(std::find(l.nodes.begin(), l.nodes.end(), n) - l.nodes.begin());
    };
    const core::Timestamp t0 = raw.empty() ? core::Timestamp{} : raw.front().ts;
    for (auto& r : raw) {
        if (!drawn(r.hop.packet)) continue;
        r.hop.from = index(r.from), r.hop.to = index(r.to);
        r.hop.t = std::chrono::duration<double>(r.ts - t0).count();
        l.hops.push_back(std::move(r.hop));
    }
    return l;
}

}  // namespace tapvs::lab
