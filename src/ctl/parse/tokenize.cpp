// POSIX sh word splitting and quote removal (XCU 2.2 Quoting, 2.3 Token Recognition) with every
// expansion refused: see tapvs/ctl/tokenize.hpp.
#include "tapvs/ctl/tokenize.hpp"

#include <cctype>

#include <fmt/format.h>

namespace tapvs::ctl {

namespace {

std::string refused(std::string_view what) {
    return fmt::format("{} is not supported: tapvs reads the line as data and runs no shell", what);
}

class Lexer {
public:
    Lexer(std::string_view s, std::size_t pos, int line) : s_(s), i_(pos), line_(line) {}

    // The next command: it ends at an unquoted newline (consumed) or at the end of the text.
    Result<std::optional<LogicalLine>, TokenizeError> next() {
        while (i_ < s_.size()) {
            if (!step()) return Err{std::move(error_)};
            if (!out_.empty()) return std::optional<LogicalLine>(std::move(out_.front()));
        }
        if (!end_line()) return Err{std::move(error_)};
        if (!out_.empty()) return std::optional<LogicalLine>(std::move(out_.front()));
        return std::optional<LogicalLine>{};
    }
    std::size_t pos() const { return i_; }
    int line() const { return line_; }

private:
    std::string_view s_;
    std::size_t i_;
    int line_;
    std::vector<LogicalLine> out_;
    LogicalLine cur_;
    std::string word_;
    bool in_word_ = false;
    bool word_quoted_ = false;  // any part of the current word was quoted or escaped
    TokenizeError error_;

    char at(std::size_t k) const { return k < s_.size() ? s_[k] : '\0'; }
    bool newline_at(std::size_t k) const { return at(k) == '\n' || (at(k) == '\r' && at(k + 1) == '\n'); }
    std::size_t newline_len(std::size_t k) const { return at(k) == '\r' ? 2 : 1; }

    bool fail(int line, std::string message) {
        error_ = TokenizeError{line, std::move(message)};
        return false;
    }

    void start_word() {
        if (!in_word_ && cur_.words.empty()) cur_.line = line_;
        in_word_ = true;
    }
    void end_word() {
        if (!in_word_) return;
        cur_.words.push_back(Word{std::move(word_), false});
        word_.clear();
        in_word_ = false;
        word_quoted_ = false;
    }
    bool end_line() {
        end_word();
        for (std::size_t k = 0; k < cur_.words.size(); ++k) {
            if (cur_.words[k].redirect && (k + 1 == cur_.words.size() || cur_.words[k + 1].redirect))
                return fail(cur_.line, "syntax error: redirection `>' without a file name");
        }
        if (!cur_.words.empty()) out_.push_back(std::move(cur_));
        cur_ = LogicalLine{};
        return true;
    }

    bool dollar(int line) {
        const char n = at(i_ + 1);
        if (n == '(' && at(i_ + 2) == '(') return fail(line, refused("arithmetic expansion `$((...))'"));
        if (n == '(') return fail(line, refused("command substitution `$(...)'"));
        if (n == '{') return fail(line, refused("parameter expansion `${...}'"));
        std::size_t e = i_ + 1;
        while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
        if (e == i_ + 1 && e < s_.size() && std::string_view("@*#?-$!0123456789").find(s_[e]) != std::string_view::npos)
            ++e;
        if (e == i_ + 1) return fail(line, refused("a lone `$'"));
        return fail(line, refused(fmt::format("parameter expansion `{}'", s_.substr(i_, e - i_))));
    }

    bool single_quoted() {
        const int start = line_;
        std::size_t k = i_ + 1;
        while (k < s_.size() && s_[k] != '\'') {
            if (s_[k] == '\n') ++line_;
            ++k;
        }
        if (k >= s_.size()) return fail(start, "syntax error: unterminated quoted string (')");
        word_.append(s_.substr(i_ + 1, k - i_ - 1));
        i_ = k + 1;
        return true;
    }

