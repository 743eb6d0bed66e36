// The case store a test works on, on the engine of its ctest pass.
//
// ctest runs the store and intake tests twice (tests/CMakeLists.txt): as they are, on SQLite
// files, and again under the prefix "postgresql/" with ONEWINDOW_TEST_POSTGRES naming the folder
// of the test run's own PostgreSQL server (tests/postgres/pg_server.sh, started by the ctest
// fixture `postgres`). There each TestStore is a database of its own on that server, created
// empty and dropped when the TestStore goes. The tests tagged [centre] run in that pass only.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/database.hpp"

namespace onewindow::testing {

/// The test server's folder (its Unix socket is there), or "" on the SQLite pass.
inline std::string postgres_server_dir() {
    const char* dir = std::getenv("ONEWINDOW_TEST_POSTGRES");
    return dir ? dir : "";
}
inline bool on_postgresql() { return !postgres_server_dir().empty(); }

/// The libpq URL of database `name` on the test server.
inline std::string postgres_url(const std::string& name) {
    return "postgresql://postgres@/" + name + "?host=" + postgres_server_dir();
}

/// Runs `sql` on the test server's maintenance database (CREATE and DROP DATABASE).
inline void postgres_admin(const std::string& sql) {
    PGconn* conn = PQconnectdb(postgres_url("postgres").c_str());
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult* result = PQexec(conn, sql.c_str());
        if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
        PQclear(result);
    }
    PQfinish(conn);
    if (!error.empty()) throw std::runtime_error("test PostgreSQL server: " + sql + ": " + error);
}

/// A database name no other test of this run uses.
inline std::string unique_database_name() {
    static std::atomic<unsigned> serial{0};
    static const unsigned salt = std::random_device{}();
    return "ow_" + std::to_string(::getpid()) + "_" + std::to_string(salt % 100000) + "_" +
           std::to_string(serial++);
}

class TestStore {
  public:
    /// SQLite: the file `dir`/`file`. PostgreSQL: a new empty database.
    explicit TestStore(const std::filesystem::path& dir, const std::string& file = "counter.db") {
        if (!on_postgresql()) {
            location_ = {store::Engine::SQLite, (dir / file).string()};
            return;
        }
        database_ = unique_database_name();
        postgres_admin("CREATE DATABASE " + database_);
        location_ = {store::Engine::PostgreSQL, postgres_url(database_)};
    }
    ~TestStore() {
        if (database_.empty()) return;
        try {
            postgres_admin("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
        } catch (const std::exception&) {  // the server is gone: nothing to clean
        }
    }
    TestStore(const TestStore&) = delete;
    TestStore& operator=(const TestStore&) = delete;

    const store::Location& location() const { return location_; }
    bool postgresql() const { return location_.engine == store::Engine::PostgreSQL; }

    CaseStore open(const std::filesystem::path& materials, WorkingCalendar calendar) const {
        return CaseStore::open(location_, materials, std::move(calendar));
    }
    /// A connection of its own, for counting rows or tampering as an attacker would.
    std::unique_ptr<store::Database> connect() const { return store::Database::open(location_); }
    /// The first column of the first row of `sql`.
    long long scalar(const std::string& sql) const {
        auto db = connect();
        auto q = db->prepare(sql);
        q.step();
        return q.int64(0);
    }
    long long count(const std::string& table) const {
        return scalar("SELECT count(*) FROM " + table);
    }
    /// The location as counter.json's "store" takes it.
    std::string text() const {
        return postgresql() ? location_.target : "sqlite:" + location_.target;
    }
    /// Points a counter data folder at this store: counter.json's "store" (its other keys kept),
    /// unless it is the folder's own counter.db, which needs no word.
    void configure(const std::filesystem::path& data_dir) const {
        if (!postgresql() && std::filesystem::path(location_.target) == data_dir / "counter.db")
            return;
        std::filesystem::create_directories(data_dir);
        const auto file = data_dir / "counter.json";
        Poco::JSON::Object::Ptr config =
            std::filesystem::exists(file) ? load_json_file(file).extract<Poco::JSON::Object::Ptr>()
                                          : Poco::JSON::Object::Ptr(new Poco::JSON::Object(true));
        if (!config->has("code")) {
            config->set("code", "WX01");
            config->set("name", "魏县政务服务中心综合受理窗口");
            config->set("service_area", "130434");
            config->set("enquiry_phone", "0310-3512345");
        }
        config->set("store", text());
        std::ofstream(file) << to_json(config);
    }

  private:
    store::Location location_;
    std::string database_;
};

/// Runs `work(i)` on `n` threads at once; rethrows the first failure.
template <typename Work>
void at_once(int n, Work work) {
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            try {
                work(i);
            } catch (...) {
                failures[static_cast<std::size_t>(i)] = std::current_exception();
            }
        });
    for (auto& t : threads) t.join();
    for (auto& f : failures)
        if (f) std::rethrow_exception(f);
}

