// The scheduler registry: an explicit name -> factory table (as DPVS's dp_vs_sched_init() lists its
// schedulers), in ipvsadm's usage order (rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh), plus
// twos, which ipvsadm 1.31 does not list but passes through like any name.
#include <array>
#include <memory>

#include "core/sched/schedulers.hpp"

namespace tapvs::core {

namespace {

using Factory = std::unique_ptr<Scheduler> (*)(const SchedOptions&);

template <class T>
std::unique_ptr<Scheduler> make_plain(const SchedOptions&) {
    return std::make_unique<T>();
}
std::unique_ptr<Scheduler> make_twos(const SchedOptions& o) { return std::make_unique<sched::TwosScheduler>(o.seed); }

struct Entry {
    std::string_view name;
    Factory make;
};

constexpr std::array<Entry, 14> kSchedulers{{
    {"rr", &make_plain<sched::RrScheduler>},
    {"wrr", &make_plain<sched::WrrScheduler>},
    {"lc", &make_plain<sched::LcScheduler>},
    {"wlc", &make_plain<sched::WlcScheduler>},
    {"lblc", &make_plain<sched::LblcScheduler>},
    {"lblcr", &make_plain<sched::LblcrScheduler>},
    {"dh", &make_plain<sched::DhScheduler>},
    {"sh", &make_plain<sched::ShScheduler>},
    {"sed", &make_plain<sched::SedScheduler>},
    {"nq", &make_plain<sched::NqScheduler>},
    {"fo", &make_plain<sched::FoScheduler>},
    {"ovf", &make_plain<sched::OvfScheduler>},
    {"mh", &make_plain<sched::MhScheduler>},
    {"twos", &make_twos},
}};

}  // namespace

// ip_vs_scheduler_get(): exact name match; unknown -> nullptr (-ENOENT).
std::unique_ptr<Scheduler> make_scheduler(std::string_view name, const SchedOptions& opts) {
    for (const Entry& e : kSchedulers)
        if (e.name == name) return e.make(opts);
    return nullptr;
}

const std::vector<std::string_view>& scheduler_names() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const Entry& e : kSchedulers) v.push_back(e.name);
        return v;
    }();
    return names;
}

}  // namespace tapvs::core
