// The checks of a lab step and, when one fails, the likely cause from what the captures, the
// director's trace and the hosts' settings show (lab_run.hpp).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "lab/lab_run.hpp"
#include "tapvs/io/recording.hpp"
#include "tapvs/io/trace_read.hpp"
#include "tapvs/lab/listings.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::lab {

namespace fs = std::filesystem;

namespace {

constexpr auto kToolTimeout = std::chrono::milliseconds(15000);

std::string field(const std::string& line, const std::string& key) {
    const auto at = line.find(key + "=");
    if (at == std::string::npos) return {};
    const auto end = line.find(' ', at);
    return line.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> v;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) v.push_back(l);
    return v;
}

std::string addr_only(const std::string& cidr) { return cidr.substr(0, cidr.find('/')); }

}  // namespace

std::map<std::string, std::string> LabRun::mac_names() const {
    std::map<std::string, std::string> names;
    for (const auto& p : lab_.director) names[p.mac] = "director (" + p.name + ")";
    if (topo_)
        for (const auto& h : lab_.hosts)
            for (const auto& i : h.ifaces) names[topo_->mac_of(h.name, i.name)] = h.name + " (" + i.name + ")";
    return names;
}

std::vector<FrameFact> LabRun::facts(const StepRecord& s, const std::string& file) const {
    return read_facts(s.dir + "/" + file);
}

std::string LabRun::read_sys(const std::string& host, const std::string& key) const {
    std::string path = "/proc/sys/" + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    auto v = netns_read(topo_->ns_of(host), path);
    if (!v) return "?";
    std::string t = v.value();
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
}

std::string LabRun::ip_out(const std::string& host, std::vector<std::string> args) const {
    args.insert(args.begin(), {"ip", "-n", topo_->ns_of(host)});
    return run(args, kToolTimeout).out;
}