/// Lets `d` change and delete audit events, as whoever can write the database can.
inline void drop_audit_triggers(const TestStore& db, store::Database& d) {
    if (db.postgresql())
        d.exec("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change");
    else
        d.exec("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete");
}

/// Counts the audit events (after the legacy head) whose stored link is not the hash of the
/// previous event of their counter, or of the legacy head for a counter's first (audit.hpp).
inline constexpr const char* kAuditLinksBroken =
    "SELECT count(*) FROM audit_events e, audit_head l WHERE l.id = 1 AND e.id > l.last_id"
    " AND e.prev_hash <> coalesce((SELECT p.hash FROM audit_events p WHERE p.counter = e.counter"
    " AND p.id < e.id AND p.id > l.last_id ORDER BY p.id DESC LIMIT 1), l.hash)";

/// Appends `e` through `d` by hand, as whoever can write the database outside the program would,
/// or a program of before schema 12: on the single legacy chain (audit_head) when `legacy`,
/// else on its counter's chain (audit_heads); hashed plain, or keyed with `key`. Its id.
inline long long append_audit_by_hand(store::Database& d, AuditEvent e, bool legacy,
                                      const std::string& key = "") {
    std::string previous;
    {
        auto head =
            d.prepare(legacy ? "SELECT hash FROM audit_head WHERE id = 1"
                             : "SELECT hash FROM audit_heads WHERE counter = ?1"
                               " UNION ALL SELECT hash FROM audit_head WHERE id = 1 AND"
                               " NOT EXISTS (SELECT 1 FROM audit_heads WHERE counter = ?1)");
        if (!legacy) head.bind(1, e.counter);
        if (!head.step()) throw std::runtime_error("the store has no audit head");
        previous = head.text(0);
    }
    e.hash =
        key.empty() ? store::audit_hash(previous, e) : store::keyed_audit_hash(key, previous, e);
    auto insert = d.prepare(
        "INSERT INTO audit_events (at, actor, counter, type, subject, detail, success,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    insert.bind(1, e.at).bind(2, e.actor).bind(3, e.counter).bind(4, e.type).bind(5, e.subject);
    insert.bind(6, e.detail_json).bind(7, e.success ? 1 : 0).bind(8, previous).bind(9, e.hash);
    if (!insert.step()) throw std::runtime_error("the audit event was not inserted");
    const long long id = insert.int64(0);
    insert.reset();
    auto move = d.prepare(legacy ? "UPDATE audit_head SET last_id = ?1, hash = ?2 WHERE id = 1"
                                 : "INSERT INTO audit_heads (counter, last_id, hash)"
                                   " VALUES (?3, ?1, ?2) ON CONFLICT (counter) DO UPDATE SET"
                                   " last_id = excluded.last_id, hash = excluded.hash");
    move.bind(1, id).bind(2, e.hash);
    if (!legacy) move.bind(3, e.counter);
    move.run();
    return id;
}

/// The TestStore of a test's folder (a SQLite file `dir`/counter.db, or one database on the
/// server), made on first use and kept until the test process ends: for tests that open the
/// store of a folder several times, or hand the folder to the command line.
inline TestStore& test_store(const std::filesystem::path& dir) {
    static std::map<std::string, std::unique_ptr<TestStore>> stores;
    auto& store = stores[dir.string()];
    if (!store) store = std::make_unique<TestStore>(dir);
    return *store;
}

}  // namespace onewindow::testing
