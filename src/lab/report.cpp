#include "tapvs/io/recording.hpp"
#include "tapvs/lab/report.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/html.hpp"
#include "lab/ladder_svg.hpp"
#include "tapvs/io/trace_read.hpp"
#include "tapvs/lab/json_file.hpp"
#include "tapvs/lab/ladder.hpp"
#include "tapvs/lab/record.hpp"

namespace tapvs::lab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kMaxPackets = 12;     // packets drawn per connection: the handshake, a request, its answer, the close
constexpr std::size_t kOpenLines = 14;  // longer outputs start folded

std::uint8_t proto_number(const std::string& p) { return p == "UDP" ? 17 : p == "SCTP" ? 132 : 6; }

// The captures of one step, as lab.json says who is who.
std::vector<CapturePoint> points_of(const LabJson& lab, const fs::path& step) {
    std::vector<CapturePoint> points;
    auto add = [&](const std::string& node, const std::string& port, const std::string& mac, CapturePoint::Saw saw,
                   const std::string& file) {
        const auto m = net::MacAddr::parse(mac);
        if (!m) return;
        std::string error;  // a missing or unreadable capture: the node is there, its frames unknown
        auto frames = read_facts((step / file).string(), &error);
        points.push_back(CapturePoint{node, port, *m, saw, std::move(frames), error.empty()});
    };
    for (const auto& d : lab.director) {
        add("director", d.port, d.mac, CapturePoint::Saw::sent, io::recording::sent_file(d.port));
        add("director", d.port, d.mac, CapturePoint::Saw::received, io::recording::received_file(d.port));
    }
    for (const auto& h : lab.hosts)
        for (const auto& i : h.ifaces) add(h.name, i.name, i.mac, CapturePoint::Saw::both, host_capture(h.name, i.name));
    return points;
}

std::map<std::string, std::vector<std::string>> heads_of(const LabJson& lab) {
    std::map<std::string, std::vector<std::string>> heads;
    for (const auto& d : lab.director) heads["director"].push_back(d.port + " " + d.mac);
    for (const auto& h : lab.hosts)
        for (const auto& i : h.ifaces) {
            heads[h.name].push_back(i.name + " " + i.addr);
            heads[h.name].push_back(i.mac);
        }
    return heads;
}

// What the director's trace says of a step (io/trace_read.hpp): its scheduling decisions and the
// frames it dropped for IPVS reasons (a connection to a removed server, a non-SYN without one).
struct Drop {
    core::Timestamp t;
    std::string proto;
    io::TraceAddr src, dst;
    std::string reason;
};
struct StepTrace {
    std::vector<io::TraceSchedule> decisions;
    std::vector<Drop> drops;
};

StepTrace read_step_trace(const fs::path& file) {
    StepTrace t;
    const auto events = io::read_trace_file(file.string());
    if (!events) return t;  // no trace: no decisions to tell (the captures still draw the diagram)
    for (const auto& e : events.value()) {
        if (const auto* s = e.schedule()) t.decisions.push_back(*s);
        const auto* f = e.kind == io::TraceEventKind::drop ? e.frame() : nullptr;
        if (f && f->reason.starts_with("ipvs_") && f->ip && f->ip->src.port && f->ip->dst.port)
            t.drops.push_back(Drop{e.t, f->ip->proto, f->ip->src, f->ip->dst, f->reason});
    }
    return t;
}

io::TraceAddr addr(net::Ipv4Addr ip, std::uint16_t port) { return io::TraceAddr{ip, port}; }

// The connection a step's diagram follows: one whose packets the director dropped, as that is what
// the step shows; else the first the director scheduled to a real server; else the first a host
// opened to a virtual service the step's ipvsadm -L -n lists (a connection opened in an earlier step).
struct Sample {
    ConnKey key;
    std::string client, vip;
    const io::TraceSchedule* decision = nullptr;
    const Drop* drop = nullptr;
};

