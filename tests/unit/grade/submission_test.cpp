// A submission read as data: sections, comments, limits, a directory of files, refusals.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <unistd.h>
#include <sys/stat.h>

#include "tapvs/grade/submission.hpp"

using namespace tapvs;
using grade::parse_submission;

namespace fs = std::filesystem;

namespace {

const lab::Lab& nat() {
    static const lab::Lab l = [] {
        auto r = lab::load_lab(TAPVS_SOURCE_DIR "/labs/nat");
        REQUIRE(r);
        return r.value();
    }();
    return l;
}

struct TempDir {
    fs::path p;
    TempDir() {
        char t[] = "/tmp/tapvs-sub-test.XXXXXX";
        p = ::mkdtemp(t);
    }
    ~TempDir() { fs::remove_all(p); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(p / name) << text; }
};

}  // namespace

TEST_CASE("sections give each line its host; the student's hosts come in the lab's order") {
    const auto s = parse_submission(
        "# a comment\n"
        "[rs1]\n"
        "ifconfig eth0 172.16.10.100 netmask 255.255.0.0 up\r\n"
        "\n"
        "  [ Director ]  \n"
        "   ipvsadm -A -t 192.168.1.10:80 -s rr   \n"
        "# ipvsadm -L -n\n"
        "[rs1]\n"
        "route add default gw 172.16.10.12\n",
        "alice.txt", nat());
    CHECK(s.refused.empty());
    CHECK(s.name == "alice");
    REQUIRE(s.lines.size() == 3);
    CHECK(s.lines[0].host == "director");
    CHECK(s.lines[0].line == 6);
    CHECK(s.lines[0].text == "ipvsadm -A -t 192.168.1.10:80 -s rr");
    CHECK(s.lines[1].host == "rs1");
    CHECK(s.lines[1].text == "ifconfig eth0 172.16.10.100 netmask 255.255.0.0 up");
    CHECK(s.lines[2].line == 9);
    for (const auto& l : s.lines) CHECK(l.rejected.empty());
    CHECK(s.notes.empty());
}

TEST_CASE("lines for no host, the lab's own hosts or hosts it lacks are rejected, and come last") {
    const auto s = parse_submission("ip link set lo up\n[client]\nip addr flush dev eth0\n[web9]\nip link set lo down\n"
                                    "[director]\nipvsadm -C\n",
                                    "bob.txt", nat());
    CHECK(s.refused.empty());
    REQUIRE(s.lines.size() == 4);
    CHECK(s.lines[0].host == "director");
    CHECK(s.lines[0].rejected.empty());
    CHECK(s.lines[1].rejected.starts_with("before any section: which host is it for?"));
    CHECK(s.lines[2].rejected == "client is the lab's own host, not the student's: a submission configures [director], [rs1], [rs2]");
    CHECK(s.lines[3].rejected == "the lab has no host web9: a submission configures [director], [rs1], [rs2]");
}

TEST_CASE("a section of comments that look like the guide's prompt is said so") {
    const auto s = parse_submission("[director]\nipvsadm -C\n[rs1]\n#ifconfig eth0 172.16.10.100 up\n# a remark\n[rs2]\n# nothing\n",
                                    "c.txt", nat());
    REQUIRE(s.notes.size() == 1);
    CHECK(s.notes[0].starts_with("[rs1]: every line is a comment, so nothing ran on rs1. Line 4 is `#ifconfig eth0"));
}

