#include "tapvs/grade/submission.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tapvs/ctl/programs.hpp"

namespace tapvs::grade {

namespace fs = std::filesystem;

namespace {

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
}

// At most `n` bytes of `s`, cut at a character's first byte so that it stays UTF-8, "..." if cut.
std::string shortened(std::string_view s, std::size_t n) {
    if (s.size() <= n) return std::string(s);
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
    return std::string(s.substr(0, n)) + "...";
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// Where the text stops being text: a control character other than tab, newline and carriage return
// (a NUL, an escape that would rewrite a teacher's terminal), or bytes that are not UTF-8 (overlong
// forms and surrogates too). npos if none.
std::size_t not_text_at(std::string_view t) {
    for (std::size_t i = 0; i < t.size();) {
        const auto c = static_cast<unsigned char>(t[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return i;
            ++i;
            continue;
        }
        const int n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (n == 0 || i + n > t.size()) return i;
        std::uint32_t cp = c & (0x7f >> n);
        for (int k = 1; k < n; ++k) {
            const auto b = static_cast<unsigned char>(t[i + k]);
            if ((b >> 6) != 0x2) return i;
            cp = cp << 6 | (b & 0x3f);
        }
        const std::uint32_t least = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0)) return i;
        i += static_cast<std::size_t>(n);
    }
    return std::string_view::npos;
}

// A comment that is a command with the guide's root prompt in front (`#ifconfig eth0 ...`).
bool looks_like_command(const std::string& comment) {
    std::istringstream in(trim(std::string_view(comment).substr(1)));
    std::string w;
    in >> w;
    w = std::string(ctl::program_name(w));
    static const char* kPrograms[] = {"ipvsadm", "ifconfig", "route", "ip", "echo", "sysctl", "cat", "iptables",
                                      "yum", "modprobe", "service", "systemctl", "apt-get"};
    return std::any_of(std::begin(kPrograms), std::end(kPrograms), [&](const char* p) { return w == p; });
}

std::string section_list(const lab::Lab& lab) {
    std::string o;
    for (const auto& h : lab.grade.student) o += (o.empty() ? "[" : ", [") + h + "]";
    return o;
}

std::string why_not_student(const std::string& host, const lab::Lab& lab) {
    if (host == "director" || lab.host(host))
        return fmt::format("{} is the lab's own host, not the student's: a submission configures {}", host, section_list(lab));
    return fmt::format("the lab has no host {}: a submission configures {}", host, section_list(lab));
}

// Collects the lines of one submission, file by file.
class Reader {
public:
    Reader(Submission& sub, const lab::Lab& lab, const Limits& limits) : sub_(sub), lab_(lab), limits_(limits) {}

    // The text of one file; `host` is the file's host in a directory submission, empty for a file
    // with sections.
    void text(std::string_view t, const std::string& file, const std::string& host) {
        std::string section = host;
        bool any_section = !host.empty();
        int n = 0;
        std::size_t at = 0;
        while (at < t.size()) {
            const auto nl = t.find('\n', at);
            const std::string_view raw = t.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
            at = nl == std::string_view::npos ? t.size() : nl + 1;
            ++n;
            if (++lines_seen_ > limits_.max_lines) {
                if (!past_limit_) past_limit_ = true, first_past_ = {file, n};
                ++lines_past_;
                continue;
            }
            if (raw.size() > limits_.max_line) {
                add(section, file, n, shortened(raw, 80),
                    fmt::format("the line is {} bytes long; a line holds at most {} bytes", raw.size(), limits_.max_line));
                continue;
            }
            const std::string l = trim(raw);
            if (l.empty()) continue;
            if (l[0] == '#') {
                comments_[section].push_back({n, l});
                continue;
            }
            if (l.front() == '[' && l.back() == ']') {
                if (!host.empty()) {
                    add(section, file, n, l, fmt::format("a section header in {}'s own file (a directory submission has a "
                                                         "file per host and no sections)",
                                                         host));
                    continue;
                }
                section = lower(trim(std::string_view(l).substr(1, l.size() - 2)));
                any_section = true;
                seen_.push_back(section);
                continue;
            }
            if (!any_section) {
                add("", file, n, l, fmt::format("before any section: which host is it for? Start with one of {}", section_list(lab_)));
                continue;
            }
            add(section, file, n, l, "");
        }
        if (!host.empty()) seen_.push_back(host);
    }

    void finish() {
        if (past_limit_)
            sub_.lines.push_back(Line{"", first_past_.first, first_past_.second, "",
                                      fmt::format("{} lines from here on are not read: a submission holds at most {} lines",
                                                  lines_past_, limits_.max_lines)});
        // The student's hosts in the lab's order, then what was rejected for its section.
        std::vector<Line> ordered;
        for (const auto& h : lab_.grade.student)
            for (auto& l : by_host_[h]) ordered.push_back(std::move(l));
        for (auto& l : other_) ordered.push_back(std::move(l));
        for (auto& l : sub_.lines) ordered.push_back(std::move(l));
        sub_.lines = std::move(ordered);
        const bool known = std::any_of(seen_.begin(), seen_.end(), [&](const std::string& s) { return lab_.grade.is_student(s); });
        if (!known && sub_.refused.empty())
            sub_.refused = fmt::format("no section for a host the student configures: a submission has {} sections", section_list(lab_));
        for (const auto& h : lab_.grade.student) {
            const auto c = comments_.find(h);
            if (!by_host_[h].empty() || c == comments_.end()) continue;
            const auto cmd = std::find_if(c->second.begin(), c->second.end(), [](const auto& x) { return looks_like_command(x.second); });
            if (cmd != c->second.end())
                sub_.notes.push_back(fmt::format(
                    "[{}]: every line is a comment, so nothing ran on {}. Line {} is `{}': the guide writes its root "
                    "prompt as `#', but in a submission `#' starts a comment. Write the commands without it.",
                    h, h, cmd->first, shortened(cmd->second, 60)));
        }
    }

private:
    void add(const std::string& section, const std::string& file, int n, std::string text, std::string rejected) {
        if (rejected.empty() && !lab_.grade.is_student(section)) rejected = why_not_student(section, lab_);
        Line l{section, file, n, std::move(text), std::move(rejected)};
        if (lab_.grade.is_student(section))
            by_host_[section].push_back(std::move(l));
        else
            other_.push_back(std::move(l));
    }

