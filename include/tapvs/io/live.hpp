// tapvs run: the director (io::Director, director.hpp) live on TAP devices, driven by a Boost.Asio
// loop. This file holds only what is live: the TAPs, the loop and its timer, the control socket and
// the port counters. Each frame is stamped once, at arrival, with the system clock (to the
// microsecond, as a capture stores it); that stamp is the engine's `now` and, with --record, the
// stamp in DIR/<port>.in.pcap (recording.hpp), so that `tapvs replay` of the recording makes the
// same decisions.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace tapvs::io {

struct LiveOptions {
    std::string config;                                      // the director's configuration file
    std::vector<std::pair<std::string, std::string>> ports;  // port name -> TAP name (default: the same name)
    std::string record_dir;  // "": no recording; else <port>.pcap (sent), <port>.in.pcap (received), trace.jsonl
    std::uint64_t seed = 1;  // twos's generator
    bool verbose = false;    // one line per frame on `err`
    std::string socket;      // control socket (io/control.hpp); "": $TAPVS_SOCKET, else /run/tapvs/tapvs.sock
    // TAPs with a virtio header (IFF_VNET_HDR): partial checksums and TCP GSO frames of up to 64 KiB
    // are read and written as they are, one syscall per super-frame. Off with no_offloads, and off
    // while recording, so that the captures hold frames as they are on the wire and a replay sees
    // exactly what the engine saw.
    bool no_offloads = false;
};

// Runs until SIGINT or SIGTERM, then prints the final counters on `out`; state changes that matter
// (services, neighbours, links going down, timed configuration lines) go to `err` as they happen.
// Returns the exit status (non-zero when the configuration or a TAP cannot be used).
int run_live(const LiveOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace tapvs::io
