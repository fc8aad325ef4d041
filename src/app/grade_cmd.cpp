#include "app/grade_cmd.hpp"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "tapvs/grade/grader.hpp"

namespace tapvs::app {

void add_grade_command(CLI::App& app) {
    auto o = std::make_shared<grade::GradeOptions>();
    auto color = std::make_shared<std::pair<bool, bool>>(false, false);
    auto below = std::make_shared<int>(-1);
    auto* g = app.add_subcommand(
        "grade",
        "Grade students' configurations in a lab (as root): each submission's lines are checked, applied to fresh hosts "
        "in network namespaces (never through a shell) and scored by the lab's graded tests with real traffic; every "
        "lost point says why. Exit 0 when all were graded, 2 when the grader cannot work");
    g->add_option("--lab", o->lab, "The lab (nat, dr, tun: tapvs lab list) or its directory")->required();
    g->add_option("submission", o->submissions,
                  "A student's file with a section per host ([director], [rs1], ...), or a directory with a file per "
                  "host (labs/README.md)")
        ->required();
    g->add_option("--format", o->format, "text, json, junit, gradescope (results.json) or csv")->default_val("text");
    g->add_option("--out", o->out,
                  "Write the format here instead of stdout (the summary table then goes to stdout); for gradescope "
                  "with several submissions a directory: DIR/NAME/results.json");
    g->add_option("--jobs", o->jobs, "Grade N submissions at once")->default_val(1);
    g->add_option("--timeout", o->timeout, "Seconds a submission may take; it is then stopped and scored as it stands")
        ->default_val(60);
    g->add_option("--report", o->report,
                  "Write DIR/NAME/report.html per submission (its lines and their outcomes, each test with its hints, "
                  "and a diagram of each test's traffic), with the recording beside it");
    g->add_option("--fail-below", *below, "Exit 1 when a submission scores below POINTS (for a command-based grader)");
    g->add_flag("--color", color->first, "Colour even when stdout is not a terminal");
    g->add_flag("--no-color", color->second, "No colour");
    g->callback([o, color, below] {
        if (color->first) o->color = 1;
        if (color->second) o->color = 0;
        if (*below >= 0) o->fail_below = *below;
        const int rc = grade::grade(*o, std::cout, std::cerr);
        if (rc != 0) throw CLI::RuntimeError(rc);
    });
}

}  // namespace tapvs::app
