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
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/json.hpp"
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
