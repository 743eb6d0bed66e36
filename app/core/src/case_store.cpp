#include "onewindow/core/case_store.hpp"

#include <Poco/JSON/Object.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <unordered_map>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"
#include "store_internal.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

// Forward-only migrations: step i brings user_version from i to i + 1.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE counter_sequences (counter TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL,
        last INTEGER NOT NULL, PRIMARY KEY (counter, day, kind));
    CREATE TABLE cases (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, counter TEXT NOT NULL,
        clerk TEXT NOT NULL, applicant_name TEXT NOT NULL, applicant_id_number TEXT NOT NULL,
        applicant_phone TEXT NOT NULL, status TEXT NOT NULL, accepted_at TEXT NOT NULL,
        form_snapshot TEXT NOT NULL, values_json TEXT NOT NULL);
    CREATE TABLE case_items (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
        code TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,
        department_code TEXT NOT NULL, department_name TEXT NOT NULL, plugin_id TEXT NOT NULL,
        endpoint TEXT NOT NULL, preliminary_review INTEGER NOT NULL, required INTEGER NOT NULL,
        immediate INTEGER NOT NULL, promised_days INTEGER NOT NULL, legal_days INTEGER NOT NULL,
        paused_days INTEGER NOT NULL DEFAULT 0, promised_date TEXT NOT NULL,
        legal_date TEXT NOT NULL, status TEXT NOT NULL, UNIQUE (case_id, code));
    CREATE TABLE case_materials (id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id), key TEXT NOT NULL, name TEXT NOT NULL,
        originals INTEGER NOT NULL, copies INTEGER NOT NULL, sha256 TEXT,
        tolerated INTEGER NOT NULL, promise TEXT NOT NULL);
    CREATE TABLE outbox (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
        item_code TEXT NOT NULL, department TEXT NOT NULL, endpoint TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL, state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL);
    CREATE TABLE clock_pauses (id INTEGER PRIMARY KEY,
        case_item_id INTEGER NOT NULL REFERENCES case_items(id), reason TEXT NOT NULL,
        paused_from TEXT NOT NULL, resumed_on TEXT);
    CREATE TABLE notices (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,
        counter TEXT NOT NULL, clerk TEXT NOT NULL, applicant_name TEXT NOT NULL,
        applicant_id_number TEXT NOT NULL, items_json TEXT NOT NULL, problems_json TEXT NOT NULL,
        issued_at TEXT NOT NULL);
    CREATE TABLE refusals (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,
        counter TEXT NOT NULL, clerk TEXT NOT NULL, applicant_name TEXT NOT NULL,
        applicant_id_number TEXT NOT NULL, items_json TEXT NOT NULL, reason TEXT NOT NULL,
        refused_at TEXT NOT NULL);
    CREATE TABLE audit_events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
        counter TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,
        success INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    )sql",
    // 2: users and roles, drafts, indexes for the case lists.
    R"sql(
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'administrator')),
        counter TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL,
        iterations INTEGER NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL);
    CREATE TABLE drafts (id INTEGER PRIMARY KEY, clerk TEXT NOT NULL, counter TEXT NOT NULL,
        title TEXT NOT NULL, items_json TEXT NOT NULL, values_json TEXT NOT NULL,
        materials_json TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX cases_accepted_at ON cases (accepted_at);
    CREATE INDEX case_items_case ON case_items (case_id);
    CREATE INDEX case_materials_case ON case_materials (case_id);
    CREATE INDEX audit_events_subject ON audit_events (subject);
    )sql",
    // 3: the dispatcher's bookkeeping of each outbox row (outbox.cpp).
    R"sql(
    ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN response TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN sent_at TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    )sql",
    // 4: decisions pulled from the back offices, and how far each back office was read
    // (decisions.cpp).
    R"sql(
    CREATE TABLE exchange_cursors (back_office TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
    CREATE TABLE item_decisions (id INTEGER PRIMARY KEY,
        case_item_id INTEGER NOT NULL REFERENCES case_items(id), back_office TEXT NOT NULL,
        cursor INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'rejected', 'correction')),
        reason TEXT NOT NULL, data TEXT NOT NULL, missing_materials TEXT NOT NULL,
        decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, received_at TEXT NOT NULL,
        UNIQUE (back_office, cursor));
    CREATE INDEX item_decisions_item ON item_decisions (case_item_id);
    )sql",
    // 5: the counter log over years of cases (report.cpp): decisions by day, open items only.
    R"sql(
    CREATE INDEX item_decisions_decided ON item_decisions (decided_at);
    CREATE INDEX case_items_open ON case_items (promised_date)
        WHERE status NOT IN ('approved', 'rejected', 'handed_out');
    )sql",
    // 6: results handed out at the window and the applicants' ratings (handout.cpp).
    R"sql(
    CREATE TABLE hand_outs (id INTEGER PRIMARY KEY,
        case_item_id INTEGER NOT NULL REFERENCES case_items(id), collector TEXT NOT NULL,
        collector_id_number TEXT NOT NULL, proof TEXT NOT NULL, clerk TEXT NOT NULL,
        handed_out_at TEXT NOT NULL);
    CREATE TABLE ratings (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), comment TEXT NOT NULL,
        rated_at TEXT NOT NULL, follow_up_by TEXT NOT NULL, resolution TEXT NOT NULL DEFAULT '',
        resolved_by TEXT NOT NULL DEFAULT '', resolved_at TEXT NOT NULL DEFAULT '');
    CREATE INDEX ratings_case ON ratings (case_id);
    CREATE INDEX ratings_rated ON ratings (rated_at);
    CREATE INDEX ratings_open ON ratings (rated_at) WHERE follow_up_by <> '' AND resolved_at = '';
    CREATE INDEX ratings_resolved ON ratings (resolved_at)
        WHERE follow_up_by <> '' AND resolved_at <> '';
    CREATE INDEX hand_outs_at ON hand_outs (handed_out_at);
    )sql",
    // 7: agent mode (代办): each item's forwarding deadline, and the endpoint a row was first
    // tried at (outbox.cpp, dispatcher.hpp); the index holds only the items not forwarded yet,
    // so the status bar's summary does not grow with the years of forwarded ones.
    R"sql(
    ALTER TABLE outbox ADD COLUMN forward_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN sent_to TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_forwarding ON outbox (forward_by)
        WHERE forward_by != '' AND state != 'sent';
    )sql",
};

}  // namespace

