// The back office's connection handling (internal): a listener that does not give a thread to a
// connection until that connection has sent a whole request head, so that idle or half-sent
// connections cannot take the server's threads (issue 18: 8 idle TCP connections made the
// Poco HTTPServer it replaces unreachable for 60 s).
//
//   accept ──► waiting room (one event thread, epoll) ──► queue (bounded) ──► worker threads
//                 ▲   closes a connection silent for idle_timeout_seconds,      │ one request
//                 │   or with a head over 16 KiB (431), or over the limits       │ (and any
//                 └──────────────── kept-alive connection goes back ◄───────────┘ pipelined)
//
// - A plain connection moves to the queue once its buffered bytes (read with MSG_PEEK, so
//   Poco's parser reads them again) hold a complete head ("\r\n\r\n"); a TLS connection as soon
//   as it has bytes (the handshake and the head are then read by the worker, under
//   io_timeout_seconds; an HTTPS front such as nginx takes that exposure off the back office,
//   see the README).
// - Limits (Config::Limits): connections open in all and per client address (beyond them a
//   new connection is closed at once), the queue (beyond it the event thread answers 503 and
//   closes), the worker threads, and the I/O timeout of a worker's reads and writes.
// - A worker reads one request with Poco's HTTPServerRequestImpl and hands it to the handler;
//   a body that stops coming fails after io_timeout_seconds and the connection is closed.
//
// Threads: start() and stop() from one thread; the handler runs on the worker threads, several
// at once. stop() closes every waiting connection and waits for the requests in progress.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <functional>
#include <memory>

#include "onewindow/backoffice/backoffice.hpp"

namespace onewindow::backoffice {

class Listener {
  public:
    using Handler =
        std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;

    /// Serves on `socket` (bound and listening); `tls` null for plain HTTP.
    Listener(Poco::Net::ServerSocket socket, Poco::Net::Context::Ptr tls, const Limits& limits,
             Handler handler);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    void start();
    void stop();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace onewindow::backoffice
