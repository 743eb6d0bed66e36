// Decisions pulled from the back offices (store/decisions.hpp).
#include "onewindow/store/decisions.hpp"

#include <Poco/JSON/Object.h>

#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/cases.hpp"
#include "onewindow/store/outbox.hpp"

namespace onewindow::store {

namespace {

/// The item status a back office's outcome gives (the shell's words for them).
const char* item_status(const std::string& outcome) {
    if (outcome == "approved") return "approved";
    if (outcome == "rejected") return "rejected";
    return "correction_needed";
}

}  // namespace

long long DecisionRepository::cursor(const std::string& back_office,
                                     const std::string& client) const {
    Statement& q =
        db_.cached("SELECT cursor FROM exchange_pulls WHERE back_office = ? AND client = ?");
    q.bind(1, back_office).bind(2, client);
    long long at = 0;
    if (q.step()) {
        at = q.int64(0);
    } else {
        q.reset();
        Statement& legacy = db_.cached("SELECT cursor FROM exchange_cursors WHERE back_office = ?");
        legacy.bind(1, back_office);
        if (legacy.step()) at = legacy.int64(0);
        legacy.reset();
    }
    q.reset();
    return at;
}

std::optional<long long> DecisionRepository::claim_pull(const std::string& back_office,
                                                        const std::string& client,
                                                        const std::string& puller,
                                                        const std::string& now,
                                                        const std::string& lease_until) {
    // A client's first pull starts where the back office's legacy cursor stood (schema 14).
    Statement& claim = db_.cached(
        "INSERT INTO exchange_pulls (back_office, client, cursor, pulled_by, pull_until)"
        " VALUES (?1, ?5, coalesce((SELECT cursor FROM exchange_cursors WHERE back_office = ?1),"
        " 0), ?2, ?4) ON CONFLICT (back_office, client) DO UPDATE"
        " SET pulled_by = excluded.pulled_by, pull_until = excluded.pull_until"
        " WHERE exchange_pulls.pull_until <= ?3 OR exchange_pulls.pulled_by = ?2"
        " RETURNING cursor");
    claim.bind(1, back_office).bind(2, puller).bind(3, now).bind(4, lease_until).bind(5, client);
    std::optional<long long> at;
    if (claim.step()) at = claim.int64(0);
    claim.reset();
    return at;
}

void DecisionRepository::release_pull(const std::string& back_office, const std::string& client,
                                      const std::string& puller) {
    db_.cached(
           "UPDATE exchange_pulls SET pulled_by = '', pull_until = ''"
           " WHERE back_office = ? AND client = ? AND pulled_by = ?")
        .bind(1, back_office)
        .bind(2, client)
        .bind(3, puller)
        .run();
}

int DecisionRepository::record(const std::string& back_office, const std::string& client,
                               const std::set<std::string>& endpoints,
                               const std::vector<ItemDecision>& list,
                               const std::vector<UnreadableDecision>& unreadable, long long cursor,
                               const std::string& now) {
    Transaction transaction(db_);
    int kept = 0;
    for (const auto& d : list) {
        Statement& item = db_.cached(
            "SELECT i.id, c.id, c.counter, i.status FROM case_items i"
            " JOIN cases c ON c.id = i.case_id WHERE c.number = ? AND i.code = ?");
        item.bind(1, d.case_number).bind(2, d.item_code);
        if (!item.step()) continue;  // not a case of this store
        const long long item_id = item.int64(0), case_id = item.int64(1);
        const std::string counter = item.text(2), status = item.text(3);
        item.reset();

        Statement& known =
            db_.cached("SELECT outcome FROM item_decisions WHERE back_office = ? AND cursor = ?");
        known.bind(1, back_office).bind(2, d.cursor);
        const bool again = known.step();
        known.reset();
        if (again) continue;  // kept by an earlier pull

        const char* problem = nullptr;
        if (!sent_to_one_of(item_id, endpoints))
            problem = "not_sent_there";
        else if (status == "approved" || status == "rejected" || status == "handed_out")
            problem = "already_decided";
        if (problem) {
            // A decided item keeps its decision; the same outcome again is no news.
            if (std::string(problem) == "already_decided" && latest_outcome(item_id) == d.outcome)
                continue;
            set_aside(back_office, d.cursor, d.case_number, counter, problem,
                      d.item_code + " " + d.outcome, now);
            continue;
        }

        Statement& insert = db_.cached(
            "INSERT INTO item_decisions (case_item_id, back_office, cursor, outcome, reason,"
            " data, missing_materials, decided_by, decided_at, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        insert.bind(1, item_id).bind(2, back_office).bind(3, d.cursor);
        int c = 3;
        for (const std::string* text : {&d.outcome, &d.reason, &d.data_json, &d.missing_json,
                                        &d.decided_by, &d.decided_at, &now})
            insert.bind(++c, *text);
        if (insert.run() == 0) continue;  // kept by an earlier pull

        db_.cached("UPDATE case_items SET status = ? WHERE id = ?")
            .bind(1, item_status(d.outcome))
            .bind(2, item_id)
            .run();
        update_case_status(db_, case_id);
        // A correction waits on the applicant: the item's clock stands from the day it is known
        // here until the materials are brought (supplements.hpp resumes it).
        // A decision made without them (a rejection, say) ends the wait on that day.
        const Date today = Date::parse(now.substr(0, 10)).value_or(Date::today());
        if (d.outcome == "correction" && !clock_paused(db_, item_id))
            pause_item_clock(db_, item_id, d.case_number, d.item_code, counter, "补正", today,
                             "dispatcher", now);
        else if (d.outcome != "correction" && clock_paused(db_, item_id))
            resume_item_clock(db_, calendar_, d.case_number, d.item_code, today, "dispatcher", now);

        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
        detail->set("item", d.item_code);
        detail->set("outcome", d.outcome);
        detail->set("back_office", back_office);
        detail->set("cursor", d.cursor);
        detail->set("decided_by", d.decided_by);
        db_.append_audit(AuditEvent{0, now, "dispatcher", counter, "item.decided", d.case_number,
                                    to_json(detail), true, ""});
        // The items of a bundle waiting for this one: held when it was rejected, their agent's
        // forwarding deadline from now when it was the last approval they waited for.
        settle_waits(db_, calendar_, case_id, now, "dispatcher");
        ++kept;
    }
    for (const auto& u : unreadable)
        set_aside(back_office, u.cursor, u.case_number, "", "malformed", u.problem, now);
    db_.cached(
           "INSERT INTO exchange_pulls (back_office, client, cursor) VALUES (?, ?, ?)"
           " ON CONFLICT (back_office, client) DO UPDATE SET cursor = CASE WHEN"
           " excluded.cursor > exchange_pulls.cursor THEN excluded.cursor"
           " ELSE exchange_pulls.cursor END")
        .bind(1, back_office)
        .bind(2, client)
        .bind(3, cursor)
        .run();
    transaction.commit();
    return kept;
}

bool DecisionRepository::sent_to_one_of(long long item_id,
                                        const std::set<std::string>& endpoints) const {
    // The endpoint a row was first tried at; a row never tried (or tried before schema 7 kept
    // it) counts as sent along its route.
    Statement& q = db_.cached(
        "SELECT CASE WHEN o.sent_to <> '' THEN o.sent_to ELSE o.endpoint END FROM outbox o"
        " JOIN case_items i ON i.case_id = o.case_id AND i.code = o.item_code WHERE i.id = ?");
    q.bind(1, item_id);
    bool found = false;
    while (!found && q.step()) found = endpoints.count(q.text(0)) > 0;
    q.reset();
    return found;
}

std::string DecisionRepository::latest_outcome(long long item_id) const {
    Statement& q = db_.cached(
        "SELECT outcome FROM item_decisions WHERE case_item_id = ? ORDER BY id DESC LIMIT 1");
    q.bind(1, item_id);
    const std::string outcome = q.step() ? q.text(0) : std::string();
    q.reset();
    return outcome;
}

void DecisionRepository::set_aside(const std::string& back_office, long long cursor,
                                   const std::string& case_number, const std::string& counter,
                                   const std::string& why, const std::string& what,
                                   const std::string& now) {
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("back_office", back_office);
    detail->set("cursor", cursor);
    detail->set("why", why);
    detail->set("decision", what);
    db_.append_audit(AuditEvent{0, now, "dispatcher", counter, "decision.set_aside", case_number,
                                to_json(detail), false, ""});
}

std::vector<ItemDecision> DecisionRepository::of_case(const std::string& case_number) const {
    Statement& q = db_.cached(
        "SELECT d.cursor, c.number, i.code, d.outcome, d.reason, d.data, d.missing_materials,"
        " d.decided_by, d.decided_at, d.received_at FROM item_decisions d"
        " JOIN case_items i ON i.id = d.case_item_id JOIN cases c ON c.id = i.case_id"
        " WHERE c.number = ? ORDER BY d.id");
    q.bind(1, case_number);
    std::vector<ItemDecision> out;
    while (q.step()) {
        ItemDecision d;
        d.cursor = q.int64(0);
        int c = 1;
        for (std::string* text : {&d.case_number, &d.item_code, &d.outcome, &d.reason, &d.data_json,
                                  &d.missing_json, &d.decided_by, &d.decided_at, &d.received_at})
            *text = q.text(c++);
        out.push_back(std::move(d));
    }
    q.reset();
    return out;
}

}  // namespace onewindow::store
