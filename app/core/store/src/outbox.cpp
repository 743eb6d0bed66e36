// The outbox as the dispatchers see it (store/outbox.hpp). Rows are written at acceptance, one per
// item route (cases.cpp); here they are claimed, read, and their fate recorded.
#include "onewindow/store/outbox.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <map>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"

namespace onewindow::store {

namespace {

/// The items the row `o` of an outbox waits for and that are not approved yet (schema 12): one
/// column of their names (`select`), or for EXISTS.
std::string waiting_for(const std::string& select) {
    return "SELECT " + select +
           " FROM item_waits ww JOIN case_items wi ON wi.id = ww.case_item_id"
           " JOIN case_items wp ON wp.id = ww.waits_for WHERE wi.case_id = o.case_id"
           " AND wi.code = o.item_code AND NOT EXISTS (SELECT 1 FROM item_decisions wd"
           " WHERE wd.case_item_id = wp.id AND wd.outcome = 'approved')";
}

/// A supplement's row (supplements.hpp) is due only once its item's own row was sent: the back
/// office must have the case first. `client`: a parameter naming the exchange client that asks;
/// only the client the item's row was sent under may send it (the back office knows the case
/// from that client only; a row sent before schema 14 names none).
std::string item_sent(std::string_view client = {}) {
    return " AND (o.kind = 'case' OR EXISTS (SELECT 1 FROM outbox oc WHERE oc.case_id = o.case_id"
           " AND oc.item_code = o.item_code AND oc.kind = 'case' AND oc.state = 'sent'" +
           (client.empty() ? std::string()
                           : " AND (oc.client = '' OR oc.client = " + std::string(client) + ")") +
           "))";
}

/// An item of a case as settle_waits() sees it.
struct CaseItemState {
    long long row_id = 0;  // its outbox row (0: none)
    std::string code, status, row_state, forward_by;
    bool preliminary_review = false, rejected = false;
    std::string approved_on;       // the day its approval was received; "" while not approved
    std::vector<long long> waits;  // the ids of the items it waits for
    /// It cannot give its result: rejected, or its row refused, held or withdrawn.
    bool fails() const {
        return rejected || row_state == "refused" || row_state == "blocked" ||
               row_state == "cancelled";
    }
};

/// The items of case `case_id`, by id; empty when none of them waits for another.
std::map<long long, CaseItemState> case_item_states(Database& db, long long case_id) {
    std::map<long long, CaseItemState> items;
    Statement& waits = db.cached(
        "SELECT w.case_item_id, w.waits_for FROM item_waits w"
        " JOIN case_items i ON i.id = w.case_item_id WHERE i.case_id = ?");
    waits.bind(1, case_id);
    std::vector<std::pair<long long, long long>> edges;
    while (waits.step()) edges.emplace_back(waits.int64(0), waits.int64(1));
    waits.reset();
    if (edges.empty()) return items;
    Statement& q = db.cached(
        "SELECT i.id, i.code, i.status, i.preliminary_review, coalesce(o.id, 0),"
        " coalesce(o.state, ''), coalesce(o.forward_by, ''),"
        " CASE WHEN EXISTS (SELECT 1 FROM item_decisions d WHERE d.case_item_id = i.id"
        " AND d.outcome = 'rejected') THEN 1 ELSE 0 END,"
        " coalesce((SELECT max(d.received_at) FROM item_decisions d WHERE d.case_item_id = i.id"
        " AND d.outcome = 'approved'), '')"
        " FROM case_items i LEFT JOIN outbox o ON o.case_id = i.case_id AND o.item_code = i.code"
        " AND o.kind = 'case' WHERE i.case_id = ? ORDER BY i.id");
    q.bind(1, case_id);
    while (q.step()) {
        CaseItemState& item = items[q.int64(0)];
        item.code = q.text(1);
        item.status = q.text(2);
        item.preliminary_review = q.integer(3) != 0;
        item.row_id = q.int64(4);
        item.row_state = q.text(5);
        item.forward_by = q.text(6);
        item.rejected = q.integer(7) != 0;
        item.approved_on = q.text(8).substr(0, 10);
    }
    q.reset();
    for (const auto& [item, prerequisite] : edges) items[item].waits.push_back(prerequisite);
    return items;
}

/// An outbox row not sent, locked for the caller's transaction (requeue, cancel).
struct UnsentRow {
    long long id = 0, case_id = 0;
    std::string state, number, counter, item, kind;
};

/// The row under `idempotency_key`; Error(NotFound) when there is none, Error(Input) when it
/// was sent.
UnsentRow lock_unsent(Database& db, const std::string& idempotency_key) {
    Statement q = db.prepare(
        "SELECT o.id, o.state, c.number, c.counter, o.item_code, o.case_id, o.kind FROM outbox o"
        " JOIN cases c ON c.id = o.case_id WHERE o.idempotency_key = ?" +
        db.for_update("o"));
    q.bind(1, idempotency_key);
    if (!q.step())
        throw Error(ErrorKind::NotFound, trf("No item waits to be sent under {}", idempotency_key));
    if (q.text(1) == "sent")
        throw Error(ErrorKind::Input, trf("{} was already sent", idempotency_key));
    return {q.int64(0), q.int64(5), q.text(1), q.text(2), q.text(3), q.text(4), q.text(6)};
}

/// The first prerequisite of `item` that fails, or nullptr.
const CaseItemState* failing_prerequisite(const std::map<long long, CaseItemState>& items,
                                          const CaseItemState& item) {
    for (const long long id : item.waits)
        if (auto found = items.find(id); found != items.end() && found->second.fails())
            return &found->second;
    return nullptr;
}

/// The columns read_rows() reads; the names waited for are one text, a line each.
std::string outbox_columns(const Database& db) {
    return "SELECT c.number, o.item_code, o.department, o.endpoint, o.idempotency_key, o.state,"
           " o.attempts, o.id, c.counter, o.payload, o.next_attempt_at, o.last_error, o.response,"
           " o.sent_at, o.sent_to, o.forward_by, o.kind, CASE WHEN o.kind = 'case' THEN ''"
           " ELSE (SELECT oc.state FROM outbox oc WHERE oc.case_id = o.case_id"
           " AND oc.item_code = o.item_code AND oc.kind = 'case') END, (" +
           waiting_for(db.list_agg("wp.name", "\n")) +
           ") FROM outbox o JOIN cases c ON c.id = o.case_id";
}

std::vector<OutboxRow> read_rows(Statement& q) {
    std::vector<OutboxRow> rows;
    while (q.step()) {
        OutboxRow row;
        int c = 0;
        for (std::string* text : {&row.case_number, &row.item_code, &row.department, &row.endpoint,
                                  &row.idempotency_key, &row.state})
            *text = q.text(c++);
        row.attempts = q.integer(c++);
        row.id = q.int64(c++);
        for (std::string* text :
             {&row.counter, &row.payload, &row.next_attempt_at, &row.last_error, &row.response,
              &row.sent_at, &row.sent_to, &row.forward_by, &row.kind, &row.item_state})
            *text = q.text(c++);
        if (!q.is_null(c)) {
            std::string names = q.text(c);
            for (std::size_t at; (at = names.find('\n')) != std::string::npos;) {
                row.waiting_for.push_back(names.substr(0, at));
                names.erase(0, at + 1);
            }
            row.waiting_for.push_back(names);
        }
        rows.push_back(std::move(row));
    }
    q.reset();
    return rows;
}

}  // namespace

std::vector<OutboxRow> OutboxRepository::rows(const std::string& case_number) const {
    Statement q =
        db_.prepare(outbox_columns(db_) + " WHERE ?1 = '' OR c.number = ?1 ORDER BY o.id");
    q.bind(1, case_number);
    return read_rows(q);
}

std::vector<OutboxRow> OutboxRepository::due(const std::string& now, std::size_t limit) const {
    Statement& q =
        db_.cached(outbox_columns(db_) + " WHERE o.state = 'pending' AND o.next_attempt_at <= ?" +
                   item_sent() + " AND NOT EXISTS (" + waiting_for("1") +
                   ") ORDER BY o.next_attempt_at, o.id LIMIT ?");
    q.bind(1, now).bind(2, limit);
    return read_rows(q);
}

std::vector<OutboxRow> OutboxRepository::claim_due(const std::string& dispatcher,
                                                   const std::string& client,
                                                   const std::string& now,
                                                   const std::string& lease_until,
                                                   std::size_t limit) {
    Transaction transaction(db_);
    // The rows another dispatcher holds are locked (skipped) or claimed until later (filtered);
    // a row whose item waits for items not approved yet is not due. The claim names the client:
    // a row is sent only while claimed, so the last client that claimed a sent row sent it.
    Statement claim = db_.prepare(
        "UPDATE outbox SET claimed_by = ?1, claimed_until = ?3, client = ?5 WHERE id IN (SELECT"
        " o.id FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= ?2"
        " AND o.claimed_until <= ?2" +
        item_sent("?5") + " AND NOT EXISTS (" + waiting_for("1") +
        ") ORDER BY o.next_attempt_at, o.id LIMIT ?4" + db_.skip_locked() + ") RETURNING id");
    claim.bind(1, dispatcher).bind(2, now).bind(3, lease_until).bind(4, limit).bind(5, client);
    std::string ids;
    while (claim.step()) ids += (ids.empty() ? "" : ",") + std::to_string(claim.int64(0));
    std::vector<OutboxRow> rows;
    if (!ids.empty()) {
        // A supplement goes where its item's row went (that back office has the case).
        db_.prepare(
               "UPDATE outbox SET sent_to = (SELECT oc.sent_to FROM outbox oc"
               " WHERE oc.case_id = outbox.case_id AND oc.item_code = outbox.item_code"
               " AND oc.kind = 'case') WHERE id IN (" +
               ids + ") AND kind = 'supplement' AND sent_to = ''")
            .run();
        Statement q = db_.prepare(outbox_columns(db_) + " WHERE o.id IN (" + ids +
                                  ") ORDER BY o.next_attempt_at, o.id");
        rows = read_rows(q);
    }
    transaction.commit();
    return rows;
}

std::vector<std::string> OutboxRepository::claimers(const std::string& now) const {
    Statement q = db_.prepare(
        "SELECT claimed_by FROM outbox WHERE claimed_by <> '' AND claimed_until > ?1 UNION"
        " SELECT pulled_by FROM exchange_pulls WHERE pulled_by <> '' AND pull_until > ?1");
    q.bind(1, now);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    return out;
}

void OutboxRepository::release_claims(const std::string& claimer) {
    Transaction transaction(db_);
    db_.prepare("UPDATE outbox SET claimed_by = '', claimed_until = '' WHERE claimed_by = ?")
        .bind(1, claimer)
        .run();
    db_.prepare("UPDATE exchange_pulls SET pulled_by = '', pull_until = '' WHERE pulled_by = ?")
        .bind(1, claimer)
        .run();
    transaction.commit();
}

void OutboxRepository::finish(long long id, const std::string& state, const std::string& response,
                              const std::string& error, const std::string& now,
                              const std::string& tried_at) {
    Transaction transaction(db_);
    Statement& row = db_.cached(
        "SELECT c.number, c.counter, o.item_code, o.endpoint, o.forward_by, o.case_id, o.kind,"
        " o.idempotency_key FROM outbox o JOIN cases c ON c.id = o.case_id"
        " WHERE o.id = ? AND o.state = 'pending'" +
        db_.for_update("o"));
    row.bind(1, id);
    if (!row.step())
        throw Error(ErrorKind::NotFound,
                    "outbox row " + std::to_string(id) + " is not waiting to be sent");
    const std::string number = row.text(0), counter = row.text(1), item = row.text(2),
                      endpoint = row.text(3), forward_by = row.text(4);
    const long long case_id = row.int64(5);
    const bool supplement = row.text(6) == "supplement";
    const std::string key = row.text(7);
    row.reset();
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", item);
    if (supplement) detail->set("supplement", key.substr(0, key.rfind('/')));
    detail->set("endpoint", endpoint);
    if (!tried_at.empty() && tried_at != endpoint) detail->set("sent_to", tried_at);
    if (!error.empty()) detail->set("error", error);

    const std::string sent_at = state == "sent" ? now : std::string();
    db_.cached(
           "UPDATE outbox SET state = ?, response = ?, last_error = ?, sent_at = ?,"
           " attempts = attempts + 1,"
           " sent_to = CASE WHEN sent_to = '' THEN ? ELSE sent_to END,"
           " claimed_by = '', claimed_until = '' WHERE id = ?")
        .bind(1, state)
        .bind(2, response)
        .bind(3, error)
        .bind(4, sent_at)
        .bind(5, tried_at)
        .bind(6, id)
        .run();
    if (state == "sent")  // the department has it now
        db_.cached(
               "UPDATE case_items SET status = 'received' WHERE status = 'accepted'"
               " AND code = ? AND case_id = ?")
            .bind(1, item)
            .bind(2, case_id)
            .run();
    db_.append_audit(AuditEvent{0, now, "dispatcher", counter, "outbox." + state, number,
                                to_json(detail), state == "sent", ""});
    if (state == "sent" && !forward_by.empty() && now.substr(0, 10) > forward_by)
        db_.append_audit(AuditEvent{
            0, now, "dispatcher", counter, "forwarding.late", number,
            detail_json({{"item", item}, {"forward_by", forward_by}, {"forwarded_at", now}}), false,
            ""});
    if (state == "refused") settle_waits(db_, calendar_, case_id, now, "dispatcher");
    transaction.commit();
}

void OutboxRepository::sent(long long id, const std::string& response, const std::string& now,
                            const std::string& tried_at) {
    finish(id, "sent", response, "", now, tried_at);
}

void OutboxRepository::refused(long long id, const std::string& error, const std::string& now,
                               const std::string& tried_at) {
    finish(id, "refused", "", error, now, tried_at);
}

void OutboxRepository::requeue(const std::string& idempotency_key, const std::string& actor,
                               const std::string& now) {
    Transaction transaction(db_);
    const UnsentRow row = lock_unsent(db_, idempotency_key);
    const std::string &was = row.state, &item = row.item;
    const long long case_id = row.case_id;
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", item);
    detail->set("was", was);
    if (was == "blocked") {
        // The clerk sends it without the prerequisites that failed: they are no longer waited for.
        const auto items = case_item_states(db_, case_id);
        std::string lifted;
        for (const auto& [id, state] : items) {
            if (state.code != item) continue;
            for (const long long prerequisite : state.waits) {
                const CaseItemState& waited = items.at(prerequisite);
                if (!waited.fails()) continue;
                db_.prepare("DELETE FROM item_waits WHERE case_item_id = ? AND waits_for = ?")
                    .bind(1, id)
                    .bind(2, prerequisite)
                    .run();
                lifted += (lifted.empty() ? "" : ",") + waited.code;
            }
        }
        if (!lifted.empty()) detail->set("lifted", lifted);
    }
    db_.prepare(
           "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?,"
           " sent_to = '', claimed_by = '', claimed_until = '' WHERE id = ?")
        .bind(1, now)
        .bind(2, row.id)
        .run();
    if (row.kind == "case") {
        db_.prepare(
               "UPDATE case_items SET status = 'accepted' WHERE case_id = ? AND code = ?"
               " AND status IN ('blocked', 'cancelled')")
            .bind(1, case_id)
            .bind(2, item)
            .run();
        update_case_status(db_, case_id);
        // The materials supplied for it go again too, after it (item_sent()).
        const long long revived = follow_item(case_id, item, "pending", now);
        if (revived > 0) detail->set("supplements", revived);
    }
    db_.append_audit(AuditEvent{0, now, actor, row.counter, "outbox.requeued", row.number,
                                to_json(detail), true, ""});
    settle_waits(db_, calendar_, case_id, now, actor);
    transaction.commit();
}

void OutboxRepository::cancel(const std::string& idempotency_key, const std::string& reason,
                              const std::string& actor, const std::string& now) {
    if (reason.empty()) throw Error(ErrorKind::Input, tr("Say why the item is withdrawn"));
    Transaction transaction(db_);
    const UnsentRow row = lock_unsent(db_, idempotency_key);
    db_.prepare(
           "UPDATE outbox SET state = 'cancelled', claimed_by = '', claimed_until = ''"
           " WHERE id = ?")
        .bind(1, row.id)
        .run();
    long long withdrawn = 0;
    if (row.kind == "case") {  // a supplement withdrawn leaves its item as it is
        db_.prepare("UPDATE case_items SET status = 'cancelled' WHERE case_id = ? AND code = ?")
            .bind(1, row.case_id)
            .bind(2, row.item)
            .run();
        update_case_status(db_, row.case_id);
        // What was supplied for an item that will not go does not wait for it.
        withdrawn = follow_item(row.case_id, row.item, "cancelled", now);
    }
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", row.item);
    detail->set("was", row.state);
    detail->set("reason", reason);
    if (withdrawn > 0) detail->set("supplements", withdrawn);
    db_.append_audit(AuditEvent{0, now, actor, row.counter, "outbox.cancelled", row.number,
                                to_json(detail), true, ""});
    settle_waits(db_, calendar_, row.case_id, now, actor);
    transaction.commit();
}

long long OutboxRepository::follow_item(long long case_id, const std::string& item,
                                        const std::string& state, const std::string& now) {
    // Withdrawn with the item: those not sent yet. Sent again with it: those withdrawn.
    return db_
        .prepare(std::string("UPDATE outbox SET state = ?1, attempts = 0, next_attempt_at = ?2,"
                             " claimed_by = '', claimed_until = '' WHERE case_id = ?3 AND"
                             " item_code = ?4 AND kind = 'supplement' AND state ") +
                 (state == "cancelled" ? "IN ('pending', 'refused', 'blocked')" : "= 'cancelled'"))
        .bind(1, state)
        .bind(2, now)
        .bind(3, case_id)
        .bind(4, item)
        .run();
}

void OutboxRepository::retry(long long id, const std::string& next_attempt_at,
                             const std::string& error, const std::string& tried_at) {
    const long long changed =
        db_.cached(
               "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?,"
               " last_error = ?, sent_to = CASE WHEN sent_to = '' THEN ? ELSE sent_to END,"
               " claimed_by = '', claimed_until = '' WHERE id = ? AND state = 'pending'")
            .bind(1, next_attempt_at)
            .bind(2, error)
            .bind(3, tried_at)
            .bind(4, id)
            .run();
    if (changed == 0)
        throw Error(ErrorKind::NotFound,
                    "outbox row " + std::to_string(id) + " is not waiting to be sent");
}

std::vector<ForwardingItem> OutboxRepository::awaiting_forwarding(Date today) const {
    Statement q = db_.prepare(
        "SELECT c.number, o.item_code, i.name, i.department_name, o.idempotency_key, o.state,"
        " c.accepted_at, i.preliminary_review, o.forward_by FROM outbox o"
        " JOIN cases c ON c.id = o.case_id"
        " JOIN case_items i ON i.case_id = o.case_id AND i.code = o.item_code"
        " WHERE o.forward_by != '' AND o.state != 'sent'"
        " AND o.state NOT IN ('blocked', 'cancelled') AND NOT EXISTS (" +
        waiting_for("1") + ") ORDER BY o.forward_by, o.id");
    std::vector<ForwardingItem> items;
    while (q.step()) {
        ForwardingItem item;
        int c = 0;
        for (std::string* text :
             {&item.case_number, &item.item_code, &item.item_name, &item.department_name,
              &item.idempotency_key, &item.outbox_state, &item.accepted_at})
            *text = q.text(c++);
        item.preliminary_review = q.integer(c++) != 0;
        item.forward_by = Date::parse(q.text(c++)).value_or(today);
        item.state = deadline_state(calendar_, item.forward_by, today, true);
        items.push_back(std::move(item));
    }
    return items;
}

ForwardingSummary OutboxRepository::forwarding_summary(Date today) const {
    ForwardingSummary summary;
    for (const auto& item : awaiting_forwarding(today)) {
        ++summary.waiting;
        summary.due_soon += item.state == DeadlineState::DueSoon;
        summary.overdue += item.state == DeadlineState::Overdue;
    }
    return summary;
}

void settle_waits(Database& db, const WorkingCalendar& calendar, long long case_id,
                  const std::string& now, const std::string& actor) {
    auto items = case_item_states(db, case_id);
    if (items.empty()) return;  // nothing of this case waits
    std::string number, counter;
    {
        Statement& q = db.cached("SELECT number, counter FROM cases WHERE id = ?");
        q.bind(1, case_id);
        if (q.step()) {
            number = q.text(0);
            counter = q.text(1);
        }
        q.reset();
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (auto& [id, item] : items) {
            if (item.waits.empty() || item.row_id == 0) continue;
            const CaseItemState* failing = failing_prerequisite(items, item);
            if (item.row_state == "pending" && failing) {
                // Held: it cannot be sent with a result its department will never have.
                const std::string why = failing->rejected ? "rejected" : failing->row_state;
                const long long held =
                    db.cached(
                          "UPDATE outbox SET state = 'blocked', last_error = ?,"
                          " claimed_by = '', claimed_until = '' WHERE id = ? AND state = 'pending'")
                        .bind(1, "prerequisite " + failing->code + " " + why)
                        .bind(2, item.row_id)
                        .run();
                if (held == 0) continue;  // sent or changed by another counter meanwhile
                db.cached("UPDATE case_items SET status = 'blocked' WHERE id = ?")
                    .bind(1, id)
                    .run();
                db.append_audit(AuditEvent{
                    0, now, actor, counter, "outbox.held", number,
                    detail_json(
                        {{"item", item.code}, {"waits_for", failing->code}, {"because", why}}),
                    false, ""});
                item.row_state = item.status = "blocked";
                changed = true;
            } else if (item.row_state == "blocked" && !failing) {
                // What it waited for is on its way again: back to waiting.
                const long long released =
                    db.cached(
                          "UPDATE outbox SET state = 'pending', next_attempt_at = ?,"
                          " last_error = '' WHERE id = ? AND state = 'blocked'")
                        .bind(1, now)
                        .bind(2, item.row_id)
                        .run();
                if (released == 0) continue;
                db.cached(
                      "UPDATE case_items SET status = 'accepted' WHERE id = ?"
                      " AND status = 'blocked'")
                    .bind(1, id)
                    .run();
                db.append_audit(AuditEvent{0, now, actor, counter, "outbox.requeued", number,
                                           detail_json({{"item", item.code}, {"was", "blocked"}}),
                                           true, ""});
                item.row_state = "pending";
                item.status = "accepted";
                changed = true;
            } else if (item.row_state == "pending" && !item.forward_by.empty()) {
                // An agent forwards it within its working days from the last approval.
                std::string last;
                for (const long long prerequisite : item.waits)
                    last = std::max(last, items.at(prerequisite).approved_on);
                const bool all_approved =
                    std::all_of(item.waits.begin(), item.waits.end(),
                                [&](long long p) { return !items.at(p).approved_on.empty(); });
                const auto day = Date::parse(last);
                if (!all_approved || !day) continue;
                const std::string forward_by =
                    calendar.forwarding_deadline(*day, item.preliminary_review).iso();
                if (forward_by <= item.forward_by) continue;
                db.cached("UPDATE outbox SET forward_by = ? WHERE id = ? AND state = 'pending'")
                    .bind(1, forward_by)
                    .bind(2, item.row_id)
                    .run();
                item.forward_by = forward_by;
            }
        }
    }
}

}  // namespace onewindow::store

