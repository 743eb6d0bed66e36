// The case store's one connection to its database, whichever engine holds it.
//
// Two engines keep one contract:
//   - SQLite (the embedded default): one file, WAL, synchronous=FULL, foreign keys, a busy
//     timeout, every write transaction BEGIN IMMEDIATE. One counter, a township point, the demo,
//     most tests.
//   - PostgreSQL 15 (a service centre: many counters, one store): through libpq, the C client
//     library, with named prepared statements. Measured against Poco Data's PostgreSQL connector
//     (onewindow-bench pg_poco_data_vs_libpq_insert_ratio: 0.86 on 2,000 prepared inserts over
//     a Unix socket, i.e. no gain worth a layer either way: both wait on the same round trips)
//     and weighed against libpqxx 6.4 (a C++ layer over the same libpq). libpq is chosen
//     because the store needs what those layers hide or re-wrap: statements prepared once per
//     connection and kept across transactions, the SQLSTATE of a failure (a lost connection is
//     re-established, a unique violation is the caller's error), bytea for the scans, the
//     server's version check, and pipeline mode (Statement::queue(), Statement::defer()); both
//     alternatives sit on libpq anyway. The accept transaction waits on two round trips (twelve
//     before the pipeline); its ratios to a bare single-row insert and to its own rows as bare
//     SQL are in README (pg_accept_commit_vs_bare_ratio, pg_accept_commit_vs_same_rows_ratio).
//     The server's major version must be one of kPostgresMajors.
// The engine is chosen by the store's location (Location::parse: a file path, "sqlite:<path>",
// or "postgresql://..." / "postgres://..."), never by code.
//
// Everything that differs between the engines stays in this layer: connecting, the schema
// version (SQLite: PRAGMA user_version; PostgreSQL: the table onewindow_schema), migrations
// (schema.cpp: the same numbered steps written for each engine), placeholders (the
// repositories write `?` and `?N`; PostgreSQL gets `$N`), transactions, row locks
// (for_update(), skip_locked()) and the handful of SQL functions whose names differ
// (list_agg(), hours_between(), contains(), indexed_by()). Repositories (cases, notices and
// refusals, outbox, decisions, accounts, drafts, hand-outs and ratings, audit, the counter log)
// write their SQL once, in the subset both engines read the same way: integers for flags
// (0/1, compared with <> 0), CASE WHEN for counts of conditions, coalesce(), substr(),
// INSERT ... RETURNING, ON CONFLICT.
//
// The audit chain (append_audit()) is written here too: each event stores a hash of its
// predecessor's hash and its own content (audit.hpp: keyed with the audit key when the chain is
// anchored, see anchor_audit()). Since schema 12 there is one chain per counter: an event's
// predecessor is the previous event of ITS counter (AuditEvent::counter; "" for the centre's own
// events, a store join say), and each chain's order is fixed by its own row in audit_heads
// (counter, last_id, hash), which each appending transaction locks (SELECT ... FOR UPDATE on
// PostgreSQL; SQLite's writers are serialised anyway) before it inserts its event and moves the
// head: the events of one counter chain in the order their transactions took that lock, their
// ids grow in that order, and a transaction that rolls back leaves neither event nor head
// behind. Counters therefore append side by side instead of one after another (one head row for
// the whole centre held every accept to one commit at a time: 270-600 cases/s from 20 counters);
// the lock is held from the append to the commit, so repositories append their event last, just
// before committing.
//
// Chains written before schema 12 (one chain for everything, in id order, ordered by the single
// row audit_head) are kept as they are: audit_head stays, frozen, as the LEGACY head (last_id =
// the last event of the old chain, 0 in a store made since; hash = its hash, "" then), and every
// counter's chain starts there: its first event links to the legacy head's hash (its row in
// audit_heads is made from audit_head by the first append). The verifier (AuditRepository::verify)
// walks the events up to the legacy head as one chain in id order, then each counter's chain.
// Step 11 needs no rewrite of any event, so an upgraded file verifies exactly as before.

// Failures: every engine error becomes Error(ErrorKind::Storage) naming the store (never its
// password), what went wrong, and that nothing was changed, which holds because every change
// runs in one Transaction that rolls back when it is not committed (or is one statement).
//
// Threads: a Database is one connection and is used by one thread at a time. Each thread opens
// its own (Database::open is cheap: ~0.1 ms for SQLite, ~2 ms for PostgreSQL on a local socket).
#pragma once

#include <concepts>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "onewindow/core/error.hpp"

namespace onewindow {
struct AuditEvent;  // case_store.hpp
}

