// ipvsadm 1.31's command line (ipvsadm.c parse_options() + process_options() up to the kernel
// call), re-done step by step so that every accepted line gives the ipvs_service_t/ipvs_dest_t
// ipvsadm would send, and every refused line the text, stream and exit status ipvsadm gives, in
// ipvsadm's order of checks: popt as each option comes (value errors, "multiple" options), then
// popt's own error, --set's three values, left-over words, -b flags, the command/option table
// (generic_opt_check), the -A/-E rules, the -a/-e rules (port forcing, address family, tunnel
// options), the -L conflicts.
#include "tapvs/ctl/ipvsadm.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "ctl/parse/ipvsadm_addr.hpp"
#include "ctl/parse/ipvsadm_popt.hpp"

namespace tapvs::ctl {

namespace {

using namespace ipvsadm_detail;

// ipvsadm.c CMD_* (1-based) and cmdnames[].
enum Cmd : int {
    kCmdNone = 0, kCmdAdd, kCmdEdit, kCmdDel, kCmdFlush, kCmdList, kCmdAddDest, kCmdDelDest, kCmdEditDest,
    kCmdTimeout, kCmdStartDaemon, kCmdStopDaemon, kCmdRestore, kCmdSave, kCmdZero
};
constexpr std::array<std::string_view, 14> kCmdNames = {
    "add-service", "edit-service", "delete-service", "flush", "list", "add-server", "delete-server",
    "edit-server", "set", "start-daemon", "stop-daemon", "restore", "save", "zero"};

// ipvsadm.c OPTC_* and optnames[].
enum Optc : int {
    kOptcNumeric = 0, kOptcConnection, kOptcService, kOptcScheduler, kOptcPersistent, kOptcNetmask,
    kOptcServer, kOptcForward, kOptcWeight, kOptcUThreshold, kOptcLThreshold, kOptcMcast, kOptcTimeout,
    kOptcDaemon, kOptcStats, kOptcRate, kOptcThresholds, kOptcPersistentConn, kOptcNoSort, kOptcSyncId,
    kOptcExact, kOptcOnePacket, kOptcPersistenceEngine, kOptcSchedFlags, kOptcMcastGroup, kOptcMcastPort,
    kOptcMcastTtl, kOptcSyncMaxlen, kOptcTunInfo, kOptcTunType, kOptcTunPort, kOptcTunNoCsum, kOptcTunCsum,
    kOptcTunRemCsum, kNumberOfOpt
};
constexpr std::array<std::string_view, kNumberOfOpt> kOptNames = {
    "numeric", "connection", "service-address", "scheduler", "persistent", "netmask", "real-server",
    "forwarding-method", "weight", "u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
    "stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe", "sched-flags",
    "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port", "tun-nocsum",
    "tun-csum", "tun-remcsum"};

constexpr std::uint64_t opt_bit(int optc) { return 1ULL << optc; }

// ipvsadm.c commands_v_options[][]: '+' compulsory, 'x' illegal, '1' exclusive, ' ' optional.
// Columns: -n -c svc -s -p -M -r fwd -w -x -y -mc tot dmn -st -rt thr -pc srt sid -ex ops -pe -b
//          grp port ttl size tinf type tprt nocs csum remc
constexpr std::array<std::string_view, 14> kCommandsVOptions = {
    "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",  // ADD
    "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",  // EDIT
    "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  // DEL
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  // FLUSH
    " 11xxxxxxxxx11       xxxxxxx xxxxx",  // LIST
    "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",  // ADDSRV
    "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",  // DELSRV
    "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",  // EDITSRV
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  // TIMEOUT
    "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",  // STARTD
    "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",  // STOPD
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  // RESTORE
    " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  // SAVE
    "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  // ZERO
};
constexpr bool table_is_square() {
    for (auto row : kCommandsVOptions)
        if (row.size() != kNumberOfOpt) return false;
    return true;
}
static_assert(table_is_square(), "commands_v_options rows have one column per option");

// ipvsadm.c tunnel_types_v_options[][] over tunopts[] = {tun-port, tun-nocsum, tun-csum, tun-remcsum}.
constexpr std::array<std::string_view, 3> kTunNames = {"ipip", "gue", "gre"};
constexpr std::array<int, 4> kTunOpts = {kOptcTunPort, kOptcTunNoCsum, kOptcTunCsum, kOptcTunRemCsum};
constexpr std::array<std::string_view, 3> kTunnelTypesVOptions = {"xxxx", "+111", "x11x"};

// ipvsadm.c TAG_* (values outside ASCII, so short names can be the tags).
enum Tag : int {
    kTagSet = 128, kTagStartDaemon, kTagStopDaemon, kTagMcastInterface, kTagTimeout, kTagDaemon, kTagStats,
    kTagRate, kTagThresholds, kTagPersistentConn, kTagSort, kTagNoSort, kTagPersistenceEngine, kTagSctpService,
    kTagMcastGroup, kTagMcastPort, kTagMcastTtl, kTagSyncMaxlen, kTagTunInfo, kTagTunType, kTagTunPort,
    kTagTunNoCsum, kTagTunCsum, kTagTunRemCsum
};

// ipvsadm.c parse_options() options_table[], in its order (the first "list" wins a long lookup).
constexpr PoptOption kOptionsTable[] = {
    {"add-service", 'A', PoptArg::none, 'A'},
    {"edit-service", 'E', PoptArg::none, 'E'},
    {"delete-service", 'D', PoptArg::none, 'D'},
    {"clear", 'C', PoptArg::none, 'C'},
    {"list", 'L', PoptArg::none, 'L'},
    {"list", 'l', PoptArg::none, 'l'},
    {"zero", 'Z', PoptArg::none, 'Z'},
    {"add-server", 'a', PoptArg::none, 'a'},
    {"edit-server", 'e', PoptArg::none, 'e'},
    {"delete-server", 'd', PoptArg::none, 'd'},
    {"set", '\0', PoptArg::none, kTagSet},
    {"help", 'h', PoptArg::none, 'h'},
    {"version", 'v', PoptArg::none, 'v'},
    {"restore", 'R', PoptArg::none, 'R'},
    {"save", 'S', PoptArg::none, 'S'},
    {"start-daemon", '\0', PoptArg::required, kTagStartDaemon},
    {"stop-daemon", '\0', PoptArg::required, kTagStopDaemon},
    {"tcp-service", 't', PoptArg::required, 't'},
    {"udp-service", 'u', PoptArg::required, 'u'},
    {"sctp-service", '\0', PoptArg::required, kTagSctpService},
    {"fwmark-service", 'f', PoptArg::required, 'f'},
    {"scheduler", 's', PoptArg::required, 's'},
    {"persistent", 'p', PoptArg::optional, 'p'},
    {"netmask", 'M', PoptArg::required, 'M'},
    {"real-server", 'r', PoptArg::required, 'r'},
    {"masquerading", 'm', PoptArg::none, 'm'},
    {"ipip", 'i', PoptArg::none, 'i'},
    {"gatewaying", 'g', PoptArg::none, 'g'},
    {"weight", 'w', PoptArg::required, 'w'},
    {"u-threshold", 'x', PoptArg::required, 'x'},
    {"l-threshold", 'y', PoptArg::required, 'y'},
    {"numeric", 'n', PoptArg::none, 'n'},
    {"connection", 'c', PoptArg::none, 'c'},
    {"mcast-interface", '\0', PoptArg::required, kTagMcastInterface},
    {"syncid", '\0', PoptArg::required, 'I'},
    {"timeout", '\0', PoptArg::none, kTagTimeout},
    {"daemon", '\0', PoptArg::none, kTagDaemon},
    {"stats", '\0', PoptArg::none, kTagStats},
    {"rate", '\0', PoptArg::none, kTagRate},
    {"thresholds", '\0', PoptArg::none, kTagThresholds},
    {"persistent-conn", '\0', PoptArg::none, kTagPersistentConn},
    {"nosort", '\0', PoptArg::none, kTagNoSort},
    {"sort", '\0', PoptArg::none, kTagSort},
    {"exact", 'X', PoptArg::none, 'X'},
    {"ipv6", '6', PoptArg::none, '6'},
    {"ops", 'o', PoptArg::none, 'o'},
    {"pe", '\0', PoptArg::required, kTagPersistenceEngine},
    {"sched-flags", 'b', PoptArg::required, 'b'},
    {"mcast-group", '\0', PoptArg::required, kTagMcastGroup},
    {"mcast-port", '\0', PoptArg::required, kTagMcastPort},
    {"mcast-ttl", '\0', PoptArg::required, kTagMcastTtl},
    {"sync-maxlen", '\0', PoptArg::required, kTagSyncMaxlen},
    {"tun-info", '\0', PoptArg::none, kTagTunInfo},
    {"tun-type", '\0', PoptArg::required, kTagTunType},
    {"tun-port", '\0', PoptArg::required, kTagTunPort},
    {"tun-nocsum", '\0', PoptArg::none, kTagTunNoCsum},
    {"tun-csum", '\0', PoptArg::none, kTagTunCsum},
    {"tun-remcsum", '\0', PoptArg::none, kTagTunRemCsum},
};

constexpr int kMaxTimeout = 86400 * 31;             // ipvsadm.c MAX_TIMEOUT
constexpr std::uint32_t kPersistentTimeout = 6 * 60;  // libipvs.h IPVS_SVC_PERSISTENT_TIMEOUT
constexpr std::size_t kSchedNameMax = 16 - 1;         // strncpy(sched_name, optarg, IP_VS_SCHEDNAME_MAXLEN - 1)
constexpr std::size_t kPeNameMax = 16;                // strncpy(pe_name, optarg, IP_VS_PENAME_MAXLEN)
constexpr std::size_t kIfNameMax = 16 - 1;            // strncpy(mcast_ifn, optarg, IP_VS_IFNAME_MAXLEN - 1)
constexpr std::size_t kSchedFlagsArgMax = 128 - 1;    // snprintf(sched_flags_arg, 128, "%s", optarg)

// ipvsadm leaves through exit() from deep inside; so does this parser (caught in parse_ipvsadm_ex).
struct Exit {
    Reply reply;
    bool exits;
};

[[noreturn]] void fail(int status, std::string msg) {
    // ipvsadm.c fail(): the message, a newline, exit(status).
    throw Exit{Reply{status, {}, std::move(msg) + "\n"}, true};
}

[[noreturn]] void tryhelp_exit(std::string_view program) {
    // exit(-1): status 255.
    throw Exit{Reply{255, {}, fmt::format("Try `{} -h' or '{} --help' for more information.\n", program, program)},
               true};
}

// ipvs_command_entry, with ipvsadm's process_options() defaults.
struct CommandEntry {
    int cmd = kCmdNone;
    ServiceAddr svc;  // af, protocol, addr, port, netmask (0xffffffff)
    std::uint32_t fwmark = 0;
    std::string sched_name;
    std::uint32_t flags = 0;
    std::uint32_t timeout = 0;
    std::string pe_name;

