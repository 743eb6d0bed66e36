// Backups of a counter's data (issue 7): the case database copied online with SQLite's backup API
// (never a file copy: the shell and the dispatcher may be writing), and the material store, whose
// files are content-addressed and never change, copied incrementally (a file already in the
// backup folder is not copied again). Each backup is one folder <dest>/backup-YYYYMMDD-HHMMSS/
// holding counter.db, materials/ and the counter's configuration files; the oldest are removed
// beyond `keep`. Restoring checks the backup (PRAGMA integrity_check) before it replaces anything.
// Run `onewindow-cli backup` from cron or a systemd timer to schedule it.
// Threads: any; each call opens its own connections.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace onewindow {

struct BackupResult {
    std::filesystem::path folder;                // the new backup
    long long cases = 0;                         // cases in it
    int material_files = 0;                      // material files copied this time
    std::vector<std::filesystem::path> removed;  // old backups removed by retention
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

/// Restores a backup folder into `data_dir` (which must not hold a counter.db: restore into a new
/// or emptied folder). Error(Integrity) when the backup's database fails integrity_check.
void restore_counter(const std::filesystem::path& backup, const std::filesystem::path& data_dir);

}  // namespace onewindow
