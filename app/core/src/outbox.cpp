// The outbox as the dispatcher sees it (see case_store.hpp and dispatcher.hpp). Rows are written
// at acceptance, one per item route (case_store.cpp); here they are read and their fate recorded.
// Each change is one transaction; success and permanent refusal are audit events, a retry is not
// (it only keeps its error on the row, for the administrator).
#include <Poco/JSON/Object.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "store_internal.hpp"

namespace onewindow {

namespace {

constexpr const char* kOutboxColumns =
    "SELECT c.number, o.item_code, o.department, o.endpoint, o.idempotency_key, o.state,"
    " o.attempts, o.id, c.counter, o.payload, o.next_attempt_at, o.last_error, o.response,"
    " o.sent_at FROM outbox o JOIN cases c ON c.id = o.case_id";

OutboxRow read_outbox_row(SQLite::Statement& q) {
    OutboxRow row;
    int c = 0;
    for (std::string* text : {&row.case_number, &row.item_code, &row.department, &row.endpoint,
                              &row.idempotency_key, &row.state})
        *text = q.getColumn(c++).getString();
    row.attempts = q.getColumn(c++).getInt();
    row.id = q.getColumn(c++).getInt64();
    for (std::string* text : {&row.counter, &row.payload, &row.next_attempt_at, &row.last_error,
                              &row.response, &row.sent_at})
        *text = q.getColumn(c++).getString();
    return row;
}

}  // namespace

std::vector<OutboxRow> CaseStore::outbox(const std::string& case_number) const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(
            *db_, std::string(kOutboxColumns) + " WHERE ?1 = '' OR c.number = ?1 ORDER BY o.id");
        q.bind(1, case_number);
        std::vector<OutboxRow> rows;
        while (q.executeStep()) rows.push_back(read_outbox_row(q));
        return rows;
    });
}

std::vector<OutboxRow> CaseStore::due_outbox(const std::string& now, std::size_t limit) const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(*db_, std::string(kOutboxColumns) +
                                      " WHERE o.state = 'pending' AND o.next_attempt_at <= ?"
                                      " ORDER BY o.next_attempt_at, o.id LIMIT ?");
        q.bind(1, now);
        q.bind(2, static_cast<int64_t>(limit));
        std::vector<OutboxRow> rows;
        while (q.executeStep()) rows.push_back(read_outbox_row(q));
        return rows;
    });
}

namespace {

/// Ends a row's journey (sent or refused) and records the audit event, in one transaction.
void finish_outbox_row(SQLite::Database& db, StatementCache& cached, long long id,
                       const std::string& state, const std::string& response,
                       const std::string& error, const std::string& now) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement row(
        db,
        "SELECT c.number, c.counter, o.item_code, o.endpoint FROM outbox o"
        " JOIN cases c ON c.id = o.case_id WHERE o.id = ? AND o.state = 'pending'");
    row.bind(1, static_cast<int64_t>(id));
    if (!row.executeStep())
        throw Error(ErrorKind::NotFound,
                    "outbox row " + std::to_string(id) + " is not waiting to be sent");
    const std::string number = row.getColumn(0).getString(), counter = row.getColumn(1).getString();
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", row.getColumn(2).getString());
    detail->set("endpoint", row.getColumn(3).getString());
    if (!error.empty()) detail->set("error", error);
    row.reset();

    SQLite::Statement& update = cached(
        "UPDATE outbox SET state = ?, response = ?, last_error = ?, sent_at = ?,"
        " attempts = attempts + 1 WHERE id = ?");
    const std::string sent_at = state == "sent" ? now : std::string();
    int c = 0;
    for (const std::string* value : {&state, &response, &error, &sent_at}) update.bind(++c, *value);
    update.bind(++c, static_cast<int64_t>(id));
    update.exec();
    if (state == "sent") {  // the department has it now
        SQLite::Statement& received = cached(
            "UPDATE case_items SET status = 'received' WHERE status = 'accepted' AND code = ?"
            " AND case_id = (SELECT case_id FROM outbox WHERE id = ?)");
        received.bind(1, detail->getValue<std::string>("item"));
        received.bind(2, static_cast<int64_t>(id));
        received.exec();
    }
    append_audit(cached, AuditEvent{0, now, "dispatcher", counter, "outbox." + state, number,
                                    to_json(detail), state == "sent", ""});
    transaction.commit();
}

}  // namespace

void CaseStore::outbox_sent(long long id, const std::string& response, const std::string& now) {
    guarded(db_file_, [&] {
        finish_outbox_row(*db_, *statements_, id, "sent", response, "", now);
        return 0;
    });
}

void CaseStore::outbox_refused(long long id, const std::string& error, const std::string& now) {
    guarded(db_file_, [&] {
        finish_outbox_row(*db_, *statements_, id, "refused", "", error, now);
        return 0;
    });
}

void CaseStore::requeue_outbox(const std::string& idempotency_key, const std::string& actor,
                               const std::string& now) {
    guarded(db_file_, [&] {
        StatementCache& cached = *statements_;
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement row(*db_,
                              "SELECT o.id, o.state, c.number, c.counter, o.item_code FROM outbox o"
                              " JOIN cases c ON c.id = o.case_id WHERE o.idempotency_key = ?");
        row.bind(1, idempotency_key);
        if (!row.executeStep())
            throw Error(ErrorKind::NotFound,
                        trf("No item waits to be sent under {}", idempotency_key));
        if (row.getColumn(1).getString() == "sent")
            throw Error(ErrorKind::Input, trf("{} was already sent", idempotency_key));
        const int64_t id = row.getColumn(0).getInt64();
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
        detail->set("item", row.getColumn(4).getString());
        detail->set("was", row.getColumn(1).getString());
        const std::string number = row.getColumn(2).getString(),
                          counter = row.getColumn(3).getString();
        row.reset();
        SQLite::Statement& update = cached(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?");
        update.bind(1, now);
        update.bind(2, id);
        update.exec();
        append_audit(cached, AuditEvent{0, now, actor, counter, "outbox.requeued", number,
                                        to_json(detail), true, ""});
        transaction.commit();
        return 0;
    });
}

void CaseStore::outbox_retry(long long id, const std::string& next_attempt_at,
                             const std::string& error) {
    guarded(db_file_, [&] {
        SQLite::Statement& update = (*statements_)(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE id = ? AND state = 'pending'");
        update.bind(1, next_attempt_at);
        update.bind(2, error);
        update.bind(3, static_cast<int64_t>(id));
        if (update.exec() == 0)
            throw Error(ErrorKind::NotFound,
                        "outbox row " + std::to_string(id) + " is not waiting to be sent");
        return 0;
    });
}

}  // namespace onewindow