    ServiceAddr dest;  // af, addr, port of the real server
    core::FwdMethod fwd = core::FwdMethod::droute;  // IP_VS_CONN_F_DROUTE
    int weight = 1;
    std::uint32_t u_threshold = 0;
    std::uint32_t l_threshold = 0;
    int tun_type = 0;  // ipip
    std::uint16_t tun_port = 0;
    std::uint16_t tun_flags = 0;

    std::uint32_t tcp_timeout = 0, tcp_fin_timeout = 0, udp_timeout = 0;

    std::string daemon_state;  // "master" / "backup"
    std::string mcast_ifn;
    int syncid = 0;
};

class Parser {
public:
    Parser(std::span<const std::string> args, const IpvsadmContext& ctx)
        : ctx_(ctx), popt_(args, kOptionsTable) {}

    // process_options() up to the switch that calls the kernel.
    IpvsadmParse run();

private:
    void set_command(int cmd) {
        if (ce_.cmd != kCmdNone) fail(2, "multiple commands specified");
        ce_.cmd = cmd;
    }
    void set_option(int optc) {
        if (options_ & opt_bit(optc)) fail(2, fmt::format("multiple '{}' options specified", kOptNames[optc]));
        options_ |= opt_bit(optc);
    }
    // parse_timeout(): an absent argument is the -p default.
    std::uint32_t parse_timeout(const std::optional<std::string>& buf, int min, int max) {
        if (!buf) return kPersistentTimeout;
        int i = string_to_number(*buf, min, max);
        if (i == -1) fail(2, fmt::format("invalid timeout value `{}' specified", *buf));
        return static_cast<std::uint32_t>(i);
    }
    std::uint32_t parse_fwmark(const std::string& buf) {
        auto l = strtol_whole(buf);
        if (!l || *l <= 0 || *l > 0xffffffffL) fail(2, fmt::format("invalid fwmark value `{}' specified", buf));
        return static_cast<std::uint32_t>(*l);
    }
    std::uint32_t parse_sched_flags(std::string_view sched, const std::string& arg);
    void parse_first_option();
    void parse_option(int c, const std::optional<std::string>& optarg);
    void generic_opt_check() const;
    void tunnel_opt_check() const;
    Command make_command() const;
    // libipvs ipvs_zero_service(): the service goes to the kernel only when it names one (fwmark,
    // address or port non-zero); `-Z -t 0.0.0.0:0` zeroes every service.
    bool zero_names_service() const {
        bool addr6 = false;
        for (auto b : ce_.svc.addr6) addr6 = addr6 || b != 0;
        return ce_.fwmark || ce_.svc.addr || addr6 || ce_.svc.port;
    }
    core::ServiceKey service_key() const;

