// The PostgreSQL engine (database.hpp), through libpq: statements kept by Database::cached()
// are prepared once per connection under a name of their own; one-use statements go with
// PQexecParams. Values travel as text (bytea as binary), results come back as text.
//
// Inside a transaction, the commands whose answer nobody waits for (BEGIN, Statement::queue())
// are sent in libpq's pipeline mode without waiting: they go out with the next statement whose
// rows or count are needed (or with COMMIT), in one write, and their answers are read before
// its own. A deferred statement (Statement::defer()) goes the same way, and its answer is kept
// for its step(): an accept reads its number and its audit head in one round trip and sends
// everything else with its COMMIT, two round trips in all (twelve before). A queued command that
// fails fails the statement that carried it (the server skips the rest of the pipeline and the
// transaction is rolled back as for any failure); outside pipelines, the connection works as
// without them (PQexec, PQexecPrepared).
//
// A connection that broke (the server restarted, the network failed) is re-established at the
// next statement outside a transaction; inside one, the transaction fails with a Storage error
// and the caller's work is rolled back by the server. Statements prepared before a reconnect
// are prepared again on first use (each remembers the connection's generation).
#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "engines.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow::store {

std::string numbered_placeholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int next = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {  // a literal or a quoted name, doubled quotes inside
            const std::size_t end = sql.find(c, i + 1);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const std::size_t end = sql.find('\n', i);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (c == '?') {
            std::size_t digits = i + 1;
            while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
            int number = ++next;
            if (digits > i + 1) {
                number = std::atoi(std::string(sql.substr(i + 1, digits - i - 1)).c_str());
                next = std::max(next - 1, number);
            }
            out += '$' + std::to_string(number);
            i = digits - 1;
        } else {
            out += c;
        }
    }
    return out;
}

void check_postgres_version(const Location& where, int server_version) {
    const int major = server_version / 10000;
    if (std::find(std::begin(kPostgresMajors), std::end(kPostgresMajors), major) !=
        std::end(kPostgresMajors))
        return;
    throw Error(ErrorKind::Storage,
                trf("{}: the server runs PostgreSQL {}, this program works with PostgreSQL {} to "
                    "{} (nothing was changed)",
                    where.display(), std::to_string(major), std::to_string(kPostgresMajors[0]),
                    std::to_string(std::end(kPostgresMajors)[-1])));
}

namespace {

struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

/// What the server said, in one line, with words of ours for the failures an administrator meets.
std::string server_message(PGconn* conn, const PGresult* result) {
    std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    for (auto& c : message)
        if (c == '\n' || c == '\t') c = ' ';
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (state && std::string_view(state) == "42501")
        return trf("the database role {} lacks the rights for this ({})", PQuser(conn), message);
    if (PQstatus(conn) == CONNECTION_BAD)
        return trf("the connection to the database server was lost ({})", message);
    return message;
}

class PostgresDatabase;

class PostgresStatement final : public Statement::Impl {
  public:
    PostgresStatement(PostgresDatabase& db, std::string sql, std::string name)
        : db_(db), sql_(std::move(sql)), name_(std::move(name)) {}
    ~PostgresStatement() override;
    PostgresStatement(const PostgresStatement&) = delete;
    PostgresStatement& operator=(const PostgresStatement&) = delete;