std::string sha256_hex(const std::string& data) {
    // OpenSSL's one-shot digest: no engine set up per call (the audit chain is verified at
    // hundreds of thousands of events a second).
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::Integrity, "SHA-256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex(size * 2, '0');
    for (unsigned int i = 0; i < size; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0xf];
    }
    return hex;
}

namespace {

std::string event_content(const AuditEvent& e) {
    return e.at + '\n' + e.actor + '\n' + e.counter + '\n' + e.type + '\n' + e.subject + '\n' +
           e.detail_json + '\n' + (e.success ? "1" : "0");
}

void fsync_path(const fs::path& path, int flags) {
    int fd = ::open(path.c_str(), flags);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        throw Error(ErrorKind::Storage, path.string() + ": cannot be synced to disk");
    }
    ::close(fd);
}

/// Copies `file` into the content-addressed store; returns its SHA-256.
std::string store_material(const fs::path& materials_dir, const fs::path& file) {
    std::string data;
    try {
        data = read_text_file(file);
    } catch (const Error&) {
        throw Error(ErrorKind::Input, file.string() + ": material file cannot be read");
    }
    const std::string hash = sha256_hex(data);
    const fs::path dir = materials_dir / hash.substr(0, 2);
    const fs::path target = dir / hash;
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) throw Error(ErrorKind::Storage, dir.string() + ": " + error.message());
    if (fs::exists(target)) return hash;
    const fs::path temp = target.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        out.flush();
        if (!out)
            throw Error(ErrorKind::Storage, temp.string() + ": cannot be written (disk full?)");
    }
    fsync_path(temp, O_RDONLY);
    fs::rename(temp, target, error);
    if (error) throw Error(ErrorKind::Storage, target.string() + ": " + error.message());
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    return hash;
}

std::string next_number(StatementCache& cached, const std::string& counter, const std::string& day,
                        const std::string& kind) {
    SQLite::Statement& update = cached(
        "INSERT INTO counter_sequences (counter, day, kind, last) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (counter, day, kind) DO UPDATE SET last = last + 1 RETURNING last");
    update.bind(1, counter);
    update.bind(2, day);
    update.bind(3, kind);
    update.executeStep();
    char sequence[8];
    std::snprintf(sequence, sizeof sequence, "%04d", update.getColumn(0).getInt());
    update.reset();
    std::string compact = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
    return counter + (kind.empty() ? "" : "-" + kind) + "-" + compact + "-" + sequence;
}

}  // namespace