void LabRun::check(const Item& it, ItemRecord& r, StepRecord&) {
    const Check& c = it.check;
    if (const auto* ping = c.as<PingCheck>()) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            const Ran p = run(in_netns(topo_->ns_of(ping->host), {self_, "lab", "tool", "ping", ping->addr}), kToolTimeout);
            r.out = p.out + p.err;
            r.ok = p.status == 0;
            if (r.ok) break;
        }
        return;
    }
    if (const auto* http = c.as<HttpCheck>()) {
        using P = HttpCheck::Pattern;
        const HttpTarget& t = http->target;
        const int count = http->count;
        const bool tried = http->pattern == P::tried;
        std::vector<std::string> argv{self_, "lab", "tool", "fetch", "--host", t.addr, "--port", t.port,
                                      "--path", t.path, "--count", std::to_string(count)};
        // Quick (the grader): a connection that is not answered within 1.5 s is not going to be; for
        // `tried' the requests only have to leave (the captures are what is checked).
        if (o_.quick) argv.insert(argv.end(), {"--timeout", tried ? "0.5" : "1.5"});
        if (o_.quick && !tried) argv.push_back("--stop-on-error");
        for (const auto& bytes : http->uploads) argv.insert(argv.end(), {"--upload", bytes});
        const Ran f = run(in_netns(topo_->ns_of(http->host), argv), std::chrono::milliseconds(3000 * count + 5000));
        std::vector<std::string> errors;
        std::string table;
        for (const auto& l : lines_of(f.out)) {
            const std::string who = field(l, "served-by"), e = field(l, "error");
            r.served.push_back(who.empty() ? "-" : who);
            if (!e.empty()) errors.push_back(e);
            table += fmt::format("{} from {} -> {}\n", l.substr(0, l.find(' ')), field(l, "local"),
                                 e.empty() ? who + " (" + field(l, "ms") + " ms)" : "error: " + e);
        }
        const std::set<std::string> distinct(r.served.begin(), r.served.end());
        const bool all_ok = errors.empty() && static_cast<int>(r.served.size()) == count;
        if (o_.quick && !errors.empty() && static_cast<int>(r.served.size()) < count)
            table += fmt::format("(the {} requests after the first that failed were not tried)\n",
                                 count - static_cast<int>(r.served.size()));
        switch (http->pattern) {
            case P::alternate:
                r.ok = all_ok && distinct.size() >= 2;
                for (std::size_t k = 1; r.ok && k < r.served.size(); ++k) r.ok = r.served[k] != r.served[k - 1];
                break;
            case P::same: r.ok = all_ok && distinct.size() == 1; break;
            case P::spread: r.ok = all_ok && distinct.size() >= 2; break;
            case P::any: r.ok = all_ok; break;
            case P::tried:  // sent, whatever came back: for the checks of the captures that follow
                r.ok = static_cast<int>(r.served.size()) == count;
                break;
            case P::fails: r.ok = static_cast<int>(errors.size()) == count; break;
            case P::only:
                r.ok = all_ok && std::all_of(r.served.begin(), r.served.end(), [&](const std::string& w) {
                           return std::find(http->names.begin(), http->names.end(), w) != http->names.end();
                       });
                break;
            case P::counts: {  // counts rs1=6,rs2=2: exactly so many requests each
                std::map<std::string, int> got;
                for (const auto& w : r.served) ++got[w];
                r.ok = all_ok && got == http->counts;
                break;
            }
            case P::order:
                r.ok = all_ok;
                for (std::size_t k = 0; r.ok && k < r.served.size(); ++k)
                    r.ok = r.served[k] == http->names[k % http->names.size()];
                break;
        }
        std::string seq;
        for (const auto& w : r.served) seq += (seq.empty() ? "" : " ") + w;
        r.out = fmt::format("served by: {}\n{}", seq.empty() ? "(no answer)" : seq, table);
        if (!f.err.empty()) r.out += f.err;
        return;
    }
    if (const auto* arp = c.as<ArpCheck>()) {
        const std::string iface = arp->iface.empty() ? lab_.host(arp->host)->ifaces.front().name : arp->iface;
        const Ran p = run(in_netns(topo_->ns_of(arp->host),
                                   {self_, "lab", "tool", "arp", "--iface", iface, "--target", arp->addr}),
                          kToolTimeout);
        int director = 0, others = 0;
        const auto names = mac_names();
        for (const auto& l : lines_of(p.out)) {
            const std::string mac = l.substr(l.rfind(' ') + 1);
            const auto known = names.find(mac);
            const std::string who = known == names.end() ? std::string() : known->second;
            if (who.starts_with("director")) ++director; else ++others;
            r.out += fmt::format("{} is at {} ({})\n", arp->addr, mac, who.empty() ? "unknown" : who);
        }
        if (r.out.empty()) r.out = "nobody answered\n" + p.err;
        r.ok = director == 1 && others == 0;
        return;
    }
    if (const auto* service = c.as<ServiceSpec>()) {  // the director's table, as ipvsadm -L -n lists it now; what differs is what to fix
        r.out = director_call({"ipvsadm", "-L", "-n"}).out;
        r.causes = service_differences(*service, parse_listing(r.out), lab_addresses());
        r.ok = r.causes.empty();
        return;
    }
    if (const auto* again = c.as<AgainCheck>()) {
        const std::string& name = again->name;
        auto found = open_.find(name);
        if (found == open_.end()) {
            r.ok = false;
            r.out = "the connection " + name + " was not opened";
            return;
        }
        Process& p = *found->second.proc;
        const std::size_t before = lines_of(p.read_log()).size();
        p.write_line("");
        p.wait_for_lines(before + 1, std::chrono::milliseconds(8000));
        const auto l = lines_of(p.read_log());
        const std::string last = l.size() > before ? l.back() : "";
        const std::string who = field(last, "served-by");
        r.served.push_back(who.empty() ? "-" : who);
        r.ok = again->same ? who == found->second.first : who.empty();
        r.out = who.empty() ? fmt::format("connection {}: no answer ({})", name, last.empty() ? "nothing" : field(last, "error"))
                            : fmt::format("connection {} ({}): served by {} again (first: {})", name, field(last, "local"),
                                          who, found->second.first);
        return;
    }
    r.ok = false;
    r.out = "check " + c.kind + " is judged after the step";
}

