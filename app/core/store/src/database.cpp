// What both engines share (database.hpp): locations, statements, the dialect's few words,
// transactions, migrations and the audit chain.
#include "onewindow/store/database.hpp"

#include "engines.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"
#include "onewindow/core/private_files.hpp"
#include "onewindow/store/audit.hpp"
#include "schema.hpp"

namespace fs = std::filesystem;

namespace onewindow::store {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Location Location::parse(std::string_view text, const fs::path& base_dir) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        throw Error(ErrorKind::Input, tr("The case store's location is empty"));
    text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    if (starts_with(text, "postgresql://") || starts_with(text, "postgres://") ||
        text.find("dbname=") != std::string_view::npos)
        return {Engine::PostgreSQL, std::string(text)};
    if (starts_with(text, "sqlite:")) text.remove_prefix(7);
    if (text.find("://") != std::string_view::npos)
        throw Error(ErrorKind::Input,
                    trf("The case store's location {} is neither a file nor postgresql://...",
                        std::string(text)));
    fs::path file(text);
    if (file.is_relative()) file = base_dir / file;
    return {Engine::SQLite, file.string()};
}

std::string Location::display() const {
    if (engine == Engine::SQLite) return target;
    std::string shown = target;
    // postgresql://user:secret@host/db -> postgresql://user:***@host/db; password=... likewise.
    if (const auto scheme = shown.find("://"); scheme != std::string::npos) {
        const auto at = shown.find('@', scheme);
        const auto colon = shown.find(':', scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at)
            shown.replace(colon + 1, at - colon - 1, "***");
    }
    for (std::size_t at = 0; (at = shown.find("password=", at)) != std::string::npos;) {
        const auto end = shown.find_first_of(" &", at);
        shown.replace(at + 9, (end == std::string::npos ? shown.size() : end) - at - 9, "***");
        at += 12;
    }
    return shown;
}

Statement::Statement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

Statement& Statement::bind(int index, std::string_view text) {
    impl_->bind_text(index, text);
    return *this;
}
Statement& Statement::bind_integer(int index, long long value) {
    impl_->bind_integer(index, value);
    return *this;
}
Statement& Statement::bind_null(int index) {
    impl_->bind_null(index);
    return *this;
}
Statement& Statement::bind_blob(int index, std::string_view bytes) {
    impl_->bind_blob(index, bytes);
    return *this;
}
bool Statement::step() { return impl_->step(); }
long long Statement::run() { return impl_->run(); }
void Statement::queue() { impl_->queue(); }
void Statement::defer() { impl_->defer(); }
void Statement::reset() { impl_->reset(); }
int Statement::columns() const { return impl_->columns(); }
bool Statement::is_null(int column) const { return impl_->is_null(column); }
std::string Statement::text(int column) const { return impl_->text(column); }
long long Statement::int64(int column) const { return impl_->int64(column); }
double Statement::real(int column) const { return impl_->real(column); }
std::string Statement::blob(int column) const { return impl_->blob(column); }

std::unique_ptr<Database> Database::open(const Location& where) {
    std::unique_ptr<Database> db =
        where.engine == Engine::SQLite ? open_sqlite(where) : open_postgresql(where);
    db->migrate();
    // A SQLite store's chain is anchored beside its file (anchor_audit()).
    if (where.engine == Engine::SQLite) db->anchor_audit(fs::path(where.target).parent_path());
    return db;
}

Database::~Database() = default;

Statement& Database::cached(std::string_view sql) {
    auto found = cache_.find(std::string(sql));
    if (found == cache_.end())
        found = cache_.emplace(std::string(sql), Statement(make_statement(sql, true))).first;
    found->second.reset();
    return found->second;
}

Statement Database::prepare(std::string_view sql) { return Statement(make_statement(sql, false)); }

std::string Database::list_agg(std::string_view expression, std::string_view separator,
                               bool distinct) const {
    const std::string what = (distinct ? "DISTINCT " : "") + std::string(expression);
    const std::string sep = "'" + std::string(separator) + "'";
    if (engine() == Engine::PostgreSQL) return "string_agg(" + what + ", " + sep + ")";
    // SQLite's group_concat takes no separator with DISTINCT: ',' then.
    return distinct ? "group_concat(" + what + ")" : "group_concat(" + what + ", " + sep + ")";
}

