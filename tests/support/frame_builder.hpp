// FrameBuilder: test-only crafting of Ethernet frames, read like the wire, with every checksum right.
//
//   using namespace tapvs::test;
//   auto syn = FrameBuilder{}.eth(client_mac, director_mac)           // src, dst
//                  .ipv4("172.16.0.1", "10.0.0.100").ttl(63)          // src, dst; knobs apply to the last ipv4()
//                  .tcp(40000, 80, tcp_flags::syn).seq(1000)
//                  .payload("hi")
//                  .build();                                          // std::vector<std::uint8_t>
//
// Layers are listed outermost first and serialised at build(), innermost first, so lengths, protocol numbers,
// EtherTypes and checksums (IPv4 header, TCP/UDP with the pseudo header of the nearest enclosing ipv4(), ICMP)
// are filled in automatically. Checksums come from tests/support/checksum_oracle.hpp, not from tapvs code.
//
// Layers:   eth(src, dst) / eth()  . vlan(tci)
//           arp_request(sha, spa, tpa) / arp_reply(sha, spa, tha, tpa) / arp(op, sha, spa, tha, tpa)
//           ipv4(src, dst)         ipip(outer_src, outer_dst) = an ipv4() whose payload is the next ipv4()
//           tcp(sport, dport, flags)    udp(sport, dport)
//           icmp_echo_request(id, seq) / icmp_echo_reply(id, seq) / icmp(type, code, rest_of_header)
//           icmp_error(type, code, quoted_bytes, rest) / icmp_port_unreachable(q) / icmp_frag_needed(mtu, q)
//             / icmp_time_exceeded(q)  -- q = quote_of(packet) or any bytes; see ip_packet_of()
//           payload("text") / payload(bytes) / payload_size(n, fill)
// Knobs:    ipv4: ttl tos id df mf frag_offset ip_options ip_protocol ip_total_len ip_version ip_ihl
//                 ip_checksum bad_ip_checksum
//           tcp: seq ack_seq window urg_ptr tcp_options tcp_doff     udp: udp_length
//           last L4 (tcp/udp/icmp): l4_checksum(v) bad_l4_checksum() udp_zero_checksum() partial_l4_checksum()
//           frame: ethertype(t) no_checksums() pad_to(n) trailer(bytes) truncate(n)
// Addresses are tapvs::net values or text ("10.0.0.1", "02:00:00:00:00:01"). Misuse (a knob without its layer,
// bad text) throws std::logic_error: this is test code.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "support/checksum_oracle.hpp"
#include "tapvs/net/addr.hpp"
#include "tapvs/net/headers.hpp"

namespace tapvs::test {

namespace tcp_flags = tapvs::net::tcp_flags;

inline net::Ipv4Addr ip(std::string_view text) {
    auto a = net::Ipv4Addr::parse(text);
    if (!a) throw std::logic_error("FrameBuilder: bad IPv4 address: " + std::string(text));
    return *a;
}
inline net::MacAddr mac(std::string_view text) {
    auto m = net::MacAddr::parse(text);
    if (!m) throw std::logic_error("FrameBuilder: bad MAC address: " + std::string(text));
    return *m;
}

class FrameBuilder {
public:
    using Bytes = std::vector<std::uint8_t>;
    static inline const net::MacAddr kDefaultSrcMac{{0x02, 0, 0, 0, 0, 0x01}};
    static inline const net::MacAddr kDefaultDstMac{{0x02, 0, 0, 0, 0, 0x02}};

    // ---- Ethernet ----
    FrameBuilder& eth(net::MacAddr src, net::MacAddr dst) {
        Eth e;
        e.src = src;
        e.dst = dst;
        layers_.push_back(wrap(e));
        return *this;
    }
    FrameBuilder& eth(std::string_view src, std::string_view dst) { return eth(mac(src), mac(dst)); }
    FrameBuilder& eth() { return eth(kDefaultSrcMac, kDefaultDstMac); }
    FrameBuilder& vlan(std::uint16_t tci) {
        last<Eth>("vlan").vlan_tci = tci;
        last<Eth>("vlan").has_vlan = true;
        return *this;
    }
    FrameBuilder& ethertype(std::uint16_t t) {
        last<Eth>("ethertype").type = t;
        last<Eth>("ethertype").has_type = true;
        return *this;
    }

