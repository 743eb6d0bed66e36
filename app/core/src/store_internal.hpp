// Shared by the case store's implementation files (case_store.cpp, accounts.cpp, drafts.cpp):
// the prepared-statement cache, the SQLite error guard and the audit chain. Not a public header.
#pragma once

#include <initializer_list>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/error.hpp"

namespace onewindow {

/// Prepared statements of the hot paths, prepared once per connection and reset for each use.
class StatementCache {
  public:
    explicit StatementCache(SQLite::Database& db) : db_(db) {}
    SQLite::Statement& operator()(const char* sql) {
        auto& statement = statements_[sql];
        if (!statement) statement = std::make_unique<SQLite::Statement>(db_, sql);
        statement->reset();
        statement->clearBindings();
        return *statement;
    }

  private:
    SQLite::Database& db_;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

/// Runs `body`, turning SQLite failures into Error(Storage) that says nothing was changed.
template <typename Body>
auto guarded(const std::filesystem::path& db_file, Body&& body) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::Storage,
                    db_file.string() + ": " + e.what() + " (nothing was changed)");
    }
}

std::string sha256_hex(const std::string& data);

/// Appends one event to the hash chain; call inside the transaction of the change it records.
void append_audit(StatementCache& cached, AuditEvent event);

/// An audit event's detail: {"key": "value", ...} in the given order.
std::string detail_json(std::initializer_list<std::pair<const char*, std::string>> members);

/// `now` checked as "YYYY-MM-DD HH:MM:SS", or the local time when not given.
std::string check_now(const std::optional<std::string>& now);

}  // namespace onewindow
