// `tapvs lab list|run|down|replay`: a lab (lab_file.hpp) run step by step in namespaces
// (topology.hpp) with `tapvs run` as the director, every step printed, run, checked, recorded under
// OUT/NAME/step-N/, and a failed check explained by what the captures and the hosts show.
#pragma once

#include <iosfwd>
#include "tapvs/lab/lab_file.hpp"
#include <set>
#include <string>

namespace tapvs::lab {

struct RunOptions {
    std::string lab;         // a name under the labs directory, or a path to a lab's directory
    int step = 0;            // 0: every step; N: the steps up to N, then stop
    bool pause = false;      // wait for Enter before each step (when stdin is a terminal)
    bool keep = false;       // leave the topology and the director up afterwards
    std::string out = "out"; // recordings go to OUT/NAME/
    int color = -1;          // -1: when stdout is a terminal (and NO_COLOR is unset)
    // What the grader (grade/grader.hpp) changes:
    std::string id;               // the topology's run id; empty: a new one
    std::set<std::string> fresh;  // hosts that start as fresh machines (topology.hpp BuildOptions;
                                  // "director": its rp_filter 1, as the other's)
    bool keep_going = false;      // a failed command, check or step does not stop the run
    bool quick = false;           // an http check gives up at its first failed request
};

// Where the labs are: $TAPVS_LABS, else ./labs, else share/tapvs/labs beside an installed tapvs's
// bin/, else the source tree's labs/ (compiled in).
std::string labs_root();
// NAME (a directory under labs_root()) or a path to a lab directory.
std::string find_lab(const std::string& name_or_path);

int list_labs(std::ostream& out, std::ostream& err);
int run_lab(const RunOptions& o, std::ostream& out, std::ostream& err);
// A lab already loaded (the grader's, made from a submission), as root. SIGINT and SIGTERM stop
// it between two lines and tear it down.
int run_lab(const Lab& lab, const RunOptions& o, std::ostream& out, std::ostream& err);

// Replays the recording of step `step` in OUT/NAME (the director's inputs of steps 1..step, the
// configuration as it stood at the end of the step) and compares its scheduling decisions with the
// live ones in step-N/trace.jsonl. 0 when they are identical.
int replay_step(const std::string& recorded, int step, std::ostream& out, std::ostream& err);

}  // namespace tapvs::lab
