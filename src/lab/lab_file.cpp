#include "tapvs/lab/lab_file.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "tapvs/ctl/config.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::lab {

const Host* Lab::host(const std::string& n) const {
    for (const auto& h : hosts)
        if (h.name == n) return &h;
    return nullptr;
}

const DirectorPort* Lab::director_port(const std::string& n) const {
    for (const auto& p : director)
        if (p.name == n) return &p;
    return nullptr;
}

bool is_host_program(std::string_view p) {
    return p == "ip" || p == "ifconfig" || p == "route" || p == "sysctl" || p == "echo" || p == "cat";
}

int Grade::max_points() const {
    int n = 0;
    for (const auto& t : tests) n += t.points;
    return n;
}

bool Grade::is_student(const std::string& host) const {
    return std::find(student.begin(), student.end(), host) != student.end();
}

const ServiceSpec* Grade::service() const {
    for (const auto& t : tests)
        for (const auto& c : t.checks)
            if (const auto* spec = c.as<ServiceSpec>()) return spec;
    return nullptr;
}

HttpTarget HttpTarget::parse(const std::string& text) {
    HttpTarget r;
    std::string s = text;
    if (const auto slash = s.find('/'); slash != std::string::npos) r.path = s.substr(slash), s.resize(slash);
    if (const auto colon = s.find(':'); colon != std::string::npos) r.port = s.substr(colon + 1), s.resize(colon);
    r.addr = s;
    return r;
}

std::string LabError::to_string() const {
    return line > 0 ? fmt::format("{}:{}: {}", file, line, message) : fmt::format("{}: {}", file, message);
}

namespace {

std::vector<std::string> split_ws(const std::string& s) {
    std::istringstream in(s);
    return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string rest_after(const std::string& line, std::size_t words) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < words; ++i) {
        at = line.find_first_not_of(" \t", at);
        at = line.find_first_of(" \t", at);
        if (at == std::string::npos) return {};
    }
    return trim(line.substr(at));
}

bool valid_name(const std::string& n) {
    return !n.empty() && n.size() <= 15 &&
           std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

bool is_count(const std::string& s) {
    return !s.empty() && s.size() < 7 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           std::stoi(s) > 0;
}

// "a,b,,c" -> a b "" c
std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> v(1);
    for (char ch : s) {
        if (ch == sep) v.emplace_back();
        else v.back() += ch;
    }
    return v;
}

class Parser {
public:
    Parser(const std::string& file, Lab& lab) : file_(file), lab_(lab) {}

    std::optional<LabError> line(int n, const std::string& raw) {
        n_ = n;
        const std::string text = trim(raw);
        if (text.empty() || text[0] == '#') return {};
        const auto words = split_ws(text);
        const std::string& key = words[0];
        if (grading_) return in_grade(key, words, text);
        if (key == "grade") {
            if (words.size() != 1) return err("grade stands alone on its line; the block follows it");
            lab_.grade.line = n;
            grading_ = true;
            return {};
        }
        // HOST: command
        if (key.back() == ':' && key.size() > 1) {
            if (!step_) return err("a command before the first step");
            auto it = command(key.substr(0, key.size() - 1), rest_after(text, 1));
            if (!it) return it.error();
            step_->items.push_back(std::move(it.value()));
            return {};
        }
        if (key == "title") return set_once(lab_.title, rest_after(text, 1), "title");
        if (key == "about") {
            std::string& about = step_ ? step_->about : lab_.about;
            about += (about.empty() ? "" : " ") + rest_after(text, 1);
            return {};
        }
        if (key == "step") {
            if (words.size() < 2) return err("step wants a title: step TITLE");
            lab_.steps.push_back(Step{rest_after(text, 1), {}, {}, n});
            step_ = &lab_.steps.back();
            return {};
        }
        if (step_) return in_step(key, words, text);
        if (key == "segment") return segment(words);
        if (key == "director") return director(words);
        if (key == "host") return host(words);
        if (key == "web") return web(words);
        if (key == "ipip") {
            if (words.size() < 2) return err("ipip wants the hosts that end the tunnel: ipip HOST...");
            for (std::size_t i = 1; i < words.size(); ++i) {
                if (!lab_.host(words[i])) return err(fmt::format("ipip: no host named {}", words[i]));
                lab_.ipip.push_back(words[i]);
            }
            return {};
        }
        return err(fmt::format("unknown line `{}' (before the first step: title, about, segment, director, host, "
                               "web, ipip, step)",
                               key));
    }

