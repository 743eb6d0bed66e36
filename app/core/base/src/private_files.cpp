// Private files and folders (private_files.hpp).
#include "onewindow/core/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "onewindow/core/error.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

void set_mode(const fs::path& path, fs::perms mode) {
    std::error_code error;
    fs::permissions(path, mode, fs::perm_options::replace | fs::perm_options::nofollow, error);
    if (error) throw Error(ErrorKind::Storage, path.string() + ": " + error.message());
}

}  // namespace

void keep_new_files_private() { ::umask(077); }

bool make_private_dir(const fs::path& dir) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) throw Error(ErrorKind::Storage, dir.string() + ": " + error.message());
    const fs::perms was = fs::status(dir, error).permissions();
    if (error) throw Error(ErrorKind::Storage, dir.string() + ": " + error.message());
    const bool open = (was & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none;
    if (open) set_mode(dir, fs::perms::owner_all);
    return open;
}

bool write_new_private_file(const fs::path& file, const std::string& text) {
    // Written whole beside it under a name of this call's own, then linked to its name: nobody
    // reads it half written, link() fails when the name exists, and two threads (or processes)
    // making the same file at once never share a temporary file. The serial makes the name
    // unique within the process, the pid among the processes; O_EXCL refuses a name some
    // crashed process left behind, and the next serial is tried.
    static std::atomic<unsigned long long> serial{0};
    fs::path temp;
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
        temp = file.string() + "." + std::to_string(::getpid()) + "." + std::to_string(serial++) +
               ".new";
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) break;
    }
    bool ok = fd >= 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    const bool linked = ok && ::link(temp.c_str(), file.c_str()) == 0;
    const bool taken = ok && !linked && errno == EEXIST;
    std::error_code ignored;
    if (fd >= 0) fs::remove(temp, ignored);  // never another's: O_EXCL made it this call's
    if (!linked && !taken) throw Error(ErrorKind::Storage, file.string() + ": cannot be written");
    return linked;
}

void make_private_tree(const fs::path& root, bool recursive) {
    std::error_code error;
    if (!fs::is_directory(root, error)) return;
    set_mode(root, fs::perms::owner_all);
    for (auto it = fs::recursive_directory_iterator(root, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (!recursive) it.disable_recursion_pending();
        const auto status = it->symlink_status(error);
        if (error) break;
        if (fs::is_directory(status))
            set_mode(it->path(), fs::perms::owner_all);
        else if (fs::is_regular_file(status))  // a plugin's library keeps its x bit
            set_mode(it->path(), fs::perms::owner_read | fs::perms::owner_write |
                                     (status.permissions() & fs::perms::owner_exec));
    }
    if (error) throw Error(ErrorKind::Storage, root.string() + ": " + error.message());
}

}  // namespace onewindow
