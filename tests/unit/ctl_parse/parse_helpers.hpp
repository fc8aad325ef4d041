// Helpers the command-language tests share: parse one line as the config reader does.
#pragma once

#include <catch2/catch.hpp>

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tapvs/ctl/config.hpp"

namespace tapvs::test::parse {

// The commands a line gives; the line must parse.
inline std::vector<ctl::Command> ok(std::string_view line, const ctl::IpvsadmContext& ctx = {}) {
    auto words = ctl::tokenize(line);
    REQUIRE(words.ok());
    auto r = ctl::parse_command_multi(std::span<const ctl::Word>(*words), ctx);
    INFO(line << " -> " << (r.ok() ? std::string("ok") : r.error().err));
    REQUIRE(r.ok());
    return *r;
}

// The one command of type T a line gives.
template <typename T>
T one(std::string_view line, const ctl::IpvsadmContext& ctx = {}) {
    auto cmds = ok(line, ctx);
    REQUIRE(cmds.size() == 1);
    REQUIRE(std::holds_alternative<T>(cmds[0]));
    return std::get<T>(cmds[0]);
}

// The tool's reply to a line that must not parse.
inline ctl::Reply bad(std::string_view line, const ctl::IpvsadmContext& ctx = {}) {
    auto words = ctl::tokenize(line);
    REQUIRE(words.ok());
    auto r = ctl::parse_command_multi(std::span<const ctl::Word>(*words), ctx);
    INFO(line);
    REQUIRE_FALSE(r.ok());
    return r.error();
}

// A command known to be of type T.
template <typename T>
T as(const ctl::Command& c) {
    REQUIRE(std::holds_alternative<T>(c));
    return std::get<T>(c);
}

}  // namespace tapvs::test::parse