    std::optional<LabError> finish() {
        if (lab_.title.empty()) return LabError{file_, 1, "the lab has no title line"};
        if (lab_.director.empty()) return LabError{file_, 1, "the lab has no director line"};
        if (lab_.steps.empty()) return LabError{file_, 1, "the lab has no step"};
        for (const auto& s : lab_.steps)
            if (s.items.empty()) return LabError{file_, s.line, fmt::format("step `{}' has nothing to do", s.title)};
        const Grade& g = lab_.grade;
        if (g.line) {
            if (g.student.empty()) return LabError{file_, g.line, "the grade block names no student hosts: student HOST..."};
            if (g.tests.empty()) return LabError{file_, g.line, "the grade block has no test: test POINTS NAME"};
            for (const auto& t : g.tests)
                if (t.checks.empty()) return LabError{file_, t.line, fmt::format("test `{}' has no check", t.name)};
        }
        return {};
    }

private:
    LabError err(std::string msg) const { return LabError{file_, n_, std::move(msg)}; }
    Err<LabError> fail(std::string msg) const { return Err{err(std::move(msg))}; }

    std::optional<LabError> set_once(std::string& field, const std::string& value, const char* what) {
        if (!field.empty()) return err(fmt::format("a second {} line", what));
        if (value.empty()) return err(fmt::format("{} wants a text", what));
        field = value;
        return {};
    }

    bool segment_known(const std::string& s) const {
        return std::any_of(lab_.segments.begin(), lab_.segments.end(), [&](const Segment& g) { return g.name == s; });
    }

    bool name_taken(const std::string& n) const { return n == "director" || lab_.host(n); }

    std::optional<LabError> segment(const std::vector<std::string>& w) {
        if (w.size() < 2 || w.size() > 3) return err("segment NAME [CIDR]");
        if (!valid_name(w[1])) return err(fmt::format("segment name `{}': letters, digits, - and _, at most 15", w[1]));
        if (segment_known(w[1])) return err(fmt::format("a second segment named {}", w[1]));
        lab_.segments.push_back(Segment{w[1], w.size() == 3 ? w[2] : "", n_});
        return {};
    }

    std::optional<LabError> director(const std::vector<std::string>& w) {
        if (w.size() != 4) return err("director PORT SEGMENT MAC");
        if (!valid_name(w[1])) return err(fmt::format("port name `{}'", w[1]));
        if (!segment_known(w[2])) return err(fmt::format("no segment named {}", w[2]));
        if (lab_.director_port(w[1])) return err(fmt::format("a second director port {}", w[1]));
        const auto mac = net::MacAddr::parse(w[3]);
        if (!mac) return err(fmt::format("`{}' is not a MAC address (02:00:00:00:01:00)", w[3]));
        // Kept in the one spelling the captures and `ip link` print, so the checks can compare text.
        lab_.director.push_back(DirectorPort{w[1], w[2], mac->to_string(), n_});
        return {};
    }

    std::optional<LabError> host(const std::vector<std::string>& w) {
        if (w.size() < 5 || (w.size() - 2) % 3 != 0) return err("host NAME IFNAME SEGMENT ADDR/LEN [IFNAME SEGMENT ADDR/LEN]...");
        if (!valid_name(w[1]) || w[1].size() > 8) return err(fmt::format("host name `{}': letters, digits, - and _, at most 8", w[1]));
        if (name_taken(w[1])) return err(fmt::format("the name {} is taken", w[1]));
        Host h{w[1], {}, n_};
        for (std::size_t i = 2; i < w.size(); i += 3) {
            if (!valid_name(w[i])) return err(fmt::format("interface name `{}'", w[i]));
            if (!segment_known(w[i + 1])) return err(fmt::format("no segment named {}", w[i + 1]));
            const auto slash = w[i + 2].find('/');
            int len = -1;
            if (slash != std::string::npos) {
                const std::string_view l = std::string_view(w[i + 2]).substr(slash + 1);
                const auto [end, ec] = std::from_chars(l.data(), l.data() + l.size(), len);
                if (ec != std::errc{} || end != l.data() + l.size()) len = -1;
            }
            if (slash == std::string::npos || !net::Ipv4Addr::parse(w[i + 2].substr(0, slash)) || len < 0 || len > 32)
                return err(fmt::format("`{}' wants ADDR/LEN", w[i + 2]));
            h.ifaces.push_back(HostIface{w[i], w[i + 1], w[i + 2]});
        }
        lab_.hosts.push_back(std::move(h));
        return {};
    }

