// What one line of a submission may do on its host, decided before anything runs. A submission is
// data: a line is run only as an argument vector of a known program, with arguments tapvs's own
// parser understands (ctl/config.hpp), inside its host's namespace; never through a shell.
//
//   run       the line is run (host lines in the namespace, director lines by the engine)
//   error     the tool would fail it, and says so (the parser's copy of its message): not run
//   skipped   a line a student commonly writes that does nothing in the lab (yum, modprobe ip_vs,
//             systemctl ... ipvsadm): accepted, not run
//   rejected  not allowed in a submission, with the reason: shell syntax in any form (quoted too),
//             a redirection other than echo V > /proc/sys/net/..., a path outside /proc/sys/net
//             (after normalising .. and symbolic links), an unknown program or one given by an odd
//             path, ip netns / ip -n, moving or creating links, ipvsadm -R
#pragma once

#include <string>
#include <vector>

#include "tapvs/ctl/tokenize.hpp"

namespace tapvs::grade {

struct Verdict {
    enum class Kind { run, error, skipped, rejected } kind = Kind::run;
    std::string reason;             // error: the tool's message; skipped, rejected: why
    int status = 0;                 // error: the tool's exit status
    std::vector<ctl::Word> words;   // run: the line's words
};

// `director`: the line is for the director (tapvs's engine), else for a host of the lab.
Verdict judge_line(const std::string& text, bool director);

// The text of a Verdict::Kind ("run", "error", "skipped", "rejected").
const char* kind_name(Verdict::Kind k);

}  // namespace tapvs::grade
