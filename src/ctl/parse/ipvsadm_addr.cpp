#include "ctl/parse/ipvsadm_addr.hpp"

#include <climits>
#include <string>

namespace tapvs::ctl::ipvsadm_detail {

namespace {

// isspace() in the C locale.
bool c_isspace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool c_isdigit(char c) noexcept { return c >= '0' && c <= '9'; }
int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// strtoul(s, &end, 0) for a string that starts with a digit, as inet_aton_end() calls it. Returns
// the value (nothing on overflow past 32 bits, which inet_aton refuses anyway) and moves `pos`.
std::optional<std::uint64_t> strtoul_base0(std::string_view s, std::size_t& pos) noexcept {
    int base = 10;
    std::size_t i = pos;
    if (s[i] == '0') {
        if (i + 2 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') && hex_value(s[i + 2]) >= 0) {
            base = 16;
            i += 2;
        } else {
            base = 8;
        }
    }
    std::uint64_t v = 0;
    bool overflow = false;
    for (; i < s.size(); ++i) {
        int d = hex_value(s[i]);
        if (d < 0 || d >= base) break;
        v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
        if (v > 0xffffffffULL) overflow = true;  // keeps scanning, as strtoul does
        if (v > 0xffffffffffULL) v = 0xffffffffffULL;
    }
    pos = i;
    if (overflow) return std::nullopt;
    return v;
}

// The C string an argument stands for: everything before its first NUL.
std::string_view c_str_view(std::string_view s) noexcept {
    auto nul = s.find('\0');
    return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// ipvsadm.c str_is_digit(): true for "" and for all-digit strings.
bool str_is_digit(std::string_view s) noexcept {
    for (char c : s)
        if (!c_isdigit(c)) return false;
    return true;
}

// ipvsadm.c service_to_port(): getservbyname() for the service's protocol, else -1.
int service_to_port(std::string_view name, std::uint16_t proto, const NameResolver* resolver) {
    if (!resolver) return -1;
    std::string_view p;
    if (proto == kIpprotoTcp) p = "tcp";
    else if (proto == kIpprotoUdp) p = "udp";
    else if (proto == kIpprotoSctp) p = "sctp";
    else return -1;
    auto port = resolver->service(name, p);
    return port ? static_cast<int>(*port) : -1;
}

// ipvsadm.c host_to_addr(): gethostbyname(), IPv4 only.
std::optional<std::uint32_t> host_to_addr(std::string_view name, const NameResolver* resolver) {
    if (!resolver) return std::nullopt;
    auto a = resolver->host(name);
    if (!a) return std::nullopt;
    return a->host_order;
}

}  // namespace

std::optional<std::uint32_t> inet_aton(std::string_view s) noexcept {
    // glibc inet_aton_end(): parts separated by '.', each as C integer syntax; the last part fills
    // the bits the earlier ones left; trailing blanks end the scan.
    static constexpr std::uint32_t kMax[4] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
    std::uint32_t bytes[4] = {0, 0, 0, 0};
    int nparts = 0;
    std::size_t pos = 0;
    std::uint64_t val = 0;
    char c = pos < s.size() ? s[pos] : '\0';
    for (;;) {
        if (!c_isdigit(c)) return std::nullopt;
        auto v = strtoul_base0(s, pos);
        if (!v) return std::nullopt;
        val = *v;
        c = pos < s.size() ? s[pos] : '\0';
        if (c == '.') {
            if (nparts > 2 || val > 0xff) return std::nullopt;
            bytes[nparts++] = static_cast<std::uint32_t>(val);
            ++pos;
            c = pos < s.size() ? s[pos] : '\0';
        } else {
            break;
        }
    }
    if (c != '\0' && !c_isspace(c)) return std::nullopt;
    if (val > kMax[nparts]) return std::nullopt;
    std::uint32_t word = (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    return word | static_cast<std::uint32_t>(val);
}

std::optional<std::uint32_t> inet_pton4(std::string_view s) noexcept {
    std::uint32_t tmp[4] = {0, 0, 0, 0};
    int octets = 0;
    int idx = 0;
    bool saw_digit = false;
    for (char ch : s) {
        if (c_isdigit(ch)) {
            std::uint32_t nv = tmp[idx] * 10 + static_cast<std::uint32_t>(ch - '0');
            if (saw_digit && tmp[idx] == 0) return std::nullopt;
            if (nv > 255) return std::nullopt;
            tmp[idx] = nv;
            if (!saw_digit) {
                if (++octets > 4) return std::nullopt;
                saw_digit = true;
            }
        } else if (ch == '.' && saw_digit) {
            if (octets == 4) return std::nullopt;
            ++idx;
            saw_digit = false;
        } else {
            return std::nullopt;
        }
    }
    if (octets < 4) return std::nullopt;
    return (tmp[0] << 24) | (tmp[1] << 16) | (tmp[2] << 8) | tmp[3];
}

std::optional<Ipv6Bytes> inet_pton6(std::string_view s) noexcept {
    // glibc inet_pton6(): 16 bytes of groups of up to 4 hex digits, one "::", and an optional
    // dotted quad in the last 32 bits.
    constexpr int kSize = 16;
    Ipv6Bytes tmp{};
    int tp = 0;
    int colonp = -1;
    std::size_t i = 0;
    if (s.empty()) return std::nullopt;
    if (s[0] == ':') {
        ++i;
        if (i == s.size() || s[i] != ':') return std::nullopt;
    }
    std::size_t curtok = i;
    int xdigits_seen = 0;
    std::uint32_t val = 0;
    while (i < s.size()) {
        char ch = s[i++];
        int digit = hex_value(ch);
        if (digit >= 0) {
            if (xdigits_seen == 4) return std::nullopt;
            val = (val << 4) | static_cast<std::uint32_t>(digit);
            if (val > 0xffff) return std::nullopt;
            ++xdigits_seen;
            continue;
        }
        if (ch == ':') {
            curtok = i;
            if (xdigits_seen == 0) {
                if (colonp >= 0) return std::nullopt;
                colonp = tp;
                continue;
            }
            if (i == s.size()) return std::nullopt;
            if (tp + 2 > kSize) return std::nullopt;
            tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val >> 8);
            tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val & 0xff);
            xdigits_seen = 0;
            val = 0;
            continue;
        }
        if (ch == '.' && tp + 4 <= kSize) {
            if (auto v4 = inet_pton4(s.substr(curtok))) {
                for (int b = 3; b >= 0; --b)
                    tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(*v4 >> (8 * b));
                xdigits_seen = 0;
                i = s.size();
                break;
            }
        }
        return std::nullopt;
    }
    if (xdigits_seen > 0) {
        if (tp + 2 > kSize) return std::nullopt;
        tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val >> 8);
        tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val & 0xff);
    }
    if (colonp >= 0) {
        if (tp == kSize) return std::nullopt;
        int n = tp - colonp;
        for (int k = 1; k <= n; ++k) {
            tmp[static_cast<std::size_t>(kSize - k)] = tmp[static_cast<std::size_t>(colonp + n - k)];
            tmp[static_cast<std::size_t>(colonp + n - k)] = 0;
        }
        tp = kSize;
    }
    if (tp != kSize) return std::nullopt;
    return tmp;
}