std::optional<Sample> sample_of(const StepTrace& t, const std::string& ipvsadm, const std::vector<CapturePoint>& points) {
    for (const auto& d : t.drops)
        for (const auto& p : points)  // from a host of the lab: a client, not a real server answering
            if (p.saw == CapturePoint::Saw::both &&
                std::any_of(p.frames.begin(), p.frames.end(), [&](const FrameFact& f) {
                    return f.src_mac == p.mac && addr(f.l4_src(), f.l4_sport()) == d.src;
                }))
                return Sample{ConnKey{d.src.ip, *d.src.port, proto_number(d.proto)}, d.src.to_string(), d.dst.to_string(),
                              nullptr, &d};
    const io::TraceSchedule* decision = nullptr;
    for (const auto& d : t.decisions)
        if (d.client.port && (!decision || (!decision->rs && d.rs))) decision = &d;
    if (decision)
        return Sample{ConnKey{decision->client.ip, *decision->client.port, proto_number(decision->proto)},
                      decision->client.to_string(),
                      decision->vip ? decision->vip->to_string() : fmt::format("fwmark {}", decision->fwmark.value_or(0)),
                      decision, nullptr};
    std::set<std::tuple<std::uint8_t, std::uint32_t, std::uint16_t>> vips;  // protocol, address, port
    std::istringstream in(ipvsadm);
    for (std::string proto, text; in >> proto;) {
        if ((proto == "TCP" || proto == "UDP") && in >> text)
            if (const auto a = io::TraceAddr::parse(text); a && a->port)
                vips.insert({proto_number(proto), a->ip.host_order, *a->port});
        in.ignore(1 << 20, '\n');
    }
    const FrameFact* first = nullptr;
    for (const auto& p : points) {
        if (p.saw != CapturePoint::Saw::both) continue;
        for (const auto& f : p.frames)
            if (f.ipv4 && f.src_mac == p.mac && vips.count({f.l4_proto(), f.l4_dst().host_order, f.l4_dport()}) &&
                (!first || f.ts < first->ts)) {
                first = &f;
                break;
            }
    }
    if (!first) return std::nullopt;
    return Sample{ConnKey{first->l4_src(), first->l4_sport(), first->l4_proto()},
                  addr(first->l4_src(), first->l4_sport()).to_string(), addr(first->l4_dst(), first->l4_dport()).to_string(),
                  nullptr, nullptr};
}

// The director's drops, each on the latest hop to the director that carried the dropped frame (the
// sender's capture stamps it a little before the director's trace does).
void note_drops(Ladder& l, const std::vector<Drop>& drops) {
    for (const auto& d : drops) {
        Hop* best = nullptr;
        for (auto& h : l.hops) {
            if (l.nodes[h.to] != "director" || !h.note.empty() || h.f.ts > d.t + std::chrono::milliseconds(2) ||
                d.t - h.f.ts > std::chrono::milliseconds(500))
                continue;
            if (addr(h.f.l4_src(), h.f.l4_sport()) != d.src || addr(h.f.l4_dst(), h.f.l4_dport()) != d.dst) continue;
            if (!best || h.f.ts > best->f.ts) best = &h;
        }
        if (best) best->note = "dropped: " + d.reason;
    }
}

// "client → director → rs1": the nodes the first packet of a direction passed.
std::vector<std::string> path_of(const Ladder& l, bool reply) {
    int packet = 0;
    std::vector<std::string> path;
    for (const auto& h : l.hops) {
        if (h.reply != reply || (packet && h.packet != packet)) continue;
        if (!packet) {
            packet = h.packet;
            path.push_back(l.nodes[h.from]);
        }
        path.push_back(l.nodes[h.to] + (h.lost ? " (not received)" : ""));
    }
    return path;
}

std::string pre(const std::string& text, const char* cls) {
    if (text.empty()) return "";
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    const std::string block = fmt::format("<pre class=\"{}\">{}</pre>", cls, html_escape(text));
    if (lines < kOpenLines) return block;
    return fmt::format("<details><summary>{} lines of output</summary>{}</details>", lines, block);
}

