#include "app/ctl_client.hpp"

#include <cstdio>
#include <iostream>
#include <iterator>

#include "tapvs/ctl/programs.hpp"
#include "tapvs/io/control.hpp"

namespace tapvs::app {

namespace {

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

int ctl_client(std::string_view self, std::vector<std::string> words) {
    io::ControlRequest req;
    req.words = std::move(words);
    if (ctl::is_ipvsadm(req.words.at(0)) && wants_stdin(req.words))
        req.payload = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());

    const std::string path = io::control_socket_path();
    auto reply = io::control_call(path, req);
    if (!reply) {
        std::fprintf(stderr, "%.*s: %s\n(is `tapvs run` running? Set TAPVS_SOCKET to its --socket path; the default is %s)\n",
                     static_cast<int>(self.size()), self.data(), reply.error().c_str(), "/run/tapvs/tapvs.sock");
        return 1;
    }
    write_all(stdout, reply.value().out);
    write_all(stderr, reply.value().err);
    return reply.value().status;
}

}  // namespace tapvs::app
