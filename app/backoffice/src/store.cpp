// The back office's SQLite file (see store.hpp).
#include "store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <charconv>
#include <cstdint>
#include <ctime>
#include <iterator>

#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_messages.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow::backoffice {

namespace {

// Forward-only migrations: step i brings user_version from i to i + 1.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE cases (id INTEGER PRIMARY KEY, client TEXT NOT NULL,
        idempotency_key TEXT NOT NULL, body_sha256 TEXT NOT NULL, body TEXT NOT NULL,
        case_number TEXT NOT NULL, item TEXT NOT NULL, department TEXT NOT NULL,
        received_at TEXT NOT NULL, status TEXT NOT NULL, response_status INTEGER NOT NULL,
        response_body TEXT NOT NULL, UNIQUE (client, idempotency_key));
    CREATE TABLE decisions (cursor INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'rejected', 'correction')),
        reason TEXT NOT NULL, data TEXT NOT NULL, missing_materials TEXT NOT NULL,
        decided_by TEXT NOT NULL, decided_at TEXT NOT NULL);
    CREATE TABLE nonces (client TEXT NOT NULL, nonce TEXT NOT NULL, expires_at INTEGER NOT NULL,
        PRIMARY KEY (client, nonce));
    CREATE INDEX decisions_case ON decisions (case_id);
    )sql",
    R"sql(
    ALTER TABLE decisions ADD COLUMN body_sha256 TEXT NOT NULL DEFAULT '';
    CREATE INDEX cases_department ON cases (department, status);
    )sql",
    // Scan access by a join on the materials a case lists (was a text search in the bodies),
    // filled for the cases already here; upgraded staff password hashes.
    R"sql(
    CREATE TABLE case_materials (sha256 TEXT NOT NULL, case_id INTEGER NOT NULL
        REFERENCES cases(id), PRIMARY KEY (sha256, case_id)) WITHOUT ROWID;
    INSERT OR IGNORE INTO case_materials (sha256, case_id)
        SELECT json_extract(m.value, '$.sha256'), c.id
        FROM cases c, json_each(c.body, '$.materials') m
        WHERE json_valid(c.body) AND json_type(c.body, '$.materials') = 'array'
          AND json_type(m.value, '$.sha256') = 'text'
          AND length(json_extract(m.value, '$.sha256')) = 64;
    CREATE TABLE staff_passwords (name TEXT PRIMARY KEY, replaces TEXT NOT NULL,
        hash TEXT NOT NULL);
    )sql",
    // Materials supplied later to a case (POST /v1/supplements), idempotent like the cases;
    // their scans join case_materials, so staff and the counters' uploads reach them.
    R"sql(
    CREATE TABLE supplements (id INTEGER PRIMARY KEY, client TEXT NOT NULL,
        idempotency_key TEXT NOT NULL, body_sha256 TEXT NOT NULL, body TEXT NOT NULL,
        case_id INTEGER NOT NULL REFERENCES cases(id), number TEXT NOT NULL,
        reason TEXT NOT NULL, received_at TEXT NOT NULL, response_body TEXT NOT NULL,
        UNIQUE (client, idempotency_key));
    CREATE INDEX supplements_case ON supplements (case_id);
    )sql",
};

template <typename Body>
auto guarded(const std::filesystem::path& file, Body&& body) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::Storage, file.string() + ": " + e.what() + " (nothing was changed)");
    }
}

/// Copies text columns of the current row into `object`, each under its name.
void copy_text(Poco::JSON::Object& object, SQLite::Statement& query,
               std::initializer_list<std::pair<const char*, int>> columns) {
    for (auto [name, column] : columns) object.set(name, query.getColumn(column).getString());
}

/// Text columns `first`, `first` + 1, ... of the current row into `fields`, in order.
void read_text(SQLite::Statement& query, int first, std::initializer_list<std::string*> fields) {
    for (std::string* field : fields) *field = query.getColumn(first++).getString();
}

}  // namespace

std::string reference_of(long long case_id) {
    const std::string number = std::to_string(case_id);
    return "BO-" + std::string(number.size() < 6 ? 6 - number.size() : 0, '0') + number;
}

