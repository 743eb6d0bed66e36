// Moving a counter's own store into a service centre's (store/migrate.hpp).
#include "onewindow/store/migrate.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "onewindow/core/date.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/materials.hpp"

namespace onewindow::store {

namespace {

// Every table of the schema, parents before children. The scans (PostgreSQL's materials table)
// are copied as files/bytes, not as rows. A table missing here is an error, not a silent loss.
const std::vector<std::string> kTables = {"users",
                                          "counter_sequences",
                                          "cases",
                                          "case_items",
                                          "item_waits",
                                          "case_materials",
                                          "clock_pauses",
                                          "notices",
                                          "refusals",
                                          "outbox",
                                          "exchange_cursors",
                                          "exchange_pulls",
                                          "item_decisions",
                                          "hand_outs",
                                          "ratings",
                                          "drafts",
                                          "audit_events",
                                          "audit_head",
                                          "audit_heads",
                                          "audit_imports",
                                          "supplements",
                                          "supplement_materials"};

enum class Kind { Integer, Text, Bytes };

struct Column {
    std::string name;
    Kind kind;
};

Kind kind_of(std::string type) {
    for (auto& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (type.find("INT") != std::string::npos) return Kind::Integer;
    if (type.find("BLOB") != std::string::npos || type.find("BYTEA") != std::string::npos)
        return Kind::Bytes;
    return Kind::Text;
}

std::vector<std::string> tables_of(Database& db) {
    Statement q = db.prepare(
        db.engine() == Engine::SQLite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema ="
              " current_schema() AND table_type = 'BASE TABLE'");
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    return out;
}

std::vector<Column> columns_of(Database& db, const std::string& table) {
    Statement q = db.prepare(db.engine() == Engine::SQLite
                                 ? "SELECT name, type FROM pragma_table_info(?)"
                                 : "SELECT column_name, data_type FROM information_schema.columns"
                                   " WHERE table_schema = current_schema() AND table_name = ?"
                                   " ORDER BY ordinal_position");
    q.bind(1, table);
    std::vector<Column> out;
    while (q.step()) out.push_back({q.text(0), kind_of(q.text(1))});
    return out;
}

long long count(Database& db, const std::string& sql) {
    Statement q = db.prepare(sql);
    q.step();
    return q.int64(0);
}

/// The newest head of any of the store's audit chains (audit.hpp).
std::string head_of(Database& db) {
    const auto head = chain_head(db, std::nullopt);
    return head ? head->hash : std::string();
}

/// The columns of `table` that refer to another table's id (its declared foreign keys).
std::map<std::string, std::string> references_of(Database& db, const std::string& table) {
    Statement q = db.prepare(
        db.engine() == Engine::SQLite
            ? "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)"
            : "SELECT a.attname, f.relname FROM pg_constraint c"
              " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid"
              " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
              " WHERE c.contype = 'f' AND t.relname = ? AND t.relnamespace ="
              " current_schema()::regnamespace");
    q.bind(1, table);
    std::map<std::string, std::string> out;
    while (q.step()) out[q.text(0)] = q.text(1);
    // Not declared, but an id all the same: a chain's head names its newest event.
    if (table == "audit_heads") out["last_id"] = "audit_events";
    return out;
}

/// A merge's new ids: per table, the source's id to the one it gets in the target.
using IdMaps = std::map<std::string, std::map<long long, long long>>;

/// `n` ids for new rows of `table` in the target, ascending. PostgreSQL draws them from the
/// table's sequence (other counters may draw theirs in between); SQLite, one writer at a time,
/// takes those after the largest.
std::vector<long long> new_ids(Database& db, const std::string& table, long long n) {
    std::vector<long long> ids;
    if (n == 0) return ids;
    if (db.engine() == Engine::PostgreSQL) {
        Statement q = db.prepare("SELECT nextval(pg_get_serial_sequence('" + table +
                                 "', 'id')) FROM generate_series(1, ?)");
        q.bind(1, n);
        while (q.step()) ids.push_back(q.int64(0));
        std::sort(ids.begin(), ids.end());
    } else {
        const long long largest = count(db, "SELECT coalesce(max(id), 0) FROM " + table);
        for (long long i = 1; i <= n; ++i) ids.push_back(largest + i);
    }
    return ids;
}

/// How one table is copied.
struct CopyPlan {
    std::string where;            // which of the source's rows ("": all)
    std::string on_conflict;      // what the target does with a row it has
    std::set<std::string> blank;  // columns written empty (a claim of the old dispatcher)
    IdMaps* ids = nullptr;        // a merge: new ids, references mapped; null: ids kept
};

/// Copies the rows of `table` as `plan` says; returns how many.
long long copy_table(Database& from, Database& to, const std::string& table, const CopyPlan& plan) {
    const auto columns = columns_of(to, table);
    std::set<std::string> source;
    for (const auto& c : columns_of(from, table)) source.insert(c.name);
    std::string names, marks;
    bool has_id = false;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (!source.count(columns[i].name))
            throw Error(ErrorKind::Storage,
                        trf("Moving the store: the source's table {} has no column {}", table,
                            columns[i].name));
        names += (i ? ", " : "") + columns[i].name;
        marks += (i ? ", ?" : "?") + std::to_string(i + 1);
        has_id = has_id || columns[i].name == "id";
    }
    const std::string where = plan.where.empty() ? "" : " WHERE " + plan.where;
    std::map<long long, long long>* renumbered = nullptr;  // this table's new ids
    std::map<std::string, std::string> references;
    if (plan.ids) {
        references = references_of(to, table);
        if (has_id) {
            renumbered = &(*plan.ids)[table];
            const auto fresh =
                new_ids(to, table, count(from, "SELECT count(*) FROM " + table + where));
            Statement old = from.prepare("SELECT id FROM " + table + where + " ORDER BY id");
            for (std::size_t i = 0; old.step(); ++i) (*renumbered)[old.int64(0)] = fresh.at(i);
        }
    }
    Statement read =
        from.prepare("SELECT " + names + " FROM " + table + where + (has_id ? " ORDER BY id" : ""));
    Statement write = to.prepare("INSERT INTO " + table + " (" + names + ") VALUES (" + marks +
                                 ")" + plan.on_conflict);
    long long rows = 0;
    while (read.step()) {
        write.reset();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const int c = static_cast<int>(i);
            const std::string& name = columns[i].name;
            const std::map<long long, long long>* map =
                name == "id" ? renumbered
                : references.count(name) && plan.ids->count(references.at(name))
                    ? &plan.ids->at(references.at(name))
                    : nullptr;
            if (plan.blank.count(name))
                write.bind(c + 1, "");
            else if (read.is_null(c))
                write.bind_null(c + 1);
            else if (map) {
                const auto found = map->find(read.int64(c));
                if (found == map->end())
                    throw Error(ErrorKind::Storage,
                                trf("Moving the store: a row of {} names {} {}, which the "
                                    "source does not have",
                                    table, name, std::to_string(read.int64(c))));
                write.bind_integer(c + 1, found->second);
            } else if (columns[i].kind == Kind::Integer)
                write.bind_integer(c + 1, read.int64(c));
            else if (columns[i].kind == Kind::Bytes)
                write.bind_blob(c + 1, read.blob(c));
            else
                write.bind(c + 1, read.text(c));
        }
        write.queue();  // PostgreSQL: pipelined, its answer read with the next that waits
        ++rows;
    }
    return rows;
}

/// The counters a store has worked for: cases, notices, numbers, drafts, audit chains.
std::set<std::string> counters_of(Database& db) {
    Statement q = db.prepare(
        "SELECT counter FROM cases UNION SELECT counter FROM notices UNION SELECT counter FROM"
        " refusals UNION SELECT counter FROM supplements UNION SELECT counter FROM"
        " counter_sequences UNION SELECT counter FROM drafts UNION SELECT counter FROM"
        " audit_heads");
    std::set<std::string> out;
    while (q.step())
        if (!q.text(0).empty()) out.insert(q.text(0));
    return out;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

/// What keeps the smaller of two cursors (a back office read again from there: decisions
/// already recorded are skipped, none is lost).
std::string smaller_cursor(const std::string& table, const std::string& key) {
    return " ON CONFLICT (" + key + ") DO UPDATE SET cursor = CASE WHEN excluded.cursor < " +
           table + ".cursor THEN excluded.cursor ELSE " + table + ".cursor END";
}

/// Refuses a merge the target cannot take, before anything is written: a counter of the source
/// that has worked on the target already, an account of the same name with another role, a
/// source that holds merged stores itself. Returns the accounts both stores have (the
/// target's stays).
long long check_merge(Database& source, Database& target, const Location& to) {
    if (count(source, "SELECT count(*) FROM audit_imports") > 0)
        throw Error(ErrorKind::Storage,
                    tr("Moving the store: the source holds stores merged into it; move those "
                       "stores' own folders one at a time"));
    std::vector<std::string> both;
    const auto theirs = counters_of(target);
    for (const auto& counter : counters_of(source))
        if (theirs.count(counter)) both.push_back(counter);
    if (!both.empty())
        throw Error(ErrorKind::Storage,
                    trf("Moving the store: the counter {} has cases or audit events in {} "
                        "already: a counter's store is merged once, and two counters never share "
                        "a code",
                        joined(both), to.display()));
    std::map<std::string, std::string> roles;
    {
        Statement q = target.prepare("SELECT name, role FROM users");
        while (q.step()) roles[q.text(0)] = q.text(1);
    }
    std::vector<std::string> clashes;
    long long shared = 0;
    Statement q = source.prepare("SELECT name, role FROM users ORDER BY name");
    while (q.step()) {
        const auto found = roles.find(q.text(0));
        if (found == roles.end()) continue;
        if (found->second == q.text(1))
            ++shared;
        else
            clashes.push_back(q.text(0));
    }
    if (!clashes.empty())
        throw Error(ErrorKind::Storage,
                    trf("Moving the store: the account {} is in both stores with different "
                        "roles; rename it in one of them first",
                        joined(clashes)));
    return shared;
}

/// The source's audit head (audit_head, the legacy one) and its counters' heads, as a segment
/// of the target's ids (audit.hpp).
AuditSegment segment_of(Database& source, const std::map<long long, long long>& events) {
    AuditSegment segment;
    segment.first_id = events.begin()->second;
    segment.last_id = events.rbegin()->second;
    segment.legacy_id = segment.first_id - 1;  // no legacy chain
    {
        Statement q = source.prepare("SELECT last_id, hash FROM audit_head WHERE id = 1");
        if (q.step() && q.int64(0) > 0) {
            segment.legacy_id = events.at(q.int64(0));
            segment.legacy_hash = q.text(1);
        }
    }
    Statement q = source.prepare("SELECT counter, last_id, hash FROM audit_heads ORDER BY counter");
    while (q.step())
        segment.heads.push_back({q.text(0), events.at(q.int64(1)), q.text(2), !q.text(0).empty()});
    return segment;
}

}  // namespace

MigrationReport migrate_store(const Location& from, const std::filesystem::path& from_materials,
                              const Location& to, const std::filesystem::path& to_materials,
                              const std::filesystem::path& anchor, const std::string& actor) {
    if (from.engine == to.engine && from.target == to.target)
        throw Error(ErrorKind::Input,
                    trf("Moving the store: {} is the source and the target", from.display()));
    auto source = Database::open(from);
    auto target = Database::open(to);
    if (!anchor.empty()) {
        source->anchor_audit(anchor);
        target->anchor_audit(anchor, {}, false);  // the folder's head file is its counter's
    }
    MigrationReport report;
    report.source_head = head_of(*source);
    // The source is known by its first audit event: it stays the same whatever the source
    // records after (its own note of the move, say).
    std::string fingerprint = "(empty)";
    {
        Statement first = source->prepare("SELECT hash FROM audit_events ORDER BY id LIMIT 1");
        if (first.step()) fingerprint = first.text(0);
    }

    for (const auto& table : tables_of(*source))
        if (table != "materials" &&
            std::find(kTables.begin(), kTables.end(), table) == kTables.end())
            throw Error(ErrorKind::Storage,
                        trf("Moving the store: the source has a table this program cannot copy: {}",
                            table));

    Transaction transaction(*target);
    // A merge stops every counter's audit appends until it ends (they wait on the heads; see
    // the header comment): its events get ids in one unbroken range.
    if (target->engine() == Engine::PostgreSQL)
        target->exec("LOCK TABLE audit_heads IN EXCLUSIVE MODE");
    {
        Statement done = target->prepare(
            "SELECT count(*) FROM audit_events WHERE type = 'store.migrated' AND subject = ?");
        done.bind(1, fingerprint);
        done.step();
        if (done.int64(0) > 0) {
            report.already_done = true;
            return report;  // rolled back: nothing was written
        }
    }
    report.merged = count(*target, "SELECT count(*) FROM cases") +
                        count(*target, "SELECT count(*) FROM audit_events") +
                        count(*target, "SELECT count(*) FROM notices") >
                    0;
    IdMaps ids;
    if (report.merged) {
        report.shared_accounts = check_merge(*source, *target, to);
        // The source's own chain is checked where it is (with its head file) before its events
        // get new ids.
        const auto verified = AuditRepository(*source).verify();
        if (!verified.ok)
            throw Error(ErrorKind::Storage,
                        trf("Moving the store: the audit log of {} does not verify: {}",
                            from.display(), verified.message));
    }
    for (const auto& table : kTables) {
        CopyPlan plan;
        // Claims of the old dispatcher are void: the centre's dispatchers take the rows afresh.
        if (table == "outbox") plan.blank = {"claimed_by", "claimed_until"};
        if (table == "exchange_cursors" || table == "exchange_pulls")
            plan.blank = {"pulled_by", "pull_until"};
        if (table == "audit_head" || table == "audit_heads")
            // The target's heads (the legacy head is always there) become the source's.
            plan.on_conflict = std::string(" ON CONFLICT (") +
                               (table == "audit_head" ? "id" : "counter") +
                               ") DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash";
        if (report.merged) {
            plan.ids = &ids;
            if (table == "audit_head") continue;  // the source's legacy chain: its segment
            if (table == "audit_heads") {
                plan.where = "counter <> ''";  // its counters go on here; its '' chain ends
                plan.on_conflict.clear();
            }
            if (table == "users") plan.on_conflict = " ON CONFLICT (name) DO NOTHING";
            if (table == "exchange_cursors")
                plan.on_conflict = smaller_cursor(table, "back_office");
            if (table == "exchange_pulls")
                plan.on_conflict = smaller_cursor(table, "back_office, client");
        }
        report.rows[table] = copy_table(*source, *target, table, plan);
    }
    if (report.merged) report.rows["users"] -= report.shared_accounts;
    report.pending = count(*source, "SELECT count(*) FROM outbox WHERE state <> 'sent'");
    // Ids were copied: the target's own numbering continues after them.
    if (target->engine() == Engine::PostgreSQL && !report.merged)
        for (const auto& table : kTables) {
            bool has_id = false;
            for (const auto& c : columns_of(*target, table)) has_id = has_id || c.name == "id";
            if (!has_id || table == "audit_head") continue;
            target->exec("SELECT setval(pg_get_serial_sequence('" + table +
                         "', 'id'),"
                         " coalesce((SELECT max(id) FROM " +
                         table + "), 0) + 1, false)");
        }

    // The scans the cases name, byte for byte.
    MaterialStore scans_from(*source, from_materials), scans_to(*target, to_materials);
    Statement named = source->prepare(
        "SELECT DISTINCT sha256 FROM case_materials WHERE sha256 IS NOT NULL AND sha256 <> ''"
        " UNION SELECT sha256 FROM supplement_materials");
    while (named.step()) {
        const std::string sha = named.text(0);
        const auto bytes = scans_from.read(sha);
        if (!bytes)
            throw Error(ErrorKind::Storage, trf("Moving the store: the scan {} is missing from {}",
                                                sha, from.display()));
        scans_to.put(sha, *bytes);
        ++report.materials;
    }

    std::string tables;
    for (const auto& [table, rows] : report.rows)
        if (rows) tables += (tables.empty() ? "" : ", ") + table + " " + std::to_string(rows);
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("from", from.display());
    detail->set("rows", tables);
    detail->set("materials", std::to_string(report.materials));
    detail->set("pending", std::to_string(report.pending));
    std::optional<AuditSegment> segment;
    if (report.merged && !ids["audit_events"].empty()) {
        segment = segment_of(*source, ids["audit_events"]);
        if (segment->last_id - segment->first_id + 1 !=
            static_cast<long long>(ids["audit_events"].size()))
            throw Error(ErrorKind::Storage,
                        tr("Moving the store: audit events were appended during the merge; try "
                           "again"));
        detail->set("segment", audit_segment_json(*segment));
    }
    const long long event =
        target->append_audit(AuditEvent{0, local_timestamp_now(), actor, "", "store.migrated",
                                        fingerprint, to_json(detail), true, ""});
    if (segment)
        target->prepare("INSERT INTO audit_imports (event_id, first_id, last_id) VALUES (?, ?, ?)")
            .bind(1, event)
            .bind(2, segment->first_id)
            .bind(3, segment->last_id)
            .run();
    // The copy verifies as a whole; with the folder's head file when the ids were kept (a
    // merge compared it with the source before the copy).
    const auto verified = AuditRepository(*target).verify({}, !report.merged);
    if (!verified.ok)
        throw Error(
            ErrorKind::Storage,
            trf("Moving the store: the copied audit log does not verify: {}", verified.message));
    transaction.commit();
    return report;
}

void follow_audit_head(const Location& where, const std::filesystem::path& anchor) {
    const auto head = read_audit_head(anchor);
    if (!head) return;
    auto db = Database::open(where);
    Statement same = db->prepare("SELECT count(*) FROM audit_events WHERE id = ? AND hash = ?");
    same.bind(1, head->first).bind(2, head->second);
    same.step();
    if (same.int64(0) > 0) return;  // the ids were kept
    // A hash names its event: it covers the event's content and its predecessor's hash.
    Statement found = db->prepare("SELECT id FROM audit_events WHERE hash = ?");
    found.bind(1, head->second);
    if (found.step())
        write_file_atomically(anchor / kAuditHeadFile,
                              std::to_string(found.int64(0)) + " " + head->second + "\n");
}

}  // namespace onewindow::store
