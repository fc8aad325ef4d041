// The connection lifecycle as ip_vs_conn.c / ip_vs_proto_tcp.c count it: a new entry is INACTIVE,
// the first state transition decides, templates count persistconns, timers expire entries.
#include <catch2/catch.hpp>

#include "tapvs/core/conn_table.hpp"
#include "tapvs/core/ipvs.hpp"

using namespace tapvs;
using namespace tapvs::core;

namespace {
constexpr TcpFlags kSyn{true, false, false, false};
constexpr TcpFlags kSynAck{true, true, false, false};
constexpr TcpFlags kAck{false, true, false, false};
constexpr TcpFlags kFin{false, true, true, false};

struct Lvs {
    Ipvs ipvs;
    ServiceKey key{0, Proto::tcp, net::ipv4(192, 168, 1, 10), 80};

    explicit Lvs(const std::string& sched = "rr", FwdMethod fwd = FwdMethod::masq, std::uint32_t persistent = 0,
                 Proto proto = Proto::tcp) {
        key.protocol = proto;
        ServiceUser u;
        u.key = key;
        u.sched_name = sched;
        if (persistent) {
            u.flags = kSvcPersistent;
            u.timeout_s = persistent;
        }
        REQUIRE(ipvs.add_service(u, {}) == IpvsErr::ok);
        for (std::uint8_t last : {std::uint8_t{100}, std::uint8_t{212}}) {  // the guide's two real servers
            DestUser d;
            d.addr = net::ipv4(172, 16, 10, last);
            d.port = 80;
            d.fwd = fwd;
            REQUIRE(ipvs.add_dest(key, d, {}) == IpvsErr::ok);
        }
    }
    RealServer& rs(std::uint8_t last) { return *ipvs.find_service(key)->find_dest(net::ipv4(172, 16, 10, last), 80); }
    std::uint32_t connect(std::uint32_t client, std::uint16_t cport, Timestamp now) {
        SchedPacket p{key.protocol, net::Ipv4Addr{client}, key.addr, cport, 80};
        std::uint32_t i = kNoConn;
        REQUIRE(ipvs.schedule(*ipvs.find_service(key), p, now, &i) == ScheduleStatus::ok);
        return i;
    }
};
Timestamp at(double s) { return Timestamp::from_seconds(s); }
}  // namespace

TEST_CASE("conn: a new entry counts as inactive until its first packet, a SYN makes it active", "[core][conn]") {
    Lvs lvs;
    std::uint32_t i = lvs.connect(0x0a000001, 40000, at(0));
    const Connection& c = lvs.ipvs.conns().at(i);
    RealServer& d = *c.dest;
    CHECK(c.state == TcpState::none);
    CHECK(d.inactconns == 1);
    CHECK(d.activeconns == 0);
    lvs.ipvs.conn_packet(i, false, &kSyn, 60, at(0));
    CHECK(c.state == TcpState::syn_recv);
    CHECK(d.activeconns == 1);
    CHECK(d.inactconns == 0);
    CHECK(d.stats.conns == 1);
    CHECK(d.stats.inpkts == 1);
    CHECK(d.stats.inbytes == 60);
}

TEST_CASE("conn: NAT handshake, data and close, the entry expires after the TIME_WAIT timeout", "[core][conn]") {
    Lvs lvs;
    std::uint32_t i = lvs.connect(0x0a000001, 40000, at(0));
    RealServer& d = *lvs.ipvs.conns().at(i).dest;
    lvs.ipvs.conn_packet(i, false, &kSyn, 60, at(0));
    lvs.ipvs.conn_packet(i, true, &kSynAck, 60, at(0.001));
    lvs.ipvs.conn_packet(i, false, &kAck, 52, at(0.002));
    CHECK(lvs.ipvs.conns().at(i).state == TcpState::established);
    lvs.ipvs.conn_packet(i, false, &kFin, 52, at(1));  // client closes: CLOSE_WAIT
    CHECK(d.activeconns == 0);
    CHECK(d.inactconns == 1);
    lvs.ipvs.conn_packet(i, true, &kFin, 52, at(1.001));  // server closes: TIME_WAIT, 120 s
    CHECK(lvs.ipvs.conns().at(i).state == TcpState::time_wait);
    lvs.ipvs.expire(at(120.9));
    CHECK(lvs.ipvs.conn_count() == 1);
    lvs.ipvs.expire(at(121.001));
    CHECK(lvs.ipvs.conn_count() == 0);
    CHECK(d.inactconns == 0);
    CHECK(d.refcnt == 0);
    CHECK(d.stats.outpkts == 2);
}

