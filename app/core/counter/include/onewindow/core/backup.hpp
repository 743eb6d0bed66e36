// Backups of a counter's data (issue 7; a centre's, issue 14): the case database copied online with
// SQLite's backup API (never a file copy: the shell and the dispatcher may be writing), and the
// material store, whose files are content-addressed and never change, copied incrementally (a file
// already in the backup folder is not copied again). Each backup is one folder
// <dest>/backup-YYYYMMDD-HHMMSS/ holding counter.db, materials/ and the counter's configuration
// files; the oldest are removed beyond `keep`. A backup keeps no secret in the clear: exchange.json
// is copied with each endpoint's shared "secret" emptied, and after a restore the administrator
// enters them again (restore_counter() names the endpoints); a password in counter.json's "store"
// location is left out too (a centre's server is reached through ~/.pgpass). The audit key and head
// file come along (the head copied before the database, so the copy holds the event it names): a
// restored counter verifies its own keyed events as before. Backups are private: folders 0700,
// files 0600 (private_files.hpp). Restoring checks the backup (PRAGMA integrity_check) before it
// replaces anything. Scheduled: <data>/backup.json ({"folder": "...", "every_hours": 24, "keep":
// 14}; a relative folder is under the data folder) makes the shell run a BackupScheduler, which
// backs up whenever the newest backup is older than every_hours; `onewindow-cli backup --scheduled`
// does one such check (for cron).
//
// A counter of a service centre (counter.json's "store" is postgresql://...) is backed up with
// the engine's own tool: `pg_dump --format=custom` of the whole centre store, from one snapshot
// (the case count printed is counted in that same snapshot), into centre.dump in the same
// backup-YYYYMMDD-HHMMSS folder, with the same configuration files, retention and schedule. The
// scans need no folder of their own there: a centre keeps them as rows of the store's materials
// table (store/materials.hpp), so the dump carries them with the cases. pg_dump and pg_restore
// run as child processes, each argument passed as it is (no shell); the password, if the
// location holds one, reaches them through a private PGPASSFILE made for that run, never through
// their command line (the README's way is ~/.pgpass, which they read themselves). Restoring a
// centre's backup runs `pg_restore --single-transaction` into a new, EMPTY database (`--store`
// names it; else the one the backup's counter.json names), after the dump was read whole
// (`pg_restore --list`), and checks it: the store opens and its audit chain verifies with the
// backup's audit key and head file.
//
// Threads: any; each call opens its own connections.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace onewindow {

struct BackupResult {
    std::filesystem::path folder;                // the new backup
    long long cases = 0;                         // cases in it
    int material_files = 0;                      // material files copied this time
    std::vector<std::filesystem::path> removed;  // old backups removed by retention
    bool secrets_left_out = false;               // exchange.json was copied without secrets
};

/// Backs up `data_dir` into a new folder under `dest`, keeping the `keep` newest backups
/// (at least 1). `now`: "YYYY-MM-DD HH:MM:SS" for the folder name (local time by default).
/// Error(Storage) naming the file when anything cannot be read or written; a failed backup
/// leaves no half folder behind.
BackupResult backup_counter(const std::filesystem::path& data_dir,
                            const std::filesystem::path& dest, int keep,
                            const std::optional<std::string>& now = std::nullopt);

/// The backups under `dest`, oldest first.
std::vector<std::filesystem::path> list_backups(const std::filesystem::path& dest);

/// Restores a backup folder into `data_dir` (which must not hold a counter.db, or for a
/// centre's backup a counter.json: restore into a new or emptied folder). A centre's backup goes
/// into the empty PostgreSQL database `target` (counter.json then names it), or the one its
/// counter.json names. Error(Integrity) when the backup's database fails integrity_check (the
/// dump cannot be read, or the restored chain does not verify); Error(Input) for a database that
/// is not empty; Error(Storage) with pg_restore's message when it fails (nothing restored then).
/// Returns the endpoints of exchange.json whose shared secret must be entered again (backups
/// keep none, see the header comment).
std::vector<std::string> restore_counter(const std::filesystem::path& backup,
                                         const std::filesystem::path& data_dir,
                                         const std::optional<std::string>& target = std::nullopt);

struct BackupSchedule {
    std::filesystem::path folder;
    int every_hours = 24;
    int keep = 14;
    /// Reads <data>/backup.json; nullopt when there is none. Error(Input) naming each bad key
    /// with its JSON path.
    static std::optional<BackupSchedule> load(const std::filesystem::path& data_dir);
};

/// The time ("YYYY-MM-DD HH:MM:SS") of the newest backup under `dest`, from its folder name;
/// nullopt when there is none.
std::optional<std::string> newest_backup_time(const std::filesystem::path& dest);
/// Whether a backup is due at `now` ("YYYY-MM-DD HH:MM:SS"): none yet, or the newest is
/// `every_hours` old or older.
bool backup_due(const BackupSchedule& schedule, const std::string& now);

/// Runs scheduled backups on its own thread: checks every `check_every` whether one is due and
/// makes it. A failure is kept (last_error) and tried again at the next check.
class BackupScheduler {
  public:
    BackupScheduler(std::filesystem::path data_dir, BackupSchedule schedule,
                    std::chrono::milliseconds check_every = std::chrono::minutes(5));
    ~BackupScheduler();
    void start();
    void stop();
    int backups_made() const;
    std::string last_error() const;
    std::optional<std::string> last_backup() const;  // its time, as newest_backup_time()

  private:
    void run();
    std::filesystem::path data_dir_;
    BackupSchedule schedule_;
    std::chrono::milliseconds check_every_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    int made_ = 0;
    std::string error_;
    std::thread thread_;
};

}  // namespace onewindow