void LabRun::open_connection(const Item& it, ItemRecord& r) {
    const HttpTarget& t = it.open_at;
    auto p = Process::start(in_netns(topo_->ns_of(it.host), {self_, "lab", "tool", "fetch", "--host", t.addr, "--port",
                                                             t.port, "--path", t.path, "--count", "1000", "--keep",
                                                             "--timeout", "5"}),
                            fmt::format("{}/open-{}.log", topo_->work(), it.name), true);
    if (!p) {
        r.ok = false;
        r.out = p.error();
        return;
    }
    auto proc = std::make_unique<Process>(std::move(p.value()));
    proc->wait_for_lines(1, std::chrono::milliseconds(8000));
    const auto l = lines_of(proc->read_log());
    const std::string who = l.empty() ? "" : field(l.front(), "served-by");
    r.ok = !who.empty();
    r.served.push_back(who.empty() ? "-" : who);
    r.out = who.empty() ? "no answer" : fmt::format("connection {} from {} is open, served by {}", it.name,
                                                   field(l.front(), "local"), who);
    open_[it.name] = OpenConn{std::move(proc), who};
}

void LabRun::check_deferred(const Item& it, ItemRecord& r, StepRecord& s) {
    std::set<std::string> director_macs;
    for (const auto& p : lab_.director) director_macs.insert(p.mac);
    // The replies from the VIP that reached HOST (its capture), by the MAC that sent them.
    const RepliesCheck* way = it.check.as<RepliesCheck>();
    const Host* at = way ? lab_.host(way->host) : nullptr;
    std::map<std::string, int> from;
    int replies = 0;
    if (at) {
        const std::string& vip = way->vip;
        for (const auto& f : facts(s, host_capture(at->name, at->ifaces.front().name)))
            if (f.ipv4 && f.src.to_string() == vip && (f.proto == 6 || f.proto == 17) && f.dst.to_string() != vip)
                ++replies, ++from[f.src_mac.to_string()];
        const auto names = mac_names();
        for (const auto& [mac, n] : from) {
            const auto known = names.find(mac);
            r.out += fmt::format("{} packets from {} reached {}, sent by {} ({})\n", n, vip, at->name, mac,
                                 known == names.end() ? "unknown" : known->second);
        }
        if (replies == 0) r.out += fmt::format("no packet from {} reached {}\n", vip, at->name);
    }
    if (way && way->way == RepliesCheck::Way::bypass) {  // DR, TUN: none of the replies passed the director
        int via_director = 0;
        for (const auto& p : lab_.director)
            for (const auto& f : facts(s, io::recording::received_file(p.name)))
                if (f.ipv4 && f.src.to_string() == way->vip && (f.proto == 6 || f.proto == 17) &&
                    director_macs.count(f.dst_mac.to_string()))
                    ++via_director;
        r.ok = replies > 0 && via_director == 0;
        r.out += fmt::format("the director received {} of them\n", via_director);
        return;
    }
    if (way) {  // through, NAT: every reply reached HOST from the director
        int from_director = 0;
        for (const auto& [mac, n] : from) from_director += director_macs.count(mac) ? n : 0;
        r.ok = replies > 0 && from_director == replies;
        return;
    }
    if (const auto* tunnel = it.check.as<TunnelCheck>()) {
        r.ok = true;
        for (const auto& name : tunnel->hosts) {
            const Host* h = lab_.host(name);
            const std::string me = addr_only(h->ifaces.front().addr);
            int n = 0;
            std::string example;
            for (const auto& f : facts(s, host_capture(h->name, h->ifaces.front().name)))
                if (f.ipip && f.dst.to_string() == me && director_macs.count(f.src_mac.to_string())) {
                    if (n++ == 0)
                        example = fmt::format("outer {} -> {}, inner {}:{} -> {}:{}", f.src.to_string(), f.dst.to_string(),
                                              f.inner_src.to_string(), f.inner_sport, f.inner_dst.to_string(),
                                              f.inner_dport);
                }
            const auto mode = ipip_mode_.find(name);
            r.out += fmt::format("{}: {} IP-in-IP packets from the director{}{}\n", name, n,
                                 example.empty() ? "" : " (" + example + ")",
                                 mode == ipip_mode_.end() ? ""
                                 : mode->second == "kernel" ? ", decapsulated by the kernel's tunl0"
                                                            : ", decapsulated by tapvs in userspace into tunl0");
            r.ok = r.ok && n > 0;
        }
    }
}