std::string Database::hours_between(std::string_view from, std::string_view to) const {
    if (engine() == Engine::PostgreSQL)
        return "(extract(epoch FROM (CAST(" + std::string(to) + " AS timestamp) - CAST(" +
               std::string(from) + " AS timestamp))) / 3600.0)";
    return "((julianday(" + std::string(to) + ") - julianday(" + std::string(from) + ")) * 24)";
}

std::string Database::contains(std::string_view haystack, std::string_view needle) const {
    return (engine() == Engine::PostgreSQL ? "strpos(" : "instr(") + std::string(haystack) + ", " +
           std::string(needle) + ") > 0";
}

std::string Database::indexed_by(std::string_view index) const {
    return engine() == Engine::SQLite ? " INDEXED BY " + std::string(index) + " " : " ";
}

std::string Database::for_update(std::string_view of_table) const {
    if (engine() != Engine::PostgreSQL) return "";
    return of_table.empty() ? " FOR UPDATE" : " FOR UPDATE OF " + std::string(of_table);
}

std::string Database::skip_locked() const {
    return engine() == Engine::PostgreSQL ? " FOR UPDATE SKIP LOCKED" : "";
}

long long Database::append_audit(AuditEvent event) {
    if (depth_ == 0) {
        Transaction transaction(*this);
        const long long id = append_audit(std::move(event));
        transaction.commit();
        return id;
    }
    const AuditHead head = lock_audit_head(event.counter);
    return append_audit(std::move(event), head);
}

Database::AuditHead Database::lock_audit_head(const std::string& counter) {
    if (depth_ == 0)
        throw Error(ErrorKind::Storage, location_.display() +
                                            ": the audit head is locked only "
                                            "inside a transaction");
    // The head of the counter's chain, locked until this transaction ends (see the header
    // comment). On PostgreSQL the next event's id is drawn right after the lock, in the same
    // round trip, so that a chain's ids grow in the order its events were appended.
    AuditHead head{counter, {}, 0};
    for (int attempt = 0;; ++attempt) {
        Statement& lock = cached("SELECT hash FROM audit_heads WHERE counter = ?" + for_update());
        lock.bind(1, counter);
        if (engine() == Engine::PostgreSQL) {
            lock.defer();
            Statement& next =
                cached("SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))");
            next.step();
            head.id = next.int64(0);
            next.reset();
        }
        if (lock.step()) {
            head.previous = lock.text(0);
            lock.reset();
            return head;
        }
        lock.reset();
        if (attempt > 0) throw Error(ErrorKind::Storage, location_.display() + ": no audit_head");
        // A chain's first event makes its head row from the legacy head.
        cached(
            "INSERT INTO audit_heads (counter, last_id, hash) SELECT CAST(? AS TEXT), last_id,"
            " hash FROM audit_head WHERE id = 1 ON CONFLICT (counter) DO NOTHING")
            .bind(1, counter)
            .run();
    }
}