    Submission& sub_;
    const lab::Lab& lab_;
    const Limits& limits_;
    std::map<std::string, std::vector<Line>> by_host_;
    std::vector<Line> other_;
    std::map<std::string, std::vector<std::pair<int, std::string>>> comments_;
    std::vector<std::string> seen_;
    std::size_t lines_seen_ = 0, lines_past_ = 0;
    bool past_limit_ = false;
    std::pair<std::string, int> first_past_;
};

std::string stem(const std::string& path) {
    std::string n = fs::path(path).filename().string();
    if (n.empty()) n = fs::path(path).parent_path().filename().string();
    const auto dot = n.find('.');
    return dot == std::string::npos || dot == 0 ? n : n.substr(0, dot);
}

// Reads at most `max` + 1 bytes of a regular file, never following a symbolic link.
std::string read_limited(const std::string& path, std::size_t max, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        error = fmt::format("cannot read {}: {}", path, std::strerror(errno));
        return {};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        error = fmt::format("{} is not a regular file", path);
        return {};
    }
    std::string t;
    t.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), max) + 1);
    std::size_t got = 0;
    while (got < t.size()) {
        const ssize_t n = ::read(fd, t.data() + got, t.size() - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    t.resize(got);
    return t;
}

bool text_ok(Submission& sub, std::string_view t, const std::string& file) {
    if (const auto at = not_text_at(t); at != std::string_view::npos) {
        const auto b = static_cast<unsigned char>(t[at]);
        sub.refused = fmt::format("{} is not text: {} at byte {} (a submission is plain UTF-8 text)", file,
                                  b == 0      ? std::string("a NUL byte")
                                  : b < 0x20 || b == 0x7f ? fmt::format("the control character 0x{:02x}", b)
                                                          : fmt::format("the byte 0x{:02x}", b),
                                  at);
        return false;
    }
    return true;
}

}  // namespace

Submission parse_submission(const std::string& text, const std::string& file, const lab::Lab& lab, const Limits& limits) {
    Submission sub;
    sub.path = file;
    sub.name = stem(file);
    if (text.size() > limits.max_bytes) {
        sub.refused = fmt::format("{} is too big: more than {} bytes (a submission is at most {} KiB)", file, limits.max_bytes,
                                  limits.max_bytes / 1024);
        return sub;
    }
    if (!text_ok(sub, text, file)) return sub;
    Reader r(sub, lab, limits);
    r.text(text, file, "");
    r.finish();
    return sub;
}

Submission read_submission(const std::string& path, const lab::Lab& lab, const Limits& limits) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
        std::string error;
        const std::string t = read_limited(path, limits.max_bytes, error);
        if (!error.empty()) {
            Submission sub;
            sub.path = path;
            sub.name = stem(path);
            sub.refused = error;
            return sub;
        }
        Submission sub = parse_submission(t, path, lab, limits);
        sub.path = path;
        return sub;
    }
    Submission sub;
    sub.path = path;
    sub.name = fs::path(path).filename().empty() ? fs::path(path).parent_path().filename().string()
                                                 : fs::path(path).filename().string();
    std::vector<fs::path> files;
    for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        files.push_back(it->path());
    if (ec) {
        sub.refused = fmt::format("cannot read the directory {}: {}", path, ec.message());
        return sub;
    }
    std::sort(files.begin(), files.end());
    Reader r(sub, lab, limits);
    std::size_t total = 0;
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        if (name.starts_with(".")) continue;
        const std::string host = lower(stem(name));
        std::error_code fec;  // a file gone meanwhile is simply not read
        if (fs::is_symlink(f, fec)) {
            sub.notes.push_back(fmt::format("{} is a symbolic link: not read", f.string()));
            continue;
        }
        if (!fs::is_regular_file(f, fec)) {
            sub.notes.push_back(fmt::format("{} is not a regular file: not read", f.string()));
            continue;
        }
        if (!lab.grade.is_student(host)) {
            sub.notes.push_back(fmt::format("{} is not read: {}", f.string(), why_not_student(host, lab)));
            continue;
        }
        std::string error;
        const std::string t = read_limited(f.string(), limits.max_bytes - std::min(total, limits.max_bytes), error);
        total += t.size();
        if (!error.empty()) {
            sub.refused = error;
            return sub;
        }
        if (total > limits.max_bytes) {
            sub.refused = fmt::format("{} is too big: its files hold more than {} bytes (a submission is at most {} KiB)",
                                      path, limits.max_bytes, limits.max_bytes / 1024);
            return sub;
        }
        if (!text_ok(sub, t, f.string())) return sub;
        r.text(t, f.string(), host);
    }
    r.finish();
    return sub;
}

}  // namespace tapvs::grade
