// TAP devices: the director's ports on the host. A thin adapter (no logic): open or create a TAP by
// name as IFF_TAP | IFF_NO_PI, without offloads, non-blocking.
#pragma once

#include <string>

#include "tapvs/util/result.hpp"

namespace tapvs::io {

// An open TAP: the file descriptor (owned) and the device's name as the kernel gave it.
class TapDevice {
public:
    // Opens /dev/net/tun and attaches to TAP `name`, creating it when it does not exist (a device
    // created here goes away when the last descriptor closes; a persistent one made by
    // `ip tuntap add` stays). Then TUNSETOFFLOAD(0): a persistent TAP keeps the offloads of its last
    // user, and without a virtio header partial checksums and GSO frames cannot be told apart.
    // The descriptor is O_NONBLOCK and close-on-exec. Errors name the step and errno's text.
    static Result<TapDevice, std::string> open(const std::string& name);

    TapDevice() = default;
    TapDevice(TapDevice&& o) noexcept : fd_(o.fd_), name_(std::move(o.name_)) { o.fd_ = -1; }
    TapDevice& operator=(TapDevice&& o) noexcept;
    TapDevice(const TapDevice&) = delete;
    TapDevice& operator=(const TapDevice&) = delete;
    ~TapDevice();

    int fd() const noexcept { return fd_; }
    const std::string& name() const noexcept { return name_; }
    // Gives up ownership of the descriptor (e.g. to an Asio stream_descriptor); returns it.
    int release() noexcept {
        const int f = fd_;
        fd_ = -1;
        return f;
    }

private:
    int fd_ = -1;
    std::string name_;
};

}  // namespace tapvs::io