std::string item_html(const ItemRecord& it) {
    const std::string kind = kind_name(it.kind);
    const bool ok = it.ok;
    // A graded submission's line may have been skipped or rejected instead of run.
    const std::string& outcome = it.outcome;
    const bool skipped = outcome == "skipped";
    std::string o = fmt::format("<div class=\"item {} {}{}\"><span class=\"mark\">{}</span>", html_escape(kind),
                                skipped ? "skip" : ok ? "ok" : "fail", outcome.empty() ? "" : " " + html_escape(outcome),
                                skipped ? "\u2013" : ok ? "\u2713" : "\u2717");
    if (it.kind == Item::Kind::command) {
        if (const std::string& src = it.source; !src.empty())
            o += fmt::format("<span class=\"src\">{}</span> ", html_escape(src.substr(src.rfind(':') + 1)));
        o += fmt::format("<span class=\"host\">{}:</span> <code>{}</code>", html_escape(it.host), html_escape(it.text));
        if (outcome == "skipped" || outcome == "rejected")
            o += fmt::format(" <span class=\"outcome\">{}</span><p class=\"reason\">{}</p>", html_escape(outcome),
                             html_escape(it.reason));
        if (it.status != 0) o += fmt::format(" <span class=\"status\">exit {}</span>", it.status);
        o += pre(it.out, "out") + pre(it.err, "err");
    } else {
        o += fmt::format("<span class=\"kw\">{}</span> <code>{}</code>", html_escape(kind), html_escape(it.text));
        if (!it.served.empty()) {
            o += "<div class=\"served\">";
            for (const std::string& name : it.served) {
                o += fmt::format("<span class=\"srv s{}\">{}</span>", name.empty() || name == "-" ? "x" : std::to_string(static_cast<unsigned char>(name.back()) % 4),
                                 html_escape(name));
            }
            o += "</div>";
        }
        o += pre(it.out, "seen");
        if (!it.causes.empty()) {
            o += "<ul class=\"causes\">";
            for (const auto& c : it.causes) o += "<li>" + html_escape(c) + "</li>";
            o += "</ul>";
        }
    }
    return o + "</div>\n";
}

std::string diagram_html(const LabJson& lab, const fs::path& step, const std::string& ipvsadm) {
    const auto points = points_of(lab, step);
    const StepTrace trace = read_step_trace(step / io::recording::kTraceFile);
    const auto sample = sample_of(trace, ipvsadm, points);
    if (!sample) return "<p class=\"noconn\">No connection to a virtual service in this step, so no diagram.</p>\n";
    Ladder l = build_ladder(points, sample->key, "director", kMaxPackets);
    if (l.hops.empty())
        return fmt::format("<p class=\"noconn\">The connection from {} to {} left no frame in the captures.</p>\n",
                           html_escape(sample->client), html_escape(sample->vip));
    note_drops(l, trace.drops);
    std::string o = "<h3>A connection, frame by frame</h3>\n<figure class=\"diagram\">" + ladder_svg(l, heads_of(lab)) +
                    "<figcaption>";
    const std::size_t n = trace.decisions.size();
    if (sample->drop)
        o += fmt::format("<p>A connection whose packets the director dropped in this step: {} to the virtual service {} "
                         "(<b>{}</b>). The director scheduled {} connection{} in the step.</p>",
                         html_escape(sample->client), html_escape(sample->vip), html_escape(sample->drop->reason), n,
                         n == 1 ? "" : "s");
    else if (const io::TraceSchedule* d = sample->decision)
        o += fmt::format("<p>{} of the {} connection{} the director scheduled in this step: {} to the virtual service {}. "
                         "<b>{}</b> {} ({}): {}.</p>",
                         d == &trace.decisions.front() ? "The first" : "One", n, n == 1 ? "" : "s",
                         html_escape(sample->client), html_escape(sample->vip), html_escape(d->scheduler),
                         d->rs ? fmt::format("chose <b>{}</b>", html_escape(d->rs->to_string())) : "found no real server",
                         html_escape(d->rs ? d->method : "dropped"), html_escape(d->why));
    else
        o += fmt::format("<p>A connection from {} to the virtual service {}, opened in an earlier step (the director "
                         "scheduled none in this one).</p>",
                         html_escape(sample->client), html_escape(sample->vip));
    const auto req = path_of(l, false), rep = path_of(l, true);
    if (!req.empty()) o += fmt::format("<p>The request went {}", html_escape(fmt::format("{}", fmt::join(req, " \u2192 "))));
    if (!rep.empty()) {
        const bool via = std::find(rep.begin(), rep.end(), "director") != rep.end();
        o += fmt::format("{} the replies {}{}.", req.empty() ? "<p>The replies went" : ";",
                         html_escape(fmt::format("{}", fmt::join(rep, " \u2192 "))),
                         via ? ", back through the director" : ", <b>not through the director</b>");
    } else if (!req.empty()) {
        o += "; no reply came back.";
    }
    o += "</p>";
    o += fmt::format("<p class=\"legend\"><span class=\"k request\">\u2192 towards the server</span> "
                     "<span class=\"k reply\">\u2192 towards the client</span> <span class=\"k rw\">what the director rewrote</span> "
                     "{} packet{} drawn{}.</p>",
                     l.packets_drawn, l.packets_drawn == 1 ? "" : "s",
                     l.packets > l.packets_drawn ? fmt::format(" of {} (the first {} and the last {})", l.packets,
                                                               l.elided_after, kTailPackets)
                                                 : std::string());
    return o + "</figcaption></figure>\n";
}