void append_audit(StatementCache& cached, AuditEvent event) {
    std::string previous;
    {
        SQLite::Statement& last = cached("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1");
        if (last.executeStep()) previous = last.getColumn(0).getString();
        last.reset();
    }
    event.hash = sha256_hex(previous + '\n' + event_content(event));
    SQLite::Statement& insert = cached(
        "INSERT INTO audit_events (at, actor, counter, type, subject, detail, success, prev_hash,"
        " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, event.at);
    insert.bind(2, event.actor);
    insert.bind(3, event.counter);
    insert.bind(4, event.type);
    insert.bind(5, event.subject);
    insert.bind(6, event.detail_json);
    insert.bind(7, event.success ? 1 : 0);
    insert.bind(8, previous);
    insert.bind(9, event.hash);
    insert.exec();
}

std::string check_now(const std::optional<std::string>& now) {
    if (!now) return local_timestamp_now();
    if (now->size() != 19 || !Date::parse(now->substr(0, 10)))
        throw Error(ErrorKind::Input, "now: \"" + *now + "\" is not YYYY-MM-DD HH:MM:SS");
    return *now;
}

namespace {

AuditEvent read_event(SQLite::Statement& q) {
    AuditEvent e;
    e.id = q.getColumn(0).getInt64();
    e.at = q.getColumn(1).getString();
    e.actor = q.getColumn(2).getString();
    e.counter = q.getColumn(3).getString();
    e.type = q.getColumn(4).getString();
    e.subject = q.getColumn(5).getString();
    e.detail_json = q.getColumn(6).getString();
    e.success = q.getColumn(7).getInt() != 0;
    e.hash = q.getColumn(9).getString();
    return e;
}

constexpr const char* kEventColumns =
    "SELECT id, at, actor, counter, type, subject, detail, success, prev_hash, hash "
    "FROM audit_events";

}  // namespace

CaseStore::CaseStore(CaseStore&&) noexcept = default;
CaseStore& CaseStore::operator=(CaseStore&&) noexcept = default;
CaseStore::~CaseStore() = default;

CaseStore CaseStore::open(const fs::path& db_file, const fs::path& materials_dir,
                          WorkingCalendar calendar) {
    CaseStore store;
    store.db_file_ = db_file;
    store.materials_dir_ = materials_dir;
    store.calendar_ = std::move(calendar);
    guarded(db_file, [&] {
        store.db_ = std::make_unique<SQLite::Database>(
            db_file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
        auto& db = *store.db_;
        store.statements_ = std::make_unique<StatementCache>(db);
        // Several connections share the file (the shell's, the dispatcher's): every write
        // transaction begins IMMEDIATE, so a writer waits for the busy timeout instead of failing
        // at once when another connection wrote after it first read (SQLITE_BUSY_SNAPSHOT).
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = FULL");
        db.exec("PRAGMA foreign_keys = ON");
        const int version = db.execAndGet("PRAGMA user_version").getInt();
        constexpr int known = static_cast<int>(std::size(kMigrations));
        if (version > known)
            throw Error(ErrorKind::Storage,
                        db_file.string() + ": written by a newer OneWindow (schema " +
                            std::to_string(version) + ", this program knows up to " +
                            std::to_string(known) + "); nothing was changed");
        for (int step = version; step < known; ++step) {
            SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
            db.exec(kMigrations[step]);
            db.exec("PRAGMA user_version = " + std::to_string(step + 1));
            transaction.commit();
        }
        return 0;
    });
    return store;
}

AcceptResult CaseStore::accept(const AcceptRequest& request) {
    if (request.items.empty()) throw Error(ErrorKind::Input, "a case needs at least one item");
    const std::string now = check_now(request.now);
    const Date day = *Date::parse(now.substr(0, 10));
    // Material files first, fsynced, so the commit never refers to a file that is not on disk.
    std::vector<std::string> hashes;
    for (const auto& material : request.materials)
        hashes.push_back(material.file.empty() ? std::string()
                                               : store_material(materials_dir_, material.file));
    return guarded(db_file_, [&] {
        auto& db = *db_;
        StatementCache& cached = *statements_;
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        AcceptResult result;
        result.accepted_at = now;
        result.case_number = next_number(cached, request.counter, now.substr(0, 10), "");
        SQLite::Statement& insert_case = cached(
            "INSERT INTO cases (number, counter, clerk, applicant_name, applicant_id_number,"
            " applicant_phone, status, accepted_at, form_snapshot, values_json)"
            " VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?)");
        insert_case.bind(1, result.case_number);
        insert_case.bind(2, request.counter);
        insert_case.bind(3, request.clerk);
        insert_case.bind(4, request.applicant_name);
        insert_case.bind(5, request.applicant_id_number);
        insert_case.bind(6, request.applicant_phone);
        insert_case.bind(7, now);
        insert_case.bind(8, request.form_snapshot_json);
        insert_case.bind(9, request.values_json);
        insert_case.exec();
        const int64_t case_id = db.getLastInsertRowid();

        Poco::JSON::Object::Ptr applicant = new Poco::JSON::Object(true);
        applicant->set("name", request.applicant_name);
        applicant->set("id_number", request.applicant_id_number);
        applicant->set("phone", request.applicant_phone);
        Poco::Dynamic::Var values =
            request.values_json.empty()
                ? Poco::Dynamic::Var(Poco::JSON::Object::Ptr(new Poco::JSON::Object(true)))
                : parse_json(request.values_json, "values");
        // The form's labels of the values ("labels": {key: label}) from the form snapshot.
        Poco::JSON::Object::Ptr labels = new Poco::JSON::Object(true);
        if (!request.form_snapshot_json.empty()) {
            auto snapshot = parse_json(request.form_snapshot_json, "form snapshot")
                                .extract<Poco::JSON::Object::Ptr>();
            auto sections = snapshot ? snapshot->getArray("sections") : nullptr;
            for (std::size_t i = 0; sections && i < sections->size(); ++i) {
                auto section = sections->getObject(static_cast<unsigned>(i));
                auto fields = section ? section->getArray("fields") : nullptr;
                for (std::size_t f = 0; fields && f < fields->size(); ++f) {
                    auto field = fields->getObject(static_cast<unsigned>(f));
                    if (field && field->has("key"))
                        labels->set(field->getValue<std::string>("key"),
                                    field->optValue<std::string>("label", ""));
                }
            }
        }
        Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
        for (std::size_t m = 0; m < request.materials.size(); ++m) {
            const AcceptMaterial& material = request.materials[m];
            Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
            entry->set("key", material.key);
            entry->set("name", material.name);
            entry->set("originals", material.originals);
            entry->set("copies", material.copies);
            if (!hashes[m].empty()) entry->set("sha256", hashes[m]);
            if (material.tolerated) entry->set("tolerated_gap", material.promise);
            materials->add(entry);
        }
        for (const auto& item : request.items) {
            AcceptedItem accepted{
                item.code,
                item.immediate ? day : calendar_.add_working_days(day, item.promised_days),
                calendar_.add_working_days(day, item.legal_days), std::nullopt};
            if (request.agent)
                accepted.forward_by = calendar_.forwarding_deadline(day, item.preliminary_review);
            SQLite::Statement& insert_item = cached(
                "INSERT INTO case_items (case_id, code, name, version, department_code,"
                " department_name, plugin_id, endpoint, preliminary_review, required, immediate,"
                " promised_days, legal_days, promised_date, legal_date, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted')");
            int c = 0;
            insert_item.bind(++c, case_id);
            insert_item.bind(++c, item.code);
            insert_item.bind(++c, item.name);
            insert_item.bind(++c, item.version);
            insert_item.bind(++c, item.department_code);
            insert_item.bind(++c, item.department_name);
            insert_item.bind(++c, item.plugin_id);
            insert_item.bind(++c, item.endpoint);
            insert_item.bind(++c, item.preliminary_review ? 1 : 0);
            insert_item.bind(++c, item.required ? 1 : 0);
            insert_item.bind(++c, item.immediate ? 1 : 0);
            insert_item.bind(++c, item.promised_days);
            insert_item.bind(++c, item.legal_days);
            insert_item.bind(++c, accepted.promised_date.iso());
            insert_item.bind(++c, accepted.legal_date.iso());
            insert_item.exec();

            Poco::JSON::Object::Ptr payload = new Poco::JSON::Object(true);
            payload->set("case_number", result.case_number);
            payload->set("item", item.code);
            payload->set("item_version", item.version);
            payload->set("department", item.department_code);
            payload->set("accepted_at", now);
            // What the department decides on: the applicant, the form's values and the
            // materials (the scans follow by SHA-256, dispatcher.cpp). Every department of a
            // joint case gets the whole form: facts given once are shared (资料共享互认).
            payload->set("applicant", applicant);
            payload->set("values", values);
            if (labels->size()) payload->set("labels", labels);
            payload->set("materials", materials);
            SQLite::Statement& insert_outbox = cached(
                "INSERT INTO outbox (case_id, item_code, department, endpoint, idempotency_key,"
                " payload, state, next_attempt_at, forward_by)"
                " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)");
            insert_outbox.bind(1, case_id);
            insert_outbox.bind(2, item.code);
            insert_outbox.bind(3, item.department_code);
            insert_outbox.bind(4, item.endpoint);
            insert_outbox.bind(5, result.case_number + "/" + item.code);
            insert_outbox.bind(6, to_json(payload));
            insert_outbox.bind(7, now);
            insert_outbox.bind(8, accepted.forward_by ? accepted.forward_by->iso() : "");
            insert_outbox.exec();
            result.items.push_back(accepted);
        }
        for (std::size_t i = 0; i < request.materials.size(); ++i) {
            const auto& m = request.materials[i];
            SQLite::Statement& insert = cached(
                "INSERT INTO case_materials (case_id, key, name, originals, copies, sha256,"
                " tolerated, promise) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            insert.bind(1, case_id);
            insert.bind(2, m.key);
            insert.bind(3, m.name);
            insert.bind(4, m.originals);
            insert.bind(5, m.copies);
            if (hashes[i].empty())
                insert.bind(6);
            else
                insert.bind(6, hashes[i]);
            insert.bind(7, m.tolerated ? 1 : 0);
            insert.bind(8, m.promise);
            insert.exec();
        }
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
        detail->set("applicant", mask_id_number(request.applicant_id_number));
        detail->set("items", static_cast<int>(request.items.size()));
        if (request.agent) detail->set("agent", true);
        detail->set("materials", static_cast<int>(request.materials.size()));
        append_audit(cached, AuditEvent{0, now, request.clerk, request.counter, "case.accepted",
                                        result.case_number, to_json(detail), true, ""});
        if (fail_next_accept_) {
            fail_next_accept_ = false;
            throw SQLite::Exception("injected failure before commit");
        }
        transaction.commit();
        return result;
    });
}

std::string CaseStore::record_notice(const NoticeRecord& notice) {
    const std::string now = check_now(notice.now);
    return guarded(db_file_, [&] {
        auto& db = *db_;
        StatementCache& cached = *statements_;
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string number = next_number(cached, notice.counter, now.substr(0, 10), "N");
        SQLite::Statement insert(
            db,
            "INSERT INTO notices (number, counter, clerk, applicant_name, applicant_id_number,"
            " items_json, problems_json, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, number);
        insert.bind(2, notice.counter);
        insert.bind(3, notice.clerk);
        insert.bind(4, notice.applicant_name);
        insert.bind(5, notice.applicant_id_number);
        insert.bind(6, notice.items_json);
        insert.bind(7, notice.problems_json);
        insert.bind(8, now);
        insert.exec();
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
        detail->set("applicant", mask_id_number(notice.applicant_id_number));
        detail->set("problems", parse_json(notice.problems_json, "problems"));
        append_audit(cached, AuditEvent{0, now, notice.clerk, notice.counter, "notice.issued",
                                        number, to_json(detail), true, ""});
        transaction.commit();
        return number;
    });
}

std::string CaseStore::record_refusal(const RefusalRecord& refusal) {
    const std::string now = check_now(refusal.now);
    if (refusal.reason.find_first_not_of(" \t\n") == std::string::npos)
        throw Error(ErrorKind::Input, tr("A refusal needs its reason"));
    return guarded(db_file_, [&] {
        auto& db = *db_;
        StatementCache& cached = *statements_;
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string number = next_number(cached, refusal.counter, now.substr(0, 10), "R");
        SQLite::Statement insert(
            db,
            "INSERT INTO refusals (number, counter, clerk, applicant_name, applicant_id_number,"
            " items_json, reason, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, number);
        insert.bind(2, refusal.counter);
        insert.bind(3, refusal.clerk);
        insert.bind(4, refusal.applicant_name);
        insert.bind(5, refusal.applicant_id_number);
        insert.bind(6, refusal.items_json);
        insert.bind(7, refusal.reason);
        insert.bind(8, now);
        insert.exec();
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
        detail->set("applicant", mask_id_number(refusal.applicant_id_number));
        detail->set("items", parse_json(refusal.items_json, "items"));
        detail->set("reason", refusal.reason);
        append_audit(cached, AuditEvent{0, now, refusal.clerk, refusal.counter, "case.refused",
                                        number, to_json(detail), true, ""});
        transaction.commit();
        return number;
    });
}

/// The first row of `sql` (one `?` for the number) as strings, or nullopt.
std::optional<std::vector<std::string>> CaseStore::find_row(const std::string& sql,
                                                            const std::string& number) const {
    return guarded(db_file_, [&]() -> std::optional<std::vector<std::string>> {
        SQLite::Statement q(*db_, sql);
        q.bind(1, number);
        if (!q.executeStep()) return std::nullopt;
        std::vector<std::string> row;
        for (int c = 0; c < q.getColumnCount(); ++c) row.push_back(q.getColumn(c).getString());
        return row;
    });
}

namespace {

/// A notice or refusal record from its eight columns, in the order of its fields.
template <typename Record>
std::optional<Record> eight_columns(const std::optional<std::vector<std::string>>& row) {
    if (!row) return std::nullopt;
    const auto& r = *row;
    return Record{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]};
}

}  // namespace

std::optional<StoredNotice> CaseStore::find_notice(const std::string& number) const {
    return eight_columns<StoredNotice>(
        find_row("SELECT number, counter, clerk, applicant_name, applicant_id_number, items_json,"
                 " problems_json, issued_at FROM notices WHERE number = ?",
                 number));
}

std::optional<StoredRefusal> CaseStore::find_refusal(const std::string& number) const {
    return eight_columns<StoredRefusal>(
        find_row("SELECT number, counter, clerk, applicant_name, applicant_id_number, items_json,"
                 " reason, refused_at FROM refusals WHERE number = ?",
                 number));
}

std::optional<CaseRecord> CaseStore::find_case(const std::string& number) const {
    return guarded(db_file_, [&]() -> std::optional<CaseRecord> {
        auto& db = *db_;
        SQLite::Statement q(
            db,
            "SELECT id, number, counter, clerk, applicant_name, applicant_id_number,"
            " applicant_phone, status, accepted_at, values_json, form_snapshot FROM cases"
            " WHERE number = ?");
        q.bind(1, number);
        if (!q.executeStep()) return std::nullopt;
        CaseRecord r;
        const int64_t id = q.getColumn(0).getInt64();
        r.number = q.getColumn(1).getString();
        r.counter = q.getColumn(2).getString();
        r.clerk = q.getColumn(3).getString();
        r.applicant_name = q.getColumn(4).getString();
        r.applicant_id_number = q.getColumn(5).getString();
        r.applicant_phone = q.getColumn(6).getString();
        r.status = q.getColumn(7).getString();
        r.accepted_at = q.getColumn(8).getString();
        r.values_json = q.getColumn(9).getString();
        r.form_snapshot_json = q.getColumn(10).getString();
        SQLite::Statement items(
            db,
            "SELECT code, name, department_code, department_name, plugin_id, endpoint, status,"
            " version, promised_days, legal_days, paused_days, immediate, preliminary_review,"
            " required, promised_date, legal_date FROM case_items WHERE case_id = ? ORDER BY id");
        items.bind(1, id);
        while (items.executeStep()) {
            CaseItemRecord i;
            i.code = items.getColumn(0).getString();
            i.name = items.getColumn(1).getString();
            i.department_code = items.getColumn(2).getString();
            i.department_name = items.getColumn(3).getString();
            i.plugin_id = items.getColumn(4).getString();
            i.endpoint = items.getColumn(5).getString();
            i.status = items.getColumn(6).getString();
            i.version = items.getColumn(7).getInt();
            i.promised_days = items.getColumn(8).getInt();
            i.legal_days = items.getColumn(9).getInt();
            i.paused_days = items.getColumn(10).getInt();
            i.immediate = items.getColumn(11).getInt() != 0;
            i.preliminary_review = items.getColumn(12).getInt() != 0;
            i.required = items.getColumn(13).getInt() != 0;
            i.promised_date = *Date::parse(items.getColumn(14).getString());
            i.legal_date = *Date::parse(items.getColumn(15).getString());
            r.items.push_back(std::move(i));
        }
        SQLite::Statement materials(
            db,
            "SELECT key, name, ifnull(sha256, ''), promise, originals, copies, tolerated"
            " FROM case_materials WHERE case_id = ? ORDER BY id");
        materials.bind(1, id);
        while (materials.executeStep()) {
            CaseMaterialRecord m;
            m.key = materials.getColumn(0).getString();
            m.name = materials.getColumn(1).getString();
            m.sha256 = materials.getColumn(2).getString();
            m.promise = materials.getColumn(3).getString();
            m.originals = materials.getColumn(4).getInt();
            m.copies = materials.getColumn(5).getInt();
            m.tolerated = materials.getColumn(6).getInt() != 0;
            r.materials.push_back(std::move(m));
        }
        SQLite::Statement events(db, std::string(kEventColumns) + " WHERE subject = ? ORDER BY id");
        events.bind(1, number);
        while (events.executeStep()) r.events.push_back(read_event(events));
        return r;
    });
}

DeadlineState deadline_state(const WorkingCalendar& calendar, Date due, Date today, bool open) {
    if (!open) return DeadlineState::Closed;
    if (due < today) return DeadlineState::Overdue;
    return calendar.working_days_between(today, due) <= 1 ? DeadlineState::DueSoon
                                                          : DeadlineState::OnTime;
}

std::string deadline_colour(DeadlineState state) {
    switch (state) {
        case DeadlineState::OnTime:
            return tr("green");
        case DeadlineState::DueSoon:
            return tr("yellow");
        case DeadlineState::Overdue:
            return tr("red");
        case DeadlineState::Closed:
            return "";
    }
    return "";
}

std::vector<CaseSummary> CaseStore::list_cases(const CaseFilter& filter) const {
    return guarded(db_file_, [&] {
        // An item is open until a department decided it; a case is open while any item is.
        SQLite::Statement q(
            *db_,
            "SELECT c.number, c.counter, c.clerk, c.applicant_name, c.applicant_id_number,"
            " c.status, c.accepted_at, group_concat(i.name, '、'),"
            " group_concat(DISTINCT i.department_name),"
            " min(CASE WHEN i.status NOT IN ('approved', 'rejected', 'handed_out')"
            "     THEN i.promised_date END), max(i.promised_date),"
            " sum(i.status NOT IN ('approved', 'rejected', 'handed_out'))"
            " FROM cases c JOIN case_items i ON i.case_id = c.id"
            " WHERE (?1 = '' OR c.counter = ?1) AND (?2 = '' OR c.status = ?2)"
            " AND (?3 = '' OR c.id IN (SELECT case_id FROM case_items"
            "      WHERE department_code = ?3 OR department_name = ?3))"
            " AND (?4 = '' OR c.id IN (SELECT case_id FROM case_items"
            "      WHERE code = ?4 OR instr(name, ?4) > 0))"
            " AND (?5 = '' OR c.clerk = ?5) AND (?6 = '' OR c.accepted_at >= ?6)"
            " AND (?7 = '' OR c.accepted_at < ?7)"
            " GROUP BY c.id ORDER BY c.accepted_at DESC, c.id DESC LIMIT ?8");
        q.bind(1, filter.counter);
        q.bind(2, filter.status);
        q.bind(3, filter.department);
        q.bind(4, filter.item);
        q.bind(5, filter.clerk);
        q.bind(6, filter.from ? filter.from->iso() : std::string());
        q.bind(7, filter.to ? filter.to->plus_days(1).iso() : std::string());
        q.bind(8, static_cast<int64_t>(filter.limit));
        std::vector<CaseSummary> out;
        while (q.executeStep()) {
            CaseSummary c;
            c.number = q.getColumn(0).getString();
            c.counter = q.getColumn(1).getString();
            c.clerk = q.getColumn(2).getString();
            c.applicant_name = q.getColumn(3).getString();
            c.applicant_id_number = q.getColumn(4).getString();
            c.status = q.getColumn(5).getString();
            c.accepted_at = q.getColumn(6).getString();
            c.items = q.getColumn(7).getString();
            c.departments = q.getColumn(8).getString();
            for (std::size_t at; (at = c.departments.find(',')) != std::string::npos;)
                c.departments.replace(at, 1, "、");
            c.open = q.getColumn(11).getInt() > 0;
            const std::string due = q.getColumn(c.open ? 9 : 10).getString();
            c.promised_date = Date::parse(due).value_or(Date{});
            out.push_back(std::move(c));
        }
        return out;
    });
}

void CaseStore::pause_clock(const std::string& case_number, const std::string& item_code,
                            const std::string& reason, Date from, const std::string& actor) {
    guarded(db_file_, [&] {
        auto& db = *db_;
        StatementCache& cached = *statements_;
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement item(
            db,
            "SELECT i.id, c.counter FROM case_items i JOIN cases c ON c.id = i.case_id"
            " WHERE c.number = ? AND i.code = ?");
        item.bind(1, case_number);
        item.bind(2, item_code);
        if (!item.executeStep())
            throw Error(ErrorKind::NotFound, "no item " + item_code + " in case " + case_number);
        const int64_t item_id = item.getColumn(0).getInt64();
        const std::string counter = item.getColumn(1).getString();
        SQLite::Statement open_pause(
            db, "SELECT count(*) FROM clock_pauses WHERE case_item_id = ? AND resumed_on IS NULL");
        open_pause.bind(1, item_id);
        open_pause.executeStep();
        if (open_pause.getColumn(0).getInt() > 0)
            throw Error(ErrorKind::Input, "the clock of " + item_code + " is already paused");
        SQLite::Statement insert(
            db, "INSERT INTO clock_pauses (case_item_id, reason, paused_from) VALUES (?, ?, ?)");
        insert.bind(1, item_id);
        insert.bind(2, reason);
        insert.bind(3, from.iso());
        insert.exec();
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
        detail->set("item", item_code);
        detail->set("reason", reason);
        detail->set("from", from.iso());
        append_audit(cached, AuditEvent{0, local_timestamp_now(), actor, counter, "clock.paused",
                                        case_number, to_json(detail), true, ""});
        transaction.commit();
        return 0;
    });
}

void CaseStore::resume_clock(const std::string& case_number, const std::string& item_code, Date to,
                             const std::string& actor) {
    guarded(db_file_, [&] {
        auto& db = *db_;
        StatementCache& cached = *statements_;
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(
            db,
            "SELECT p.id, p.paused_from, i.id, i.promised_days, i.legal_days, i.paused_days,"
            " c.accepted_at, c.counter, i.immediate FROM clock_pauses p"
            " JOIN case_items i ON i.id = p.case_item_id JOIN cases c ON c.id = i.case_id"
            " WHERE c.number = ? AND i.code = ? AND p.resumed_on IS NULL");
        q.bind(1, case_number);
        q.bind(2, item_code);
        if (!q.executeStep())
            throw Error(ErrorKind::Input, "the clock of " + item_code + " is not paused");
        const Date from = *Date::parse(q.getColumn(1).getString());
        if (to < from) throw Error(ErrorKind::Input, "the clock cannot resume before it paused");
        const int paused = q.getColumn(5).getInt() + calendar_.working_days_between(from, to);
        const Date accepted = *Date::parse(q.getColumn(6).getString().substr(0, 10));
        const bool immediate = q.getColumn(8).getInt() != 0;
        const Date promised =
            immediate ? accepted
                      : calendar_.add_working_days(accepted, q.getColumn(3).getInt() + paused);
        const Date legal = calendar_.add_working_days(accepted, q.getColumn(4).getInt() + paused);
        SQLite::Statement end(db, "UPDATE clock_pauses SET resumed_on = ? WHERE id = ?");
        end.bind(1, to.iso());
        end.bind(2, static_cast<int64_t>(q.getColumn(0).getInt64()));
        end.exec();
        SQLite::Statement update(db,
                                 "UPDATE case_items SET paused_days = ?, promised_date = ?, "
                                 "legal_date = ? WHERE id = ?");
        update.bind(1, paused);
        update.bind(2, promised.iso());
        update.bind(3, legal.iso());
        update.bind(4, static_cast<int64_t>(q.getColumn(2).getInt64()));
        update.exec();
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
        detail->set("item", item_code);
        detail->set("to", to.iso());
        detail->set("paused_working_days", paused);
        detail->set("promised_date", promised.iso());
        append_audit(cached, AuditEvent{0, local_timestamp_now(), actor, q.getColumn(7).getString(),
                                        "clock.resumed", case_number, to_json(detail), true, ""});
        transaction.commit();
        return 0;
    });
}

std::vector<AuditEvent> CaseStore::audit_events() const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(*db_, std::string(kEventColumns) + " ORDER BY id");
        std::vector<AuditEvent> events;
        while (q.executeStep()) events.push_back(read_event(q));
        return events;
    });
}

std::vector<AuditEvent> CaseStore::audit_events(const AuditFilter& filter) const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(*db_, std::string(kEventColumns) +
                                      " WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR subject = ?2)"
                                      " AND (?3 = '' OR type = ?3) ORDER BY id DESC LIMIT ?4");
        q.bind(1, filter.actor);
        q.bind(2, filter.subject);
        q.bind(3, filter.type);
        q.bind(4, static_cast<int64_t>(filter.limit));
        std::vector<AuditEvent> events;
        while (q.executeStep()) events.push_back(read_event(q));
        return events;
    });
}

AuditVerifyResult CaseStore::verify_audit() const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(*db_, std::string(kEventColumns) + " ORDER BY id");
        AuditVerifyResult result;
        std::string previous;
        while (q.executeStep()) {
            AuditEvent e = read_event(q);
            const std::string stored_previous = q.getColumn(8).getString();
            ++result.events;
            const std::string expected = sha256_hex(previous + '\n' + event_content(e));
            if (stored_previous != previous || expected != e.hash) {
                result.ok = false;
                result.first_broken_id = e.id;
                result.message = stored_previous != previous
                                     ? N_("its link to the previous event is broken")
                                     : N_("its content does not match its hash");
                return result;
            }
            previous = e.hash;
        }
        return result;
    });
}

}  // namespace onewindow
