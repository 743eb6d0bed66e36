// PostgreSQL's client programs' view of a store (pg_tools.hpp).
#include "onewindow/store/pg_tools.hpp"

#include <libpq-fe.h>

#include <cstdlib>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow::store {

ToolConnection tool_connection(const Location& where) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(where.target.c_str(), &error);
    if (!options) {
        const std::string why = error ? error : "";
        PQfreemem(error);
        throw Error(ErrorKind::Input,
                    trf("{}: not a PostgreSQL connection string ({})", where.display(), why));
    }
    ToolConnection c;
    for (const PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val || !*o->val) continue;
        const std::string keyword = o->keyword, value = o->val;
        if (keyword == "password") {
            c.password = value;
            continue;
        }
        std::string quoted;
        for (char ch : value) {
            if (ch == '\\' || ch == '\'') quoted += '\\';
            quoted += ch;
        }
        c.conninfo += (c.conninfo.empty() ? "" : " ") + keyword + "='" + quoted + "'";
    }
    PQconninfoFree(options);
    return c;
}

/// How many tables the schema of the database at `where` holds (0: empty, to restore into).
long long tables_in(const Location& where) {
    PGconn* conn = PQconnectdb(where.target.c_str());
    std::string error;
    long long tables = -1;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult* r = PQexec(conn,
                             "SELECT count(*) FROM information_schema.tables WHERE"
                             " table_schema = current_schema()");
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            tables = std::atoll(PQgetvalue(r, 0, 0));
        else
            error = PQresultErrorMessage(r);
        PQclear(r);
    }
    PQfinish(conn);
    if (tables < 0)
        throw Error(ErrorKind::Storage,
                    trf("{}: cannot be reached to restore into ({}); nothing was changed",
                        where.display(), error));
    return tables;
}

}  // namespace onewindow::store
