// The back office's HTTP side: routing, size limit, signatures, nonces, idempotent case intake
// and the decisions feed. The protocol and the order of checks are described in backoffice.hpp.
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <istream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/exchange_tls.hpp"
#include "onewindow/core/json.hpp"
#include "store.hpp"

namespace onewindow::backoffice {

namespace ex = onewindow::exchange;
using Poco::Net::HTTPResponse;

namespace {

/// One answer: status, JSON body, and whether it replays a stored first answer.
struct Reply {
    int status = 200;
    std::string body;
    bool replayed = false;
};

/// Chinese messages of the error codes (the English message carries the details).
const std::map<std::string, std::string, std::less<>> kChinese = {
    {"not_found", "请求的地址不存在"},
    {"method_not_allowed", "该地址不支持此请求方法"},
    {"payload_too_large", "请求内容超过大小限制"},
    {"missing_header", "缺少签名请求头"},
    {"malformed_header", "签名请求头格式错误"},
    {"unknown_client", "未登记的调用方"},
    {"stale_timestamp", "请求时间戳超出允许的时钟偏差"},
    {"bad_signature", "签名校验失败"},
    {"replayed_nonce", "重复的请求随机数（疑似重放）"},
    {"missing_idempotency_key", "缺少幂等键"},
    {"idempotency_conflict", "同一幂等键已用于内容不同的请求"},
    {"malformed_json", "JSON 格式错误"},
    {"invalid_request", "请求内容不符合要求"},
    {"unknown_department", "本后台不受理该部门的事项"},
    {"bad_query", "查询参数错误"},
    {"unknown_case", "没有该办件"},
    {"forbidden", "无权处理其他部门的办件"},
    {"already_decided", "该办件已办结，不能再作其他决定"},
    {"internal_error", "后台内部错误"},
};

Reply error_reply(int status, const std::string& code, const std::string& message,
                  const std::string& path = {}, const Issues* issues = nullptr) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(true);
    body->set("error", code);
    body->set("message", message);
    auto chinese = kChinese.find(code);
    body->set("message_zh", chinese != kChinese.end() ? chinese->second : std::string());
    if (!path.empty()) body->set("path", path);
    if (issues) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& issue : issues->list()) {
            Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
            entry->set("path", issue.path);
            entry->set("message", issue.message);
            list->add(entry);
        }
        body->set("issues", list);
    }
    return {status, to_json(body)};
}

std::optional<std::string> header(const Poco::Net::HTTPServerRequest& request, const char* name) {
    if (!request.has(name)) return std::nullopt;
    return request.get(name);
}

/// A plain file name: no folder part, no "." or "..", no control characters.
bool plain_file_name(const std::string& name) {
    if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return false;
    return true;
}

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

}  // namespace

/// Server threads, and how many of them long polls may hold.
constexpr int kMaxThreads = 8;
constexpr int kMaxLongPolls = kMaxThreads / 2;

/// Who may call an endpoint.
enum class Role { Counter, Staff };

/// An authenticated caller and the nonce its request used.
struct Caller {
    const Client* client = nullptr;
    Nonce nonce;
};

/// Handles every request; shared by Poco's server threads.
class Service {
  public:
    explicit Service(const Config& config) : config_(config), store_(config.database) {
        const long long now = std::time(nullptr);
        for (const auto& n : store_.live_nonces(now))
            nonces_.remember(n.client, n.nonce, n.expires_at, now);
    }

