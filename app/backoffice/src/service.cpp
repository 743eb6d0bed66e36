// The back office's request handling: routing, body, authentication (see service.hpp).
#include "service.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA2Engine.h>

#include <charconv>
#include <ctime>
#include <iostream>
#include <istream>
#include <map>

#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_auth.hpp"

namespace onewindow::backoffice {

namespace ex = onewindow::exchange;

namespace {

/// Chinese messages of the error codes (the English message carries the details).
const std::map<std::string, std::string, std::less<>> kChinese = {
    {"bad_request", "请求格式错误"},
    {"not_found", "请求的地址不存在"},
    {"method_not_allowed", "该地址不支持此请求方法"},
    {"payload_too_large", "请求内容超过大小限制"},
    {"incomplete_body", "请求内容不完整（传输中断或超时）"},
    {"header_too_large", "请求头过大"},
    {"busy", "后台繁忙，请稍后重试"},
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
    {"digest_mismatch", "文件内容与其摘要不符"},
    {"internal_error", "后台内部错误"},
};

}  // namespace

Reply error_reply(int status, const std::string& code, const std::string& message,
                  const std::string& path, const Issues* issues) {
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

Service::Service(const Config& config)
    : config_(config), max_long_polls_(config.limits.threads / 2), store_(config.database) {
    const long long now = std::time(nullptr);
    for (const auto& n : store_.live_nonces(now))
        nonces_.remember(n.client, n.nonce, n.expires_at, now);
}

void Service::shutdown() {
    std::lock_guard lock(store_mutex_);
    stopping_ = true;
    decided_.notify_all();
}

void Service::handle(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) {
    Reply reply;
    bool drain = true;
    try {
        // A target that is not a valid URI (GET /v1/%zz) is the caller's error, said as such.
        std::optional<Poco::URI> uri;
        try {
            uri.emplace(request.getURI());
            uri->getQueryParameters();  // decodes the query: throws on a bad escape too
        } catch (const Poco::Exception&) {
            uri.reset();
        }
        if (!uri) {
            drain = false;
            reply = error_reply(400, "bad_request",
                                "the request target is malformed (a bad %-escape or character)");
        } else {
            reply = route(request, *uri, drain);
        }
    } catch (const std::exception& e) {
        // The details are for the operator's log, never for the caller.
        std::cerr << "onewindow-backoffice: internal error on " << request.getMethod() << ' '
                  << request.getURI().substr(0, 200) << ": " << e.what() << std::endl;
        reply = error_reply(500, "internal_error", "internal error; see the server's log");
    }
    if (!drain) response.setKeepAlive(false);  // the unread body would follow
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    response.setContentType(reply.content_type);
    for (const auto& [name, value] : reply.headers) response.add(name, value);
    response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    if (reply.replayed) response.set("Idempotent-Replayed", "true");
    if (request.getMethod() == "HEAD") {  // the status alone
        response.setContentLength(0);
        response.send();
        return;
    }
    response.send() << reply.body;
}

Reply Service::route(Poco::Net::HTTPServerRequest& request, const Poco::URI& uri, bool& drain) {
    const std::string& path = uri.getPath();
    const std::string& method = request.getMethod();
    if (path == "/v1/health") {
        if (method != "GET") return not_allowed("GET");
        return {200, R"({"status":"ok","protocol":"v1"})"};
    }
    if (path == "/staff" || path.rfind("/staff/", 0) == 0) return staff_page(request, uri, drain);
    const std::string materials = "/v1/materials/";
    if (path.rfind(materials, 0) == 0)
        return material(request, path.substr(materials.size()), drain);
    if (path == "/v1/supplements") {
        if (method != "POST") return not_allowed("POST");
        const std::string key = header(request, ex::kIdempotencyHeader).value_or("");
        Caller caller;
        std::string body;
        if (auto refused = receive_signed(request, key, Role::Counter, caller, body, drain))
            return *refused;
        return post_supplement(caller, key, body);
    }
    const bool cases = path == "/v1/cases", decisions = path == "/v1/decisions";
    if (!cases && !decisions) return error_reply(404, "not_found", "no such resource: " + path);
    if (method != "GET" && method != "POST") return not_allowed("GET or POST");
    const bool post = method == "POST";
    const std::string key =
        cases && post ? header(request, ex::kIdempotencyHeader).value_or("") : std::string();
    Caller caller;
    std::string body;
    if (auto refused = receive_signed(request, key, decisions == post ? Role::Staff : Role::Counter,
                                      caller, body, drain))
        return *refused;
    if (cases) return post ? post_case(caller, key, body) : list_cases(caller, uri);
    if (!post) return get_decisions(caller, uri);
    return decide(caller.client->id, caller.client->departments, body, caller.nonce);
}

Reply Service::not_allowed(const std::string& allowed) {
    return error_reply(405, "method_not_allowed", "use " + allowed);
}

BodyRead Service::read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                            const std::function<void(const char*, std::size_t)>& sink,
                            std::string& sha256) {
    const auto declared = request.getContentLength64();
    const bool known = declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH;
    if (known && declared > static_cast<Poco::Int64>(limit)) return BodyRead::TooLarge;
    Poco::SHA2Engine hash(Poco::SHA2Engine::SHA_256);
    std::size_t total = 0;
    char buffer[65536];
    std::istream& in = request.stream();
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        const auto n = static_cast<std::size_t>(in.gcount());
        total += n;
        if (total > limit) return BodyRead::TooLarge;
        hash.update(buffer, static_cast<unsigned>(n));
        sink(buffer, n);
    }
    // A body cut short (a timeout, a closed connection) shows as an early end of the stream.
    if (in.bad() || (known && static_cast<Poco::Int64>(total) != declared))
        return BodyRead::Incomplete;
    sha256 = Poco::DigestEngine::digestToHex(hash.digest());
    return BodyRead::Complete;
}

