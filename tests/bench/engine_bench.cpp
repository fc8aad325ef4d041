// Per-packet cost of the director (Google Benchmark). Run: scripts/bench.sh.
//   BM_Established/<method>/<conns>: one data segment of an existing connection, client -> real
//     server, with 1 or 1,000,000 connections in the table (NAT also rewrites the reply direction
//     in BM_EstablishedReply).
//   BM_NewConnection/<scheduler>: a SYN from a new client, scheduled over 100 real servers.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "support/frame_builder.hpp"
#include "tapvs/core/conn_table.hpp"
#include "tapvs/core/engine.hpp"

using namespace tapvs;
using namespace tapvs::core;

namespace {

const net::MacAddr kEth0 = test::mac("02:00:00:00:00:10");
const net::MacAddr kEth1 = test::mac("02:00:00:00:00:11");
const net::MacAddr kClient = test::mac("02:00:00:00:00:c1");
const net::Ipv4Addr kVip = test::ip("192.168.1.10");

class NullSink final : public PacketSink {
public:
    std::uint64_t frames = 0, bytes = 0;
    void emit(PortId, net::ConstBytes f, Timestamp) override {
        ++frames;
        bytes += f.size();
    }
};

struct Bench {
    Engine engine;
    PortId eth0, eth1;
    NullSink sink;
    std::vector<std::uint8_t> storage = std::vector<std::uint8_t>(4096);
    Timestamp now{seconds(1000)};

    Bench(const char* sched, FwdMethod fwd, int real_servers, std::uint32_t expected_conns)
        : engine(EngineConfig{IpvsConfig{1, expected_conns}}) {
        Host& h = engine.host();
        eth0 = h.port_id("eth0");
        eth1 = h.port_id("eth1");
        h.edit_port(eth0).mac = kEth0;
        h.edit_port(eth1).mac = kEth1;
        h.edit_port(eth0).up = h.edit_port(eth1).up = true;
        h.edit_port(eth0).addrs.push_back(PortAddr{kVip, 16, {}});
        h.edit_port(eth1).addrs.push_back(PortAddr{test::ip("172.16.10.12"), 16, {}});
        h.refresh_connected_routes();
        h.sysctl().ip_forward = true;
        ServiceUser u;
        u.key = ServiceKey{0, Proto::tcp, kVip, 80};
        u.sched_name = sched;
        engine.ipvs().add_service(u, now);
        for (int i = 0; i < real_servers; ++i) {
            DestUser d;
            d.addr = net::Ipv4Addr{test::ip("172.16.20.0").host_order + static_cast<std::uint32_t>(i)};
            d.port = 80;
            d.fwd = fwd;
            d.weight = 1 + i % 3;
            engine.ipvs().add_dest(u.key, d, now);
            Neighbour& n = h.neigh().create(eth1, d.addr);
            n.mac = net::MacAddr{{0x02, 0, 0, 0, 0x20, static_cast<std::uint8_t>(i)}};
            n.state = NeighState::permanent;
        }
    }

