// The small programs a lab runs inside its namespaces, as `tapvs lab tool NAME ...`, so that a lab
// needs nothing beyond tapvs and iproute2: a web server that names itself, an HTTP client that says
// which real server answered, a packet capture, an ARP probe, ping, and the userspace IP-in-IP
// decapsulator that stands in for the kernel's `ipip` module on a TUN real server.
//
// Each prints `ready` on its own line on stdout once it is listening, capturing or decapsulating (the
// lab waits for that line before it goes on), and each runs until SIGINT or SIGTERM unless it is a
// one-shot probe. They are I/O at the edge: plain sockets, no engine.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace tapvs::lab {

// An HTTP/1.1 server on bind:port serving the files under `root`. Every reply carries
// `X-Served-By: NAME`; in .html files `{{server}}` becomes NAME (so two servers on one shared
// document root still name themselves). POST bodies are read and answered with their length.
struct WebOptions {
    std::string root;
    std::string name;
    std::string bind = "0.0.0.0";
    std::uint16_t port = 80;
};
int run_web(const WebOptions& o, std::ostream& out, std::ostream& err);

// `count` requests to host:port/path, one line each on `out`:
//   #N served-by=NAME status=200 bytes=123 ms=0.8 local=ADDR:PORT
//   #N error=WHAT local=ADDR:PORT
// A new connection per request, or with `keep` one connection for all, the client waiting for a
// line on stdin before each request after the first (so a lab can change the director in between).
// `upload` > 0 sends a POST with that many bytes. With `stop_on_error` the first failed request is
// the last one tried (the grader's quick checks). Exit status 0 when every request was answered.
struct FetchOptions {
    std::string host;
    std::uint16_t port = 80;
    std::string path = "/";
    int count = 1;
    std::size_t upload = 0;
    double timeout = 2.0;  // seconds per request
    bool keep = false;
    bool stop_on_error = false;
};
int run_fetch(const FetchOptions& o, std::ostream& out, std::ostream& err);

// Captures every frame in and out of `iface` into a pcap file until SIGINT/SIGTERM.
int run_capture(const std::string& iface, const std::string& path, std::ostream& out, std::ostream& err);

// Broadcasts one ARP request for `target` on `iface` and prints each answer for `wait_ms`:
//   reply TARGET is-at MAC
int run_arp_probe(const std::string& iface, const std::string& target, int wait_ms, std::ostream& out,
                  std::ostream& err);

// ICMP echo to `target`, `count` times (1 s apart at most); prints each reply; 0 if any came back.
int run_ping(const std::string& target, int count, std::ostream& out, std::ostream& err);

// The real server's end of an IP-in-IP tunnel, in userspace: a raw IPPROTO_IPIP socket takes the
// packets addressed to this host (so the kernel, which has no ipip module, does not answer them
// with protocol-unreachable), and the inner packet is handed to the kernel as if received on the TAP
// `tunnel` (named tunl0 as the kernel's), where rp_filter and the VIP on it apply as they would.
int run_ipip(const std::string& tunnel, std::ostream& out, std::ostream& err);

}  // namespace tapvs::lab
