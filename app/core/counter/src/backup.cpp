#include "onewindow/core/backup.hpp"

#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>

#include "onewindow/core/counter.hpp"  // store_location()
#include "onewindow/core/date.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"  // random_hex()
#include "onewindow/core/private_files.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/cases.hpp"  // check_now()
#include "onewindow/store/database.hpp"
#include "onewindow/store/pg_tools.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

constexpr const char* kPrefix = "backup-";
// Configuration that belongs with the cases (the plugins themselves are installed, not data).
// The audit key comes along: a restored counter verifies its own events as before
// (store/audit.hpp); the head file is copied before the database (below).
constexpr const char* kConfigFiles[] = {
    "counter.json", "trusted-plugins.json", "plugin-settings.json", "exchange.json",
    "backup.json",  "calendar-edits.json",  store::kAuditKeyFile,   store::kAuditHeadFile};
constexpr const char* kCounterFile = "counter.json";
// A centre's store in a backup: pg_dump's custom format (its scans are rows of it).
constexpr const char* kCentreDump = "centre.dump";

constexpr const char* kExchangeFile = "exchange.json";

/// Copies exchange.json with each endpoint's "secret" emptied: a backup keeps no secret in the
/// clear (backup.hpp). False when there is no such file; a file that is not JSON is left out.
bool copy_without_secrets(const fs::path& from, const fs::path& to) {
    if (!fs::exists(from)) return false;
    Poco::Dynamic::Var root;
    try {
        root = load_json_file(from);
    } catch (const Error&) {
        return true;  // unreadable here, unreadable restored: the administrator writes it anew
    }
    if (root.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto endpoints = root.extract<Poco::JSON::Object::Ptr>()->getObject("endpoints");
        for (const auto& name : endpoints ? endpoints->getNames() : std::vector<std::string>{})
            if (auto endpoint = endpoints->getObject(name); endpoint && endpoint->has("secret"))
                endpoint->set("secret", "");
    }
    write_file_atomically(to, to_json(root) + "\n");
    return true;
}

/// Copies counter.json with a password in its "store" location left out (a centre's store is
/// reached with ~/.pgpass then, as the README says). False when there is no such file.
bool copy_counter_settings(const fs::path& from, const fs::path& to) {
    if (!fs::exists(from)) return false;
    Poco::Dynamic::Var root;
    try {
        root = load_json_file(from);
    } catch (const Error&) {
        fs::copy_file(from, to);  // not JSON: kept as it is, the counter refuses it as before
        return true;
    }
    if (root.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto object = root.extract<Poco::JSON::Object::Ptr>();
        if (object->has("store")) {
            try {
                const auto where = store::Location::parse(object->getValue<std::string>("store"),
                                                          from.parent_path());
                if (where.engine == store::Engine::PostgreSQL)
                    object->set("store", where.display());
            } catch (const std::exception&) {  // a wrong location stays wrong: nothing to hide
            }
        }
    }
    write_file_atomically(to, to_json(root) + "\n");
    return true;
}

/// The endpoints of a restored exchange.json whose secret is empty (to be entered again).
std::vector<std::string> endpoints_without_secret(const fs::path& file) {
    std::vector<std::string> out;
    if (!fs::exists(file)) return out;
    try {
        const auto root = load_json_file(file).extract<Poco::JSON::Object::Ptr>();
        const auto endpoints = root->getObject("endpoints");
        for (const auto& name : endpoints ? endpoints->getNames() : std::vector<std::string>{})
            if (const auto endpoint = endpoints->getObject(name);
                endpoint && endpoint->optValue<std::string>("secret", "").empty())
                out.push_back(name);
    } catch (const std::exception&) {
        out.push_back(kExchangeFile);  // not readable: all of it is to be written again
    }
    return out;
}

/// Copies every file of `from` missing in `to`; returns how many were copied.
int copy_new_files(const fs::path& from, const fs::path& to) {
    int copied = 0;
    if (!fs::is_directory(from)) return 0;
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
        const fs::path target = to / fs::relative(entry.path(), from);
        if (entry.is_directory()) {
            fs::create_directories(target);
        } else if (entry.is_regular_file() && !fs::exists(target)) {
            fs::create_directories(target.parent_path());
            fs::copy_file(entry.path(), target);
            ++copied;
        }
    }
    return copied;
}