    // Client k: 10.x.y.z, one port each. Returns the frame length at kFrameHeadroom in `storage`.
    static std::vector<std::uint8_t> frame(std::uint32_t k, std::uint8_t flags, std::size_t payload = 0) {
        return test::FrameBuilder{}.eth(kClient, kEth0).ipv4(net::Ipv4Addr{0x0a000000u + k}, kVip)
            .tcp(static_cast<std::uint16_t>(1024 + k % 60000), 80, flags).seq(1).payload_size(payload).build();
    }
    void client_neighbours(std::uint32_t n) {
        // Replies and ICMP go back toward the client network: one static neighbour per client would
        // be silly; the clients sit behind one router.
        Host& h = engine.host();
        Neighbour& r = h.neigh().create(eth0, test::ip("192.168.255.254"));
        r.mac = kClient;
        r.state = NeighState::permanent;
        Route def;
        def.via = test::ip("192.168.255.254");
        def.port = eth0;
        h.edit_routes().push_back(def);
        (void)n;
    }
    void feed(const std::vector<std::uint8_t>& f) {
        std::memcpy(storage.data() + net::kFrameHeadroom, f.data(), f.size());
        net::FrameBuf buf{net::Bytes{storage}, net::kFrameHeadroom, f.size()};
        engine.handle(eth0, buf, now, sink);
    }
    void open_connections(std::uint32_t n) {
        for (std::uint32_t k = 0; k < n; ++k) {
            feed(frame(k, net::tcp_flags::syn));
            feed(frame(k, net::tcp_flags::ack));
        }
    }
};

FwdMethod method_of(std::int64_t m) {
    return m == 0 ? FwdMethod::masq : m == 1 ? FwdMethod::droute : FwdMethod::tunnel;
}
const char* method_name(std::int64_t m) { return m == 0 ? "masq" : m == 1 ? "droute" : "tunnel"; }

void BM_Established(benchmark::State& state) {
    const auto conns = static_cast<std::uint32_t>(state.range(1));
    Bench b("wlc", method_of(state.range(0)), 100, conns);
    b.client_neighbours(conns);
    b.open_connections(conns);
    // Round-robin over up to 1024 of the open connections (spread over the whole table).
    std::vector<std::vector<std::uint8_t>> frames;
    const std::uint32_t step = conns > 1024 ? conns / 1024 : 1;
    for (std::uint32_t k = 0; k < conns && frames.size() < 1024; k += step)
        frames.push_back(Bench::frame(k, net::tcp_flags::ack | net::tcp_flags::psh, 6));
    std::size_t i = 0;
    const std::uint64_t before = b.sink.frames;
    for (auto _ : state) {
        b.feed(frames[i]);
        if (++i == frames.size()) i = 0;
    }
    if (b.sink.frames - before != static_cast<std::uint64_t>(state.iterations()))
        state.SkipWithError("a packet was not forwarded");
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(method_name(state.range(0)));
    state.counters["conns"] = static_cast<double>(b.engine.ipvs().conn_count());
}

void BM_EstablishedReply(benchmark::State& state) {
    const auto conns = static_cast<std::uint32_t>(state.range(0));
    Bench b("wlc", FwdMethod::masq, 100, conns);
    b.client_neighbours(conns);
    b.open_connections(conns);
    std::vector<std::vector<std::uint8_t>> frames;
    const std::uint32_t step = conns > 1024 ? conns / 1024 : 1;
    for (std::uint32_t k = 0; k < conns && frames.size() < 1024; k += step) {
        std::uint32_t idx = b.engine.ipvs().conns().find_in(Proto::tcp, net::Ipv4Addr{0x0a000000u + k},
                                                            static_cast<std::uint16_t>(1024 + k % 60000), kVip, 80);
        const Connection& c = b.engine.ipvs().conns().at(idx);
        frames.push_back(test::FrameBuilder{}.eth(test::mac("02:00:00:00:20:00"), kEth1).ipv4(c.daddr, c.caddr)
                             .tcp(c.dport, c.cport, net::tcp_flags::ack | net::tcp_flags::psh).payload_size(6).build());
    }
    std::size_t i = 0;
    for (auto _ : state) {
        std::memcpy(b.storage.data() + net::kFrameHeadroom, frames[i].data(), frames[i].size());
        net::FrameBuf buf{net::Bytes{b.storage}, net::kFrameHeadroom, frames[i].size()};
        b.engine.handle(b.eth1, buf, b.now, b.sink);
        if (++i == frames.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["conns"] = static_cast<double>(b.engine.ipvs().conn_count());
}

void BM_NewConnection(benchmark::State& state, const char* sched) {
    // range(0): connections already in the table (1 or 1,000,000) when measuring starts.
    const auto prefill = static_cast<std::uint32_t>(state.range(0));
    Bench b(sched, FwdMethod::droute, 100, 1 << 22);
    b.client_neighbours(0);
    for (std::uint32_t k = 0; k < prefill; ++k) b.feed(Bench::frame(0x800000u + k, net::tcp_flags::syn));
    std::uint32_t k = 0;
    // Frames are prebuilt in batches so that building them is not measured.
    constexpr std::uint32_t kBatch = 4096;
    std::vector<std::vector<std::uint8_t>> frames(kBatch);
    for (auto _ : state) {
        if (k % kBatch == 0) {
            state.PauseTiming();
            for (std::uint32_t j = 0; j < kBatch; ++j) frames[j] = Bench::frame(k + j, net::tcp_flags::syn);
            state.ResumeTiming();
        }
        b.feed(frames[k % kBatch]);
        ++k;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(sched);
    state.counters["conns"] = static_cast<double>(b.engine.ipvs().conn_count());
}

void BM_ConnEntrySize(benchmark::State& state) {
    // Memory per connection: the slot, its hash bucket share and its timer record, at 1M entries.
    Bench b("wlc", FwdMethod::droute, 100, 1 << 20);
    b.client_neighbours(0);
    for (std::uint32_t k = 0; k < (1u << 20); ++k) b.feed(Bench::frame(k, net::tcp_flags::syn));
    for (auto _ : state) benchmark::DoNotOptimize(b.engine.ipvs().conn_count());
    const auto& t = b.engine.ipvs().conns();
    const double per = (static_cast<double>(t.slot_count() * sizeof(Connection)) +
                        static_cast<double>(t.bucket_count() * sizeof(std::uint32_t)) +
                        static_cast<double>(t.size()) * 24.0) / static_cast<double>(t.size());
    state.counters["bytes_per_conn"] = per;
    state.counters["sizeof_Connection"] = static_cast<double>(sizeof(Connection));
}

}  // namespace

BENCHMARK(BM_Established)->ArgsProduct({{0, 1, 2}, {1, 1000000}})->ArgNames({"method", "conns"})->Unit(benchmark::kNanosecond);
BENCHMARK(BM_EstablishedReply)->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, rr, "rr")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, wrr, "wrr")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, lc, "lc")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, wlc, "wlc")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, sed, "sed")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, nq, "nq")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, sh, "sh")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, dh, "dh")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, lblc, "lblc")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, lblcr, "lblcr")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, mh, "mh")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, fo, "fo")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, ovf, "ovf")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK_CAPTURE(BM_NewConnection, twos, "twos")->Arg(1)->Arg(1000000)->ArgName("conns");
BENCHMARK(BM_ConnEntrySize)->Iterations(1);

BENCHMARK_MAIN();