    // ---- ARP (Ethernet/IPv4) ----
    FrameBuilder& arp(std::uint16_t op, net::MacAddr sha, net::Ipv4Addr spa, net::MacAddr tha, net::Ipv4Addr tpa) {
        Arp a;
        a.op = op;
        a.sha = sha;
        a.spa = spa;
        a.tha = tha;
        a.tpa = tpa;
        layers_.push_back(wrap(a));
        return *this;
    }
    FrameBuilder& arp_request(net::MacAddr sha, net::Ipv4Addr spa, net::Ipv4Addr tpa) {
        return arp(net::kArpOpRequest, sha, spa, net::MacAddr{}, tpa);
    }
    FrameBuilder& arp_reply(net::MacAddr sha, net::Ipv4Addr spa, net::MacAddr tha, net::Ipv4Addr tpa) {
        return arp(net::kArpOpReply, sha, spa, tha, tpa);
    }

    // ---- IPv4 ----
    FrameBuilder& ipv4(net::Ipv4Addr src, net::Ipv4Addr dst) {
        Ipv4 p;
        p.src = src;
        p.dst = dst;
        layers_.push_back(wrap(p));
        return *this;
    }
    FrameBuilder& ipv4(std::string_view src, std::string_view dst) { return ipv4(ip(src), ip(dst)); }
    FrameBuilder& ipip(net::Ipv4Addr outer_src, net::Ipv4Addr outer_dst) { return ipv4(outer_src, outer_dst); }
    FrameBuilder& ipip(std::string_view outer_src, std::string_view outer_dst) { return ipv4(outer_src, outer_dst); }
    FrameBuilder& ttl(std::uint8_t v) { return set_ip("ttl", [&](Ipv4& l) { l.ttl = v; }); }
    FrameBuilder& tos(std::uint8_t v) { return set_ip("tos", [&](Ipv4& l) { l.tos = v; }); }
    FrameBuilder& id(std::uint16_t v) { return set_ip("id", [&](Ipv4& l) { l.id = v; }); }
    FrameBuilder& df(bool on = true) { return set_ip("df", [&](Ipv4& l) { l.df = on; }); }
    FrameBuilder& mf(bool on = true) { return set_ip("mf", [&](Ipv4& l) { l.mf = on; }); }
    FrameBuilder& frag_offset(std::uint16_t units_of_8) {
        return set_ip("frag_offset", [&](Ipv4& l) { l.frag_offset = units_of_8; });
    }
    // Raw option bytes; zero-padded (EOL) to a multiple of 4.
    FrameBuilder& ip_options(Bytes opts) { return set_ip("ip_options", [&](Ipv4& l) { l.options = opts; }); }
    FrameBuilder& ip_protocol(std::uint8_t v) { return set_ip("ip_protocol", [&](Ipv4& l) { l.protocol = v; }); }
    FrameBuilder& ip_total_len(std::uint16_t v) { return set_ip("ip_total_len", [&](Ipv4& l) { l.total_len = v; }); }
    FrameBuilder& ip_version(std::uint8_t v) { return set_ip("ip_version", [&](Ipv4& l) { l.version = v; }); }
    FrameBuilder& ip_ihl(std::uint8_t v) { return set_ip("ip_ihl", [&](Ipv4& l) { l.ihl = v; }); }
    FrameBuilder& ip_checksum(std::uint16_t v) {
        return set_ip("ip_checksum", [&](Ipv4& l) { l.csum = Csum{CsumKind::forced, v}; });
    }
    FrameBuilder& bad_ip_checksum() { return set_ip("bad_ip_checksum", [&](Ipv4& l) { l.csum.kind = CsumKind::bad; }); }

