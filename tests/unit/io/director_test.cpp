// io::Director (the driver tapvs run and tapvs replay share) and io::Recording (a recording's files
// and its manifest).
#include <catch2/catch.hpp>

#include <sstream>

#include "tapvs/io/director.hpp"
#include "tapvs/io/recording.hpp"
#include "unit/io/replay_fixture.hpp"

namespace tapvs::test::director {
namespace {

using core::Timestamp;
using replay::TempDir;
namespace fs = std::filesystem;

constexpr std::string_view kConfig =
    "ip link set dev eth0 address 02:00:00:00:01:00\n"
    "ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up\n"
    "ipvsadm -A -t 192.168.1.10:80 -s rr\n"
    "@2 ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100 -m\n"
    "@1 ipvsadm -E -t 192.168.1.10:80 -s wlc\n"
    "@1 ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.9 -m\n";  // fails: no such real server

io::Director::Config config(std::string_view text = kConfig) {
    auto lines = ctl::parse_config(text, "d.conf");
    REQUIRE(lines);
    return {std::string(text), std::move(lines.value())};
}

struct NullSink final : core::PacketSink {
    void emit(core::PortId, net::ConstBytes, Timestamp) override {}
};

const Timestamp kEpoch = Timestamp::from_us(std::int64_t{1767225600} * 1000000);

TEST_CASE("director: the plain lines at the epoch, each timed line at its time in time order, a failure said") {
    std::ostringstream log;
    io::Director d({.config = "d.conf", .program = "tapvs replay"}, config(), log);
    REQUIRE(d.start(kEpoch) == 0);
    CHECK(d.timed_seconds() == std::vector<double>{1, 1, 2});
    REQUIRE(d.next_line_due() == kEpoch + core::seconds(1));
    CHECK(d.engine().ipvs().services().at(0)->sched_name == "rr");
    NullSink sink;
    d.advance(kEpoch + std::chrono::milliseconds(999), sink);
    CHECK(d.engine().ipvs().services().at(0)->sched_name == "rr");
    d.advance(kEpoch + core::seconds(1), sink);
    CHECK(d.engine().ipvs().services().at(0)->sched_name == "wlc");
    CHECK(log.str() == "d.conf:6: No such destination\n");  // ipvsadm -e of a real server that is not there
    CHECK(d.engine().ipvs().services().at(0)->destinations.empty());
    REQUIRE(d.next_line_due() == kEpoch + core::seconds(2));
    d.advance(kEpoch + core::seconds(5), sink);
    CHECK(d.engine().ipvs().services().at(0)->destinations.size() == 1);
    CHECK_FALSE(d.next_line_due());
}

TEST_CASE("director: a plain line that fails ends the start with its message and status") {
    std::ostringstream log;
    io::Director d({.config = "d.conf", .program = "tapvs run"}, config("ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100\n"), log);
    CHECK(d.start(kEpoch) != 0);
    CHECK(log.str() == "d.conf:1: Service not defined\n");
}

TEST_CASE("director: announce says each timed line and the services it left") {
    std::ostringstream log;
    io::Director d({.config = "d.conf", .program = "tapvs run", .announce = true}, config(), log);
    REQUIRE(d.start(kEpoch) == 0);
    CHECK(d.services_text() == "tapvs: service TCP 192.168.1.10:80 rr: no real servers\n");
    NullSink sink;
    d.run_next_line(sink);
    CHECK(log.str() == "tapvs: d.conf:5 applied at +1s\ntapvs: service TCP 192.168.1.10:80 wlc: no real servers\n");
}

TEST_CASE("director: a control request that changes the services says so; one that reads does not") {
    std::ostringstream log;
    io::Director d({.config = "d.conf", .program = "tapvs run"}, config(), log);
    REQUIRE(d.start(kEpoch) == 0);
    NullSink sink;
    auto list = d.serve(io::ControlRequest{{"ipvsadm", "-L", "-n"}, {}}, kEpoch, sink);
    CHECK(list.status == 0);
    CHECK(log.str().empty());
    auto add = d.serve(io::ControlRequest{{"ipvsadm", "-a", "-t", "192.168.1.10:80", "-r", "172.16.10.212", "-m"}, {}},
                       kEpoch, sink);
    CHECK(add.status == 0);
    CHECK(log.str() == "tapvs: control: ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212 -m\n"
                       "tapvs: service TCP 192.168.1.10:80 rr: 172.16.10.212:80 masq weight 1\n");
    log.str("");
    d.serve(io::ControlRequest{{"ipvsadm", "-C"}, {}}, kEpoch, sink);
    CHECK(log.str() == "tapvs: control: ipvsadm -C\ntapvs: no services\n");
    auto rec = d.serve(io::ControlRequest{{"tapvs", "record", "/tmp/x"}, {}}, kEpoch, sink);
    CHECK(rec.status == 1);
    CHECK(rec.err == "tapvs record: this run was started without --record\n");
}

TEST_CASE("director: a live recording moves with tapvs record; each directory is a replayable recording") {
    TempDir tmp;
    std::ostringstream log;
    io::Director d({.config = "d.conf", .program = "tapvs run"}, config(), log);
    REQUIRE(d.start(kEpoch) == 0);
    REQUIRE(d.record((tmp / "one").string(), kEpoch, true) == 0);
    NullSink sink;
    d.serve(io::ControlRequest{{"ipvsadm", "-a", "-t", "192.168.1.10:80", "-r", "172.16.10.212", "-m"}, {}},
            kEpoch + std::chrono::milliseconds(1500), sink);
    REQUIRE(d.serve(io::ControlRequest{{"tapvs", "record", (tmp / "two").string()}, {}}, kEpoch, sink).status == 0);
    REQUIRE(d.finish_recording() == 0);
    for (const char* dir : {"one", "two"}) {
        INFO(dir);
        auto m = io::recording::read_manifest(tmp / dir);
        REQUIRE(m);
        CHECK(m->epoch_us == kEpoch.us());
        CHECK(m->ports == std::vector<io::recording::PortFiles>{{"eth0", "eth0.pcap", "eth0.in.pcap"}});
        CHECK(fs::exists(tmp / dir / "eth0.pcap"));
        CHECK(fs::exists(tmp / dir / "eth0.in.pcap"));
        CHECK(replay::read_file(tmp / dir / "trace.jsonl").starts_with("{\"t\":1767225600.000000,\"event\":\"trace\""));
        const std::string conf = replay::read_file(tmp / dir / "director.conf");
        CHECK(conf.find("#   tapvs replay --config " + (tmp / dir / "director.conf").string() +
                        " --epoch 1767225600.000000 --port eth0=" + (tmp / dir / "eth0.in.pcap").string() + "\n") !=
              std::string::npos);
        CHECK(conf.find(std::string(kConfig)) != std::string::npos);
        CHECK(conf.ends_with("# through the control socket:\n@1.500000 ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212 -m\n"));
    }
    CHECK(log.str().find("tapvs: recorded in " + (tmp / "two").string() + "; replay with\n") != std::string::npos);
}

TEST_CASE("recording: the manifest is read back as written; a bad one is named") {
    TempDir tmp;
    io::recording::Manifest m;
    m.tapvs = "0.1.0";
    m.epoch_us = 1767225601000001;
    m.seed = 7;
    m.ports = {{"eth0", "eth0.pcap", "eth0.in.pcap"}, {"eth1", "eth1.pcap", "eth1.in.pcap"}};
    replay::write_file(tmp / "recording.json", io::recording::to_json(m));
    auto back = io::recording::read_manifest(tmp.path());
    REQUIRE(back);
    CHECK(back.value() == m);
    CHECK(io::recording::epoch_text(m.epoch_us) == "1767225601.000001");

    const std::string file = (tmp / "recording.json").string();
    replay::write_file(tmp / "recording.json", "{\"recording\":2}");
    CHECK(io::recording::read_manifest(tmp.path()).error() == file + ": recording version 2, this tapvs reads 1");
    replay::write_file(tmp / "recording.json", "[1]");
    CHECK(io::recording::read_manifest(tmp.path()).error() == file + ": not a JSON object");
    replay::write_file(tmp / "recording.json", "{\"recording\":1,\"epoch_us\":5,\"ports\":[],\"tapvs\":\"x\",\"trace\":\"t\"}");
    CHECK(io::recording::read_manifest(tmp.path()).error() == file + ": no \"config\"");
    fs::remove(tmp / "recording.json");
    CHECK(io::recording::read_manifest(tmp.path()).error() ==
          file + ": cannot read it (was this directory recorded by tapvs run --record?)");
}

}  // namespace
}  // namespace tapvs::test::director
