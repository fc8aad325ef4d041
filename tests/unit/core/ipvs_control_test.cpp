// Ipvs control operations: the errno ip_vs_ctl.c returns for each mistake, list order, the trash.
#include <catch2/catch.hpp>

#include "tapvs/core/ipvs.hpp"

using namespace tapvs;
using namespace tapvs::core;

namespace {
ServiceKey tcp_key(std::uint16_t port = 80) { return ServiceKey{0, Proto::tcp, net::ipv4(192, 168, 1, 10), port}; }
ServiceUser svc(const std::string& sched = "rr", std::uint16_t port = 80) {
    ServiceUser u;
    u.key = tcp_key(port);
    u.sched_name = sched;
    return u;
}
DestUser dest(std::uint8_t last, int weight = 1, FwdMethod fwd = FwdMethod::masq) {
    DestUser d;
    d.addr = net::ipv4(172, 16, 10, last);
    d.port = 80;
    d.fwd = fwd;
    d.weight = weight;
    return d;
}
const Timestamp t0{};
}  // namespace

TEST_CASE("ipvs: services are added once, with a known scheduler", "[core][ipvs]") {
    Ipvs ipvs;
    CHECK(ipvs.add_service(svc("rr"), t0) == IpvsErr::ok);
    CHECK(ipvs.add_service(svc("wlc"), t0) == IpvsErr::exist);       // "Service already exists"
    CHECK(ipvs.add_service(svc("nosuch", 81), t0) == IpvsErr::noent);  // "Scheduler ... not found"
    ServiceUser pe = svc("rr", 82);
    pe.pe_name = "sip";
    CHECK(ipvs.add_service(pe, t0) == IpvsErr::noent);
    CHECK(ipvs.services().size() == 1);
    CHECK(ipvs.find_service(tcp_key())->sched_name == "rr");
}

TEST_CASE("ipvs: edit and delete need the service (ESRCH)", "[core][ipvs]") {
    Ipvs ipvs;
    CHECK(ipvs.edit_service(svc("wlc"), t0) == IpvsErr::srch);
    CHECK(ipvs.del_service(tcp_key(), t0) == IpvsErr::srch);
    CHECK(ipvs.zero(&static_cast<const ServiceKey&>(tcp_key())) == IpvsErr::srch);
    REQUIRE(ipvs.add_service(svc("rr"), t0) == IpvsErr::ok);
    ServiceUser e = svc("wlc");
    e.flags = kSvcPersistent;
    e.timeout_s = 360;
    CHECK(ipvs.edit_service(e, t0) == IpvsErr::ok);
    const VirtualService* s = ipvs.find_service(tcp_key());
    CHECK(s->sched_name == "wlc");
    CHECK(s->persistent());
    CHECK(s->timeout_s == 360);
    CHECK(ipvs.del_service(tcp_key(), t0) == IpvsErr::ok);
    CHECK(ipvs.services().empty());
}

TEST_CASE("ipvs: real servers and the kernel's errors for them", "[core][ipvs]") {
    Ipvs ipvs;
    CHECK(ipvs.add_dest(tcp_key(), dest(100), t0) == IpvsErr::srch);  // "Service not defined"
    REQUIRE(ipvs.add_service(svc(), t0) == IpvsErr::ok);
    CHECK(ipvs.add_dest(tcp_key(), dest(100), t0) == IpvsErr::ok);
    CHECK(ipvs.add_dest(tcp_key(), dest(100), t0) == IpvsErr::exist);   // "Destination already exists"
    CHECK(ipvs.add_dest(tcp_key(), dest(101, -1), t0) == IpvsErr::range);
    DestUser thr = dest(102);
    thr.l_threshold = 5;  // -y without -x: l > u
    CHECK(ipvs.add_dest(tcp_key(), thr, t0) == IpvsErr::range);
    DestUser zero = dest(0);
    zero.addr = net::Ipv4Addr{};
    CHECK(ipvs.add_dest(tcp_key(), zero, t0) == IpvsErr::inval);
    CHECK(ipvs.edit_dest(tcp_key(), dest(212)) == IpvsErr::noent);
    CHECK(ipvs.del_dest(tcp_key(), dest(212), t0) == IpvsErr::noent);
    DestUser gue = dest(103, 1, FwdMethod::tunnel);
    gue.tun_type = TunType::gue;
    CHECK(ipvs.add_dest(tcp_key(), gue, t0) == IpvsErr::nosys);
}