    void bind_text(int index, std::string_view text) override {
        slot(index) = {std::string(text), true, 0};
    }
    void bind_integer(int index, long long value) override {
        slot(index) = {std::to_string(value), true, 0};
    }
    void bind_null(int index) override { slot(index) = {{}, false, 0}; }
    void bind_blob(int index, std::string_view bytes) override {
        slot(index) = {std::string(bytes), true, 1};
    }
    bool step() override {
        if (!result_) {
            if (awaiting_)
                await();
            else
                execute();
        }
        return ++row_ < PQntuples(result_.get());
    }
    long long run() override {
        execute();
        const long long changed = std::atoll(PQcmdTuples(result_.get()));
        reset_result();
        return changed;
    }
    void queue() override;
    void defer() override;
    void reset() override {
        forget();
        reset_result();
        params_.clear();
    }
    int columns() const override { return result_ ? PQnfields(result_.get()) : 0; }
    bool is_null(int column) const override {
        return PQgetisnull(result_.get(), row_, column) != 0;
    }
    std::string text(int column) const override {
        return std::string(PQgetvalue(result_.get(), row_, column),
                           static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
    }
    long long int64(int column) const override {
        return std::atoll(PQgetvalue(result_.get(), row_, column));
    }
    double real(int column) const override {
        return std::atof(PQgetvalue(result_.get(), row_, column));
    }
    std::string blob(int column) const override {
        size_t size = 0;
        unsigned char* bytes = PQunescapeBytea(
            reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &size);
        if (!bytes) return {};
        std::string out(reinterpret_cast<const char*>(bytes), size);
        PQfreemem(bytes);
        return out;
    }

  private:
    friend class PostgresDatabase;
    struct Param {
        std::string value;
        bool set = false;
        int format = 0;  // 0 text, 1 binary
    };
    Param& slot(int index) {
        if (index < 1) throw Error(ErrorKind::Storage, "parameter index " + std::to_string(index));
        if (params_.size() < static_cast<std::size_t>(index)) params_.resize(index);
        return params_[static_cast<std::size_t>(index - 1)];
    }
    void reset_result() {
        result_.reset();
        row_ = -1;
    }
    /// The bound values as libpq takes them (pointers into params_).
    struct Values {
        std::vector<const char*> values;
        std::vector<int> lengths, formats;
    };
    Values values() const;
    void execute();
    /// Reads the answer of a deferred statement (the pipeline is sent and read if need be).
    void await();
    /// Takes the statement out of the pipeline's list of deferred answers.
    void forget() noexcept;

    PostgresDatabase& db_;
    std::string sql_, name_;  // name_ empty: not kept prepared
    std::vector<Param> params_;
    Result result_;
    int row_ = -1;
    long long prepared_in_ = -1;  // the connection generation it was prepared in
    bool awaiting_ = false;       // deferred: its answer comes with the pipeline's
};

class PostgresDatabase final : public Database {
  public:
    explicit PostgresDatabase(const Location& where) : Database(where) { connect(); }
    ~PostgresDatabase() override {
        clear_statement_cache();
        if (conn_) PQfinish(conn_);
    }

    int schema_version() override {
        Result exists = run_plain("SELECT to_regclass('onewindow_schema') IS NOT NULL");
        if (std::string_view(PQgetvalue(exists.get(), 0, 0)) == "t") {
            Result version = run_plain("SELECT version FROM onewindow_schema");
            return PQntuples(version.get()) ? std::atoi(PQgetvalue(version.get(), 0, 0)) : 0;
        }
        // No schema of ours: the database must be empty, not somebody else's.
        Result tables = run_plain(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog',"
            " 'information_schema')");
        if (std::atoll(PQgetvalue(tables.get(), 0, 0)) > 0)
            throw Error(ErrorKind::Storage,
                        trf("{}: the database holds tables but no OneWindow schema: choose an "
                            "empty database (nothing was changed)",
                            location().display()));
        return 0;
    }
    void exec(std::string_view sql) override { run_plain(std::string(sql)); }

    /// Runs a statement kept prepared (name not empty) or a one-use one; the result of a
    /// command that succeeded. Reconnects once when the connection broke outside a transaction.
    /// In a pipeline, the statement goes out with the commands queued before it.
    Result execute(const std::string& sql, const std::string& name, long long& prepared_in,
                   const std::vector<const char*>& values, const std::vector<int>& lengths,
                   const std::vector<int>& formats) {
        ensure_connected();
        ensure_prepared(sql, name, prepared_in);
        if (piping_) {
            send(sql, name, values, lengths, formats);
            return sync();
        }
        const int n = static_cast<int>(values.size());
        Result result(name.empty() ? PQexecParams(conn_, sql.c_str(), n, nullptr, values.data(),
                                                  lengths.data(), formats.data(), 0)
                                   : PQexecPrepared(conn_, name.c_str(), n, values.data(),
                                                    lengths.data(), formats.data(), 0));
        check(result.get());
        return result;
    }