std::optional<long> strtol_whole(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && c_isspace(s[i])) ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        ++i;
    }
    std::size_t first = i;
    unsigned long long mag = 0;
    bool range = false;
    for (; i < s.size() && c_isdigit(s[i]); ++i) {
        if (mag > (ULLONG_MAX - 9) / 10) range = true;
        else mag = mag * 10 + static_cast<unsigned long long>(s[i] - '0');
    }
    if (i == first) return std::nullopt;  // no digits: end == s
    if (i != s.size()) return std::nullopt;
    if (range) return std::nullopt;
    if (!neg && mag > static_cast<unsigned long long>(LONG_MAX)) return std::nullopt;
    if (neg && mag > static_cast<unsigned long long>(LONG_MAX) + 1ULL) return std::nullopt;
    if (neg) return mag == static_cast<unsigned long long>(LONG_MAX) + 1ULL ? LONG_MIN : -static_cast<long>(mag);
    return static_cast<long>(mag);
}

int atoi(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && c_isspace(s[i])) ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        ++i;
    }
    unsigned long long mag = 0;
    bool range = false;
    for (; i < s.size() && c_isdigit(s[i]); ++i) {
        if (mag > (ULLONG_MAX - 9) / 10) range = true;
        else mag = mag * 10 + static_cast<unsigned long long>(s[i] - '0');
    }
    long v;
    if (!neg) v = (range || mag > static_cast<unsigned long long>(LONG_MAX)) ? LONG_MAX : static_cast<long>(mag);
    else v = (range || mag > static_cast<unsigned long long>(LONG_MAX)) ? LONG_MIN : -static_cast<long>(mag);
    // (int) strtol(...): the low 32 bits.
    return static_cast<int>(static_cast<std::uint32_t>(static_cast<unsigned long>(v) & 0xffffffffUL));
}