/// Copies a database online, page by page, while others may write to it.
void copy_database(const fs::path& from, const fs::path& to) {
    SQLite::Database source(from.string(), SQLite::OPEN_READONLY, 5000);
    SQLite::Database target(to.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(target, source);
    while (true) {
        const int rc = backup.executeStep(256);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            throw Error(ErrorKind::Storage,
                        from.string() + ": backup step failed (" + std::to_string(rc) + ")");
    }
}

void check_integrity(const fs::path& db) {
    std::string verdict;
    try {
        SQLite::Database database(db.string(), SQLite::OPEN_READONLY);
        verdict = database.execAndGet("PRAGMA integrity_check").getString();
    } catch (const SQLite::Exception& e) {
        verdict = e.what();  // too damaged to be read at all
    }
    if (verdict != "ok")
        throw Error(ErrorKind::Integrity,
                    trf("{}: the backup is damaged ({})", db.string(), verdict));
}

/// One of PostgreSQL's client programs: $ONEWINDOW_PG_BIN/<name> when set, else the newest
/// major's under /usr/lib/postgresql (Debian keeps each major apart; a newer pg_dump reads every
/// older server), else <name> on the PATH.
std::string pg_program(const std::string& name) {
    if (const char* bin = std::getenv("ONEWINDOW_PG_BIN")) return (fs::path(bin) / name).string();
    int newest = 0;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
        const std::string major = entry.path().filename().string();
        if (major.find_first_not_of("0123456789") == std::string::npos && major.size() < 4 &&
            fs::exists(entry.path() / "bin" / name))
            newest = std::max(newest, std::stoi(major));
    }
    if (newest == 0) return name;
    return (fs::path("/usr/lib/postgresql") / std::to_string(newest) / "bin" / name).string();
}

/// Runs `program` with `args` as a child process (no shell: each argument is passed as it is)
/// and waits for it. The password, when there is one, reaches it through a PGPASSFILE of its
/// own (0600, in a private folder removed afterwards), never through its arguments.
/// Error(Storage) naming `what` with the program's own message when it fails.
void run_pg_program(const std::string& name, std::vector<std::string> args,
                    const store::ToolConnection& connection, const std::string& what) {
    Poco::Process::Env env{{"PGCONNECT_TIMEOUT", "10"}, {"LC_MESSAGES", "C"}};
    fs::path pass_dir;
    if (!connection.password.empty()) {
        pass_dir = fs::temp_directory_path() / ("onewindow-pgpass-" + random_hex(8));
        make_private_dir(pass_dir);
        std::string escaped;
        for (char ch : connection.password) {
            if (ch == ':' || ch == '\\') escaped += '\\';
            escaped += ch;
        }
        write_new_private_file(pass_dir / "pgpass", "*:*:*:*:" + escaped + "\n");
        env["PGPASSFILE"] = (pass_dir / "pgpass").string();
    }
    if (!connection.conninfo.empty()) {
        args.push_back("--no-password");  // a missing password fails at once, never asks
        args.push_back("--dbname=" + connection.conninfo);
    }
    int rc = -1;
    std::string output;
    try {
        Poco::Pipe out;
        Poco::ProcessHandle process =
            Poco::Process::launch(pg_program(name), args, std::string(), nullptr, &out, &out, env);
        Poco::PipeInputStream stream(out);
        Poco::StreamCopier::copyToString(stream, output);
        rc = process.wait();
    } catch (const Poco::Exception& e) {
        output = e.displayText();
    }
    if (!pass_dir.empty()) {
        std::error_code ignored;
        fs::remove_all(pass_dir, ignored);
    }
    if (rc != 0) {
        while (!output.empty() && (output.back() == '\n' || output.back() == ' '))
            output.pop_back();
        throw Error(ErrorKind::Storage,
                    trf("{} failed ({}): {}", what, name, output.empty() ? "-" : output));
    }
}

