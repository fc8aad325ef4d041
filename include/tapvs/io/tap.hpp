// TAP devices: the director's ports on the host. A thin adapter (no logic): open or create a TAP by
// name as IFF_TAP | IFF_NO_PI, non-blocking, with a virtio header and offloads (partial checksums,
// TCP/IPv4 GSO) when asked for and the kernel has them, else with offloads off.
#pragma once

#include <string>

#include "tapvs/util/result.hpp"

namespace tapvs::io {

// An open TAP: the file descriptor (owned) and the device's name as the kernel gave it.
class TapDevice {
public:
    // Opens /dev/net/tun and attaches to TAP `name`, creating it when it does not exist (a device
    // created here goes away when the last descriptor closes; a persistent one made by
    // `ip tuntap add` stays). With `offloads` and a kernel that has IFF_VNET_HDR, every read and
    // write starts with a struct virtio_net_hdr (net::kVnetHdrLen bytes) and the kernel may hand
    // over partial checksums and TCP/IPv4 GSO frames (TUNSETOFFLOAD CSUM|TSO4|TSO_ECN). Otherwise
    // TUNSETOFFLOAD(0): a persistent TAP keeps the offloads of its last user, and without a virtio
    // header partial checksums and GSO frames cannot be told apart. The descriptor is O_NONBLOCK
    // and close-on-exec. Errors name the step and errno's text.
    static Result<TapDevice, std::string> open(const std::string& name, bool offloads = false);

    TapDevice() = default;
    TapDevice(TapDevice&& o) noexcept : fd_(o.fd_), vnet_hdr_(o.vnet_hdr_), name_(std::move(o.name_)) { o.fd_ = -1; }
    TapDevice& operator=(TapDevice&& o) noexcept;
    TapDevice(const TapDevice&) = delete;
    TapDevice& operator=(const TapDevice&) = delete;
    ~TapDevice();

    int fd() const noexcept { return fd_; }
    bool vnet_hdr() const noexcept { return vnet_hdr_; }
    const std::string& name() const noexcept { return name_; }
    // Gives up ownership of the descriptor (e.g. to an Asio stream_descriptor); returns it.
    int release() noexcept {
        const int f = fd_;
        fd_ = -1;
        return f;
    }

private:
    int fd_ = -1;
    bool vnet_hdr_ = false;
    std::string name_;
};

}  // namespace tapvs::io
