// Maglev hashing (ip_vs_mh.c), with the mh-fallback and mh-port flags.
#include <algorithm>

#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

namespace {

// ip_vs_mh_gcd_weight(): gcd of the last_weights > 0; 0 when there are none.
int gcd_last_weight(const VirtualService& svc) noexcept {
    int g = 0;
    for (const auto& d : svc.destinations) {
        const int w = d->last_weight;
        if (w > 0) g = (g > 0) ? gcd(w, g) : w;
    }
    return g;
}

// ip_vs_mh_shift_weight(): rshift = fls(max_last_weight / gcd) - IP_VS_MH_TAB_BITS, at least 0,
// so no dest takes more than 2^6 turns per round.
int shift_weight(const VirtualService& svc, int g) noexcept {
    if (g < 1) return 0;
    int weight = 0;
    for (const auto& d : svc.destinations)
        if (d->last_weight > weight) weight = d->last_weight;
    const int shift = fls(static_cast<std::uint32_t>(weight / g)) - MhScheduler::kTabBits;
    return shift >= 0 ? shift : 0;
}
}  // namespace

std::uint32_t MhScheduler::hashkey(std::uint32_t addr, std::uint16_t port, const HsiphashKey& key,
                                   std::uint32_t offset) noexcept {
    const std::uint32_t v = offset + static_cast<std::uint32_t>(port) + addr;
    return hsiphash_1u32(v, key);
}

// ip_vs_mh_init_svc(): fixed keys, gcd, rshift, then the table.
void MhScheduler::init_service(VirtualService& svc, const SchedEnv&) {
    lookup_.assign(kTabSize, nullptr);
    gcd_ = gcd_last_weight(svc);
    rshift_ = shift_weight(svc, gcd_);
    reassign(svc);
}

// ip_vs_mh_done_svc() -> ip_vs_mh_reset().
void MhScheduler::done_service(VirtualService&) { lookup_.assign(kTabSize, nullptr); }

// ip_vs_mh_dest_changed() (add, del and upd).
void MhScheduler::dest_changed(VirtualService& svc) {
    gcd_ = gcd_last_weight(svc);
    rshift_ = shift_weight(svc, gcd_);
    reassign(svc);
}

// ip_vs_mh_reassign() = ip_vs_mh_permutate() + ip_vs_mh_populate().
void MhScheduler::reassign(VirtualService& svc) {
    // More dests than slots: the kernel returns -EINVAL and leaves the table as it was (the hook's
    // return value is ignored on add/del/upd; on -A the service is refused, which tapvs cannot say).
    if (svc.num_dests() > kTabSize) return;
    if (lookup_.size() != kTabSize) lookup_.assign(kTabSize, nullptr);
    if (gcd_ < 1) {  // no dest, or every last_weight is 0: the table is emptied
        std::fill(lookup_.begin(), lookup_.end(), nullptr);
        return;
    }
    // ip_vs_mh_permutate(): per dest (list order) offset, skip, perm and turns.
    const auto& l = svc.destinations;
    setup_.assign(l.size(), DestSetup{});
    for (std::size_t i = 0; i < l.size(); ++i) {
        const RealServer& d = *l[i];
        DestSetup& ds = setup_[i];
        ds.offset = hashkey(d.addr.host_order, d.port, kHash1, 0) % kTabSize;
        ds.skip = hashkey(d.addr.host_order, d.port, kHash2, 0) % (kTabSize - 1) + 1;
        ds.perm = ds.offset;
        const int lw = d.last_weight;
        const int t = (lw / gcd_) >> rshift_;
        ds.turns = t ? t : (lw != 0);
    }
    // ip_vs_mh_populate(): round after round over the list, each dest with turns >= 1 claims its
    // next free preferred slot `turns` times in a row, until all 4093 slots are claimed. Every slot
    // is overwritten, so the table is not cleared first.
    taken_.assign(kTabSize, false);
    std::uint32_t n = 0;
    int dt_count = 0;
    while (n < kTabSize) {
        std::size_t p = 0;
        while (p < l.size()) {
            DestSetup& ds = setup_[p];
            if (ds.turns < 1) {  // "Ignore added server with zero weight"
                ++p;
                continue;
            }
            std::uint32_t c = ds.perm;
            while (taken_[c]) {
                ds.perm += ds.skip;
                if (ds.perm >= kTabSize) ds.perm -= kTabSize;
                c = ds.perm;
            }
            taken_[c] = true;
            lookup_[c] = l[p].get();
            if (++n == kTabSize) return;
            if (++dt_count >= ds.turns) {
                dt_count = 0;
                ++p;
            }
        }
    }
}

// ip_vs_mh_schedule(): slot hsiphash(0 + sport-or-0 + saddr, hash1) % 4093. mh-fallback
// (ip_vs_mh_get_fallback()) re-hashes with roffset = (offset + ihash) % 4093 for offset = 0..4092,
// stopping at an empty slot or an available dest.
RealServer* MhScheduler::schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv&, std::string* why) {
    if (lookup_.size() != kTabSize) {
        explain(why, "mh: no table: no destination available");
        return nullptr;
    }
    std::uint16_t port = 0;
    if ((svc.flags & kSvcSched2) && (pkt.protocol == Proto::tcp || pkt.protocol == Proto::udp)) port = pkt.sport;
    const std::uint32_t addr = pkt.saddr.host_order;
    const std::uint32_t ihash = hashkey(addr, port, kHash1, 0) % kTabSize;
    RealServer* dest = lookup_[ihash];
    if (why) {
        explain(why, "mh: hsiphash(0 + sport {} + saddr {} = {:#010x}) % 4093 = slot {}", port, pkt.saddr,
                static_cast<std::uint32_t>(port + addr), ihash);
        if (dest)
            explain(why, " holds {} (weight {}{})", named(*dest), dest->weight, dest->overload ? ", overloaded" : "");
        else
            explain(why, " is empty");
    }
    if (!dest) {
        explain(why, ": no destination available");
        return nullptr;
    }
    if (!is_unavailable(*dest)) {
        explain(why, ", picked");
        return dest;
    }
    if (!(svc.flags & kSvcSched1)) {
        explain(why, ", unavailable ({}) and mh-fallback is off: no destination available", skip_reason(*dest));
        return nullptr;
    }
    explain(why, ", unavailable ({}); mh-fallback re-hashes with offset (k + {}) % 4093:", skip_reason(*dest), ihash);
    for (std::uint32_t offset = 0; offset < kTabSize; ++offset) {
        const std::uint32_t roffset = (offset + ihash) % kTabSize;
        const std::uint32_t h = hashkey(addr, port, kHash1, roffset) % kTabSize;
        RealServer* d = lookup_[h];
        if (!d) {
            explain(why, " slot {} empty, no destination available", h);
            return nullptr;
        }
        if (!is_unavailable(*d)) {
            explain(why, " offset {} -> slot {} {} picked", roffset, h, named(*d));
            return d;
        }
        explain(why, " offset {} -> slot {} {} {},", roffset, h, named(*d), skip_reason(*d));
    }
    explain(why, " no destination available");
    return nullptr;
}

}  // namespace tapvs::core::sched
