// The 14 schedulers, one class each, defined in src/core/sched/<name>.cpp (the file ipvsadm's -s
// name names). Declared together so registry.cpp can list them and the unit tests can look at
// the state each keeps (its typed sched_data). Not part of the public include/ contract.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/sched/hash.hpp"
#include "core/sched/locality_table.hpp"
#include "core/sched/random.hpp"
#include "tapvs/core/scheduler.hpp"

namespace tapvs::core::sched {

// ip_vs_rr.c. State: the list node last chosen (sched_data), nullptr = the list head.
class RrScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "rr"; }
    void init_service(VirtualService& svc, const SchedEnv& env) override;
    void add_dest(VirtualService& svc, RealServer& dest) override;
    void del_dest(VirtualService& svc, RealServer& dest) override;
    void upd_dest(VirtualService& svc, RealServer& dest) override;
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;


private:
    RealServer* cursor_ = nullptr;
    std::size_t hint_ = 0;
    // The list as the last hook saw it: del_dest runs after the unlink and needs the old neighbour.
    std::vector<RealServer*> order_;
    void remember(const VirtualService& svc);
};

// ip_vs_wrr.c (modern: last_pass / restarted). State: struct ip_vs_wrr_mark.
class WrrScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "wrr"; }
    void init_service(VirtualService& svc, const SchedEnv& env) override;
    void add_dest(VirtualService& svc, RealServer& /*dest*/) override { dest_changed(svc); }
    void del_dest(VirtualService& svc, RealServer& /*dest*/) override { dest_changed(svc); }
    void upd_dest(VirtualService& svc, RealServer& /*dest*/) override { dest_changed(svc); }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;

    int cw() const noexcept { return cw_; }
    int mw() const noexcept { return mw_; }
    int di() const noexcept { return di_; }
    const RealServer* cl() const noexcept { return cl_; }

private:
    RealServer* cl_ = nullptr;  // current dest, nullptr = list head
    std::size_t hint_ = 0;
    int cw_ = 0;
    int mw_ = 0;
    int di_ = 1;
    void dest_changed(VirtualService& svc);
};

// ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c, ip_vs_fo.c, ip_vs_ovf.c: no state.
class LcScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "lc"; }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
};
class WlcScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "wlc"; }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
};
class SedScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "sed"; }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
};
class NqScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "nq"; }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
};
class FoScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "fo"; }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
};
class OvfScheduler final : public Scheduler {
public:
    std::string_view name() const noexcept override { return "ovf"; }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
};

// ip_vs_twos.c. State: the seeded generator standing in for get_random_u32_below().
class TwosScheduler final : public Scheduler {
public:
    explicit TwosScheduler(std::uint64_t seed) : rng_(seed) {}
    std::string_view name() const noexcept override { return "twos"; }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;

    // The deterministic half of ip_vs_twos_schedule(): given the two draws r1, r2 (each below
    // `total` = sum of eligible weights + 1), walk the eligible dests and compare the two choices.
    static RealServer* choose(VirtualService& svc, std::uint32_t total, std::uint32_t r1, std::uint32_t r2,
                              std::string* why);

private:
    SplitMix64 rng_;
};

// ip_vs_sh.c. State: struct ip_vs_sh_state (256 buckets).
class ShScheduler final : public Scheduler {
public:
    static constexpr unsigned kTabBits = 8;  // CONFIG_IP_VS_SH_TAB_BITS
    static constexpr std::size_t kTabSize = std::size_t{1} << kTabBits;
    static constexpr std::uint32_t kTabMask = kTabSize - 1;

    std::string_view name() const noexcept override { return "sh"; }
    void init_service(VirtualService& svc, const SchedEnv& env) override;
    void done_service(VirtualService& svc) override;
    void add_dest(VirtualService& svc, RealServer& /*dest*/) override { reassign(svc); }
    void del_dest(VirtualService& svc, RealServer& /*dest*/) override { reassign(svc); }
    void upd_dest(VirtualService& svc, RealServer& /*dest*/) override { reassign(svc); }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;

    // ip_vs_sh_hashkey(): (offset + hash_32(port + addr, 8)) & 255, port and addr in host order.
    static std::uint32_t hashkey(std::uint32_t addr, std::uint16_t port, std::uint32_t offset) noexcept;
    const RealServer* bucket(std::size_t i) const noexcept { return buckets_[i]; }

private:
    std::array<RealServer*, kTabSize> buckets_{};
    void reassign(const VirtualService& svc);
};

// ip_vs_dh.c. State: struct ip_vs_dh_state (256 buckets).
class DhScheduler final : public Scheduler {
public:
    static constexpr unsigned kTabBits = 8;  // CONFIG_IP_VS_DH_TAB_BITS
    static constexpr std::size_t kTabSize = std::size_t{1} << kTabBits;

    std::string_view name() const noexcept override { return "dh"; }
    void init_service(VirtualService& svc, const SchedEnv& env) override;
    void done_service(VirtualService& svc) override;
    void add_dest(VirtualService& svc, RealServer& /*dest*/) override { reassign(svc); }
    void del_dest(VirtualService& svc, RealServer& /*dest*/) override { reassign(svc); }
    // No upd_dest: the kernel's dh does not rebuild on -e.
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;

