// What PostgreSQL's client programs (pg_dump, pg_restore: backup.hpp) need of a centre's store,
// kept here so that libpq stays inside the store library: the location's connection parameters
// without its password, and whether the database is empty.
// Threads: any; each call that connects opens and closes its own connection.
#pragma once

#include <string>

#include "onewindow/store/database.hpp"

namespace onewindow::store {

/// A PostgreSQL store as the engine's programs take it: its libpq parameters without the
/// password (a command line is visible to every user of the computer), and that password when
/// the location holds one.
struct ToolConnection {
    std::string conninfo, password;
};

/// Error(Input) naming the location when it is not a connection string libpq reads.
ToolConnection tool_connection(const Location& where);

/// How many tables the schema of the database at `where` holds (0: empty, to restore into).
/// Error(Storage) naming the location when it cannot be reached.
long long tables_in(const Location& where);

}  // namespace onewindow::store
