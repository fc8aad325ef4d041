// How `ipvsadm -R` cuts its input into argument lists (config_stream.c config_stream_read()).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tapvs/ctl/ipvsadm.hpp"

using tapvs::ctl::split_ipvsadm_restore;
using Lines = std::vector<std::vector<std::string>>;

TEST_CASE("ipvsadm -R input: one argument list per line, split at blanks", "[ipvsadm][restore]") {
    CHECK(split_ipvsadm_restore("-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 192.168.1.1:80 -g -w 1\n") ==
          Lines{{"-A", "-t", "10.0.0.1:80", "-s", "wlc"},
                {"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.1:80", "-g", "-w", "1"}});
    CHECK(split_ipvsadm_restore("  -C\t \r\n") == Lines{{"-C"}});
    CHECK(split_ipvsadm_restore("-C") == Lines{{"-C"}});  // no final newline
    CHECK(split_ipvsadm_restore("").empty());
}

TEST_CASE("ipvsadm -R input: blank lines are skipped, the word ipvsadm is dropped anywhere", "[ipvsadm][restore]") {
    CHECK(split_ipvsadm_restore("\n\n-C\n\n") == Lines{{"-C"}});
    CHECK(split_ipvsadm_restore("ipvsadm -A -t 1.2.3.4:80\n-Z ipvsadm\nipvsadm\n") ==
          Lines{{"-A", "-t", "1.2.3.4:80"}, {"-Z"}});
}

TEST_CASE("ipvsadm -R input: '#' starts no comment", "[ipvsadm][restore]") {
    // config_stream_read() tests the blank after a word for '#', which it never is.
    CHECK(split_ipvsadm_restore("# saved rules\n-C # flush\n") ==
          Lines{{"#", "saved", "rules"}, {"-C", "#", "flush"}});
}

TEST_CASE("ipvsadm -R input: a last line ending in two blanks and no newline is lost", "[ipvsadm][restore]") {
    // fscanf() reads "-C" and one blank; the next blank sends it to the fgetc() loop, which meets
    // EOF and returns NULL, dropping the words already read and ending the input.
    CHECK(split_ipvsadm_restore("-Z\n-C  ") == Lines{{"-Z"}});
    CHECK(split_ipvsadm_restore("-Z\n-C ") == Lines{{"-Z"}, {"-C"}});
}
