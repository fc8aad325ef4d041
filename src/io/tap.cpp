#include "tapvs/io/tap.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tapvs/net/offload.hpp"

namespace tapvs::io {

namespace {

std::string errno_text(const char* what, const std::string& name) {
    return std::string("TAP ") + name + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

Result<TapDevice, std::string> TapDevice::open(const std::string& name, bool offloads) {
    if (name.empty() || name.size() >= IFNAMSIZ) return Err(std::string("TAP name '") + name + "': 1 to 15 characters");
    TapDevice tap;
    tap.fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (tap.fd_ < 0) return Err(errno_text("open /dev/net/tun", name));
    unsigned int features = 0;
    if (offloads && ::ioctl(tap.fd_, TUNGETFEATURES, &features) == 0 && (features & IFF_VNET_HDR))
        tap.vnet_hdr_ = true;
    ifreq ifr{};
    ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (tap.vnet_hdr_ ? IFF_VNET_HDR : 0));
    std::memcpy(ifr.ifr_name, name.data(), name.size());
    if (::ioctl(tap.fd_, TUNSETIFF, &ifr) < 0) return Err(errno_text("TUNSETIFF", name));
    if (tap.vnet_hdr_) {
        int size = static_cast<int>(net::kVnetHdrLen);
        if (::ioctl(tap.fd_, TUNSETVNETHDRSZ, &size) < 0) return Err(errno_text("TUNSETVNETHDRSZ", name));
        // What the engine can carry or cut up: partial TCP/UDP checksums and TCP/IPv4 GSO (with ECN).
        if (::ioctl(tap.fd_, TUNSETOFFLOAD, static_cast<unsigned long>(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN)) < 0)
            return Err(errno_text("TUNSETOFFLOAD", name));
    } else if (::ioctl(tap.fd_, TUNSETOFFLOAD, 0UL) < 0) {
        // MACHINE_NOTES: a persistent TAP keeps its last user's offloads; ask for none.
        return Err(errno_text("TUNSETOFFLOAD 0", name));
    }
    tap.name_.assign(ifr.ifr_name, ::strnlen(ifr.ifr_name, IFNAMSIZ));
    return tap;
}

TapDevice& TapDevice::operator=(TapDevice&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(o.fd_, -1);
        vnet_hdr_ = o.vnet_hdr_;
        name_ = std::move(o.name_);
    }
    return *this;
}

TapDevice::~TapDevice() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace tapvs::io
