// The counter's files are its own: applicants' ID numbers and scans, the shared secrets of
// exchange.json, the audit key. Every file the counter writes is 0600 and every folder 0700,
// whatever the umask of whoever started it, so that other users of the PC read nothing.
//
// How: the counter's programs (onewindow-cli, the shell) call keep_new_files_private() first
// thing, so that everything created afterwards (SQLite's database and journals, scans, logs,
// PDFs, backups) is created private; folders chosen by the user (the data folder, a backup
// folder) are made with make_private_dir(), and make_private_tree() tightens what an earlier
// version left readable (Counter::open() does it once for a data folder that is not 0700 yet,
// backups for each backup they write). Files written with an explicit mode
// (write_file_atomically()) default to 0600.
//
// Threads: keep_new_files_private() changes the process's umask: call it before threads start.
// The others may be called from any thread. Errors throw Error(Storage) naming the path.
#pragma once

#include <filesystem>
#include <string>

namespace onewindow {

/// Sets the process's umask to 077: files created from now on are 0600 at most, folders 0700.
void keep_new_files_private();

/// Creates `dir` (and missing parents) if needed and makes `dir` itself 0700. Returns whether
/// `dir` was open to others before (group or world bits set).
bool make_private_dir(const std::filesystem::path& dir);

/// Creates `file` (0600) holding `text` unless it exists already (of two processes or threads
/// making it at once, one writes it and the other keeps it; nobody sees it half written).
/// Returns whether this call made it.
bool write_new_private_file(const std::filesystem::path& file, const std::string& text);

/// Makes every folder under `root` (and `root`) 0700 and every file 0600 (a file's owner x bit
/// kept); symbolic links are left alone, not followed. `recursive` false: `root`'s own entries
/// only (the configuration files an administrator may have copied in).
void make_private_tree(const std::filesystem::path& root, bool recursive = true);

}  // namespace onewindow