// The likely causes of a failed check, from the step's captures (closed by now), the director's
// trace and the hosts' settings. Each cause says what was seen and what the guide does about it.
void LabRun::diagnose(const Item& it, ItemRecord& r, const StepRecord& s) {
    // 1. A real server answering ARP for an address of the director (the VIP): arp_ignore/arp_announce.
    const ArpCheck* arp = it.kind == Item::Kind::check ? it.check.as<ArpCheck>() : nullptr;
    if (arp) {
        std::istringstream in(r.out);
        for (std::string l; std::getline(in, l);) {
            const auto open = l.find('('), close = l.rfind(')');
            if (open == std::string::npos) continue;
            const std::string who = l.substr(open + 1, close - open - 1);
            if (who.starts_with("director") || who == "unknown") continue;
            const std::string host = who.substr(0, who.find(' '));
            const std::string dev = who.substr(who.find('(') + 1, who.find(')') - who.find('(') - 1);
            r.causes.push_back(fmt::format(
                "{} answers ARP for {}: it holds that address too, and its arp_ignore is {} (all) / {} ({}), arp_announce "
                "{} / {}. A DR or TUN real server must not answer for the VIP: the guide sets arp_ignore=1 and "
                "arp_announce=2 (net.ipv4.conf.all and .{}) before putting the VIP on lo (DR) or tunl0 (TUN).",
                host, arp->addr, read_sys(host, "net.ipv4.conf.all.arp_ignore"),
                read_sys(host, "net.ipv4.conf." + dev + ".arp_ignore"), dev,
                read_sys(host, "net.ipv4.conf.all.arp_announce"), read_sys(host, "net.ipv4.conf." + dev + ".arp_announce"),
                dev));
        }
        if (r.out.starts_with("nobody"))
            r.causes.push_back(fmt::format("nobody has {}: the director has not been given it (ifconfig/ip addr on the director)",
                                           arp->addr));
        return;
    }

    // A ping that got no answer: the routes both ways.
    if (const PingCheck* ping = it.kind == Item::Kind::check ? it.check.as<PingCheck>() : nullptr) {
        const std::string &from = ping->host, &to = ping->addr;
        auto routes = [&](const std::string& host) {
            std::string t = ip_out(host, {"route", "show"});
            while (!t.empty() && t.back() == '\n') t.pop_back();
            return t.empty() ? std::string("(none)") : t;
        };
        r.causes.push_back(fmt::format("no answer from {} to {}: the way there or the way back is missing. {}'s routes:\n{}",
                                       to, from, from, routes(from)));
        for (const auto& h : lab_.hosts)
            for (const auto& i : h.ifaces)
                if (addr_only(i.addr) == to && h.name != from)
                    r.causes.push_back(fmt::format("{}'s routes (the way back):\n{}", h.name, routes(h.name)));
        return;
    }

    if (it.kind == Item::Kind::check && it.check.as<ServiceSpec>()) return;  // check() said what differs
    diagnose_traffic(it, r, s);
}

