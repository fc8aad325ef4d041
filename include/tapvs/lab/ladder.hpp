// A ladder diagram of one connection as a lab step's captures saw it: which node sent each of its
// frames to which, in time order, the addresses on that link, and what the director changed. Built
// from the captures' FrameFacts alone (pure); report.cpp draws it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tapvs/lab/capture_facts.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::lab {

// The frames that one interface of one node saw.
struct CapturePoint {
    enum class Saw { both, sent, received };
    std::string node;  // "client", "router", "director"
    std::string port;  // "eth0"
    net::MacAddr mac;  // the interface's own address: who sent and who received a frame
    Saw saw = Saw::both;  // a host's capture sees both ways; the director's eth0.pcap what it sent
    std::vector<FrameFact> frames;
    bool captured = true;  // false: no capture was read here (frames empty): nothing can be called lost
};

// The connection: the client's end of it. Every frame to or from it belongs, whatever the other end
// (the VIP on the client's side, a real server's address behind a NAT director, an IP-in-IP inner
// header).
struct ConnKey {
    net::Ipv4Addr client;
    std::uint16_t cport = 0;
    std::uint8_t proto = 6;
};

struct Hop {
    double t = 0;  // seconds since the connection's first frame
    std::size_t from = 0, to = 0;  // Ladder::nodes
    std::string from_port, to_port;
    FrameFact f;
    int packet = 0;      // 1, 2, ...: the hops of one packet (client -> director -> server) share it
    bool reply = false;  // towards the client
    bool lost = false;   // the receiver's capture does not hold it
    // What the director changed in the frame it received (hops the director sent):
    bool new_src = false, new_dst = false;  // the transport packet's address or port (masq)
    bool new_dst_mac = false;               // only the MAC (droute)
    bool encapsulated = false;              // a new outer header (tunnel)
    std::string note;                       // what became of it where it arrived ("dropped: ipvs_not_syn")
};

struct Ladder {
    std::vector<std::string> nodes;  // lifelines, left to right: client, routers, director, servers
    std::vector<Hop> hops;
    int packets = 0;        // the connection's packets in the captures
    int packets_drawn = 0;  // in hops: all of them, or the first ones and the last kTailPackets
    int elided_after = 0;   // when some are not drawn: the packet number before the gap
};

inline constexpr int kTailPackets = 4;  // a long connection: its end (the close, a drop) is drawn too

// The hops of `conn`, numbered by packet; of a connection of more than `max_packets` packets, the
// first ones and the last kTailPackets. `director` names the node whose rewrites are marked.
Ladder build_ladder(const std::vector<CapturePoint>& points, const ConnKey& conn, const std::string& director,
                    int max_packets);

}  // namespace tapvs::lab
