// Malformed captures: a replay never crashes; it gives a clear error (naming the file) or counts the frames
// it could not use as drops. The files are written byte by byte here (the pcap format: a 24-byte file
// header, then per record a 16-byte header and the captured bytes), not with libpcap.
#include "unit/io/replay_fixture.hpp"

#include <cstdint>

#include "support/frame_builder.hpp"

using namespace tapvs;
using namespace tapvs::test::replay;
using tapvs::test::FrameBuilder;
namespace tf = tapvs::net::tcp_flags;

namespace {

void put32(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));  // little-endian file
}
void put16(std::string& s, std::uint16_t v) {
    s.push_back(static_cast<char>(v & 0xff));
    s.push_back(static_cast<char>(v >> 8));
}
// pcap file header, microsecond stamps (magic a1b2c3d4), version 2.4.
std::string file_header(std::uint32_t linktype, std::uint32_t snaplen = 65535) {
    std::string s;
    put32(s, 0xa1b2c3d4);
    put16(s, 2);
    put16(s, 4);
    put32(s, 0);  // thiszone
    put32(s, 0);  // sigfigs
    put32(s, snaplen);
    put32(s, linktype);
    return s;
}
// One record: `caplen` bytes of `frame` in the file, `wirelen` on the wire.
std::string record(double t, const std::vector<std::uint8_t>& frame, std::size_t caplen, std::size_t wirelen) {
    std::string s;
    const auto us = static_cast<std::uint64_t>(1767225600.0 * 1e6 + t * 1e6 + 0.5);
    put32(s, static_cast<std::uint32_t>(us / 1000000));
    put32(s, static_cast<std::uint32_t>(us % 1000000));
    put32(s, static_cast<std::uint32_t>(caplen));
    put32(s, static_cast<std::uint32_t>(wirelen));
    s.append(reinterpret_cast<const char*>(frame.data()), caplen);
    return s;
}
std::string record(double t, const std::vector<std::uint8_t>& frame) { return record(t, frame, frame.size(), frame.size()); }

const net::MacAddr kClientMac = test::mac("02:00:00:00:02:00");
const net::MacAddr kEth0Mac = test::mac("02:00:00:00:01:00");  // pcaps/nat/director.conf

std::vector<std::uint8_t> syn(std::uint16_t sport) {
    return FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10").tcp(sport, 80, tf::syn).build();
}

struct Malformed {
    TempDir dir;
    fs::path capture = dir / "capture.pcap";
    Outcome replay(const std::string& bytes) {
        write_file(capture, bytes);
        auto opts = case_options("nat");
        opts.ports = {{"eth0", capture.string()}};
        opts.quiet = true;
        return run(opts);
    }
    std::string err(const std::string& what) const { return "tapvs replay: " + capture.string() + ": " + what + "\n"; }
};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

TEST_CASE("replay malformed: an empty file is an error naming the file", "[io][replay][malformed]") {
    Malformed m;
    const Outcome o = m.replay("");
    CHECK(o.status == 1);
    CHECK(o.err == m.err("truncated dump file; tried to read 4 file header bytes, only got 0"));
    CHECK(o.out.empty());
}

TEST_CASE("replay malformed: a file that is not a capture is an error", "[io][replay][malformed]") {
    Malformed m;
    const Outcome o = m.replay("GET / HTTP/1.0\r\nHost: 192.168.1.10\r\n\r\n");
    CHECK(o.status == 1);
    CHECK(o.err == m.err("unknown file format"));
    CHECK(o.out.empty());
}

TEST_CASE("replay malformed: a file header cut short is an error", "[io][replay][malformed]") {
    Malformed m;
    const Outcome o = m.replay(file_header(1).substr(0, 10));
    CHECK(o.status == 1);
    CHECK(o.err == m.err("truncated dump file; tried to read 24 file header bytes, only got 6"));
}

TEST_CASE("replay malformed: a capture of another link type is refused, naming it", "[io][replay][malformed]") {
    Malformed m;
    // LINKTYPE_RAW (101): bare IPv4 packets, as `tcpdump -i tun0` writes them.
    const auto frame = syn(40000);
    const std::vector<std::uint8_t> packet(frame.begin() + 14, frame.end());
    const Outcome o = m.replay(file_header(101) + record(1.0, packet));
    CHECK(o.status == 1);
    CHECK(o.err == m.err("link type RAW is not Ethernet (EN10MB); tapvs replays Ethernet captures"));
    CHECK(o.out.empty());
}

