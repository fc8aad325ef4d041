#include <catch2/catch.hpp>

#include "tapvs/core/conn_table.hpp"

using namespace tapvs;
using namespace tapvs::core;

namespace {
Connection conn(std::uint32_t client, std::uint16_t cport, std::uint16_t vport = 80) {
    Connection c;
    c.protocol = Proto::tcp;
    c.caddr = net::Ipv4Addr{client};
    c.cport = cport;
    c.vaddr = net::ipv4(192, 168, 1, 10);
    c.vport = vport;
    c.daddr = net::ipv4(172, 16, 10, 100);
    c.dport = 8080;
    return c;
}
Timestamp at(int s) { return Timestamp{seconds(s)}; }
}  // namespace

TEST_CASE("conn table: an entry is found from both directions", "[core][conn]") {
    ConnTable t(16);
    std::uint32_t i = t.insert(conn(0x0a000001, 40000));
    CHECK(t.find_in(Proto::tcp, net::Ipv4Addr{0x0a000001}, 40000, net::ipv4(192, 168, 1, 10), 80) == i);
    CHECK(t.find_out(Proto::tcp, net::ipv4(172, 16, 10, 100), 8080, net::Ipv4Addr{0x0a000001}, 40000) == i);
    // Any field off: not found.
    CHECK(t.find_in(Proto::udp, net::Ipv4Addr{0x0a000001}, 40000, net::ipv4(192, 168, 1, 10), 80) == kNoConn);
    CHECK(t.find_in(Proto::tcp, net::Ipv4Addr{0x0a000001}, 40001, net::ipv4(192, 168, 1, 10), 80) == kNoConn);
    CHECK(t.find_out(Proto::tcp, net::ipv4(172, 16, 10, 100), 80, net::Ipv4Addr{0x0a000001}, 40000) == kNoConn);
}

TEST_CASE("conn table: templates are found only as templates", "[core][conn]") {
    ConnTable t(16);
    Connection tmpl = conn(0x0a000000, 0);
    tmpl.flags = kConnTemplate;
    std::uint32_t i = t.insert(tmpl);
    CHECK(t.find_template(Proto::tcp, net::Ipv4Addr{0x0a000000}, net::ipv4(192, 168, 1, 10), 80) == i);
    CHECK(t.find_in(Proto::tcp, net::Ipv4Addr{0x0a000000}, 0, net::ipv4(192, 168, 1, 10), 80) == kNoConn);
}

TEST_CASE("conn table: the newest entry for a key is found first, also after the table grows", "[core][conn]") {
    ConnTable t(4);
    std::uint32_t old_i = t.insert(conn(0x0a000001, 40000));
    std::uint32_t new_i = t.insert(conn(0x0a000001, 40000));
    CHECK(t.find_in(Proto::tcp, net::Ipv4Addr{0x0a000001}, 40000, net::ipv4(192, 168, 1, 10), 80) == new_i);
    for (std::uint32_t k = 0; k < 1000; ++k) t.insert(conn(0x0b000000 + k, 1000));
    CHECK(t.bucket_count() >= 1000);
    CHECK(t.find_in(Proto::tcp, net::Ipv4Addr{0x0a000001}, 40000, net::ipv4(192, 168, 1, 10), 80) == new_i);
    for (std::uint32_t k = 0; k < 1000; k += 97)
        CHECK(t.find_in(Proto::tcp, net::Ipv4Addr{0x0b000000 + k}, 1000, net::ipv4(192, 168, 1, 10), 80) != kNoConn);
    t.release(new_i);
    CHECK(t.find_in(Proto::tcp, net::Ipv4Addr{0x0a000001}, 40000, net::ipv4(192, 168, 1, 10), 80) == old_i);
    CHECK(t.size() == 1001);
}

TEST_CASE("conn table: timers fire in deadline order, ties by creation id", "[core][conn][timer]") {
    ConnTable t(16);
    Connection a = conn(1, 1), b = conn(2, 2), c = conn(3, 3);
    a.id = 1, b.id = 2, c.id = 3;
    std::uint32_t ia = t.insert(a), ib = t.insert(b), ic = t.insert(c);
    t.arm(ic, at(10));
    t.arm(ib, at(5));
    t.arm(ia, at(10));
    CHECK(t.pop_due(at(4)) == kNoConn);
    CHECK(t.next_due() == at(5));
    CHECK(t.pop_due(at(20)) == ib);
    CHECK(t.pop_due(at(20)) == ia);  // same deadline as c, older id
    CHECK(t.pop_due(at(20)) == ic);
    CHECK(t.pop_due(at(20)) == kNoConn);
}

TEST_CASE("conn table: a re-armed timer fires at its newest deadline, earlier or later", "[core][conn][timer]") {
    ConnTable t(16);
    std::uint32_t i = t.insert(conn(1, 1));
    t.arm(i, at(10));
    t.arm(i, at(100));  // later: the queued record is re-queued when it comes up
    CHECK(t.pop_due(at(50)) == kNoConn);
    CHECK(t.pop_due(at(100)) == i);
    t.arm(i, at(200));
    t.arm(i, at(120));  // earlier: fires at 120, the 200 record is stale
    CHECK(t.pop_due(at(119)) == kNoConn);
    CHECK(t.pop_due(at(120)) == i);
    CHECK(t.pop_due(at(300)) == kNoConn);
}

TEST_CASE("conn table: a released slot's old timer never fires for its next user", "[core][conn][timer]") {
    ConnTable t(16);
    std::uint32_t i = t.insert(conn(1, 1));
    t.arm(i, at(10));
    t.release(i);
    std::uint32_t j = t.insert(conn(2, 2));
    REQUIRE(j == i);  // the slot is reused
    t.arm(j, at(50));
    CHECK(t.pop_due(at(20)) == kNoConn);
    CHECK(t.pop_due(at(50)) == j);
}

TEST_CASE("conn table: an entry stays within 256 bytes", "[core][conn]") {
    STATIC_REQUIRE(sizeof(Connection) <= 256);
}