    // ---- TCP ----
    FrameBuilder& tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags = 0) {
        Tcp t;
        t.sport = sport;
        t.dport = dport;
        t.flags = flags;
        layers_.push_back(wrap(t));
        return *this;
    }
    FrameBuilder& seq(std::uint32_t v) { return set<Tcp>("seq", [&](Tcp& l) { l.seq = v; }); }
    FrameBuilder& ack_seq(std::uint32_t v) { return set<Tcp>("ack_seq", [&](Tcp& l) { l.ack = v; }); }
    FrameBuilder& window(std::uint16_t v) { return set<Tcp>("window", [&](Tcp& l) { l.window = v; }); }
    FrameBuilder& urg_ptr(std::uint16_t v) { return set<Tcp>("urg_ptr", [&](Tcp& l) { l.urg = v; }); }
    FrameBuilder& tcp_options(Bytes opts) { return set<Tcp>("tcp_options", [&](Tcp& l) { l.options = opts; }); }
    FrameBuilder& tcp_doff(std::uint8_t words) { return set<Tcp>("tcp_doff", [&](Tcp& l) { l.doff = words; }); }

    // ---- UDP ----
    FrameBuilder& udp(std::uint16_t sport, std::uint16_t dport) {
        Udp u;
        u.sport = sport;
        u.dport = dport;
        layers_.push_back(wrap(u));
        return *this;
    }
    FrameBuilder& udp_length(std::uint16_t v) { return set<Udp>("udp_length", [&](Udp& l) { l.length = v; }); }

    // ---- ICMP ----
    FrameBuilder& icmp(std::uint8_t type, std::uint8_t code, std::uint32_t rest_of_header = 0) {
        Icmp c;
        c.type = type;
        c.code = code;
        c.rest = rest_of_header;
        layers_.push_back(wrap(c));
        return *this;
    }
    FrameBuilder& icmp_echo_request(std::uint16_t id, std::uint16_t seq) {
        return icmp(net::kIcmpEcho, 0, (std::uint32_t{id} << 16) | seq);
    }
    FrameBuilder& icmp_echo_reply(std::uint16_t id, std::uint16_t seq) {
        return icmp(net::kIcmpEchoReply, 0, (std::uint32_t{id} << 16) | seq);
    }
    // An error quoting `quoted` (usually quote_of(ip_packet_of(frame))) verbatim.
    FrameBuilder& icmp_error(std::uint8_t type, std::uint8_t code, std::span<const std::uint8_t> quoted,
                             std::uint32_t rest_of_header = 0) {
        icmp(type, code, rest_of_header);
        return payload(Bytes(quoted.begin(), quoted.end()));
    }
    FrameBuilder& icmp_port_unreachable(std::span<const std::uint8_t> quoted) {
        return icmp_error(net::kIcmpDestUnreach, net::kIcmpPortUnreach, quoted);
    }
    FrameBuilder& icmp_frag_needed(std::uint16_t mtu, std::span<const std::uint8_t> quoted) {
        return icmp_error(net::kIcmpDestUnreach, net::kIcmpFragNeeded, quoted, mtu);
    }
    FrameBuilder& icmp_time_exceeded(std::span<const std::uint8_t> quoted) {
        return icmp_error(net::kIcmpTimeExceeded, net::kIcmpExcTtl, quoted);
    }

    // ---- payload ----
    FrameBuilder& payload(std::string_view text) { return payload(Bytes(text.begin(), text.end())); }
    FrameBuilder& payload(Bytes bytes) {
        Payload p;
        p.bytes = std::move(bytes);
        layers_.push_back(wrap(std::move(p)));
        return *this;
    }
    FrameBuilder& payload_size(std::size_t n, std::uint8_t fill = 0xab) { return payload(Bytes(n, fill)); }

