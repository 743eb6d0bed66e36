// Case intake (see service.hpp): counters send one item of one case (POST /v1/cases,
// idempotent on its key) and materials supplied to it later (POST /v1/supplements, idempotent
// on its own key); department staff list the cases of their departments (GET /v1/cases).
#include <Poco/JSON/Object.h>

#include <limits>

#include "onewindow/core/date.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/exchange_messages.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

namespace ex = onewindow::exchange;

namespace {

/// The first answer to `key` again when the body is the same; 409 when it differs.
Reply replay(const std::string& key, const std::string& body_sha256,
             const std::string& stored_sha256, int stored_status, const std::string& answer) {
    if (stored_sha256 == body_sha256) return {stored_status, answer, true};
    return error_reply(409, "idempotency_conflict",
                       "Idempotency-Key \"" + key + "\" was first used with a different body",
                       ex::kIdempotencyHeader);
}

Reply missing_key() {
    return error_reply(400, "missing_idempotency_key",
                       std::string("header ") + ex::kIdempotencyHeader + " is missing",
                       ex::kIdempotencyHeader);
}

}  // namespace

void read_case_body(const Poco::Dynamic::Var& json, NewCase& c, Issues& issues) {
    const ex::CaseMessage message = ex::case_from_json(json, "request body", "$", issues);
    c.case_number = message.case_number;
    c.item = message.item;
    c.department = message.department;
    for (const auto& material : message.materials)
        if (!material.sha256.empty()) c.materials.push_back(material.sha256);
}

Reply Service::post_case(const Caller& caller, const std::string& key, const std::string& body) {
    if (key.empty()) return missing_key();
    const std::string body_sha256 = ex::sha256_hex(body);

    std::lock_guard lock(store_mutex_);
    if (auto stored = store_.find_case(caller.client->id, key))
        return replay(key, body_sha256, stored->body_sha256, stored->response_status,
                      stored->response_body);

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

Reply Service::post_supplement(const Caller& caller, const std::string& key,
                               const std::string& body) {
    if (key.empty()) return missing_key();
    const std::string body_sha256 = ex::sha256_hex(body);

    std::lock_guard lock(store_mutex_);
    if (auto stored = store_.find_supplement(caller.client->id, key))
        return replay(key, body_sha256, stored->body_sha256, 201, stored->response_body);

    Poco::Dynamic::Var json;
    if (auto refused = parse_body(body, json)) return *refused;
    Issues issues;
    const ex::SupplementMessage message =
        ex::supplement_from_json(json, "request body", "$", issues);
    if (!issues.empty()) return invalid(issues);
    if (key != message.supplement + "/" + message.item)
        return error_reply(400, "invalid_request",
                           "Idempotency-Key must be \"<supplement>/<item>\" of the body",
                           ex::kIdempotencyHeader);
    // The case it supplies: the item this counter sent (its key "<case_number>/<item>").
    const auto the_case =
        store_.find_case(caller.client->id, message.case_number + "/" + message.item);
    if (!the_case)
        return error_reply(404, "unknown_case",
                           "no case " + message.case_number + "/" + message.item +
                               " was received from " + caller.client->id,
                           "$.case_number");
    const auto row = store_.find_reference(reference_of(the_case->id));
    if (!row || row->department != message.department)
        return error_reply(409, "department_mismatch",
                           "the case " + message.case_number + "/" + message.item +
                               " is not of department \"" + message.department + "\"",
                           "$.department");

    NewSupplement s;
    s.client = caller.client->id;
    s.idempotency_key = key;
    s.body_sha256 = body_sha256;
    s.body = body;
    s.case_id = the_case->id;
    s.number = message.supplement;
    s.reason = message.reason;
    s.received_at = utc_timestamp_now();
    for (const auto& m : message.materials) s.materials.push_back(m.sha256);
    s.nonce = caller.nonce;
    const std::string answer = store_.insert_supplement(s, [&] {
        Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
        out->set("status", "received");
        out->set("reference", row->reference);
        out->set("supplement", s.number);
        out->set("received_at", s.received_at);
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