    bool double_quoted() {
        const int start = line_;
        std::size_t k = i_ + 1;
        for (;;) {
            if (k >= s_.size()) return fail(start, "syntax error: unterminated quoted string (\")");
            const char c = s_[k];
            if (c == '"') break;
            if (c == '\\') {
                const char n = at(k + 1);
                if (n == '$' || n == '`' || n == '"' || n == '\\') {
                    word_ += n;
                    k += 2;
                } else if (newline_at(k + 1)) {  // \-newline inside "..." is removed
                    k += 1 + newline_len(k + 1);
                    ++line_;
                } else {  // any other backslash is kept
                    word_ += c;
                    ++k;
                }
                continue;
            }
            if (c == '$') {
                i_ = k;
                return dollar(line_);
            }
            if (c == '`') return fail(line_, refused("command substitution `...`"));
            if (c == '\n') ++line_;
            word_ += c;
            ++k;
        }
        i_ = k + 1;
        return true;
    }

    bool redirect() {
        if (in_word_ && !word_quoted_ && !word_.empty() &&
            word_.find_first_not_of("0123456789") == std::string::npos)
            return fail(line_, refused(fmt::format("file-descriptor redirection `{}>'", word_)));
        const char n = at(i_ + 1);
        if (n == '>') return fail(line_, refused("appending redirection `>>'"));
        if (n == '&') return fail(line_, refused("redirection `>&'"));
        if (n == '|') return fail(line_, refused("redirection `>|'"));
        end_word();
        if (cur_.words.empty()) cur_.line = line_;
        cur_.words.push_back(Word{">", true});
        ++i_;
        return true;
    }

    bool step() {
        const char c = s_[i_];
        if (newline_at(i_)) {
            if (!end_line()) return false;
            i_ += newline_len(i_);
            ++line_;
            return true;
        }
        switch (c) {
            case ' ':
            case '\t':
                end_word();
                ++i_;
                return true;
            case '#':
                if (in_word_) break;
                while (i_ < s_.size() && !newline_at(i_)) ++i_;
                return true;
            case '\\':
                if (i_ + 1 >= s_.size()) return fail(line_, "syntax error: `\\' at the end of the text (a continuation needs a next line)");
                if (newline_at(i_ + 1)) {
                    i_ += 1 + newline_len(i_ + 1);
                    ++line_;
                    return true;
                }
                start_word();
                word_quoted_ = true;
                word_ += s_[i_ + 1];
                i_ += 2;
                return true;
            case '\'':
                start_word();
                word_quoted_ = true;
                return single_quoted();
            case '"':
                start_word();
                word_quoted_ = true;
                return double_quoted();
            case '$': return dollar(line_);
            case '`': return fail(line_, refused("command substitution `...`"));
            case ';': return fail(line_, refused(at(i_ + 1) == ';' ? "`;;'" : "command list `;'"));
            case '|': return fail(line_, refused(at(i_ + 1) == '|' ? "`||' list" : "pipeline `|'"));
            case '&': return fail(line_, refused(at(i_ + 1) == '&' ? "`&&' list" : "background command `&'"));
            case '<': return fail(line_, refused("input redirection `<'"));
            case '(':
            case ')': return fail(line_, refused(fmt::format("subshell `{}'", c)));
            case '{':
            case '}': return fail(line_, refused(fmt::format("brace group or expansion `{}'", c)));
            case '*':
            case '?':
            case '[': return fail(line_, refused(fmt::format("pathname expansion (glob) `{}'", c)));
            case '~':
                if (!in_word_) return fail(line_, refused("tilde expansion `~'"));
                break;
            case '>': return redirect();
            default: break;
        }
        start_word();
        word_ += c;
        ++i_;
        return true;
    }
};

}  // namespace

Result<std::optional<LogicalLine>, TokenizeError> CommandReader::next() {
    Lexer lexer(text_, pos_, line_);
    auto r = lexer.next();
    pos_ = lexer.pos();
    line_ = lexer.line();
    return r;
}

Result<std::vector<LogicalLine>, TokenizeError> tokenize_lines(std::string_view text) {
    CommandReader reader(text);
    std::vector<LogicalLine> out;
    for (;;) {
        auto l = reader.next();
        if (!l) return Err{std::move(l.error())};
        if (!*l) return out;
        out.push_back(std::move(**l));
    }
}

Result<std::vector<Word>, TokenizeError> tokenize(std::string_view line) {
    auto lines = tokenize_lines(line);
    if (!lines) return Err{std::move(lines.error())};
    if (lines->empty()) return std::vector<Word>{};
    if (lines->size() > 1)
        return Err{TokenizeError{(*lines)[1].line, "one command expected: the text holds several lines"}};
    return std::move((*lines)[0].words);
}

}  // namespace tapvs::ctl