    // ---- checksum knobs (the last TCP/UDP/ICMP layer) ----
    FrameBuilder& l4_checksum(std::uint16_t v) { return set_l4_csum("l4_checksum", Csum{CsumKind::forced, v}); }
    FrameBuilder& bad_l4_checksum() { return set_l4_csum("bad_l4_checksum", Csum{CsumKind::bad, 0}); }
    FrameBuilder& udp_zero_checksum() { return set<Udp>("udp_zero_checksum", [](Udp& l) { l.csum = Csum{CsumKind::forced, 0}; }); }
    // CHECKSUM_PARTIAL: the field holds the uncomplemented pseudo-header sum (TCP/UDP).
    FrameBuilder& partial_l4_checksum() { return set_l4_csum("partial_l4_checksum", Csum{CsumKind::partial, 0}); }
    // Every checksum field (IPv4 header, L4) left 0.
    FrameBuilder& no_checksums() {
        no_checksums_ = true;
        return *this;
    }

    // ---- whole frame ----
    FrameBuilder& pad_to(std::size_t n) {  // Ethernet padding (zeros) up to n bytes
        pad_to_ = n;
        return *this;
    }
    FrameBuilder& trailer(Bytes bytes) {  // bytes after everything (after the padding)
        trailer_ = std::move(bytes);
        return *this;
    }
    FrameBuilder& truncate(std::size_t n) {  // cut the finished frame to n bytes
        truncate_ = n;
        return *this;
    }

    Bytes build() const {
        Bytes out = serialize(0);
        if (out.size() < pad_to_) out.resize(pad_to_, 0);
        out.insert(out.end(), trailer_.begin(), trailer_.end());
        if (truncate_ && out.size() > *truncate_) out.resize(*truncate_);
        return out;
    }

