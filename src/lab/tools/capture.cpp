// tapvs lab tool capture: a host's interface into a pcap file, from inside its namespace
// (include/tapvs/lab/tools.hpp).
#include <iostream>
#include <string>

#include <pcap/pcap.h>
#include <poll.h>

#include "lab/tools/stop_signal.hpp"
#include "tapvs/lab/tools.hpp"

namespace tapvs::lab {

int run_capture(const std::string& iface, const std::string& path, std::ostream& out, std::ostream& err) {
    catch_stop_signals();
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create(iface.c_str(), errbuf);
    if (!p) {
        err << "tapvs lab tool capture: " << iface << ": " << errbuf << "\n";
        return 1;
    }
    pcap_set_snaplen(p, 262144);
    pcap_set_immediate_mode(p, 1);
    pcap_set_promisc(p, 0);
    if (pcap_activate(p) < 0 || pcap_setnonblock(p, 1, errbuf) < 0) {
        err << "tapvs lab tool capture: " << iface << ": " << pcap_geterr(p) << "\n";
        pcap_close(p);
        return 1;
    }
    pcap_dumper_t* d = pcap_dump_open(p, path.c_str());
    if (!d) {
        err << "tapvs lab tool capture: " << path << ": " << pcap_geterr(p) << "\n";
        pcap_close(p);
        return 1;
    }
    out << "ready" << std::endl;
    const int fd = pcap_get_selectable_fd(p);
    while (!g_stop) {
        pollfd pfd{fd, POLLIN, 0};
        ::poll(&pfd, 1, 100);
        if (pcap_dispatch(p, -1, pcap_dump, reinterpret_cast<u_char*>(d)) < 0) break;
    }
    pcap_dispatch(p, -1, pcap_dump, reinterpret_cast<u_char*>(d));  // what arrived with the signal
    pcap_dump_close(d);
    pcap_close(p);
    return 0;
}

}  // namespace tapvs::lab