    std::optional<LabError> web(const std::vector<std::string>& w) {
        Web web{{}, {}, n_};
        for (std::size_t i = 1; i < w.size(); ++i) {
            if (w[i] == "shared") {
                if (i + 2 != w.size()) return err("web HOST... [shared DIR]: shared wants one directory, last");
                if (w[i + 1].find("..") != std::string::npos || w[i + 1][0] == '/')
                    return err("web ... shared DIR: a directory inside the lab's own");
                web.shared_dir = w[i + 1];
                break;
            }
            if (!lab_.host(w[i])) return err(fmt::format("web: no host named {}", w[i]));
            web.hosts.push_back(w[i]);
        }
        if (web.hosts.empty()) return err("web wants hosts: web HOST... [shared DIR]");
        lab_.web.push_back(std::move(web));
        return {};
    }

    // The `grade` block: student, HOST: command (the lab's own hosts), test, check, about.
    std::optional<LabError> in_grade(const std::string& key, const std::vector<std::string>& w, const std::string& text) {
        Grade& g = lab_.grade;
        if (key == "student") {
            if (!g.student.empty()) return err("a second student line");
            if (w.size() < 2) return err("student HOST...: the hosts the student configures");
            for (std::size_t i = 1; i < w.size(); ++i) {
                if (!name_taken(w[i])) return err(fmt::format("student: no host named {}", w[i]));
                if (g.is_student(w[i])) return err(fmt::format("student: {} twice", w[i]));
                g.student.push_back(w[i]);
            }
            return {};
        }
        if (key.back() == ':' && key.size() > 1) {
            const std::string host = key.substr(0, key.size() - 1);
            if (g.student.empty()) return err("the student line comes first in the grade block");
            if (g.is_student(host))
                return err(fmt::format("{} is the student's: the grade block runs commands on the lab's own hosts only", host));
            if (!g.tests.empty()) return err("the lab's own hosts' commands come before the first test");
            auto it = command(host, rest_after(text, 1));
            if (!it) return it.error();
            g.setup.push_back(std::move(it.value()));
            return {};
        }
        if (key == "test") {
            if (w.size() < 3 || !is_count(w[1])) return err("test POINTS NAME: POINTS a whole number above 0");
            g.tests.push_back(Test{rest_after(text, 2), std::stoi(w[1]), {}, {}, n_});
            return {};
        }
        if (key == "about") {
            std::string& about = g.tests.empty() ? g.about : g.tests.back().about;
            about += (about.empty() ? "" : " ") + rest_after(text, 1);
            return {};
        }
        if (key == "check") {
            if (g.tests.empty()) return err("a check before the first test (test POINTS NAME)");
            if (w.size() < 2) return err("check wants a kind");
            Check c{w[1], {w.begin() + 2, w.end()}, n_, rest_after(text, 1), {}};
            if (c.kind == "again") return err("check again needs an open connection, which a grade block has not");
            if (auto e = validate(c)) return e;
            g.tests.back().checks.push_back(std::move(c));
            return {};
        }
        return err(fmt::format("unknown line `{}' in the grade block (student, HOST: COMMAND, test, check, about)", key));
    }

    Result<Item, LabError> command(const std::string& host, const std::string& text) {
        if (!name_taken(host)) return fail(fmt::format("no host named {} (the director is `director')", host));
        auto words = ctl::tokenize(text);
        if (!words) return fail(words.error().message);
        if (words.value().empty()) return fail(fmt::format("{}: wants a command", host));
        const std::string& program = words.value()[0].text;
        if (host == "director" && !ctl::is_known_program(program))
            return fail(fmt::format("{}: the director runs the guide's commands (ipvsadm, ip, ifconfig, route, sysctl, "
                                   "echo > /proc/sys, cat, iptables), not `{}'",
                                   host, program));
        if (host != "director" && !is_host_program(program))
            return fail(fmt::format("{}: a host runs ip, ifconfig, route, sysctl, echo > /proc/sys or cat, not `{}'", host,
                                   program));
        auto parsed = ctl::parse_command_multi(words.value());
        if (!parsed) {
            std::string m = parsed.error().err;
            while (!m.empty() && m.back() == '\n') m.pop_back();
            return fail(fmt::format("{}: {}", host, m));
        }
        Item it;
        it.kind = Item::Kind::command;
        it.line = n_;
        it.host = host;
        it.words = std::move(words.value());
        it.text = text;
        return it;
    }

