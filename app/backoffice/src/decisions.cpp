// Decisions (see service.hpp): department staff decide a case (POST /v1/decisions); counters
// pull the decisions on their cases by cursor, optionally as a long poll (GET /v1/decisions).
#include <Poco/JSON/Object.h>

#include <chrono>
#include <limits>

#include "onewindow/core/date.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

namespace ex = onewindow::exchange;

Reply Service::get_decisions(const Caller& caller, const Poco::URI& uri) {
    bool bad = false;
    auto since = query_number(uri, "since", 0, std::numeric_limits<long long>::max(), bad);
    if (bad) return error_reply(400, "bad_query", "since must be a cursor (0 or more)", "since");
    auto wait = query_number(uri, "wait", 0, 60, bad);
    if (bad) return error_reply(400, "bad_query", "wait must be 0 to 60 seconds", "wait");
    auto limit = query_limit(uri);
    if (!limit) return error_reply(400, "bad_query", "limit must be 1 to 500", "limit");

    // Long polls hold a server thread: at most half of them wait at once, so that cases and
    // decisions always find a free thread; any further poll answers at once.
    struct Slot {
        std::atomic<int>& waiting;
        bool held;
        ~Slot() {
            if (held) --waiting;
        }
    } slot{waiting_, *wait > 0 && ++waiting_ <= max_long_polls_};
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

bool Service::serves(const std::vector<std::string>& departments, const std::string& department) {
    for (const auto& code : departments)
        if (code == department) return true;
    return false;
}

std::string Service::decision_answer(long long cursor, const CaseRow& c, const std::string& outcome,
                                     const std::string& decided_at) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
    out->set("cursor", cursor);
    out->set("reference", c.reference);
    out->set("case_number", c.case_number);
    out->set("item", c.item);
    out->set("outcome", outcome);
    out->set("decided_at", decided_at);
    return to_json(out);
}

std::string read_decision(const Poco::Dynamic::Var& json, NewDecision& d, Issues& issues) {
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

Reply Service::decide(const std::string& actor, const std::vector<std::string>& departments,
                      const std::string& body, const Nonce& nonce) {
    Poco::Dynamic::Var json;
    if (auto refused = parse_body(body, json)) return *refused;
    Issues issues;
    NewDecision d;
    const std::string reference = read_decision(json, d, issues);
    if (!issues.empty()) return invalid(issues);

    std::lock_guard lock(store_mutex_);
    auto c = store_.find_reference(reference);
    if (!c) return error_reply(404, "unknown_case", "no case \"" + reference + "\"", "$.reference");
    if (!serves(departments, c->department))
        return error_reply(403, "forbidden",
                           actor + " does not decide for department \"" + c->department + "\"",
                           "$.reference");
    d.body_sha256 = ex::sha256_hex(body);
    if (auto last = store_.last_decision(c->id)) {
        if (last->body_sha256 == d.body_sha256)
            return {201, decision_answer(last->cursor, *c, last->outcome, last->decided_at), true};
        if (last->outcome != "correction")
            return error_reply(409, "already_decided",
                               c->reference + " was already decided: " + last->outcome,
                               "$.outcome");
    }
    d.case_id = c->id;
    if (d.decided_by.empty()) d.decided_by = actor;
    d.decided_at = utc_timestamp_now();
    d.nonce = nonce;
    const long long cursor = store_.insert_decision(d);
    decided_.notify_all();
    return {201, decision_answer(cursor, *c, d.outcome, d.decided_at)};
}

}  // namespace onewindow::backoffice
