// tapvsadm: ipvsadm's command line for a running `tapvs run`, over its control socket
// (io/control.hpp). `tapvsadm -L -n`, `tapvsadm -A -t 192.168.1.10:80 -s rr`, `tapvsadm -S | tapvsadm -R`
// as with ipvsadm; `tapvsadm ip addr add ...`, `tapvsadm sysctl -w ...` for the director's host lines
// (first argument a host tool tapvs knows). Linked or copied as `ipvsadm`, it is ipvsadm only.
// The engine's reply is printed byte for byte (stdout, stderr) and its status is the exit status.
// The socket: $TAPVS_SOCKET, else /run/tapvs/tapvs.sock.
#include <string>
#include <string_view>
#include <vector>

#include "app/ctl_client.hpp"
#include "tapvs/ctl/config.hpp"

int main(int argc, char** argv) {
    const std::string_view self = tapvs::ctl::program_name(argc > 0 ? std::string_view(argv[0]) : "tapvsadm");
    std::vector<std::string> words;
    if (self != "ipvsadm" && argc > 1 && tapvs::ctl::is_known_program(argv[1]))
        words.assign(argv + 1, argv + argc);  // a host line: `tapvsadm ip addr add ...`
    else
        words.assign(argv, argv + argc);  // ipvsadm's own command line; argv[0] names it in usage text
    if (words.empty()) words.emplace_back("tapvsadm");
    return tapvs::app::ctl_client(self, std::move(words));
}
