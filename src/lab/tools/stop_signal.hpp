// SIGINT/SIGTERM for the lab tools: a flag, set by a handler installed without SA_RESTART so that a
// blocking poll() or accept() returns EINTR and the tool can finish its files.
#pragma once

#include <csignal>

namespace tapvs::lab {

inline volatile std::sig_atomic_t g_stop = 0;

inline void catch_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = [](int) { g_stop = 1; };
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace tapvs::lab
