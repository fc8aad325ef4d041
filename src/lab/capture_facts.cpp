#include "tapvs/lab/capture_facts.hpp"

#include "tapvs/io/pcap_file.hpp"
#include "tapvs/net/headers.hpp"
#include "tapvs/net/parse.hpp"

namespace tapvs::lab {

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
                f.sport = pf.sport, f.dport = pf.dport;
                if (pf.is_tcp()) f.tcp_flags = pf.tcp(frame).flags();
                if (pf.is_icmp()) {
                    const auto icmp = pf.l4(frame);
                    if (icmp.size() >= 2) f.icmp_type = icmp[0], f.icmp_code = icmp[1];
                }
                if (pf.protocol == 4 && pf.ipip_inner.present) {
                    f.ipip = true;
                    f.inner_src = pf.ipip_inner.src, f.inner_dst = pf.ipip_inner.dst;
                    f.inner_proto = pf.ipip_inner.protocol;
                    f.inner_sport = pf.ipip_inner.sport, f.inner_dport = pf.ipip_inner.dport;
                    if (pf.ipip_inner.is_tcp()) f.inner_tcp_flags = pf.ipip_inner.tcp(frame).flags();
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