TEST_CASE("ipvs: the destination list is newest first (list_add_rcu at the head)", "[core][ipvs]") {
    Ipvs ipvs;
    REQUIRE(ipvs.add_service(svc(), t0) == IpvsErr::ok);
    for (std::uint8_t last : {std::uint8_t{100}, std::uint8_t{101}, std::uint8_t{102}}) REQUIRE(ipvs.add_dest(tcp_key(), dest(last), t0) == IpvsErr::ok);
    const auto& d = ipvs.find_service(tcp_key())->destinations;
    REQUIRE(d.size() == 3);
    CHECK(d[0]->addr == net::ipv4(172, 16, 10, 102));
    CHECK(d[2]->addr == net::ipv4(172, 16, 10, 100));
    CHECK(d[0]->available);
}

TEST_CASE("ipvs: -e keeps last_weight when the new weight is 0, and clears OVERLOAD on a higher -x", "[core][ipvs]") {
    Ipvs ipvs;
    REQUIRE(ipvs.add_service(svc("mh"), t0) == IpvsErr::ok);
    REQUIRE(ipvs.add_dest(tcp_key(), dest(100, 5), t0) == IpvsErr::ok);
    RealServer* rs = ipvs.find_service(tcp_key())->find_dest(net::ipv4(172, 16, 10, 100), 80);
    CHECK(ipvs.edit_dest(tcp_key(), dest(100, 0)) == IpvsErr::ok);
    CHECK(rs->weight == 0);
    CHECK(rs->last_weight == 5);
    CHECK(ipvs.edit_dest(tcp_key(), dest(100, 3)) == IpvsErr::ok);
    CHECK(rs->last_weight == 3);
    rs->overload = true;
    DestUser u = dest(100, 3);
    u.u_threshold = 10;
    CHECK(ipvs.edit_dest(tcp_key(), u) == IpvsErr::ok);  // 10 > old 0
    CHECK_FALSE(rs->overload);
}

TEST_CASE("ipvs: --set changes tcp, tcpfin and udp timeouts, 0 leaves one unchanged", "[core][ipvs]") {
    Ipvs ipvs;
    CHECK(ipvs.timeouts().tcp == 900);
    CHECK(ipvs.timeouts().tcpfin == 120);
    CHECK(ipvs.timeouts().udp == 300);
    CHECK(ipvs.set_timeouts(Timeouts{3600, 0, 60}) == IpvsErr::ok);
    CHECK(ipvs.timeouts().tcp == 3600);
    CHECK(ipvs.timeouts().tcpfin == 120);
    CHECK(ipvs.timeouts().udp == 60);
    CHECK(ipvs.tcp_timeouts()[static_cast<int>(TcpState::established)] == 3600);
}

TEST_CASE("ipvs: -C removes every service", "[core][ipvs]") {
    Ipvs ipvs;
    REQUIRE(ipvs.add_service(svc("rr", 80), t0) == IpvsErr::ok);
    REQUIRE(ipvs.add_service(svc("rr", 443), t0) == IpvsErr::ok);
    REQUIRE(ipvs.add_dest(tcp_key(80), dest(100), t0) == IpvsErr::ok);
    ipvs.flush(t0);
    CHECK(ipvs.services().empty());
    CHECK(ipvs.add_service(svc("rr", 80), t0) == IpvsErr::ok);
}
