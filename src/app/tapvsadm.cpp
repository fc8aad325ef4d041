// tapvsadm: ipvsadm's command line for a running `tapvs run`, over its control socket
// (io/control.hpp). `tapvsadm -L -n`, `tapvsadm -A -t 192.168.1.10:80 -s rr`, `tapvsadm -S | tapvsadm -R`
// as with ipvsadm; `tapvsadm ip addr add ...`, `tapvsadm sysctl -w ...` for the director's host lines
// (first argument a host tool tapvs knows). Linked or copied as `ipvsadm`, it is ipvsadm only.
// The engine's reply is printed byte for byte (stdout, stderr) and its status is the exit status.
// The socket: $TAPVS_SOCKET, else /run/tapvs/tapvs.sock.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/io/control.hpp"

namespace {

std::string_view basename(std::string_view p) {
    const auto slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

// The host tools whose lines the engine takes (ctl/config.hpp parse_command_multi).
bool host_tool(std::string_view w) {
    for (std::string_view t : {"ip", "ifconfig", "route", "sysctl", "echo", "cat", "iptables", "iptables-nft",
                               "iptables-legacy", "ipvsadm"})
        if (w == t) return true;
    return false;
}

// ipvsadm.c: -R / --restore reads the rules from standard input.
bool wants_stdin(const std::vector<std::string>& words) {
    for (std::size_t i = 1; i < words.size(); ++i)
        if (words[i] == "-R" || words[i] == "--restore") return true;
    return false;
}

void write_all(std::FILE* f, const std::string& s) {
    if (!s.empty()) std::fwrite(s.data(), 1, s.size(), f);
    std::fflush(f);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view self = argc > 0 ? basename(argv[0]) : "tapvsadm";
    tapvs::io::ControlRequest req;
    if (self != "ipvsadm" && argc > 1 && host_tool(argv[1])) {
        req.words.assign(argv + 1, argv + argc);  // a host line: `tapvsadm ip addr add ...`
    } else {
        req.words.assign(argv, argv + argc);  // ipvsadm's own command line; argv[0] names it in usage text
        if (req.words.empty()) req.words.emplace_back("tapvsadm");
    }
    const std::string_view program = basename(req.words[0]);
    if ((program == "ipvsadm" || program == "tapvsadm") && wants_stdin(req.words))
        req.payload = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());

    const std::string path = tapvs::io::control_socket_path();
    auto reply = tapvs::io::control_call(path, req);
    if (!reply) {
        std::fprintf(stderr, "%.*s: %s\n(is `tapvs run` running? Set TAPVS_SOCKET to its --socket path; the default is %s)\n",
                     static_cast<int>(self.size()), self.data(), reply.error().c_str(), "/run/tapvs/tapvs.sock");
        return 1;
    }
    write_all(stdout, reply.value().out);
    write_all(stderr, reply.value().err);
    return reply.value().status;
}
