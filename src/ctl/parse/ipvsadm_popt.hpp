// The part of popt 1.19 (popt.c poptGetNextOpt, poptGetArg, poptBadOption, poptStrerror) that
// ipvsadm's option table exercises: long options with exact names and "--name=value", short option
// clusters ("-Ln", "-t10.0.0.1:80", "-t=..."), optional arguments (-p) that never take a word
// starting with '-', "--" ending the options, and every other word kept as a leftover argument.
// No aliases, no exec, no config files (ipvsadm reads none).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tapvs::ctl::ipvsadm_detail {

enum class PoptArg : unsigned char { none, required, optional };

struct PoptOption {
    std::string_view long_name;  // empty: none
    char short_name = '\0';      // '\0': none
    PoptArg arg = PoptArg::none;
    int val = 0;                 // what poptGetNextOpt() returns for it
};

// popt.h POPT_ERROR_*
inline constexpr int kPoptErrorNoArg = -10;
inline constexpr int kPoptErrorBadOpt = -11;
inline constexpr int kPoptErrorUnwantedArg = -12;

std::string_view popt_strerror(int error) noexcept;

class PoptContext {
public:
    // `args` excludes argv[0]; each word is taken as the C string it would be (up to a NUL).
    PoptContext(std::span<const std::string> args, std::span<const PoptOption> table);

    // The next option's val, -1 when the words are used up, or a kPoptError* code.
    int next_opt();
    // The argument of the option next_opt() just returned (nothing: none, as popt's NULL optarg).
    const std::optional<std::string>& opt_arg() const noexcept { return opt_arg_; }
    // poptGetArg(): the next leftover word.
    std::optional<std::string> get_arg();
    // poptBadOption(con, POPT_BADOPTION_NOALIAS): the last word consumed.
    std::string bad_option() const;

private:
    const PoptOption* find_long(std::string_view name) const noexcept;
    const PoptOption* find_short(char c) const noexcept;

    std::vector<std::string> argv_;
    std::span<const PoptOption> table_;
    std::size_t next_ = 0;
    std::optional<std::string> next_char_arg_;  // the rest of a short-option cluster
    bool rest_leftover_ = false;
    std::vector<std::string> leftovers_;
    std::size_t next_leftover_ = 0;
    std::optional<std::string> opt_arg_;
};

}  // namespace tapvs::ctl::ipvsadm_detail
