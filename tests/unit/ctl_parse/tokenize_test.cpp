// The tokenizer: sh's plain-word rules, nothing expanded, every expansion refused by name.
#include <catch2/catch.hpp>

#include "tapvs/ctl/tokenize.hpp"

using tapvs::ctl::tokenize;
using tapvs::ctl::tokenize_lines;
using tapvs::ctl::Word;

namespace {

std::vector<std::string> texts(std::string_view line) {
    auto r = tokenize(line);
    REQUIRE(r.ok());
    std::vector<std::string> out;
    for (const Word& w : *r) out.push_back(w.text);
    return out;
}

std::string error_of(std::string_view line) {
    auto r = tokenize(line);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

}  // namespace

TEST_CASE("tokenize: blanks separate words, runs of blanks and tabs count once", "[tokenize]") {
    CHECK(texts("ipvsadm  -A\t-t 10.0.0.1:80   -s rr") ==
          std::vector<std::string>{"ipvsadm", "-A", "-t", "10.0.0.1:80", "-s", "rr"});
    CHECK(texts("   ").empty());
    CHECK(texts("").empty());
}

TEST_CASE("tokenize: single quotes keep everything literally, including $ and \\", "[tokenize]") {
    CHECK(texts(R"(echo 'a b' '$HOME' 'x\y' '')") == std::vector<std::string>{"echo", "a b", "$HOME", "x\\y", ""});
}

TEST_CASE("tokenize: double quotes escape only \\\" \\\\ \\$ and \\`", "[tokenize]") {
    CHECK(texts(R"(echo "a \"b\" \\ \$x \`" "c\d")") == std::vector<std::string>{"echo", "a \"b\" \\ $x `", "c\\d"});
}

TEST_CASE("tokenize: quotes join with the letters around them into one word", "[tokenize]") {
    CHECK(texts(R"(a'b c'"d e"f)") == std::vector<std::string>{"ab cd ef"});
}

TEST_CASE("tokenize: a backslash outside quotes makes the next character literal", "[tokenize]") {
    CHECK(texts(R"(echo a\ b \$x \> \#c)") == std::vector<std::string>{"echo", "a b", "$x", ">", "#c"});
}

TEST_CASE("tokenize: # starts a comment only at the start of a word", "[tokenize]") {
    CHECK(texts("ip link set eth0 up # bring it up") == std::vector<std::string>{"ip", "link", "set", "eth0", "up"});
    CHECK(texts("echo a#b") == std::vector<std::string>{"echo", "a#b"});
    CHECK(texts("# only a comment").empty());
}

TEST_CASE("tokenize: a lone > is a redirection word, a quoted one is not", "[tokenize]") {
    auto r = tokenize("echo 1 > /proc/sys/net/ipv4/ip_forward");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 4);
    CHECK((*r)[2] == Word{">", true});
    CHECK((*r)[3] == Word{"/proc/sys/net/ipv4/ip_forward", false});

    auto attached = tokenize("echo 1 >/proc/sys/x");
    REQUIRE(attached.ok());
    REQUIRE(attached->size() == 4);
    CHECK((*attached)[2].redirect);
    CHECK((*attached)[3].text == "/proc/sys/x");

    auto quoted = tokenize("echo '>' \">\"");
    REQUIRE(quoted.ok());
    CHECK_FALSE((*quoted)[1].redirect);
    CHECK_FALSE((*quoted)[2].redirect);
}

TEST_CASE("tokenize: a word touching > ends before it", "[tokenize]") {
    auto r = tokenize("echo abc>/f");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 4);
    CHECK((*r)[1].text == "abc");
    CHECK((*r)[2].redirect);
}