namespace onewindow::store {

enum class Engine { SQLite, PostgreSQL };

/// The newest schema version this program writes (schema.cpp: one step per version, the same
/// numbers on both engines).
inline constexpr int kSchemaVersion = 15;

/// The PostgreSQL majors this store runs on (15 is tested; 16 and 17 keep every feature used).
inline constexpr int kPostgresMajors[] = {15, 16, 17};

/// Error(Storage) naming `where` unless `server_version` (libpq's PQserverVersion: 150018 for
/// 15.18) is of one of kPostgresMajors.
void check_postgres_version(const struct Location& where, int server_version);

/// Where a store lives.
struct Location {
    Engine engine = Engine::SQLite;
    /// SQLite: the database file. PostgreSQL: the libpq connection string (URI or key=value).
    std::string target;

    /// "<path>", "sqlite:<path>", "postgresql://...", "postgres://..." or libpq "key=value"
    /// text containing "dbname="; a relative path is relative to `base_dir`. Error(Input) for
    /// an empty or unreadable location.
    static Location parse(std::string_view text, const std::filesystem::path& base_dir);
    /// For messages and logs: the file, or the connection string without its password.
    std::string display() const;
};

/// One statement, prepared for one connection. Bind with 1-based indexes (like SQLite); read
/// columns with 0-based indexes. step() runs the statement (first call) and moves to the next
/// row; run() executes a statement that returns no rows and tells how many rows it changed.
/// reset() clears bindings and results for the next use. queue() runs a statement whose rows
/// and count nobody reads: inside a PostgreSQL transaction it is sent without waiting for the
/// server's answer, which is read with the next statement that needs one or with the commit (a
/// failure of it fails that statement or the commit, and the transaction rolls back as usual);
/// on SQLite, and outside a transaction, it runs at once. defer() sends a statement whose rows
/// are read later, by step(): inside a PostgreSQL transaction it goes into the pipeline like a
/// queued one and its answer comes with the next statement that waits (or step() waits for it);
/// on SQLite, and outside a transaction, it runs at once. Read a deferred statement before it is
/// reset (cached() with the same SQL resets it).
class Statement {
  public:
    class Impl;
    explicit Statement(std::unique_ptr<Impl> impl);
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) {
        return bind(index, std::string_view(text));
    }
    template <std::integral T>
    Statement& bind(int index, T value) {
        return bind_integer(index, static_cast<long long>(value));
    }
    Statement& bind_integer(int index, long long value);
    Statement& bind_null(int index);
    /// Bytes (a scan's content): BLOB on SQLite, bytea on PostgreSQL.
    Statement& bind_blob(int index, std::string_view bytes);

    bool step();
    long long run();
    void queue();
    void defer();
    void reset();

    int columns() const;
    bool is_null(int column) const;
    std::string text(int column) const;  // "" for NULL
    long long int64(int column) const;   // 0 for NULL
    int integer(int column) const { return static_cast<int>(int64(column)); }
    double real(int column) const;
    std::string blob(int column) const;  // the bytes of a BLOB / bytea column

  private:
    std::unique_ptr<Impl> impl_;
};

class Database {
  public:
    /// Opens the store at `where`, brings its schema to the newest version (every step in one
    /// transaction, under a lock so that counters starting together migrate once), and refuses
    /// a store written by a newer program. Error(Storage) naming the store for a wrong
    /// location, an unreachable server, a server of an unsupported major version, a role
    /// without the rights it needs, or a newer schema; nothing is written then.
    static std::unique_ptr<Database> open(const Location& where);
    virtual ~Database();

    Engine engine() const { return location_.engine; }
    const Location& location() const { return location_; }
    /// The schema version the store is at (schema.cpp: kSchemaVersion after open()).
    virtual int schema_version() = 0;

    /// A statement prepared once for this connection and kept (the hot paths); reset on return.
    Statement& cached(std::string_view sql);
    /// A statement for one use.
    Statement prepare(std::string_view sql);
    /// Runs SQL without parameters (several statements separated by ';').
    virtual void exec(std::string_view sql) = 0;

    // The SQL that differs between engines.
    /// `expression`s of a group joined by `separator` (group_concat / string_agg).
    std::string list_agg(std::string_view expression, std::string_view separator,
                         bool distinct = false) const;
    /// Hours from the timestamp text `from` to `to` ("YYYY-MM-DD HH:MM:SS" columns).
    std::string hours_between(std::string_view from, std::string_view to) const;
    /// Whether text `haystack` contains `needle` (instr / strpos), as a condition.
    std::string contains(std::string_view haystack, std::string_view needle) const;
    /// SQLite's INDEXED BY clause (the planner needs it on partial indexes); "" on PostgreSQL.
    std::string indexed_by(std::string_view index) const;
    /// Row locks at the end of a SELECT: " FOR UPDATE [OF table]" / " FOR UPDATE SKIP LOCKED" on
    /// PostgreSQL; "" on SQLite, whose writers take the whole database.
    std::string for_update(std::string_view of_table = {}) const;
    std::string skip_locked() const;

