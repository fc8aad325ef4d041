// A student's submission, read as data: one text file with a section per host (`[director]`,
// `[rs1]`, ...) holding the lines the student would type there, or a directory with one file per
// host (`director`, `rs1.txt`, ... any extension). Nothing here runs anything; what each line may
// do is line_policy.hpp's to judge. labs/README.md documents the format.
//
//   auto sub = grade::read_submission("subs/alice.txt", lab);
//   if (!sub.refused.empty()) ...         // refused whole: every test fails with this reason
//   for (const auto& l : sub.lines) ...   // in the order they are applied
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tapvs/lab/lab_file.hpp"

namespace tapvs::grade {

struct Limits {
    std::size_t max_bytes = 1 << 20;  // a submission (all its files together)
    std::size_t max_line = 4096;      // bytes in one line
    std::size_t max_lines = 2000;     // lines in a submission (comments and blank lines count)
};

// One line of a submission that is not blank or a comment.
struct Line {
    std::string host;  // the section's host (a host of the lab, or whatever the section named)
    std::string file;  // the file it is in, as given
    int line = 0;      // 1-based, in that file
    std::string text;
    // Decided while reading: the line is not for a host the student configures, too long, or past
    // the line limit. Empty: line_policy judges it.
    std::string rejected;
};

struct Submission {
    std::string path;     // as given
    std::string name;     // the file's name without its extension, or the directory's name
    std::string refused;  // non-empty: refused whole, and why
    // The lines in the order they are applied: the student's hosts in the lab's order (the grade
    // block's `student` line), each host's lines as written; then the lines rejected for their
    // section, in the order of the files.
    std::vector<Line> lines;
    // What the student should know about the submission as a whole: a section whose every line
    // is a comment that looks like a command, a file in a directory that is not read.
    std::vector<std::string> notes;
};

// Reads a file or a directory. A path that cannot be read gives a refused submission (the caller
// checks that the path exists). `lab` says which hosts are the student's (lab.grade.student).
Submission read_submission(const std::string& path, const lab::Lab& lab, const Limits& limits = {});

// The text of one file (`file` names it in the lines), as read_submission reads each.
Submission parse_submission(const std::string& text, const std::string& file, const lab::Lab& lab,
                            const Limits& limits = {});

}  // namespace tapvs::grade
