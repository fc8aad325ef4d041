// The one text of each address type: fmt::formatter and to_string() give the same bytes.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "tapvs/net/addr.hpp"

using namespace tapvs;

TEST_CASE("addresses: one formatter per type, to_string() the same text", "[net][addr]") {
    const net::Ipv4Addr a = net::ipv4(192, 168, 1, 10);
    CHECK(fmt::format("{}", a) == "192.168.1.10");
    CHECK(a.to_string() == "192.168.1.10");
    CHECK(fmt::format("{}", net::Ipv4Addr{}) == "0.0.0.0");
    CHECK(fmt::format("{}", net::Ipv4Addr{0xffffffffu}) == "255.255.255.255");

    const net::MacAddr m{{0x02, 0x00, 0x0a, 0xbc, 0xde, 0xff}};
    CHECK(fmt::format("{}", m) == "02:00:0a:bc:de:ff");
    CHECK(m.to_string() == "02:00:0a:bc:de:ff");
    CHECK(fmt::format("{}", net::MacAddr::broadcast()) == "ff:ff:ff:ff:ff:ff");

    const net::Endpoint e{a, 80};
    CHECK(fmt::format("{}", e) == "192.168.1.10:80");
    CHECK(e.to_string() == "192.168.1.10:80");
    CHECK(fmt::format("{}", net::Endpoint{net::Ipv4Addr{0xffffffffu}, 65535}) == "255.255.255.255:65535");
}

TEST_CASE("addresses: a width and an alignment apply to the whole text", "[net][addr]") {
    CHECK(fmt::format("[{:<12}]", net::ipv4(10, 0, 0, 1)) == "[10.0.0.1    ]");
    CHECK(fmt::format("[{:>12}]", net::ipv4(10, 0, 0, 1)) == "[    10.0.0.1]");
    CHECK(fmt::format("[{:<18}]", net::Endpoint{net::ipv4(10, 0, 0, 1), 80}) == "[10.0.0.1:80       ]");
}
