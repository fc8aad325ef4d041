#include "tapvs/lab/capture_facts.hpp"

#include <algorithm>

#include "tapvs/io/pcap_file.hpp"
#include "tapvs/net/frame_summary.hpp"
#include "tapvs/net/headers.hpp"

namespace tapvs::lab {

namespace {

// The few fields of a frame's summary the lab looks at.
FrameFact fact_of(const net::FrameSummary& s, core::Timestamp ts, std::size_t wirelen) {
    FrameFact f;
    f.ts = ts;
    f.len = wirelen;
    f.dst_mac = s.dst_mac, f.src_mac = s.src_mac;
    if (s.arp) {
        f.arp = true;
        f.arp_op = s.arp_op;
        f.arp_sha = s.arp_sha;
        f.arp_spa = s.arp_spa, f.arp_tpa = s.arp_tpa;
    } else if (s.ip.present) {
        const net::PacketSummary& o = s.ip;
        f.ipv4 = true;
        f.src = o.src, f.dst = o.dst, f.proto = o.protocol;
        f.ip_id = o.ip_id;
        f.sport = o.sport, f.dport = o.dport;
        f.tcp_flags = o.tcp_flags, f.seq = o.seq, f.ack = o.ack, f.payload = o.payload;
        if (o.has_icmp_type) f.icmp_type = o.icmp_type, f.icmp_code = o.icmp_code;
        if (o.protocol == net::kIpProtoIpip && s.inner.present) {
            const net::PacketSummary& i = s.inner;
            f.ipip = true;
            f.inner_src = i.src, f.inner_dst = i.dst;
            f.inner_proto = i.protocol;
            f.inner_ip_id = i.ip_id;
            f.inner_sport = i.sport, f.inner_dport = i.dport;
            f.inner_tcp_flags = i.tcp_flags, f.inner_seq = i.seq, f.inner_ack = i.ack;
            f.inner_payload = i.payload;
        }
    }
    return f;
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
    while (r.value()->next(storage, 0, rec))
        facts.push_back(fact_of(net::summarize(net::ConstBytes(storage.data(), rec.caplen)), rec.ts, rec.wirelen));
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
