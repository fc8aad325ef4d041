// A minimal expected-like Result<T, E> (g++ 12 has no std::expected). Value or error, never both.
#pragma once

#include <utility>
#include <variant>

namespace tapvs {

template <typename E>
struct Err {
    E error;
};
template <typename E>
Err(E) -> Err<E>;

template <typename T, typename E>
class Result {
    std::variant<T, E> v_;

public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}                // NOLINT: implicit on purpose
    template <typename F>
    Result(Err<F> e) : v_(std::in_place_index<1>, E(std::move(e.error))) {}         // NOLINT
    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    E& error() & { return std::get<1>(v_); }
    const E& error() const& { return std::get<1>(v_); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
};

}  // namespace tapvs