long long Database::append_audit(AuditEvent event, const AuditHead& head) {
    if (event.counter != head.counter)
        throw Error(ErrorKind::Storage, location_.display() + ": an event of " + event.counter +
                                            " on the audit head of " + head.counter);
    const std::string& key = audit_key(true);
    event.hash = key.empty() ? audit_hash(head.previous, event)
                             : keyed_audit_hash(key, head.previous, event);
    long long id = head.id;
    // The event's columns, ?1 to ?9 in both engines' statements.
    const auto event_values = [&](Statement& insert) -> Statement& {
        return insert.bind(1, event.at)
            .bind(2, event.actor)
            .bind(3, event.counter)
            .bind(4, event.type)
            .bind(5, event.subject)
            .bind(6, event.detail_json)
            .bind(7, event.success ? 1 : 0)
            .bind(8, head.previous)
            .bind(9, event.hash);
    };
    if (engine() == Engine::PostgreSQL) {
        // The event, and the head moved onto it, in one statement that nobody waits for.
        event_values(
            cached("WITH event AS (INSERT INTO audit_events (id, at, actor, counter, type,"
                   " subject, detail, success, prev_hash, hash) VALUES (?10, ?1, ?2, ?3, ?4, ?5,"
                   " ?6, ?7, ?8, ?9)) UPDATE audit_heads SET last_id = ?10, hash = ?9"
                   " WHERE counter = ?3"))
            .bind(10, id)
            .queue();
    } else {
        Statement& insert = event_values(
            cached("INSERT INTO audit_events (at, actor, counter, type, subject, detail, success,"
                   " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
        insert.step();
        id = insert.int64(0);
        insert.reset();
        cached("UPDATE audit_heads SET last_id = ?, hash = ? WHERE counter = ?")
            .bind(1, id)
            .bind(2, event.hash)
            .bind(3, event.counter)
            .run();
    }
    if (!anchor_dir_.empty() && head_file_ &&
        (anchor_counter_.empty() || event.counter == anchor_counter_))
        pending_head_.emplace(id, event.hash);
    return id;
}

void Database::anchor_audit(const fs::path& dir, const std::string& counter, bool head_file) {
    anchor_counter_ = counter;
    head_file_ = head_file;
    if (dir == anchor_dir_) return;
    anchor_dir_ = dir;
    audit_key_.clear();
}

const std::string& Database::audit_key(bool create) {
    if (!audit_key_.empty() || anchor_dir_.empty()) return audit_key_;
    const fs::path file = anchor_dir_ / kAuditKeyFile;
    if (!fs::exists(file)) {
        if (!create) return audit_key_;
        // Made once: O_EXCL, so that two processes starting together keep the same key.
        write_new_private_file(file, random_hex(32) + "\n");
    }
    const auto key = read_audit_key(file);
    if (!key)
        throw Error(ErrorKind::Storage,
                    trf("{}: not an audit key (64 hex digits); the audit chain cannot be written",
                        file.string()));
    audit_key_ = *key;
    return audit_key_;
}

void Database::write_audit_head() noexcept {
    if (!pending_head_ || anchor_dir_.empty()) return;
    const auto [id, hash] = *pending_head_;
    pending_head_.reset();
    try {
        // Another process of the counter may have written a newer head meanwhile: keep it.
        if (const auto head = read_audit_head(anchor_dir_); head && head->first > id) return;
        write_file_atomically(anchor_dir_ / kAuditHeadFile, std::to_string(id) + " " + hash + "\n",
                              0600, false);
    } catch (const std::exception&) {
        // The head file lags behind; the verifier still finds the event it names.
    }
}

void Database::migrate() {
    const auto& steps = schema_steps(engine());
    const int known = static_cast<int>(steps.size());
    Transaction transaction(*this);
    lock_for_migration();
    const int version = schema_version();
    if (version > known)
        throw Error(ErrorKind::Storage,
                    trf("{}: written by a newer OneWindow (schema {}, this program knows up to "
                        "{}); nothing was changed",
                        location_.display(), std::to_string(version), std::to_string(known)));
    if (version == known) return;  // nothing to do: the transaction rolls back, empty
    for (int step = version; step < known; ++step) {
        exec(steps[static_cast<std::size_t>(step)]);
        set_schema_version(step + 1);
    }
    transaction.commit();
}

Transaction::Transaction(Database& db) : db_(db) {
    if (db_.depth_ > 0)
        throw Error(ErrorKind::Storage,
                    db_.location().display() + ": transactions do not nest (a program error)");
    db_.begin();
    db_.depth_ = 1;
}

Transaction::~Transaction() {
    if (!open_) return;
    db_.depth_ = 0;
    db_.pending_head_.reset();
    db_.rollback();
}

void Transaction::commit() {
    if (!open_) return;
    open_ = false;
    db_.depth_ = 0;
    try {
        db_.commit();
    } catch (...) {
        db_.pending_head_.reset();
        db_.rollback();
        throw;
    }
    db_.write_audit_head();
}

}  // namespace onewindow::store
