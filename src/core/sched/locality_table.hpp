// The table lblc and lblcr keep per service (ip_vs_lblc.c / ip_vs_lblcr.c): entries keyed by the
// packet's destination address in 1024 hash buckets (hash_32(daddr, 10), head insertion), plus the
// garbage collector the kernel runs from a 60 s timer (ip_vs_lblc_check_expire()):
//   * counter starts at 1; when counter % 30 == 0 a full check removes every entry with
//     now >= lastuse + expiration (sysctl lblc_expiration / lblcr_expiration) and sets counter = 1;
//   * otherwise, if entries <= max_size (16384) counter++ and nothing else;
//   * otherwise entries idle >= 6 min are removed bucket by bucket from rover+1 until
//     goal = min((entries - max_size) * 4 / 3, max_size / 2) is reached (a bucket is always finished).
// `entries` is the kernel's atomic counter, not the number of entries: lblc's replacement path
// unlinks an entry without decrementing it (see lblc.cpp), and only the GC reads it.
//
// Storage is a pool with a free list: nothing is allocated per packet unless the pool has to grow
// (the kernel kmallocs every entry).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "core/sched/hash.hpp"
#include "tapvs/core/time.hpp"

namespace tapvs::core::sched {

template <class Payload>
class LocalityTable {
public:
    static constexpr unsigned kTabBits = 10;  // CONFIG_IP_VS_LBLC_TAB_BITS / CONFIG_IP_VS_LBLCR_TAB_BITS
    static constexpr int kTabSize = 1 << kTabBits;
    static constexpr int kTabMask = kTabSize - 1;
    static constexpr int kMaxSize = kTabSize * 16;                 // tbl->max_size
    static constexpr Duration kCheckInterval = seconds(60);         // CHECK_EXPIRE_INTERVAL
    static constexpr Duration kEntryTimeout = seconds(6 * 60);      // ENTRY_TIMEOUT
    static constexpr int kCountForFullExpiration = 30;              // COUNT_FOR_FULL_EXPIRATION

    struct Entry {
        std::uint32_t addr = 0;  // destination address, host order
        Timestamp lastuse;
        Payload payload{};
        std::int32_t next = -1;  // next in bucket chain, or next free
    };

    LocalityTable() noexcept { heads_.fill(-1); }

    static std::uint32_t hashkey(std::uint32_t addr) noexcept { return hash_32(addr, kTabBits); }

    // init_service: empty table, counter = 1, rover = 0, entries = 0, timer armed at now + 60 s.
    void reset(Timestamp now) {
        pool_.clear();
        free_ = -1;
        heads_.fill(-1);
        live_ = 0;
        entries_ = 0;
        rover_ = 0;
        counter_ = 1;
        next_check_ = now + kCheckInterval;
        if (pool_.capacity() < 64) pool_.reserve(64);
    }

    // ip_vs_lblc_get(): the entry for addr, or nullptr.
    Entry* get(std::uint32_t addr) noexcept {
        for (std::int32_t i = heads_[hashkey(addr)]; i >= 0; i = pool_[idx(i)].next)
            if (pool_[idx(i)].addr == addr) return &pool_[idx(i)];
        return nullptr;
    }
    const Entry* get(std::uint32_t addr) const noexcept {
        return const_cast<LocalityTable*>(this)->get(addr);
    }

    // kmalloc + ip_vs_lblc_hash(): new entry at its bucket's head, entries++.
    Entry& insert(std::uint32_t addr, Timestamp now) {
        std::int32_t i;
        if (free_ >= 0) {
            i = free_;
            free_ = pool_[idx(i)].next;
            pool_[idx(i)] = Entry{};
        } else {
            i = static_cast<std::int32_t>(pool_.size());
            pool_.emplace_back();
        }
        Entry& e = pool_[idx(i)];
        e.addr = addr;
        e.lastuse = now;
        const std::uint32_t h = hashkey(addr);
        e.next = heads_[h];
        heads_[h] = i;
        ++live_;
        ++entries_;
        return e;
    }

    // hlist_del_rcu() + free: the entry leaves its bucket; `entries` is NOT touched (callers decide).
    template <class Release>
    void unlink(Entry& e, Release&& release) {
        const std::int32_t i = index_of(e);
        std::int32_t* link = &heads_[hashkey(e.addr)];
        while (*link != i) link = &pool_[idx(*link)].next;
        *link = e.next;
        release(e.payload);
        e.payload = Payload{};
        e.next = free_;
        free_ = i;
        --live_;
    }

    // ip_vs_lblc_flush() (done_service): every entry goes, entries-- for each.
    template <class Release>
    void flush(Release&& release) {
        for (int b = 0; b < kTabSize; ++b)
            while (heads_[static_cast<std::size_t>(b)] >= 0) {
                unlink(pool_[idx(heads_[static_cast<std::size_t>(b)])], release);
                --entries_;
            }
    }