TEST_CASE("conn: with no packet after scheduling the entry dies after 3 s in NONE", "[core][conn]") {
    Lvs lvs;
    std::uint32_t i = lvs.connect(0x0a000001, 40000, at(0));
    lvs.ipvs.conns().arm(i, lvs.ipvs.conns().at(i).expires);
    lvs.ipvs.expire(at(2.999));
    CHECK(lvs.ipvs.conn_count() == 1);
    lvs.ipvs.expire(at(3));
    CHECK(lvs.ipvs.conn_count() == 0);
}

TEST_CASE("conn: DR connections use the INPUT_ONLY table (a client FIN goes to FIN_WAIT)", "[core][conn]") {
    Lvs lvs("rr", FwdMethod::droute);
    std::uint32_t i = lvs.connect(0x0a000001, 40000, at(0));
    lvs.ipvs.conn_packet(i, false, &kSyn, 60, at(0));
    lvs.ipvs.conn_packet(i, false, &kAck, 52, at(0.1));
    lvs.ipvs.conn_packet(i, false, &kFin, 52, at(1));
    CHECK(lvs.ipvs.conns().at(i).state == TcpState::fin_wait);
    CHECK(lvs.ipvs.conns().at(i).timeout == seconds(120));
}

TEST_CASE("conn: UDP entries are inactive, live 300 s, and --set udp changes that", "[core][conn]") {
    Lvs lvs("rr", FwdMethod::masq, 0, Proto::udp);
    std::uint32_t i = lvs.connect(0x0a000001, 5353, at(0));
    RealServer& d = *lvs.ipvs.conns().at(i).dest;
    lvs.ipvs.conn_packet(i, false, nullptr, 40, at(0));
    CHECK(d.inactconns == 1);
    CHECK(d.activeconns == 0);
    lvs.ipvs.expire(at(299));
    CHECK(lvs.ipvs.conn_count() == 1);
    lvs.ipvs.expire(at(300));
    CHECK(lvs.ipvs.conn_count() == 0);
    lvs.ipvs.set_timeouts(Timeouts{0, 0, 30});
    std::uint32_t j = lvs.connect(0x0a000001, 5354, at(400));
    lvs.ipvs.conn_packet(j, false, nullptr, 40, at(400));
    lvs.ipvs.expire(at(430));
    CHECK(lvs.ipvs.conn_count() == 0);
}

TEST_CASE("conn: one-packet scheduling (-o) schedules every datagram afresh", "[core][conn]") {
    Ipvs ipvs;
    ServiceUser u;
    u.key = ServiceKey{0, Proto::udp, net::ipv4(192, 168, 1, 10), 53};
    u.sched_name = "rr";
    u.flags = kSvcOnePacket;
    REQUIRE(ipvs.add_service(u, {}) == IpvsErr::ok);
    for (std::uint8_t last : {std::uint8_t{100}, std::uint8_t{212}}) {
        DestUser d;
        d.addr = net::ipv4(172, 16, 10, last);
        d.port = 53;
        REQUIRE(ipvs.add_dest(u.key, d, {}) == IpvsErr::ok);
    }
    std::vector<net::Ipv4Addr> picked;
    for (int k = 0; k < 4; ++k) {
        std::uint32_t i = kNoConn;
        SchedPacket p{Proto::udp, net::Ipv4Addr{0x0a000001}, u.key.addr, 5353, 53};
        REQUIRE(ipvs.schedule(*ipvs.find_service(u.key), p, at(k), &i) == ScheduleStatus::ok);
        picked.push_back(ipvs.conns().at(i).daddr);
        ipvs.conn_packet(i, false, nullptr, 40, at(k));
        CHECK(ipvs.conn_count() == 0);  // gone right after its packet
    }
    CHECK(picked[0] != picked[1]);  // rr alternates even for the same client port
    CHECK(picked[0] == picked[2]);
    for (const auto& d : ipvs.find_service(u.key)->destinations) CHECK(d->inactconns == 0);
}

TEST_CASE("conn: persistence sends a client back to its real server without asking the scheduler", "[core][persist]") {
    Lvs lvs("rr", FwdMethod::masq, 360);
    std::uint32_t a = lvs.connect(0x0a000001, 40000, at(0));
    const net::Ipv4Addr first = lvs.ipvs.conns().at(a).daddr;
    lvs.ipvs.conn_packet(a, false, &kSyn, 60, at(0));
    std::uint32_t b = lvs.connect(0x0a000001, 40001, at(1));
    CHECK(lvs.ipvs.conns().at(b).daddr == first);  // rr would have given the other one
    std::uint32_t other = lvs.connect(0x0a000002, 40000, at(1));
    CHECK(lvs.ipvs.conns().at(other).daddr != first);
    RealServer& d = *lvs.ipvs.conns().at(a).dest;
    CHECK(d.persistconns == 1);
    CHECK(lvs.ipvs.conn_count() == 5);  // 3 connections + 2 templates
}

