#include "tapvs/lab/listings.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace tapvs::lab {

std::vector<ListedService> parse_listing(const std::string& text) {
    std::vector<ListedService> v;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::istringstream w(line);
        std::string first;
        w >> first;
        if (first == "TCP" || first == "UDP" || first == "SCTP" || first == "FWM") {
            ListedService s;
            s.proto = first;
            w >> s.vip >> s.scheduler;
            v.push_back(std::move(s));
        } else if (first == "->" && !v.empty()) {
            ListedService::Real r;
            w >> r.addr >> r.method >> r.weight;
            if (r.addr != "RemoteAddress:Port" && !r.method.empty()) v.back().reals.push_back(std::move(r));
        }
    }
    return v;
}

std::string method_flag(const std::string& m) {
    return m == "Masq" ? "-m" : m == "Route" ? "-g" : m == "Tunnel" ? "-i" : "";
}

std::string method_words(const std::string& m) {
    return m == "Masq"     ? "NAT"
           : m == "Route"  ? "direct routing"
           : m == "Tunnel" ? "IP-in-IP tunnelling"
                           : m;
}

namespace {

std::string host_of(const std::string& endpoint) { return endpoint.substr(0, endpoint.rfind(':')); }

std::string join_reals(const ServiceSpec& want) {
    std::string o;
    for (std::size_t i = 0; i < want.reals.size(); ++i)
        o += (i == 0 ? "" : i + 1 == want.reals.size() ? " and " : ", ") + want.reals[i].addr;
    return o;
}

}  // namespace

std::vector<std::string> service_differences(const ServiceSpec& want, const std::vector<ListedService>& have,
                                             const std::vector<std::string>& known) {
    std::vector<std::string> d;
    const std::string flag = want.proto == "UDP" ? "-u" : "-t";
    const auto svc = std::find_if(have.begin(), have.end(),
                                  [&](const ListedService& s) { return s.proto == want.proto && s.vip == want.vip; });
    if (svc == have.end()) {
        std::string others;
        for (const auto& s : have) others += fmt::format("{}{} {}", others.empty() ? "" : ", ", s.proto, s.vip);
        d.push_back(fmt::format("the director has no virtual service {} {}{}: ipvsadm -A {} {} -s {}, then ipvsadm -a {} {} "
                                "-r RIP {} for each real server",
                                want.proto, want.vip, others.empty() ? "" : " (it has " + others + ")", flag, want.vip,
                                want.scheduler, flag, want.vip, want.reals.empty() ? "" : method_flag(want.reals[0].method)));
        return d;
    }
    if (svc->scheduler != want.scheduler)
        d.push_back(fmt::format("the scheduler of {} {} is {}; the lab wants {}: ipvsadm -E {} {} -s {}{}", want.proto,
                                want.vip, svc->scheduler, want.scheduler, flag, want.vip, want.scheduler,
                                svc->scheduler == "wlc" ? " (ipvsadm -A without -s means wlc)" : ""));
    for (const auto& r : want.reals) {
        const auto got = std::find_if(svc->reals.begin(), svc->reals.end(),
                                      [&](const ListedService::Real& x) { return x.addr == r.addr; });
        if (got == svc->reals.end()) {
            const auto same_host = std::find_if(svc->reals.begin(), svc->reals.end(), [&](const ListedService::Real& x) {
                return host_of(x.addr) == host_of(r.addr);
            });
            if (same_host == svc->reals.end())
                d.push_back(fmt::format("{} is not a real server of {} {}: ipvsadm -a {} {} -r {} {}{}", r.addr, want.proto,
                                        want.vip, flag, want.vip, r.addr, method_flag(r.method),
                                        r.weight == 1 ? "" : fmt::format(" -w {}", r.weight)));
            continue;
        }
        if (got->method != r.method)
            d.push_back(fmt::format("{} is forwarded by {} ({}, {}); this lab forwards by {} ({}, {}): ipvsadm -e {} {} -r {} {}",
                                    r.addr, got->method, method_flag(got->method), method_words(got->method), r.method,
                                    method_flag(r.method), method_words(r.method), flag, want.vip, r.addr,
                                    method_flag(r.method)));
        if (got->weight != r.weight)
            d.push_back(fmt::format("{} has weight {}; the lab wants {}: ipvsadm -e {} {} -r {} {} -w {}", r.addr, got->weight,
                                    r.weight, flag, want.vip, r.addr, method_flag(r.method), r.weight));
    }
    for (const auto& x : svc->reals) {
        if (std::any_of(want.reals.begin(), want.reals.end(), [&](const ServiceSpec::Real& r) { return r.addr == x.addr; }))
            continue;
        const std::string ip = host_of(x.addr);
        const auto meant = std::find_if(want.reals.begin(), want.reals.end(),
                                        [&](const ServiceSpec::Real& r) { return host_of(r.addr) == ip; });
        if (meant != want.reals.end())
            d.push_back(fmt::format("{} is a real server of {} {} at port {}; the lab's real servers listen on {}: ipvsadm -d "
                                    "{} {} -r {}, then ipvsadm -a {} {} -r {} {}",
                                    x.addr, want.proto, want.vip, x.addr.substr(x.addr.rfind(':') + 1), meant->addr, flag,
                                    want.vip, x.addr, flag, want.vip, meant->addr, method_flag(meant->method)));
        else if (std::find(known.begin(), known.end(), ip) == known.end())
            d.push_back(fmt::format("{} is a real server of {} {}, and no host of the lab has the address {} (a typo? the "
                                    "lab's real servers are {}): ipvsadm -d {} {} -r {}",
                                    x.addr, want.proto, want.vip, ip, join_reals(want), flag, want.vip, x.addr));
        else
            d.push_back(fmt::format("{} is a real server of {} {}, and the lab's are {} only: ipvsadm -d {} {} -r {}", x.addr,
                                    want.proto, want.vip, join_reals(want), flag, want.vip, x.addr));
    }
    return d;
}

std::vector<ListedLink> parse_ip_addr(const std::string& text) {
    std::vector<ListedLink> v;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] != ' ') {  // "2: eth0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ..."
            const auto colon = line.find(": ");
            if (colon == std::string::npos) continue;
            std::string name = line.substr(colon + 2);
            name = name.substr(0, name.find_first_of(":@ "));
            const auto lt = line.find('<'), gt = line.find('>');
            std::string flags = lt != std::string::npos && gt != std::string::npos ? "," + line.substr(lt + 1, gt - lt - 1) + ","
                                                                                    : "";
            v.push_back(ListedLink{name, flags.find(",UP,") != std::string::npos, {}, {}});
            continue;
        }
        std::istringstream w(line);
        std::string key, addr;
        w >> key >> addr;
        if (key != "inet" || v.empty()) continue;
        std::string label = v.back().name;
        for (std::string word, prev; w >> word; prev = word)
            if (prev == "global" || prev == "host" || prev == "link" || prev == "secondary") label = word;
        v.back().addrs.push_back(addr);
        v.back().labels.push_back(label);
    }
    return v;
}

const ListedLink* holder_of(const std::vector<ListedLink>& links, const std::string& ip) {
    for (const auto& l : links)
        for (const auto& a : l.addrs)
            if (a.substr(0, a.find('/')) == ip) return &l;
    return nullptr;
}

const ListedLink* link_named(const std::vector<ListedLink>& links, const std::string& name) {
    for (const auto& l : links)
        if (l.name == name) return &l;
    return nullptr;
}

}  // namespace tapvs::lab
