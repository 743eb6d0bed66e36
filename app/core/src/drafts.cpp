// Drafts of cases being taken in (see case_store.hpp). Autosaved often, so kept small and fast.
#include "store_internal.hpp"

namespace onewindow {

namespace {
Draft read_draft(SQLite::Statement& q) {
    Draft d;
    d.id = q.getColumn(0).getInt64();
    d.clerk = q.getColumn(1).getString();
    d.counter = q.getColumn(2).getString();
    d.title = q.getColumn(3).getString();
    d.items_json = q.getColumn(4).getString();
    d.values_json = q.getColumn(5).getString();
    d.materials_json = q.getColumn(6).getString();
    d.created_at = q.getColumn(7).getString();
    d.updated_at = q.getColumn(8).getString();
    return d;
}
constexpr const char* kDraftColumns =
    "SELECT id, clerk, counter, title, items_json, values_json, materials_json, created_at,"
    " updated_at FROM drafts";
}  // namespace

long long CaseStore::save_draft(const Draft& draft) {
    const std::string now = local_timestamp_now();
    return guarded(db_file_, [&]() -> long long {
        if (draft.id != 0) {
            SQLite::Statement& update = (*statements_)(
                "UPDATE drafts SET title = ?, items_json = ?, values_json = ?, materials_json = ?,"
                " updated_at = ? WHERE id = ?");
            update.bind(1, draft.title);
            update.bind(2, draft.items_json);
            update.bind(3, draft.values_json);
            update.bind(4, draft.materials_json);
            update.bind(5, now);
            update.bind(6, static_cast<int64_t>(draft.id));
            if (update.exec() == 1) return draft.id;
        }
        SQLite::Statement& insert = (*statements_)(
            "INSERT INTO drafts (clerk, counter, title, items_json, values_json, materials_json,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, draft.clerk);
        insert.bind(2, draft.counter);
        insert.bind(3, draft.title);
        insert.bind(4, draft.items_json);
        insert.bind(5, draft.values_json);
        insert.bind(6, draft.materials_json);
        insert.bind(7, draft.created_at.empty() ? now : draft.created_at);
        insert.bind(8, now);
        insert.exec();
        return db_->getLastInsertRowid();
    });
}

std::vector<Draft> CaseStore::drafts(const std::string& clerk) const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(*db_, std::string(kDraftColumns) +
                                      " WHERE clerk = ? ORDER BY updated_at "
                                      "DESC, id DESC");
        q.bind(1, clerk);
        std::vector<Draft> out;
        while (q.executeStep()) out.push_back(read_draft(q));
        return out;
    });
}

std::optional<Draft> CaseStore::find_draft(long long id) const {
    return guarded(db_file_, [&]() -> std::optional<Draft> {
        SQLite::Statement q(*db_, std::string(kDraftColumns) + " WHERE id = ?");
        q.bind(1, static_cast<int64_t>(id));
        if (!q.executeStep()) return std::nullopt;
        return read_draft(q);
    });
}

void CaseStore::delete_draft(long long id) {
    guarded(db_file_, [&] {
        SQLite::Statement q(*db_, "DELETE FROM drafts WHERE id = ?");
        q.bind(1, static_cast<int64_t>(id));
        q.exec();
        return 0;
    });
}

}  // namespace onewindow
