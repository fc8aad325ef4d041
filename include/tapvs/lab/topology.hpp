// A lab's network, built and torn down by one owner: a namespace per host, one for the segments'
// bridges and the director's TAPs (so the root namespace, its iptables and its bridge netfilter are
// never touched), veths whose host end is the interface the lab names (eth0) inside the host's
// namespace, and `tapvs run` as the director on its TAPs. Every name carries the run's id; a state
// file /run/tapvs/lab/ID.state lists what exists, so `tapvs lab down` can remove a crashed run.
//
// Commands go through `ip` as argument vectors (proc.hpp); /proc/sys writes in a namespace are done
// by a child that joins it (setns), so no shell and no sysctl binary are needed for them.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "tapvs/lab/lab_file.hpp"
#include "tapvs/lab/proc.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::lab {

inline constexpr const char* kLabRunDir = "/run/tapvs/lab";

// Is `path`, normalised (`..`, `.`, repeated slashes, then its symbolic links), a file under
// /proc/sys/net? The only files a lab's host lines, and a graded submission's, read or write.
bool under_proc_sys_net(const std::string& path);

// argv that runs `argv` inside namespace `ns`.
std::vector<std::string> in_netns(const std::string& ns, std::vector<std::string> argv);
// Writes `value` to `path` (under /proc/sys/net) as seen from inside `ns`; an error says why not.
std::string netns_write(const std::string& ns, const std::string& path, const std::string& value);
// Reads `path` as seen from inside `ns` (nullopt-like empty + error).
Result<std::string, std::string> netns_read(const std::string& ns, const std::string& path);

// How a topology is built. `fresh` hosts start as a fresh machine of the guide's OS would (the
// grader's student hosts): their interfaces exist, down, with no address; ip_forward 0; rp_filter 1
// (strict) for all and default, as CentOS's sysctl defaults set it; arp_ignore/arp_announce 0.
// The other hosts get the lab's addresses and are up.
struct BuildOptions {
    std::string id;               // the run's id (6 hex digits, unused); empty: a random one
    std::set<std::string> fresh;  // host names
};

// A new run id: 6 hex digits no namespace and no state file uses.
std::string new_run_id();

class Topology {
public:
    // Builds everything the lab's topology lines describe (not the director). `log` gets one line
    // per command run.
    static Result<std::unique_ptr<Topology>, std::string> build(const Lab& lab, std::ostream& log,
                                                                const BuildOptions& options = {});
    ~Topology();  // tear_down()
    Topology(const Topology&) = delete;
    Topology& operator=(const Topology&) = delete;

    const std::string& id() const noexcept { return id_; }
    const std::string& work() const noexcept { return work_; }  // /run/tapvs/lab/ID: socket, logs, docroots
    const std::string& bridge_ns() const noexcept { return bridge_ns_; }
    std::string ns_of(const std::string& host) const;  // the host's namespace
    std::string socket() const { return work_ + "/tapvs.sock"; }
    std::string tap_of(const std::string& port) const { return "d-" + port; }
    std::string mac_of(const std::string& host, const std::string& iface) const;  // read from the kernel

    // Remembers a process (for tear_down and for `lab down` after a crash).
    void adopt(Process p, const std::string& what);

    // Stops the processes, deletes the namespaces and the work directory. Idempotent.
    void tear_down();
    // Forget everything without removing it (--keep): `tapvs lab down` removes it later.
    void keep() noexcept { kept_ = true; }

private:
    Topology() = default;
    std::string run_ip(std::vector<std::string> args, std::ostream& log);
    void write_state() const;

    std::string id_, lab_name_, work_, bridge_ns_;
    std::map<std::string, std::string> host_ns_;
    std::vector<std::string> namespaces_;  // in creation order
    std::vector<std::pair<std::string, Process>> procs_;
    std::vector<pid_t> kept_pids_;
    bool kept_ = false, down_ = false;
};

// Removes what run `id` made, whether or not its owner is still there (a grader's child killed at
// its time limit): every process inside its namespaces (found by /proc/PID/ns/net) or started from
// its work directory is stopped, then the namespaces deleted, its work directory and state file
// removed. Says what it removed, and what is still there afterwards (a namespace, a process holding
// one of them even deleted, the directory, the state file): `left` empty means nothing remains.
struct Removal {
    std::vector<std::string> removed, left;
};
Removal remove_run(const std::string& id);

// `tapvs lab down [NAME]`: every run in /run/tapvs/lab (of lab NAME only, if given) is stopped and
// removed, and with no NAME any namespace named like a lab's (tapvs-ID-...) too. Prints what it did.
int lab_down(const std::string& name, std::ostream& out, std::ostream& err);

}  // namespace tapvs::lab
