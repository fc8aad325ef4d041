#include "tapvs/lab/capture_facts.hpp"

#include <algorithm>

#include "tapvs/io/pcap_file.hpp"
#include "tapvs/net/headers.hpp"
#include "tapvs/net/parse.hpp"

namespace tapvs::lab {

namespace {

struct L4Facts {
    std::uint8_t flags = 0;
    std::uint32_t seq = 0, ack = 0, payload = 0;
};

L4Facts l4_facts(const net::Ipv4Layer& l, net::ConstBytes frame) {
    L4Facts o;
    if (l.is_tcp() && !l.quoted) {
        const auto tcp = l.tcp(frame);
        o.flags = tcp.flags(), o.seq = tcp.seq(), o.ack = tcp.ack_seq();
        o.payload = static_cast<std::uint32_t>(l.l4_len - std::min<std::size_t>(l.l4_len, tcp.header_len()));
    } else if (l.is_udp()) {
        o.payload = l.l4_len >= 8 ? l.l4_len - 8 : 0;
    } else if (l.present) {
        o.payload = l.l4_len;
    }
    return o;
}

}  // namespace

std::vector<FrameFact> read_facts(const std::string& path, std::string* error) {
    std::vector<FrameFact> facts;
    auto r = io::PcapReader::open(path);
    if (!r) {
        if (error) *error = r.error();
        return facts;
    }
    std::vector<std::uint8_t> storage;
    io::PcapRecord rec;
    while (r.value()->next(storage, 0, rec)) {
        const net::ConstBytes frame(storage.data(), rec.caplen);
        FrameFact f;
        f.ts = rec.ts;
        f.len = rec.wirelen;
        if (frame.size() >= 14) {
            const net::ConstEthView eth{frame};
            f.dst_mac = eth.dst();
            f.src_mac = eth.src();
        }
        auto p = net::parse_frame(frame);
        if (p) {
            const net::ParsedFrame& pf = p.value();
            if (pf.is_arp()) {
                const auto a = pf.arp(frame);
                f.arp = true;
                f.arp_op = a.op();
                f.arp_sha = a.sha();
                f.arp_spa = a.spa();
                f.arp_tpa = a.tpa();
            } else if (pf.present) {
                f.ipv4 = true;
                f.src = pf.src, f.dst = pf.dst, f.proto = pf.protocol;
                f.ip_id = pf.ipv4(frame).id();
                f.sport = pf.sport, f.dport = pf.dport;
                const L4Facts outer = l4_facts(pf, frame);
                f.tcp_flags = outer.flags, f.seq = outer.seq, f.ack = outer.ack, f.payload = outer.payload;
                if (pf.is_icmp()) {
                    const auto icmp = pf.l4(frame);
                    if (icmp.size() >= 2) f.icmp_type = icmp[0], f.icmp_code = icmp[1];
                }
                if (pf.protocol == 4 && pf.ipip_inner.present) {
                    f.ipip = true;
                    f.inner_src = pf.ipip_inner.src, f.inner_dst = pf.ipip_inner.dst;
                    f.inner_proto = pf.ipip_inner.protocol;
                    f.inner_ip_id = pf.ipip_inner.ipv4(frame).id();
                    f.inner_sport = pf.ipip_inner.sport, f.inner_dport = pf.ipip_inner.dport;
                    const L4Facts inner = l4_facts(pf.ipip_inner, frame);
                    f.inner_tcp_flags = inner.flags, f.inner_seq = inner.seq, f.inner_ack = inner.ack;
                    f.inner_payload = inner.payload;
                }
            }
        }
        facts.push_back(f);
    }
    if (error && !r.value()->error().empty()) *error = r.value()->error();
    return facts;
}

std::string tcp_flags_text(std::uint8_t fl) {
    std::string s;
    auto add = [&](std::uint8_t bit, const char* name) {
        if (fl & bit) s += (s.empty() ? "" : "-") + std::string(name);
    };
    add(0x02, "SYN");
    add(0x01, "FIN");
    add(0x04, "RST");
    add(0x08, "PSH");
    add(0x10, "ACK");
    return s.empty() ? "none" : s;
}

}  // namespace tapvs::lab
