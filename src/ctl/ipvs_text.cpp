// ipvsadm 1.31's output and its run of one command (ipvsadm.c, libipvs/libipvs.c), over tapvs's
// Ipvs. Every format string below is the one ipvsadm passes to printf, written with fmt.
#include "tapvs/ctl/ipvs_text.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>
#include <vector>

#include <fmt/format.h>

namespace tapvs::ctl {

namespace {

// ---- libipvs ipvs_strerror() ----

// The libipvs function a command calls, which ipvs_strerror() looks the errno up under (ipvs_func).
enum class IpvsFunc {
    init,  // nothing set it since ipvs_init() (ipvs_flush() does not set ipvs_func)
    add_service, update_service, del_service, zero_service, add_dest, update_dest, del_dest,
    set_timeout, start_daemon, stop_daemon, get_service, get_services
};

IpvsFunc ipvs_func_of(const Command& cmd) {
    return std::visit(
        [](const auto& c) -> IpvsFunc {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, cmd::AddService>) return IpvsFunc::add_service;
            else if constexpr (std::is_same_v<T, cmd::EditService>) return IpvsFunc::update_service;
            else if constexpr (std::is_same_v<T, cmd::DelService>) return IpvsFunc::del_service;
            else if constexpr (std::is_same_v<T, cmd::Zero>) return IpvsFunc::zero_service;
            else if constexpr (std::is_same_v<T, cmd::AddDest>) return IpvsFunc::add_dest;
            else if constexpr (std::is_same_v<T, cmd::EditDest>) return IpvsFunc::update_dest;
            else if constexpr (std::is_same_v<T, cmd::DelDest>) return IpvsFunc::del_dest;
            else if constexpr (std::is_same_v<T, cmd::SetTimeout>) return IpvsFunc::set_timeout;
            else if constexpr (std::is_same_v<T, cmd::StartDaemon>) return IpvsFunc::start_daemon;
            else if constexpr (std::is_same_v<T, cmd::StopDaemon>) return IpvsFunc::stop_daemon;
            else if constexpr (std::is_same_v<T, cmd::List>) return c.svc ? IpvsFunc::get_service : IpvsFunc::get_services;
            else return IpvsFunc::init;
        },
        cmd);
}

// glibc strerror() for the errnos IpvsErr stands for.
std::string_view c_strerror(core::IpvsErr e) {
    switch (e) {
        case core::IpvsErr::ok: return "Success";
        case core::IpvsErr::exist: return "File exists";
        case core::IpvsErr::noent: return "No such file or directory";
        case core::IpvsErr::srch: return "No such process";
        case core::IpvsErr::range: return "Numerical result out of range";
        case core::IpvsErr::inval: return "Invalid argument";
        case core::IpvsErr::busy: return "Device or resource busy";
        case core::IpvsErr::nosys: return "Function not implemented";
    }
    return "Unknown error";
}

std::string strerror_for(IpvsFunc f, core::IpvsErr e) {
    using E = core::IpvsErr;
    // libipvs.c ipvs_strerror() table, first match on (function, errno); 0 = any function.
    struct Row {
        IpvsFunc func;
        bool any;
        E err;
        std::string_view message;
    };
    static constexpr Row kTable[] = {
        {IpvsFunc::add_service, false, E::exist, "Service already exists"},
        {IpvsFunc::add_service, false, E::noent, "Scheduler or persistence engine not found"},
        {IpvsFunc::update_service, false, E::srch, "No such service"},
        {IpvsFunc::update_service, false, E::noent, "Scheduler or persistence engine not found"},
        {IpvsFunc::del_service, false, E::srch, "No such service"},
        {IpvsFunc::zero_service, false, E::srch, "No such service"},
        {IpvsFunc::add_dest, false, E::srch, "Service not defined"},
        {IpvsFunc::add_dest, false, E::exist, "Destination already exists"},
        {IpvsFunc::update_dest, false, E::srch, "Service not defined"},
        {IpvsFunc::update_dest, false, E::noent, "No such destination"},
        {IpvsFunc::del_dest, false, E::srch, "Service not defined"},
        {IpvsFunc::del_dest, false, E::noent, "No such destination"},
        {IpvsFunc::start_daemon, false, E::exist, "Daemon has already run"},
        {IpvsFunc::stop_daemon, false, E::srch, "No daemon is running"},
        {IpvsFunc::get_services, false, E::srch, "No such service"},
        {IpvsFunc::get_service, false, E::srch, "No such service"},
        {IpvsFunc::init, true, E::inval,
         "Invalid operation.  Possibly wrong module version, address not unicast, ..."},
    };
    for (const auto& r : kTable)
        if ((r.any || r.func == f) && r.err == e) return std::string(r.message);
    return std::string(c_strerror(e));
}

// ---- names and numbers ----

constexpr std::uint8_t kIpprotoSctp = 132;

// ipvsadm.c protocol_name()
std::string_view protocol_name(core::Proto p) {
    switch (static_cast<std::uint8_t>(p)) {
        case 6: return "TCP";
        case 17: return "UDP";
        case kIpprotoSctp: return "SCTP";
        default: return "?";
    }
}
// ipvsadm.c option_from_protocol(), with print_service_entry()'s "--xxx-service" fallback.
std::string_view option_from_protocol(core::Proto p) {
    switch (static_cast<std::uint8_t>(p)) {
        case 6: return "-t";
        case 17: return "-u";
        case kIpprotoSctp: return "--sctp-service";
        default: return "--xxx-service";
    }
}

// ipvsadm.c print_largenum()
void print_largenum(std::string& out, std::uint64_t i, bool exact) {
    if (exact) {
        std::string digits = fmt::format("{}", i);
        std::size_t width = digits.size() <= 8 ? 9 : digits.size() + 1;
        out += fmt::format("{:>{}}", i, width);
        return;
    }
    if (i < 100000000ULL) out += fmt::format("{:>9}", i);
    else if (i < 1000000000ULL) out += fmt::format("{:>8}K", i / 1000);
    else if (i < 100000000000ULL) out += fmt::format("{:>8}M", i / 1000000);
    else if (i < 100000000000000ULL) out += fmt::format("{:>8}G", i / 1000000000ULL);
    else out += fmt::format("{:>8}T", i / 1000000000000ULL);
}

// ipvsadm.c FMT_* as the printers test them.
struct Format {
    bool rule = false;
    bool stats = false;
    bool rate = false;
    bool thresholds = false;
    bool persistent_conn = false;
    bool nosort = false;
    bool exact = false;
    bool tun_info = false;
};

Format format_of(const ListOptions& o) {
    Format f;
    f.stats = o.stats;
    f.rate = o.rate;
    f.thresholds = o.thresholds;
    f.persistent_conn = o.persistent_conn;
    f.nosort = o.nosort;
    f.exact = o.exact;
    f.tun_info = o.tun_info;
    return f;
}

// ---- sorting: libipvs's comparators under glibc 2.36's qsort ----

// glibc (<= 2.36, Debian 12) qsort() is msort.c's merge sort: split n/2, sort both halves, merge
// taking the left element while cmp(left, right) <= 0. With libipvs's comparators, which are not
// always consistent (below), the order they give depends on exactly this algorithm.
template <typename T, typename Cmp>
void msort_with_tmp(T* b, std::size_t n, T* tmp, Cmp& cmp) {
    if (n <= 1) return;
    std::size_t n1 = n / 2;
    std::size_t n2 = n - n1;
    T* b1 = b;
    T* b2 = b + n1;
    msort_with_tmp(b1, n1, tmp, cmp);
    msort_with_tmp(b2, n2, tmp, cmp);
    T* t = tmp;
    while (n1 > 0 && n2 > 0) {
        if (cmp(*b1, *b2) <= 0) {
            *t++ = *b1++;
            --n1;
        } else {
            *t++ = *b2++;
            --n2;
        }
    }
    if (n1 > 0) std::copy(b1, b1 + n1, t);
    std::copy(tmp, tmp + (n - n2), b);
}
template <typename T, typename Cmp>
void glibc_qsort(std::vector<T>& v, Cmp cmp) {
    std::vector<T> tmp(v.size());
    msort_with_tmp(v.data(), v.size(), tmp.data(), cmp);
}

// int r = a - b with unsigned 32-bit operands: the subtraction wraps and the result is read as a
// signed int, so values 2^31 or more apart compare the wrong way round (e.g. 200.0.0.1 sorts
// before 10.0.0.1).
int wrapped_diff(std::uint32_t a, std::uint32_t b) { return static_cast<int>(a - b); }

// libipvs.c ipvs_cmp_services(): fwmark, af (all AF_INET here), protocol, address, port.
int cmp_services(const core::VirtualService* s1, const core::VirtualService* s2) {
    int r = wrapped_diff(s1->key.fwmark, s2->key.fwmark);
    if (r != 0) return r;
    r = static_cast<int>(s1->key.protocol) - static_cast<int>(s2->key.protocol);
    if (r != 0) return r;
    r = wrapped_diff(s1->key.addr.host_order, s2->key.addr.host_order);
    if (r != 0) return r;
    return static_cast<int>(s1->key.port) - static_cast<int>(s2->key.port);
}

// libipvs.c ipvs_cmp_dests(): address, port.
int cmp_dests(const core::RealServer* d1, const core::RealServer* d2) {
    int r = wrapped_diff(d1->addr.host_order, d2->addr.host_order);
    if (r != 0) return r;
    return static_cast<int>(d1->port) - static_cast<int>(d2->port);
}

// ---- -L / -S ----

// ipvsadm.c print_title()
void print_title(std::string& out, const Format& f) {
    if (f.stats)
        out += fmt::format("{:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                           "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
    else if (f.rate)
        out += fmt::format("{:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                           "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
    else if (f.thresholds)
        out += fmt::format("{:<33} {:<10} {:<10} {:<10} {:<10}\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                           "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
    else if (f.persistent_conn)
        out += fmt::format("{:<33} {:<9} {:<11} {:<10} {:<10}\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                           "Weight", "PersistConn", "ActiveConn", "InActConn");
    else if (f.tun_info)
        out += "Prot LocalAddress:Port Scheduler Flags\n"
               "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n";
    else if (!f.rule)
        out += "Prot LocalAddress:Port Scheduler Flags\n"
               "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
}

// ipvsadm.c print_sched_flags(): named by the scheduler; "sh" and "mh" have no name for flag-3.
std::string sched_flags_text(const core::VirtualService& s) {
    std::string flags;
    if (s.sched_name == "sh") {
        if (s.flags & core::kSvcSched1) flags += "sh-fallback,";
        if (s.flags & core::kSvcSched2) flags += "sh-port,";
    } else if (s.sched_name == "mh") {
        if (s.flags & core::kSvcSched1) flags += "mh-fallback,";
        if (s.flags & core::kSvcSched2) flags += "mh-port,";
    } else {
        if (s.flags & core::kSvcSched1) flags += "flag-1,";
        if (s.flags & core::kSvcSched2) flags += "flag-2,";
        if (s.flags & core::kSvcSched3) flags += "flag-3,";
    }
    if (!flags.empty()) flags.pop_back();
    return flags;
}

// ipvsadm.c fwd_name() / fwd_switch()
std::string_view fwd_name(core::FwdMethod m) { return core::fwd_list_name(m); }
std::string_view fwd_switch(core::FwdMethod m) {
    switch (m) {
        case core::FwdMethod::masq: return "-m";
        case core::FwdMethod::tunnel: return "-i";
        case core::FwdMethod::local:
        case core::FwdMethod::droute: return "-g";
    }
    return "";
}

constexpr std::string_view kTunNames[] = {"ipip", "gue", "gre"};
constexpr std::string_view kTunFlags[] = {"-c", "+c", "r+c"};
constexpr std::string_view kTunFlagsOpts[] = {"--tun-nocsum", "--tun-csum", "--tun-remcsum"};

std::string_view tun_flag(std::span<const std::string_view> names, std::uint16_t flags) {
    // ipvsadm indexes its 3-entry arrays with tun_flags; ipvsadm only ever sets one of them.
    return flags < names.size() ? names[flags] : std::string_view("?");
}

// ipvsadm.c fwd_tun_info(): "n/a" (NA) when it returns NULL.
std::string fwd_tun_info(const core::RealServer& d) {
    if (d.fwd != core::FwdMethod::tunnel) return "n/a";
    std::string info;
    switch (d.tun_type) {
        case core::TunType::ipip: info = "ipip"; break;
        case core::TunType::gue:
            info = fmt::format("gue:{}:{}", d.tun_port, tun_flag(kTunFlags, d.tun_flags));
            break;
        case core::TunType::gre: info = fmt::format("gre:{}", tun_flag(kTunFlags, d.tun_flags)); break;
        default: return "n/a";
    }
    if (info.size() > 15) info.resize(15);  // snprintf(info, 16, ...)
    return info;
}

// ipvsadm.c print_tunnel_rule()
void print_tunnel_rule(std::string& out, const std::string& svc_name, const std::string& dname,
                       const core::RealServer& d) {
    switch (d.tun_type) {
        case core::TunType::gre:
            out += fmt::format("-a {} -r {} {} -w {} --tun-type {} {}\n", svc_name, dname, fwd_switch(d.fwd), d.weight,
                               kTunNames[2], tun_flag(kTunFlagsOpts, d.tun_flags));
            break;
        case core::TunType::gue:
            out += fmt::format("-a {} -r {} {} -w {} --tun-type {} --tun-port {} {}\n", svc_name, dname,
                               fwd_switch(d.fwd), d.weight, kTunNames[1], d.tun_port,
                               tun_flag(kTunFlagsOpts, d.tun_flags));
            break;
        case core::TunType::ipip:
            out += fmt::format("-a {} -r {} {} -w {} --tun-type {}\n", svc_name, dname, fwd_switch(d.fwd), d.weight,
                               kTunNames[0]);
            break;
        default:
            out += fmt::format("-a {} -r {} {} -w {}\n", svc_name, dname, fwd_switch(d.fwd), d.weight);
            break;
    }
}

// ipvsadm.c print_service_entry()
void print_service_entry(std::string& out, const core::VirtualService& se, const Format& f) {
    std::string svc_name;
    if (se.key.fwmark) {
        // ipvsadm 1.31 prints the mark with %d: marks of 2^31 and more come out negative (and a
        // saved "-f -1879048192" is refused on restore). Later ipvsadm sources print %u.
        auto mark = static_cast<int>(se.key.fwmark);
        svc_name = f.rule ? fmt::format("-f {}", mark) : fmt::format("FWM  {}", mark);
    } else {
        // addrport_to_anyname(): always the FMT_NUMERIC form (tapvs has no resolver in the core)
        std::string vname = net::Endpoint{se.key.addr, se.key.port}.to_string();
        if (f.rule) {
            svc_name = fmt::format("{} {}", option_from_protocol(se.key.protocol), vname);
        } else {
            svc_name = fmt::format("{:<4} {}", protocol_name(se.key.protocol), vname);
            if (svc_name.size() > 33) svc_name.resize(33);  // svc_name[33] = '\0' (IPv4)
        }
    }

    const bool sched_flags = (se.flags & core::kSvcSchedFlags) != 0;
    const bool persistent = (se.flags & core::kSvcPersistent) != 0;
    if (f.rule) {
        out += fmt::format("-A {} -s {}", svc_name, se.sched_name);
        if (persistent) {
            out += fmt::format(" -p {}", se.timeout_s);
            if (se.netmask != 0xffffffffu) out += fmt::format(" -M {}", net::Ipv4Addr{se.netmask});
        }
        if (!se.pe_name.empty()) out += fmt::format(" --pe {}", se.pe_name);
        if (se.flags & core::kSvcOnePacket) out += " -o";
        if (sched_flags) out += " -b " + sched_flags_text(se);
    } else if (f.stats) {
        out += fmt::format("{:<33}", svc_name);
        print_largenum(out, se.stats.conns, f.exact);
        print_largenum(out, se.stats.inpkts, f.exact);
        print_largenum(out, se.stats.outpkts, f.exact);
        print_largenum(out, se.stats.inbytes, f.exact);
        print_largenum(out, se.stats.outbytes, f.exact);
    } else if (f.rate) {
        const core::RateEstimate r = se.est.read();
        out += fmt::format("{:<33}", svc_name);
        print_largenum(out, r.cps, f.exact);
        print_largenum(out, r.inpps, f.exact);
        print_largenum(out, r.outpps, f.exact);
        print_largenum(out, r.inbps, f.exact);
        print_largenum(out, r.outbps, f.exact);
    } else {
        out += fmt::format("{} {}", svc_name, se.sched_name);
        if (sched_flags) out += " (" + sched_flags_text(se) + ")";
        if (persistent) {
            out += fmt::format(" persistent {}", se.timeout_s);
            if (se.netmask != 0xffffffffu) out += fmt::format(" mask {}", net::Ipv4Addr{se.netmask});
            if (!se.pe_name.empty()) out += fmt::format(" pe {}", se.pe_name);
        }
        if (se.flags & core::kSvcOnePacket) out += " ops";
    }
    out += "\n";

    // The kernel hands the dests over in its list order (newest first); ipvsadm sorts them.
    std::vector<const core::RealServer*> dests;
    dests.reserve(se.destinations.size());
    for (const auto& d : se.destinations) dests.push_back(d.get());
    if (!f.nosort) glibc_qsort(dests, cmp_dests);

    for (const core::RealServer* e : dests) {
        std::string dname = e->endpoint().to_string();
        if (!f.rule && dname.size() > 28) dname.resize(28);  // dname[28] = '\0' (IPv4)
        if (f.rule) {
            if (e->fwd == core::FwdMethod::tunnel) print_tunnel_rule(out, svc_name, dname, *e);
            else out += fmt::format("-a {} -r {} {} -w {}\n", svc_name, dname, fwd_switch(e->fwd), e->weight);
        } else if (f.stats) {
            out += fmt::format("  -> {:<28}", dname);
            print_largenum(out, e->stats.conns, f.exact);
            print_largenum(out, e->stats.inpkts, f.exact);
            print_largenum(out, e->stats.outpkts, f.exact);
            print_largenum(out, e->stats.inbytes, f.exact);
            print_largenum(out, e->stats.outbytes, f.exact);
            out += "\n";
        } else if (f.rate) {
            const core::RateEstimate r = e->est.read();
            out += fmt::format("  -> {:<28} {:>8} {:>8} {:>8}", dname, r.cps, r.inpps, r.outpps);
            print_largenum(out, r.inbps, f.exact);
            print_largenum(out, r.outbps, f.exact);
            out += "\n";
        } else if (f.thresholds) {
            out += fmt::format("  -> {:<28} {:<10} {:<10} {:<10} {:<10}\n", dname, e->u_threshold, e->l_threshold,
                               e->activeconns, e->inactconns);
        } else if (f.persistent_conn) {
            out += fmt::format("  -> {:<28} {:<9} {:<11} {:<10} {:<10}\n", dname, e->weight, e->persistconns,
                               e->activeconns, e->inactconns);
        } else if (f.tun_info) {
            out += fmt::format("  -> {:<28} {:<7} {:<13} {:<6} {:<10} {:<10}\n", dname, fwd_name(e->fwd),
                               fwd_tun_info(*e), e->weight, e->activeconns, e->inactconns);
        } else {
            out += fmt::format("  -> {:<28} {:<7} {:<6} {:<10} {:<10}\n", dname, fwd_name(e->fwd), e->weight,
                               e->activeconns, e->inactconns);
        }
    }
}

// ipvsadm.c list_all() after the header: the services, sorted unless --nosort. The kernel's
// dump order (its service hash buckets) cannot be reproduced; tapvs starts from creation order.
void list_services(std::string& out, const core::Ipvs& ipvs, const Format& f) {
    std::vector<const core::VirtualService*> svcs;
    svcs.reserve(ipvs.services().size());
    for (const auto& s : ipvs.services()) svcs.push_back(s.get());
    if (!f.nosort) glibc_qsort(svcs, cmp_services);
    print_title(out, f);
    for (const auto* s : svcs) print_service_entry(out, *s, f);
}

// ---- -L -c ----

// ip_vs_conn.c / ip_vs_proto.c ip_vs_proto_name(), as /proc/net/ip_vs_conn prints it.
std::string conn_proto_name(core::Proto p) {
    switch (static_cast<std::uint8_t>(p)) {
        case 0: return "IP";
        case 17: return "UDP";
        case 6: return "TCP";
        case kIpprotoSctp: return "SCTP";
        case 1: return "ICMP";
        case 58: return "ICMPv6";
        default: return fmt::format("IP_{}", static_cast<unsigned>(p));
    }
}

// ip_vs_conn.c ip_vs_state_name(): templates use ip_vs_ctpl_state_name_table.
std::string_view conn_state_name(const core::Connection& c) {
    auto state = static_cast<unsigned>(c.state);
    if (c.is_template()) {
        if (state == 0) return "NONE";
        if (state == 1) return "ASSURED";
        return "ERR!";
    }
    switch (static_cast<std::uint8_t>(c.protocol)) {
        case 6: return core::tcp_state_name(c.state);
        case 17: return state == 0 ? "UDP" : "ERR!";  // udp_state_name_table[IP_VS_UDP_S_NORMAL]
        case 0: return "NONE";
        default: return "ERR!";
    }
}

// ipvsadm.c list_conn() + print_conn(), over what ip_vs_conn_seq_show() writes.
void list_conn(std::string& out, const core::Ipvs& ipvs, bool persistent_conn, core::Timestamp now) {
    out += "IPVS connection entries\n";
    if (persistent_conn)
        out += fmt::format("pro expire {:<11} {:<18} {:<18} {:<18} {:<16} {}\n", "state", "source", "virtual",
                           "destination", "pe name", "pe_data");
    else
        out += fmt::format("pro expire {:<11} {:<18} {:<18} {}\n", "state", "source", "virtual", "destination");
    ipvs.for_each_conn([&](const core::Connection& c) {
        // jiffies_delta_to_msecs(cp->timer.expires - jiffies) / 1000, never negative.
        core::Duration left = c.expires - now;
        std::int64_t ms = left.count() > 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(left).count() : 0;
        auto expires = static_cast<unsigned>(ms / 1000);
        std::string expire = fmt::format("{:02}:{:02}", expires / 60, expires % 60);
        // tapvs connections carry no persistence-engine data, so the line never has the pe columns.
        out += fmt::format("{:<3} {:<6} {:<11} {:<18} {:<18} {}\n", conn_proto_name(c.protocol), expire,
                           conn_state_name(c), net::Endpoint{c.caddr, c.cport}, net::Endpoint{c.vaddr, c.vport},
                           net::Endpoint{c.daddr, c.dport});
    });
}

// ---- usage ----

constexpr std::string_view kVersionLine = "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n";

// ipvsadm.c usage_exit() after version(); {0} is argv[0]. SCHEDULERS and PE_LIST are ipvsadm
// 1.31's build-time lists.
constexpr std::string_view kUsage = R"USAGE(Usage:
  {0} -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]
  {0} -D virtual-service
  {0} -C
  {0} -R
  {0} -S [-n]
  {0} -a|e virtual-service -r server-address [options]
  {0} -d virtual-service -r server-address
  {0} -L|l [virtual-service] [options]
  {0} -Z [virtual-service]
  {0} --set tcp tcpfin udp
  {0} --start-daemon {{master|backup}} [daemon-options]
  {0} --stop-daemon {{master|backup}}
  {0} -h

Commands:
Either long or short options are allowed.
  --add-service     -A        add virtual service with options
  --edit-service    -E        edit virtual service with options
  --delete-service  -D        delete virtual service
  --clear           -C        clear the whole table
  --restore         -R        restore rules from stdin
  --save            -S        save rules to stdout
  --add-server      -a        add real server with options
  --edit-server     -e        edit real server with options
  --delete-server   -d        delete real server
  --list            -L|-l     list the table
  --zero            -Z        zero counters in a service or all services
  --set tcp tcpfin udp        set connection timeout values
  --start-daemon              start connection sync daemon
  --stop-daemon               stop connection sync daemon
  --help            -h        display this help message

virtual-service:
  --tcp-service|-t  service-address   service-address is host[:port]
  --udp-service|-u  service-address   service-address is host[:port]
  --sctp-service    service-address   service-address is host[:port]
  --fwmark-service|-f fwmark          fwmark is an integer greater than zero

Options:
  --ipv6         -6                   fwmark entry uses IPv6
  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,
                                      the default scheduler is wlc.
  --pe            engine              alternate persistence engine may be sip,
                                      not set by default.
  --persistent   -p [timeout]         persistent service
  --netmask      -M netmask           persistent granularity mask
  --real-server  -r server-address    server-address is host (and port)
  --gatewaying   -g                   gatewaying (direct routing) (default)
  --ipip         -i                   ipip encapsulation (tunneling)
  --masquerading -m                   masquerading (NAT)
  --tun-type      type                one of ipip|gue|gre,
                                      the default tunnel type is ipip.
  --tun-port      port                tunnel destination port
  --tun-nocsum                        tunnel encapsulation without checksum
  --tun-csum                          tunnel encapsulation with checksum
  --tun-remcsum                       tunnel encapsulation with remote checksum
  --weight       -w weight            capacity of real server
  --u-threshold  -x uthreshold        upper threshold of connections
  --l-threshold  -y lthreshold        lower threshold of connections
  --connection   -c                   output of current IPVS connections
  --timeout                           output of timeout (tcp tcpfin udp)
  --daemon                            output of daemon information
  --stats                             output of statistics information
  --rate                              output of rate information
  --exact                             expand numbers (display exact values)
  --thresholds                        output of thresholds information
  --persistent-conn                   output of persistent connection info
  --tun-info                          output of tunnel information
  --nosort                            disable sorting output of service/server entries
  --sort                              does nothing, for backwards compatibility
  --ops          -o                   one-packet scheduling
  --numeric      -n                   numeric output of addresses and ports
  --sched-flags  -b flags             scheduler flags (comma-separated)
Daemon Options:
  --syncid sid                        syncid for connection sync (default=255)
  --sync-maxlen length                Max sync message length (default=1472)
  --mcast-interface interface         multicast interface for connection sync
  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)
  --mcast-port port                   UDP port (default=8848)
  --mcast-ttl ttl                     Multicast TTL (default=1)
)USAGE";

// ---- running one command ----

struct Outcome {
    Reply reply;
    bool exits = false;  // ipvsadm exits here (ends a -R stream)
};

Reply kernel_reply(const Command& cmd, core::IpvsErr err) {
    if (err == core::IpvsErr::ok) return Reply{};
    // process_options(): fprintf(stderr, "%s\n", ipvs_strerror(errno)); return -1 (exit 255).
    return Reply{255, {}, ipvs_strerror(cmd, err) + "\n"};
}

Outcome run_ipvsadm(core::Ipvs& ipvs, const Command& command, core::Timestamp now, const IpvsadmContext& ctx) {
    return std::visit(
        [&](const auto& c) -> Outcome {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, cmd::AddService>) {
                return {kernel_reply(command, ipvs.add_service(c.svc, now))};
            } else if constexpr (std::is_same_v<T, cmd::EditService>) {
                return {kernel_reply(command, ipvs.edit_service(c.svc, now))};
            } else if constexpr (std::is_same_v<T, cmd::DelService>) {
                return {kernel_reply(command, ipvs.del_service(c.svc, now))};
            } else if constexpr (std::is_same_v<T, cmd::Flush>) {
                ipvs.flush(now);
                return {Reply{}};
            } else if constexpr (std::is_same_v<T, cmd::AddDest>) {
                return {kernel_reply(command, ipvs.add_dest(c.svc, c.dest, now))};
            } else if constexpr (std::is_same_v<T, cmd::EditDest>) {
                return {kernel_reply(command, ipvs.edit_dest(c.svc, c.dest))};
            } else if constexpr (std::is_same_v<T, cmd::DelDest>) {
                return {kernel_reply(command, ipvs.del_dest(c.svc, c.dest, now))};
            } else if constexpr (std::is_same_v<T, cmd::Zero>) {
                return {kernel_reply(command, ipvs.zero(c.svc ? &*c.svc : nullptr))};
            } else if constexpr (std::is_same_v<T, cmd::SetTimeout>) {
                return {kernel_reply(command, ipvs.set_timeouts(core::Timeouts{c.tcp, c.tcpfin, c.udp}))};
            } else if constexpr (std::is_same_v<T, cmd::List>) {
                if (!c.opts.connection && c.svc && !ipvs.find_service(*c.svc)) {
                    // list_service(): ipvs_get_service() fails; ipvsadm prints and exit(1)s.
                    return {Reply{1, {}, ipvs_strerror(command, core::IpvsErr::srch) + "\n"}, true};
                }
                return {Reply{0, format_list(ipvs, c, now), {}}};
            } else if constexpr (std::is_same_v<T, cmd::Save>) {
                return {Reply{0, format_save(ipvs, c.numeric), {}}};
            } else if constexpr (std::is_same_v<T, cmd::Restore>) {
                return {Reply{255, {}, "ipvsadm -R: the rules come on standard input; run them with "
                                       "execute_ipvsadm_restore()\n"}};
            } else if constexpr (std::is_same_v<T, cmd::StartDaemon>) {
                // start_sync_thread(): __dev_get_by_name(mcast_ifn) finds nothing -> -ENODEV.
                return {Reply{255, {}, "No such device\n"}};
            } else if constexpr (std::is_same_v<T, cmd::StopDaemon>) {
                // stop_sync_thread(): no such daemon -> -ESRCH.
                return {Reply{255, {}, ipvs_strerror(command, core::IpvsErr::srch) + "\n"}};
            } else if constexpr (std::is_same_v<T, cmd::Help>) {
                return {Reply{0, ipvsadm_usage(ctx.program), {}}, true};
            } else if constexpr (std::is_same_v<T, cmd::Version>) {
                return {Reply{0, ipvsadm_version(), {}}, true};
            } else {
                return {Reply{255, {}, "not an ipvsadm command\n"}};
            }
        },
        command);
}

void append(Reply& to, const Reply& r) {
    to.out += r.out;
    to.err += r.err;
}

}  // namespace