int string_to_number(std::string_view s, int min, int max) noexcept {
    auto n = strtol_whole(c_str_view(s));
    if (n && min <= *n && *n <= max) return static_cast<int>(*n);
    return -1;
}

int parse_service(std::string_view arg, ServiceAddr& svc, const NameResolver* resolver) {
    std::string buf(c_str_view(arg));
    if (str_is_digit(buf)) return kServiceNone;

    // Indices into `buf`, which is cut with NULs as ipvsadm cuts its char buffer.
    std::size_t host = 0;
    constexpr std::size_t kNoPort = std::string::npos;
    std::size_t portp = kNoPort;
    if (buf[0] == '[') {
        host = 1;
        auto close = buf.find(']', 1);
        if (close == std::string::npos) return kServiceNone;
        buf[close] = '\0';
        std::size_t p = close + 1;
        if (p < buf.size() && buf[p] == ':') buf[p] = '\0';
        else return kServiceNone;
        portp = p;
    }
    auto c_string_at = [&](std::size_t at) { return c_str_view(std::string_view(buf).substr(at)); };

    if (auto a6 = inet_pton6(c_string_at(host))) {
        svc.af = kAfInet6;
        svc.addr = 0;
        svc.addr6 = *a6;
        svc.netmask = 128;
    } else {
        // strrchr(buf, ':') over the host part only (the bracket's port is forgotten here).
        std::string_view h = c_string_at(host);
        auto colon = h.rfind(':');
        if (colon != std::string_view::npos) {
            portp = host + colon;
            buf[host + colon] = '\0';
        } else {
            portp = kNoPort;
        }
        h = c_string_at(host);
        if (auto a = inet_aton(h)) {
            svc.addr = *a;
            svc.addr6 = {};
            svc.af = kAfInet;
        } else if (auto r = host_to_addr(h, resolver)) {
            svc.addr = *r;
            svc.addr6 = {};
            svc.af = kAfInet;
        } else {
            return kServiceNone;
        }
    }

    int result = kServiceAddr;
    if (portp != kNoPort) {
        result |= kServicePort;
        std::string_view port = c_string_at(portp + 1);
        int n = string_to_number(port, 0, 65535);
        if (n == -1) n = service_to_port(port, svc.protocol, resolver);
        if (n == -1) return kServiceNone;
        svc.port = static_cast<std::uint16_t>(n);
    }
    return result;
}

std::optional<std::uint32_t> parse_netmask(std::string_view arg, const NameResolver* resolver) {
    std::string_view buf = c_str_view(arg);
    if (auto a = inet_aton(buf)) return a;
    if (auto r = host_to_addr(buf, resolver)) return r;
    return std::nullopt;
}

}  // namespace tapvs::ctl::ipvsadm_detail