    /// Sends a statement whose answer nobody waits for (Statement::queue()): inside a
    /// transaction into the pipeline, its answer read with the next statement's; outside one,
    /// run at once.
    void queue(const std::string& sql, const std::string& name, long long& prepared_in,
               const std::vector<const char*>& values, const std::vector<int>& lengths,
               const std::vector<int>& formats) {
        if (transaction_depth() == 0) {
            execute(sql, name, prepared_in, values, lengths, formats);
            return;
        }
        ensure_connected();
        ensure_prepared(sql, name, prepared_in);
        send(sql, name, values, lengths, formats);
        // A long pipeline is read before it grows further (the answers wait in memory).
        if (queued_ >= kMaxQueued) sync();
    }

    /// Sends a statement whose answer its step() reads (Statement::defer()): inside a
    /// transaction into the pipeline, its answer kept for it when the pipeline is read; outside
    /// one, run at once.
    void defer(PostgresStatement& statement, const std::vector<const char*>& values,
               const std::vector<int>& lengths, const std::vector<int>& formats) {
        if (transaction_depth() == 0) {
            statement.result_ = execute(statement.sql_, statement.name_, statement.prepared_in_,
                                        values, lengths, formats);
            return;
        }
        ensure_connected();
        ensure_prepared(statement.sql_, statement.name_, statement.prepared_in_);
        const int command = queued_;
        send(statement.sql_, statement.name_, values, lengths, formats);
        awaiting_.emplace_back(command, &statement);
        statement.awaiting_ = true;
        if (queued_ >= kMaxQueued) sync();
    }
    /// The answer of a deferred statement: the pipeline is sent and read now.
    void await(PostgresStatement& statement) {
        if (piping_) sync();
        if (statement.awaiting_) {  // the pipeline was abandoned: the answer is lost
            forget(statement);
            throw Error(ErrorKind::Storage,
                        trf("{}: {} (nothing was changed)", location().display(),
                            server_message(conn_, nullptr)));
        }
    }
    void forget(PostgresStatement& statement) noexcept {
        std::erase_if(awaiting_, [&](const auto& entry) { return entry.second == &statement; });
        statement.awaiting_ = false;
    }

    std::string next_statement_name() { return "ow" + std::to_string(++statements_); }

  protected:
    std::unique_ptr<Statement::Impl> make_statement(std::string_view sql, bool keep) override {
        return std::make_unique<PostgresStatement>(*this, numbered_placeholders(sql),
                                                   keep ? next_statement_name() : "");
    }
    // BEGIN goes out with the transaction's first statement; COMMIT reads every answer still
    // pending, so a queued command that failed fails the commit.
    void begin() override {
        ensure_connected();
        send("BEGIN", "", {}, {}, {});
    }
    void commit() override {
        if (!piping_) {
            run_plain("COMMIT");
            return;
        }
        send("COMMIT", "", {}, {}, {});
        sync();
    }
    void rollback() noexcept override {
        if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return;
        if (piping_) {
            try {
                sync();
            } catch (const std::exception&) {
                // The pipeline failed: its transaction is rolled back below all the same.
            }
            if (piping_) return;  // the connection broke while reading
        }
        if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
    }
    void set_schema_version(int version) override {
        run_plain("CREATE TABLE IF NOT EXISTS onewindow_schema (version INTEGER NOT NULL)");
        run_plain("DELETE FROM onewindow_schema");
        run_plain("INSERT INTO onewindow_schema (version) VALUES (" + std::to_string(version) +
                  ")");
    }
    void lock_for_migration() override {
        run_plain("SELECT pg_advisory_xact_lock(7277916)");  // "ow" of OneWindow; any fixed key
    }

  private:
    friend class PostgresStatement;

