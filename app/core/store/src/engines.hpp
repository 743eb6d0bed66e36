// The two engines behind Database (database.hpp). Not a public header.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "onewindow/store/database.hpp"

namespace onewindow::store {

/// One engine's prepared statement (see Statement for the contract of each call).
class Statement::Impl {
  public:
    virtual ~Impl() = default;
    virtual void bind_text(int index, std::string_view text) = 0;
    virtual void bind_integer(int index, long long value) = 0;
    virtual void bind_null(int index) = 0;
    virtual void bind_blob(int index, std::string_view bytes) = 0;
    virtual bool step() = 0;
    virtual long long run() = 0;
    virtual void queue() = 0;
    virtual void defer() = 0;
    virtual void reset() = 0;
    virtual int columns() const = 0;
    virtual bool is_null(int column) const = 0;
    virtual std::string text(int column) const = 0;
    virtual long long int64(int column) const = 0;
    virtual double real(int column) const = 0;
    virtual std::string blob(int column) const = 0;
};

/// Connect; no schema work (Database::open migrates afterwards).
std::unique_ptr<Database> open_sqlite(const Location& where);
std::unique_ptr<Database> open_postgresql(const Location& where);

/// `sql` with SQLite's `?` and `?N` placeholders as PostgreSQL's `$N` (string literals, quoted
/// names and comments left alone).
std::string numbered_placeholders(std::string_view sql);

}  // namespace onewindow::store