    /// Wakes the long polls so that the server can stop.
    void shutdown() {
        std::lock_guard lock(store_mutex_);
        stopping_ = true;
        decided_.notify_all();
    }

    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
        Reply reply;
        bool drain = true;
        try {
            reply = route(request, drain);
        } catch (const std::exception& e) {
            reply = error_reply(500, "internal_error", e.what());
        }
        if (!drain) response.setKeepAlive(false);  // the unread body would follow
        response.setStatus(static_cast<HTTPResponse::HTTPStatus>(reply.status));
        response.setContentType("application/json; charset=utf-8");
        response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
        if (reply.replayed) response.set("Idempotent-Replayed", "true");
        response.send() << reply.body;
    }

  private:
    Reply route(Poco::Net::HTTPServerRequest& request, bool& drain) {
        const Poco::URI uri(request.getURI());
        const std::string& path = uri.getPath();
        const std::string& method = request.getMethod();
        if (path == "/v1/health") {
            if (method != "GET") return not_allowed("GET");
            return {200, R"({"status":"ok","protocol":"v1"})"};
        }
        const bool cases = path == "/v1/cases", decisions = path == "/v1/decisions";
        if (!cases && !decisions) return error_reply(404, "not_found", "no such resource: " + path);
        if (method != "GET" && method != "POST") return not_allowed("GET or POST");
        std::optional<std::string> body = read_body(request);
        if (!body) {
            drain = false;
            return error_reply(
                413, "payload_too_large",
                "the body is larger than " + std::to_string(config_.max_body_bytes) + " bytes");
        }
        if (cases)
            return method == "POST" ? post_case(request, *body) : list_cases(request, uri, *body);
        return method == "GET" ? get_decisions(request, uri, *body) : post_decision(request, *body);
    }

    static Reply not_allowed(const std::string& allowed) {
        return error_reply(405, "method_not_allowed", "use " + allowed);
    }

    /// The whole body, or nullopt when it is larger than the limit.
    std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request) {
        const auto declared = request.getContentLength64();
        if (declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH &&
            declared > static_cast<Poco::Int64>(config_.max_body_bytes))
            return std::nullopt;
        std::string body;
        char buffer[8192];
        std::istream& in = request.stream();
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            body.append(buffer, static_cast<std::size_t>(in.gcount()));
            if (body.size() > config_.max_body_bytes) return std::nullopt;
        }
        return body;
    }

    const Client* find_client(Role role, const std::string& id) const {
        for (const auto& client : role == Role::Counter ? config_.counters : config_.staff)
            if (client.id == id) return &client;
        return nullptr;
    }

    /// Checks the signature and the nonce of a caller in `role`; on success fills `caller`.
    std::optional<Reply> authenticate(const Poco::Net::HTTPServerRequest& request,
                                      const std::string& body, const std::string& key, Role role,
                                      Caller& caller) {
        const ex::ReceivedAuth received{
            header(request, ex::kClientHeader), header(request, ex::kTimestampHeader),
            header(request, ex::kNonceHeader), header(request, ex::kSignatureHeader)};
        auto refuse = [](const ex::AuthResult& result) {
            return error_reply(401, ex::auth_failure_code(result.failure), result.message);
        };
        if (auto headers = ex::check_auth_headers(received); !headers.ok()) return refuse(headers);
        const Client* client = find_client(role, *received.client);
        if (!client)
            return refuse({ex::AuthFailure::UnknownClient,
                           "unknown client \"" + *received.client + "\" (this endpoint serves " +
                               (role == Role::Counter ? "counters" : "department staff") + ")"});
        ex::SignedRequest signed_request;
        signed_request.method = request.getMethod();
        signed_request.target = request.getURI();
        signed_request.idempotency_key = key;
        signed_request.body_sha256 = ex::sha256_hex(body);
        const long long now = std::time(nullptr);
        auto result = ex::check_signature(received, signed_request, client->secret, now,
                                          config_.max_clock_skew_seconds);
        if (!result.ok()) return refuse(result);
        caller = {client, {client->id, *received.nonce, now + 2 * config_.max_clock_skew_seconds}};
        if (!nonces_.remember(client->id, *received.nonce, caller.nonce.expires_at, now))
            return refuse({ex::AuthFailure::ReplayedNonce,
                           "replayed nonce: this nonce was already used by " + client->id});
        return std::nullopt;
    }

    Reply post_case(const Poco::Net::HTTPServerRequest& request, const std::string& body) {
        const std::string key = header(request, ex::kIdempotencyHeader).value_or("");
        Caller caller;
        if (auto refused = authenticate(request, body, key, Role::Counter, caller)) return *refused;
        if (key.empty())
            return error_reply(400, "missing_idempotency_key",
                               std::string("header ") + ex::kIdempotencyHeader + " is missing",
                               ex::kIdempotencyHeader);
        const std::string body_sha256 = ex::sha256_hex(body);

        std::lock_guard lock(store_mutex_);
        if (auto stored = store_.find_case(caller.client->id, key)) {
            if (stored->body_sha256 == body_sha256)
                return {stored->response_status, stored->response_body, true};
            return error_reply(
                409, "idempotency_conflict",
                "Idempotency-Key \"" + key + "\" was first used with a different body",
                ex::kIdempotencyHeader);
        }

        Poco::Dynamic::Var json;
        if (auto refused = parse_body(body, json)) return *refused;
        Issues issues;
        NewCase c;
        auto root = ObjectReader::of(json, "request body", "$", issues);
        if (root.raw()) {
            c.case_number = root.string("case_number");
            c.item = root.string("item");
            c.department = root.string("department");
            root.opt_integer("item_version", 1, 1000000);
            root.opt_string("accepted_at");
            root.object("applicant", false);
            root.object("values", false);
            auto materials = root.array("materials", false);
            for (std::size_t i = 0; i < materials->size(); ++i) {
                auto material =
                    ObjectReader::of(materials->get(static_cast<unsigned>(i)), "request body",
                                     json_path_index(root.path_of("materials"), i), issues);
                if (!material.raw()) continue;
                const std::string name = material.string("name");
                if (!name.empty() && !plain_file_name(name))
                    material.fail("name",
                                  "must be a plain file name (no folders, no \"..\", no control "
                                  "characters)");
                material.opt_string("key");
                material.opt_string("sha256");
            }
        }
        if (!issues.empty()) return invalid(issues);
        bool served = false;
        for (const auto& department : config_.departments)
            served = served || department.code == c.department;
        if (!served)
            return error_reply(404, "unknown_department",
                               "department \"" + c.department + "\" is not served here",
                               "$.department");
        if (key != c.case_number + "/" + c.item)
            return error_reply(400, "invalid_request",
                               "Idempotency-Key must be \"<case_number>/<item>\" of the body",
                               ex::kIdempotencyHeader);

        c.client = caller.client->id;
        c.idempotency_key = key;
        c.body_sha256 = body_sha256;
        c.body = body;
        c.received_at = utc_timestamp_now();
        c.nonce = caller.nonce;
        const std::string answer = store_.insert_case(c, 201, [&](const std::string& reference) {
            Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
            out->set("status", "received");
            out->set("reference", reference);
            out->set("case_number", c.case_number);
            out->set("item", c.item);
            out->set("department", c.department);
            out->set("received_at", c.received_at);
            return to_json(out);
        });
        return {201, answer};
    }

    static std::optional<Reply> parse_body(const std::string& body, Poco::Dynamic::Var& json) {
        try {
            json = parse_json(body, "request body");
            return std::nullopt;
        } catch (const Error& e) {
            return error_reply(400, "malformed_json", e.what(), "$");
        }
    }

    static Reply invalid(const Issues& issues) {
        const Issue& first = issues.list().front();
        return error_reply(400, "invalid_request", first.path + ": " + first.message, first.path,
                           &issues);
    }

    static std::optional<std::string> query_value(const Poco::URI& uri, const std::string& name) {
        for (const auto& [key, value] : uri.getQueryParameters())
            if (key == name) return value;
        return std::nullopt;
    }

    /// A non-negative integer query parameter, or nullopt (with `bad` set) when malformed.
    static std::optional<long long> query_number(const Poco::URI& uri, const std::string& name,
                                                 long long fallback, long long max, bool& bad) {
        if (auto value = query_value(uri, name)) {
            long long number = 0;
            auto [end, error] =
                std::from_chars(value->data(), value->data() + value->size(), number);
            if (value->empty() || error != std::errc() || end != value->data() + value->size() ||
                number < 0 || number > max) {
                bad = true;
                return std::nullopt;
            }
            return number;
        }
        return fallback;
    }

    /// The `limit` query parameter (1 to 500, 100 when absent).
    static std::optional<int> query_limit(const Poco::URI& uri) {
        bool bad = false;
        auto limit = query_number(uri, "limit", 100, 500, bad);
        if (bad || *limit == 0) return std::nullopt;
        return static_cast<int>(*limit);
    }

    Reply get_decisions(const Poco::Net::HTTPServerRequest& request, const Poco::URI& uri,
                        const std::string& body) {
        Caller caller;
        if (auto refused = authenticate(request, body, {}, Role::Counter, caller)) return *refused;
        bool bad = false;
        auto since = query_number(uri, "since", 0, std::numeric_limits<long long>::max(), bad);
        if (bad)
            return error_reply(400, "bad_query", "since must be a cursor (0 or more)", "since");
        auto wait = query_number(uri, "wait", 0, 60, bad);
        if (bad) return error_reply(400, "bad_query", "wait must be 0 to 60 seconds", "wait");
        auto limit = query_limit(uri);
        if (!limit) return error_reply(400, "bad_query", "limit must be 1 to 500", "limit");

        // Long polls hold a server thread: at most kMaxLongPolls wait at once, so that cases and
        // decisions always find a free thread; any further poll answers at once.
        struct Slot {
            std::atomic<int>& waiting;
            bool held;
            ~Slot() {
                if (held) --waiting;
            }
        } slot{waiting_, *wait > 0 && ++waiting_ <= kMaxLongPolls};
        if (*wait > 0 && !slot.held) --waiting_;
        long long cursor = 0;
        Poco::JSON::Array::Ptr found;
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(slot.held ? *wait : 0);
        std::unique_lock lock(store_mutex_);
        for (;;) {
            found = store_.decisions(caller.client->id, *since, *limit, cursor);
            if (found->size() > 0 || stopping_ ||
                decided_.wait_until(lock, deadline) == std::cv_status::timeout) {
                if (found->size() == 0 && !stopping_)
                    found = store_.decisions(caller.client->id, *since, *limit, cursor);
                break;
            }
        }
        lock.unlock();
        Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
        out->set("decisions", found);
        out->set("cursor", cursor);
        return {200, to_json(out)};
    }

    bool serves(const Client& staff, const std::string& department) const {
        for (const auto& code : staff.departments)
            if (code == department) return true;
        return false;
    }

    Reply list_cases(const Poco::Net::HTTPServerRequest& request, const Poco::URI& uri,
                     const std::string& body) {
        Caller caller;
        if (auto refused = authenticate(request, body, {}, Role::Staff, caller)) return *refused;
        const std::string status = query_value(uri, "status").value_or("");
        if (!status.empty() && status != "received" && status != "correction" &&
            status != "approved" && status != "rejected")
            return error_reply(400, "bad_query",
                               "status must be received, correction, approved or rejected",
                               "status");
        auto limit = query_limit(uri);
        if (!limit) return error_reply(400, "bad_query", "limit must be 1 to 500", "limit");
        Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
        std::lock_guard lock(store_mutex_);
        out->set("cases", store_.cases(caller.client->departments, status, *limit));
        return {200, to_json(out)};
    }

    static std::string decision_answer(long long cursor, const CaseRow& c,
                                       const std::string& outcome, const std::string& decided_at) {
        Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
        out->set("cursor", cursor);
        out->set("reference", c.reference);
        out->set("case_number", c.case_number);
        out->set("item", c.item);
        out->set("outcome", outcome);
        out->set("decided_at", decided_at);
        return to_json(out);
    }

    /// Reads a decision body into `d` (case_id and the stamps excepted), recording issues.
    static std::string read_decision(const Poco::Dynamic::Var& json, NewDecision& d,
                                     Issues& issues) {
        auto root = ObjectReader::of(json, "request body", "$", issues);
        if (!root.raw()) return {};
        const std::string reference = root.string("reference");
        d.outcome = root.string("outcome");
        d.reason = root.opt_string("reason").value_or("");
        d.decided_by = root.opt_string("decided_by").value_or("");
        const bool approved = d.outcome == "approved", rejected = d.outcome == "rejected",
                   correction = d.outcome == "correction";
        if (!d.outcome.empty() && !approved && !rejected && !correction)
            root.fail("outcome", "must be approved, rejected or correction");
        auto data = root.object("data", approved);
        if (data.raw()) {
            if (approved && data.raw()->size() == 0)
                root.fail("data", "must hold the fields of the result document");
            d.data_json = to_json(data.raw());
        }
        if (rejected && d.reason.empty()) root.fail("reason", "is required to reject");
        auto missing = root.strings("missing_materials", correction);
        if (correction && missing.empty() && root.has("missing_materials"))
            root.fail("missing_materials", "must name at least one material");
        for (std::size_t i = 0; i < missing.size(); ++i)
            if (missing[i].empty())
                issues.add("request body", json_path_index(root.path_of("missing_materials"), i),
                           "must not be empty");
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& name : missing) list->add(name);
        d.missing_json = to_json(Poco::Dynamic::Var(list));
        return reference;
    }

    Reply post_decision(const Poco::Net::HTTPServerRequest& request, const std::string& body) {
        Caller caller;
        if (auto refused = authenticate(request, body, {}, Role::Staff, caller)) return *refused;
        Poco::Dynamic::Var json;
        if (auto refused = parse_body(body, json)) return *refused;
        Issues issues;
        NewDecision d;
        const std::string reference = read_decision(json, d, issues);
        if (!issues.empty()) return invalid(issues);

        std::lock_guard lock(store_mutex_);
        auto c = store_.find_reference(reference);
        if (!c)
            return error_reply(404, "unknown_case", "no case \"" + reference + "\"", "$.reference");
        if (!serves(*caller.client, c->department))
            return error_reply(
                403, "forbidden",
                caller.client->id + " does not decide for department \"" + c->department + "\"",
                "$.reference");
        d.body_sha256 = ex::sha256_hex(body);
        if (auto last = store_.last_decision(c->id)) {
            if (last->body_sha256 == d.body_sha256)
                return {201, decision_answer(last->cursor, *c, last->outcome, last->decided_at),
                        true};
            if (last->outcome != "correction")
                return error_reply(409, "already_decided",
                                   c->reference + " was already decided: " + last->outcome,
                                   "$.outcome");
        }
        d.case_id = c->id;
        if (d.decided_by.empty()) d.decided_by = caller.client->id;
        d.decided_at = utc_timestamp_now();
        d.nonce = caller.nonce;
        const long long cursor = store_.insert_decision(d);
        decided_.notify_all();
        return {201, decision_answer(cursor, *c, d.outcome, d.decided_at)};
    }

    const Config& config_;
    std::mutex store_mutex_;           // guards store_ and stopping_
    std::condition_variable decided_;  // a decision was stored, or the server stops
    bool stopping_ = false;
    std::atomic<int> waiting_{0};  // long polls waiting now
    Store store_;
    NonceMemory nonces_;
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(std::shared_ptr<Service> service) : service_(std::move(service)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        service_->handle(request, response);
    }

  private:
    std::shared_ptr<Service> service_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit HandlerFactory(std::shared_ptr<Service> service) : service_(std::move(service)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(service_);
    }

  private:
    std::shared_ptr<Service> service_;
};

}  // namespace