Reply Service::body_refusal(BodyRead result, std::size_t limit) const {
    if (result == BodyRead::TooLarge)
        return error_reply(413, "payload_too_large",
                           "the body is larger than " + std::to_string(limit) + " bytes");
    return error_reply(400, "incomplete_body",
                       "the body ended before its Content-Length (timeout or closed connection)");
}

std::optional<Reply> Service::receive_signed(Poco::Net::HTTPServerRequest& request,
                                             const std::string& key, Role role, Caller& caller,
                                             std::string& body, bool& drain) {
    const Client* client = nullptr;
    if (auto refused = pre_authenticate(request, role, client)) {
        drain = false;
        return refused;
    }
    std::string sha256;
    const BodyRead read = read_body(
        request, config_.max_body_bytes,
        [&](const char* data, std::size_t n) { body.append(data, n); }, sha256);
    if (read != BodyRead::Complete) {
        drain = false;
        return body_refusal(read, config_.max_body_bytes);
    }
    return authenticate(request, sha256, key, *client, caller);
}

const Client* Service::find_client(Role role, const std::string& id) const {
    for (const auto& client : role == Role::Counter ? config_.counters : config_.staff)
        if (client.id == id) return &client;
    return nullptr;
}

namespace {

ex::ReceivedAuth received_auth(const Poco::Net::HTTPServerRequest& request) {
    return {header(request, ex::kClientHeader), header(request, ex::kTimestampHeader),
            header(request, ex::kNonceHeader), header(request, ex::kSignatureHeader)};
}

Reply refusal(const ex::AuthResult& result) {
    return error_reply(401, ex::auth_failure_code(result.failure), result.message);
}

}  // namespace

std::optional<Reply> Service::pre_authenticate(const Poco::Net::HTTPServerRequest& request,
                                               Role role, const Client*& client) const {
    const ex::ReceivedAuth received = received_auth(request);
    if (auto headers = ex::check_auth_headers(received); !headers.ok()) return refusal(headers);
    client = find_client(role, *received.client);
    if (!client)
        return refusal({ex::AuthFailure::UnknownClient,
                        "unknown client \"" + received.client->substr(0, 64) +
                            "\" (this endpoint serves " +
                            (role == Role::Counter ? "counters" : "department staff") + ")"});
    auto fresh = ex::check_timestamp(received, std::time(nullptr), config_.max_clock_skew_seconds);
    if (!fresh.ok()) return refusal(fresh);
    return std::nullopt;
}

std::optional<Reply> Service::authenticate(const Poco::Net::HTTPServerRequest& request,
                                           const std::string& body_sha256, const std::string& key,
                                           const Client& client, Caller& caller) {
    const ex::ReceivedAuth received = received_auth(request);
    ex::SignedRequest signed_request;
    signed_request.method = request.getMethod();
    signed_request.target = request.getURI();
    signed_request.idempotency_key = key;
    signed_request.body_sha256 = body_sha256;
    const long long now = std::time(nullptr);
    auto result = ex::check_signature(received, signed_request, client.secret, now,
                                      config_.max_clock_skew_seconds);
    if (!result.ok()) return refusal(result);
    caller = {&client, {client.id, *received.nonce, now + 2 * config_.max_clock_skew_seconds}};
    if (!nonces_.remember(client.id, *received.nonce, caller.nonce.expires_at, now))
        return refusal({ex::AuthFailure::ReplayedNonce,
                        "replayed nonce: this nonce was already used by " + client.id});
    return std::nullopt;
}

std::optional<Reply> Service::parse_body(const std::string& body, Poco::Dynamic::Var& json) {
    try {
        json = parse_json(body, "request body");
        return std::nullopt;
    } catch (const Error& e) {
        return error_reply(400, "malformed_json", e.what(), "$");
    }
}

Reply Service::invalid(const Issues& issues) {
    const Issue& first = issues.list().front();
    return error_reply(400, "invalid_request", first.path + ": " + first.message, first.path,
                       &issues);
}

std::optional<std::string> Service::query_value(const Poco::URI& uri, const std::string& name) {
    for (const auto& [key, value] : uri.getQueryParameters())
        if (key == name) return value;
    return std::nullopt;
}

/// A non-negative integer query parameter, or nullopt (with `bad` set) when malformed.
std::optional<long long> Service::query_number(const Poco::URI& uri, const std::string& name,
                                               long long fallback, long long max, bool& bad) {
    if (auto value = query_value(uri, name)) {
        long long number = 0;
        auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
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
std::optional<int> Service::query_limit(const Poco::URI& uri) {
    bool bad = false;
    auto limit = query_number(uri, "limit", 100, 500, bad);
    if (bad || *limit == 0) return std::nullopt;
    return static_cast<int>(*limit);
}

}  // namespace onewindow::backoffice