    // ---- helpers ----
    // The IPv4 packet of an Ethernet frame (header and any VLAN tag removed; trailing padding kept).
    static Bytes ip_packet_of(const Bytes& frame) {
        std::size_t off = net::kEthHeaderLen;
        if (frame.size() >= 14 && frame[12] == 0x81 && frame[13] == 0x00) off += net::kVlanTagLen;
        if (frame.size() < off) throw std::logic_error("FrameBuilder::ip_packet_of: short frame");
        return Bytes(frame.begin() + static_cast<std::ptrdiff_t>(off), frame.end());
    }
    // What an ICMP error quotes: the IP header and the first `l4_bytes` bytes after it (RFC 792: 8).
    static Bytes quote_of(const Bytes& packet, std::size_t l4_bytes = 8) {
        if (packet.empty()) throw std::logic_error("FrameBuilder::quote_of: empty packet");
        const std::size_t n = std::min(packet.size(), std::size_t{packet[0] & 0x0fu} * 4 + l4_bytes);
        return Bytes(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(n));
    }

private:
    enum class CsumKind { correct, bad, forced, partial };
    struct Csum {
        CsumKind kind = CsumKind::correct;
        std::uint16_t value = 0;
    };
    // A hand-made tagged union: g++ 12 reports false -Wmaybe-uninitialized for std::variant/std::optional here.
    struct Eth {
        net::MacAddr src, dst;
        bool has_vlan = false, has_type = false;
        std::uint16_t vlan_tci = 0, type = 0;
    };
    struct Arp {
        std::uint16_t op = 0;
        net::MacAddr sha;
        net::Ipv4Addr spa;
        net::MacAddr tha;
        net::Ipv4Addr tpa;
    };
    struct Ipv4 {
        net::Ipv4Addr src, dst;
        std::uint8_t ttl = 64, tos = 0;
        std::uint16_t id = 0;
        bool df = false, mf = false;
        std::uint16_t frag_offset = 0;
        Bytes options;
        int protocol = -1, version = -1, ihl = -1, total_len = -1;  // -1: computed
        Csum csum;
    };
    struct Tcp {
        std::uint16_t sport = 0, dport = 0;
        std::uint8_t flags = 0;
        std::uint32_t seq = 0, ack = 0;
        std::uint16_t window = 65535, urg = 0;
        Bytes options;
        int doff = -1;
        Csum csum;
    };
    struct Udp {
        std::uint16_t sport = 0, dport = 0;
        int length = -1;
        Csum csum;
    };
    struct Icmp {
        std::uint8_t type = 0, code = 0;
        std::uint32_t rest = 0;
        Csum csum;
    };
    struct Payload {
        Bytes bytes;
    };
    struct Layer {
        enum class Kind { eth, arp, ipv4, tcp, udp, icmp, payload } kind = Kind::payload;
        Eth eth;
        Arp arp;
        Ipv4 ipv4;
        Tcp tcp;
        Udp udp;
        Icmp icmp;
        Payload payload;
    };
    static Layer wrap(Eth x) { Layer l; l.kind = Layer::Kind::eth; l.eth = std::move(x); return l; }
    static Layer wrap(Arp x) { Layer l; l.kind = Layer::Kind::arp; l.arp = std::move(x); return l; }
    static Layer wrap(Ipv4 x) { Layer l; l.kind = Layer::Kind::ipv4; l.ipv4 = std::move(x); return l; }
    static Layer wrap(Tcp x) { Layer l; l.kind = Layer::Kind::tcp; l.tcp = std::move(x); return l; }
    static Layer wrap(Udp x) { Layer l; l.kind = Layer::Kind::udp; l.udp = std::move(x); return l; }
    static Layer wrap(Icmp x) { Layer l; l.kind = Layer::Kind::icmp; l.icmp = std::move(x); return l; }
    static Layer wrap(Payload x) { Layer l; l.kind = Layer::Kind::payload; l.payload = std::move(x); return l; }
    template <class L, class Self>
    static auto* get_if(Self* l) {
        using K = Layer::Kind;
        if constexpr (std::is_same_v<L, Eth>) return l->kind == K::eth ? &l->eth : nullptr;
        else if constexpr (std::is_same_v<L, Arp>) return l->kind == K::arp ? &l->arp : nullptr;
        else if constexpr (std::is_same_v<L, Ipv4>) return l->kind == K::ipv4 ? &l->ipv4 : nullptr;
        else if constexpr (std::is_same_v<L, Tcp>) return l->kind == K::tcp ? &l->tcp : nullptr;
        else if constexpr (std::is_same_v<L, Udp>) return l->kind == K::udp ? &l->udp : nullptr;
        else if constexpr (std::is_same_v<L, Icmp>) return l->kind == K::icmp ? &l->icmp : nullptr;
        else return l->kind == K::payload ? &l->payload : nullptr;
    }
    template <class L>
    static bool holds(const Layer& l) { return get_if<L>(&l) != nullptr; }

    std::vector<Layer> layers_;
    bool no_checksums_ = false;
    std::size_t pad_to_ = 0;
    Bytes trailer_;
    std::optional<std::size_t> truncate_;

