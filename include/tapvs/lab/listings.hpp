// What the tools print, read back for the checks and the diagnosis: the director's table as
// `ipvsadm -L -n` prints it, compared with the virtual service a lab wants (`check service`,
// lab_file.hpp), each difference said as what to fix; and a host's interfaces as `ip addr show`
// prints them (iproute2's text, and tapvs's own, which copies it). Pure: text in, text out.
#pragma once

#include <string>
#include <vector>

#include "tapvs/lab/lab_file.hpp"

namespace tapvs::lab {

struct ListedService {
    struct Real {
        std::string addr;    // 172.16.10.100:80
        std::string method;  // Masq, Route, Tunnel, Local
        int weight = 0;
    };
    std::string proto;      // TCP, UDP, FWM
    std::string vip;        // 192.168.1.10:80 (a mark number for FWM)
    std::string scheduler;  // rr
    std::vector<Real> reals;
};

// The services of an `ipvsadm -L -n` text (the header lines and anything unknown are skipped).
std::vector<ListedService> parse_listing(const std::string& text);

// The ipvsadm flag of a method: Masq -m, Route -g, Tunnel -i.
std::string method_flag(const std::string& method);
// What it is called: Masq "NAT", Route "direct routing", Tunnel "IP-in-IP tunnelling".
std::string method_words(const std::string& method);

// Each difference between `want` and the listing, as a sentence naming the ipvsadm line that
// mends it. `known` are the lab's host addresses ("172.16.10.100"): a real server at any other
// address is named a likely typo. Empty when the listing has the service exactly.
std::vector<std::string> service_differences(const ServiceSpec& want, const std::vector<ListedService>& have,
                                             const std::vector<std::string>& known);

// An interface of `ip addr show`: its name, whether it is up (administratively: UP among its
// flags), and its IPv4 addresses ("192.168.1.10/24") with their labels ("lo:0").
struct ListedLink {
    std::string name;
    bool up = false;
    std::vector<std::string> addrs;
    std::vector<std::string> labels;
};
std::vector<ListedLink> parse_ip_addr(const std::string& text);
// The interface holding `ip` (no prefix), or nullptr.
const ListedLink* holder_of(const std::vector<ListedLink>& links, const std::string& ip);
const ListedLink* link_named(const std::vector<ListedLink>& links, const std::string& name);

}  // namespace tapvs::lab