TEST_CASE("the limits: a long line, the 2,000 lines, 1 MiB, text only, a known section") {
    grade::Limits small;
    small.max_lines = 3;
    auto s = parse_submission("[rs1]\n" + std::string(5000, 'x') + "\nip link set lo up\nip link set lo up\nip link set lo up\n",
                              "d.txt", nat(), small);
    REQUIRE(s.lines.size() == 3);
    CHECK(s.lines[0].rejected == "the line is 5000 bytes long; a line holds at most 4096 bytes");
    CHECK(s.lines[0].text.size() == 83);
    CHECK(s.lines[1].rejected.empty());
    CHECK(s.lines[2].rejected == "2 lines from here on are not read: a submission holds at most 3 lines");
    CHECK(s.lines[2].line == 4);

    // cut where a character begins: 79 bytes of x, then a 2-byte character across the 80th
    s = parse_submission("[rs1]\n" + std::string(79, 'x') + "\xc3\xa9" + std::string(5000, 'y') + "\n", "u.txt", nat());
    REQUIRE(s.lines.size() == 1);
    CHECK(s.lines[0].text == std::string(79, 'x') + "...");

    CHECK(parse_submission(std::string((1 << 20) + 1, '#'), "e.txt", nat()).refused.starts_with("e.txt is too big"));
    CHECK(parse_submission("[rs1]\nip\0link\n", "f.txt", nat()).refused.empty());  // the literal stops at \0
    CHECK(parse_submission(std::string("[rs1]\nip\0 link\n", 15), "f.txt", nat()).refused ==
          "f.txt is not text: a NUL byte at byte 8 (a submission is plain UTF-8 text)");
    CHECK(parse_submission("[rs1]\nip \xff\n", "g.txt", nat()).refused ==
          "g.txt is not text: the byte 0xff at byte 9 (a submission is plain UTF-8 text)");
    CHECK(parse_submission("[rs1]\n# caf\xc3\xa9 \xf0\x9f\x98\x80\t\r\n", "h.txt", nat()).refused.empty());
    CHECK(parse_submission("[rs1]\nip \x1b[2J\n", "k.txt", nat()).refused ==
          "k.txt is not text: the control character 0x1b at byte 9 (a submission is plain UTF-8 text)");
    CHECK(parse_submission("[rs1]\n\xc0\xaf\n", "l.txt", nat()).refused.starts_with("l.txt is not text: the byte 0xc0"));
    CHECK(parse_submission("[rs1]\n\xed\xa0\x80\n", "m.txt", nat()).refused.starts_with("m.txt is not text: the byte 0xed"));
    CHECK(parse_submission("[rs1]\n\xc2\x9b\n", "n.txt", nat()).refused.starts_with("n.txt is not text"));
    CHECK(parse_submission("[router]\nip link set lo up\n", "i.txt", nat()).refused ==
          "no section for a host the student configures: a submission has [director], [rs1], [rs2] sections");
    CHECK(parse_submission("", "j.txt", nat()).refused.starts_with("no section for a host"));
}

TEST_CASE("a directory has a file per host; links, other files and what is not a host are not read") {
    TempDir d;
    d.write("director.txt", "ipvsadm -A -t 192.168.1.10:80 -s rr\n");
    d.write("rs1", "ifconfig eth0 172.16.10.100 netmask 255.255.0.0 up\n[rs2]\nip link set lo up\n");
    d.write("notes.md", "hello\n");
    d.write(".hidden", "x\n");
    fs::create_symlink("/etc/passwd", d.p / "rs2");
    fs::create_directory(d.p / "client");
    const auto s = grade::read_submission(d.p.string(), nat());
    CHECK(s.refused.empty());
    CHECK(s.name == d.p.filename().string());
    REQUIRE(s.lines.size() == 4);
    CHECK(s.lines[0].host == "director");
    CHECK(s.lines[0].file == (d.p / "director.txt").string());
    CHECK(s.lines[1].host == "rs1");
    CHECK(s.lines[2].rejected.starts_with("a section header in rs1's own file"));
    CHECK(s.lines[3].host == "rs1");  // the header changes nothing: the file is rs1's
    CHECK(s.lines[3].rejected.empty());
    REQUIRE(s.notes.size() == 3);
    CHECK(s.notes[0] == (d.p / "client").string() + " is not a regular file: not read");
    CHECK(s.notes[1] == (d.p / "notes.md").string() + " is not read: the lab has no host notes: a submission configures "
                                                         "[director], [rs1], [rs2]");
    CHECK(s.notes[2] == (d.p / "rs2").string() + " is a symbolic link: not read");
}

TEST_CASE("a file too big is refused without being read whole") {
    TempDir d;
    { std::ofstream f(d.p / "big.txt"); }
    fs::resize_file(d.p / "big.txt", 100u << 20);  // 100 MB, sparse
    const auto s = grade::read_submission((d.p / "big.txt").string(), nat());
    CHECK(s.refused.find("is too big: more than 1048576 bytes") != std::string::npos);
    CHECK(s.name == "big");
    const auto missing = grade::read_submission((d.p / "none.txt").string(), nat());
    CHECK(missing.refused.starts_with("cannot read"));
    ::mkfifo((d.p / "fifo.txt").c_str(), 0600);
    CHECK(grade::read_submission((d.p / "fifo.txt").string(), nat()).refused.ends_with("is not a regular file"));
}
