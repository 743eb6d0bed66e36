// Case intake (see service.hpp): counters send one item of one case (POST /v1/cases,
// idempotent on its key); department staff list the cases of their departments (GET /v1/cases).
#include <Poco/JSON/Object.h>

#include <limits>

#include "onewindow/core/date.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

namespace ex = onewindow::exchange;

namespace {

/// A plain file name: no folder part, no "." or "..", no control characters.
bool plain_file_name(const std::string& name) {
    if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return false;
    return true;
}

}  // namespace

void read_case_body(const Poco::Dynamic::Var& json, NewCase& c, Issues& issues) {
    auto root = ObjectReader::of(json, "request body", "$", issues);
    if (!root.raw()) return;
    c.case_number = root.string("case_number");
    c.item = root.string("item");
    c.department = root.string("department");
    root.opt_integer("item_version", 1, 1000000);
    root.opt_string("accepted_at");
    root.object("applicant", false);
    root.object("values", false);
    // The form's labels and the dictionary types of the values, {key: text}, when sent.
    for (const char* names : {"labels", "types"}) {
        auto object = root.object(names, false);
        if (!object.raw()) continue;
        for (const auto& [key, value] : *object.raw())
            if (!value.isString())
                issues.add("request body", object.path_of(key), "must be a string");
    }
    auto materials = root.array("materials", false);
    for (std::size_t i = 0; i < materials->size(); ++i) {
        auto material = ObjectReader::of(materials->get(static_cast<unsigned>(i)), "request body",
                                         json_path_index(root.path_of("materials"), i), issues);
        if (!material.raw()) continue;
        const std::string name = material.string("name");
        if (!name.empty() && !plain_file_name(name))
            material.fail("name",
                          "must be a plain file name (no folders, no \"..\", no control "
                          "characters)");
        material.opt_string("key");
        if (auto sha = material.opt_string("sha256"); sha && !sha->empty()) {
            if (!is_material_name(*sha))
                material.fail("sha256", "must be a SHA-256 in 64 lowercase hex digits");
            else
                c.materials.push_back(*sha);
        }
    }
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
