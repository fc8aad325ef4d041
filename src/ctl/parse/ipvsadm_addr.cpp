#include "ctl/parse/ipvsadm_addr.hpp"

#include <string>

namespace tapvs::ctl::ipvsadm_detail {

namespace {

// ipvsadm.c str_is_digit(): true for "" and for all-digit strings.
bool str_is_digit(std::string_view s) noexcept {
    for (char c : s)
        if (!clib::isdigit(c)) return false;
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

std::optional<long> strtol_whole(std::string_view s) noexcept {
    const auto n = clib::strtol(s, 10);
    if (!n.whole()) return std::nullopt;
    return n.value;
}

int string_to_number(std::string_view s, int min, int max) noexcept {
    auto n = strtol_whole(s);
    if (n && min <= *n && *n <= max) return static_cast<int>(*n);
    return -1;
}

int parse_service(std::string_view arg, ServiceAddr& svc, const NameResolver* resolver) {
    std::string buf(clib::c_str(arg));
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
    auto c_string_at = [&](std::size_t at) { return clib::c_str(std::string_view(buf).substr(at)); };

    if (auto a6 = clib::inet_pton6(c_string_at(host))) {
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
        if (auto a = clib::inet_aton(h)) {
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
    std::string_view buf = clib::c_str(arg);
    if (auto a = clib::inet_aton(buf)) return a;
    if (auto r = host_to_addr(buf, resolver)) return r;
    return std::nullopt;
}

}  // namespace tapvs::ctl::ipvsadm_detail
