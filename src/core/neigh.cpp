// The neighbour table's bookkeeping (net/core/neighbour.c): entries, their queues and timers.
#include "tapvs/core/neigh.hpp"

#include <algorithm>
#include <utility>

#include "tapvs/net/headers.hpp"

namespace tapvs::core {

net::Ipv4Addr Neighbour::waiting_source() const noexcept {
    if (queue.empty()) return {};
    return net::ConstIpv4View{net::ConstBytes{queue.back().frame}.subspan(net::kEthHeaderLen)}.src();
}

Neighbour* NeighTable::find(PortId port, net::Ipv4Addr a) noexcept {
    auto it = entries_.find(key(port, a));
    return it == entries_.end() ? nullptr : &it->second;
}

const Neighbour* NeighTable::find(PortId port, net::Ipv4Addr a) const noexcept {
    auto it = entries_.find(key(port, a));
    return it == entries_.end() ? nullptr : &it->second;
}

Neighbour& NeighTable::create(PortId port, net::Ipv4Addr a) {
    ++gen_;
    Neighbour& n = entries_[key(port, a)];
    n.addr = a;
    n.port = port;
    return n;
}

bool NeighTable::erase(PortId port, net::Ipv4Addr a) {
    ++gen_;
    return entries_.erase(key(port, a)) > 0;
}

bool NeighTable::update(Neighbour& n, const net::MacAddr& mac) noexcept {
    if (n.state == NeighState::permanent) return false;
    const bool changed = n.state != NeighState::reachable || n.mac != mac;
    n.mac = mac;
    n.state = NeighState::reachable;
    n.probes = 0;
    return changed;
}

std::deque<Neighbour::Waiting> NeighTable::take_queue(Neighbour& n) noexcept {
    std::deque<Neighbour::Waiting> waiting = std::move(n.queue);
    n.queue.clear();
    n.queued_bytes = 0;
    return waiting;
}

void NeighTable::take_due(Timestamp now, std::vector<Neighbour*>& due) {
    Timestamp next{};
    for (auto& [k, n] : entries_) {
        if (!n.resolving()) continue;
        if (n.next_probe <= now) due.push_back(&n);
        else if (next == Timestamp{} || n.next_probe < next) next = n.next_probe;
    }
    std::sort(due.begin(), due.end(), [](const Neighbour* a, const Neighbour* b) {
        return std::pair(a->port, a->addr) < std::pair(b->port, b->addr);
    });
    next_timer_ = next;
}

}  // namespace tapvs::core