    static std::uint32_t hashkey(std::uint32_t addr) noexcept { return hash_32(addr, kTabBits); }
    const RealServer* bucket(std::size_t i) const noexcept { return buckets_[i]; }

private:
    std::array<RealServer*, kTabSize> buckets_{};
    void reassign(const VirtualService& svc);
};

// ip_vs_mh.c. State: struct ip_vs_mh_state (lookup table of 4093 slots, gcd, rshift).
class MhScheduler final : public Scheduler {
public:
    static constexpr int kTabIndex = 12;                 // CONFIG_IP_VS_MH_TAB_INDEX
    static constexpr int kTabBits = kTabIndex / 2;        // IP_VS_MH_TAB_BITS
    static constexpr std::uint32_t kTabSize = 4093;       // primes[kTabIndex - 8]
    static constexpr HsiphashKey kHash1{{2654435761ULL, 2654435761ULL}};  // generate_hash_secret()
    static constexpr HsiphashKey kHash2{{2654446892ULL, 2654446892ULL}};

    std::string_view name() const noexcept override { return "mh"; }
    void init_service(VirtualService& svc, const SchedEnv& env) override;
    void done_service(VirtualService& svc) override;
    void add_dest(VirtualService& svc, RealServer& /*dest*/) override { dest_changed(svc); }
    void del_dest(VirtualService& svc, RealServer& /*dest*/) override { dest_changed(svc); }
    void upd_dest(VirtualService& svc, RealServer& /*dest*/) override { dest_changed(svc); }
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;

    // ip_vs_mh_hashkey(): hsiphash of the u32 (offset + port + addr), host order.
    static std::uint32_t hashkey(std::uint32_t addr, std::uint16_t port, const HsiphashKey& key,
                                 std::uint32_t offset) noexcept;
    const RealServer* slot(std::size_t i) const noexcept { return lookup_.empty() ? nullptr : lookup_[i]; }
    int gcd() const noexcept { return gcd_; }
    int rshift() const noexcept { return rshift_; }

private:
    struct DestSetup {
        std::uint32_t offset = 0;
        std::uint32_t skip = 0;
        std::uint32_t perm = 0;
        int turns = 0;
    };
    std::vector<RealServer*> lookup_;
    int gcd_ = 0;
    int rshift_ = 0;
    std::vector<DestSetup> setup_;  // scratch for reassign (control path)
    std::vector<bool> taken_;       // scratch bitmap for populate
    void dest_changed(VirtualService& svc);
    void reassign(VirtualService& svc);
};

// ip_vs_lblc.c. State: struct ip_vs_lblc_table. Entries hold a reference on their dest
// (ip_vs_dest_hold -> RealServer::refcnt), so a deleted dest stays in the trash while cached.
class LblcScheduler final : public Scheduler {
public:
    struct Cached {
        RealServer* dest = nullptr;
    };
    using Table = LocalityTable<Cached>;

    std::string_view name() const noexcept override { return "lblc"; }
    void init_service(VirtualService& svc, const SchedEnv& env) override;
    void done_service(VirtualService& svc) override;
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
    void on_timer(VirtualService& svc, const SchedEnv& env) override;

    // What is cached for daddr (no lastuse update), or nullptr.
    const RealServer* cached(net::Ipv4Addr daddr) const noexcept;
    const Table& table() const noexcept { return table_; }

private:
    Table table_;
};

// ip_vs_lblcr.c. State: struct ip_vs_lblcr_table; each entry a set of dests (newest member first),
// each member holding a reference on its dest.
class LblcrScheduler final : public Scheduler {
public:
    struct DestSet {
        std::int32_t head = -1;  // first member in members_
        int size = 0;            // set->size
        Timestamp lastmod;       // set->lastmod
    };
    using Table = LocalityTable<DestSet>;

    std::string_view name() const noexcept override { return "lblcr"; }
    void init_service(VirtualService& svc, const SchedEnv& env) override;
    void done_service(VirtualService& svc) override;
    RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env, std::string* why) override;
    void on_timer(VirtualService& svc, const SchedEnv& env) override;

    // The members cached for daddr in set order (newest first); empty if none.
    std::vector<const RealServer*> cached_set(net::Ipv4Addr daddr) const;
    const Table& table() const noexcept { return table_; }

private:
    struct Member {
        RealServer* dest = nullptr;
        std::int32_t next = -1;
    };
    Table table_;
    std::vector<Member> members_;
    std::int32_t free_member_ = -1;

    void set_insert(DestSet& set, RealServer& dest, bool check, Timestamp now);
    void set_erase(DestSet& set, const RealServer& dest, Timestamp now);
    void set_release(DestSet& set);
    RealServer* set_min(const DestSet& set) const;
    RealServer* set_max(const DestSet& set) const;
    std::string set_names(const DestSet& set) const;
};

}  // namespace tapvs::core::sched
