// The IPVS connection table (ip_vs_conn.c): a slab of Connection entries, one hash keyed like the
// kernel's (protocol, client address, client port) so both directions find an entry in the same
// chain, and a timer heap. Lookups and timer re-arms never allocate; only inserting may grow.
#pragma once

#include <cstdint>
#include <vector>

#include "tapvs/core/conn.hpp"

namespace tapvs::core {

// An allocator for the table's big arrays: blocks of 2 MiB and more are 2 MiB-aligned and marked
// MADV_HUGEPAGE, so that a million connections cost far fewer TLB misses per lookup. (A memory
// hint, nothing else: the core still does no I/O.)
void* huge_alloc(std::size_t bytes);
void huge_free(void* p) noexcept;
template <typename T>
struct HugeAllocator {
    using value_type = T;
    HugeAllocator() = default;
    template <typename U>
    HugeAllocator(const HugeAllocator<U>&) noexcept {}  // NOLINT: rebinding
    T* allocate(std::size_t n) { return static_cast<T*>(huge_alloc(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { huge_free(p); }
    friend bool operator==(const HugeAllocator&, const HugeAllocator&) { return true; }
};

class ConnTable {
public:
    explicit ConnTable(std::uint32_t capacity = 4096);

    // Client -> virtual service direction (ip_vs_conn_in_get): normal connections only.
    std::uint32_t find_in(Proto p, net::Ipv4Addr caddr, std::uint16_t cport, net::Ipv4Addr vaddr,
                          std::uint16_t vport) const noexcept;
    // Real server -> client direction (ip_vs_conn_out_get): source is the real server.
    std::uint32_t find_out(Proto p, net::Ipv4Addr daddr, std::uint16_t dport, net::Ipv4Addr caddr,
                           std::uint16_t cport) const noexcept;
    // Persistence templates (ip_vs_ct_in_get): <protocol, caddr & mask, 0, vaddr, vport>, fwmark
    // templates use protocol none and the fwmark as vaddr.
    std::uint32_t find_template(Proto p, net::Ipv4Addr caddr, net::Ipv4Addr vaddr,
                                std::uint16_t vport) const noexcept;

    // Takes a free slot, copies `c` in, hashes it at the head of its chain (newest found first),
    // and returns its index. The entry is not on the timer until arm().
    std::uint32_t insert(const Connection& c);
    // Hash and unhash (ip_vs_conn_hash / ip_vs_conn_unhash), e.g. to change an entry's key.
    void hash(std::uint32_t i) noexcept;
    void unhash(std::uint32_t i) noexcept;
    // Returns the slot to the free list (the entry must be unhashed).
    void release(std::uint32_t i) noexcept;

    // (Re)arms the entry's timer to fire at `when` (mod_timer). No allocation unless the new
    // deadline is earlier than the one already queued.
    void arm(std::uint32_t i, Timestamp when);

    // Pops the next entry whose timer is due at or before `now` (earliest first, then by id), or
    // kNoConn. The caller expires it (or re-arms it).
    std::uint32_t pop_due(Timestamp now) noexcept;
    // The earliest pending deadline (for sleeping until it), or a default Timestamp when none.
    Timestamp next_due() const noexcept;

    Connection& at(std::uint32_t i) noexcept { return slots_[i]; }
    const Connection& at(std::uint32_t i) const noexcept { return slots_[i]; }
    std::size_t size() const noexcept { return live_; }
    std::size_t slot_count() const noexcept { return slots_.size(); }
    std::size_t bucket_count() const noexcept { return buckets_.size(); }

    template <typename F>
    void for_each(F&& f) const {  // slot order
        for (const auto& c : slots_)
            if (c.in_use) f(c);
    }

private:
    struct TimerRecord {
        std::int64_t due_ns;
        std::uint64_t id;
        std::uint32_t idx;
        std::uint32_t generation;
    };
    static bool later(const TimerRecord& a, const TimerRecord& b) noexcept {
        return a.due_ns != b.due_ns ? a.due_ns > b.due_ns : a.id > b.id;
    }
    std::uint32_t bucket_of(Proto p, net::Ipv4Addr caddr, std::uint16_t cport) const noexcept;
    void grow_buckets();

    std::vector<Connection, HugeAllocator<Connection>> slots_;
    std::vector<std::uint32_t> free_;
    std::vector<std::uint32_t, HugeAllocator<std::uint32_t>> buckets_;
    std::vector<TimerRecord> heap_;
    std::size_t live_ = 0;
    std::size_t hashed_ = 0;
};

}  // namespace tapvs::core
