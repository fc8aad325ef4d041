// The per-packet rule: schedule() without an explanation allocates nothing (lblc/lblcr only when
// a new cache entry needs the pool to grow, as the kernel kmallocs one).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "sched_lab.hpp"

namespace {
std::atomic<long> g_allocs{0};
}  // namespace

void* operator new(std::size_t n) {
    ++g_allocs;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using tapvs::core::kSvcSched1;
using tapvs::test::SchedLab;

TEST_CASE("alloc: schedule() allocates nothing on the fast path", "[sched][alloc]") {
    for (auto name : tapvs::core::scheduler_names()) {
        const std::string n(name);
        INFO(n);
        SchedLab lab(n, kSvcSched1);
        lab.add("A", 3);
        lab.add("B", 1);
        lab.add("C", 2);
        lab["C"].overload = true;  // exercise the fallback probes of sh/mh
        tapvs::core::SchedPacket p = SchedLab::packet();
        auto* s = lab.svc.scheduler.get();
        const auto env = lab.env();
        for (int i = 0; i < 16; ++i) {  // warm up: lblc/lblcr create their entries here
            p.saddr = tapvs::net::Ipv4Addr{0xac100000u + static_cast<std::uint32_t>(i)};
            p.daddr = tapvs::net::Ipv4Addr{0x0a000000u + static_cast<std::uint32_t>(i % 4)};
            s->schedule(lab.svc, p, env, nullptr);
        }
        const long before = g_allocs.load();
        for (int i = 0; i < 1000; ++i) {
            p.saddr = tapvs::net::Ipv4Addr{0xac100000u + static_cast<std::uint32_t>(i)};
            p.daddr = tapvs::net::Ipv4Addr{0x0a000000u + static_cast<std::uint32_t>(i % 4)};
            p.sport = static_cast<std::uint16_t>(1024 + i);
            auto* d = s->schedule(lab.svc, p, env, nullptr);
            if (d) d->activeconns += (i % 3 == 0);
        }
        CHECK(g_allocs.load() - before == 0);
    }
}
