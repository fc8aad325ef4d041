// Round-robin (ip_vs_rr.c).
#include "core/sched/sched_common.hpp"
#include "core/sched/schedulers.hpp"

namespace tapvs::core::sched {

void RrScheduler::remember(const VirtualService& svc) {
    order_.clear();
    for (const auto& d : svc.destinations) order_.push_back(d.get());
}

// ip_vs_rr_init_svc(): sched_data = &svc->destinations (the head).
void RrScheduler::init_service(VirtualService& svc, const SchedEnv&) {
    cursor_ = nullptr;
    hint_ = 0;
    remember(svc);
}

// The kernel has no rr add_dest/upd_dest; these only keep the neighbour record for del_dest.
void RrScheduler::add_dest(VirtualService& svc, RealServer&) { remember(svc); }
void RrScheduler::upd_dest(VirtualService& svc, RealServer&) { remember(svc); }

// ip_vs_rr_del_dest(): if the removed dest was the cursor, the cursor becomes p->next->prev, i.e.
// the node that preceded it (or the head), so the next pick is the dest that followed it.
void RrScheduler::del_dest(VirtualService& svc, RealServer& dest) {
    if (cursor_ == &dest) {
        std::size_t pos = kNoPos;
        for (std::size_t i = 0; i < order_.size(); ++i)
            if (order_[i] == &dest) pos = i;
        if (pos == kNoPos || pos == 0) {
            cursor_ = nullptr;
            hint_ = 0;
        } else {
            cursor_ = order_[pos - 1];
            hint_ = pos - 1;
        }
    }
    remember(svc);
}

// ip_vs_rr_schedule(): scan the entries after the cursor to the end; if the cursor was not the head,
// a second pass runs from the first entry up to and including the cursor's dest. First dest with
// !OVERLOAD && weight > 0 wins and becomes the cursor.
RealServer* RrScheduler::schedule(VirtualService& svc, const SchedPacket&, const SchedEnv&, std::string* why) {
    const auto& l = svc.destinations;
    const std::size_t n = l.size();
    std::size_t pos = kNoPos;  // kNoPos = the list head
    if (cursor_) {
        pos = find_pos(svc, cursor_, hint_);
        if (pos == kNoPos) cursor_ = nullptr;  // not in the list any more: start from the head
    }
    const std::size_t last = pos;
    std::size_t i = (pos == kNoPos) ? 0 : pos + 1;
    int pass = 0;
    std::size_t skipped = 0;
    do {
        for (; i < n; ++i) {
            RealServer& d = *l[i];
            if (!d.overload && d.weight > 0) {
                if (why) {
                    if (pos == kNoPos)
                        explain(why, "rr: the cursor was at the list head, so the scan started at position 1 of {}; ",
                                n);
                    else
                        explain(why, "rr: the cursor was on {} (position {} of {}), so the scan started after it; ",
                                named(*cursor_), pos + 1, n);
                    explain(why, "picked {} at position {}, the first with weight > 0 and not overloaded", named(d),
                            i + 1);
                    if (skipped) explain(why, " ({} passed over: weight 0 or overloaded)", skipped);
                }
                cursor_ = &d;
                hint_ = i;
                return &d;
            }
            ++skipped;
            if (i == last) goto stop;
        }
        ++pass;
        i = 0;
    } while (pass < 2 && pos != kNoPos);
stop:
    explain(why, "rr: no destination available: all {} dests have weight 0 or are overloaded", n);
    return nullptr;
}

}  // namespace tapvs::core::sched