TEST_CASE("conn: a template controlling connections is postponed by 60 s, then expires", "[core][persist]") {
    Lvs lvs("rr", FwdMethod::masq, 10);
    std::uint32_t a = lvs.connect(0x0a000001, 40000, at(0));
    lvs.ipvs.conn_packet(a, false, &kSyn, 60, at(0));
    lvs.ipvs.conn_packet(a, false, &kAck, 52, at(0.1));  // ESTABLISHED: 900 s
    RealServer& d = *lvs.ipvs.conns().at(a).dest;
    lvs.ipvs.expire(at(10));  // template due at 10 s, still controls `a`: re-armed for 60 s
    CHECK(d.persistconns == 1);
    lvs.ipvs.expire(at(900.1));  // `a` expires
    CHECK(d.activeconns == 0);
    CHECK(d.persistconns == 1);
    lvs.ipvs.expire(at(909.9));
    CHECK(d.persistconns == 1);
    lvs.ipvs.expire(at(910.2));  // re-armed at 10, 70, ..., 850, 910: gone at 910
    CHECK(d.persistconns == 0);
    CHECK(lvs.ipvs.conn_count() == 0);
}

TEST_CASE("conn: a quiesced (weight 0) real server keeps its persistent clients", "[core][persist]") {
    Lvs lvs("rr", FwdMethod::masq, 360);
    std::uint32_t a = lvs.connect(0x0a000001, 40000, at(0));
    lvs.ipvs.conn_packet(a, false, &kSyn, 60, at(0));
    const net::Ipv4Addr first = lvs.ipvs.conns().at(a).daddr;
    DestUser e;
    e.addr = first;
    e.port = 80;
    e.fwd = FwdMethod::masq;
    e.weight = 0;
    REQUIRE(lvs.ipvs.edit_dest(lvs.key, e) == IpvsErr::ok);
    std::uint32_t b = lvs.connect(0x0a000001, 40001, at(1));
    CHECK(lvs.ipvs.conns().at(b).daddr == first);
    lvs.ipvs.sysctl().expire_quiescent_template = 1;
    std::uint32_t c = lvs.connect(0x0a000001, 40002, at(2));
    CHECK(lvs.ipvs.conns().at(c).daddr != first);
}

TEST_CASE("conn: the upper threshold sets OVERLOAD at bind, the lower one clears it at unbind", "[core][threshold]") {
    Ipvs ipvs;
    ServiceUser u;
    u.key = ServiceKey{0, Proto::tcp, net::ipv4(192, 168, 1, 10), 80};
    u.sched_name = "rr";
    REQUIRE(ipvs.add_service(u, {}) == IpvsErr::ok);
    DestUser d;
    d.addr = net::ipv4(172, 16, 10, 100);
    d.port = 80;
    d.u_threshold = 2;
    d.l_threshold = 1;
    REQUIRE(ipvs.add_dest(u.key, d, {}) == IpvsErr::ok);
    VirtualService& svc = *ipvs.find_service(u.key);
    RealServer& rs = *svc.destinations.front();
    std::uint32_t i[3];
    for (std::uint16_t k = 0; k < 2; ++k) {
        SchedPacket p{Proto::tcp, net::Ipv4Addr{0x0a000001}, u.key.addr, static_cast<std::uint16_t>(40000 + k), 80};
        REQUIRE(ipvs.schedule(svc, p, at(0), &i[k]) == ScheduleStatus::ok);
        ipvs.conn_packet(i[k], false, &kSyn, 60, at(0));
    }
    CHECK(rs.overload);  // 2 >= u_threshold
    SchedPacket p{Proto::tcp, net::Ipv4Addr{0x0a000001}, u.key.addr, 40002, 80};
    CHECK(ipvs.schedule(svc, p, at(0), &i[2]) == ScheduleStatus::no_dest);
    ipvs.expire(at(61));  // both SYN_RECV entries time out (60 s): total 0 < l_threshold 1
    CHECK_FALSE(rs.overload);
}

