// The scheduler contract: struct ip_vs_scheduler as a C++ interface (include/net/ip_vs.h).
// One subclass per file in src/core/sched/, named as `ipvsadm -s` names it; registry.cpp lists them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/core/service.hpp"
#include "tapvs/core/time.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::core {

// What a scheduler may read of the packet being scheduled (the kernel reads skb and ip_vs_iphdr).
// saddr/sport are the client's; daddr/dport the virtual address the client sent to.
struct SchedPacket {
    Proto protocol = Proto::tcp;
    net::Ipv4Addr saddr;
    net::Ipv4Addr daddr;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
};

// Everything else a schedule() call needs: the current time (jiffies) and the sysctls.
struct SchedEnv {
    Timestamp now;
    const IpvsSysctl* sysctl = nullptr;
};

class Scheduler {
public:
    virtual ~Scheduler() = default;
    virtual std::string_view name() const noexcept = 0;

    // The kernel's hooks. Each is called AFTER the service's destination list was changed, exactly
    // where ip_vs_ctl.c calls them: init_service when the service gets this scheduler (-A, or -E with a
    // different scheduler), add_dest after a -a (the dest is already at the head of the list),
    // del_dest after a -d (the dest is already unlinked), upd_dest after a -e.
    virtual void init_service(VirtualService& svc, const SchedEnv& env) { (void)svc; (void)env; }
    virtual void done_service(VirtualService& svc) { (void)svc; }
    virtual void add_dest(VirtualService& svc, RealServer& dest) { (void)svc; (void)dest; }
    virtual void del_dest(VirtualService& svc, RealServer& dest) { (void)svc; (void)dest; }
    virtual void upd_dest(VirtualService& svc, RealServer& dest) { (void)svc; (void)dest; }

    // Picks a real server for a new connection; nullptr is "no destination available".
    // When `why` is not null the scheduler appends one sentence with the numbers it compared
    // (for traces; never on the fast path).
    virtual RealServer* schedule(VirtualService& svc, const SchedPacket& pkt, const SchedEnv& env,
                                 std::string* why) = 0;

    // Periodic work the kernel does from a timer (lblc/lblcr garbage collection). Called by the
    // engine with the current time, as often as it likes; the scheduler keeps its own deadlines.
    virtual void on_timer(VirtualService& svc, const SchedEnv& env) { (void)svc; (void)env; }
};

// Options a scheduler is made with. twos draws from a deterministic generator seeded here.
struct SchedOptions {
    std::uint64_t seed = 1;
};

// The registry (src/core/sched/registry.cpp): an explicit name -> factory table.
// Unknown name -> nullptr (the kernel's -ENOENT: "Scheduler or persistence engine not found").
std::unique_ptr<Scheduler> make_scheduler(std::string_view name, const SchedOptions& opts = {});
// Every name make_scheduler knows, in ipvsadm's usage order.
const std::vector<std::string_view>& scheduler_names();

}  // namespace tapvs::core
