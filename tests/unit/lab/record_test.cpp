// lab.json and step.json: what the runner writes is what the report and the grader read back.
#include <catch2/catch.hpp>

#include "tapvs/lab/json_file.hpp"
#include "tapvs/lab/record.hpp"

using namespace tapvs::lab;

namespace {
StepJson a_step() {
    StepJson s;
    s.n = 3;
    s.title = "Add the real servers";
    s.about = "Two of them.";
    s.ok = false;
    s.interrupted = true;
    s.t0 = 1700000000.25;
    s.t1 = 1700000004.5;
    s.ipvsadm = "IP Virtual Server version 1.2.1 (size=4096)\n";
    ItemRecord cmd;
    cmd.kind = Item::Kind::command;
    cmd.host = "director";
    cmd.text = "ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100 -m";
    cmd.status = 2;
    cmd.outcome = "error";
    cmd.err = "Memory allocation problem\n";
    cmd.source = "alice.txt:4";
    cmd.ran = {"ipvsadm", "-a"};
    ItemRecord check;
    check.kind = Item::Kind::check;
    check.text = "http client 192.168.1.10 4 alternate";
    check.ok = false;
    check.out = "served by: rs1 rs1\n";
    check.causes = {"the director has no real server"};
    check.served = {"rs1", "rs1"};
    s.items = {cmd, check};
    return s;
}
}  // namespace

TEST_CASE("step.json reads back as it was written") {
    const StepJson s = a_step();
    const StepJson r = step_from_json(nlohmann::json::parse(to_json(s).dump()));
    CHECK(r.n == 3);
    CHECK(r.title == s.title);
    CHECK(r.about == s.about);
    CHECK_FALSE(r.ok);
    CHECK(r.interrupted);
    CHECK(r.t0 == s.t0);
    CHECK(r.t1 == s.t1);
    CHECK(r.ipvsadm == s.ipvsadm);
    REQUIRE(r.items.size() == 2);
    CHECK(r.items[0].kind == Item::Kind::command);
    CHECK(r.items[0].status == 2);
    CHECK(r.items[0].outcome == "error");
    CHECK(r.items[0].err == s.items[0].err);
    CHECK(r.items[0].source == "alice.txt:4");
    CHECK(r.items[0].ran == s.items[0].ran);
    CHECK(r.items[1].kind == Item::Kind::check);
    CHECK_FALSE(r.items[1].ok);
    CHECK(r.items[1].causes == s.items[1].causes);
    CHECK(r.items[1].served == s.items[1].served);
}

TEST_CASE("step.json holds a command's fields for commands only, and the optional ones when set") {
    const nlohmann::json j = to_json(a_step());
    CHECK(j["items"][0].contains("status"));
    CHECK(j["items"][0].contains("ran"));
    CHECK_FALSE(j["items"][0].contains("causes"));
    CHECK_FALSE(j["items"][1].contains("status"));
    CHECK_FALSE(j["items"][1].contains("outcome"));
    CHECK(j["items"][1]["kind"] == "check");
    StepJson passed;
    CHECK_FALSE(to_json(passed).contains("interrupted"));
}

TEST_CASE("lab.json reads back as it was written") {
    LabJson l;
    l.lab = "nat";
    l.title = "LVS-NAT";
    l.steps_total = 5;
    l.steps_run = 2;
    l.steps_asked = 2;
    l.ok = true;
    l.ipip = {{"rs1", "userspace"}};
    l.director = {{"eth0", "outside", "02:00:00:00:01:00"}};
    l.hosts = {{"client", true, {{"eth0", "outside", "192.168.1.50/24", "02:00:00:00:02:00"}}}, {"bare", false, {}}};
    const nlohmann::json j = to_json(l);
    CHECK_FALSE(j["hosts"][1].contains("ifaces"));
    CHECK_FALSE(j["hosts"][1].contains("fresh"));
    const LabJson r = lab_from_json(nlohmann::json::parse(j.dump()));
    CHECK(r.lab == "nat");
    CHECK(r.title == "LVS-NAT");
    CHECK(r.steps_total == 5);
    CHECK(r.steps_run == 2);
    CHECK(r.steps_asked == 2);
    CHECK(r.ok);
    CHECK(r.ipip == l.ipip);
    REQUIRE(r.director.size() == 1);
    CHECK(r.director[0].mac == "02:00:00:00:01:00");
    REQUIRE(r.hosts.size() == 2);
    CHECK(r.hosts[0].fresh);
    REQUIRE(r.hosts[0].ifaces.size() == 1);
    CHECK(r.hosts[0].ifaces[0].addr == "192.168.1.50/24");
    CHECK(r.hosts[1].ifaces.empty());
}

TEST_CASE("a hand-edited recording reads with defaults where a field is missing or of another type") {
    const auto j = nlohmann::json::parse(R"({"step": "3", "ok": 1, "items": [{"kind": "open", "served": ["rs1", 2]}, 7]})");
    const StepJson s = step_from_json(j);
    CHECK(s.n == 0);
    CHECK_FALSE(s.ok);
    REQUIRE(s.items.size() == 2);
    CHECK(s.items[0].kind == Item::Kind::open);
    CHECK_FALSE(s.items[0].ok);
    CHECK(s.items[0].served == std::vector<std::string>{"rs1"});
    CHECK(s.items[1].kind == Item::Kind::check);
    const LabJson l = lab_from_json(nlohmann::json::parse(R"({"steps_total": 4, "hosts": {"a": 1}})"));
    CHECK(l.steps_asked == 4);  // not said: every step
    CHECK(l.hosts.empty());
}

TEST_CASE("json_file: a field of the wrong type, or not there, reads as its fallback", "[lab][record]") {
    const auto j = nlohmann::json::parse(
        R"({"score":"7","ok":1,"t0":"x","notes":["a",2,"b"],"tests":{"name":"x"},"step":4,"name":"n"})");
    CHECK(json_int(j, "score") == 0);
    CHECK(json_int(j, "step") == 4);
    CHECK(json_int(j, "missing", -1) == -1);
    CHECK_FALSE(json_flag(j, "ok"));
    CHECK(json_number(j, "t0") == 0.0);
    CHECK(json_texts(j, "notes") == std::vector<std::string>{"a", "b"});
    CHECK(json_array(j, "tests").empty());
    CHECK(json_text(j, "name") == "n");
    // Not an object at all.
    const auto list = nlohmann::json::parse("[1,2]");
    CHECK(json_text(list, "name").empty());
    CHECK(json_array(list, "tests").empty());
    CHECK(json_file_text(nlohmann::json{{"a", 1}}) == "{\n  \"a\": 1\n}\n");
}