    std::optional<LabError> in_step(const std::string& key, const std::vector<std::string>& w, const std::string& text) {
        Item it;
        it.line = n_;
        if (key == "expect") {
            if (step_->items.empty() || step_->items.back().kind == Item::Kind::check)
                return err("expect follows a command (or another expect): it looks at that command's output");
            it.kind = Item::Kind::expect;
            it.text = rest_after(text, 1);
            if (it.text.empty()) return err("expect wants the text of a line of the output");
            step_->items.push_back(std::move(it));
            return {};
        }
        if (key == "open") {
            if (w.size() != 4) return err("open NAME HOST ADDR[:PORT]");
            if (!lab_.host(w[2])) return err(fmt::format("open: no host named {}", w[2]));
            it.kind = Item::Kind::open;
            it.name = w[1], it.host = w[2], it.target = w[3];
            it.open_at = HttpTarget::parse(w[3]);
            it.text = rest_after(text, 1);
            step_->items.push_back(std::move(it));
            return {};
        }
        if (key != "check") return err(fmt::format("unknown line `{}' in a step (HOST: COMMAND, expect, check, open, about)", key));
        if (w.size() < 2) return err("check wants a kind: ping, http, arp, bypass, through, tunnel, again, service");
        it.kind = Item::Kind::check;
        it.check.kind = w[1];
        it.check.args.assign(w.begin() + 2, w.end());
        it.check.line = n_;
        it.check.text = rest_after(text, 1);
        if (auto e = validate(it.check)) return e;
        step_->items.push_back(std::move(it));
        return {};
    }

    // service PROTO VIP:PORT SCHEDULER [-> RIP:PORT METHOD WEIGHT]...
    std::optional<LabError> service(Check& c) const {
        const auto& a = c.args;
        const char* form = "check service PROTO VIP:PORT SCHEDULER [-> RIP:PORT METHOD WEIGHT]... (as ipvsadm -L -n "
                           "prints them)";
        if (a.size() < 3 || (a.size() - 3) % 4 != 0) return err(form);
        if (a[0] != "TCP" && a[0] != "UDP") return err(fmt::format("check service: protocol `{}' (TCP or UDP)", a[0]));
        auto endpoint = [](const std::string& e) {
            const auto colon = e.rfind(':');
            return colon != std::string::npos && net::Ipv4Addr::parse(e.substr(0, colon)) && is_count(e.substr(colon + 1));
        };
        if (!endpoint(a[1])) return err(fmt::format("check service: `{}' is not ADDR:PORT", a[1]));
        ServiceSpec spec{a[0], a[1], a[2], {}};
        for (std::size_t i = 3; i < a.size(); i += 4) {
            if (a[i] != "->") return err(form);
            if (!endpoint(a[i + 1])) return err(fmt::format("check service: `{}' is not ADDR:PORT", a[i + 1]));
            if (a[i + 2] != "Masq" && a[i + 2] != "Route" && a[i + 2] != "Tunnel")
                return err(fmt::format("check service: method `{}' (Masq, Route or Tunnel)", a[i + 2]));
            if (!is_count(a[i + 3]) && a[i + 3] != "0") return err(fmt::format("check service: weight `{}'", a[i + 3]));
            spec.reals.push_back(ServiceSpec::Real{a[i + 1], a[i + 2], std::stoi(a[i + 3])});
        }
        c.spec = std::move(spec);
        return {};
    }

    // HOST[:IF]: the host's name, which must be one of the lab's.
    std::optional<LabError> host_arg(const std::string& h, std::string& name) const {
        name = h.substr(0, h.find(':'));
        if (!lab_.host(name)) return err(fmt::format("check: no host named {}", name));
        return {};
    }