TEST_CASE("conn: a SYN on a TIME_WAIT entry expires it and is scheduled again", "[core][conn]") {
    Lvs lvs;
    std::uint32_t i = lvs.connect(0x0a000001, 40000, at(0));
    lvs.ipvs.conn_packet(i, false, &kSyn, 60, at(0));
    lvs.ipvs.conn_packet(i, false, &kFin, 52, at(1));
    lvs.ipvs.conn_packet(i, true, &kFin, 52, at(1));
    REQUIRE(lvs.ipvs.conns().at(i).state == TcpState::time_wait);
    CHECK(lvs.ipvs.reuse_for_new_conn(i, at(2)));
    std::uint32_t j = lvs.connect(0x0a000001, 40000, at(2));
    CHECK(lvs.ipvs.conns().find_in(Proto::tcp, net::Ipv4Addr{0x0a000001}, 40000, lvs.key.addr, 80) == j);
    lvs.ipvs.expire(at(2));
    CHECK(lvs.ipvs.conn_count() == 1);
    // An ESTABLISHED entry is not reused.
    lvs.ipvs.conn_packet(j, false, &kSyn, 60, at(2));
    lvs.ipvs.conn_packet(j, false, &kAck, 60, at(2));
    CHECK_FALSE(lvs.ipvs.reuse_for_new_conn(j, at(3)));
}

TEST_CASE("conn: packets for a deleted real server's entry keep its counters until expiry", "[core][conn]") {
    Lvs lvs;
    std::uint32_t i = lvs.connect(0x0a000001, 40000, at(0));
    lvs.ipvs.conn_packet(i, false, &kSyn, 60, at(0));
    RealServer* d = lvs.ipvs.conns().at(i).dest;
    DestUser u;
    u.addr = d->addr;
    u.port = 80;
    REQUIRE(lvs.ipvs.del_dest(lvs.key, u, at(0)) == IpvsErr::ok);
    CHECK_FALSE(d->available);
    CHECK(d->activeconns == 1);  // the trash keeps it alive
    lvs.ipvs.expire(at(60));
    CHECK(lvs.ipvs.conn_count() == 0);
    // Re-added within the trash period: the same object comes back (ip_vs_trash_get_dest()).
    u.fwd = FwdMethod::masq;
    REQUIRE(lvs.ipvs.add_dest(lvs.key, u, at(61)) == IpvsErr::ok);
    CHECK(lvs.ipvs.find_service(lvs.key)->find_dest(u.addr, 80) == d);
    CHECK(d->stats.conns == 1);
}

TEST_CASE("conn: the dest trash frees an unused dest at the first 60 s tick 120 s after it was seen idle",
          "[core][trash]") {
    // ip_vs_dest_trash_expire(): deleted at 0 (timer at 60, 120, ...); the connection keeps it
    // busy until 61; tick 120 marks it idle; ticks 180 keeps it; tick 240 frees it.
    for (double readd : {239.0, 241.0}) {
        Lvs lvs;
        std::uint32_t i = lvs.connect(0x0a000001, 40000, at(1));
        lvs.ipvs.conn_packet(i, false, &kSyn, 60, at(1));  // SYN_RECV: gone at 61
        RealServer* d = lvs.ipvs.conns().at(i).dest;
        DestUser u;
        u.addr = d->addr;
        u.port = 80;
        u.fwd = FwdMethod::masq;
        REQUIRE(lvs.ipvs.del_dest(lvs.key, u, at(0)) == IpvsErr::ok);
        lvs.ipvs.expire(at(readd));
        REQUIRE(lvs.ipvs.add_dest(lvs.key, u, at(readd)) == IpvsErr::ok);
        const bool revived = lvs.ipvs.find_service(lvs.key)->find_dest(u.addr, 80)->stats.conns == 1;
        INFO("re-added at " << readd);
        CHECK(revived == (readd < 240));
    }
}

TEST_CASE("conn: the scheduler's explanation is written only for an observer that reads it", "[core][conn]") {
    struct Seen final : IpvsObserver {
        bool reasons = false;
        std::vector<std::string> whys;
        bool wants_reasons() const noexcept override { return reasons; }
        void on_schedule(const SchedPacket&, const Decision& d, Timestamp) override { whys.push_back(d.why); }
    };
    for (const bool reasons : {false, true}) {
        Lvs lvs;
        Seen seen;
        seen.reasons = reasons;
        lvs.ipvs.set_observer(&seen);
        lvs.connect(0x0a000001, 40000, at(0));
        REQUIRE(seen.whys.size() == 1);
        CHECK(seen.whys[0].empty() == !reasons);
        if (reasons) CHECK(seen.whys[0].starts_with("rr:"));
    }
}