struct Server::Running {
    std::unique_ptr<Poco::Net::HTTPServer> http;
};

Server::Server(Config config) : config_(std::move(config)) {}

Server::~Server() { stop(); }

void Server::start() {
    if (running_) return;
    service_ = std::make_shared<Service>(config_);
    std::unique_ptr<Poco::Net::ServerSocket> listening;
    if (config_.tls_certificate.empty())
        listening = std::make_unique<Poco::Net::ServerSocket>();
    else
        listening = std::make_unique<Poco::Net::SecureServerSocket>(exchange::tls_server_context(
            config_.tls_certificate.string(), config_.tls_private_key.string()));
    Poco::Net::ServerSocket& socket = *listening;
    try {
        socket.bind(
            Poco::Net::SocketAddress(config_.address, static_cast<Poco::UInt16>(config_.port)),
            true);
        socket.listen(64);
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::Input, "cannot listen on " + config_.address + ":" +
                                          std::to_string(config_.port) + ": " + e.displayText());
    }
    port_ = socket.address().port();
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(kMaxThreads);
    params->setKeepAlive(true);
    running_ = std::make_unique<Running>();
    running_->http =
        std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(service_), socket, params);
    running_->http->start();
}

void Server::stop() {
    if (!running_) return;
    service_->shutdown();
    running_->http->stopAll(true);
    running_.reset();
    service_.reset();
}

}  // namespace onewindow::backoffice
