// The back office's request handling (internal): one Service, shared by Poco's server threads,
// routes each request, enforces the size limit, checks signatures and nonces, and answers:
//   service.cpp    routing, body, authentication, error bodies, query parameters
//   intake.cpp     POST /v1/cases (counters), GET /v1/cases (department staff)
//   decisions.cpp  POST /v1/decisions (staff), GET /v1/decisions with long poll (counters)
//   materials.cpp  HEAD/PUT /v1/materials/<sha256> (counters): the scans, content-addressed
//   web.cpp        the staff web page (/staff/...): login, sessions, CSRF, case pages
// The protocol and the order of checks are described in onewindow/backoffice/backoffice.hpp.
// Threads: every member function may run on any server thread at once; the store (one SQLite
// connection) and `stopping_` are guarded by `store_mutex_`, the nonce memory by its own lock.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/json.hpp"
#include "store.hpp"

namespace onewindow::backoffice {

/// One answer: status, body (JSON unless the web page sets another type), whether it replays a
/// stored first answer, and extra headers (the web page's cookies and redirects).
struct Reply {
    Reply() = default;
    Reply(int status_, std::string body_, bool replayed_ = false)
        : status(status_), body(std::move(body_)), replayed(replayed_) {}

    int status = 200;
    std::string body;
    bool replayed = false;
    std::string content_type = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
};

/// An error body (see backoffice.hpp): code, English message, Chinese message of the code, and
/// the JSON path or header to blame and every issue when given.
Reply error_reply(int status, const std::string& code, const std::string& message,
                  const std::string& path = {}, const Issues* issues = nullptr);

/// A request header, or nullopt when absent.
std::optional<std::string> header(const Poco::Net::HTTPServerRequest& request, const char* name);

/// Nonces seen within the replay window, per client. Thread-safe.
class NonceMemory {
  public:
    /// False when (client, nonce) was already seen and has not expired.
    bool remember(const std::string& client, const std::string& nonce, long long expires_at,
                  long long now) {
        std::lock_guard lock(mutex_);
        if (now >= next_prune_) {
            for (auto it = seen_.begin(); it != seen_.end();)
                it = it->second < now ? seen_.erase(it) : std::next(it);
            next_prune_ = now + 10;
        }
        auto [it, inserted] = seen_.try_emplace(client + '\n' + nonce, expires_at);
        if (!inserted && it->second >= now) return false;
        it->second = expires_at;
        return true;
    }

  private:
    std::mutex mutex_;
    std::unordered_map<std::string, long long> seen_;
    long long next_prune_ = 0;
};

/// The media type of a scan from its first bytes: PNG, JPEG, PDF, else octet-stream.
std::string material_type(const std::string& bytes);

/// The PBKDF2 rounds of a staff password hash; 0 when it is malformed or has fewer than
/// kMinStaffRounds (config.cpp).
int staff_hash_rounds(const std::string& password_hash);
/// The longest staff user name; a longer one is refused at once.
constexpr std::size_t kMaxStaffUserName = 64;

/// How reading a request body ended (Service::read_body).
enum class BodyRead { Complete, TooLarge, Incomplete };

/// The parsers of what callers send, apart from the network, so that the fuzzers
/// (tests/fuzz) run exactly the code the server runs:
/// POST /v1/cases: the fields of `c` from the body, every problem in `issues`.
void read_case_body(const Poco::Dynamic::Var& json, NewCase& c, Issues& issues);
/// POST /v1/decisions: the decision in `d` (case id and stamps excepted); the reference.
std::string read_decision(const Poco::Dynamic::Var& json, NewDecision& d, Issues& issues);
/// An urlencoded form (the staff page's POSTs); nullopt when it cannot be parsed.
std::optional<std::map<std::string, std::string>> read_form(const std::string& body);
/// The applicant and the values of a case body as the staff page shows them (HTML): labelled,
/// tables and nested values as tables, ID numbers and phones masked at every depth.
std::string case_data_html(const Poco::JSON::Object::Ptr& body);
/// The staff page's decision form as the JSON body of POST /v1/decisions.
std::string decision_body(const std::string& reference,
                          const std::map<std::string, std::string>& form,
                          const std::string& decided_by);

/// Who may call an endpoint.
enum class Role { Counter, Staff };

/// An authenticated caller and the nonce its request used.
struct Caller {
    const Client* client = nullptr;
    Nonce nonce;
};

/// A logged-in web user (web.cpp): who, the CSRF token of the session, when it ends (time_t).
struct WebSession {
    const StaffUser* user = nullptr;
    std::string csrf;
    long long expires_at = 0;
};

/// Handles every request; shared by Poco's server threads.
class Service {
  public:
    explicit Service(const Config& config);
    /// Wakes the long polls so that the server can stop.
    void shutdown();
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

