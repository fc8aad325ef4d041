// A frame in caller-owned storage with headroom in front, so encapsulation (IP-in-IP) and a new
// link-layer header can be prepended without allocating or copying the payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tapvs/net/bytes.hpp"
#include "tapvs/net/offload.hpp"

namespace tapvs::net {

// Headroom every producer of frames (TAP reader, pcap reader, tests) leaves in front of a frame:
// room for an outer IPv4 header and an Ethernet header that grows from an untagged one.
inline constexpr std::size_t kFrameHeadroom = 64;

class FrameBuf {
public:
    // What a TAP with a virtio header said about the frame (none for frames from captures and
    // frames tapvs makes). Its offsets follow the frame's start through adjust_front().
    Offload offload;

private:
    std::uint8_t* base_ = nullptr;
    std::size_t cap_ = 0;
    std::size_t off_ = 0;
    std::size_t len_ = 0;

public:
    FrameBuf() = default;
    // `storage` holds the frame at [headroom, headroom + len).
    FrameBuf(Bytes storage, std::size_t headroom, std::size_t len) noexcept
        : base_(storage.data()), cap_(storage.size()), off_(headroom), len_(len) {}

    std::uint8_t* data() noexcept { return base_ + off_; }
    const std::uint8_t* data() const noexcept { return base_ + off_; }
    std::size_t size() const noexcept { return len_; }
    Bytes bytes() noexcept { return {data(), len_}; }
    ConstBytes bytes() const noexcept { return {data(), len_}; }
    std::size_t headroom() const noexcept { return off_; }

    // Moves the start of the frame by `delta` bytes (negative: grow at the front). False when the
    // storage has no room for it.
    bool adjust_front(std::ptrdiff_t delta) noexcept {
        if (delta < 0 && static_cast<std::size_t>(-delta) > off_) return false;
        if (delta > 0 && static_cast<std::size_t>(delta) > len_) return false;
        off_ = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(off_) + delta);
        len_ = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(len_) - delta);
        offload.shift(delta);
        return true;
    }
    // Sets the length (e.g. to cut Ethernet padding). False when beyond the storage.
    bool resize(std::size_t len) noexcept {
        if (off_ + len > cap_) return false;
        len_ = len;
        return true;
    }
};

}  // namespace tapvs::net