Store::Store(const std::filesystem::path& file) : file_(file) {
    guarded(file_, [&] {
        db_ = std::make_unique<SQLite::Database>(
            file_.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
        db_->exec("PRAGMA journal_mode = WAL");
        db_->exec("PRAGMA synchronous = FULL");
        db_->exec("PRAGMA foreign_keys = ON");
        const int version = db_->execAndGet("PRAGMA user_version").getInt();
        constexpr int known = static_cast<int>(std::size(kMigrations));
        if (version > known)
            throw Error(ErrorKind::Storage, file_.string() + ": written by a newer back office " +
                                                "(schema " + std::to_string(version) + ")");
        for (int step = version; step < known; ++step) {
            SQLite::Transaction transaction(*db_);
            db_->exec(kMigrations[step]);
            db_->exec("PRAGMA user_version = " + std::to_string(step + 1));
            transaction.commit();
        }
        return 0;
    });
}

Store::~Store() = default;

std::optional<StoredCase> Store::find_case(const std::string& client, const std::string& key) {
    return guarded(file_, [&]() -> std::optional<StoredCase> {
        SQLite::Statement query(*db_,
                                "SELECT id, body_sha256, response_status, response_body FROM cases"
                                " WHERE client = ? AND idempotency_key = ?");
        query.bind(1, client);
        query.bind(2, key);
        if (!query.executeStep()) return std::nullopt;
        return StoredCase{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                          query.getColumn(2).getInt(), query.getColumn(3).getString()};
    });
}

std::string Store::insert_case(
    const NewCase& c, int response_status,
    const std::function<std::string(const std::string&)>& make_response) {
    return guarded(file_, [&] {
        SQLite::Transaction transaction(*db_);
        SQLite::Statement insert(
            *db_,
            "INSERT INTO cases (client, idempotency_key, body_sha256, body, case_number, item,"
            " department, received_at, status, response_status, response_body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, '')");
        int i = 0;
        for (const std::string* value : {&c.client, &c.idempotency_key, &c.body_sha256, &c.body,
                                         &c.case_number, &c.item, &c.department, &c.received_at})
            insert.bind(++i, *value);
        insert.bind(++i, response_status);
        insert.exec();
        const long long id = db_->getLastInsertRowid();
        SQLite::Statement listed(
            *db_, "INSERT OR IGNORE INTO case_materials (sha256, case_id) VALUES (?, ?)");
        for (const auto& sha256 : c.materials) {
            listed.bind(1, sha256);
            listed.bind(2, static_cast<std::int64_t>(id));
            listed.exec();
            listed.reset();
        }
        const std::string response = make_response(reference_of(id));
        SQLite::Statement update(*db_, "UPDATE cases SET response_body = ? WHERE id = ?");
        update.bind(1, response);
        update.bind(2, static_cast<std::int64_t>(id));
        update.exec();
        remember_nonce(c.nonce);
        transaction.commit();
        return response;
    });
}

std::optional<StoredSupplement> Store::find_supplement(const std::string& client,
                                                       const std::string& key) {
    return guarded(file_, [&]() -> std::optional<StoredSupplement> {
        SQLite::Statement query(*db_,
                                "SELECT body_sha256, response_body FROM supplements"
                                " WHERE client = ? AND idempotency_key = ?");
        query.bind(1, client);
        query.bind(2, key);
        if (!query.executeStep()) return std::nullopt;
        return StoredSupplement{query.getColumn(0).getString(), query.getColumn(1).getString()};
    });
}

std::string Store::insert_supplement(const NewSupplement& s,
                                     const std::function<std::string()>& make_response) {
    return guarded(file_, [&] {
        SQLite::Transaction transaction(*db_);
        const std::string response = make_response();
        SQLite::Statement insert(
            *db_,
            "INSERT INTO supplements (client, idempotency_key, body_sha256, body, case_id,"
            " number, reason, received_at, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        int i = 0;
        for (const std::string* value : {&s.client, &s.idempotency_key, &s.body_sha256, &s.body})
            insert.bind(++i, *value);
        insert.bind(++i, static_cast<std::int64_t>(s.case_id));
        for (const std::string* value : {&s.number, &s.reason, &s.received_at, &response})
            insert.bind(++i, *value);
        insert.exec();
        SQLite::Statement listed(
            *db_, "INSERT OR IGNORE INTO case_materials (sha256, case_id) VALUES (?, ?)");
        for (const auto& sha256 : s.materials) {
            listed.bind(1, sha256);
            listed.bind(2, static_cast<std::int64_t>(s.case_id));
            listed.exec();
            listed.reset();
        }
        if (s.reason == "correction") {  // what was asked for came: to be decided anew
            SQLite::Statement update(
                *db_,
                "UPDATE cases SET status = 'received' WHERE id = ? AND status = 'correction'");
            update.bind(1, static_cast<std::int64_t>(s.case_id));
            update.exec();
        }
        remember_nonce(s.nonce);
        transaction.commit();
        return response;
    });
}

std::vector<SupplementRow> Store::supplements_of(long long case_id) {
    return guarded(file_, [&] {
        std::vector<SupplementRow> out;
        SQLite::Statement query(*db_,
                                "SELECT client, number, reason, received_at, body FROM supplements"
                                " WHERE case_id = ? ORDER BY id");
        query.bind(1, static_cast<std::int64_t>(case_id));
        while (query.executeStep()) {
            SupplementRow row;
            read_text(query, 0,
                      {&row.client, &row.number, &row.reason, &row.received_at, &row.body});
            out.push_back(std::move(row));
        }
        return out;
    });
}

void Store::remember_nonce(const Nonce& n) {
    SQLite::Statement prune(*db_, "DELETE FROM nonces WHERE expires_at < ?");
    prune.bind(1, static_cast<std::int64_t>(std::time(nullptr)));
    prune.exec();
    SQLite::Statement insert(*db_,
                             "INSERT INTO nonces (client, nonce, expires_at) VALUES (?, ?, ?)");
    insert.bind(1, n.client);
    insert.bind(2, n.nonce);
    insert.bind(3, static_cast<std::int64_t>(n.expires_at));
    insert.exec();
}

std::optional<CaseRow> Store::find_reference(const std::string& reference) {
    if (reference.size() < 4 || reference.rfind("BO-", 0) != 0) return std::nullopt;
    long long id = 0;
    const char* first = reference.data() + 3;
    const char* last = reference.data() + reference.size();
    auto [end, error] = std::from_chars(first, last, id);
    if (error != std::errc() || end != last || reference_of(id) != reference) return std::nullopt;
    return guarded(file_, [&]() -> std::optional<CaseRow> {
        SQLite::Statement query(*db_,
                                "SELECT client, case_number, item, department, status, received_at,"
                                " body FROM cases WHERE id = ?");
        query.bind(1, static_cast<std::int64_t>(id));
        if (!query.executeStep()) return std::nullopt;
        CaseRow row;
        row.id = id;
        row.reference = reference;
        read_text(query, 0,
                  {&row.client, &row.case_number, &row.item, &row.department, &row.status,
                   &row.received_at, &row.body});
        return row;
    });
}

namespace {

/// "?, ?, ?": `n` SQL parameters for an IN list.
std::string parameter_list(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
    return out;
}

}  // namespace

bool Store::lists_material(const std::vector<std::string>& departments, const std::string& sha256) {
    return guarded(file_, [&] {
        SQLite::Statement query(*db_,
                                "SELECT 1 FROM case_materials m JOIN cases c ON c.id = m.case_id"
                                " WHERE m.sha256 = ? AND c.department IN (" +
                                    parameter_list(departments.size()) + ") LIMIT 1");
        query.bind(1, sha256);
        int i = 1;
        for (const auto& department : departments) query.bind(++i, department);
        return query.executeStep();
    });
}

CasePage Store::cases(const std::vector<std::string>& departments, const std::string& status,
                      int limit, long long cursor, bool newest_first) {
    return guarded(file_, [&] {
        CasePage page;
        page.rows = new Poco::JSON::Array;
        const std::string filter = " FROM cases WHERE department IN (" +
                                   parameter_list(departments.size()) + ")" +
                                   (status.empty() ? "" : " AND status = ?");
        // Binds the filter's parameters from 1 on; the next free index.
        auto bind_filter = [&](SQLite::Statement& statement) {
            int i = 0;
            for (const auto& department : departments) statement.bind(++i, department);
            if (!status.empty()) statement.bind(++i, status);
            return i + 1;
        };
        SQLite::Statement count(*db_, "SELECT count(*)" + filter);
        bind_filter(count);
        count.executeStep();
        page.total = count.getColumn(0).getInt64();

        const std::string bound = cursor <= 0 ? "" : newest_first ? " AND id < ?" : " AND id > ?";
        SQLite::Statement query(
            *db_, "SELECT id, client, case_number, item, department, status, received_at, body" +
                      filter + bound + " ORDER BY id" + (newest_first ? " DESC" : "") + " LIMIT ?");
        int i = bind_filter(query);
        if (cursor > 0) query.bind(i++, static_cast<std::int64_t>(cursor));
        query.bind(i, limit + 1);  // one more tells whether a next page exists
        int rows = 0;
        while (query.executeStep()) {
            const long long id = query.getColumn(0).getInt64();
            if (++rows > limit) {
                page.next =
                    page.rows->getObject(page.rows->size() - 1)->getValue<long long>("cursor");
                break;
            }
            Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
            row->set("cursor", id);
            row->set("reference", reference_of(id));
            copy_text(*row, query,
                      {{"counter", 1},
                       {"case_number", 2},
                       {"item", 3},
                       {"department", 4},
                       {"status", 5},
                       {"received_at", 6}});
            row->set("case", parse_json(query.getColumn(7).getString(), "cases.body"));
            page.rows->add(row);
        }
        return page;
    });
}

std::optional<std::string> Store::staff_password(const std::string& name,
                                                 const std::string& replaces) {
    return guarded(file_, [&]() -> std::optional<std::string> {
        SQLite::Statement query(*db_,
                                "SELECT hash FROM staff_passwords WHERE name = ? AND replaces = ?");
        query.bind(1, name);
        query.bind(2, replaces);
        if (!query.executeStep()) return std::nullopt;
        return query.getColumn(0).getString();
    });
}

void Store::set_staff_password(const std::string& name, const std::string& replaces,
                               const std::string& hash) {
    guarded(file_, [&] {
        SQLite::Statement upsert(*db_,
                                 "INSERT OR REPLACE INTO staff_passwords (name, replaces, hash)"
                                 " VALUES (?, ?, ?)");
        int i = 0;
        for (const std::string* value : {&name, &replaces, &hash}) upsert.bind(++i, *value);
        upsert.exec();
        return 0;
    });
}

std::optional<StoredDecision> Store::last_decision(long long case_id) {
    return guarded(file_, [&]() -> std::optional<StoredDecision> {
        SQLite::Statement query(*db_,
                                "SELECT cursor, outcome, decided_at, body_sha256, reason, data,"
                                " missing_materials, decided_by FROM decisions"
                                " WHERE case_id = ? ORDER BY cursor DESC LIMIT 1");
        query.bind(1, static_cast<std::int64_t>(case_id));
        if (!query.executeStep()) return std::nullopt;
        StoredDecision d;
        d.cursor = query.getColumn(0).getInt64();
        read_text(query, 1,
                  {&d.outcome, &d.decided_at, &d.body_sha256, &d.reason, &d.data_json,
                   &d.missing_json, &d.decided_by});
        return d;
    });
}

long long Store::insert_decision(const NewDecision& d) {
    return guarded(file_, [&] {
        SQLite::Transaction transaction(*db_);
        SQLite::Statement insert(
            *db_,
            "INSERT INTO decisions (case_id, outcome, reason, data, missing_materials,"
            " decided_by, decided_at, body_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, static_cast<std::int64_t>(d.case_id));
        int i = 1;
        for (const std::string* value : {&d.outcome, &d.reason, &d.data_json, &d.missing_json,
                                         &d.decided_by, &d.decided_at, &d.body_sha256})
            insert.bind(++i, *value);
        insert.exec();
        const long long cursor = db_->getLastInsertRowid();
        SQLite::Statement update(*db_, "UPDATE cases SET status = ? WHERE id = ?");
        update.bind(1, d.outcome);
        update.bind(2, static_cast<std::int64_t>(d.case_id));
        update.exec();
        remember_nonce(d.nonce);
        transaction.commit();
        return cursor;
    });
}

std::vector<Nonce> Store::live_nonces(long long now) {
    return guarded(file_, [&] {
        std::vector<Nonce> out;
        SQLite::Statement query(
            *db_, "SELECT client, nonce, expires_at FROM nonces WHERE expires_at >= ?");
        query.bind(1, static_cast<std::int64_t>(now));
        while (query.executeStep())
            out.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                           query.getColumn(2).getInt64()});
        return out;
    });
}

Poco::JSON::Array::Ptr Store::decisions(const std::string& client, long long since, int limit,
                                        long long& last_cursor) {
    return guarded(file_, [&] {
        Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
        last_cursor = since;
        SQLite::Statement query(
            *db_,
            "SELECT d.cursor, c.case_number, c.item, c.department, d.outcome, d.reason, d.data,"
            " d.missing_materials, d.decided_by, d.decided_at, c.id FROM decisions d"
            " JOIN cases c ON c.id = d.case_id WHERE c.client = ? AND d.cursor > ?"
            " ORDER BY d.cursor LIMIT ?");
        query.bind(1, client);
        query.bind(2, static_cast<std::int64_t>(since));
        query.bind(3, limit);
        while (query.executeStep()) {
            exchange::DecisionMessage decision;
            last_cursor = query.getColumn(0).getInt64();
            decision.cursor = last_cursor;
            decision.reference = reference_of(query.getColumn(10).getInt64());
            read_text(query, 1,
                      {&decision.case_number, &decision.item, &decision.department,
                       &decision.outcome, &decision.reason});
            decision.data = parse_json(query.getColumn(6).getString(), "decisions.data")
                                .extract<Poco::JSON::Object::Ptr>();
            auto missing = parse_json(query.getColumn(7).getString(), "decisions.missing_materials")
                               .extract<Poco::JSON::Array::Ptr>();
            for (std::size_t i = 0; i < missing->size(); ++i)
                decision.missing_materials.push_back(
                    missing->getElement<std::string>(static_cast<unsigned>(i)));
            read_text(query, 8, {&decision.decided_by, &decision.decided_at});
            out->add(exchange::decision_to_json(decision));
        }
        return out;
    });
}

}  // namespace onewindow::backoffice