std::string files_html(const fs::path& step, const std::string& rel) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(step, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    std::string o = "<p class=\"files\">Recorded in " + html_escape(rel) + "/:";
    for (const auto& n : names) o += fmt::format(" <a href=\"{0}/{1}\">{1}</a>", html_escape(rel), html_escape(n));
    return o + "</p>\n";
}

struct StepPage {
    std::string html, title;
    bool ok = false;
};

// `badge`: what the step's badge says instead of passed/failed (a graded test's points).
std::optional<StepPage> step_html(const LabJson& lab, const fs::path& dir, int n, std::string* error, const std::string& badge = {}) {
    const std::string rel = fmt::format("step-{}", n);
    const auto s = read_step_json(dir / rel / "step.json", error);
    if (!s) return std::nullopt;
    const bool ok = s->ok;
    std::string o = fmt::format("<section class=\"step {}\" id=\"step-{}\" data-step=\"{}\">\n", ok ? "ok" : "fail", n, n);
    o += fmt::format("<h2><span class=\"n\">Step {}</span> {} <span class=\"badge\">{}</span></h2>\n", n,
                     html_escape(s->title), !badge.empty() ? html_escape(badge) : ok ? "passed" : s->interrupted ? "interrupted" : "failed");
    if (!s->about.empty()) o += "<p class=\"about\">" + html_escape(s->about) + "</p>\n";
    o += "<div class=\"items\">\n";
    for (const auto& it : s->items) o += item_html(it);
    o += "</div>\n";
    const std::string& ipvsadm = s->ipvsadm;
    o += "<h3>ipvsadm -L -n after the step</h3>\n" + pre(ipvsadm.empty() ? "(no answer)\n" : ipvsadm, "ipvsadm");
    o += diagram_html(lab, dir / rel, ipvsadm);
    o += files_html(dir / rel, rel);
    return StepPage{o + "</section>\n", s->title, ok};
}

std::string topology_html(const LabJson& lab) {
    std::string o = "<table class=\"topo\"><tr><th>host</th><th>interface</th><th>segment</th><th>address</th><th>MAC</th></tr>\n";
    for (const auto& d : lab.director)
        o += fmt::format("<tr><td>director</td><td>{}</td><td>{}</td><td>set by the steps</td><td>{}</td></tr>\n",
                         html_escape(d.port), html_escape(d.segment), html_escape(d.mac));
    for (const auto& h : lab.hosts)
        for (const auto& i : h.ifaces)
            o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(h.name),
                             html_escape(i.name), html_escape(i.segment),
                             h.fresh ? html_escape(i.addr) + " (the lab's; set by the submission)" : html_escape(i.addr),
                             html_escape(i.mac));
    o += "</table>\n";
    for (const auto& [host, mode] : lab.ipip)
        o += fmt::format("<p class=\"ipip\">{}: IP-in-IP decapsulation {}.</p>\n", html_escape(host),
                         mode == "kernel" ? "by the kernel's ipip module (tunl0)"
                                          : "in userspace by tapvs lab tool ipip (no ipip module here)");
    return o;
}

