#include "tapvs/lab/record.hpp"

#include <fstream>

#include "tapvs/lab/json_file.hpp"

namespace tapvs::lab {

using nlohmann::json;

const char* kind_name(Item::Kind k) noexcept {
    switch (k) {
        case Item::Kind::command: return "command";
        case Item::Kind::expect: return "expect";
        case Item::Kind::open: return "open";
        case Item::Kind::check: return "check";
    }
    return "check";
}

json to_json(const ItemRecord& r) {
    json x;
    x["kind"] = kind_name(r.kind);
    x["host"] = r.host;
    x["text"] = r.text;
    x["ok"] = r.ok;
    if (r.kind == Item::Kind::command) {
        x["status"] = r.status;
        x["outcome"] = r.outcome;
        if (!r.reason.empty()) x["reason"] = r.reason;
        if (!r.source.empty()) x["source"] = r.source;
        if (!r.ran.empty()) x["ran"] = r.ran;
    }
    x["out"] = r.out;
    x["err"] = r.err;
    if (!r.causes.empty()) x["causes"] = r.causes;
    if (!r.served.empty()) x["served"] = r.served;
    return x;
}

ItemRecord item_from_json(const json& j) {
    ItemRecord r;
    const std::string kind = json_text(j, "kind");
    r.kind = Item::Kind::check;
    for (const auto k : {Item::Kind::command, Item::Kind::expect, Item::Kind::open})
        if (kind == kind_name(k)) r.kind = k;
    r.host = json_text(j, "host");
    r.text = json_text(j, "text");
    r.ok = json_flag(j, "ok", false);
    r.status = json_int(j, "status", 0);
    r.outcome = json_text(j, "outcome");
    r.reason = json_text(j, "reason");
    r.source = json_text(j, "source");
    r.ran = json_texts(j, "ran");
    r.out = json_text(j, "out");
    r.err = json_text(j, "err");
    r.causes = json_texts(j, "causes");
    r.served = json_texts(j, "served");
    return r;
}

json to_json(const StepJson& s) {
    json j;
    j["step"] = s.n;
    j["title"] = s.title;
    j["about"] = s.about;
    j["ok"] = s.ok;
    if (s.interrupted) j["interrupted"] = true;
    j["t0"] = s.t0;
    j["t1"] = s.t1;
    j["ipvsadm"] = s.ipvsadm;
    auto& items = j["items"] = json::array();
    for (const auto& r : s.items) items.push_back(to_json(r));
    return j;
}

StepJson step_from_json(const json& j) {
    StepJson s;
    s.n = json_int(j, "step", 0);
    s.title = json_text(j, "title");
    s.about = json_text(j, "about");
    s.ok = json_flag(j, "ok", false);
    s.interrupted = json_flag(j, "interrupted", false);
    s.t0 = json_number(j, "t0");
    s.t1 = json_number(j, "t1");
    s.ipvsadm = json_text(j, "ipvsadm");
    for (const auto& it : json_array(j, "items")) s.items.push_back(item_from_json(it));
    return s;
}

json to_json(const LabJson& l) {
    json j;
    j["lab"] = l.lab;
    j["title"] = l.title;
    j["about"] = l.about;
    j["steps_total"] = l.steps_total;
    j["steps_run"] = l.steps_run;
    j["steps_asked"] = l.steps_asked;
    j["ok"] = l.ok;
    j["ipip"] = l.ipip;
    auto& d = j["director"] = json::array();
    for (const auto& p : l.director) d.push_back({{"port", p.port}, {"segment", p.segment}, {"mac", p.mac}});
    auto& hs = j["hosts"] = json::array();
    for (const auto& h : l.hosts) {
        json x{{"name", h.name}};
        if (h.fresh) x["fresh"] = true;
        for (const auto& i : h.ifaces)
            x["ifaces"].push_back({{"name", i.name}, {"segment", i.segment}, {"addr", i.addr}, {"mac", i.mac}});
        hs.push_back(x);
    }
    return j;
}

LabJson lab_from_json(const json& j) {
    LabJson l;
    l.lab = json_text(j, "lab");
    l.title = json_text(j, "title");
    l.about = json_text(j, "about");
    l.steps_total = json_int(j, "steps_total", 0);
    l.steps_run = json_int(j, "steps_run", 0);
    l.steps_asked = json_int(j, "steps_asked", l.steps_total);
    l.ok = json_flag(j, "ok", false);
    if (const auto it = j.find("ipip"); it != j.end() && it->is_object())
        for (const auto& [host, mode] : it->items())
            if (mode.is_string()) l.ipip[host] = mode.get<std::string>();
    for (const auto& d : json_array(j, "director"))
        l.director.push_back({json_text(d, "port"), json_text(d, "segment"), json_text(d, "mac")});
    for (const auto& h : json_array(j, "hosts")) {
        LabJson::Host x{json_text(h, "name"), json_flag(h, "fresh", false), {}};
        for (const auto& i : json_array(h, "ifaces"))
            x.ifaces.push_back({json_text(i, "name"), json_text(i, "segment"), json_text(i, "addr"), json_text(i, "mac")});
        l.hosts.push_back(std::move(x));
    }
    return l;
}

bool write_json(const std::filesystem::path& p, const json& j) {
    std::ofstream out(p, std::ios::trunc);
    out << json_file_text(j);
    out.close();
    return static_cast<bool>(out);
}

std::optional<StepJson> read_step_json(const std::filesystem::path& p, std::string* error) {
    const auto j = read_json_file(p, error);
    if (!j) return std::nullopt;
    return step_from_json(*j);
}

std::optional<LabJson> read_lab_json(const std::filesystem::path& p, std::string* error) {
    const auto j = read_json_file(p, error);
    if (!j) return std::nullopt;
    return lab_from_json(*j);
}

}  // namespace tapvs::lab
