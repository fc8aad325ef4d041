// Power of two choices (ip_vs_twos.c). The two random draws come from the scheduler's seeded
// generator (random.hpp) instead of the kernel's CSPRNG, so a seed replays the same picks.
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

namespace {
// The kernel multiplies ints and is built with -fno-strict-overflow: products wrap.
int mul_wrap(int a, int b) noexcept {
    return static_cast<int>(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b));
}
bool eligible(const RealServer& d) noexcept { return !d.overload && d.weight > 0; }
}  // namespace

// ip_vs_twos_schedule(): total = sum of the weights of !OVERLOAD dests with weight > 0; none ->
// NULL. total += 1, then r1 and r2 = get_random_u32_below(total), i.e. in [0, sum].
RealServer* TwosScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    int total = 0;
    bool any = false;
    for (const auto& p : svc.destinations)
        if (eligible(*p)) {
            total += p->weight;
            any = true;
        }
    if (!any) {
        explain(why, "twos: no destination available: every dest is overloaded or has weight 0");
        return nullptr;
    }
    total += 1;
    const auto ceil = static_cast<std::uint32_t>(total);
    const std::uint32_t r1 = u32_below(rng_, ceil);
    const std::uint32_t r2 = u32_below(rng_, ceil);
    return choose(svc, ceil, r1, r2, why);
}

// The walk: each eligible dest subtracts its weight from both draws; the first dest that takes r1
// to <= 0 is choice1, the first that takes r2 to <= 0 is choice2 (so the first eligible dest gets
// w1 + 1 of the total values). choice2 wins only if weight2 * overhead1 > weight1 * overhead2.
RealServer* TwosScheduler::choose(VirtualService& svc, std::uint32_t total, std::uint32_t r1, std::uint32_t r2,
                                  std::string* why) {
    RealServer* choice1 = nullptr;
    RealServer* choice2 = nullptr;
    for (const auto& p : svc.destinations)  // the kernel's first loop leaves choice1 at the last eligible
        if (eligible(*p)) choice1 = p.get();
    if (!choice1) {
        explain(why, "twos: no destination available: every dest is overloaded or has weight 0");
        return nullptr;
    }
    int rweight1 = static_cast<int>(r1);
    int rweight2 = static_cast<int>(r2);
    int weight1 = -1, weight2 = -1, overhead1 = 0, overhead2 = 0;
    for (const auto& p : svc.destinations) {
        RealServer& d = *p;
        if (!eligible(d)) continue;
        rweight1 -= d.weight;
        rweight2 -= d.weight;
        if (rweight1 <= 0 && weight1 == -1) {
            choice1 = &d;
            weight1 = d.weight;
            overhead1 = conn_overhead(d);
        }
        if (rweight2 <= 0 && weight2 == -1) {
            choice2 = &d;
            weight2 = d.weight;
            overhead2 = conn_overhead(d);
        }
        if (weight1 != -1 && weight2 != -1) break;
    }
    const bool second = choice2 && mul_wrap(weight2, overhead1) > mul_wrap(weight1, overhead2);
    if (why) {
        explain(why, "twos: total = 1 + sum of eligible weights = {}, r1 = {}, r2 = {}; choice1 {} (weight {}, overhead {})",
                total, r1, r2, named(*choice1), weight1, overhead1);
        if (choice2)
            explain(why, ", choice2 {} (weight {}, overhead {}); weight2*overhead1 = {} {} weight1*overhead2 = {}, so {}",
                    named(*choice2), weight2, overhead2, mul_wrap(weight2, overhead1), second ? ">" : "<=",
                    mul_wrap(weight1, overhead2), second ? "choice2 wins" : "choice1 stays");
    }
    return second ? choice2 : choice1;
}

}  // namespace tapvs::core::sched
