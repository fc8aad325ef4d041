// parsed(frame): the parse the engine hands its observers with a frame (nullptr when parse_frame()
// refuses it), for tests that call an observer directly.
//
//   writer.on_rx(eth0, frame, parsed(frame).get(), t);   // the temporary lives to the end of the call
#pragma once

#include "tapvs/net/parse.hpp"

namespace tapvs::test {

struct Parsed {
    Result<net::ParsedFrame, net::DropReason> r;
    const net::ParsedFrame* get() const { return r ? &*r : nullptr; }
};

inline Parsed parsed(net::ConstBytes frame) { return Parsed{net::parse_frame(frame)}; }

}  // namespace tapvs::test