    /// Appends an event to the audit chain (see the header comment); inside the caller's
    /// transaction when one is open, else in a transaction of its own. Returns its id. When
    /// the chain is anchored, the event is keyed (HMAC) and, once its transaction commits, the
    /// head file holds its id and hash.
    long long append_audit(AuditEvent event);
    /// The head of one counter's chain, locked by lock_audit_head() until the transaction ends.
    struct AuditHead {
        std::string counter;
        std::string previous;  // the hash the next event links to
        long long id = 0;      // PostgreSQL: the next event's id, drawn under the lock
    };
    /// Locks the head of `counter`'s chain inside the open transaction (its first event makes
    /// the head row from the legacy head). The statements queued or deferred before it go out
    /// with it: an intake reads its number and the head in one round trip.
    AuditHead lock_audit_head(const std::string& counter);
    /// Appends `event` (of head.counter) onto a head locked in the same transaction; returns
    /// its id. On PostgreSQL the event and the head's move are queued: they go out with the
    /// next statement that waits, or with the commit.
    long long append_audit(AuditEvent event, const AuditHead& head);

    /// Anchors the audit chain outside the database, in `dir` (the counter's data folder): the
    /// key file audit.key (0600, 32 random bytes in hex, made at the first append when there is
    /// none) keys each new event's hash, and the head file audit-head (0600, "<id> <hash>")
    /// keeps the newest event this program appended to the chain of `counter` (this counter's
    /// code; when it is empty, the counter is not known and the file keeps the newest event
    /// appended to any chain), so that a verifier sees events deleted from the end of that chain
    /// (AuditRepository::verify()). A SQLite store is anchored in its file's folder when opened;
    /// a PostgreSQL store only when a counter anchors it (open_store(), with the counter's code).
    /// The engine plays no part: both read and write the same two files. With `head_file`
    /// false the head file is read (by the verifier) but never written: a store migration keys
    /// its own event with the key of the folder it copies and leaves that folder's head file to
    /// the folder's counter.
    void anchor_audit(const std::filesystem::path& dir, const std::string& counter = {},
                      bool head_file = true);
    /// The anchor's folder; empty when the chain is not anchored.
    const std::filesystem::path& audit_anchor() const { return anchor_dir_; }
    /// The counter whose chain the anchor's head file follows ("" when not known).
    const std::string& audit_counter() const { return anchor_counter_; }
    /// The audit key ("" when the chain is not anchored or, with `create` false, the key file
    /// does not exist yet). Error(Storage) naming the file when it cannot be read or made.
    const std::string& audit_key(bool create);

    /// How many transactions are open on this connection (0 or 1: they do not nest).
    int transaction_depth() const { return depth_; }

  protected:
    explicit Database(Location location) : location_(std::move(location)) {}
    /// `keep`: the statement is cached for the connection's life (prepared once, by name).
    virtual std::unique_ptr<Statement::Impl> make_statement(std::string_view sql, bool keep) = 0;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    /// Forgets prepared statements (PostgreSQL: after the connection was re-established).
    void clear_statement_cache() { cache_.clear(); }
    /// Brings the schema to the newest version (schema.cpp), refusing a newer one.
    void migrate();
    virtual void set_schema_version(int version) = 0;
    /// Serialises migrations of several processes (taken inside the migration transaction).
    virtual void lock_for_migration() = 0;

  private:
    friend class Transaction;
    /// Writes the head file after a commit that appended events (best effort: a head file
    /// that lags behind still names an event of the chain).
    void write_audit_head() noexcept;

    Location location_;
    std::unordered_map<std::string, Statement> cache_;
    int depth_ = 0;
    std::filesystem::path anchor_dir_;
    std::string anchor_counter_;
    bool head_file_ = true;  // anchor_audit(): the head file is written
    std::string audit_key_;
    std::optional<std::pair<long long, std::string>> pending_head_;  // appended, not committed
};

/// A write transaction: BEGIN IMMEDIATE on SQLite (a writer waits its turn instead of failing
/// later), BEGIN on PostgreSQL (read committed; the repositories lock the rows they change).
/// Rolled back when destroyed without commit(). Transactions do not nest: Error(Storage).
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

  private:
    Database& db_;
    bool open_ = true;
};

}  // namespace onewindow::store
