// The neighbour table (net/core/neighbour.c, as ARP uses it): an entry per (port, IPv4 address)
// with its state and link-layer address, the packets waiting while it resolves, the retransmission
// timer, and the tunables of net.ipv4.neigh.default. Pure data and bookkeeping: the engine sends
// the ARP requests and the packets (engine_link.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "tapvs/core/port_id.hpp"
#include "tapvs/core/time.hpp"
#include "tapvs/net/addr.hpp"
#include "tapvs/net/bytes.hpp"
#include "tapvs/net/headers.hpp"
#include "tapvs/net/offload.hpp"

namespace tapvs::core {

// net.ipv4.neigh.default.*, for every port.
struct NeighParams {
    Duration retrans_time = seconds(1);    // between ARP requests of an unresolved entry
    int mcast_solicit = 3;                 // requests before the entry fails
    std::size_t unres_qlen_bytes = 212992;  // packets waiting per entry; the oldest go first
};

// NUD_INCOMPLETE, NUD_REACHABLE, NUD_PERMANENT, NUD_FAILED (tapvs does not age entries: no STALE).
enum class NeighState : std::uint8_t { incomplete, reachable, permanent, failed };

struct Neighbour {
    net::Ipv4Addr addr;
    PortId port = kNoPort;
    net::MacAddr mac;
    NeighState state = NeighState::incomplete;
    int probes = 0;          // ARP requests sent while incomplete
    Timestamp next_probe;    // when to retransmit (incomplete)
    // Frames waiting for resolution (Ethernet header to be filled in), each with its offload state:
    // a GSO frame waits as one packet, as the kernel's skb does.
    struct Waiting {
        std::vector<std::uint8_t> frame;
        net::Offload offload;
    };
    std::deque<Waiting> queue;
    std::size_t queued_bytes = 0;

    // Frames to it leave now (NUD_VALID, as tapvs has it).
    bool resolved() const noexcept { return state == NeighState::reachable || state == NeighState::permanent; }
    // An ARP request is out and its timer runs.
    bool resolving() const noexcept { return state == NeighState::incomplete && probes > 0; }
    // The source address of the newest waiting packet (arp_solicit's hint), zero when none waits.
    net::Ipv4Addr waiting_source() const noexcept;
};

class NeighTable {
public:
    explicit NeighTable(NeighParams params = {}) : params_(params) {}

    const NeighParams& params() const noexcept { return params_; }

    Neighbour* find(PortId port, net::Ipv4Addr a) noexcept;
    const Neighbour* find(PortId port, net::Ipv4Addr a) const noexcept;
    // Entries change state in place (updates, timers); only create() and erase() move or free one,
    // and they move generation(): users of a kept pointer compare it.
    Neighbour& create(PortId port, net::Ipv4Addr a);
    bool erase(PortId port, net::Ipv4Addr a);
    std::uint32_t generation() const noexcept { return gen_; }
    // Every entry, in no particular order.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [key, n] : entries_) f(n);
    }

    // neigh_event_send(): `frame` (an Ethernet frame whose destination is not known yet) waits on
    // `n`; beyond unres_qlen_bytes the oldest waiting ones are handed to `dropped` (their IPv4
    // packet) and forgotten. Starts resolving `n` unless it already is: true when the caller is to
    // send the first ARP request now.
    template <class Dropped>
    bool enqueue(Neighbour& n, net::ConstBytes frame, const net::Offload& offload, Timestamp now, Dropped&& dropped) {
        n.queued_bytes += frame.size();
        n.queue.push_back(Neighbour::Waiting{std::vector<std::uint8_t>(frame.begin(), frame.end()), offload});
        while (n.queued_bytes > params_.unres_qlen_bytes && !n.queue.empty()) {
            const auto& oldest = n.queue.front().frame;
            n.queued_bytes -= oldest.size();
            dropped(net::ConstBytes{oldest}.subspan(net::kEthHeaderLen));
            n.queue.pop_front();
        }
        if (n.resolving()) return false;
        n.state = NeighState::incomplete;
        n.probes = 1;
        arm(n, now);
        return true;
    }

    // neigh_update() with a new link-layer address: `n` is reachable at `mac` (a permanent entry
    // stays as it is: false). True when the state or the address changed. The waiting frames stay
    // for take_queue().
    bool update(Neighbour& n, const net::MacAddr& mac) noexcept;
    // The frames that waited on `n`, handed over; its queue is empty after.
    std::deque<Neighbour::Waiting> take_queue(Neighbour& n) noexcept;

    // The earliest retransmission or failure due (a default Timestamp when none).
    Timestamp next_timer() const noexcept { return next_timer_; }
    // neigh_timer_handler(), for every entry due at `now`, in (port, address) order: `solicit(n)`
    // when it is asked again (it had fewer than mcast_solicit requests), else it fails and
    // `failed(n, waiting)` gets the frames that waited on it. Both may start resolving other
    // entries (an ICMP error to the sender of a waiting frame); their timers are kept.
    template <class Solicit, class Failed>
    void expire(Timestamp now, Solicit&& solicit, Failed&& failed) {
        std::vector<Neighbour*> due;
        take_due(now, due);
        for (Neighbour* n : due) {
            if (n->probes < params_.mcast_solicit) {
                ++n->probes;
                arm(*n, now);
                solicit(*n);
                continue;
            }
            n->state = NeighState::failed;
            n->probes = 0;
            failed(*n, take_queue(*n));
        }
    }

private:
    static std::uint64_t key(PortId port, net::Ipv4Addr a) noexcept {
        return (std::uint64_t{port} << 32) | a.host_order;
    }
    // The entries due at `now`, sorted; next_timer() becomes the earliest of the others.
    void take_due(Timestamp now, std::vector<Neighbour*>& due);
    // The next request of `n` after retrans_time.
    void arm(Neighbour& n, Timestamp now) noexcept {
        n.next_probe = now + params_.retrans_time;
        if (next_timer_ == Timestamp{} || n.next_probe < next_timer_) next_timer_ = n.next_probe;
    }

    NeighParams params_;
    std::unordered_map<std::uint64_t, Neighbour> entries_;
    std::uint32_t gen_ = 0;
    Timestamp next_timer_{};
};

}  // namespace tapvs::core
