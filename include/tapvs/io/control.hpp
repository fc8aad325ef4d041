// The control socket of `tapvs run` and its client (`tapvsadm`).
//
// Transport: a Unix stream socket, one request and one reply per connection. Default path
// /run/tapvs/tapvs.sock (`tapvs run --socket PATH`, else the environment variable TAPVS_SOCKET);
// the directory is created 0755, the socket is created 0600 (owned by whoever started the engine)
// and removed when the engine exits cleanly.
//
// Wire format (all integers unsigned 32-bit big-endian):
//   request  = u32 body_length, body                         (body_length <= kMaxRequest)
//   body     = u8 version (1), u32 word_count, word*, u8 has_payload, [u32 length, payload bytes]
//   word     = u32 length, bytes                              (argv of ONE command line, word 0 the
//                                                              program: ipvsadm, tapvsadm, ip, sysctl, ...)
//   reply    = u32 body_length, u32 status, u32 out_length, out bytes, u32 err_length, err bytes
// One request is tapvs's own, not a tool's: `tapvs record DIR` moves the recording of a run started
// with --record to DIR (the files in the old directory are finished, director.conf included), and
// `tapvs record off` ends it; tapvs lab uses it to record each step in a directory of its own.
// Words travel as they are: nothing is re-split, re-quoted or seen by a shell. The payload is the
// standard input of `ipvsadm -R` (the restore text). A request that is larger than kMaxRequest,
// malformed, or not complete within the server's read timeout gets an error reply (status 1,
// "tapvs: control: ..." on stderr) and the connection is closed; the server never blocks on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/core/engine.hpp"
#include "tapvs/ctl/command.hpp"
#include "tapvs/util/result.hpp"

namespace boost::asio {
class io_context;
}

namespace tapvs::io {

inline constexpr std::size_t kMaxRequest = 64 * 1024;         // request body limit
inline constexpr std::size_t kMaxReply = 256 * 1024 * 1024;   // what a client accepts (a long -L -c)
inline constexpr std::uint8_t kControlVersion = 1;

struct ControlRequest {
    std::vector<std::string> words;     // argv of one command line, word 0 the program
    std::optional<std::string> payload; // standard input (ipvsadm -R)
};

// The wire format above. encode_* return the whole frame (length prefix included); decode_* take
// the body only (without the length prefix). A decode failure says what was wrong.
std::string encode_request(const ControlRequest& req);
Result<ControlRequest, std::string> decode_request(std::string_view body);
std::string encode_reply(const ctl::Reply& reply);
Result<ctl::Reply, std::string> decode_reply(std::string_view body);

// The socket path: `explicit_path` if not empty, else $TAPVS_SOCKET if set and not empty, else
// /run/tapvs/tapvs.sock.
std::string control_socket_path(const std::string& explicit_path = {});

// What the engine does with one request at time `now`: ipvsadm/tapvsadm lines through
// parse_ipvsadm + ctl::execute (`-R` runs execute_ipvsadm_restore on the payload), other lines
// (ip, ifconfig, route, sysctl, echo > /proc/sys, cat, iptables) through parse_command_multi and
// ctl::execute, command by command, stopping at the first failure. The replies' texts are joined.
ctl::Reply serve_request(core::Engine& engine, const ControlRequest& req, core::Timestamp now);

// The request as lines of a configuration file, for a recording's director.conf: none for a request
// that only reads (ipvsadm -L/-S/-h/-v, sysctl and /proc reads, ip ... show) or does not parse;
// `ipvsadm -R` as the lines of its input; words quoted as the tokenizer reads them back.
std::vector<std::string> recordable_lines(const ControlRequest& req);

// The server: accepts on `path` in `io` and answers each request with `handler`'s reply.
class ControlServer {
public:
    using Handler = std::function<ctl::Reply(const ControlRequest&)>;
    struct Options {
        std::chrono::milliseconds timeout{5000};  // a connection's whole life: request in, reply out
    };

    // Creates the directory (0755) if missing, removes a stale socket (one nobody answers on),
    // binds with mode 0600 and listens. An error (a live engine already on `path`, no permission)
    // is returned as a message.
    static Result<std::unique_ptr<ControlServer>, std::string> open(boost::asio::io_context& io,
                                                                    const std::string& path, Handler handler,
                                                                    Options opts);
    static Result<std::unique_ptr<ControlServer>, std::string> open(boost::asio::io_context& io,
                                                                    const std::string& path, Handler handler) {
        return open(io, path, std::move(handler), Options{});
    }
    ~ControlServer();  // stops accepting and removes the socket file (if it is still ours)
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    const std::string& path() const noexcept { return path_; }

    struct Impl;

private:
    explicit ControlServer(std::shared_ptr<Impl> impl, std::string path);
    std::shared_ptr<Impl> impl_;
    std::string path_;
};

// The client: one request to the engine at `path`, synchronously. An engine that cannot be
// reached (no socket, refused, a broken reply) gives an error message.
Result<ctl::Reply, std::string> control_call(const std::string& path, const ControlRequest& req);

}  // namespace tapvs::io