TEST_CASE("tokenize: expansions are refused and named", "[tokenize]") {
    CHECK(error_of("echo $HOME") ==
          "parameter expansion `$HOME' is not supported: tapvs reads the line as data and runs no shell");
    CHECK(error_of("echo \"$HOME\"").find("parameter expansion `$HOME'") == 0);
    CHECK(error_of("echo ${X}").find("parameter expansion `${...}'") == 0);
    CHECK(error_of("echo $(id)").find("command substitution `$(...)'") == 0);
    CHECK(error_of("echo $((1+1))").find("arithmetic expansion") == 0);
    CHECK(error_of("echo `id`").find("command substitution `...`") == 0);
    CHECK(error_of("echo \"`id`\"").find("command substitution `...`") == 0);
    CHECK(error_of("ls *.conf").find("pathname expansion (glob) `*'") == 0);
    CHECK(error_of("ls a?").find("pathname expansion (glob) `?'") == 0);
    CHECK(error_of("ls [ab]").find("pathname expansion (glob) `['") == 0);
    CHECK(error_of("cat ~/x").find("tilde expansion") == 0);
    CHECK(texts("echo a~b") == std::vector<std::string>{"echo", "a~b"});
}

TEST_CASE("tokenize: command separators and other redirections are refused", "[tokenize]") {
    CHECK(error_of("a; b").find("command list `;'") == 0);
    CHECK(error_of("a | b").find("pipeline `|'") == 0);
    CHECK(error_of("a || b").find("`||' list") == 0);
    CHECK(error_of("a & b").find("background command `&'") == 0);
    CHECK(error_of("a && b").find("`&&' list") == 0);
    CHECK(error_of("a < f").find("input redirection `<'") == 0);
    CHECK(error_of("echo 1 >> f").find("appending redirection `>>'") == 0);
    CHECK(error_of("echo 1 >&2").find("redirection `>&'") == 0);
    CHECK(error_of("echo 1 >| f").find("redirection `>|'") == 0);
    CHECK(error_of("echo 1 2>f").find("file-descriptor redirection `2>'") == 0);
    CHECK(error_of("(a)").find("subshell `('") == 0);
    CHECK(error_of("{ a; }").find("brace group") == 0);
}

TEST_CASE("tokenize: digits before > are a file descriptor only when unquoted", "[tokenize]") {
    CHECK(error_of("echo 1>/proc/sys/x").find("file-descriptor redirection `1>'") == 0);
    auto r = tokenize("echo '1'>/proc/sys/x");
    REQUIRE(r.ok());
    CHECK((*r)[1].text == "1");
    CHECK((*r)[2].redirect);
}

TEST_CASE("tokenize: syntax errors", "[tokenize]") {
    CHECK(error_of("echo 'abc") == "syntax error: unterminated quoted string (')");
    CHECK(error_of("echo \"abc") == "syntax error: unterminated quoted string (\")");
    CHECK(error_of("echo 1 >") == "syntax error: redirection `>' without a file name");
    CHECK(error_of("echo 1 > # comment") == "syntax error: redirection `>' without a file name");
    CHECK(error_of("echo 1 > > f") == "syntax error: redirection `>' without a file name");
    CHECK(error_of("echo \\").find("syntax error: `\\' at the end") == 0);
    CHECK(error_of("a\nb") == "one command expected: the text holds several lines");
}

TEST_CASE("tokenize_lines: newlines end commands, backslash-newline joins, lines are numbered", "[tokenize]") {
    auto r = tokenize_lines("# header\n\nipvsadm -A \\\n  -t 10.0.0.1:80\r\n  ip link set eth0 up  \n# end\n");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].line == 3);
    CHECK((*r)[0].words.size() == 4);
    CHECK((*r)[0].words[3].text == "10.0.0.1:80");
    CHECK((*r)[1].line == 5);
    CHECK((*r)[1].words.back().text == "up");
}

TEST_CASE("tokenize_lines: a quote may span lines and the next command keeps its own number", "[tokenize]") {
    auto r = tokenize_lines("echo 'a\nb' > /proc/sys/x\nip link\n");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].words[1].text == "a\nb");
    CHECK((*r)[1].line == 3);
}

TEST_CASE("tokenize_lines: an error reports the line it is on", "[tokenize]") {
    auto r = tokenize_lines("ip link\n\nip addr show $IF\n");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().line == 3);
    auto q = tokenize_lines("ip link\necho 'open\n\n");
    REQUIRE_FALSE(q.ok());
    CHECK(q.error().line == 2);
}

TEST_CASE("tokenize_lines: a backslash inside a comment does not continue it", "[tokenize]") {
    auto r = tokenize_lines("# comment \\\nip link\n");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].line == 2);
}