TEST_CASE("replay malformed: a file cut in the middle of a record replays what precedes the cut",
          "[io][replay][malformed]") {
    Malformed m;
    const auto a = syn(40000), b = syn(40001);
    const std::string whole = file_header(1) + record(1.0, a) + record(1.5, b);
    SECTION("cut in the frame's bytes") {
        const Outcome o = m.replay(whole.substr(0, whole.size() - 20));
        CHECK(o.err == m.err("truncated dump file; tried to read 54 captured bytes, only got 34"));
        CHECK(o.status == 1);  // the frames before the cut are replayed and summarised; the status tells
        CHECK(first_line(o.out) == "tapvs replay: 1 frames in, 1 out, 0 dropped");
    }
    SECTION("cut in the record header") {
        const Outcome o = m.replay(whole.substr(0, 24 + 16 + a.size() + 9));
        CHECK(o.err == m.err("truncated dump file; tried to read 16 header bytes, only got 9"));
        CHECK(o.status == 1);
        CHECK(first_line(o.out) == "tapvs replay: 1 frames in, 1 out, 0 dropped");
    }
}

TEST_CASE("replay malformed: a record longer than the snaplen is an error, not an allocation", "[io][replay][malformed]") {
    Malformed m;
    std::string bytes = file_header(1);
    put32(bytes, 1767225601);
    put32(bytes, 0);
    put32(bytes, 0xfffffff0);  // caplen
    put32(bytes, 0xfffffff0);  // wirelen
    bytes += std::string(64, '\0');
    const Outcome o = m.replay(bytes);
    CHECK(o.err == m.err("invalid packet capture length 4294967280, bigger than snaplen of 65535"));
    CHECK(first_line(o.out) == "tapvs replay: 0 frames in, 0 out, 0 dropped");
}

TEST_CASE("replay malformed: frames cut by the snaplen are dropped, counted by what is missing",
          "[io][replay][malformed]") {
    Malformed m;
    const auto s = syn(40000);  // 54 bytes: Ethernet 14, IPv4 20 (total length 40), TCP 20
    auto padded = FrameBuilder{}.eth(kClientMac, kEth0Mac).ipv4("192.168.1.50", "192.168.1.10")
                      .tcp(40004, 80, tf::syn).pad_to(60).build();
    const std::string bytes = file_header(1, 64) +
                              record(1.0, s, 40, 54) +          // IPv4 header whole, 6 of 20 TCP bytes
                              record(1.1, s, 30, 54) +          // 16 bytes of the IPv4 header
                              record(1.2, s, 10, 54) +          // not even an Ethernet header
                              record(1.3, padded, 54, 60) +     // only the Ethernet padding is missing
                              record(1.4, s, 54, 54);           // whole
    const Outcome o = m.replay(bytes);
    INFO(o.out);
    CHECK(o.status == 0);
    CHECK(o.err.empty());
    CHECK(first_line(o.out) == "tapvs replay: 5 frames in, 2 out, 3 dropped");
    // ip_rcv_core(): a total length beyond the bytes present, a header cut, a frame without an Ethernet header.
    CHECK(o.out.find("\nDropped frames:\n"
                     "         1  eth_too_short            frame shorter than an Ethernet header (14 bytes)\n"
                     "         1  ipv4_too_short           fewer bytes than the IPv4 header needs\n"
                     "         1  ipv4_bad_total_length    IPv4 total length beyond the frame or below the header\n"
                     "\n") != std::string::npos);
    // The padded frame and the whole one are two connections (rr: .212 then .100).
    CHECK(o.out.find("TCP  192.168.1.10:80                     2        2") != std::string::npos);
}

TEST_CASE("replay malformed: a missing capture is an error naming it", "[io][replay][malformed]") {
    Malformed m;
    auto opts = case_options("nat");
    opts.ports = {{"eth0", (m.dir / "nowhere.pcap").string()}};
    const Outcome o = run(opts);
    CHECK(o.status == 1);
    CHECK(o.err == "tapvs replay: " + (m.dir / "nowhere.pcap").string() + ": No such file or directory\n");
}