  private:
    // service.cpp
    /// Dispatches on path and method; `drain` false when the body was left unread.
    Reply route(Poco::Net::HTTPServerRequest& request, const Poco::URI& uri, bool& drain);
    static Reply not_allowed(const std::string& allowed);
    /// Reads the body to its end, giving it to `sink` in pieces and hashing it into `sha256`
    /// (lower-case hex); stops at once with TooLarge past `limit` (before reading anything when
    /// Content-Length says so), with Incomplete when it ends short of its Content-Length (a
    /// timeout or a closed connection).
    static BodyRead read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                              const std::function<void(const char*, std::size_t)>& sink,
                              std::string& sha256);
    /// A JSON endpoint's body in memory (at most max_body_bytes): the caller's headers, client
    /// and clock are checked first (401 before any byte of the body is read), then the body is
    /// read and hashed, then the signature and the nonce. The refusal, or nullopt with `body`
    /// and `caller` filled; `drain` false when the body was left unread.
    std::optional<Reply> receive_signed(Poco::Net::HTTPServerRequest& request,
                                        const std::string& key, Role role, Caller& caller,
                                        std::string& body, bool& drain);
    /// The refusal of a body that was not read whole (413 or 400 incomplete_body).
    Reply body_refusal(BodyRead result, std::size_t limit) const;
    const Client* find_client(Role role, const std::string& id) const;
    /// What a receiver checks before the body: the four headers, a known client of `role`, the
    /// clock. The refusal, or nullopt with `client` set.
    std::optional<Reply> pre_authenticate(const Poco::Net::HTTPServerRequest& request, Role role,
                                          const Client*& client) const;
    /// Checks the signature over the body's hash and the nonce; on success fills `caller`.
    std::optional<Reply> authenticate(const Poco::Net::HTTPServerRequest& request,
                                      const std::string& body_sha256, const std::string& key,
                                      const Client& client, Caller& caller);
    /// Parses a JSON body; a 400 malformed_json answer when it is not JSON.
    static std::optional<Reply> parse_body(const std::string& body, Poco::Dynamic::Var& json);
    /// 400 invalid_request naming the first issue's path and listing them all.
    static Reply invalid(const Issues& issues);
    static std::optional<std::string> query_value(const Poco::URI& uri, const std::string& name);
    /// A non-negative integer query parameter, or nullopt (with `bad` set) when malformed.
    static std::optional<long long> query_number(const Poco::URI& uri, const std::string& name,
                                                 long long fallback, long long max, bool& bad);
    /// The `limit` query parameter (1 to 500, 100 when absent).
    static std::optional<int> query_limit(const Poco::URI& uri);

    // intake.cpp
    Reply post_case(const Caller& caller, const std::string& key, const std::string& body);
    Reply list_cases(const Caller& caller, const Poco::URI& uri);
    /// POST /v1/supplements: materials supplied later to an item this counter sent (its
    /// case found by "<case_number>/<item>" among the caller's cases; 404 when there is none);
    /// a correction's case goes back to 'received'.
    Reply post_supplement(const Caller& caller, const std::string& key, const std::string& body);

    // decisions.cpp
    Reply get_decisions(const Caller& caller, const Poco::URI& uri);
    /// True when `department` is among `departments`.
    static bool serves(const std::vector<std::string>& departments, const std::string& department);
    /// The 201 answer of a decision (also replayed for the same body sent again).
    static std::string decision_answer(long long cursor, const CaseRow& c,
                                       const std::string& outcome, const std::string& decided_at);
    /// A decision body (POST /v1/decisions) by `actor` serving `departments`, after the caller
    /// was authenticated: validation, rules and storage. The JSON API and the web page both
    /// decide through this one function.
    Reply decide(const std::string& actor, const std::vector<std::string>& departments,
                 const std::string& body, const Nonce& nonce);

    // materials.cpp
    Reply material(Poco::Net::HTTPServerRequest& request, const std::string& sha256, bool& drain);
    std::filesystem::path material_path(const std::string& sha256) const;
    /// The bytes of a stored material (its first `max` bytes at most), or nullopt when it has not
    /// arrived.
    std::optional<std::string> read_material(
        const std::string& sha256, std::size_t max = std::numeric_limits<std::size_t>::max()) const;

    // web.cpp
    /// A scan for the page, when a case of the user's departments lists it.
    Reply web_material(const WebSession& session, const std::string& sha256);
    /// Every /staff/... request; `drain` false when the body was left unread (a POST without a
    /// session, or too large).
    Reply staff_page(Poco::Net::HTTPServerRequest& request, const Poco::URI& uri, bool& drain);
    /// A form POST's fields: the body read (at most `limit`) and parsed; the refusal page else.
    std::optional<Reply> read_form_post(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                                        std::map<std::string, std::string>& form, bool& drain);
    /// The hash a staff user's password is checked against: the upgraded one kept in the
    /// database for the configuration's hash, else the configuration's.
    std::string current_hash(const StaffUser& user);
    /// The session of the request's cookie, or nullopt when absent or expired.
    std::optional<WebSession> web_session(const Poco::Net::HTTPServerRequest& request,
                                          std::string& id);
    Reply web_login(const std::map<std::string, std::string>& form);
    Reply web_cases(const WebSession& session, const Poco::URI& uri);
    /// The HTML table of a case's or a supplement's materials, with their scans.
    std::string materials_html(const Poco::JSON::Array::Ptr& materials) const;
    Reply web_case(const WebSession& session, const std::string& reference, int status = 200,
                   const std::string& message = {}, bool saved = false);
    Reply web_decide(const WebSession& session, const std::string& reference,
                     const std::map<std::string, std::string>& form);

    const Config& config_;
    const int max_long_polls_;         // half the worker threads
    std::mutex store_mutex_;           // guards store_ and stopping_
    std::condition_variable decided_;  // a decision was stored, or the server stops
    bool stopping_ = false;
    std::atomic<int> waiting_{0};  // long polls waiting now
    Store store_;
    NonceMemory nonces_;
    std::mutex sessions_mutex_;  // guards sessions_ and failed_logins_
    std::unordered_map<std::string, WebSession> sessions_;
    /// Logins per user name, keyed by the name's SHA-256 (32 hex digits), at most
    /// kMaxLoginNames: attempts in a row without success (counted before the password is
    /// checked), until when the name is locked, and when the last attempt came.
    struct LoginFailures {
        int count = 0;
        long long locked_until = 0, last = 0;
    };
    std::unordered_map<std::string, LoginFailures> failed_logins_;
};

}  // namespace onewindow::backoffice