    void connect() {
        if (conn_) PQfinish(conn_);
        piping_ = false;
        queued_ = 0;
        drop_awaiting();
        conn_ = PQconnectdb(location().target.c_str());
        if (PQstatus(conn_) != CONNECTION_OK)
            throw Error(ErrorKind::Storage,
                        trf("The case database {} cannot be reached: {} (nothing was changed)",
                            location().display(), server_message(conn_, nullptr)));
        const int major = PQserverVersion(conn_) / 10000;
        if (std::find(std::begin(kPostgresMajors), std::end(kPostgresMajors), major) ==
            std::end(kPostgresMajors))
            throw Error(
                ErrorKind::Storage,
                trf("{}: the server runs PostgreSQL {}, this program works with "
                    "PostgreSQL {} to {} (nothing was changed)",
                    location().display(), std::to_string(major), std::to_string(kPostgresMajors[0]),
                    std::to_string(std::end(kPostgresMajors)[-1])));
        run_plain("SET client_min_messages = warning");
        // A counter that hangs (or whose PC loses power) inside a transaction must not hold the
        // centre's row locks: the server ends such a session after a minute idle. A counter
        // killed outright closes its socket, and the server rolls back at once.
        run_plain("SET idle_in_transaction_session_timeout = '60s'");
        // A centre's store is a few GB that stays in memory: an index lookup costs little more
        // than a page read in sequence. With the default cost of 4 the planner scans a million
        // cases to join the few thousand open items of the counter log (200 ms instead of 15;
        // pg_daily_log_1m_ms).
        run_plain("SET random_page_cost = 1.1");
        ++generation_;
    }
    void ensure_connected() {
        if (PQstatus(conn_) == CONNECTION_OK) return;
        if (transaction_depth() > 0)
            throw Error(ErrorKind::Storage,
                        trf("{}: {} (nothing was changed)", location().display(),
                            server_message(conn_, nullptr)));
        connect();
    }
    void check(const PGresult* result) {
        const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
        throw Error(ErrorKind::Storage, trf("{}: {} (nothing was changed)", location().display(),
                                            server_message(conn_, result)));
    }
    Result run_plain(const std::string& sql) {
        ensure_connected();
        if (piping_) sync();  // PQexec runs outside pipelines (and several statements at once)
        Result result(PQexec(conn_, sql.c_str()));
        check(result.get());
        return result;
    }
    /// Prepares a kept statement on this connection the first time it runs there (outside any
    /// pipeline: a statement whose preparation failed is never taken for prepared).
    void ensure_prepared(const std::string& sql, const std::string& name, long long& prepared_in) {
        if (name.empty() || prepared_in == generation_) return;
        if (piping_) sync();
        Result prepared(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
        check(prepared.get());
        prepared_in = generation_;
    }
    /// Puts a statement into the pipeline (entering pipeline mode first) without waiting.
    void send(const std::string& sql, const std::string& name,
              const std::vector<const char*>& values, const std::vector<int>& lengths,
              const std::vector<int>& formats) {
        if (!piping_) {
            if (PQenterPipelineMode(conn_) != 1) check(nullptr);
            piping_ = true;
        }
        const int n = static_cast<int>(values.size());
        const int sent = name.empty()
                             ? PQsendQueryParams(conn_, sql.c_str(), n, nullptr, values.data(),
                                                 lengths.data(), formats.data(), 0)
                             : PQsendQueryPrepared(conn_, name.c_str(), n, values.data(),
                                                   lengths.data(), formats.data(), 0);
        if (sent != 1) {
            const std::string message = server_message(conn_, nullptr);
            abandon_pipeline();
            throw Error(ErrorKind::Storage,
                        trf("{}: {} (nothing was changed)", location().display(), message));
        }
        ++queued_;
    }
    /// Sends the pipeline and reads every answer in it; leaves pipeline mode. Returns the last
    /// command's result; Error(Storage) with the first failure's message when one failed (the
    /// server skipped the commands after it).
    Result sync() {
        if (PQpipelineSync(conn_) != 1) {
            const std::string message = server_message(conn_, nullptr);
            abandon_pipeline();
            throw Error(ErrorKind::Storage,
                        trf("{}: {} (nothing was changed)", location().display(), message));
        }
        // Each command's answer ends with a null result; the commands after a failure are
        // answered PGRES_PIPELINE_ABORTED; the sync point closes the pipeline. The answers of
        // deferred statements go to them, by their place in the pipeline.
        Result last, failure;
        bool synced = false;
        int command = 0;
        for (int nulls = 0; !synced && nulls < 2;) {
            Result result(PQgetResult(conn_));
            if (!result) {
                ++nulls;  // a second in a row: nothing more comes (the connection broke)
                continue;
            }
            nulls = 0;
            const auto status = PQresultStatus(result.get());
            if (status == PGRES_PIPELINE_SYNC) {
                synced = true;
                continue;
            }
            const int index = command++;
            if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
                if (!failure) failure = std::move(result);
                continue;
            }
            const auto deferred = std::find_if(awaiting_.begin(), awaiting_.end(),
                                               [&](const auto& e) { return e.first == index; });
            if (deferred == awaiting_.end()) {
                last = std::move(result);
            } else {
                deferred->second->result_ = std::move(result);
                deferred->second->row_ = -1;
                deferred->second->awaiting_ = false;
                awaiting_.erase(deferred);
            }
        }
        if (!synced) {
            const std::string message = server_message(conn_, failure.get());
            abandon_pipeline();
            throw Error(ErrorKind::Storage,
                        trf("{}: {} (nothing was changed)", location().display(), message));
        }
        queued_ = 0;
        drop_awaiting();
        piping_ = PQexitPipelineMode(conn_) != 1;
        if (failure) check(failure.get());
        if (piping_) check(nullptr);
        return last;
    }
    /// After the connection failed mid-pipeline: nothing more is read from it (the next
    /// statement outside a transaction connects again).
    void abandon_pipeline() noexcept {
        queued_ = 0;
        drop_awaiting();
        if (PQstatus(conn_) == CONNECTION_OK && PQexitPipelineMode(conn_) == 1) piping_ = false;
    }