    // The periodic timer (ip_vs_lblc_check_expire()), fired at every 60 s deadline up to `now`.
    // A deadline fires at its own time. Long gaps are not walked tick by tick where the outcome is
    // known: with entries <= max_size each tick is counter++ or a full check, and with no packet in
    // between several full checks remove exactly what the last one alone removes.
    template <class Release>
    void run_timer(Timestamp now, Duration expiration, Release&& release) {
        while (next_check_ <= now) {
            const std::int64_t ticks = (now - next_check_) / kCheckInterval + 1;
            if (entries_ <= kMaxSize) {
                const std::int64_t c = counter_;
                const std::int64_t first_full = (c % kCountForFullExpiration == 0) ? 0 : kCountForFullExpiration - c;
                if (first_full >= ticks) {
                    counter_ = static_cast<int>(c + ticks);
                } else {
                    const std::int64_t last_full =
                        first_full + kCountForFullExpiration * ((ticks - 1 - first_full) / kCountForFullExpiration);
                    full_check(next_check_ + kCheckInterval * last_full, expiration, release);
                    counter_ = static_cast<int>(1 + (ticks - 1 - last_full));
                }
                next_check_ = next_check_ + kCheckInterval * ticks;
                return;
            }
            // entries > max_size: the counter stays put; each tick is a full check or a partial GC.
            if (counter_ % kCountForFullExpiration == 0) {
                full_check(next_check_, expiration, release);
                counter_ = 1;
                next_check_ = next_check_ + kCheckInterval;
                continue;
            }
            if (live_ == 0) {  // nothing can ever be collected: the remaining ticks change nothing
                next_check_ = next_check_ + kCheckInterval * ticks;
                return;
            }
            if (partial_gc(next_check_, release) == 0) {
                // No entry is idle yet; skip the ticks before the first one could be.
                Timestamp first_idle = Timestamp{Duration::max()};
                for_each([&](const Entry& e) { first_idle = std::min(first_idle, e.lastuse + kEntryTimeout); });
                std::int64_t skip = 1;
                if (first_idle > next_check_) {
                    const Duration gap = first_idle - next_check_;
                    skip = (gap + kCheckInterval - Duration{1}) / kCheckInterval;
                }
                skip = std::max<std::int64_t>(1, std::min(skip, ticks));
                next_check_ = next_check_ + kCheckInterval * skip;
                continue;
            }
            next_check_ = next_check_ + kCheckInterval;
        }
    }

    // Every live entry, bucket by bucket (for explanations and tests).
    template <class F>
    void for_each(F&& f) const {
        for (int b = 0; b < kTabSize; ++b)
            for (std::int32_t i = heads_[static_cast<std::size_t>(b)]; i >= 0; i = pool_[idx(i)].next) f(pool_[idx(i)]);
    }

    std::size_t size() const noexcept { return live_; }  // entries really in the table
    int entries() const noexcept { return entries_; }     // the kernel's tbl->entries
    int counter() const noexcept { return counter_; }
    int rover() const noexcept { return rover_; }

private:
    static std::size_t idx(std::int32_t i) noexcept { return static_cast<std::size_t>(i); }
    std::int32_t index_of(const Entry& e) const noexcept { return static_cast<std::int32_t>(&e - pool_.data()); }

    // ip_vs_lblc_full_check(): the loop visits all 1024 buckets from rover+1, so rover ends where it was.
    template <class Release>
    void full_check(Timestamp now, Duration expiration, Release&& release) {
        int j = rover_;
        for (int i = 0; i < kTabSize; ++i) {
            j = (j + 1) & kTabMask;
            std::int32_t* link = &heads_[static_cast<std::size_t>(j)];
            while (*link >= 0) {
                Entry& e = pool_[idx(*link)];
                if (now < e.lastuse + expiration) {  // time_before(now, lastuse + expiration): keep
                    link = &e.next;
                    continue;
                }
                unlink(e, release);
                --entries_;
            }
        }
        rover_ = j;
    }

    // The partial collection of ip_vs_lblc_check_expire(); returns how many entries went.
    template <class Release>
    int partial_gc(Timestamp now, Release&& release) {
        int goal = (entries_ - kMaxSize) * 4 / 3;
        if (goal > kMaxSize / 2) goal = kMaxSize / 2;
        int removed = 0;
        int j = rover_;
        for (int i = 0; i < kTabSize; ++i) {
            j = (j + 1) & kTabMask;
            std::int32_t* link = &heads_[static_cast<std::size_t>(j)];
            while (*link >= 0) {
                Entry& e = pool_[idx(*link)];
                if (now < e.lastuse + kEntryTimeout) {  // time_before(now, lastuse + ENTRY_TIMEOUT): keep
                    link = &e.next;
                    continue;
                }
                unlink(e, release);
                --entries_;
                --goal;
                ++removed;
            }
            if (goal <= 0) break;
        }
        rover_ = j;
        return removed;
    }

    std::vector<Entry> pool_;
    std::int32_t free_ = -1;
    std::array<std::int32_t, kTabSize> heads_{};
    std::size_t live_ = 0;
    int entries_ = 0;
    int rover_ = 0;
    int counter_ = 1;
    Timestamp next_check_;
};

}  // namespace tapvs::core::sched