constexpr const char* kCss = R"(
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1500px;padding:1em 2em;color:#1b1f24;background:#fff}
h1{font-size:1.8em;margin:.2em 0}h2{font-size:1.35em;margin:0 0 .4em}h3{font-size:1.05em;margin:1em 0 .3em;color:#444}
.about{color:#333;max-width:75em}
.result{font-weight:600;font-size:1.15em}.result.ok,.step.ok .badge{color:#1a7f37}.result.fail,.step.fail .badge{color:#cf222e}
.badge{font-size:.7em;border:1px solid currentColor;border-radius:1em;padding:.05em .6em;vertical-align:middle}
nav ol{columns:2;padding-left:1.5em}nav a{text-decoration:none}
table.topo{border-collapse:collapse;margin:.5em 0}table.topo td,table.topo th{border:1px solid #d0d7de;padding:.2em .7em;font-family:monospace;text-align:left}
section.step{border:1px solid #d0d7de;border-left:6px solid #1a7f37;border-radius:6px;padding:1em 1.3em;margin:1.5em 0}
section.step.fail{border-left-color:#cf222e}
.step .n{color:#57606a;margin-right:.4em}
.item{margin:.3em 0;padding:.15em .4em;border-radius:4px}.item.fail{background:#ffebe9}
.item .mark{display:inline-block;width:1.3em;font-weight:700}.item.ok .mark{color:#1a7f37}.item.fail .mark{color:#cf222e}
.item .host{font-family:monospace;color:#8250df;font-weight:600}.item .kw{font-weight:600;color:#0550ae}
.item code{font-size:1em}.status{color:#cf222e}
pre{background:#f6f8fa;border:1px solid #eaeef2;border-radius:4px;padding:.4em .7em;margin:.3em 0 .3em 1.7em;overflow-x:auto;font-size:.85em}
pre.err{color:#9a3412}pre.ipvsadm{margin-left:0;font-size:.95em}
ul.causes{margin:.3em 0 .3em 1.7em;color:#cf222e}
.served{margin:.3em 0 .2em 1.7em}.srv{display:inline-block;font-family:monospace;padding:0 .5em;margin:1px;border-radius:3px;color:#fff}
.srv.s0{background:#0969da}.srv.s1{background:#bf3989}.srv.s2{background:#1a7f37}.srv.s3{background:#9a6700}.srv.sx{background:#8c959f}
figure.diagram{margin:.5em 0;overflow-x:auto}figcaption{max-width:80em}figcaption p{margin:.3em 0}
svg.ladder{max-width:100%;height:auto;font-family:monospace}
svg .node rect{fill:#f6f8fa;stroke:#57606a}svg .node .name{font:bold 14px sans-serif;text-anchor:middle}
svg .node .iface{font-size:11px;text-anchor:middle;fill:#57606a}svg .life{stroke:#8c959f;stroke-dasharray:4 4}
svg .lbl{font-size:11px;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
svg .lbl.mac{fill:#6e7781;font-size:10px}svg .rw{fill:#cf222e;font-weight:700}
svg .pkt{font:bold 12px sans-serif;fill:#57606a}svg .time{font-size:10px;fill:#6e7781;text-anchor:middle}
svg .hop line{stroke-width:2}svg .request line{stroke:#0969da}svg .request polygon{fill:#0969da}
svg .reply line{stroke:#1a7f37}svg .reply polygon{fill:#1a7f37}
svg .lost line{stroke:#8c959f;stroke-dasharray:6 3}svg .lost .x{stroke:#cf222e;stroke-width:2.5;fill:none}svg .lostlbl{fill:#cf222e}
svg .lbl.elided{fill:#57606a;font-style:italic}svg .lbl.note{fill:#cf222e;font-weight:700;text-anchor:start}svg .lbl.note.back{text-anchor:end}
.legend .k{font-family:monospace;margin-right:1em;font-weight:600}.legend .request{color:#0969da}.legend .reply{color:#1a7f37}.legend .rw{color:#cf222e}
.noconn{color:#57606a;font-style:italic}.files{font-size:.85em;color:#57606a}.files a{margin-right:.3em}
footer{color:#57606a;font-size:.85em;margin:2em 0}
.item.skip .mark{color:#8c959f}.item.skip code{color:#57606a}.item .src{font-family:monospace;color:#8c959f;display:inline-block;min-width:2.5em}
.item .outcome{font-size:.8em;font-weight:700;text-transform:uppercase;color:#cf222e}.item.skip .outcome{color:#8c959f}
.item .reason{margin:.1em 0 .2em 3.6em;color:#9a3412;font-size:.9em}.item.skip .reason{color:#57606a}
section.grade{margin:1em 0}.score{font-size:1.6em;font-weight:700;margin:.2em 0}.score.ok{color:#1a7f37}.score.part{color:#9a6700}.score.zero{color:#cf222e}
.refused{color:#cf222e;font-weight:600}ul.notes{color:#9a6700}
table.tests{border-collapse:collapse;margin:.5em 0;max-width:90em}table.tests td,table.tests th{border:1px solid #d0d7de;padding:.3em .7em;text-align:left;vertical-align:top}
table.tests tr.ok td:first-child{border-left:5px solid #1a7f37}table.tests tr.fail td:first-child{border-left:5px solid #cf222e}
table.tests .pts{font-weight:700;white-space:nowrap}table.tests tr.fail .pts{color:#cf222e}ul.hints{margin:.3em 0;padding-left:1.2em;color:#9a3412}
)";

// A graded submission (grade.json beside the recording, grade/result.hpp): the score, each test
// with its points and the hints that name the cause of a lost point, the notes, the lines' outcomes.
std::string grade_html(const json& g) {
    const int score = json_int(g, "score"), max = json_int(g, "max_score");
    std::string o = "<section class=\"grade\" id=\"grade\">\n";
    o += fmt::format("<p class=\"score {}\">{} of {} points</p>\n", score == max ? "ok" : score == 0 ? "zero" : "part", score, max);
    if (const std::string r = json_text(g, "refused"); !r.empty())
        o += "<p class=\"refused\">The submission was refused: " + html_escape(r) + "</p>\n";
    if (const std::string e = json_text(g, "error"); !e.empty())
        o += "<p class=\"refused\">The grader could not grade it: " + html_escape(e) + "</p>\n";
    if (json_flag(g, "timed_out")) o += "<p class=\"refused\">It was stopped at the grader's time limit.</p>\n";
    const std::vector<std::string> notes = json_texts(g, "notes");
    if (!notes.empty()) {
        o += "<ul class=\"notes\">";
        for (const auto& n : notes) o += "<li>" + html_escape(n) + "</li>";
        o += "</ul>\n";
    }
    o += "<table class=\"tests\"><tr><th>#</th><th>test</th><th>points</th></tr>\n";
    int k = 0;
    for (const auto& t : json_array(g, "tests")) {
        const bool passed = json_flag(t, "passed");
        const int step = json_int(t, "step");
        const std::string name = html_escape(json_text(t, "name"));
        o += fmt::format("<tr class=\"{}\"><td>{}</td><td>{}", passed ? "ok" : "fail", ++k,
                         step ? fmt::format("<a href=\"#step-{}\">{}</a>", step, name) : name);
        if (!passed) {
            o += "<ul class=\"hints\">";
            for (const auto& h : json_texts(t, "hints"))
                if (std::find(notes.begin(), notes.end(), h) == notes.end()) o += "<li>" + html_escape(h) + "</li>";
            o += "</ul>";
        }
        o += fmt::format("</td><td class=\"pts\">{}/{}</td></tr>\n", json_int(t, "points"), json_int(t, "max_points"));
    }
    o += "</table>\n";
    std::map<std::string, int> outcomes;
    for (const auto& l : json_array(g, "lines")) ++outcomes[json_text(l, "outcome")];
    std::string counts;
    for (const auto& [what, n] : outcomes) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, what);
    if (!counts.empty()) o += "<p class=\"lines\">The submission's lines: " + html_escape(counts) + ".</p>\n";
    return o + "</section>\n";
}

bool write_page(const std::string& recorded, std::string* error) {
    const fs::path dir(recorded);
    std::optional<json> grade;
    std::error_code ec;
    if (fs::exists(dir / "grade.json", ec)) {
        grade = read_json_file(dir / "grade.json", error);
        if (!grade) return false;
    }
    std::optional<LabJson> lab = read_lab_json(dir / "lab.json", grade ? nullptr : error);
    if (!lab && !grade) return false;
    if (!lab) lab = LabJson{};  // a submission refused whole: no recording, its grade alone
    const int run = lab->steps_run, total = lab->steps_total;
    const std::string& name = lab->lab;
    std::map<int, std::string> badges;  // a graded test's step: its points
    if (grade) {
        for (const auto& t : json_array(*grade, "tests"))
            if (const int n = json_int(t, "step"); n > 0)
                badges[n] = fmt::format("{}/{} points", json_int(t, "points"), json_int(t, "max_points"));
        std::map<std::string, int> outcomes;  // the lines' step: what became of them
        for (const auto& l : json_array(*grade, "lines")) ++outcomes[json_text(l, "outcome")];
        std::string counts;
        for (const auto& [what, n] : outcomes) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, what);
        if (const int n = json_int(*grade, "lines_step"); n > 0) badges[n] = counts.empty() ? "no lines" : counts;
    }
    std::string steps, nav;
    int passed = 0;
    for (int n = 1; n <= run; ++n) {
        const auto s = step_html(*lab, dir, n, error, badges.count(n) ? badges[n] : std::string());
        if (!s) return false;
        passed += s->ok;
        nav += fmt::format("<li><a href=\"#step-{}\">{}</a> {}</li>", n, html_escape(s->title), s->ok ? "\u2713" : "\u2717");
        steps += s->html;
    }
    // A run of `--step N` asked for steps 1..N only.
    const int asked = lab->steps_asked;
    const bool ok = lab->ok && run == asked;
    std::string page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    if (grade) {
        const std::string who = html_escape(json_text(*grade, "name")), lab_title = html_escape(lab->title);
        page += fmt::format("<title>tapvs grade {}: {}/{}</title>\n<style>{}</style></head><body>\n", who,
                            json_int(*grade, "score"), json_int(*grade, "max_score"), kCss);
        page += fmt::format("<header><h1>{}: graded in lab {}</h1>\n<p class=\"about\">{} ({})</p>\n", who,
                            html_escape(json_text(*grade, "lab").empty() ? name : json_text(*grade, "lab")), lab_title,
                            html_escape(json_text(*grade, "path")));
        page += grade_html(*grade);
        if (run > 0) page += topology_html(*lab) + "<nav><ol>" + nav + "</ol></nav>";
        page += "</header>\n<main>\n" + steps + "</main>\n";
    } else {
        page += fmt::format("<title>tapvs lab {}: {}</title>\n<style>{}</style></head><body>\n", html_escape(name),
                            html_escape(lab->title), kCss);
        page += fmt::format("<header><h1>Lab {}: {}</h1>\n", html_escape(name), html_escape(lab->title));
        if (!lab->about.empty()) page += "<p class=\"about\">" + html_escape(lab->about) + "</p>\n";
        page += fmt::format("<p class=\"result {}\">{} of {} steps passed{}.</p>\n", ok ? "ok" : "fail", passed, total,
                            run == total    ? std::string()
                            : run < asked   ? fmt::format("; the run stopped at step {}", run)
                            : run + 1 == total ? fmt::format("; step {} was not asked for (--step {})", total, asked)
                                               : fmt::format("; steps {} to {} were not asked for (--step {})", run + 1, total, asked));
        page += topology_html(*lab) + "<nav><ol>" + nav + "</ol></nav></header>\n<main>\n" + steps + "</main>\n";
    }
    page += "<footer>Written by tapvs from the run's recording (lab.json, step-N/). The diagrams are drawn from the "
            "captures: each arrow is a frame one node sent and, unless marked, the next node received.</footer>\n"
            "</body></html>\n";
    std::ofstream out(dir / "report.html", std::ios::trunc);
    out << page;
    out.close();
    if (!out) {
        if (error) *error = (dir / "report.html").string() + ": cannot write it";
        return false;
    }
    return true;
}

}  // namespace

bool write_report(const std::string& recorded, std::string* error) {
    try {
        return write_page(recorded, error);
    } catch (const std::exception& e) {  // a recording edited by hand: json's type errors, filesystem errors
        if (error) *error = recorded + ": " + e.what();
        return false;
    }
}

}  // namespace tapvs::lab