    /// Deferred statements whose answer did not come (a command before them failed): their
    /// step() reports the failure.
    void drop_awaiting() noexcept { awaiting_.clear(); }

    static constexpr int kMaxQueued = 1000;
    PGconn* conn_ = nullptr;
    long long generation_ = 0;
    long long statements_ = 0;
    bool piping_ = false;  // in libpq's pipeline mode, queued_ answers not read yet
    int queued_ = 0;
    std::vector<std::pair<int, PostgresStatement*>> awaiting_;  // place in the pipeline
};

PostgresStatement::Values PostgresStatement::values() const {
    Values out{std::vector<const char*>(params_.size()), std::vector<int>(params_.size()),
               std::vector<int>(params_.size())};
    for (std::size_t i = 0; i < params_.size(); ++i) {
        out.values[i] = params_[i].set ? params_[i].value.data() : nullptr;
        out.lengths[i] = static_cast<int>(params_[i].value.size());
        out.formats[i] = params_[i].format;
    }
    return out;
}

void PostgresStatement::execute() {
    reset_result();
    const Values v = values();
    result_ = db_.execute(sql_, name_, prepared_in_, v.values, v.lengths, v.formats);
}

PostgresStatement::~PostgresStatement() { forget(); }

void PostgresStatement::defer() {
    forget();
    reset_result();
    const Values v = values();
    db_.defer(*this, v.values, v.lengths, v.formats);
}

void PostgresStatement::await() { db_.await(*this); }

void PostgresStatement::forget() noexcept {
    if (awaiting_) db_.forget(*this);
}

void PostgresStatement::queue() {
    reset_result();
    const Values v = values();
    db_.queue(sql_, name_, prepared_in_, v.values, v.lengths, v.formats);
}

}  // namespace

std::unique_ptr<Database> open_postgresql(const Location& where) {
    return std::make_unique<PostgresDatabase>(where);
}

}  // namespace onewindow::store
