// The outbox as the dispatchers see it (store/outbox.hpp). Rows are written at acceptance, one per
// item route (cases.cpp); here they are claimed, read, and their fate recorded.
#include "onewindow/store/outbox.hpp"

#include <Poco/JSON/Object.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"

namespace onewindow::store {

namespace {

constexpr const char* kOutboxColumns =
    "SELECT c.number, o.item_code, o.department, o.endpoint, o.idempotency_key, o.state,"
    " o.attempts, o.id, c.counter, o.payload, o.next_attempt_at, o.last_error, o.response,"
    " o.sent_at, o.sent_to, o.forward_by FROM outbox o JOIN cases c ON c.id = o.case_id";

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
        for (std::string* text : {&row.counter, &row.payload, &row.next_attempt_at, &row.last_error,
                                  &row.response, &row.sent_at, &row.sent_to, &row.forward_by})
            *text = q.text(c++);
        rows.push_back(std::move(row));
    }
    q.reset();
    return rows;
}

}  // namespace

std::vector<OutboxRow> OutboxRepository::rows(const std::string& case_number) const {
    Statement q =
        db_.prepare(std::string(kOutboxColumns) + " WHERE ?1 = '' OR c.number = ?1 ORDER BY o.id");
    q.bind(1, case_number);
    return read_rows(q);
}

std::vector<OutboxRow> OutboxRepository::due(const std::string& now, std::size_t limit) const {
    Statement& q = db_.cached(
        "SELECT c.number, o.item_code, o.department, o.endpoint, o.idempotency_key, o.state,"
        " o.attempts, o.id, c.counter, o.payload, o.next_attempt_at, o.last_error, o.response,"
        " o.sent_at, o.sent_to, o.forward_by FROM outbox o JOIN cases c ON c.id = o.case_id"
        " WHERE o.state = 'pending' AND o.next_attempt_at <= ?"
        " ORDER BY o.next_attempt_at, o.id LIMIT ?");
    q.bind(1, now).bind(2, limit);
    return read_rows(q);
}

std::vector<OutboxRow> OutboxRepository::claim_due(const std::string& dispatcher,
                                                   const std::string& now,
                                                   const std::string& lease_until,
                                                   std::size_t limit) {
    Transaction transaction(db_);
    // The rows another dispatcher holds are locked (skipped) or claimed until later (filtered).
    Statement claim = db_.prepare(
        "UPDATE outbox SET claimed_by = ?1, claimed_until = ?3 WHERE id IN (SELECT id FROM outbox"
        " WHERE state = 'pending' AND next_attempt_at <= ?2 AND claimed_until <= ?2"
        " ORDER BY next_attempt_at, id LIMIT ?4" +
        db_.skip_locked() + ") RETURNING id");
    claim.bind(1, dispatcher).bind(2, now).bind(3, lease_until).bind(4, limit);
    std::string ids;
    while (claim.step()) ids += (ids.empty() ? "" : ",") + std::to_string(claim.int64(0));
    std::vector<OutboxRow> rows;
    if (!ids.empty()) {
        Statement q = db_.prepare(std::string(kOutboxColumns) + " WHERE o.id IN (" + ids +
                                  ") ORDER BY o.next_attempt_at, o.id");
        rows = read_rows(q);
    }
    transaction.commit();
    return rows;
}

std::vector<std::string> OutboxRepository::claimers(const std::string& now) const {
    Statement q = db_.prepare(
        "SELECT claimed_by FROM outbox WHERE claimed_by <> '' AND claimed_until > ?1 UNION"
        " SELECT pulled_by FROM exchange_cursors WHERE pulled_by <> '' AND pull_until > ?1");
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
    db_.prepare("UPDATE exchange_cursors SET pulled_by = '', pull_until = '' WHERE pulled_by = ?")
        .bind(1, claimer)
        .run();
    transaction.commit();
}

void OutboxRepository::finish(long long id, const std::string& state, const std::string& response,
                              const std::string& error, const std::string& now,
                              const std::string& tried_at) {
    Transaction transaction(db_);
    Statement& row = db_.cached(
        "SELECT c.number, c.counter, o.item_code, o.endpoint, o.forward_by, o.case_id FROM outbox o"
        " JOIN cases c ON c.id = o.case_id WHERE o.id = ? AND o.state = 'pending'" +
        db_.for_update("o"));
    row.bind(1, id);
    if (!row.step())
        throw Error(ErrorKind::NotFound,
                    "outbox row " + std::to_string(id) + " is not waiting to be sent");
    const std::string number = row.text(0), counter = row.text(1), item = row.text(2),
                      endpoint = row.text(3), forward_by = row.text(4);
    const long long case_id = row.int64(5);
    row.reset();
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", item);
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
    Statement row = db_.prepare(
        "SELECT o.id, o.state, c.number, c.counter, o.item_code FROM outbox o"
        " JOIN cases c ON c.id = o.case_id WHERE o.idempotency_key = ?" +
        db_.for_update("o"));
    row.bind(1, idempotency_key);
    if (!row.step())
        throw Error(ErrorKind::NotFound, trf("No item waits to be sent under {}", idempotency_key));
    if (row.text(1) == "sent")
        throw Error(ErrorKind::Input, trf("{} was already sent", idempotency_key));
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", row.text(4));
    detail->set("was", row.text(1));
    db_.prepare(
           "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?,"
           " sent_to = '', claimed_by = '', claimed_until = '' WHERE id = ?")
        .bind(1, now)
        .bind(2, row.int64(0))
        .run();
    db_.append_audit(AuditEvent{0, now, actor, row.text(3), "outbox.requeued", row.text(2),
                                to_json(detail), true, ""});
    transaction.commit();
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
        " WHERE o.forward_by != '' AND o.state != 'sent' ORDER BY o.forward_by, o.id");
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

}  // namespace onewindow::store

namespace onewindow {

std::string ForwardingSummary::text() const {
    if (due_soon > 0 && overdue > 0)
        return trf("{} items to forward are due soon, {} are overdue", std::to_string(due_soon),
                   std::to_string(overdue));
    if (due_soon > 0) return trf("{} items to forward are due soon", std::to_string(due_soon));
    if (overdue > 0) return trf("{} items to forward are overdue", std::to_string(overdue));
    return "";
}

}  // namespace onewindow
