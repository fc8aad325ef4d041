// The established-connection path does no allocation: every global operator new in this test
// binary is counted, and a burst of packets of open connections must not move the count.
#include <atomic>
#include <cstdlib>
#include <new>

#include "golden/director_fixture.hpp"
#include "tapvs/core/conn_table.hpp"

// The replacement operator new/delete pair below is malloc/free based; g++ cannot see that they
// are a matching pair.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc{};
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace tapvs;
using namespace tapvs::test;

TEST_CASE("established path: NAT, DR and TUN packets of open connections allocate nothing", "[golden][alloc]") {
    {  // the counter does count
        const std::uint64_t n = g_allocations.load();
        auto probe = std::make_unique<int>(1);
        CHECK(g_allocations.load() == n + 1);
    }
    for (core::FwdMethod m : {core::FwdMethod::masq, core::FwdMethod::droute, core::FwdMethod::tunnel}) {
        Director d;
        d.service("wlc");
        d.real_server(Guide::kRip1, m);
        d.real_server(Guide::kRip2, m);
        std::vector<std::vector<std::uint8_t>> data, replies;
        for (std::uint16_t k = 0; k < 16; ++k) {
            const auto port = static_cast<std::uint16_t>(40000 + k);
            d.feed(d.eth0, FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip)
                               .tcp(port, 80, tcp_flags::syn).build());
            data.push_back(FrameBuilder{}.eth(Guide::kClientMac, Guide::kEth0Mac).ipv4(Guide::kClient, Guide::kVip)
                               .tcp(port, 80, tcp_flags::ack).payload("GET / HTTP/1.0\r\n\r\n").build());
            std::uint32_t c = d.engine.ipvs().conns().find_in(core::Proto::tcp, Guide::kClient, port, Guide::kVip, 80);
            REQUIRE(c != core::kNoConn);
            const auto& conn = d.engine.ipvs().conns().at(c);
            replies.push_back(FrameBuilder{}.eth(Guide::kRs1Mac, Guide::kEth1Mac).ipv4(conn.daddr, Guide::kClient)
                                  .tcp(conn.dport, port, tcp_flags::ack).payload("HTTP/1.0 200 OK\r\n").build());
        }
        // Warm up once (first packets of each connection change state), then measure.
        for (const auto& f : data) d.feed(d.eth0, f);
        d.sink.sent.reserve(4096);
        std::vector<std::uint8_t> storage(4096);
        std::size_t emitted = 0;
        struct Counting final : core::PacketSink {
            std::size_t* n;
            void emit(core::PortId, net::ConstBytes, core::Timestamp) override { ++*n; }
        } sink;
        sink.n = &emitted;
        const std::uint64_t before = g_allocations.load();
        for (int round = 0; round < 100; ++round) {
            for (const auto& f : data) {
                std::copy(f.begin(), f.end(), storage.begin() + net::kFrameHeadroom);
                net::FrameBuf buf{net::Bytes{storage}, net::kFrameHeadroom, f.size()};
                d.engine.handle(d.eth0, buf, d.now, sink);
            }
            if (m != core::FwdMethod::masq) continue;
            for (const auto& f : replies) {
                std::copy(f.begin(), f.end(), storage.begin() + net::kFrameHeadroom);
                net::FrameBuf buf{net::Bytes{storage}, net::kFrameHeadroom, f.size()};
                d.engine.handle(d.eth1, buf, d.now, sink);
            }
        }
        const std::uint64_t during = g_allocations.load() - before;
        INFO("method " << core::fwd_trace_name(m));
        CHECK(during == 0);
        CHECK(emitted == (m == core::FwdMethod::masq ? 3200u : 1600u));
    }
}
