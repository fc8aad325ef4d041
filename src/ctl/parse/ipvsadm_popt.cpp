#include "ctl/parse/ipvsadm_popt.hpp"

namespace tapvs::ctl::ipvsadm_detail {

std::string_view popt_strerror(int error) noexcept {
    switch (error) {
        case kPoptErrorNoArg: return "missing argument";
        case kPoptErrorBadOpt: return "unknown option";
        case kPoptErrorUnwantedArg: return "option does not take an argument";
        default: return "unknown error";
    }
}

PoptContext::PoptContext(std::span<const std::string> args, std::span<const PoptOption> table) : table_(table) {
    argv_.reserve(args.size());
    for (const auto& a : args) {
        auto nul = a.find('\0');
        argv_.push_back(nul == std::string::npos ? a : a.substr(0, nul));
    }
}

const PoptOption* PoptContext::find_long(std::string_view name) const noexcept {
    // popt findOption() + longOptionStrcmp(): exact names only, first match wins.
    for (const auto& o : table_)
        if (!o.long_name.empty() && o.long_name == name) return &o;
    return nullptr;
}

const PoptOption* PoptContext::find_short(char c) const noexcept {
    for (const auto& o : table_)
        if (o.short_name != '\0' && o.short_name == c) return &o;
    return nullptr;
}

// popt.c poptGetNextOpt(), for a table without callbacks, aliases or POPT_ARG_VAL options.
int PoptContext::next_opt() {
    for (;;) {
        const PoptOption* opt = nullptr;
        std::optional<std::string> long_arg;
        opt_arg_.reset();

        if (!next_char_arg_ && next_ == argv_.size()) return -1;

        if (!next_char_arg_) {
            const std::string& word = argv_[next_++];
            if (rest_leftover_ || word.empty() || word[0] != '-' || word == "-") {
                leftovers_.push_back(word);
                continue;
            }
            if (word == "--") {
                rest_leftover_ = true;
                continue;
            }
            // "--name[=value]", or "-name" (POPT_ARGFLAG_ONEDASH: matches no ipvsadm option, so the
            // word is read as a cluster of short options).
            bool one_dash = word[1] != '-';
            std::string_view body = std::string_view(word).substr(one_dash ? 1 : 2);
            auto eq = body.find('=');
            std::string_view name = body.substr(0, eq);
            if (eq != std::string_view::npos) long_arg = std::string(body.substr(eq + 1));
            if (!one_dash) {
                opt = find_long(name);
                if (!opt) return kPoptErrorBadOpt;
            } else {
                next_char_arg_ = word.substr(1);
                long_arg.reset();
            }
        }

        if (next_char_arg_) {
            std::string cluster = std::move(*next_char_arg_);
            next_char_arg_.reset();
            opt = find_short(cluster[0]);
            if (!opt) return kPoptErrorBadOpt;
            if (cluster.size() > 1) next_char_arg_ = cluster.substr(1);
        }

        if (opt->arg == PoptArg::none) {
            if (long_arg || (next_char_arg_ && (*next_char_arg_)[0] == '=')) return kPoptErrorUnwantedArg;
        } else if (long_arg) {
            opt_arg_ = std::move(long_arg);
        } else if (next_char_arg_) {
            std::string rest = *next_char_arg_;
            next_char_arg_.reset();
            if (!rest.empty() && rest.front() == '=') rest.erase(0, 1);
            opt_arg_ = std::move(rest);
        } else if (next_ == argv_.size()) {
            if (opt->arg != PoptArg::optional) return kPoptErrorNoArg;
        } else if (opt->arg == PoptArg::optional && !argv_[next_].empty() && argv_[next_][0] == '-') {
            // an optional argument never takes a word that starts with '-'
        } else {
            opt_arg_ = argv_[next_++];
        }
        return opt->val;
    }
}

std::optional<std::string> PoptContext::get_arg() {
    if (next_leftover_ < leftovers_.size()) return leftovers_[next_leftover_++];
    return std::nullopt;
}

std::string PoptContext::bad_option() const { return next_ > 0 ? argv_[next_ - 1] : std::string(); }

}  // namespace tapvs::ctl::ipvsadm_detail
