// report.html from a recording: written from lab.json, step-N/step.json, the trace and the pcaps,
// every step a section, a ladder where there was a connection, recorded text escaped.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "support/frame_builder.hpp"
#include "tapvs/io/pcap_file.hpp"
#include "tapvs/lab/report.hpp"

using namespace tapvs;
using test::FrameBuilder;
namespace fs = std::filesystem;

namespace {

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

void pcap(const fs::path& file, const std::vector<std::pair<double, std::vector<std::uint8_t>>>& frames) {
    auto w = io::PcapWriter::open(file.string());
    REQUIRE(w);
    for (const auto& [t, f] : frames) w.value()->write(core::Timestamp::from_seconds(1000 + t), f);
}

std::vector<std::uint8_t> syn(const char* smac, const char* dmac, const char* src, std::uint16_t sport, const char* dst,
                              std::uint16_t dport, std::uint8_t flags, std::uint32_t seq) {
    return FrameBuilder().eth(smac, dmac).ipv4(src, dst).tcp(sport, dport, flags).seq(seq).build();
}

std::string written_page(const fs::path& dir) {
    std::string error;
    REQUIRE(lab::write_report(dir.string(), &error));
    std::ifstream f(dir / "report.html");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("report: a NAT recording becomes one page with its steps and a ladder") {
    const fs::path dir = fs::temp_directory_path() / ("tapvs-report-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "step-1");
    fs::create_directories(dir / "step-2");
    std::ofstream(dir / "lab.json") << R"({"lab":"t","title":"A <test> lab","about":"","steps_total":3,"steps_run":2,"ok":false,
      "ipip":{},"director":[{"port":"eth0","segment":"outside","mac":"02:00:00:00:00:10"},
                            {"port":"eth1","segment":"inside","mac":"02:00:00:00:00:12"}],
      "hosts":[{"name":"client","ifaces":[{"name":"eth0","segment":"outside","addr":"192.168.1.50/24","mac":"02:00:00:00:00:50"}]},
               {"name":"rs1","ifaces":[{"name":"eth0","segment":"inside","addr":"172.16.10.100/16","mac":"02:00:00:00:00:64"}]}]})";
    std::ofstream(dir / "step-1/step.json") << R"({"step":1,"title":"Addresses","about":"","ok":true,"ipvsadm":"",
      "items":[{"kind":"command","host":"director","text":"ifconfig eth0 192.168.1.10 up","ok":true,"status":0,"out":"","err":""}]})";
    std::ofstream(dir / "step-2/step.json") << R"({"step":2,"title":"Traffic","about":"","ok":false,
      "ipvsadm":"TCP  192.168.1.10:80 rr\n  -> 172.16.10.100:80 Masq 1 0 0\n",
      "items":[{"kind":"check","host":"","text":"http client 192.168.1.10 <b>","ok":false,"out":"a <script> seen","err":"",
                "causes":["rs1's default route is missing"]}]})";
    std::ofstream(dir / "step-2/trace.jsonl")
        << R"({"t":1000.0,"event":"schedule","proto":"TCP","client":"192.168.1.50:40000","vip":"192.168.1.10:80","scheduler":"rr","rs":"172.16.10.100:80","method":"masq","why":"rr: first"})"
        << "\n";
    const auto in = syn("02:00:00:00:00:50", "02:00:00:00:00:10", "192.168.1.50", 40000, "192.168.1.10", 80, 0x02, 7);
    const auto out = syn("02:00:00:00:00:12", "02:00:00:00:00:64", "192.168.1.50", 40000, "172.16.10.100", 80, 0x02, 7);
    pcap(dir / "step-2/client-eth0.pcap", {{0.0, in}});
    pcap(dir / "step-2/eth0.in.pcap", {{0.0001, in}});
    pcap(dir / "step-2/eth1.pcap", {{0.0002, out}});
    pcap(dir / "step-2/rs1-eth0.pcap", {{0.0003, out}});

    const std::string page = written_page(dir);

    CHECK(count(page, "<section class=\"step") == 2);
    CHECK(page.find("id=\"step-2\"") != std::string::npos);
    CHECK(page.find("1 of 3 steps passed; the run stopped at step 2") != std::string::npos);
    CHECK(count(page, "<svg class=\"ladder\"") == 1);  // step 2 only: step 1 had no connection
    CHECK(page.find("No connection to a virtual service in this step") != std::string::npos);
    CHECK(count(page, "<g class=\"hop request\"") == 2);
    CHECK(page.find("<tspan class=\"rw\">172.16.10.100:80</tspan>") != std::string::npos);  // the masq rewrite
    CHECK(page.find("The request went client \u2192 director \u2192 rs1; no reply came back.") != std::string::npos);
    CHECK(page.find("rs1&#39;s default route is missing") != std::string::npos);
    CHECK(page.find("A &lt;test&gt; lab") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);  // the recorded "<script>" is text
    CHECK(page.find("http client 192.168.1.10 &lt;b&gt;") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("report: a connection the director dropped is drawn, the drop's reason on its arrow") {
    const fs::path dir = fs::temp_directory_path() / ("tapvs-report-drop-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "step-1");
    std::ofstream(dir / "lab.json") << R"({"lab":"d","title":"Drops","steps_total":1,"steps_run":1,"steps_asked":1,"ok":true,
      "director":[{"port":"eth0","segment":"outside","mac":"02:00:00:00:00:10"}],
      "hosts":[{"name":"client","ifaces":[{"name":"eth0","segment":"outside","addr":"192.168.1.50/24","mac":"02:00:00:00:00:50"}]}]})";
    std::ofstream(dir / "step-1/step.json")
        << R"({"step":1,"title":"Removed","ok":true,"ipvsadm":"","items":[{"kind":"check","text":"again A fails","ok":true,"out":""}]})";
    // another connection scheduled in the step, and the dropped one (a PSH of a connection to a removed server)
    std::ofstream(dir / "step-1/trace.jsonl")
        << R"({"t":1000.0,"event":"schedule","proto":"TCP","client":"192.168.1.50:40001","vip":"192.168.1.10:80","scheduler":"rr","rs":"172.16.10.100:80","method":"masq","persistent":false,"why":"rr"})"
        << "\n"
        << R"({"t":1000.5001,"event":"drop","port":"eth0","reason":"ipvs_dest_unavailable","len":60,"proto":"TCP","src":"192.168.1.50:40000","dst":"192.168.1.10:80","flags":"P."})"
        << "\n";
    const auto psh = syn("02:00:00:00:00:50", "02:00:00:00:00:10", "192.168.1.50", 40000, "192.168.1.10", 80, 0x18, 9);
    const auto other = syn("02:00:00:00:00:50", "02:00:00:00:00:10", "192.168.1.50", 40001, "192.168.1.10", 80, 0x02, 1);
    pcap(dir / "step-1/client-eth0.pcap", {{0.0, other}, {0.5, psh}});
    pcap(dir / "step-1/eth0.in.pcap", {{0.00005, other}, {0.50005, psh}});

    const std::string page = written_page(dir);
    CHECK(count(page, "<g class=\"hop request\"") == 1);  // the dropped connection's one frame, not the other's
    CHECK(page.find(">dropped: ipvs_dest_unavailable</text>") != std::string::npos);
    CHECK(page.find("A connection whose packets the director dropped in this step: 192.168.1.50:40000") != std::string::npos);
    CHECK(page.find("1 of 1 steps passed.") != std::string::npos);
    fs::remove_all(dir);
}
