// glibc's own answers, table by table: every row was printed by glibc 2.36 (Debian 12, x86-64)
// itself, calling strtoul()/strtol()/atoi()/inet_aton()/inet_pton() on the input (and iproute2's
// get_addr_ipv4() compiled against it), and clib.hpp must give the same. The rows marked "the old
// copies disagreed" are where src/ctl/parse had two emulations (host_parse.cpp's c_strtoul/c_atoi/
// inet_aton and ipvsadm_addr.cpp's strtol_whole/atoi/inet_aton) that answered differently.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "ctl/parse/clib.hpp"
#include "ctl/parse/host_parse.hpp"

namespace clib = tapvs::ctl::clib;

namespace {

using namespace std::string_view_literals;

constexpr std::int64_t kLongMin = std::numeric_limits<std::int64_t>::min();

struct StrtoRow {
    std::string_view in;
    int base;
    std::uint64_t ul;  // strtoul(in, &end, base)
    std::size_t ul_end;
    bool ul_erange;
    std::int64_t l;  // strtol(in, &end, base)
    std::size_t l_end;
    bool l_erange;
};

// {input, base, strtoul value, end - input, errno == ERANGE, strtol value, end - input, ERANGE}
constexpr StrtoRow kStrto[] = {
    {"", 0, 0u, 0, false, 0, 0, false},
    {"", 10, 0u, 0, false, 0, 0, false},
    {"", 16, 0u, 0, false, 0, 0, false},
    {" ", 0, 0u, 0, false, 0, 0, false},
    {" ", 10, 0u, 0, false, 0, 0, false},
    {" ", 16, 0u, 0, false, 0, 0, false},
    {"0", 0, 0u, 1, false, 0, 1, false},
    {"0", 10, 0u, 1, false, 0, 1, false},
    {"0", 16, 0u, 1, false, 0, 1, false},
    {"12", 0, 12u, 2, false, 12, 2, false},
    {"12", 10, 12u, 2, false, 12, 2, false},
    {"12", 16, 18u, 2, false, 18, 2, false},
    {" 12", 0, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {" 12", 10, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {" 12", 16, 18u, 3, false, 18, 3, false},  // the old copies disagreed
    {"\t12", 0, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\t12", 10, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\t12", 16, 18u, 3, false, 18, 3, false},  // the old copies disagreed
    {"\n12", 0, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\n12", 10, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\n12", 16, 18u, 3, false, 18, 3, false},  // the old copies disagreed
    {"\v12", 0, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\v12", 10, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\v12", 16, 18u, 3, false, 18, 3, false},  // the old copies disagreed
    {"\f12", 0, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\f12", 10, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\f12", 16, 18u, 3, false, 18, 3, false},  // the old copies disagreed
    {"\r12", 0, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\r12", 10, 12u, 3, false, 12, 3, false},  // the old copies disagreed
    {"\r12", 16, 18u, 3, false, 18, 3, false},  // the old copies disagreed
    {"12 ", 0, 12u, 2, false, 12, 2, false},
    {"12 ", 10, 12u, 2, false, 12, 2, false},
    {"12 ", 16, 18u, 2, false, 18, 2, false},
    {"12x", 0, 12u, 2, false, 12, 2, false},
    {"12x", 10, 12u, 2, false, 12, 2, false},
    {"12x", 16, 18u, 2, false, 18, 2, false},
    {"+12", 0, 12u, 3, false, 12, 3, false},
    {"+12", 10, 12u, 3, false, 12, 3, false},
    {"+12", 16, 18u, 3, false, 18, 3, false},
    {"-12", 0, 18446744073709551604u, 3, false, -12, 3, false},  // the old copies disagreed
    {"-12", 10, 18446744073709551604u, 3, false, -12, 3, false},  // the old copies disagreed
    {"-12", 16, 18446744073709551598u, 3, false, -18, 3, false},  // the old copies disagreed
    {"- 12", 0, 0u, 0, false, 0, 0, false},
    {"- 12", 10, 0u, 0, false, 0, 0, false},
    {"- 12", 16, 0u, 0, false, 0, 0, false},
    {"+-12", 0, 0u, 0, false, 0, 0, false},
    {"+-12", 10, 0u, 0, false, 0, 0, false},
    {"+-12", 16, 0u, 0, false, 0, 0, false},
    {"-1", 0, 18446744073709551615u, 2, false, -1, 2, false},  // the old copies disagreed
    {"-1", 10, 18446744073709551615u, 2, false, -1, 2, false},  // the old copies disagreed
    {"-1", 16, 18446744073709551615u, 2, false, -1, 2, false},  // the old copies disagreed
    {"-0", 0, 0u, 2, false, 0, 2, false},  // the old copies disagreed
    {"-0", 10, 0u, 2, false, 0, 2, false},  // the old copies disagreed
    {"-0", 16, 0u, 2, false, 0, 2, false},  // the old copies disagreed
    {"+", 0, 0u, 0, false, 0, 0, false},
    {"+", 10, 0u, 0, false, 0, 0, false},
    {"+", 16, 0u, 0, false, 0, 0, false},
    {"-", 0, 0u, 0, false, 0, 0, false},
    {"-", 10, 0u, 0, false, 0, 0, false},
    {"-", 16, 0u, 0, false, 0, 0, false},
    {"0x", 0, 0u, 1, false, 0, 1, false},
    {"0x", 10, 0u, 1, false, 0, 1, false},
    {"0x", 16, 0u, 1, false, 0, 1, false},
    {"0X", 0, 0u, 1, false, 0, 1, false},
    {"0X", 10, 0u, 1, false, 0, 1, false},
    {"0X", 16, 0u, 1, false, 0, 1, false},
    {"0x1g", 0, 1u, 3, false, 1, 3, false},
    {"0x1g", 10, 0u, 1, false, 0, 1, false},
    {"0x1g", 16, 1u, 3, false, 1, 3, false},
    {"0xg", 0, 0u, 1, false, 0, 1, false},
    {"0xg", 10, 0u, 1, false, 0, 1, false},
    {"0xg", 16, 0u, 1, false, 0, 1, false},
    {"0x10", 0, 16u, 4, false, 16, 4, false},
    {"0x10", 10, 0u, 1, false, 0, 1, false},
    {"0x10", 16, 16u, 4, false, 16, 4, false},
    {"0X1F", 0, 31u, 4, false, 31, 4, false},
    {"0X1F", 10, 0u, 1, false, 0, 1, false},
    {"0X1F", 16, 31u, 4, false, 31, 4, false},
    {" 0x", 0, 0u, 2, false, 0, 2, false},
    {" 0x", 10, 0u, 2, false, 0, 2, false},
    {" 0x", 16, 0u, 2, false, 0, 2, false},
    {"-0x", 0, 0u, 2, false, 0, 2, false},
    {"-0x", 10, 0u, 2, false, 0, 2, false},
    {"-0x", 16, 0u, 2, false, 0, 2, false},
    {"+0x1", 0, 1u, 4, false, 1, 4, false},
    {"+0x1", 10, 0u, 2, false, 0, 2, false},
    {"+0x1", 16, 1u, 4, false, 1, 4, false},
    {"0x ", 0, 0u, 1, false, 0, 1, false},
    {"0x ", 10, 0u, 1, false, 0, 1, false},
    {"0x ", 16, 0u, 1, false, 0, 1, false},
    {"010", 0, 8u, 3, false, 8, 3, false},
    {"010", 10, 10u, 3, false, 10, 3, false},
    {"010", 16, 16u, 3, false, 16, 3, false},
    {"08", 0, 0u, 1, false, 0, 1, false},
    {"08", 10, 8u, 2, false, 8, 2, false},
    {"08", 16, 8u, 2, false, 8, 2, false},
    {"09", 0, 0u, 1, false, 0, 1, false},
    {"09", 10, 9u, 2, false, 9, 2, false},
    {"09", 16, 9u, 2, false, 9, 2, false},
    {"0", 0, 0u, 1, false, 0, 1, false},
    {"0", 10, 0u, 1, false, 0, 1, false},
    {"0", 16, 0u, 1, false, 0, 1, false},
    {"00", 0, 0u, 2, false, 0, 2, false},
    {"00", 10, 0u, 2, false, 0, 2, false},
    {"00", 16, 0u, 2, false, 0, 2, false},
    {"0xffffffff", 0, 4294967295u, 10, false, 4294967295, 10, false},
    {"0xffffffff", 10, 0u, 1, false, 0, 1, false},
    {"0xffffffff", 16, 4294967295u, 10, false, 4294967295, 10, false},
    {"0x100000000", 0, 4294967296u, 11, false, 4294967296, 11, false},
    {"0x100000000", 10, 0u, 1, false, 0, 1, false},
    {"0x100000000", 16, 4294967296u, 11, false, 4294967296, 11, false},
    {"4294967295", 0, 4294967295u, 10, false, 4294967295, 10, false},
    {"4294967295", 10, 4294967295u, 10, false, 4294967295, 10, false},
    {"4294967295", 16, 285960729237u, 10, false, 285960729237, 10, false},
    {"4294967296", 0, 4294967296u, 10, false, 4294967296, 10, false},
    {"4294967296", 10, 4294967296u, 10, false, 4294967296, 10, false},
    {"4294967296", 16, 285960729238u, 10, false, 285960729238, 10, false},
    {"18446744073709551615", 0, 18446744073709551615u, 20, false, 9223372036854775807, 20, true},
    {"18446744073709551615", 10, 18446744073709551615u, 20, false, 9223372036854775807, 20, true},
    {"18446744073709551615", 16, 18446744073709551615u, 20, true, 9223372036854775807, 20, true},
    {"18446744073709551616", 0, 18446744073709551615u, 20, true, 9223372036854775807, 20, true},
    {"18446744073709551616", 10, 18446744073709551615u, 20, true, 9223372036854775807, 20, true},
    {"18446744073709551616", 16, 18446744073709551615u, 20, true, 9223372036854775807, 20, true},
    {"99999999999999999999", 0, 18446744073709551615u, 20, true, 9223372036854775807, 20, true},
    {"99999999999999999999", 10, 18446744073709551615u, 20, true, 9223372036854775807, 20, true},
    {"99999999999999999999", 16, 18446744073709551615u, 20, true, 9223372036854775807, 20, true},
    {"-18446744073709551615", 0, 1u, 21, false, kLongMin, 21, true},
    {"-18446744073709551615", 10, 1u, 21, false, kLongMin, 21, true},
    {"-18446744073709551615", 16, 18446744073709551615u, 21, true, kLongMin, 21, true},
    {"-18446744073709551616", 0, 18446744073709551615u, 21, true, kLongMin, 21, true},
    {"-18446744073709551616", 10, 18446744073709551615u, 21, true, kLongMin, 21, true},
    {"-18446744073709551616", 16, 18446744073709551615u, 21, true, kLongMin, 21, true},
    {"9223372036854775807", 0, 9223372036854775807u, 19, false, 9223372036854775807, 19, false},
    {"9223372036854775807", 10, 9223372036854775807u, 19, false, 9223372036854775807, 19, false},
    {"9223372036854775807", 16, 18446744073709551615u, 19, true, 9223372036854775807, 19, true},
    {"9223372036854775808", 0, 9223372036854775808u, 19, false, 9223372036854775807, 19, true},
    {"9223372036854775808", 10, 9223372036854775808u, 19, false, 9223372036854775807, 19, true},
    {"9223372036854775808", 16, 18446744073709551615u, 19, true, 9223372036854775807, 19, true},
    {"-9223372036854775808", 0, 9223372036854775808u, 20, false, kLongMin, 20, false},
    {"-9223372036854775808", 10, 9223372036854775808u, 20, false, kLongMin, 20, false},
    {"-9223372036854775808", 16, 18446744073709551615u, 20, true, kLongMin, 20, true},
    {"-9223372036854775809", 0, 9223372036854775807u, 20, false, kLongMin, 20, true},
    {"-9223372036854775809", 10, 9223372036854775807u, 20, false, kLongMin, 20, true},
    {"-9223372036854775809", 16, 18446744073709551615u, 20, true, kLongMin, 20, true},
    {"2147483647", 0, 2147483647u, 10, false, 2147483647, 10, false},
    {"2147483647", 10, 2147483647u, 10, false, 2147483647, 10, false},
    {"2147483647", 16, 142929835591u, 10, false, 142929835591, 10, false},
    {"2147483648", 0, 2147483648u, 10, false, 2147483648, 10, false},
    {"2147483648", 10, 2147483648u, 10, false, 2147483648, 10, false},
    {"2147483648", 16, 142929835592u, 10, false, 142929835592, 10, false},
    {"-2147483648", 0, 18446744071562067968u, 11, false, -2147483648, 11, false},
    {"-2147483648", 10, 18446744071562067968u, 11, false, -2147483648, 11, false},
    {"-2147483648", 16, 18446743930779716024u, 11, false, -142929835592, 11, false},
    {"-2147483649", 0, 18446744071562067967u, 11, false, -2147483649, 11, false},
    {"-2147483649", 10, 18446744071562067967u, 11, false, -2147483649, 11, false},
    {"-2147483649", 16, 18446743930779716023u, 11, false, -142929835593, 11, false},
    {"3000000000", 0, 3000000000u, 10, false, 3000000000, 10, false},
    {"3000000000", 10, 3000000000u, 10, false, 3000000000, 10, false},
    {"3000000000", 16, 206158430208u, 10, false, 206158430208, 10, false},
    {"4294967297", 0, 4294967297u, 10, false, 4294967297, 10, false},
    {"4294967297", 10, 4294967297u, 10, false, 4294967297, 10, false},
    {"4294967297", 16, 285960729239u, 10, false, 285960729239, 10, false},
    {"0xffffffffffffffff", 0, 18446744073709551615u, 18, false, 9223372036854775807, 18, true},
    {"0xffffffffffffffff", 10, 0u, 1, false, 0, 1, false},
    {"0xffffffffffffffff", 16, 18446744073709551615u, 18, false, 9223372036854775807, 18, true},
    {"0x10000000000000000", 0, 18446744073709551615u, 19, true, 9223372036854775807, 19, true},
    {"0x10000000000000000", 10, 0u, 1, false, 0, 1, false},
    {"0x10000000000000000", 16, 18446744073709551615u, 19, true, 9223372036854775807, 19, true},
    {"ff", 0, 0u, 0, false, 0, 0, false},
    {"ff", 10, 0u, 0, false, 0, 0, false},
    {"ff", 16, 255u, 2, false, 255, 2, false},
    {"FF", 0, 0u, 0, false, 0, 0, false},
    {"FF", 10, 0u, 0, false, 0, 0, false},
    {"FF", 16, 255u, 2, false, 255, 2, false},
    {"z", 0, 0u, 0, false, 0, 0, false},
    {"z", 10, 0u, 0, false, 0, 0, false},
    {"z", 16, 0u, 0, false, 0, 0, false},
    {"12abc", 0, 12u, 2, false, 12, 2, false},
    {"12abc", 10, 12u, 2, false, 12, 2, false},
    {"12abc", 16, 76476u, 5, false, 76476, 5, false},
    {"1e3", 0, 1u, 1, false, 1, 1, false},
    {"1e3", 10, 1u, 1, false, 1, 1, false},
    {"1e3", 16, 483u, 3, false, 483, 3, false},
    {"0b101", 0, 0u, 1, false, 0, 1, false},
    {"0b101", 10, 0u, 1, false, 0, 1, false},
    {"0b101", 16, 45313u, 5, false, 45313, 5, false},
    {"1.5", 0, 1u, 1, false, 1, 1, false},
    {"1.5", 10, 1u, 1, false, 1, 1, false},
    {"1.5", 16, 1u, 1, false, 1, 1, false},
    {"\xd9""\xa1""\xd9""\xa2", 0, 0u, 0, false, 0, 0, false},
    {"\xd9""\xa1""\xd9""\xa2", 10, 0u, 0, false, 0, 0, false},
    {"\xd9""\xa1""\xd9""\xa2", 16, 0u, 0, false, 0, 0, false},
    {"\xa0""12", 0, 0u, 0, false, 0, 0, false},
    {"\xa0""12", 10, 0u, 0, false, 0, 0, false},
    {"\xa0""12", 16, 0u, 0, false, 0, 0, false},
    {"12\n", 0, 12u, 2, false, 12, 2, false},
    {"12\n", 10, 12u, 2, false, 12, 2, false},
    {"12\n", 16, 18u, 2, false, 18, 2, false},
    {"0x7f", 0, 127u, 4, false, 127, 4, false},
    {"0x7f", 10, 0u, 1, false, 0, 1, false},
    {"0x7f", 16, 127u, 4, false, 127, 4, false},
    {"0x7fffffffffffffff", 0, 9223372036854775807u, 18, false, 9223372036854775807, 18, false},
    {"0x7fffffffffffffff", 10, 0u, 1, false, 0, 1, false},
    {"0x7fffffffffffffff", 16, 9223372036854775807u, 18, false, 9223372036854775807, 18, false},
    {"0x8000000000000000", 0, 9223372036854775808u, 18, false, 9223372036854775807, 18, true},
    {"0x8000000000000000", 10, 0u, 1, false, 0, 1, false},
    {"0x8000000000000000", 16, 9223372036854775808u, 18, false, 9223372036854775807, 18, true},
    {"  +0x1A", 0, 26u, 7, false, 26, 7, false},  // the old copies disagreed
    {"  +0x1A", 10, 0u, 4, false, 0, 4, false},  // the old copies disagreed
    {"  +0x1A", 16, 26u, 7, false, 26, 7, false},  // the old copies disagreed
    {"  -0x1A", 0, 18446744073709551590u, 7, false, -26, 7, false},  // the old copies disagreed
    {"  -0x1A", 10, 0u, 4, false, 0, 4, false},  // the old copies disagreed
    {"  -0x1A", 16, 18446744073709551590u, 7, false, -26, 7, false},  // the old copies disagreed
};

struct AtoiRow {
    std::string_view in;
    int value;
};
constexpr AtoiRow kAtoi[] = {
    {"", 0},
    {" ", 0},
    {"0", 0},
    {"12", 12},
    {" 12", 12},
    {"\t12", 12},
    {"\n12", 12},
    {"\v12", 12},
    {"\f12", 12},
    {"\r12", 12},
    {"12 ", 12},
    {"12x", 12},
    {"+12", 12},
    {"-12", -12},
    {"- 12", 0},
    {"+-12", 0},
    {"-1", -1},
    {"-0", 0},
    {"+", 0},
    {"-", 0},
    {"0x", 0},
    {"0X", 0},
    {"0x1g", 0},
    {"0xg", 0},
    {"0x10", 0},
    {"0X1F", 0},
    {" 0x", 0},
    {"-0x", 0},
    {"+0x1", 0},
    {"0x ", 0},
    {"010", 10},
    {"08", 8},
    {"09", 9},
    {"0", 0},
    {"00", 0},
    {"0xffffffff", 0},
    {"0x100000000", 0},
    {"4294967295", -1},  // the old copies disagreed
    {"4294967296", 0},  // the old copies disagreed
    {"18446744073709551615", -1},  // the old copies disagreed
    {"18446744073709551616", -1},  // the old copies disagreed
    {"99999999999999999999", -1},  // the old copies disagreed
    {"-18446744073709551615", 0},  // the old copies disagreed
    {"-18446744073709551616", 0},  // the old copies disagreed
    {"9223372036854775807", -1},  // the old copies disagreed
    {"9223372036854775808", -1},  // the old copies disagreed
    {"-9223372036854775808", 0},  // the old copies disagreed
    {"-9223372036854775809", 0},  // the old copies disagreed
    {"2147483647", 2147483647},
    {"2147483648", -2147483648},  // the old copies disagreed
    {"-2147483648", -2147483648},  // the old copies disagreed
    {"-2147483649", 2147483647},
    {"3000000000", -1294967296},  // the old copies disagreed
    {"4294967297", 1},  // the old copies disagreed
    {"0xffffffffffffffff", 0},
    {"0x10000000000000000", 0},
    {"ff", 0},
    {"FF", 0},
    {"z", 0},
    {"12abc", 12},
    {"1e3", 1},
    {"0b101", 0},
    {"1.5", 1},
    {"\xd9""\xa1""\xd9""\xa2", 0},
    {"\xa0""12", 0},
    {"12\n", 12},
    {"0x7f", 0},
    {"0x7fffffffffffffff", 0},
    {"0x8000000000000000", 0},
    {"  +0x1A", 0},
    {"  -0x1A", 0},
};

struct AddrRow {
    std::string_view in;
    std::optional<std::uint32_t> host_order;  // nothing: the function returned 0
};
// inet_aton()
const AddrRow kAton[] = {
    {"", std::nullopt},
    {" ", std::nullopt},
    {"1.2.3.4", 0x01020304u},
    {"1.2.3.4 ", 0x01020304u},  // the old copies disagreed
    {"1.2.3.4\t", 0x01020304u},  // the old copies disagreed
    {"1.2.3.4\n", 0x01020304u},  // the old copies disagreed
    {"1.2.3.4 junk", 0x01020304u},  // the old copies disagreed
    {"1.2.3.4x", std::nullopt},
    {" 1.2.3.4", std::nullopt},
    {"1.2.3.4.", std::nullopt},
    {"1.2.3.4.5", std::nullopt},
    {"0x7f.1", 0x7f000001u},
    {"017.0.0.1", 0x0f000001u},
    {"1.2.3", 0x01020003u},
    {"1.2", 0x01000002u},
    {"1", 0x00000001u},
    {"0", 0x00000000u},
    {"4294967295", 0xffffffffu},
    {"4294967296", std::nullopt},
    {"1.256.3.4", std::nullopt},
    {"1.2.3.256", std::nullopt},
    {"1.2.65535", 0x0102ffffu},
    {"1.2.65536", std::nullopt},
    {"1.16777215", 0x01ffffffu},
    {"1.16777216", std::nullopt},
    {"256.1", std::nullopt},
    {"0x", std::nullopt},
    {"0x.1.2.3", std::nullopt},
    {"08.1.2.3", std::nullopt},
    {"09", std::nullopt},
    {"1..2.3", std::nullopt},
    {".1.2.3", std::nullopt},
    {"1.2.3.", std::nullopt},
    {"+1.2.3.4", std::nullopt},
    {"-1.2.3.4", std::nullopt},
    {"1.+2.3.4", std::nullopt},
    {"1. 2.3.4", std::nullopt},
    {"1.2.3.-4", std::nullopt},
    {"0xff.0xff.0xff.0xff", 0xffffffffu},
    {"0377.0377.0377.0377", 0xffffffffu},
    {"0400.1.2.3", std::nullopt},
    {"1.2.3.0x100", std::nullopt},
    {"127.1", 0x7f000001u},
    {"10.8", 0x0a000008u},
    {"10.0x8", 0x0a000008u},
    {"192.168.1.10", 0xc0a8010au},
    {"1.2.3.4\xa0", std::nullopt},
    {"99999999999999999999", std::nullopt},
    {"1.2.3.99999999999999999999", std::nullopt},
    {"18446744073709551615", std::nullopt},
    {"0x100000000", std::nullopt},
    {"1.2.3.4:80", std::nullopt},
    {"a.b.c.d", std::nullopt},
    {"1.2.3.04", 0x01020304u},
    {"1.2.3.09", std::nullopt},
    {"01.02.03.04", 0x01020304u},
    {"1.2.3.4/24", std::nullopt},
};
// inet_pton(AF_INET)
const AddrRow kPton4[] = {
    {"", std::nullopt},
    {" ", std::nullopt},
    {"1.2.3.4", 0x01020304u},
    {"1.2.3.4 ", std::nullopt},
    {"1.2.3.4\t", std::nullopt},
    {"1.2.3.4\n", std::nullopt},
    {"1.2.3.4 junk", std::nullopt},
    {"1.2.3.4x", std::nullopt},
    {" 1.2.3.4", std::nullopt},
    {"1.2.3.4.", std::nullopt},
    {"1.2.3.4.5", std::nullopt},
    {"0x7f.1", std::nullopt},
    {"017.0.0.1", std::nullopt},
    {"1.2.3", std::nullopt},
    {"1.2", std::nullopt},
    {"1", std::nullopt},
    {"0", std::nullopt},
    {"4294967295", std::nullopt},
    {"4294967296", std::nullopt},
    {"1.256.3.4", std::nullopt},
    {"1.2.3.256", std::nullopt},
    {"1.2.65535", std::nullopt},
    {"1.2.65536", std::nullopt},
    {"1.16777215", std::nullopt},
    {"1.16777216", std::nullopt},
    {"256.1", std::nullopt},
    {"0x", std::nullopt},
    {"0x.1.2.3", std::nullopt},
    {"08.1.2.3", std::nullopt},
    {"09", std::nullopt},
    {"1..2.3", std::nullopt},
    {".1.2.3", std::nullopt},
    {"1.2.3.", std::nullopt},
    {"+1.2.3.4", std::nullopt},
    {"-1.2.3.4", std::nullopt},
    {"1.+2.3.4", std::nullopt},
    {"1. 2.3.4", std::nullopt},
    {"1.2.3.-4", std::nullopt},
    {"0xff.0xff.0xff.0xff", std::nullopt},
    {"0377.0377.0377.0377", std::nullopt},
    {"0400.1.2.3", std::nullopt},
    {"1.2.3.0x100", std::nullopt},
    {"127.1", std::nullopt},
    {"10.8", std::nullopt},
    {"10.0x8", std::nullopt},
    {"192.168.1.10", 0xc0a8010au},
    {"1.2.3.4\xa0", std::nullopt},
    {"99999999999999999999", std::nullopt},
    {"1.2.3.99999999999999999999", std::nullopt},
    {"18446744073709551615", std::nullopt},
    {"0x100000000", std::nullopt},
    {"1.2.3.4:80", std::nullopt},
    {"a.b.c.d", std::nullopt},
    {"1.2.3.04", std::nullopt},
    {"1.2.3.09", std::nullopt},
    {"01.02.03.04", std::nullopt},
    {"1.2.3.4/24", std::nullopt},
};
// iproute2 lib/utils.c get_addr_ipv4(), over glibc's strtoul()
const AddrRow kIproute[] = {
    {"", std::nullopt},
    {" ", std::nullopt},
    {"1.2.3.4", 0x01020304u},
    {"1.2.3.4 ", std::nullopt},
    {"1.2.3.4\t", std::nullopt},
    {"1.2.3.4\n", std::nullopt},
    {"1.2.3.4 junk", std::nullopt},
    {"1.2.3.4x", std::nullopt},
    {" 1.2.3.4", 0x01020304u},  // the old copy refused it
    {"1.2.3.4.", std::nullopt},
    {"1.2.3.4.5", std::nullopt},
    {"0x7f.1", 0x7f010000u},
    {"017.0.0.1", 0x0f000001u},
    {"1.2.3", 0x01020300u},
    {"1.2", 0x01020000u},
    {"1", 0x01000000u},
    {"0", 0x00000000u},
    {"4294967295", std::nullopt},
    {"4294967296", std::nullopt},
    {"1.256.3.4", std::nullopt},
    {"1.2.3.256", std::nullopt},
    {"1.2.65535", std::nullopt},
    {"1.2.65536", std::nullopt},
    {"1.16777215", std::nullopt},
    {"1.16777216", std::nullopt},
    {"256.1", std::nullopt},
    {"0x", std::nullopt},
    {"0x.1.2.3", std::nullopt},
    {"08.1.2.3", std::nullopt},
    {"09", std::nullopt},
    {"1..2.3", std::nullopt},
    {".1.2.3", std::nullopt},
    {"1.2.3.", std::nullopt},
    {"+1.2.3.4", 0x01020304u},  // the old copy refused it
    {"-1.2.3.4", std::nullopt},
    {"1.+2.3.4", 0x01020304u},  // the old copy refused it
    {"1. 2.3.4", 0x01020304u},  // the old copy refused it
    {"1.2.3.-4", std::nullopt},
    {"0xff.0xff.0xff.0xff", 0xffffffffu},
    {"0377.0377.0377.0377", 0xffffffffu},
    {"0400.1.2.3", std::nullopt},
    {"1.2.3.0x100", std::nullopt},
    {"127.1", 0x7f010000u},
    {"10.8", 0x0a080000u},
    {"10.0x8", 0x0a080000u},
    {"192.168.1.10", 0xc0a8010au},
    {"1.2.3.4\xa0", std::nullopt},
    {"99999999999999999999", std::nullopt},
    {"1.2.3.99999999999999999999", std::nullopt},
    {"18446744073709551615", std::nullopt},
    {"0x100000000", std::nullopt},
    {"1.2.3.4:80", std::nullopt},
    {"a.b.c.d", std::nullopt},
    {"1.2.3.04", 0x01020304u},
    {"1.2.3.09", std::nullopt},
    {"01.02.03.04", 0x01020304u},
    {"1.2.3.4/24", std::nullopt},
};

using Bytes = clib::Ipv6Bytes;
struct Addr6Row {
    std::string_view in;
    std::optional<Bytes> bytes;
};
// inet_pton(AF_INET6)
const Addr6Row kPton6[] = {
    {"::", Bytes{{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}}},
    {"::1", Bytes{{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}}},
    {"1::", Bytes{{0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}}},
    {"ff02::1", Bytes{{0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}}},
    {"fe80::1:2", Bytes{{0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02}}},
    {"1:2:3:4:5:6:7:8", Bytes{{0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x00, 0x08}}},
    {"1:2:3:4:5:6:7:8:9", std::nullopt},
    {"1:2:3:4:5:6:7", std::nullopt},
    {"1::2::3", std::nullopt},
    {":1::2", std::nullopt},
    {"1:::2", std::nullopt},
    {"::ffff:1.2.3.4", Bytes{{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04}}},
    {"::1.2.3.4", Bytes{{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04}}},
    {"1:2:3:4:5:6:1.2.3.4", Bytes{{0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04}}},
    {"1:2:3:4:5:6:7:1.2.3.4", std::nullopt},
    {"::01.2.3.4", std::nullopt},
    {"12345::", std::nullopt},
    {"fffff::", std::nullopt},
    {"1:", std::nullopt},
    {"1::2 ", std::nullopt},
    {"::g", std::nullopt},
    {"", std::nullopt},
    {":", std::nullopt},
    {"FF02::ABCD", Bytes{{0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xab, 0xcd}}},
    {"0:0:0:0:0:0:0:0", Bytes{{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}}},
    {"1:2:3:4:5:6:7::", Bytes{{0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x00, 0x00}}},
    {"::2:3:4:5:6:7:8", Bytes{{0x00, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x00, 0x08}}},
    {"1:2:3:4::5:6:7:8", std::nullopt},
};

}  // namespace

TEST_CASE("clib: strtoul and strtol give glibc's value, end and ERANGE", "[clib]") {
    for (const auto& r : kStrto) {
        INFO("input \"" << std::string(r.in) << "\" base " << r.base);
        const auto u = clib::strtoul(r.in, r.base);
        CHECK(u.value == r.ul);
        CHECK(u.end == r.ul_end);
        CHECK(u.erange == r.ul_erange);
        CHECK(u.length == r.in.size());
        const auto l = clib::strtol(r.in, r.base);
        CHECK(l.value == r.l);
        CHECK(l.end == r.l_end);
        CHECK(l.erange == r.l_erange);
    }
}

TEST_CASE("clib: atoi is glibc's (int) strtol(s, NULL, 10)", "[clib]") {
    for (const auto& r : kAtoi) {
        INFO("input \"" << std::string(r.in) << "\"");
        CHECK(clib::atoi(r.in) == r.value);
    }
}

TEST_CASE("clib: inet_aton and inet_pton(AF_INET) answer as glibc's", "[clib]") {
    for (const auto& r : kAton) {
        INFO("inet_aton \"" << std::string(r.in) << "\"");
        CHECK(clib::inet_aton(r.in) == r.host_order);
    }
    for (const auto& r : kPton4) {
        INFO("inet_pton \"" << std::string(r.in) << "\"");
        CHECK(clib::inet_pton4(r.in) == r.host_order);
    }
}

TEST_CASE("clib: inet_pton(AF_INET6) answers as glibc's", "[clib]") {
    for (const auto& r : kPton6) {
        INFO("inet_pton6 \"" << std::string(r.in) << "\"");
        CHECK(clib::inet_pton6(r.in) == r.bytes);
    }
}

TEST_CASE("clib: iproute2's get_addr_ipv4 over glibc's strtoul", "[clib]") {
    for (const auto& r : kIproute) {
        INFO("get_addr_ipv4 \"" << std::string(r.in) << "\"");
        const auto a = tapvs::ctl::detail::get_addr_ipv4(r.in);
        CHECK(a.has_value() == r.host_order.has_value());
        if (a && r.host_order) CHECK(a->host_order == *r.host_order);
    }
}

TEST_CASE("clib: a word is read as the C string it stands for, up to its first NUL", "[clib]") {
    CHECK(clib::c_str("12\0x"sv) == "12");
    CHECK(clib::c_str("12"sv) == "12");
    const auto u = clib::strtoul("12\0x"sv, 10);
    CHECK(u.value == 12);
    CHECK(u.end == 2);
    CHECK(u.length == 2);
    CHECK(u.whole());
    CHECK(clib::strtol("-7\0"sv, 0).whole());
    CHECK(clib::atoi("42\0" "99"sv) == 42);
    CHECK(clib::inet_aton("1.2.3.4\0junk"sv) == 0x01020304u);
    CHECK(clib::inet_pton4("1.2.3.4\0" "5"sv) == 0x01020304u);
    CHECK(clib::inet_pton6("::1\0" "2"sv).has_value());
    CHECK_FALSE(clib::strtoul("\0" "12"sv, 10).converted());
}

TEST_CASE("clib: converted, at_nul and whole are the checks the tools make", "[clib]") {
    // get_unsigned(): !ptr || ptr == arg || *ptr -> -1; ULONG_MAX with ERANGE -> -1
    CHECK(clib::strtoul("12", 0).whole());
    CHECK_FALSE(clib::strtoul("", 0).converted());
    CHECK(clib::strtoul("", 0).at_nul());  // INET_getnetmask(): *end == '\0' with nothing read
    CHECK_FALSE(clib::strtoul("0x", 0).at_nul());  // reads the 0, stops at the x
    CHECK(clib::strtoul("0x", 0).converted());
    CHECK_FALSE(clib::strtoul("12 ", 0).whole());
    CHECK_FALSE(clib::strtoul("99999999999999999999", 0).whole());
    CHECK(clib::strtoul("-1", 0).whole());  // 18446744073709551615, no ERANGE
    CHECK(clib::strtoul("-1", 0).value == std::numeric_limits<std::uint64_t>::max());
    // bases glibc refuses (EINVAL): nothing read
    CHECK_FALSE(clib::strtoul("12", 1).converted());
    CHECK_FALSE(clib::strtol("12", 37).converted());
    CHECK(clib::strtoul("z", 36).value == 35);
}
