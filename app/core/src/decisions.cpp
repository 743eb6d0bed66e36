// Decisions pulled from the back offices (see case_store.hpp): kept per item, reflected in the
// item's and the case's status, audited; the back office's cursor moves in the same transaction,
// so a decision is never lost nor applied twice, whatever stops the program in between.
#include <Poco/JSON/Object.h>

#include "onewindow/core/json.hpp"
#include "store_internal.hpp"

namespace onewindow {

namespace {

/// The item status a back office's outcome gives (the shell's words for them).
const char* item_status(const std::string& outcome) {
    if (outcome == "approved") return "approved";
    if (outcome == "rejected") return "rejected";
    return "correction_needed";
}

/// Recomputes a case's status from its required items (see record_decisions()).
void update_case_status(StatementCache& cached, int64_t case_id) {
    SQLite::Statement& q = cached(
        "SELECT sum(status = 'correction_needed'), sum(status NOT IN ('approved', 'rejected')),"
        " sum(status = 'rejected'), count(*) FROM case_items WHERE case_id = ? AND required");
    q.bind(1, case_id);
    q.executeStep();
    const long long corrections = q.getColumn(0).getInt64(), open = q.getColumn(1).getInt64(),
                    rejected = q.getColumn(2).getInt64(), total = q.getColumn(3).getInt64();
    q.reset();
    const char* status = corrections > 0     ? "correction_needed"
                         : open > 0          ? nullptr
                         : rejected == total ? "rejected"
                                             : "approved";
    if (!status) return;
    SQLite::Statement& update = cached("UPDATE cases SET status = ? WHERE id = ?");
    update.bind(1, status);
    update.bind(2, case_id);
    update.exec();
}

}  // namespace

long long CaseStore::exchange_cursor(const std::string& back_office) const {
    return guarded(db_file_, [&]() -> long long {
        SQLite::Statement q(*db_, "SELECT cursor FROM exchange_cursors WHERE back_office = ?");
        q.bind(1, back_office);
        return q.executeStep() ? q.getColumn(0).getInt64() : 0;
    });
}

int CaseStore::record_decisions(const std::string& back_office,
                                const std::vector<ItemDecision>& list, long long cursor,
                                const std::string& now) {
    return guarded(db_file_, [&] {
        StatementCache& cached = *statements_;
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        int kept = 0;
        for (const auto& d : list) {
            SQLite::Statement& item = cached(
                "SELECT i.id, c.id, c.counter FROM case_items i JOIN cases c ON c.id = i.case_id"
                " WHERE c.number = ? AND i.code = ?");
            item.bind(1, d.case_number);
            item.bind(2, d.item_code);
            if (!item.executeStep()) continue;  // not a case of this counter
            const int64_t item_id = item.getColumn(0).getInt64(),
                          case_id = item.getColumn(1).getInt64();
            const std::string counter = item.getColumn(2).getString();
            item.reset();

            SQLite::Statement& insert = cached(
                "INSERT INTO item_decisions (case_item_id, back_office, cursor, outcome, reason,"
                " data, missing_materials, decided_by, decided_at, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
            insert.bind(1, item_id);
            insert.bind(2, back_office);
            insert.bind(3, static_cast<int64_t>(d.cursor));
            int c = 3;
            for (const std::string* text : {&d.outcome, &d.reason, &d.data_json, &d.missing_json,
                                            &d.decided_by, &d.decided_at, &now})
                insert.bind(++c, *text);
            if (insert.exec() == 0) continue;  // kept by an earlier pull

            SQLite::Statement& status = cached("UPDATE case_items SET status = ? WHERE id = ?");
            status.bind(1, item_status(d.outcome));
            status.bind(2, item_id);
            status.exec();
            update_case_status(cached, case_id);

            Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
            detail->set("item", d.item_code);
            detail->set("outcome", d.outcome);
            detail->set("back_office", back_office);
            detail->set("cursor", d.cursor);
            detail->set("decided_by", d.decided_by);
            append_audit(cached, AuditEvent{0, now, "dispatcher", counter, "item.decided",
                                            d.case_number, to_json(detail), true, ""});
            ++kept;
        }
        SQLite::Statement& move = cached(
            "INSERT INTO exchange_cursors (back_office, cursor) VALUES (?, ?)"
            " ON CONFLICT (back_office) DO UPDATE SET cursor = max(cursor, excluded.cursor)");
        move.bind(1, back_office);
        move.bind(2, static_cast<int64_t>(cursor));
        move.exec();
        transaction.commit();
        return kept;
    });
}

std::vector<ItemDecision> CaseStore::item_decisions(const std::string& case_number) const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(
            *db_,
            "SELECT d.cursor, c.number, i.code, d.outcome, d.reason, d.data, d.missing_materials,"
            " d.decided_by, d.decided_at, d.received_at FROM item_decisions d"
            " JOIN case_items i ON i.id = d.case_item_id JOIN cases c ON c.id = i.case_id"
            " WHERE c.number = ? ORDER BY d.id");
        q.bind(1, case_number);
        std::vector<ItemDecision> out;
        while (q.executeStep()) {
            ItemDecision d;
            d.cursor = q.getColumn(0).getInt64();
            int c = 1;
            for (std::string* text :
                 {&d.case_number, &d.item_code, &d.outcome, &d.reason, &d.data_json,
                  &d.missing_json, &d.decided_by, &d.decided_at, &d.received_at})
                *text = q.getColumn(c++).getString();
            out.push_back(std::move(d));
        }
        return out;
    });
}

}  // namespace onewindow
