// Weighted round-robin (ip_vs_wrr.c, the version with last_pass / restarted).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

namespace {

// ip_vs_wrr_gcd_weight(): gcd of the weights > 0, in list order; 1 when there are none.
int gcd_weight(const VirtualService& svc) noexcept {
    int g = 0;
    for (const auto& d : svc.destinations) {
        const int w = d->weight;
        if (w > 0) g = (g > 0) ? gcd(w, g) : w;
    }
    return g ? g : 1;
}

// ip_vs_wrr_max_weight(): the largest weight, at least 0.
int max_weight(const VirtualService& svc) noexcept {
    int w = 0;
    for (const auto& d : svc.destinations)
        if (d->weight > w) w = d->weight;
    return w;
}

}  // namespace

// ip_vs_wrr_init_svc(): cl = head, di = gcd, mw = max - (di - 1), cw = mw.
void WrrScheduler::init_service(VirtualService& svc, const SchedEnv&) {
    cl_ = nullptr;
    hint_ = 0;
    di_ = gcd_weight(svc);
    mw_ = max_weight(svc) - (di_ - 1);
    cw_ = mw_;
}

// ip_vs_wrr_dest_changed() (add, del and upd): cl = head; di, mw recomputed; cw kept when it still
// fits (cw <= mw and cw != 0), rounded to a multiple of di plus one when di > 1.
void WrrScheduler::dest_changed(VirtualService& svc) {
    cl_ = nullptr;
    hint_ = 0;
    di_ = gcd_weight(svc);
    mw_ = max_weight(svc) - (di_ - 1);
    if (cw_ > mw_ || cw_ == 0)
        cw_ = mw_;
    else if (di_ > 1)
        cw_ = (cw_ / di_) * di_ + 1;
}

// ip_vs_wrr_schedule().
RealServer* WrrScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    const auto& l = svc.destinations;
    const std::size_t n = l.size();
    std::size_t pos = kNoPos;  // kNoPos = the list head
    if (cl_) {
        pos = find_pos(svc, cl_, hint_);
        if (pos == kNoPos) cl_ = nullptr;
    }
    if (mw_ == 0) {  // err_noavail
        explain(why, "wrr: no destination available: mw = 0 (every weight is 0)");
        return nullptr;
    }
    const std::size_t last = pos;
    std::size_t stop = kNoPos;  // no stop yet (kNoPos never equals a list position)
    bool last_pass = false;
    bool restarted = false;
    std::size_t i = (pos == kNoPos) ? 0 : pos + 1;
    for (;;) {
        for (; i < n; ++i) {
            RealServer& d = *l[i];
            if (!d.overload && d.weight >= cw_) {
                explain(why, "wrr: cw={} mw={} di={}; picked {} at position {} of {} (weight {} >= cw {})", cw_, mw_,
                        di_, named(d), i + 1, n, d.weight, cw_);
                cl_ = &d;
                hint_ = i;
                return &d;
            }
            if (i == stop) {  // err_over: cl = the dest where the scan stopped
                cl_ = &d;
                hint_ = i;
                explain(why, "wrr: no destination available: all destinations are overloaded (cw={} mw={} di={})",
                        cw_, mw_, di_);
                return nullptr;
            }
        }
        cw_ -= di_;
        if (cw_ <= 0) {
            cw_ = mw_;
            // Stop if the last pass (w >= 1) was already tried from the first dest.
            if (last_pass || last == kNoPos) {  // err_over at the end of the list: cl = head
                cl_ = nullptr;
                hint_ = 0;
                explain(why, "wrr: no destination available: all destinations are overloaded (cw={} mw={} di={})",
                        cw_, mw_, di_);
                return nullptr;
            }
            restarted = true;
        }
        last_pass = cw_ <= di_;
        if (last_pass && restarted && last != kNoPos) stop = last;
        i = 0;
    }
}

}  // namespace tapvs::core::sched
