// Case intake (see service.hpp): counters send one item of one case (POST /v1/cases,
// idempotent on its key); department staff list the cases of their departments (GET /v1/cases).
#include <Poco/JSON/Object.h>

#include <limits>

#include "onewindow/core/date.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/exchange_messages.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

namespace ex = onewindow::exchange;

void read_case_body(const Poco::Dynamic::Var& json, NewCase& c, Issues& issues) {
    const ex::CaseMessage message = ex::case_from_json(json, "request body", "$", issues);
    c.case_number = message.case_number;
    c.item = message.item;
    c.department = message.department;
    for (const auto& material : message.materials)
        if (!material.sha256.empty()) c.materials.push_back(material.sha256);
}

Reply Service::post_case(const Caller& caller, const std::string& key, const std::string& body) {
    if (key.empty())
        return error_reply(400, "missing_idempotency_key",
                           std::string("header ") + ex::kIdempotencyHeader + " is missing",
                           ex::kIdempotencyHeader);
    const std::string body_sha256 = ex::sha256_hex(body);

    std::lock_guard lock(store_mutex_);
    if (auto stored = store_.find_case(caller.client->id, key)) {
        if (stored->body_sha256 == body_sha256)
            return {stored->response_status, stored->response_body, true};
        return error_reply(409, "idempotency_conflict",
                           "Idempotency-Key \"" + key + "\" was first used with a different body",
                           ex::kIdempotencyHeader);
    }

    Poco::Dynamic::Var json;
    if (auto refused = parse_body(body, json)) return *refused;
    Issues issues;
    NewCase c;
    read_case_body(json, c, issues);
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

Reply Service::list_cases(const Caller& caller, const Poco::URI& uri) {
    const std::string status = query_value(uri, "status").value_or("");
    if (!status.empty() && status != "received" && status != "correction" && status != "approved" &&
        status != "rejected")
        return error_reply(400, "bad_query",
                           "status must be received, correction, approved or rejected", "status");
    auto limit = query_limit(uri);
    if (!limit) return error_reply(400, "bad_query", "limit must be 1 to 500", "limit");
    bool bad = false;
    auto after = query_number(uri, "after", 0, std::numeric_limits<long long>::max(), bad);
    if (bad) return error_reply(400, "bad_query", "after must be a cursor (0 or more)", "after");
    CasePage page;
    {
        std::lock_guard lock(store_mutex_);
        page = store_.cases(caller.client->departments, status, *limit, *after, false);
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
    out->set("cases", page.rows);
    out->set("total", page.total);
    out->set("next", page.next ? Poco::Dynamic::Var(*page.next) : Poco::Dynamic::Var());
    return {200, to_json(out)};
}

}  // namespace onewindow::backoffice
