// Test-only: one virtual service driven exactly as the lead's Ipvs drives a scheduler
// (ip_vs_ctl.c order): -A makes the scheduler and calls init_service; -a inserts the dest at the
// HEAD of the list with available = true, then add_dest; -e sets weight (and last_weight when the
// new weight != 0), then upd_dest; -d unlinks the dest (available = false, object kept alive in a
// trash) and then calls del_dest. Dests are named ("A", "B", ...) so tests read like tables.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/core/scheduler.hpp"
#include "tapvs/core/service.hpp"

namespace tapvs::test {

class SchedLab {
public:
    explicit SchedLab(std::string_view sched, std::uint32_t flags = 0, core::SchedOptions opts = {})
        : opts_(opts) {
        svc.key = core::ServiceKey{0, core::Proto::tcp, net::ipv4(10, 0, 0, 100), 80};
        svc.flags = flags;
        set_scheduler(sched);
    }
    ~SchedLab() {
        if (svc.scheduler) svc.scheduler->done_service(svc);
    }
    SchedLab(const SchedLab&) = delete;
    SchedLab& operator=(const SchedLab&) = delete;

    // -A (or -E with another scheduler: the old one's done_service first, as ip_vs_edit_service).
    void set_scheduler(std::string_view sched) {
        auto s = core::make_scheduler(sched, opts_);
        if (!s) throw std::runtime_error("unknown scheduler " + std::string(sched));
        if (svc.scheduler) svc.scheduler->done_service(svc);
        svc.scheduler = std::move(s);
        svc.sched_name = std::string(sched);
        svc.scheduler->init_service(svc, env());
    }

    // -a. A new name gets 192.168.1.<n>:80 (n = 1, 2, ... in order of first addition) unless an
    // address is given; a name deleted before comes back from the trash with its counters.
    core::RealServer& add(const std::string& name, int weight, std::string_view addr = {}, std::uint16_t port = 80) {
        std::unique_ptr<core::RealServer> d;
        for (auto it = trash_.begin(); it != trash_.end(); ++it)
            if (names_[it->get()] == name) {
                d = std::move(*it);
                trash_.erase(it);
                break;
            }
        if (!d) {
            d = std::make_unique<core::RealServer>();
            if (addr.empty()) {
                d->addr = net::ipv4(192, 168, 1, static_cast<std::uint8_t>(++n_made_));
            } else {
                d->addr = *net::Ipv4Addr::parse(addr);
            }
            d->port = port;
        }
        d->weight = weight;
        d->last_weight = weight;
        d->available = true;
        d->svc = &svc;
        core::RealServer& ref = *d;
        names_[&ref] = name;
        by_name_[name] = &ref;
        svc.destinations.insert(svc.destinations.begin(), std::move(d));
        svc.scheduler->add_dest(svc, ref);
        return ref;
    }

    // -e -w weight
    void edit(const std::string& name, int weight) {
        core::RealServer& d = dest(name);
        d.weight = weight;
        if (weight != 0) d.last_weight = weight;
        svc.scheduler->upd_dest(svc, d);
    }

    // -d
    void del(const std::string& name) {
        core::RealServer* d = &dest(name);
        for (auto it = svc.destinations.begin(); it != svc.destinations.end(); ++it)
            if (it->get() == d) {
                std::unique_ptr<core::RealServer> owned = std::move(*it);
                svc.destinations.erase(it);
                owned->available = false;
                svc.scheduler->del_dest(svc, *owned);
                trash_.push_back(std::move(owned));
                return;
            }
        throw std::runtime_error("not in the service: " + name);
    }

    core::RealServer& dest(const std::string& name) {
        auto it = by_name_.find(name);
        if (it == by_name_.end()) throw std::runtime_error("no dest " + name);
        return *it->second;
    }
    core::RealServer& operator[](const std::string& name) { return dest(name); }

    // Sets a dest's connection counters (as conns binding/unbinding would have).
    void conns(const std::string& name, std::uint32_t active, std::uint32_t inactive = 0) {
        dest(name).activeconns = active;
        dest(name).inactconns = inactive;
    }

    std::string name_of(const core::RealServer* d) const {
        if (!d) return "-";
        auto it = names_.find(d);
        return it == names_.end() ? "?" : it->second;
    }

    // The kernel list order, newest first.
    std::string order() const {
        std::string s;
        for (const auto& d : svc.destinations) s += name_of(d.get());
        return s;
    }

    // One schedule() call. `explain` asks for the sentence (kept in last_why).
    std::string pick(const core::SchedPacket& pkt) {
        last_why.clear();
        core::RealServer* d = svc.scheduler->schedule(svc, pkt, env(), explain ? &last_why : nullptr);
        return name_of(d);
    }
    std::string pick() { return pick(packet()); }
    std::string pick_from(std::string_view saddr, std::uint16_t sport = 40000, core::Proto proto = core::Proto::tcp) {
        core::SchedPacket p = packet();
        p.saddr = *net::Ipv4Addr::parse(saddr);
        p.sport = sport;
        p.protocol = proto;
        return pick(p);
    }
    std::string pick_to(std::string_view daddr) {
        core::SchedPacket p = packet();
        p.daddr = *net::Ipv4Addr::parse(daddr);
        return pick(p);
    }
    // n picks of the default packet, as a string of names ("ABAC").
    std::string picks(int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += pick();
        return s;
    }

    static core::SchedPacket packet() {
        core::SchedPacket p;
        p.protocol = core::Proto::tcp;
        p.saddr = net::ipv4(172, 16, 0, 1);
        p.daddr = net::ipv4(10, 0, 0, 100);
        p.sport = 40000;
        p.dport = 80;
        return p;
    }

    // Time moves only when told; timer() offers on_timer() as the engine does.
    void advance(core::Duration d) { now = now + d; }
    void at(core::Timestamp t) { now = t; }
    void timer() { svc.scheduler->on_timer(svc, env()); }

    core::SchedEnv env() const { return core::SchedEnv{now, &sysctl}; }

    template <class T>
    T& as() {
        return dynamic_cast<T&>(*svc.scheduler);
    }

    core::VirtualService svc;
    core::IpvsSysctl sysctl;
    core::Timestamp now;
    bool explain = false;
    std::string last_why;

private:
    core::SchedOptions opts_;
    int n_made_ = 0;
    std::vector<std::unique_ptr<core::RealServer>> trash_;
    std::map<const core::RealServer*, std::string> names_;
    std::map<std::string, core::RealServer*> by_name_;
};

}  // namespace tapvs::test
