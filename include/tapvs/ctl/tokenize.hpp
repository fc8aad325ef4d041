// Splitting a command line into words the way POSIX sh splits plain words, with NOTHING expanded:
// tapvs reads a director's configuration as data and never hands a line to a shell.
//
// Supported: blanks between words, single quotes, double quotes (with \" \\ \$ \` and \-newline
// escapes), backslash escapes, `#` comments at the start of a word, `\`-newline continuation.
// One operator is kept: a lone `>` (also `>file` attached), returned as a redirection word, so
// that `echo 1 > /proc/sys/net/ipv4/ip_forward` can be read (ctl/config.hpp decides where it is
// legal). Everything that would make sh expand, run or redirect something else is an error that
// names the construct: `$VAR`, `${...}`, `$(...)`, backticks, globs (* ? [), `~`, `;`, `|`, `&`,
// `&&`, `||`, `<`, `>>`, `>&`, `2>`, `(`, `)`, `{`, `}`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/util/result.hpp"

namespace tapvs::ctl {

// One word after quote removal. `redirect` marks the shell's `>` operator (text ">"); the word
// after it is the file name. A quoted '>' is a plain word.
struct Word {
    std::string text;
    bool redirect = false;
    friend bool operator==(const Word&, const Word&) = default;
};

struct TokenizeError {
    int line = 1;         // 1-based line (within the text given) where the construct is
    std::string message;  // e.g. "command substitution `$(...)' is not supported: tapvs runs no shell"
    friend bool operator==(const TokenizeError&, const TokenizeError&) = default;
};

// The words of one command (one logical line) and the line it starts on.
struct LogicalLine {
    int line = 1;
    std::vector<Word> words;
    friend bool operator==(const LogicalLine&, const LogicalLine&) = default;
};

// Reads a text one command at a time, so a caller can stop and read what follows some other way
// (parse_config hands the lines after `ipvsadm -R` to ipvsadm's own stream reader).
class CommandReader {
public:
    explicit CommandReader(std::string_view text) : text_(text) {}
    // The next command, or nullopt at the end of the text.
    Result<std::optional<LogicalLine>, TokenizeError> next();
    std::string_view rest() const { return text_.substr(pos_); }  // the text not read yet
    int line() const { return line_; }                              // the line rest() starts on

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

// One command line. A comment-only or blank line gives no words. A line that holds two commands
// (an unquoted newline between words) is an error.
Result<std::vector<Word>, TokenizeError> tokenize(std::string_view line);

// A whole file: unquoted newlines end commands, `\`-newline joins lines, quotes may span lines
// (as in sh); blank and comment-only lines give nothing. "\r\n" counts as a newline. Each command
// carries the line its first word is on.
Result<std::vector<LogicalLine>, TokenizeError> tokenize_lines(std::string_view text);

}  // namespace tapvs::ctl