std::vector<std::string> LabRun::lab_addresses() const {
    std::vector<std::string> v;
    for (const auto& h : lab_.hosts)
        for (const auto& i : h.ifaces) v.push_back(addr_only(i.addr));
    return v;
}

namespace {

std::string netmask_of(const std::string& cidr) {
    const int len = std::atoi(cidr.c_str() + cidr.find('/') + 1);
    return net::Ipv4Addr{len == 0 ? 0u : ~0u << (32 - len)}.to_string();
}

std::string first_line(std::string t) {
    if (const auto nl = t.find('\n'); nl != std::string::npos) t.resize(nl);
    return t;
}

// "default via 172.16.10.12 dev eth0" -> "172.16.10.12"
std::string gateway_of(const std::string& route) {
    std::istringstream w(route);
    for (std::string word, prev; w >> word; prev = word)
        if (prev == "via") return word;
    return {};
}

}  // namespace

void LabRun::diagnose_traffic(const Item& it, ItemRecord& r, const StepRecord& s) {
    const bool checked = it.kind == Item::Kind::check;
    const HttpCheck* http = checked ? it.check.as<HttpCheck>() : nullptr;
    const RepliesCheck* way = checked ? it.check.as<RepliesCheck>() : nullptr;
    const ServiceSpec* want = lab_.grade.service();
    const auto listing = parse_listing(s.ipvsadm.empty() ? director_call({"ipvsadm", "-L", "-n"}).out : s.ipvsadm);
    const auto director = parse_ip_addr(director_call({"ip", "addr", "show"}).out);
    auto director_has = [&](const std::string& ip) { return holder_of(director, ip) != nullptr; };

    // 1. The director's own addresses: the VIP toward the client, an address toward the real servers.
    std::string vip = http ? http->target.addr
                      : way ? way->vip
                      : want ? want->vip.substr(0, want->vip.rfind(':'))
                      : std::string();
    const Host* client = http ? lab_.host(http->host)
                         : way ? lab_.host(way->host)
                         : it.kind == Item::Kind::open ? lab_.host(it.host)
                                                       : nullptr;
    if (client) {
        for (const auto& p : lab_.director) {
            if (p.segment != client->ifaces.front().segment) continue;
            const ListedLink* l = link_named(director, p.name);
            if (!vip.empty() && !director_has(vip))
                r.causes.push_back(fmt::format(
                    "the director does not hold the VIP {}, so nothing answers {}'s ARP for it: give the director's {} "
                    "the VIP (ifconfig {} {} netmask {} up, or ip addr add {}/{} dev {})",
                    vip, client->name, p.name, p.name, vip, netmask_of(client->ifaces.front().addr), vip,
                    client->ifaces.front().addr.substr(client->ifaces.front().addr.find('/') + 1), p.name));
            else if (l && !l->up)
                r.causes.push_back(fmt::format("the director's {} (toward {}) is down: ifconfig {} up, or ip link set {} up",
                                               p.name, client->name, p.name, p.name));
        }
    }
    std::set<std::string> real_segments;
    for (const auto& svc : listing)
        for (const auto& x : svc.reals)
            for (const auto& h : lab_.hosts)
                for (const auto& i : h.ifaces)
                    if (addr_only(i.addr) == x.addr.substr(0, x.addr.rfind(':'))) real_segments.insert(i.segment);
    for (const auto& p : lab_.director) {
        if (!real_segments.count(p.segment) || (client && p.segment == client->ifaces.front().segment)) continue;
        const ListedLink* l = link_named(director, p.name);
        if (l && l->addrs.empty())
            r.causes.push_back(fmt::format("the director has no address on {}, its side of the real servers' segment {}, so "
                                           "it cannot reach them: give it the DIP (ifconfig {} DIP netmask MASK up)",
                                           p.name, p.segment, p.name));
        else if (l && !l->up)
            r.causes.push_back(fmt::format("the director's {} (toward the real servers) is down: ifconfig {} up", p.name, p.name));
    }

    // 2. The virtual service, as the lab wants it.
    if (want)
        for (auto& d : service_differences(*want, listing, lab_addresses())) r.causes.push_back(std::move(d));
    else if (std::all_of(listing.begin(), listing.end(), [](const ListedService& x) { return x.reals.empty(); }) &&
             (http || (checked && it.check.as<AgainCheck>())))
        r.causes.push_back("the director has no real server (ipvsadm -L -n lists none): ipvsadm -A then -a");

    // The director's trace of the step: its drops by reason, and the ARP requests nobody answered.
    std::map<std::string, int> drops;
    std::map<std::string, int> asked;      // ip -> requests sent
    std::set<std::string> answered;
    if (const auto events = io::read_trace_file(s.dir + "/" + std::string(io::recording::kTraceFile)))
        for (const auto& e : events.value()) {
            if (const auto* f = e.kind == io::TraceEventKind::drop ? e.frame() : nullptr) ++drops[f->reason];
            if (const auto* arp = e.arp()) {
                if (arp->what == "request_sent") ++asked[arp->ip.to_string()];
                if (arp->what == "learned") answered.insert(arp->ip.to_string());
            }
        }
    const auto known = lab_addresses();
    for (const auto& [ip, n] : asked)
        if (!answered.count(ip) && std::find(known.begin(), known.end(), ip) == known.end())
            r.causes.push_back(fmt::format("the director asked {} who has {} and nobody answered: no host of the lab has "
                                           "that address. Is it a typo in ipvsadm -a ... -r?",
                                           n == 1 ? std::string("once") : n == 2 ? std::string("twice") : fmt::format("{} times", n), ip));

    // 3. Each real server of the director's table, and how it is reached.
    struct Real {
        std::string host, addr, fwd;
    };
    std::vector<Real> reals;
    for (const auto& svc : listing)
        for (const auto& x : svc.reals) {
            const std::string addr = x.addr.substr(0, x.addr.rfind(':'));
            for (const auto& h : lab_.hosts)
                for (const auto& i : h.ifaces)
                    if (addr_only(i.addr) == addr &&
                        std::none_of(reals.begin(), reals.end(), [&](const Real& y) { return y.host == h.name; }))
                        reals.push_back(Real{h.name, addr, x.method});
        }
    std::map<std::string, std::vector<FrameFact>> sent, received;  // the director's frames, by port
    for (const auto& p : lab_.director) {
        sent[p.name] = facts(s, io::recording::sent_file(p.name));
        received[p.name] = facts(s, io::recording::received_file(p.name));
    }
    for (const auto& real : reals) {
        // A real server forwarded by another method than the lab's: the difference above says so,
        // and the advice for the method it has would mislead.
        if (want && std::any_of(want->reals.begin(), want->reals.end(), [&](const ServiceSpec::Real& w) {
                return w.addr.substr(0, w.addr.rfind(':')) == real.addr && w.method != real.fwd;
            }))
            continue;
        const Host* h = lab_.host(real.host);
        const std::string iface = h->ifaces.front().name;
        const auto links = parse_ip_addr(ip_out(real.host, {"addr", "show"}));
        const ListedLink* own = link_named(links, iface);
        if (!holder_of(links, real.addr)) {  // a fresh real server the student did not address
            std::string has;
            if (own)
                for (const auto& x : own->addrs) has += (has.empty() ? "" : ", ") + x;
            r.causes.push_back(fmt::format(
                "{} does not have its address {}: its {} has {}{}. Give it the address: ifconfig {} {} netmask {} up (or ip "
                "addr add {} dev {} and ip link set {} up)",
                real.host, real.addr, iface, has.empty() ? "no address" : has, own && !own->up ? " and is down" : "", iface,
                real.addr, netmask_of(h->ifaces.front().addr), h->ifaces.front().addr, iface, iface));
            continue;
        }
        if (own && !own->up) {
            r.causes.push_back(fmt::format("{}'s {} is down: ifconfig {} up, or ip link set {} up", real.host, iface, iface, iface));
            continue;
        }
        const std::string mac = topo_->mac_of(real.host, iface);
        const auto rs = facts(s, host_capture(real.host, iface));
        std::size_t to_rs = 0, biggest = 0;
        for (const auto& [port, frames] : sent)
            for (const auto& f : frames)
                if (f.ipv4 && f.dst_mac.to_string() == mac && f.proto != 1) ++to_rs, biggest = std::max(biggest, f.len);
        std::size_t replies = 0, proto_unreach = 0, ipip_in = 0;
        for (const auto& f : rs) {
            if (f.src_mac.to_string() == mac && f.ipv4 && (f.proto == 6 || f.proto == 17)) ++replies;
            if (f.src_mac.to_string() == mac && f.ipv4 && f.proto == 1 && f.icmp_type == 3 && f.icmp_code == 2) ++proto_unreach;
            if (f.dst_mac.to_string() == mac && f.ipip) ++ipip_in;
        }
        std::string route = first_line(ip_out(real.host, {"route", "show", "default"}));
        const std::string gw = gateway_of(route);
        // Too big: the director sent frames longer than the real server's interface takes.
        const std::string link = ip_out(real.host, {"-o", "link", "show", "dev", iface});
        const auto m = link.find(" mtu ");
        const std::size_t mtu = m == std::string::npos ? 1500 : std::stoul(link.substr(m + 5));
        if (biggest > mtu + 14)
            r.causes.push_back(fmt::format(
                "too big: the director sent {} frames of up to {} bytes, but {}'s {} has MTU {} (frames of at most {} "
                "bytes), so the largest were dropped on arrival. {}Give the real server's link the segment's MTU, or "
                "make the packets smaller.",
                real.host, biggest, real.host, iface, mtu, mtu + 14,
                real.fwd == "Tunnel" ? "IP-in-IP adds 20 bytes the client's TCP does not know about. " : ""));
        if (real.fwd == "Masq" && to_rs > 0) {
            std::size_t back = 0;
            for (const auto& [port, frames] : received)
                for (const auto& f : frames)
                    if (f.ipv4 && f.src.to_string() == real.addr && f.src_mac.to_string() == mac) ++back;
            if (back == 0)
                r.causes.push_back(fmt::format(
                    "{} got {} packets from the director and no answer came back through it ({}): its default route "
                    "is {}. In LVS-NAT the replies must return through the director to be rewritten: the real "
                    "servers' default gateway is the director's DIP (route add default gw DIP).",
                    real.host, to_rs,
                    replies ? fmt::format("{} answers left it another way", replies) : "it sent none: no route back",
                    route.empty() ? "missing" : "`" + route + "'"));
        }
        if ((real.fwd == "Route" || real.fwd == "Tunnel") && !gw.empty() && director_has(gw)) {
            std::string router, router_addr = "ROUTER";  // a host of the lab's own with a leg on the servers' segment
            for (const auto& other : lab_.hosts)
                if (!lab_.grade.is_student(other.name) && other.ifaces.size() > 1)
                    for (const auto& i : other.ifaces)
                        if (i.segment == h->ifaces.front().segment)
                            router = fmt::format(" ({}, {})", other.name, addr_only(i.addr)), router_addr = addr_only(i.addr);
            r.causes.push_back(fmt::format(
                "{}'s default route is via {}, an address of the director: in {} the real servers answer the client "
                "directly, through the router{}, not through the director: route add default gw {}",
                real.host, gw, real.fwd == "Route" ? "LVS-DR" : "LVS-TUN", router, router_addr));
        }
        if (real.fwd == "Tunnel" && proto_unreach > 0)
            r.causes.push_back(fmt::format(
                "no tunnel on {}: it answered {} IP-in-IP packets from the director with ICMP protocol-unreachable, as a "
                "kernel does with no ipip module and nothing else taking protocol 4. The real server needs tunl0 (the "
                "ipip module, or tapvs's decapsulator: `ipip {}` in the lab) with the VIP on it.",
                real.host, proto_unreach, real.host));
        if (real.fwd == "Tunnel" && ipip_in > 0 && proto_unreach == 0 && replies == 0) {
            const ListedLink* tun = link_named(links, "tunl0");
            const std::string all = read_sys(real.host, "net.ipv4.conf.all.rp_filter");
            const std::string tunf = read_sys(real.host, "net.ipv4.conf.tunl0.rp_filter");
            if (tun && !tun->up)
                r.causes.push_back(fmt::format(
                    "{}'s tunl0 is down, so the {} packets it unwrapped had nowhere to go: ifconfig tunl0 {} netmask "
                    "255.255.255.255 broadcast {} up",
                    real.host, ipip_in, vip.empty() ? "VIP" : vip, vip.empty() ? "VIP" : vip));
            else if (!vip.empty() && !holder_of(links, vip))
                r.causes.push_back(fmt::format("{} does not hold the VIP {}: in LVS-TUN it is on tunl0 (ifconfig tunl0 {} netmask "
                                               "255.255.255.255 broadcast {} up)",
                                               real.host, vip, vip, vip));
            else if (all != "0" || (tunf != "0" && tunf != "?"))
                r.causes.push_back(fmt::format(
                    "{} drops the decapsulated packets: rp_filter is {} (all) / {} (tunl0). The inner packet comes from "
                    "the client, whose route is not via tunl0, so reverse-path filtering drops it; the guide sets "
                    "rp_filter to 0 for tunl0 and all.",
                    real.host, all, tunf));
        }
        if (real.fwd == "Route" && to_rs > 0 && replies == 0) {
            if (!vip.empty() && !holder_of(links, vip))
                r.causes.push_back(fmt::format(
                    "{} got {} frames from the director (its MAC, the VIP {} inside) and dropped them: it does not hold the "
                    "VIP. In LVS-DR every real server has it on lo: ifconfig lo:0 {} netmask 255.255.255.255 broadcast {} up",
                    real.host, to_rs, vip, vip, vip));
            else
                r.causes.push_back(fmt::format(
                    "{} got {} frames from the director (its MAC, the VIP inside) and sent nothing back: does it hold the "
                    "VIP on lo? Its addresses:\n{}",
                    real.host, to_rs, ip_out(real.host, {"-o", "-4", "addr", "show"})));
        }
    }
    // 4. The director's own drops in the step, by reason.
    const bool masq = std::any_of(reals.begin(), reals.end(), [](const Real& x) { return x.fwd == "Masq"; });
    if (drops.count("ip_forward_disabled") && masq)
        r.causes.push_back(fmt::format("ip_forward is 0 on the director: it dropped {} packets it had to forward (in LVS-NAT, the "
                                       "real servers' replies). Turn it on: echo 1 > /proc/sys/net/ipv4/ip_forward (or "
                                       "sysctl -w net.ipv4.ip_forward=1)",
                                       drops["ip_forward_disabled"]));
    if (drops.count("frag_needed"))
        r.causes.push_back(fmt::format("too big: the director dropped {} packets too big for the way on and sent "
                                       "`fragmentation needed' back (frag_needed in step-{}/trace.jsonl)",
                                       drops["frag_needed"], s.n));
    if (r.causes.empty() && !drops.empty()) {
        std::string list;
        // (drops of ip_forward_disabled and frag_needed are named above when they are the cause)
        for (const auto& [reason, n] : drops) list += fmt::format("{}{} {}", list.empty() ? "" : ", ", n, reason);
        r.causes.push_back("the director dropped frames: " + list + " (tapvs trace explain step-N/trace.jsonl)");
    }
}

}  // namespace tapvs::lab
