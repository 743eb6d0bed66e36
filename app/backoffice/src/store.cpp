// The back office's SQLite file (see store.hpp).
#include "store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <ctime>
#include <iterator>

#include "onewindow/core/error.hpp"
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
};

template <typename Body>
auto guarded(const std::filesystem::path& file, Body&& body) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::Storage, file.string() + ": " + e.what() + " (nothing was changed)");
    }
}

}  // namespace

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
        std::string number = std::to_string(id);
        const std::string reference =
            "BO-" + std::string(number.size() < 6 ? 6 - number.size() : 0, '0') + number;
        const std::string response = make_response(reference);
        SQLite::Statement update(*db_, "UPDATE cases SET response_body = ? WHERE id = ?");
        update.bind(1, response);
        update.bind(2, static_cast<std::int64_t>(id));
        update.exec();
        SQLite::Statement prune(*db_, "DELETE FROM nonces WHERE expires_at < ?");
        prune.bind(1, static_cast<std::int64_t>(std::time(nullptr)));
        prune.exec();
        SQLite::Statement nonce(*db_,
                                "INSERT INTO nonces (client, nonce, expires_at) VALUES (?, ?, ?)");
        nonce.bind(1, c.client);
        nonce.bind(2, c.nonce);
        nonce.bind(3, static_cast<std::int64_t>(c.nonce_expires_at));
        nonce.exec();
        transaction.commit();
        return response;
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
            " d.missing_materials, d.decided_by, d.decided_at FROM decisions d"
            " JOIN cases c ON c.id = d.case_id WHERE c.client = ? AND d.cursor > ?"
            " ORDER BY d.cursor LIMIT ?");
        query.bind(1, client);
        query.bind(2, static_cast<std::int64_t>(since));
        query.bind(3, limit);
        while (query.executeStep()) {
            Poco::JSON::Object::Ptr decision = new Poco::JSON::Object(true);
            last_cursor = query.getColumn(0).getInt64();
            decision->set("cursor", last_cursor);
            decision->set("case_number", query.getColumn(1).getString());
            decision->set("item", query.getColumn(2).getString());
            decision->set("department", query.getColumn(3).getString());
            decision->set("outcome", query.getColumn(4).getString());
            decision->set("reason", query.getColumn(5).getString());
            decision->set("data", parse_json(query.getColumn(6).getString(), "decisions.data"));
            decision->set("missing_materials", parse_json(query.getColumn(7).getString(),
                                                          "decisions.missing_materials"));
            decision->set("decided_by", query.getColumn(8).getString());
            decision->set("decided_at", query.getColumn(9).getString());
            out->add(decision);
        }
        return out;
    });
}

}  // namespace onewindow::backoffice
