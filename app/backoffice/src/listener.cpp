// The back office's listener (see listener.hpp): an event thread keeps the connections that have
// not sent a whole request head; worker threads serve one request at a time.
#include "listener.hpp"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timestamp.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "service.hpp"

namespace onewindow::backoffice {

namespace {

using Clock = std::chrono::steady_clock;

/// The largest request head (request line and headers) a connection may send.
constexpr std::size_t kMaxHead = 16 * 1024;
/// A connection closed after its answer is read from and discarded a little longer ("lingering
/// close", as nginx does), so that a client still sending a body it was refused reads the answer
/// instead of a reset: for at most this long, and this many bytes.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1024 * 1024;

/// How a worker leaves a connection.
enum class After { Keep, Linger, Close };

/// Poco's server session, with the count of bytes it has read ahead of the current request
/// (a pipelined next request).
class Session : public Poco::Net::HTTPServerSession {
  public:
    using HTTPServerSession::HTTPServerSession;
    using HTTPSession::buffered;
};

/// Sends a whole short answer without waiting (the event thread must never block); what does not
/// fit into the socket's buffer now is dropped with the connection.
void send_now(int fd, int status, const char* reason, const std::string& body) {
    const std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                               "\r\nContent-Type: application/json; charset=utf-8\r\n"
                               "Content-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    [[maybe_unused]] ssize_t sent =
        ::send(fd, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

}  // namespace

struct Listener::State {
    /// One client connection; closed (and uncounted) when destroyed.
    struct Connection {
        State* owner;
        Poco::Net::StreamSocket socket;
        std::string client;  // the peer's address, for the per-client limit
        bool secured = false;
        bool lingering = false;      // answered and shut for writing: read and discarded
        std::size_t discarded = 0;   // bytes discarded while lingering
        Clock::time_point deadline;  // the waiting room closes it then
        Connection(State* owner_, Poco::Net::StreamSocket socket_, std::string client_)
            : owner(owner_), socket(std::move(socket_)), client(std::move(client_)) {}
        ~Connection() {
            try {
                socket.close();
            } catch (...) {
            }
            owner->release(client);
        }
        int fd() const { return static_cast<int>(socket.impl()->sockfd()); }
    };
    using Ptr = std::unique_ptr<Connection>;

    Poco::Net::ServerSocket listening;
    Poco::Net::Context::Ptr tls;
    Limits limits;
    Handler handler;
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    int epoll = -1, wake = -1;
    std::thread events;
    std::vector<std::thread> workers;
    std::atomic<bool> stopping{false};

    std::mutex counts_mutex;  // guards open and per_client (never held while taking `mutex`)
    std::size_t open = 0;
    std::unordered_map<std::string, std::size_t> per_client;

    std::mutex mutex;  // guards ready, returned and busy
    std::condition_variable have_ready;
    std::deque<Ptr> ready;         // complete heads waiting for a worker (at most limits.queue)
    std::vector<Ptr> returned;     // kept alive by a worker, for the waiting room
    std::unordered_set<int> busy;  // sockets a worker serves now

    // The event thread's own.
    std::unordered_map<int, Ptr> waiting;
    std::vector<char> peek_buffer = std::vector<char>(kMaxHead);
    Clock::time_point accept_paused_until{};

    State(Poco::Net::ServerSocket socket, Poco::Net::Context::Ptr tls_, const Limits& limits_,
          Handler handler_)
        : listening(std::move(socket)),
          tls(std::move(tls_)),
          limits(limits_),
          handler(std::move(handler_)) {
        params->setKeepAlive(true);
        params->setTimeout(Poco::Timespan(static_cast<long>(limits.io_timeout_seconds), 0));
    }

    /// Counts a new connection of `client`; false when a limit is reached.
    bool admit(const std::string& client) {
        std::lock_guard lock(counts_mutex);
        auto& mine = per_client[client];
        if (open >= limits.max_connections || mine >= limits.max_connections_per_client) {
            if (mine == 0) per_client.erase(client);
            return false;
        }
        ++open;
        ++mine;
        return true;
    }
    void release(const std::string& client) {
        std::lock_guard lock(counts_mutex);
        --open;
        if (auto found = per_client.find(client); found != per_client.end() && --found->second == 0)
            per_client.erase(found);
    }

    void notify_events() {
        const std::uint64_t one = 1;
        [[maybe_unused]] ssize_t n = ::write(wake, &one, sizeof one);
    }

    // The event thread.
    void run_events() {
        epoll_event happened[64];
        auto last_sweep = Clock::now();
        while (!stopping) {
            const int n = ::epoll_wait(epoll, happened, 64, 200);
            for (int i = 0; i < n; ++i) {
                const int fd = happened[i].data.fd;
                if (fd == listening_fd())
                    accept_all();
                else if (fd == wake)
                    adopt_returned();
                else
                    readable(fd);
            }
            const auto now = Clock::now();
            if (now - last_sweep >= std::chrono::milliseconds(200)) {
                last_sweep = now;
                sweep(now);
            }
        }
        waiting.clear();
    }

    int listening_fd() const { return static_cast<int>(listening.impl()->sockfd()); }

    void watch_listening(bool on) {
        epoll_event event{};
        event.events = on ? static_cast<std::uint32_t>(EPOLLIN) : 0U;
        event.data.fd = listening_fd();
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, listening_fd(), &event);
    }

    void accept_all() {
        for (;;) {
            sockaddr_storage address{};
            socklen_t length = sizeof address;
            const int fd = ::accept4(listening_fd(), reinterpret_cast<sockaddr*>(&address), &length,
                                     SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                    // Out of descriptors: stop accepting for a moment instead of spinning.
                    watch_listening(false);
                    accept_paused_until = Clock::now() + std::chrono::milliseconds(100);
                }
                return;
            }
            Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));
            std::string client;
            try {
                client = socket.peerAddress().host().toString();
            } catch (const Poco::Exception&) {
                continue;  // gone already; the socket closes here
            }
            if (!admit(client)) continue;  // over a limit: closed at once
            enter_waiting(std::make_unique<Connection>(this, std::move(socket), client));
        }
    }

    void enter_waiting(Ptr connection) {
        const int fd = connection->fd();
        connection->deadline =
            Clock::now() + (connection->lingering
                                ? std::chrono::seconds(kLingerTime)
                                : std::chrono::seconds(limits.idle_timeout_seconds));
        epoll_event event{};
        event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
        event.data.fd = fd;
        if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0) return;  // closes it
        waiting[fd] = std::move(connection);
    }

    void leave_waiting(int fd) { ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr); }

    void adopt_returned() {
        std::uint64_t count = 0;
        [[maybe_unused]] ssize_t n = ::read(wake, &count, sizeof count);
        std::vector<Ptr> back;
        {
            std::lock_guard lock(mutex);
            back.swap(returned);
        }
        for (auto& connection : back) enter_waiting(std::move(connection));
    }

    /// Answers a waiting connection at once and lets it linger.
    void refuse(std::unordered_map<int, Ptr>::iterator found, int status, const char* reason,
                const std::string& code, const std::string& message) {
        const int fd = found->first;
        send_now(fd, status, reason, error_reply(status, code, message).body);
        ::shutdown(fd, SHUT_WR);
        found->second->lingering = true;
        found->second->deadline = Clock::now() + kLingerTime;
    }

    /// Reads and drops what a lingering connection sends; false when it is to be closed now.
    bool discard(Connection& connection) {
        for (;;) {
            const ssize_t n =
                ::recv(connection.fd(), peek_buffer.data(), peek_buffer.size(), MSG_DONTWAIT);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
            if (n == 0) return false;
            connection.discarded += static_cast<std::size_t>(n);
            if (connection.discarded > kLingerBytes) return false;
        }
    }

    /// New bytes on a waiting connection: to a worker once its head is complete.
    void readable(int fd) {
        auto found = waiting.find(fd);
        if (found == waiting.end()) return;
        if (found->second->lingering) {
            if (!discard(*found->second)) {
                leave_waiting(fd);
                waiting.erase(found);
            }
            return;
        }
        const bool secured = tls != nullptr;
        const ssize_t n = ::recv(fd, peek_buffer.data(), secured ? 1 : peek_buffer.size(),
                                 MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        if (n <= 0) {  // closed by the client, or broken
            leave_waiting(fd);
            waiting.erase(found);
            return;
        }
        if (!secured) {
            const std::string_view head(peek_buffer.data(), static_cast<std::size_t>(n));
            if (head.find("\r\n\r\n") == std::string_view::npos) {
                if (static_cast<std::size_t>(n) == kMaxHead)
                    refuse(
                        found, 431, "Request Header Fields Too Large", "header_too_large",
                        "the request head is larger than " + std::to_string(kMaxHead) + " bytes");
                return;  // else more to come
            }
        }
        {
            std::lock_guard lock(mutex);
            if (ready.size() < limits.queue) {
                leave_waiting(fd);
                ready.push_back(std::move(found->second));
                waiting.erase(found);
                have_ready.notify_one();
                return;
            }
        }
        if (secured) {  // no plain-text answer on a TLS connection
            leave_waiting(fd);
            waiting.erase(found);
            return;
        }
        refuse(found, 503, "Service Unavailable", "busy",
               "every thread is busy and the queue is full; try again");
    }

    /// Closes the connections silent for too long; resumes accepting after a pause.
    void sweep(Clock::time_point now) {
        for (auto it = waiting.begin(); it != waiting.end();) {
            if (it->second->deadline > now) {
                ++it;
                continue;
            }
            leave_waiting(it->first);
            it = waiting.erase(it);
        }
        if (accept_paused_until != Clock::time_point{} && now >= accept_paused_until) {
            accept_paused_until = {};
            watch_listening(true);
        }
    }

    // The workers.
    void run_worker() {
        for (;;) {
            Ptr connection;
            {
                std::unique_lock lock(mutex);
                have_ready.wait(lock, [&] { return stopping || !ready.empty(); });
                if (stopping) return;
                connection = std::move(ready.front());
                ready.pop_front();
                busy.insert(connection->fd());
            }
            const int fd = connection->fd();
            const After after = serve(*connection);
            std::lock_guard lock(mutex);
            busy.erase(fd);
            if (after != After::Close && !stopping) {
                if (after == After::Linger) {
                    ::shutdown(fd, SHUT_WR);
                    connection->lingering = true;
                }
                returned.push_back(std::move(connection));
                notify_events();
            }
            // else: closed here (its destructor), after leaving `busy`
        }
    }

    /// Serves the requests a connection has sent; how to go on with it.
    After serve(Connection& connection) {
        const Poco::Timespan timeout(static_cast<long>(limits.io_timeout_seconds), 0);
        try {
            if (tls && !connection.secured) {
                connection.socket = Poco::Net::SecureStreamSocket::attach(connection.socket, tls);
                connection.secured = true;
            }
            connection.socket.setSendTimeout(timeout);
            Session session(connection.socket, params);
            bool keep = false;
            do {
                try {
                    Poco::Net::HTTPServerResponseImpl response(session);
                    Poco::Net::HTTPServerRequestImpl request(response, session, params);
                    response.setDate(Poco::Timestamp());
                    response.setVersion(request.getVersion());
                    response.setKeepAlive(request.getKeepAlive() && !stopping);
                    // As Poco's server does; the body is still read only after the caller's
                    // headers passed (service.hpp), a refused one is answered and dropped.
                    if (request.getExpectContinue()) response.sendContinue();
                    handler(request, response);
                    keep = response.sent() && response.getKeepAlive() && !stopping;
                } catch (const Poco::Net::NoMessageException&) {
                    return After::Close;  // closed between requests
                } catch (const Poco::Net::MessageException&) {
                    Poco::Net::HTTPServerResponseImpl response(session);
                    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
                    response.setKeepAlive(false);
                    response.setContentType("application/json; charset=utf-8");
                    const std::string body =
                        error_reply(400, "bad_request", "the request head is malformed").body;
                    response.setContentLength(static_cast<std::streamsize>(body.size()));
                    response.send() << body;
                    keep = false;
                }
            } while (keep && (session.buffered() > 0 || connection.socket.available() > 0));
            // Detached, the socket outlives the session (which would close it).
            connection.socket = session.detachSocket();
            if (keep) return After::Keep;
            return connection.secured ? After::Close : After::Linger;
        } catch (const Poco::Exception&) {
            return After::Close;  // a timeout, a reset, a failed TLS handshake
        } catch (const std::exception&) {
            return After::Close;
        }
    }
};

