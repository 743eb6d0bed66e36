// The SQLite engine (database.hpp), through SQLiteCpp: one file, WAL, synchronous=FULL (a receipt
// handed to a citizen is a promise), foreign keys, a 5 s busy timeout, BEGIN IMMEDIATE.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "engines.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow::store {

namespace {

[[noreturn]] void fail(const Location& where, const std::exception& e) {
    throw Error(ErrorKind::Storage, trf("{}: {} (nothing was changed)", where.target, e.what()));
}

/// Runs `body`, turning SQLiteCpp's exceptions into Error(Storage) naming the file.
template <typename Body>
auto checked(const Location& where, Body&& body) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        fail(where, e);
    }
}

class SqliteStatement final : public Statement::Impl {
  public:
    SqliteStatement(SQLite::Database& db, const Location& where, std::string_view sql)
        : where_(where),
          statement_(checked(where, [&] { return SQLite::Statement(db, std::string(sql)); })) {}

    void bind_text(int index, std::string_view text) override {
        checked(where_, [&] {
            statement_.bind(index, std::string(text));  // copied: the text may not outlive us
            return 0;
        });
    }
    void bind_integer(int index, long long value) override {
        checked(where_, [&] {
            statement_.bind(index, static_cast<int64_t>(value));
            return 0;
        });
    }
    void bind_null(int index) override {
        checked(where_, [&] {
            statement_.bind(index);
            return 0;
        });
    }
    void bind_blob(int index, std::string_view bytes) override {
        checked(where_, [&] {
            statement_.bind(index, bytes.data(), static_cast<int>(bytes.size()));
            return 0;
        });
    }
    bool step() override {
        if (deferred_) {  // its first row was read by defer()
            deferred_ = false;
            return deferred_row_;
        }
        return checked(where_, [&] { return statement_.executeStep(); });
    }
    long long run() override {
        return checked(where_, [&]() -> long long {
            const int changed = statement_.exec();
            statement_.reset();
            return changed;
        });
    }
    void queue() override {  // SQLite has no answer to wait for: the statement runs now
        checked(where_, [&] {
            while (statement_.executeStep()) {
            }
            statement_.reset();
            return 0;
        });
    }
    void defer() override {  // no pipeline on SQLite: the statement runs now, read by step()
        deferred_row_ = checked(where_, [&] { return statement_.executeStep(); });
        deferred_ = true;
    }
    void reset() override {
        deferred_ = false;
        checked(where_, [&] {
            // tryReset: a statement whose last run failed is reset without that failure again.
            statement_.tryReset();
            statement_.clearBindings();
            return 0;
        });
    }
    int columns() const override { return statement_.getColumnCount(); }
    bool is_null(int column) const override { return statement_.getColumn(column).isNull(); }
    std::string text(int column) const override { return statement_.getColumn(column).getString(); }
    long long int64(int column) const override { return statement_.getColumn(column).getInt64(); }
    double real(int column) const override { return statement_.getColumn(column).getDouble(); }
    std::string blob(int column) const override {
        const auto value = statement_.getColumn(column);
        return std::string(static_cast<const char*>(value.getBlob()),
                           static_cast<std::size_t>(value.getBytes()));
    }

  private:
    const Location& where_;
    mutable SQLite::Statement statement_;
    bool deferred_ = false, deferred_row_ = false;
};

class SqliteDatabase final : public Database {
  public:
    explicit SqliteDatabase(const Location& where)
        : Database(where), db_(checked(where, [&] {
              return SQLite::Database(where.target, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                      5000);
          })) {
        checked(location(), [&] {
            db_.exec("PRAGMA journal_mode = WAL");
            db_.exec("PRAGMA synchronous = FULL");
            db_.exec("PRAGMA foreign_keys = ON");
            return 0;
        });
    }

    // The statements go before the connection they were prepared on.
    ~SqliteDatabase() override { clear_statement_cache(); }

    int schema_version() override {
        return checked(location(), [&] { return db_.execAndGet("PRAGMA user_version").getInt(); });
    }
    void exec(std::string_view sql) override {
        checked(location(), [&] { return db_.exec(std::string(sql)); });
    }

  protected:
    std::unique_ptr<Statement::Impl> make_statement(std::string_view sql, bool) override {
        return std::make_unique<SqliteStatement>(db_, location(), sql);
    }
    // Several connections share the file (the shell's, the dispatcher's): every write
    // transaction begins IMMEDIATE, so a writer waits for the busy timeout instead of failing
    // at once when another connection wrote after it first read (SQLITE_BUSY_SNAPSHOT).
    void begin() override { exec("BEGIN IMMEDIATE"); }
    void commit() override {
        // A statement stepped but not finished (INSERT ... RETURNING read once, a lookup's first
        // row) would keep the transaction from committing: its results were read already.
        for (sqlite3_stmt* s = sqlite3_next_stmt(db_.getHandle(), nullptr); s;
             s = sqlite3_next_stmt(db_.getHandle(), s))
            if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
        exec("COMMIT");
    }
    void rollback() noexcept override {
        try {
            if (!db_.getHandle() || sqlite3_get_autocommit(db_.getHandle())) return;
            db_.exec("ROLLBACK");
        } catch (const std::exception&) {  // nothing more can be done
        }
    }
    void set_schema_version(int version) override {
        exec("PRAGMA user_version = " + std::to_string(version));
    }
    void lock_for_migration() override {}  // BEGIN IMMEDIATE took the file already

  private:
    SQLite::Database db_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const Location& where) {
    return std::make_unique<SqliteDatabase>(where);
}

}  // namespace onewindow::store
