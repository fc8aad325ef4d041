#include "tapvs/core/conn_table.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace tapvs::core {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}

void* huge_alloc(std::size_t bytes) {
    if (bytes < kHugePage) {
        if (void* p = std::malloc(bytes ? bytes : 1)) return p;
        throw std::bad_alloc{};
    }
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (!p) throw std::bad_alloc{};
    ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint; without transparent huge pages nothing changes
    return p;
}

void huge_free(void* p) noexcept { std::free(p); }

namespace {
std::uint32_t round_pow2(std::uint32_t n) { return std::bit_ceil(std::max<std::uint32_t>(n, 64)); }
}  // namespace

ConnTable::ConnTable(std::uint32_t capacity) {
    slots_.reserve(capacity);
    free_.reserve(capacity);
    heap_.reserve(capacity);
    buckets_.assign(round_pow2(capacity), kNoConn);
}

// The kernel hashes every entry by <protocol, caddr, cport> (ip_vs_conn_hashkey_param), which lets
// the reply direction, keyed by the packet's destination (the client), use the same chains.
std::uint32_t ConnTable::bucket_of(Proto p, net::Ipv4Addr caddr, std::uint16_t cport) const noexcept {
    std::uint64_t k = (std::uint64_t{caddr.host_order} << 24) ^ (std::uint64_t{cport} << 8) ^
                      static_cast<std::uint64_t>(p);
    k *= 0x9e3779b97f4a7c15ull;
    k ^= k >> 29;
    return static_cast<std::uint32_t>(k) & static_cast<std::uint32_t>(buckets_.size() - 1);
}

std::uint32_t ConnTable::find_in(Proto p, net::Ipv4Addr caddr, std::uint16_t cport, net::Ipv4Addr vaddr,
                                 std::uint16_t vport) const noexcept {
    for (std::uint32_t i = buckets_[bucket_of(p, caddr, cport)]; i != kNoConn; i = slots_[i].hash_next) {
        const Connection& c = slots_[i];
        if (c.cport == cport && c.vport == vport && c.caddr == caddr && c.vaddr == vaddr && c.protocol == p &&
            !c.is_template())
            return i;
    }
    return kNoConn;
}

std::uint32_t ConnTable::find_out(Proto p, net::Ipv4Addr daddr, std::uint16_t dport, net::Ipv4Addr caddr,
                                  std::uint16_t cport) const noexcept {
    for (std::uint32_t i = buckets_[bucket_of(p, caddr, cport)]; i != kNoConn; i = slots_[i].hash_next) {
        const Connection& c = slots_[i];
        if (c.dport == dport && c.cport == cport && c.daddr == daddr && c.caddr == caddr && c.protocol == p &&
            !c.is_template())
            return i;
    }
    return kNoConn;
}

std::uint32_t ConnTable::find_template(Proto p, net::Ipv4Addr caddr, net::Ipv4Addr vaddr,
                                       std::uint16_t vport) const noexcept {
    for (std::uint32_t i = buckets_[bucket_of(p, caddr, 0)]; i != kNoConn; i = slots_[i].hash_next) {
        const Connection& c = slots_[i];
        if (c.is_template() && c.cport == 0 && c.vport == vport && c.caddr == caddr && c.vaddr == vaddr &&
            c.protocol == p)
            return i;
    }
    return kNoConn;
}

std::uint32_t ConnTable::insert(const Connection& c) {
    std::uint32_t i;
    if (!free_.empty()) {
        i = free_.back();
        free_.pop_back();
        std::uint32_t gen = slots_[i].generation + 1;
        slots_[i] = c;
        slots_[i].generation = gen;
    } else {
        i = static_cast<std::uint32_t>(slots_.size());
        slots_.push_back(c);
        slots_[i].generation = 0;
    }
    Connection& e = slots_[i];
    e.in_use = true;
    e.hashed = false;
    e.hash_next = kNoConn;
    e.heap_due = Timestamp{Duration::min()};
    ++live_;
    hash(i);
    return i;
}

void ConnTable::hash(std::uint32_t i) noexcept {
    Connection& c = slots_[i];
    if (c.hashed) return;
    if (hashed_ + 1 > buckets_.size()) grow_buckets();
    std::uint32_t& head = buckets_[bucket_of(c.protocol, c.caddr, c.cport)];
    c.hash_next = head;
    head = i;
    c.hashed = true;
    ++hashed_;
}

void ConnTable::unhash(std::uint32_t i) noexcept {
    Connection& c = slots_[i];
    if (!c.hashed) return;
    std::uint32_t* link = &buckets_[bucket_of(c.protocol, c.caddr, c.cport)];
    while (*link != kNoConn && *link != i) link = &slots_[*link].hash_next;
    if (*link == i) *link = c.hash_next;
    c.hash_next = kNoConn;
    c.hashed = false;
    --hashed_;
}

void ConnTable::release(std::uint32_t i) noexcept {
    Connection& c = slots_[i];
    unhash(i);
    c.in_use = false;
    ++c.generation;  // any timer record for the old entry is now stale
    --live_;
    free_.push_back(i);  // capacity reserved to slot count by growth below; may allocate rarely
}

// Doubles the bucket array and re-links every hashed entry, keeping each chain's order
// (newest first), so lookups keep finding the newest entry for a key.
void ConnTable::grow_buckets() {
    std::vector<std::uint32_t> order;
    order.reserve(hashed_);
    for (std::uint32_t b = 0; b < buckets_.size(); ++b)
        for (std::uint32_t i = buckets_[b]; i != kNoConn; i = slots_[i].hash_next) order.push_back(i);
    buckets_.assign(buckets_.size() * 2, kNoConn);
    // Re-insert oldest-first per chain: walk `order` backwards so heads end up as before.
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Connection& c = slots_[*it];
        std::uint32_t& head = buckets_[bucket_of(c.protocol, c.caddr, c.cport)];
        c.hash_next = head;
        head = *it;
    }
    free_.reserve(slots_.capacity());
}

void ConnTable::arm(std::uint32_t i, Timestamp when) {
    Connection& c = slots_[i];
    c.expires = when;
    if (c.heap_due <= when && c.heap_due.since_epoch != Duration::min()) return;  // queued record fires first
    c.heap_due = when;
    heap_.push_back(TimerRecord{when.since_epoch.count(), c.id, i, c.generation});
    std::push_heap(heap_.begin(), heap_.end(), later);
}

std::uint32_t ConnTable::pop_due(Timestamp now) noexcept {
    while (!heap_.empty() && heap_.front().due_ns <= now.since_epoch.count()) {
        TimerRecord r = heap_.front();
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
        Connection& c = slots_[r.idx];
        if (!c.in_use || c.generation != r.generation || c.heap_due.since_epoch.count() != r.due_ns) continue;
        if (c.expires.since_epoch.count() > r.due_ns) {
            // Re-armed later since this record was queued: queue the real deadline, so that entries
            // fire in deadline order even when `now` jumps past several of them at once.
            c.heap_due = c.expires;
            heap_.push_back(TimerRecord{c.expires.since_epoch.count(), c.id, r.idx, c.generation});
            std::push_heap(heap_.begin(), heap_.end(), later);
            continue;
        }
        c.heap_due = Timestamp{Duration::min()};
        return r.idx;
    }
    return kNoConn;
}

Timestamp ConnTable::next_due() const noexcept {
    return heap_.empty() ? Timestamp{} : Timestamp{Duration{heap_.front().due_ns}};
}

}  // namespace tapvs::core