namespace onewindow {

std::string waiting_label(const std::vector<std::string>& names) {
    if (names.empty()) return "";
    std::string quoted;
    for (const auto& name : names) quoted += "「" + name + "」";
    return trf("waits for {} to be decided before it is sent", quoted);
}

std::string outbox_state_label(const OutboxRow& row) {
    if (row.kind == "supplement") {
        if (row.state == "pending")
            return row.item_state == "refused" || row.item_state == "blocked"
                       ? tr("supplied materials, to be sent when the item is sent again")
                       : tr("supplied materials, to be sent");
        if (row.state == "sent") return tr("supplied materials sent to the department");
    }
    if (row.state == "pending")
        return row.waiting_for.empty() ? tr("to be sent") : waiting_label(row.waiting_for);
    if (row.state == "sent") return tr("sent to the department");
    if (row.state == "refused") return tr("refused by the department's system");
    if (row.state == "blocked") return tr("a prerequisite item was not approved; for the window");
    if (row.state == "cancelled") return tr("withdrawn");
    return row.state;
}

std::string ForwardingSummary::text() const {
    if (due_soon > 0 && overdue > 0)
        return trf("{} items to forward are due soon, {} are overdue", std::to_string(due_soon),
                   std::to_string(overdue));
    if (due_soon > 0) return trf("{} items to forward are due soon", std::to_string(due_soon));
    if (overdue > 0) return trf("{} items to forward are overdue", std::to_string(overdue));
    return "";
}

}  // namespace onewindow