std::string ipvs_strerror(const Command& cmd, core::IpvsErr err) { return strerror_for(ipvs_func_of(cmd), err); }

std::string format_list(const core::Ipvs& ipvs, const cmd::List& list, core::Timestamp now) {
    std::string out;
    const ListOptions& o = list.opts;
    Format f = format_of(o);
    // process_options() CMD_LIST: connections, one service, timeouts, daemons, or everything.
    if (o.connection) {
        list_conn(out, ipvs, o.persistent_conn, now);
    } else if (list.svc) {
        const core::VirtualService* s = ipvs.find_service(*list.svc);
        if (!s) return out;
        print_title(out, f);
        print_service_entry(out, *s, f);
    } else if (o.timeout) {
        core::Timeouts t = ipvs.timeouts();
        out += fmt::format("Timeout (tcp tcpfin udp): {} {} {}\n", t.tcp, t.tcpfin, t.udp);
    } else if (o.daemon) {
        // list_daemon(): one line per running sync daemon; tapvs runs none.
    } else {
        out += fmt::format("IP Virtual Server version {}.{}.{} (size={})\n", (core::Ipvs::kVersionCode >> 16) & 0xff,
                           (core::Ipvs::kVersionCode >> 8) & 0xff, core::Ipvs::kVersionCode & 0xff,
                           core::Ipvs::kConnTabSize);
        list_services(out, ipvs, f);
    }
    return out;
}

