// Moving a counter's own store into a service centre's (store/migrate.hpp).
#include "onewindow/store/migrate.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "onewindow/core/date.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/materials.hpp"

namespace onewindow::store {

namespace {

// Every table of the schema, parents before children. The scans (PostgreSQL's materials table)
// are copied as files/bytes, not as rows. A table missing here is an error, not a silent loss.
const std::vector<std::string> kTables = {
    "users",          "counter_sequences", "cases",
    "case_items",     "item_waits",        "case_materials",
    "clock_pauses",   "notices",           "refusals",
    "outbox",         "exchange_cursors",  "exchange_pulls",
    "item_decisions", "hand_outs",         "ratings",
    "drafts",         "audit_events",      "audit_head",
    "audit_heads",    "supplements",       "supplement_materials"};

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

/// Copies every row of `table`, ids kept; returns how many.
long long copy_table(Database& from, Database& to, const std::string& table) {
    const auto columns = columns_of(to, table);
    std::set<std::string> source;
    for (const auto& c : columns_of(from, table)) source.insert(c.name);
    std::string names, marks;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (!source.count(columns[i].name))
            throw Error(ErrorKind::Storage,
                        trf("Moving the store: the source's table {} has no column {}", table,
                            columns[i].name));
        names += (i ? ", " : "") + columns[i].name;
        marks += (i ? ", ?" : "?") + std::to_string(i + 1);
    }
    Statement read = from.prepare("SELECT " + names + " FROM " + table);
    Statement write = to.prepare(
        "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")" +
        // The target's heads (the legacy head is always there) become the source's.
        (table == "audit_head" || table == "audit_heads"
             ? std::string(" ON CONFLICT (") + (table == "audit_head" ? "id" : "counter") +
                   ") DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash"
             : ""));
    long long rows = 0;
    while (read.step()) {
        write.reset();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const int c = static_cast<int>(i);
            if (read.is_null(c))
                write.bind_null(c + 1);
            else if (columns[i].kind == Kind::Integer)
                write.bind_integer(c + 1, read.int64(c));
            else if (columns[i].kind == Kind::Bytes)
                write.bind_blob(c + 1, read.blob(c));
            else
                write.bind(c + 1, read.text(c));
        }
        write.run();
        ++rows;
    }
    return rows;
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
        target->anchor_audit(anchor);
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
    const long long held = count(*target, "SELECT count(*) FROM cases") +
                           count(*target, "SELECT count(*) FROM audit_events") +
                           count(*target, "SELECT count(*) FROM notices");
    if (held > 0)
        throw Error(ErrorKind::Storage,
                    trf("Moving the store: {} holds cases or audit events of another store "
                        "already; a counter's store moves into an empty store only",
                        to.display()));

    for (const auto& table : kTables) report.rows[table] = copy_table(*source, *target, table);
    // Claims of the old dispatcher are void: the centre's dispatchers take the rows afresh.
    target->exec("UPDATE outbox SET claimed_by = '', claimed_until = ''");
    target->exec("UPDATE exchange_cursors SET pulled_by = '', pull_until = ''");
    target->exec("UPDATE exchange_pulls SET pulled_by = '', pull_until = ''");
    report.pending = count(*target, "SELECT count(*) FROM outbox WHERE state <> 'sent'");
    // Ids were copied: the target's own numbering continues after them.
    if (target->engine() == Engine::PostgreSQL)
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

    const auto verified = AuditRepository(*target).verify();
    if (!verified.ok)
        throw Error(
            ErrorKind::Storage,
            trf("Moving the store: the copied audit log does not verify: {}", verified.message));
    std::string tables;
    for (const auto& [table, rows] : report.rows)
        if (rows) tables += (tables.empty() ? "" : ", ") + table + " " + std::to_string(rows);
    target->append_audit(AuditEvent{0, local_timestamp_now(), actor, "", "store.migrated",
                                    fingerprint,
                                    detail_json({{"from", from.display()},
                                                 {"rows", tables},
                                                 {"materials", std::to_string(report.materials)},
                                                 {"pending", std::to_string(report.pending)}}),
                                    true, ""});
    transaction.commit();
    return report;
}

}  // namespace onewindow::store
