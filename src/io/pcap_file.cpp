#include "tapvs/io/pcap_file.hpp"

#include <cstring>

#include <pcap/pcap.h>

namespace tapvs::io {

Result<std::unique_ptr<PcapReader>, std::string> PcapReader::open(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
    if (!p) {  // libpcap's message names the file itself when it could not open it
        const std::string msg = err;
        return Err{msg.rfind(path, 0) == 0 ? msg : path + ": " + msg};
    }
    const int dlt = pcap_datalink(p);
    if (dlt != DLT_EN10MB) {
        const char* name = pcap_datalink_val_to_name(dlt);
        pcap_close(p);
        return Err{path + ": link type " + (name ? name : std::to_string(dlt)) +
                   " is not Ethernet (EN10MB); tapvs replays Ethernet captures"};
    }
    auto r = std::unique_ptr<PcapReader>(new PcapReader());
    r->handle_ = p;
    r->path_ = path;
    return r;
}

PcapReader::~PcapReader() {
    if (handle_) pcap_close(static_cast<pcap_t*>(handle_));
}

bool PcapReader::next(std::vector<std::uint8_t>& storage, std::size_t headroom, PcapRecord& rec) {
    if (!handle_) return false;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(static_cast<pcap_t*>(handle_), &h, &data);
    if (rc == PCAP_ERROR_BREAK) return false;  // end of file
    if (rc != 1) {
        error_ = path_ + ": " + pcap_geterr(static_cast<pcap_t*>(handle_));
        return false;
    }
    rec.ts = core::Timestamp::from_us(std::int64_t{h->ts.tv_sec} * 1000000 + h->ts.tv_usec);
    rec.caplen = h->caplen;
    rec.wirelen = h->len;
    if (storage.size() < headroom + h->caplen + 64) storage.resize(headroom + h->caplen + 64);
    std::memcpy(storage.data() + headroom, data, h->caplen);
    return true;
}

Result<std::unique_ptr<PcapWriter>, std::string> PcapWriter::open(const std::string& path) {
    pcap_t* dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_MICRO);
    if (!dead) return Err{path + ": cannot make a pcap handle"};
    pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
    if (!d) {
        std::string e = path + ": " + pcap_geterr(dead);
        pcap_close(dead);
        return Err{e};
    }
    auto w = std::unique_ptr<PcapWriter>(new PcapWriter());
    w->pcap_ = dead;
    w->dumper_ = d;
    return w;
}

PcapWriter::~PcapWriter() {
    if (dumper_) pcap_dump_close(static_cast<pcap_dumper_t*>(dumper_));
    if (pcap_) pcap_close(static_cast<pcap_t*>(pcap_));
}

void PcapWriter::write(core::Timestamp ts, net::ConstBytes frame) {
    pcap_pkthdr h{};
    const std::int64_t us = ts.us();
    h.ts.tv_sec = static_cast<time_t>(us / 1000000);
    h.ts.tv_usec = static_cast<suseconds_t>(us % 1000000);
    h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
    pcap_dump(static_cast<u_char*>(dumper_), &h, frame.data());
}

void PcapWriter::flush() { pcap_dump_flush(static_cast<pcap_dumper_t*>(dumper_)); }

}  // namespace tapvs::io