    // http HOST ADDR[:PORT][/PATH] COUNT PATTERN [NAMES] [upload BYTES]...
    std::optional<LabError> http(Check& c) const {
        const auto& a = c.args;
        if (a.size() < 4) return err("check http HOST ADDR[:PORT][/PATH] COUNT PATTERN [upload BYTES]");
        HttpCheck h;
        if (auto e = host_arg(a[0], h.host)) return e;
        if (!is_count(a[2])) return err(fmt::format("check http: `{}' is not a count of requests", a[2]));
        h.target = HttpTarget::parse(a[1]);
        h.count = std::stoi(a[2]);
        using P = HttpCheck::Pattern;
        static const std::map<std::string, P, std::less<>> patterns{
            {"alternate", P::alternate}, {"same", P::same}, {"spread", P::spread}, {"only", P::only}, {"order", P::order},
            {"counts", P::counts},       {"fails", P::fails}, {"any", P::any},     {"tried", P::tried}};
        const auto found = patterns.find(a[3]);
        if (found == patterns.end())
            return err(fmt::format("check http: pattern `{}' (alternate, same, spread, only A,B, order A,B,..., "
                                   "counts A=N,B=M, fails, any, tried)",
                                   a[3]));
        h.pattern = found->second;
        std::size_t i = 4;
        if (h.pattern == P::only || h.pattern == P::order || h.pattern == P::counts) {
            if (a.size() < 5) return err(fmt::format("check http ... {} wants names", a[3]));
            h.names = split(a[4], ',');
            if (h.pattern == P::counts) {
                for (const auto& kv : h.names)
                    if (const auto eq = kv.find('='); eq != std::string::npos)
                        h.counts[kv.substr(0, eq)] = std::atoi(kv.c_str() + eq + 1);
                h.names.clear();
            }
            i = 5;
        }
        for (; i < a.size(); i += 2) {
            if (a[i] != "upload" || i + 1 >= a.size() || !is_count(a[i + 1]))
                return err(fmt::format("check http: `{}' (after the pattern: upload BYTES)", a[i]));
            h.uploads.push_back(a[i + 1]);
        }
        c.spec = std::move(h);
        return {};
    }

    std::optional<LabError> validate(Check& c) {
        const auto& a = c.args;
        if (c.kind == "service") return service(c);
        if (c.kind == "http") return http(c);
        if (c.kind == "ping" || c.kind == "arp") {
            if (a.size() != 2) return err(fmt::format("check {} HOST ADDR", c.kind));
            std::string host;
            if (auto e = host_arg(a[0], host)) return e;
            const auto colon = a[0].find(':');
            if (c.kind == "ping") c.spec = PingCheck{host, a[1]};
            else c.spec = ArpCheck{host, colon == std::string::npos ? std::string() : a[0].substr(colon + 1), a[1]};
            return {};
        }
        if (c.kind == "bypass" || c.kind == "through") {
            if (a.size() != 2) return err(fmt::format("check {} HOST VIP", c.kind));
            RepliesCheck r{c.kind == "bypass" ? RepliesCheck::Way::bypass : RepliesCheck::Way::through, {}, a[1]};
            if (auto e = host_arg(a[0], r.host)) return e;
            c.spec = std::move(r);
            return {};
        }
        if (c.kind == "tunnel") {
            if (a.empty()) return err("check tunnel HOST...");
            TunnelCheck t;
            for (const auto& h : a) {
                if (auto e = host_arg(h, t.hosts.emplace_back())) return e;
            }
            c.spec = std::move(t);
            return {};
        }
        if (c.kind == "again") {
            if (a.size() != 2 || (a[1] != "same" && a[1] != "fails")) return err("check again NAME same|fails");
            for (const auto& s : lab_.steps)
                for (const auto& it : s.items)
                    if (it.kind == Item::Kind::open && it.name == a[0]) {
                        c.spec = AgainCheck{a[0], a[1] == "same"};
                        return {};
                    }
            return err(fmt::format("check again: no connection opened as {}", a[0]));
        }
        return err(fmt::format("unknown check `{}' (ping, http, arp, bypass, through, tunnel, again, service)", c.kind));
    }

    std::string file_;
    Lab& lab_;
    Step* step_ = nullptr;
    bool grading_ = false;  // after `grade`: the rest of the file is the grade block
    int n_ = 0;
};

}  // namespace

Result<Lab, LabError> parse_lab(const std::string& text, const std::string& name, const std::string& dir,
                                const std::string& file) {
    Lab lab;
    lab.name = name;
    lab.dir = dir;
    Parser p(file, lab);
    std::istringstream in(text);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (auto e = p.line(n, line)) return Err(std::move(*e));
    if (auto e = p.finish()) return Err(std::move(*e));
    return lab;
}

Result<Lab, LabError> load_lab(const std::string& dir) {
    std::string d = dir;
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    const std::string file = d + "/lab.conf";
    std::ifstream in(file, std::ios::binary);
    if (!in) return Err(LabError{file, 0, "cannot read it (tapvs lab list shows the labs there are)"});
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto slash = d.rfind('/');
    return parse_lab(text, slash == std::string::npos ? d : d.substr(slash + 1), d, file);
}

}  // namespace tapvs::lab
