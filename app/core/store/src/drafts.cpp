// Drafts of cases being taken in (store/drafts.hpp).
#include "onewindow/store/drafts.hpp"

#include "onewindow/core/date.hpp"

namespace onewindow::store {

namespace {

Draft read_draft(const Statement& q) {
    Draft d;
    d.id = q.int64(0);
    int c = 1;
    for (std::string* text : {&d.clerk, &d.counter, &d.title, &d.items_json, &d.values_json,
                              &d.materials_json, &d.created_at, &d.updated_at})
        *text = q.text(c++);
    return d;
}

constexpr const char* kDraftColumns =
    "SELECT id, clerk, counter, title, items_json, values_json, materials_json, created_at,"
    " updated_at FROM drafts";

}  // namespace

long long DraftRepository::save(const Draft& draft) {
    const std::string now = local_timestamp_now();
    if (draft.id != 0) {
        const long long changed =
            db_.cached(
                   "UPDATE drafts SET title = ?, items_json = ?, values_json = ?,"
                   " materials_json = ?, updated_at = ? WHERE id = ?")
                .bind(1, draft.title)
                .bind(2, draft.items_json)
                .bind(3, draft.values_json)
                .bind(4, draft.materials_json)
                .bind(5, now)
                .bind(6, draft.id)
                .run();
        if (changed == 1) return draft.id;
    }
    Statement& insert = db_.cached(
        "INSERT INTO drafts (clerk, counter, title, items_json, values_json, materials_json,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    insert.bind(1, draft.clerk)
        .bind(2, draft.counter)
        .bind(3, draft.title)
        .bind(4, draft.items_json)
        .bind(5, draft.values_json)
        .bind(6, draft.materials_json)
        .bind(7, draft.created_at.empty() ? now : draft.created_at)
        .bind(8, now);
    insert.step();
    const long long id = insert.int64(0);
    insert.reset();
    return id;
}

std::vector<Draft> DraftRepository::of_clerk(const std::string& clerk) const {
    Statement q = db_.prepare(std::string(kDraftColumns) +
                              " WHERE clerk = ? ORDER BY updated_at DESC, id DESC");
    q.bind(1, clerk);
    std::vector<Draft> out;
    while (q.step()) out.push_back(read_draft(q));
    return out;
}

std::optional<Draft> DraftRepository::find(long long id) const {
    Statement q = db_.prepare(std::string(kDraftColumns) + " WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_draft(q);
}

void DraftRepository::remove(long long id) {
    db_.cached("DELETE FROM drafts WHERE id = ?").bind(1, id).run();
}

}  // namespace onewindow::store