Listener::Listener(Poco::Net::ServerSocket socket, Poco::Net::Context::Ptr tls,
                   const Limits& limits, Handler handler)
    : state_(
          std::make_unique<State>(std::move(socket), std::move(tls), limits, std::move(handler))) {}

Listener::~Listener() { stop(); }

void Listener::start() {
    State& s = *state_;
    if (s.epoll >= 0) return;
    // A client that goes away while it is answered must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    const int fd = s.listening_fd();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    s.epoll = ::epoll_create1(EPOLL_CLOEXEC);
    s.wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    for (int watched : {fd, s.wake}) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = watched;
        ::epoll_ctl(s.epoll, EPOLL_CTL_ADD, watched, &event);
    }
    s.events = std::thread([&s] { s.run_events(); });
    for (int i = 0; i < s.limits.threads; ++i) s.workers.emplace_back([&s] { s.run_worker(); });
}

void Listener::stop() {
    State& s = *state_;
    if (s.epoll < 0) return;
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
        // A worker waiting for the rest of a body gives up now; its answer may still go out.
        for (int fd : s.busy) ::shutdown(fd, SHUT_RD);
    }
    s.have_ready.notify_all();
    s.notify_events();
    s.events.join();
    for (auto& worker : s.workers) worker.join();
    s.workers.clear();
    s.ready.clear();
    s.returned.clear();
    ::close(s.epoll);
    ::close(s.wake);
    s.epoll = s.wake = -1;
    try {
        s.listening.close();
    } catch (const Poco::Exception&) {
    }
}

}  // namespace onewindow::backoffice