std::string format_save(const core::Ipvs& ipvs, bool numeric) {
    (void)numeric;  // names are never resolved in tapvs: -S and -S -n print the same
    std::string out;
    Format f;
    f.rule = true;
    list_services(out, ipvs, f);
    return out;
}

std::string ipvsadm_version() { return std::string(kVersionLine); }

std::string ipvsadm_usage(std::string_view program) {
    return std::string(kVersionLine) + fmt::format(fmt::runtime(kUsage), program);
}

Reply execute_ipvsadm(core::Ipvs& ipvs, const Command& cmd, core::Timestamp now, const IpvsadmContext& ctx) {
    return run_ipvsadm(ipvs, cmd, now, ctx).reply;
}

Reply execute_ipvsadm_restore(core::Ipvs& ipvs, std::string_view input, core::Timestamp now,
                              const IpvsadmContext& ctx) {
    Reply all;
    int result = 0;  // restore_table(): the last line's process_options() result
    for (const auto& words : split_ipvsadm_restore(input)) {
        IpvsadmParse p = parse_ipvsadm_ex(words, ctx);
        if (!p.result.ok()) {
            append(all, p.result.error());
            if (p.exits) {
                all.status = p.result.error().status;
                return all;
            }
            result = p.result.error().status;
            continue;
        }
        const Command& cmd = p.result.value();
        if (std::holds_alternative<cmd::Restore>(cmd)) {
            // restore_table() with reading_stdin set: "avoid infinite loop" -> tryhelp_exit().
            all.err += fmt::format("Try `{} -h' or '{} --help' for more information.\n", ctx.program, ctx.program);
            all.status = 255;
            return all;
        }
        Outcome o = run_ipvsadm(ipvs, cmd, now, ctx);
        append(all, o.reply);
        if (o.exits) {
            all.status = o.reply.status;
            return all;
        }
        result = o.reply.status;
    }
    all.status = result;
    return all;
}

}  // namespace tapvs::ctl
