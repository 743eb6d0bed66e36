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
    " o.sent_at, o.sent_to, o.forward_by FROM outbox o JOIN cases c ON c.id = o.case_id";

OutboxRow read_outbox_row(SQLite::Statement& q) {
    OutboxRow row;
    int c = 0;
    for (std::string* text : {&row.case_number, &row.item_code, &row.department, &row.endpoint,
                              &row.idempotency_key, &row.state})
        *text = q.getColumn(c++).getString();
    row.attempts = q.getColumn(c++).getInt();
    row.id = q.getColumn(c++).getInt64();
    for (std::string* text : {&row.counter, &row.payload, &row.next_attempt_at, &row.last_error,
                              &row.response, &row.sent_at, &row.sent_to, &row.forward_by})
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
/// An agent's item acknowledged after its forwarding deadline is also 'forwarding.late'.
void finish_outbox_row(SQLite::Database& db, StatementCache& cached, long long id,
                       const std::string& state, const std::string& response,
                       const std::string& error, const std::string& now,
                       const std::string& tried_at) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement row(
        db,
        "SELECT c.number, c.counter, o.item_code, o.endpoint, o.forward_by FROM outbox o"
        " JOIN cases c ON c.id = o.case_id WHERE o.id = ? AND o.state = 'pending'");
    row.bind(1, static_cast<int64_t>(id));
    if (!row.executeStep())
        throw Error(ErrorKind::NotFound,
                    "outbox row " + std::to_string(id) + " is not waiting to be sent");
    const std::string number = row.getColumn(0).getString(), counter = row.getColumn(1).getString();
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", row.getColumn(2).getString());
    detail->set("endpoint", row.getColumn(3).getString());
    if (!tried_at.empty() && tried_at != row.getColumn(3).getString())
        detail->set("sent_to", tried_at);
    if (!error.empty()) detail->set("error", error);
    const std::string forward_by = row.getColumn(4).getString();
    row.reset();

    SQLite::Statement& update = cached(
        "UPDATE outbox SET state = ?, response = ?, last_error = ?, sent_at = ?,"
        " attempts = attempts + 1, sent_to = CASE WHEN sent_to = '' THEN ? ELSE sent_to END"
        " WHERE id = ?");
    const std::string sent_at = state == "sent" ? now : std::string();
    int c = 0;
    for (const std::string* value : {&state, &response, &error, &sent_at, &tried_at})
        update.bind(++c, *value);
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
    if (state == "sent" && !forward_by.empty() && now.substr(0, 10) > forward_by)
        append_audit(cached,
                     AuditEvent{0, now, "dispatcher", counter, "forwarding.late", number,
                                detail_json({{"item", detail->getValue<std::string>("item")},
                                             {"forward_by", forward_by},
                                             {"forwarded_at", now}}),
                                false, ""});
    transaction.commit();
}

}  // namespace

void CaseStore::outbox_sent(long long id, const std::string& response, const std::string& now,
                            const std::string& tried_at) {
    guarded(db_file_, [&] {
        finish_outbox_row(*db_, *statements_, id, "sent", response, "", now, tried_at);
        return 0;
    });
}

void CaseStore::outbox_refused(long long id, const std::string& error, const std::string& now,
                               const std::string& tried_at) {
    guarded(db_file_, [&] {
        finish_outbox_row(*db_, *statements_, id, "refused", "", error, now, tried_at);
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
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, sent_to = ''"
            " WHERE id = ?");
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
                             const std::string& error, const std::string& tried_at) {
    guarded(db_file_, [&] {
        SQLite::Statement& update = (*statements_)(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,"
            " sent_to = CASE WHEN sent_to = '' THEN ? ELSE sent_to END"
            " WHERE id = ? AND state = 'pending'");
        update.bind(1, next_attempt_at);
        update.bind(2, error);
        update.bind(3, tried_at);
        update.bind(4, static_cast<int64_t>(id));
        if (update.exec() == 0)
            throw Error(ErrorKind::NotFound,
                        "outbox row " + std::to_string(id) + " is not waiting to be sent");
        return 0;
    });
}

}  // namespace onewindow

namespace onewindow {

std::vector<ForwardingItem> CaseStore::awaiting_forwarding(Date today) const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(
            *db_,
            "SELECT c.number, o.item_code, i.name, i.department_name, o.idempotency_key, o.state,"
            " c.accepted_at, i.preliminary_review, o.forward_by FROM outbox o"
            " JOIN cases c ON c.id = o.case_id"
            " JOIN case_items i ON i.case_id = o.case_id AND i.code = o.item_code"
            " WHERE o.forward_by != '' AND o.state != 'sent' ORDER BY o.forward_by, o.id");
        std::vector<ForwardingItem> items;
        while (q.executeStep()) {
            ForwardingItem item;
            int c = 0;
            for (std::string* text :
                 {&item.case_number, &item.item_code, &item.item_name, &item.department_name,
                  &item.idempotency_key, &item.outbox_state, &item.accepted_at})
                *text = q.getColumn(c++).getString();
            item.preliminary_review = q.getColumn(c++).getInt() != 0;
            item.forward_by = Date::parse(q.getColumn(c++).getString()).value_or(today);
            item.state = deadline_state(calendar_, item.forward_by, today, true);
            items.push_back(std::move(item));
        }
        return items;
    });
}

ForwardingSummary CaseStore::forwarding_summary(Date today) const {
    ForwardingSummary summary;
    for (const auto& item : awaiting_forwarding(today)) {
        ++summary.waiting;
        summary.due_soon += item.state == DeadlineState::DueSoon;
        summary.overdue += item.state == DeadlineState::Overdue;
    }
    return summary;
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