    const IpvsadmContext& ctx_;
    PoptContext popt_;
    CommandEntry ce_;
    std::uint64_t options_ = 0;
    ListOptions format_;
    std::string sched_flags_arg_;
    bool help_ = false;
    bool version_ = false;
};

void Parser::parse_first_option() {
    int c = popt_.next_opt();
    if (c < 0) tryhelp_exit(ctx_.program);
    const auto& optarg = popt_.opt_arg();
    switch (c) {
        case 'A': set_command(kCmdAdd); break;
        case 'E': set_command(kCmdEdit); break;
        case 'D': set_command(kCmdDel); break;
        case 'a': set_command(kCmdAddDest); break;
        case 'e': set_command(kCmdEditDest); break;
        case 'd': set_command(kCmdDelDest); break;
        case 'C': set_command(kCmdFlush); break;
        case 'L':
        case 'l': set_command(kCmdList); break;
        case 'Z': set_command(kCmdZero); break;
        case kTagSet: set_command(kCmdTimeout); break;
        case 'R': set_command(kCmdRestore); break;
        case 'S': set_command(kCmdSave); break;
        case kTagStartDaemon:
            set_command(kCmdStartDaemon);
            if (*optarg == "master" || *optarg == "backup") ce_.daemon_state = *optarg;
            else fail(2, "illegal start-daemon parameter specified");
            break;
        case kTagStopDaemon:
            set_command(kCmdStopDaemon);
            if (*optarg == "master" || *optarg == "backup") ce_.daemon_state = *optarg;
            else fail(2, "illegal start_daemon specified");  // sic
            break;
        case 'h': help_ = true; break;     // usage_exit(argv[0], 0): nothing after -h is read
        case 'v': version_ = true; break;  // version_exit(0)
        default: tryhelp_exit(ctx_.program);
    }
}

void Parser::parse_option(int c, const std::optional<std::string>& optarg) {
    switch (c) {
        case 't':
        case 'u':
        case kTagSctpService: {
            set_option(kOptcService);
            ce_.svc.protocol = c == 't' ? kIpprotoTcp : c == 'u' ? kIpprotoUdp : kIpprotoSctp;
            int parse = parse_service(*optarg, ce_.svc, ctx_.resolver);
            if (!(parse & kServiceAddr)) fail(2, "illegal virtual server address[:port] specified");
            break;
        }
        case 'f':
            set_option(kOptcService);
            // "Set protocol to a sane values, even though it is not used"
            ce_.svc.af = kAfInet;
            ce_.svc.protocol = kIpprotoTcp;
            ce_.fwmark = parse_fwmark(*optarg);
            break;
        case 's':
            set_option(kOptcScheduler);
            ce_.sched_name = optarg->substr(0, kSchedNameMax);
            break;
        case 'p':
            set_option(kOptcPersistent);
            ce_.flags |= core::kSvcPersistent;
            ce_.timeout = parse_timeout(optarg, 1, kMaxTimeout);
            break;
        case 'M':
            set_option(kOptcNetmask);
            if (ce_.svc.af != kAfInet6) {
                auto mask = parse_netmask(*optarg, ctx_.resolver);
                if (!mask) fail(2, "illegal virtual server persistent mask specified");
                ce_.svc.netmask = *mask;
            } else {
                ce_.svc.netmask = static_cast<std::uint32_t>(clib::atoi(*optarg));
                if (ce_.svc.netmask < 1 || ce_.svc.netmask > 128) fail(2, "illegal ipv6 netmask specified");
            }
            break;
        case 'r': {
            set_option(kOptcServer);
            // parse_service() into a copy of the service, so that its port (and protocol, for
            // service names) are those of the -t/-u/-f seen so far.
            ServiceAddr t_dest = ce_.svc;
            int parse = parse_service(*optarg, t_dest, ctx_.resolver);
            ce_.dest.af = t_dest.af;
            ce_.dest.addr = t_dest.addr;
            ce_.dest.port = t_dest.port;
            if (!(parse & kServiceAddr)) fail(2, "illegal real server address[:port] specified");
            if (parse == kServiceAddr) ce_.dest.port = ce_.svc.port;  // copy vport to dport if not specified
            break;
        }
        case 'i':
            set_option(kOptcForward);
            ce_.fwd = core::FwdMethod::tunnel;
            break;
        case 'g':
            set_option(kOptcForward);
            ce_.fwd = core::FwdMethod::droute;
            break;
        case 'm':
            set_option(kOptcForward);
            ce_.fwd = core::FwdMethod::masq;
            break;
        case 'w':
            set_option(kOptcWeight);
            if ((ce_.weight = string_to_number(*optarg, 0, 65535)) == -1) fail(2, "illegal weight specified");
            break;
        case 'x': {
            set_option(kOptcUThreshold);
            int v = string_to_number(*optarg, 0, 0x7fffffff);
            if (v == -1) fail(2, "illegal u_threshold specified");
            ce_.u_threshold = static_cast<std::uint32_t>(v);
            break;
        }
        case 'y': {
            set_option(kOptcLThreshold);
            int v = string_to_number(*optarg, 0, 0x7fffffff);
            if (v == -1) fail(2, "illegal l_threshold specified");
            ce_.l_threshold = static_cast<std::uint32_t>(v);
            break;
        }
        case 'c': set_option(kOptcConnection); format_.connection = true; break;
        case 'n': set_option(kOptcNumeric); format_.numeric = true; break;
        case kTagMcastInterface:
            set_option(kOptcMcast);
            ce_.mcast_ifn = optarg->substr(0, kIfNameMax);
            break;
        case 'I':
            set_option(kOptcSyncId);
            if ((ce_.syncid = string_to_number(*optarg, 0, 255)) == -1) fail(2, "illegal syncid specified");
            break;
        case kTagTimeout: set_option(kOptcTimeout); format_.timeout = true; break;
        case kTagDaemon: set_option(kOptcDaemon); format_.daemon = true; break;
        case kTagStats: set_option(kOptcStats); format_.stats = true; break;
        case kTagRate: set_option(kOptcRate); format_.rate = true; break;
        case kTagThresholds: set_option(kOptcThresholds); format_.thresholds = true; break;
        case kTagPersistentConn: set_option(kOptcPersistentConn); format_.persistent_conn = true; break;
        case kTagNoSort: set_option(kOptcNoSort); format_.nosort = true; break;
        case kTagSort: break;  // "Sort is the default, this is a no-op for compatibility"
        case 'X': set_option(kOptcExact); format_.exact = true; break;
        case '6':
            if (ce_.fwmark) {
                ce_.svc.af = kAfInet6;
                ce_.svc.netmask = 128;
            } else {
                fail(2, "-6 used before -f\n");  // sic: fail() adds a second newline
            }
            break;
        case 'o':
            set_option(kOptcOnePacket);
            ce_.flags |= core::kSvcOnePacket;
            break;
        case kTagPersistenceEngine:
            set_option(kOptcPersistenceEngine);
            ce_.pe_name = optarg->substr(0, kPeNameMax);
            break;
        case 'b':
            set_option(kOptcSchedFlags);
            sched_flags_arg_ = optarg->substr(0, kSchedFlagsArgMax);
            break;
        case kTagMcastGroup:
            set_option(kOptcMcastGroup);
            if (optarg->find(':') != std::string::npos) {
                auto a = clib::inet_pton6(*optarg);  // and IN6_IS_ADDR_MULTICAST: ff00::/8
                if (!a || (*a)[0] != 0xff) fail(2, fmt::format("invalid IPv6 mcast-group `{}'", *optarg));
            } else {
                auto a = clib::inet_pton4(*optarg);
                if (!a || (*a >> 28) != 0xe) fail(2, fmt::format("invalid IPv4 mcast-group `{}'", *optarg));
            }
            break;
        case kTagMcastPort:
            set_option(kOptcMcastPort);
            if (string_to_number(*optarg, 1, 65535) == -1) fail(2, "illegal mcast-port specified");
            break;
        case kTagMcastTtl:
            set_option(kOptcMcastTtl);
            if (string_to_number(*optarg, 1, 255) == -1) fail(2, "illegal mcast-ttl specified");
            break;
        case kTagSyncMaxlen:
            set_option(kOptcSyncMaxlen);
            if (string_to_number(*optarg, 1, 65535 - 20 - 8) == -1) fail(2, "illegal sync-maxlen specified");
            break;
        case kTagTunInfo: set_option(kOptcTunInfo); format_.tun_info = true; break;
        case kTagTunType: {
            set_option(kOptcTunType);
            std::string_view t = *optarg;
            int parse = t == "ipip" ? 0 : t == "gue" ? 1 : t == "gre" ? 2 : -1;
            if (parse == -1) fail(2, "illegal tunnel type specified");
            ce_.tun_type = parse;
            break;
        }
        case kTagTunPort: {
            set_option(kOptcTunPort);
            int parse = string_to_number(*optarg, 1, 65535);
            if (parse == -1) fail(2, "illegal tunnel port specified");
            ce_.tun_port = static_cast<std::uint16_t>(parse);
            break;
        }
        case kTagTunNoCsum:
            set_option(kOptcTunNoCsum);
            ce_.tun_flags |= core::kTunFlagNoCsum;
            break;
        case kTagTunCsum:
            set_option(kOptcTunCsum);
            ce_.tun_flags |= core::kTunFlagCsum;
            break;
        case kTagTunRemCsum:
            set_option(kOptcTunRemCsum);
            ce_.tun_flags |= core::kTunFlagRemCsum;
            break;
        default:
            // A command in second place, or -h/-v there: poptBadOption() is the last word read,
            // which for "--start-daemon master" is "master".
            fail(2, fmt::format("invalid option `{}'", popt_.bad_option()));
    }
}

// ipvsadm.c parse_sched_flags(): strtok(optarg, ","), first bad flag wins.
std::uint32_t Parser::parse_sched_flags(std::string_view sched, const std::string& arg) {
    if (sched.empty()) sched = "wlc";  // DEF_SCHED
    std::vector<std::string> tokens;
    std::size_t i = 0;
    while (i < arg.size()) {
        while (i < arg.size() && arg[i] == ',') ++i;
        if (i == arg.size()) break;
        auto end = arg.find(',', i);
        if (end == std::string::npos) end = arg.size();
        tokens.push_back(arg.substr(i, end - i));
        i = end;
    }
    // A string of commas only: strtok() returns NULL and ipvsadm calls strcmp(NULL, ...), which
    // kills it with SIGSEGV (a shell reports status 139, nothing is printed).
    if (tokens.empty()) throw Exit{Reply{139, {}, {}}, true};
    std::uint32_t flags = 0;
    for (const auto& flag : tokens) {
        if (flag == "flag-1") {
            flags |= core::kSvcSched1;
        } else if (flag == "flag-2") {
            flags |= core::kSvcSched2;
        } else if (flag == "flag-3") {
            flags |= core::kSvcSched3;
        } else if (flag == "sh-fallback" || flag == "sh-port" || flag == "mh-fallback" || flag == "mh-port") {
            flags |= (flag == "sh-fallback" || flag == "mh-fallback") ? core::kSvcSched1 : core::kSvcSched2;
            std::string_view need = flag[0] == 's' ? "sh" : "mh";
            if (sched != need) fail(2, fmt::format("incompatible scheduler flag `{}'", flag));
        } else {
            fail(2, fmt::format("invalid scheduler flag `{}'", flag));
        }
    }
    return flags;
}

// ipvsadm.c generic_opt_check()
void Parser::generic_opt_check() const {
    int i = ce_.cmd - kCmdNone - 1;
    std::string_view row = kCommandsVOptions[static_cast<std::size_t>(i)];
    int last = 0, count = 0;
    for (int j = 0; j < kNumberOfOpt; j++) {
        char rule = row[static_cast<std::size_t>(j)];
        if (!(options_ & opt_bit(j))) {
            if (rule == '+')
                fail(2, fmt::format("You need to supply the '{}' option for the '{}' command", kOptNames[j],
                                    kCmdNames[static_cast<std::size_t>(i)]));
        } else {
            if (rule == 'x')
                fail(2, fmt::format("Illegal '{}' option with the '{}' command", kOptNames[j],
                                    kCmdNames[static_cast<std::size_t>(i)]));
            if (rule == '1') {
                count++;
                if (count == 1) {
                    last = j;
                    continue;
                }
                fail(2, fmt::format("The option '{}' conflicts with the '{}' option in the '{}' command",
                                    kOptNames[j], kOptNames[last], kCmdNames[static_cast<std::size_t>(i)]));
            }
        }
    }
}

// ipvsadm.c tunnel_opt_check()
void Parser::tunnel_opt_check() const {
    auto i = static_cast<std::size_t>(ce_.tun_type);
    int last = 0, count = 0;
    for (std::size_t j = 0; j < kTunOpts.size(); j++) {
        int k = kTunOpts[j];
        char rule = kTunnelTypesVOptions[i][j];
        if (!(options_ & opt_bit(k))) {
            if (rule == '+')
                fail(2, fmt::format("You need to supply the '{}' option for the '{}' tunnel type", kOptNames[k],
                                    kTunNames[i]));
        } else {
            if (rule == 'x')
                fail(2, fmt::format("Illegal '{}' option with the '{}' tunnel type", kOptNames[k], kTunNames[i]));
            if (rule == '1') {
                count++;
                if (count == 1) {
                    last = k;
                    continue;
                }
                fail(2, fmt::format("The option '{}' conflicts with the '{}' option in the '{}' tunnel type",
                                    kOptNames[k], kOptNames[last], kTunNames[i]));
            }
        }
    }
}

core::ServiceKey Parser::service_key() const {
    core::ServiceKey k;
    if (ce_.fwmark) {
        k.fwmark = ce_.fwmark;
        k.protocol = core::Proto::tcp;  // as ipvsadm (and the kernel, for fwmark services) set it
    } else {
        k.protocol = static_cast<core::Proto>(ce_.svc.protocol);
        k.addr = net::Ipv4Addr{ce_.svc.addr};
        k.port = ce_.svc.port;
    }
    return k;
}

Command Parser::make_command() const {
    core::ServiceUser su;
    su.key = service_key();
    su.sched_name = ce_.sched_name;
    su.flags = ce_.flags;
    su.timeout_s = ce_.timeout;
    su.netmask = ce_.svc.netmask;
    su.pe_name = ce_.pe_name;

    core::DestUser du;
    du.addr = net::Ipv4Addr{ce_.dest.addr};
    du.port = ce_.dest.port;
    du.fwd = ce_.fwd;
    du.weight = ce_.weight;
    du.u_threshold = ce_.u_threshold;
    du.l_threshold = ce_.l_threshold;
    du.tun_type = static_cast<core::TunType>(ce_.tun_type);
    du.tun_port = ce_.tun_port;
    du.tun_flags = ce_.tun_flags;

    bool has_svc = (options_ & opt_bit(kOptcService)) != 0;
    switch (ce_.cmd) {
        case kCmdAdd: return cmd::AddService{su};
        case kCmdEdit: return cmd::EditService{su};
        case kCmdDel: return cmd::DelService{su.key};
        case kCmdFlush: return cmd::Flush{};
        case kCmdList: {
            cmd::List l{format_, std::nullopt};
            if (has_svc) l.svc = su.key;
            return l;
        }
        case kCmdAddDest: return cmd::AddDest{su.key, du};
        case kCmdEditDest: return cmd::EditDest{su.key, du};
        case kCmdDelDest: return cmd::DelDest{su.key, du};
        case kCmdTimeout: return cmd::SetTimeout{ce_.tcp_timeout, ce_.tcp_fin_timeout, ce_.udp_timeout};
        case kCmdStartDaemon: return cmd::StartDaemon{ce_.daemon_state, ce_.mcast_ifn, ce_.syncid};
        case kCmdStopDaemon: return cmd::StopDaemon{ce_.daemon_state};
        case kCmdRestore: return cmd::Restore{};
        case kCmdSave: return cmd::Save{format_.numeric};
        case kCmdZero: {
            cmd::Zero z;
            if (zero_names_service()) z.svc = su.key;
            return z;
        }
        default: break;
    }
    return cmd::Flush{};  // unreachable: the first option always sets a command
}

IpvsadmParse Parser::run() {
    parse_first_option();
    if (help_) return IpvsadmParse{Command{cmd::Help{}}, false};
    if (version_) return IpvsadmParse{Command{cmd::Version{}}, false};

    int c;
    while ((c = popt_.next_opt()) >= 0) parse_option(c, popt_.opt_arg());
    if (c < -1) {
        // "an error occurred during option processing": process_options() returns -1.
        Reply r{255, {}, fmt::format("{}: {}\n", popt_.bad_option(), popt_strerror(c))};
        return IpvsadmParse{Err{std::move(r)}, false};
    }

    if (ce_.cmd == kCmdTimeout) {
        auto a0 = popt_.get_arg();
        auto a1 = a0 ? popt_.get_arg() : std::nullopt;
        auto a2 = a1 ? popt_.get_arg() : std::nullopt;
        if (!a2) fail(2, "--set option requires 3 timeout values");
        ce_.tcp_timeout = parse_timeout(a0, 0, kMaxTimeout);
        ce_.tcp_fin_timeout = parse_timeout(a1, 0, kMaxTimeout);
        ce_.udp_timeout = parse_timeout(a2, 0, kMaxTimeout);
    }
    if (auto extra = popt_.get_arg()) fail(2, fmt::format("unexpected argument {}", *extra));

    if (!sched_flags_arg_.empty()) {
        ce_.flags &= ~core::kSvcSchedFlags;
        ce_.flags |= parse_sched_flags(ce_.sched_name, sched_flags_arg_);
    }

    generic_opt_check();

    if (ce_.cmd == kCmdAdd || ce_.cmd == kCmdEdit) {
        if (!ce_.fwmark && !ce_.svc.port && !(ce_.flags & core::kSvcPersistent))
            fail(2, "Zero port specified for non-persistent service");
        if ((ce_.flags & core::kSvcOnePacket) && !ce_.fwmark && ce_.svc.protocol != kIpprotoUdp)
            fail(2, "One-Packet Scheduling is only for UDP virtual services");
        if (ce_.sched_name.empty()) ce_.sched_name = "wlc";  // DEF_SCHED
    }

    if (ce_.cmd == kCmdStartDaemon && ce_.mcast_ifn.empty()) ce_.mcast_ifn = "eth0";  // DEF_MCAST_IFN

    if (ce_.cmd == kCmdAddDest || ce_.cmd == kCmdEditDest) {
        // "The destination port must be equal to the service port if the IP_VS_CONN_F_TUNNEL or
        // IP_VS_CONN_F_DROUTE is set. Don't worry about this if fwmark is used."
        if (!ce_.fwmark && (ce_.fwd == core::FwdMethod::tunnel || ce_.fwd == core::FwdMethod::droute))
            ce_.dest.port = ce_.svc.port;
        if (ce_.dest.af != ce_.svc.af && ce_.fwd != core::FwdMethod::tunnel)
            fail(2, "Different address family is allowed only for tunneling servers");
        constexpr std::uint64_t kTunOptBits = opt_bit(kOptcTunType) | opt_bit(kOptcTunPort) |
                                              opt_bit(kOptcTunNoCsum) | opt_bit(kOptcTunCsum) |
                                              opt_bit(kOptcTunRemCsum);
        if ((options_ & kTunOptBits) && ce_.fwd != core::FwdMethod::tunnel)
            fail(2, "Tunnel options conflict with forward method");
        tunnel_opt_check();
    }

    if (ce_.cmd == kCmdList) {
        bool a = options_ & (opt_bit(kOptcConnection) | opt_bit(kOptcTimeout) | opt_bit(kOptcDaemon));
        bool b = options_ & (opt_bit(kOptcStats) | opt_bit(kOptcRate) | opt_bit(kOptcThresholds));
        bool t = options_ & (opt_bit(kOptcTimeout) | opt_bit(kOptcDaemon));
        bool p = options_ & opt_bit(kOptcPersistentConn);
        if ((a && b) || (t && p)) fail(2, "options conflicts in the list command");
    }

    // tapvs is an IPv4 IPVS: an IPv6 service or real server reaches the kernel as it does on a
    // kernel built without CONFIG_IP_VS_IPV6, which refuses it (ip_vs_genl_parse_service(),
    // ip_vs_is_af_valid()) with EAFNOSUPPORT; libipvs's generic text for it follows.
    bool svc6 = ce_.svc.af == kAfInet6;
    bool dest6 = ce_.dest.af == kAfInet6;
    constexpr std::string_view kNoAf = "Operation not supported with specified address family\n";
    switch (ce_.cmd) {
        case kCmdAdd:
        case kCmdEdit:
        case kCmdDel:
            if (svc6) return IpvsadmParse{Err{Reply{255, {}, std::string(kNoAf)}}, false};
            break;
        case kCmdAddDest:
        case kCmdEditDest:
        case kCmdDelDest:
            if (svc6 || dest6) return IpvsadmParse{Err{Reply{255, {}, std::string(kNoAf)}}, false};
            break;
        case kCmdZero:
            if (svc6 && zero_names_service()) return IpvsadmParse{Err{Reply{255, {}, std::string(kNoAf)}}, false};
            break;
        case kCmdList:
            // list_service() prints ipvs_strerror() and exits 1.
            if (svc6) return IpvsadmParse{Err{Reply{1, {}, std::string(kNoAf)}}, true};
            break;
        default: break;
    }
    return IpvsadmParse{make_command(), false};
}

}  // namespace

IpvsadmParse parse_ipvsadm_ex(std::span<const std::string> args, const IpvsadmContext& ctx) {
    // main(): "list the table if there is no other argument"
    if (args.empty()) return IpvsadmParse{Command{cmd::List{}}, false};
    try {
        Parser p(args, ctx);
        return p.run();
    } catch (Exit& e) {
        return IpvsadmParse{Err{std::move(e.reply)}, e.exits};
    }
}

Result<Command, Reply> parse_ipvsadm(std::span<const std::string> args, const IpvsadmContext& ctx) {
    return parse_ipvsadm_ex(args, ctx).result;
}

std::vector<std::vector<std::string>> split_ipvsadm_restore(std::string_view in) {
    // config_stream.c config_stream_read(), called until it returns NULL; restore_table() runs
    // the lines that have at least one word.
    constexpr std::size_t kMaxLineLength = 4096;  // the %4096[^ \t\n\r] conversion
    auto blank = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; };
    std::vector<std::vector<std::string>> lines;
    std::size_t pos = 0;
    for (;;) {
        std::vector<std::string> words;
        bool got_line = false;  // false: config_stream_read() returned NULL
        bool have_tail = false;
        char tail = '\0';
        for (;;) {
            if (pos == in.size()) {  // fscanf() == EOF
                got_line = !words.empty();
                break;
            }
            if (blank(in[pos])) {  // fscanf() == 0: skip blanks up to a newline
                bool eof = false, newline = false;
                for (;;) {
                    if (pos == in.size()) { eof = true; break; }
                    char ch = in[pos++];
                    if (ch == '\n') { newline = true; break; }
                    if (ch == ' ' || ch == '\t' || ch == '\r') continue;
                    --pos;  // ungetc()
                    break;
                }
                if (eof) { got_line = false; break; }
                if (newline) { got_line = true; break; }
                continue;
            }
            std::size_t start = pos;
            while (pos < in.size() && !blank(in[pos]) && pos - start < kMaxLineLength) ++pos;
            std::string token(in.substr(start, pos - start));
            if (pos < in.size() && blank(in[pos])) {
                tail = in[pos++];
                have_tail = true;
            }
            if (token != "ipvsadm") words.push_back(std::move(token));
            if (have_tail && tail == '\n') { got_line = true; break; }
        }
        if (!got_line) break;
        if (!words.empty()) lines.push_back(std::move(words));
    }
    return lines;
}

}  // namespace tapvs::ctl
