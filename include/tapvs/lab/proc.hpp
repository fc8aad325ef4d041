// Running programs for a lab: always an argument vector given to execvp, never a shell. Each child
// gets a process group of its own (so the terminal's Ctrl-C reaches the lab, which then stops
// its children in order) and descriptors 0-2 only.
#pragma once

#include <atomic>

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "tapvs/util/result.hpp"

namespace tapvs::lab {

struct Ran {
    int status = -1;         // exit status; 128+N for a signal; -1 when it could not start
    bool timed_out = false;  // killed after the timeout
    std::string out, err;
};

// Runs argv to its end (or the timeout), standard input from `input` (empty: /dev/null), and
// collects what it printed.
Ran run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout, const std::string& input = {});

// A child left running: stdout and stderr go to `log`; with `stdin_pipe` its standard input is a
// pipe the lab writes lines into.
class Process {
public:
    static Result<Process, std::string> start(const std::vector<std::string>& argv, const std::string& log,
                                              bool stdin_pipe = false);
    Process() = default;
    Process(Process&& o) noexcept;
    Process& operator=(Process&& o) noexcept;
    ~Process();  // stops it (stop()) if still running

    pid_t pid() const noexcept { return pid_; }
    const std::string& log() const noexcept { return log_; }
    bool running();
    // Waits until the log holds a line `line` (e.g. "ready"); false if the child exited or time ran out.
    bool wait_for_line(const std::string& line, std::chrono::milliseconds timeout);
    // Waits until the log holds `n` lines; false if the child exited first or time ran out.
    bool wait_for_lines(std::size_t n, std::chrono::milliseconds timeout);
    std::string read_log() const;
    bool write_line(const std::string& s);
    // SIGTERM to its group, SIGKILL after `grace`; returns the exit status (as Ran::status).
    int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
    // Lets it run on after this object is gone (tapvs lab run --keep).
    void detach() noexcept { pid_ = -1; }

private:
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int status_ = -1;
    std::string log_;
};

// While it lives, SIGINT and SIGTERM end nothing: they set its flag, which the owner polls, and
// interrupt the system call under way (no SA_RESTART), so a wait ends early. The innermost one
// takes them (a forked child that makes its own); the handlers before it come back when it goes.
// The one thing a signal handler can reach, the innermost Interruption, is proc.cpp's own.
class Interruption {
public:
    Interruption();
    ~Interruption();
    Interruption(const Interruption&) = delete;
    Interruption& operator=(const Interruption&) = delete;

    bool requested() const noexcept { return flag_.load(std::memory_order_relaxed); }

private:
    static void handle(int) noexcept;
    std::atomic<bool> flag_{false};
    Interruption* outer_ = nullptr;
    struct sigaction old_int_ {}, old_term_ {};
};

// The path of this executable (/proc/self/exe), for running `tapvs lab tool ...` in a namespace.
std::string self_exe();

// Is `program` on PATH (or an executable path)?
bool have_program(const std::string& program);

}  // namespace tapvs::lab