    template <class L>
    L& last(const char* knob) {
        for (auto it = layers_.rbegin(); it != layers_.rend(); ++it)
            if (auto* l = get_if<L>(&*it)) return *l;
        throw std::logic_error(std::string("FrameBuilder: knob without its layer: ") + knob);
    }
    template <class L, class F>
    FrameBuilder& set(const char* knob, F&& f) {
        f(last<L>(knob));
        return *this;
    }
    template <class F>
    FrameBuilder& set_ip(const char* knob, F&& f) {
        return set<Ipv4>(knob, std::forward<F>(f));
    }
    FrameBuilder& set_l4_csum(const char* knob, Csum c) {
        for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
            Csum* field = nullptr;
            if (auto* t = get_if<Tcp>(&*it)) field = &t->csum;
            if (auto* u = get_if<Udp>(&*it)) field = &u->csum;
            if (auto* m = get_if<Icmp>(&*it)) field = &m->csum;
            if (field) {
                *field = c;
                return *this;
            }
        }
        throw std::logic_error(std::string("FrameBuilder: knob without an L4 layer: ") + knob);
    }

    static void put16(Bytes& b, std::size_t off, std::uint16_t v) {
        b.at(off) = static_cast<std::uint8_t>(v >> 8);
        b.at(off + 1) = static_cast<std::uint8_t>(v);
    }
    static void push16(Bytes& b, std::uint16_t v) {
        b.push_back(static_cast<std::uint8_t>(v >> 8));
        b.push_back(static_cast<std::uint8_t>(v));
    }
    static void push32(Bytes& b, std::uint32_t v) {
        push16(b, static_cast<std::uint16_t>(v >> 16));
        push16(b, static_cast<std::uint16_t>(v));
    }
    static void push_mac(Bytes& b, const net::MacAddr& m) { b.insert(b.end(), m.b.begin(), m.b.end()); }
    static void pad4(Bytes& b) {
        while (b.size() % 4 != 0) b.push_back(0);
    }
    static void append(Bytes& b, const Bytes& tail) { b.insert(b.end(), tail.begin(), tail.end()); }

    // The final field value for a computed checksum `good` under knob `c`.
    std::uint16_t finish(const Csum& c, std::uint16_t good, std::uint16_t partial, bool is_udp) const {
        if (c.kind == CsumKind::forced) return c.value;
        if (no_checksums_) return 0;
        if (c.kind == CsumKind::partial) return partial;
        if (c.kind == CsumKind::bad) {
            // Flip bit 0: never equivalent to the right value (only 0x0000 and 0xffff are); for UDP never 0 either.
            std::uint16_t bad = good ^ 0x0001;
            if (is_udp && bad == 0) bad = good ^ 0x0002;
            return bad;
        }
        return good;
    }

    const Ipv4* enclosing_ipv4(std::size_t i) const {
        for (std::size_t j = i; j-- > 0;)
            if (auto* l = get_if<Ipv4>(&layers_[j])) return l;
        throw std::logic_error("FrameBuilder: TCP/UDP needs an enclosing ipv4() for its pseudo header");
    }

    std::uint8_t protocol_of_next(std::size_t i) const {
        if (i + 1 >= layers_.size()) return 253;  // RFC 3692 "experimentation"
        const Layer& n = layers_[i + 1];
        if (holds<Tcp>(n)) return net::kIpProtoTcp;
        if (holds<Udp>(n)) return net::kIpProtoUdp;
        if (holds<Icmp>(n)) return net::kIpProtoIcmp;
        if (holds<Ipv4>(n)) return net::kIpProtoIpip;
        return 253;
    }

    Bytes serialize(std::size_t i) const {
        if (i >= layers_.size()) return {};
        const Bytes inner = serialize(i + 1);
        const Layer& l = layers_[i];
        switch (l.kind) {
            case Layer::Kind::eth: return emit(l.eth, i, inner);
            case Layer::Kind::arp: return emit(l.arp, i, inner);
            case Layer::Kind::ipv4: return emit(l.ipv4, i, inner);
            case Layer::Kind::tcp: return emit(l.tcp, i, inner);
            case Layer::Kind::udp: return emit(l.udp, i, inner);
            case Layer::Kind::icmp: return emit(l.icmp, i, inner);
            case Layer::Kind::payload: break;
        }
        return emit(l.payload, i, inner);
    }

    Bytes emit(const Eth& e, std::size_t i, const Bytes& inner) const {
        std::uint16_t type = 0;
        if (e.has_type) {
            type = e.type;
        } else if (i + 1 < layers_.size() && holds<Arp>(layers_[i + 1])) {
            type = net::kEtherTypeArp;
        } else if (i + 1 < layers_.size() && holds<Ipv4>(layers_[i + 1])) {
            type = net::kEtherTypeIpv4;
        } else {
            throw std::logic_error("FrameBuilder: eth() needs arp/ipv4 next, or ethertype()");
        }
        Bytes b;
        push_mac(b, e.dst);
        push_mac(b, e.src);
        if (e.has_vlan) {
            push16(b, net::kEtherTypeVlan);
            push16(b, e.vlan_tci);
        }
        push16(b, type);
        append(b, inner);
        return b;
    }

    Bytes emit(const Arp& a, std::size_t, const Bytes& inner) const {
        Bytes b;
        push16(b, net::kArpHrdEther);
        push16(b, net::kEtherTypeIpv4);
        b.push_back(6);
        b.push_back(4);
        push16(b, a.op);
        push_mac(b, a.sha);
        push32(b, a.spa.host_order);
        push_mac(b, a.tha);
        push32(b, a.tpa.host_order);
        append(b, inner);
        return b;
    }

    Bytes emit(const Ipv4& p, std::size_t i, const Bytes& inner) const {
        Bytes opts = p.options;
        pad4(opts);
        const std::size_t hl = 20 + opts.size();
        Bytes b;
        const int version = p.version >= 0 ? p.version : 4;
        const int ihl = p.ihl >= 0 ? p.ihl : static_cast<int>(hl / 4);
        b.push_back(static_cast<std::uint8_t>((version << 4) | (ihl & 0x0f)));
        b.push_back(p.tos);
        push16(b, static_cast<std::uint16_t>(p.total_len >= 0 ? static_cast<std::size_t>(p.total_len) : hl + inner.size()));
        push16(b, p.id);
        push16(b, static_cast<std::uint16_t>((p.df ? 0x4000 : 0) | (p.mf ? 0x2000 : 0) | (p.frag_offset & 0x1fff)));
        b.push_back(p.ttl);
        b.push_back(p.protocol >= 0 ? static_cast<std::uint8_t>(p.protocol) : protocol_of_next(i));
        push16(b, 0);
        push32(b, p.src.host_order);
        push32(b, p.dst.host_order);
        append(b, opts);
        put16(b, 10, finish(p.csum, oracle::ipv4_header(b), 0, false));
        append(b, inner);
        return b;
    }

    Bytes emit(const Tcp& t, std::size_t i, const Bytes& inner) const {
        Bytes opts = t.options;
        pad4(opts);
        const std::size_t hl = 20 + opts.size();
        Bytes b;
        push16(b, t.sport);
        push16(b, t.dport);
        push32(b, t.seq);
        push32(b, t.ack);
        b.push_back(static_cast<std::uint8_t>((t.doff >= 0 ? static_cast<std::size_t>(t.doff) : hl / 4) << 4));
        b.push_back(t.flags);
        push16(b, t.window);
        push16(b, 0);
        push16(b, t.urg);
        append(b, opts);
        append(b, inner);
        const Ipv4* ip4 = enclosing_ipv4(i);
        const std::uint32_t s = ip4->src.host_order, d = ip4->dst.host_order;
        put16(b, 16, finish(t.csum, oracle::tcp(s, d, b), oracle::pseudo_partial(s, d, 6, b.size()), false));
        return b;
    }

    Bytes emit(const Udp& u, std::size_t i, const Bytes& inner) const {
        Bytes b;
        push16(b, u.sport);
        push16(b, u.dport);
        push16(b, static_cast<std::uint16_t>(u.length >= 0 ? static_cast<std::size_t>(u.length) : 8 + inner.size()));
        push16(b, 0);
        append(b, inner);
        const Ipv4* ip4 = enclosing_ipv4(i);
        const std::uint32_t s = ip4->src.host_order, d = ip4->dst.host_order;
        put16(b, 6, finish(u.csum, oracle::udp(s, d, b), oracle::pseudo_partial(s, d, 17, b.size()), true));
        return b;
    }

    Bytes emit(const Icmp& c, std::size_t, const Bytes& inner) const {
        Bytes b;
        b.push_back(c.type);
        b.push_back(c.code);
        push16(b, 0);
        push32(b, c.rest);
        append(b, inner);
        put16(b, 2, finish(c.csum, oracle::icmp(b), 0, false));
        return b;
    }

    Bytes emit(const Payload& p, std::size_t, const Bytes& inner) const {
        Bytes b = p.bytes;
        append(b, inner);
        return b;
    }
};

}  // namespace tapvs::test
