// libpcap capture files: a reader that hands out frames with headroom (as the engine wants them)
// and their timestamps, and a writer Wireshark and tcpdump open. Thin adapters: no logic.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tapvs/core/time.hpp"
#include "tapvs/net/bytes.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::io {

struct PcapRecord {
    core::Timestamp ts;
    std::size_t caplen = 0;   // bytes in the file
    std::size_t wirelen = 0;  // bytes on the wire (caplen < wirelen: cut by the snaplen)
};

class PcapReader {
public:
    // Opens an Ethernet (DLT_EN10MB) capture; anything else is an error naming the link type.
    static Result<std::unique_ptr<PcapReader>, std::string> open(const std::string& path);
    ~PcapReader();
    // The next frame, copied into `storage` at `headroom`; false at the end. A truncated file ends
    // with an error in error() rather than a crash.
    bool next(std::vector<std::uint8_t>& storage, std::size_t headroom, PcapRecord& rec);
    const std::string& error() const noexcept { return error_; }
    const std::string& path() const noexcept { return path_; }

private:
    PcapReader() = default;
    void* handle_ = nullptr;  // pcap_t*
    std::string path_, error_;
};

class PcapWriter {
public:
    static Result<std::unique_ptr<PcapWriter>, std::string> open(const std::string& path);
    ~PcapWriter();
    void write(core::Timestamp ts, net::ConstBytes frame);
    void flush();

private:
    PcapWriter() = default;
    void* pcap_ = nullptr;    // pcap_t* (dead)
    void* dumper_ = nullptr;  // pcap_dumper_t*
};

}  // namespace tapvs::io