/// Dumps the centre's store into `file` (pg_dump's custom format) from one snapshot, and counts
/// its cases in that same snapshot.
long long dump_centre(const store::Location& where, const fs::path& file) {
    // Opening the store checks the server, the role and the schema with the store's messages.
    const auto db = store::Database::open(where);
    db->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto snapshot = db->prepare("SELECT pg_export_snapshot(), (SELECT count(*) FROM cases)");
    snapshot.step();
    const std::string id = snapshot.text(0);
    const long long cases = snapshot.int64(1);
    try {
        run_pg_program("pg_dump",
                       {"--format=custom", "--snapshot=" + id, "--file=" + file.string()},
                       store::tool_connection(where), trf("Backing up {}", where.display()));
    } catch (...) {
        db->exec("ROLLBACK");
        throw;
    }
    db->exec("COMMIT");
    return cases;
}

}  // namespace

std::vector<fs::path> list_backups(const fs::path& dest) {
    std::vector<fs::path> out;
    if (!fs::is_directory(dest)) return out;
    for (const auto& entry : fs::directory_iterator(dest))
        if (entry.is_directory() && entry.path().filename().string().rfind(kPrefix, 0) == 0 &&
            entry.path().extension() != ".partial" &&
            (fs::exists(entry.path() / "counter.db") || fs::exists(entry.path() / kCentreDump)))
            out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

BackupResult backup_counter(const fs::path& data_dir, const fs::path& dest, int keep,
                            const std::optional<std::string>& now) {
    store::Location where{store::Engine::SQLite, (data_dir / "counter.db").string()};
    try {
        where = store_location(data_dir);
    } catch (const Error&) {  // counter.json unreadable: its counter.db, as ever (copied below)
    }
    const bool centre = where.engine == store::Engine::PostgreSQL;
    const fs::path db = data_dir / "counter.db";
    if (!centre && !fs::exists(db))
        throw Error(ErrorKind::NotFound,
                    trf("{}: there is no case database to back up", db.string()));
    std::string stamp = check_now(now);  // "YYYY-MM-DD HH:MM:SS"
    std::erase_if(stamp, [](char c) { return c == '-' || c == ':'; });
    std::replace(stamp.begin(), stamp.end(), ' ', '-');
    BackupResult result;
    result.folder = dest / (kPrefix + stamp);
    const fs::path partial = dest / (kPrefix + stamp + ".partial");
    try {
        make_private_dir(dest);
        fs::remove_all(partial);
        make_private_dir(partial);
        // The head file first: the database copied after it holds at least the event it names.
        if (fs::exists(data_dir / store::kAuditHeadFile))
            fs::copy_file(data_dir / store::kAuditHeadFile, partial / store::kAuditHeadFile);
        if (centre) {
            // A centre's store, scans included (materials.hpp), with the engine's own tool.
            result.cases = dump_centre(where, partial / kCentreDump);
        } else {
            copy_database(db, partial / "counter.db");
            check_integrity(partial / "counter.db");
            SQLite::Database copy((partial / "counter.db").string(), SQLite::OPEN_READONLY);
            result.cases = copy.execAndGet("SELECT count(*) FROM cases").getInt64();
        }
        for (const char* name : kConfigFiles)
            if (fs::exists(data_dir / name) && !fs::exists(partial / name) &&
                std::string(name) != kExchangeFile && std::string(name) != kCounterFile)
                fs::copy_file(data_dir / name, partial / name);
        copy_counter_settings(data_dir / kCounterFile, partial / kCounterFile);
        result.secrets_left_out =
            copy_without_secrets(data_dir / kExchangeFile, partial / kExchangeFile);
        // Materials never change once stored: copy what the newest earlier backup lacks by
        // starting from it (hard links: no space for unchanged files), then add the new files.
        const auto earlier = list_backups(dest);
        if (!earlier.empty() && fs::is_directory(earlier.back() / "materials")) {
            for (const auto& entry :
                 fs::recursive_directory_iterator(earlier.back() / "materials")) {
                const fs::path target = partial / "materials" /
                                        fs::relative(entry.path(), earlier.back() / "materials");
                if (entry.is_directory())
                    fs::create_directories(target);
                else
                    fs::create_hard_link(entry.path(), target);
            }
        }
        result.material_files = copy_new_files(data_dir / "materials", partial / "materials");
        make_private_tree(partial);  // what an earlier version left readable, too
        fs::rename(partial, result.folder);
    } catch (const fs::filesystem_error& e) {
        std::error_code ignored;
        fs::remove_all(partial, ignored);
        throw Error(ErrorKind::Storage, trf("The backup could not be written: {}", e.what()));
    } catch (...) {
        std::error_code ignored;
        fs::remove_all(partial, ignored);
        throw;
    }
    auto all = list_backups(dest);
    const std::size_t kept = static_cast<std::size_t>(std::max(1, keep));
    for (std::size_t i = 0; all.size() > kept && i < all.size() - kept; ++i) {
        fs::remove_all(all[i]);
        result.removed.push_back(all[i]);
    }
    return result;
}

namespace {

/// Restores a centre's backup: its dump into the empty database `target` (or the one the
/// backup's counter.json names), checked (the store opens, its audit chain verifies with the
/// backup's anchor), then the configuration files.
std::vector<std::string> restore_centre(const fs::path& backup, const fs::path& data_dir,
                                        const std::optional<std::string>& target) {
    if (fs::exists(data_dir / kCounterFile))
        throw Error(ErrorKind::Input,
                    trf("{} already holds a counter's settings: restore into a new folder",
                        data_dir.string()));
    const store::Location where =
        target ? store::Location::parse(*target, data_dir) : store_location(backup);
    if (where.engine != store::Engine::PostgreSQL)
        throw Error(ErrorKind::Input, trf("{}: a centre's backup is restored into a PostgreSQL "
                                          "database (--store postgresql://...)",
                                          where.display()));
    const store::ToolConnection connection = store::tool_connection(where);
    // The dump is read whole before anything is changed.
    try {
        run_pg_program("pg_restore",
                       {"--list", "--file=/dev/null", (backup / kCentreDump).string()}, {},
                       tr("Reading the backup"));
    } catch (const Error& e) {
        throw Error(ErrorKind::Integrity, trf("{}: the backup is damaged ({})",
                                              (backup / kCentreDump).string(), e.what()));
    }
    if (store::tables_in(where) > 0)
        throw Error(ErrorKind::Input,
                    trf("{} is not empty: a backup is restored into a new, empty database; "
                        "nothing was changed",
                        where.display()));
    // One transaction: a failure leaves the database empty as it was.
    run_pg_program("pg_restore",
                   {"--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                    (backup / kCentreDump).string()},
                   connection, trf("Restoring into {}", where.display()));
    {
        // Checked: the store opens (its schema known to this program) and its audit chain
        // verifies with the key and head file of the backup.
        const auto db = store::Database::open(where);
        db->anchor_audit(backup);
        const auto verified = store::AuditRepository(*db).verify();
        if (!verified.ok)
            throw Error(ErrorKind::Integrity,
                        trf("{}: restored, but its audit chain does not verify at event {}: {}",
                            where.display(), std::to_string(verified.first_broken_id),
                            tr(verified.message.c_str())));
    }
    make_private_dir(data_dir);
    for (const char* name : kConfigFiles)
        if (fs::exists(backup / name)) fs::copy_file(backup / name, data_dir / name);
    if (target) {
        // The counter works on the database it was restored into (its password, if any, stays
        // in ~/.pgpass: counter.json keeps none).
        auto config =
            fs::exists(data_dir / kCounterFile)
                ? load_json_file(data_dir / kCounterFile).extract<Poco::JSON::Object::Ptr>()
                : Poco::JSON::Object::Ptr(new Poco::JSON::Object(true));
        config->set("store", connection.password.empty() ? *target : connection.conninfo);
        write_file_atomically(data_dir / kCounterFile, to_json(config) + "\n");
    }
    make_private_tree(data_dir);
    return endpoints_without_secret(data_dir / kExchangeFile);
}

}  // namespace

std::vector<std::string> restore_counter(const fs::path& backup, const fs::path& data_dir,
                                         const std::optional<std::string>& target) {
    if (fs::exists(backup / kCentreDump)) return restore_centre(backup, data_dir, target);
    if (!fs::exists(backup / "counter.db"))
        throw Error(ErrorKind::NotFound, trf("{}: not a backup (no counter.db)", backup.string()));
    if (fs::exists(data_dir / "counter.db"))
        throw Error(
            ErrorKind::Input,
            trf("{} already holds a case database: restore into a new folder", data_dir.string()));
    check_integrity(backup / "counter.db");
    make_private_dir(data_dir);
    copy_database(backup / "counter.db", data_dir / "counter.db");
    for (const char* name : kConfigFiles)
        if (fs::exists(backup / name)) fs::copy_file(backup / name, data_dir / name);
    copy_new_files(backup / "materials", data_dir / "materials");
    make_private_tree(data_dir);
    return endpoints_without_secret(data_dir / kExchangeFile);
}

std::optional<BackupSchedule> BackupSchedule::load(const fs::path& data_dir) {
    const fs::path file = data_dir / "backup.json";
    if (!fs::exists(file)) return std::nullopt;
    Issues issues;
    auto root = ObjectReader::of(load_json_file(file), file.string(), "$", issues);
    BackupSchedule schedule;
    if (root.raw()) {
        root.reject_unknown({"folder", "every_hours", "keep"});
        const fs::path folder = root.string("folder");
        schedule.folder = folder.is_absolute() ? folder : data_dir / folder;
        schedule.every_hours =
            static_cast<int>(root.opt_integer("every_hours", 1, 24 * 31).value_or(24));
        schedule.keep = static_cast<int>(root.opt_integer("keep", 1, 1000).value_or(14));
        if (!folder.empty() &&
            fs::weakly_canonical(schedule.folder) == fs::weakly_canonical(data_dir))
            root.fail("folder", "must not be the data folder itself");
    }
    issues.throw_if_any();
    return schedule;
}

std::optional<std::string> newest_backup_time(const fs::path& dest) {
    const auto all = list_backups(dest);
    if (all.empty()) return std::nullopt;
    const std::string name = all.back().filename().string().substr(std::string(kPrefix).size());
    if (name.size() != 15) return std::nullopt;  // YYYYMMDD-HHMMSS
    return name.substr(0, 4) + "-" + name.substr(4, 2) + "-" + name.substr(6, 2) + " " +
           name.substr(9, 2) + ":" + name.substr(11, 2) + ":" + name.substr(13, 2);
}

namespace {

/// Seconds since the epoch of a local "YYYY-MM-DD HH:MM:SS" (as a calendar count: no zone).
std::optional<long long> seconds_of(const std::string& at) {
    auto day = Date::parse(at.substr(0, 10));
    if (!day || at.size() < 19) return std::nullopt;
    return day->days_since_epoch() * 86400 + std::stoi(at.substr(11, 2)) * 3600 +
           std::stoi(at.substr(14, 2)) * 60 + std::stoi(at.substr(17, 2));
}

}  // namespace

bool backup_due(const BackupSchedule& schedule, const std::string& now) {
    const auto newest = newest_backup_time(schedule.folder);
    if (!newest) return true;
    const auto then = seconds_of(*newest), at = seconds_of(now);
    if (!then || !at) return true;
    return *at - *then >= static_cast<long long>(schedule.every_hours) * 3600;
}

BackupScheduler::BackupScheduler(fs::path data_dir, BackupSchedule schedule,
                                 std::chrono::milliseconds check_every)
    : data_dir_(std::move(data_dir)), schedule_(std::move(schedule)), check_every_(check_every) {}

BackupScheduler::~BackupScheduler() { stop(); }

void BackupScheduler::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void BackupScheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

int BackupScheduler::backups_made() const {
    std::lock_guard lock(mutex_);
    return made_;
}

std::string BackupScheduler::last_error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

std::optional<std::string> BackupScheduler::last_backup() const {
    return newest_backup_time(schedule_.folder);
}

void BackupScheduler::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        std::string error;
        bool made = false;
        try {
            if (backup_due(schedule_, local_timestamp_now())) {
                backup_counter(data_dir_, schedule_.folder, schedule_.keep);
                made = true;
            }
        } catch (const std::exception& e) {
            error = e.what();
        }
        lock.lock();
        made_ += made;
        error_ = error;
        wake_.wait_for(lock, check_every_, [this] { return stopping_; });
    }
}

}  // namespace onewindow
