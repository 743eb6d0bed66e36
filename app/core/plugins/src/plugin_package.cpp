#include "onewindow/core/plugin_package.hpp"

#include <Poco/Crypto/DigestEngine.h>
#include <Poco/DigestEngine.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "onewindow/core/error.hpp"

namespace fs = std::filesystem;

namespace onewindow {

const std::string* PluginPackage::find(const std::string& relative) const {
    auto found = files.find(relative);
    return found == files.end() ? nullptr : &found->second;
}

std::string PluginPackage::hash(const std::string& relative) const {
    auto found = hashes.find(relative);
    return found == hashes.end() ? std::string() : found->second;
}

fs::path scratch_root() {
    static const fs::path root = [] {
        const fs::path shm = "/dev/shm";
        std::error_code error;
        if (fs::is_directory(shm, error) && ::access(shm.c_str(), W_OK | X_OK) == 0) return shm;
        return fs::temp_directory_path();
    }();
    return root;
}

std::string PluginPackage::name(const std::string& relative) const {
    return (dir / relative).string();
}

std::string sha256_of_bytes(const std::string& bytes) {
    Poco::Crypto::DigestEngine engine("SHA256");  // OpenSSL: several times faster
    engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string plugin_digest(const PluginPackage& package, const std::string& plugin_id) {
    std::string text = "onewindow.plugin/1\n" + plugin_id + "\n";
    for (const auto& [path, bytes] : package.files)  // std::map: by path, byte order
        text += path + "\n" + package.hash(path) + "\n";
    return sha256_of_bytes(text);
}

namespace {

/// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

class Reader {
  public:
    Reader(const fs::path& dir, Issues& issues) : dir_(dir), issues_(issues) {}

    bool fail(const std::string& relative, const std::string& message) {
        issues_.add(relative.empty() ? dir_.string() : (dir_ / relative).string(), "$", message);
        return false;
    }

    /// Owner and mode of an open file or folder; false (with an issue) when not acceptable.
    bool acceptable(const struct stat& st, const std::string& relative, bool folder) {
        const char* what = folder ? "folder" : "file";
        if (st.st_uid != 0 && st.st_uid != ::geteuid())
            return fail(relative, std::string("the ") + what + " belongs to user " +
                                      std::to_string(st.st_uid) +
                                      ": a plugin's files belong to root or to the user running "
                                      "the program");
        if (st.st_mode & (S_IWGRP | S_IWOTH))
            return fail(relative, std::string("the ") + what +
                                      " is writable by group or others: make it writable by its "
                                      "owner only (chmod go-w)");
        return true;
    }

    bool read_folder(int fd, const std::string& prefix, int depth) {
        struct stat st {};
        if (::fstat(fd, &st) != 0) return fail(prefix, std::strerror(errno));
        if (!acceptable(st, prefix, true)) return false;
        if (depth > 16) return fail(prefix, "folders nested too deep");
        // fdopendir takes the descriptor over: give it its own.
        DIR* listing = ::fdopendir(::dup(fd));
        if (!listing) return fail(prefix, std::string("cannot be listed: ") + std::strerror(errno));
        std::vector<std::string> names;
        while (const dirent* entry = ::readdir(listing)) {
            const std::string name = entry->d_name;
            if (name != "." && name != "..") names.push_back(name);
        }
        ::closedir(listing);
        for (const auto& name : names) {
            const std::string relative = prefix.empty() ? name : prefix + "/" + name;
            struct stat link {};
            if (::fstatat(fd, name.c_str(), &link, AT_SYMLINK_NOFOLLOW) != 0)
                return fail(relative, std::strerror(errno));
            if (S_ISLNK(link.st_mode))
                return fail(relative,
                            "is a symbolic link: a plugin folder holds its own files; copy the "
                            "file in");
            if (S_ISDIR(link.st_mode)) {
                Fd sub(::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.fd < 0) return fail(relative, std::strerror(errno));
                if (!read_folder(sub.fd, relative, depth + 1)) return false;
            } else if (S_ISREG(link.st_mode)) {
                if (!read_file(fd, name, relative)) return false;
            } else {
                return fail(relative, "is neither a file nor a folder");
            }
        }
        return true;
    }

    bool read_file(int folder, const std::string& name, const std::string& relative) {
        Fd file(::openat(folder, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        if (file.fd < 0)
            return fail(relative, std::string("cannot be read: ") + std::strerror(errno));
        struct stat st {};
        if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode))
            return fail(relative, "is not a regular file");
        if (!acceptable(st, relative, false)) return false;
        if (++count_ > kMaxPluginFiles)
            return fail("", "holds more than " + std::to_string(kMaxPluginFiles) + " files");
        total_ += static_cast<std::size_t>(st.st_size);
        if (total_ > kMaxPluginBytes)
            return fail("", "holds more than " + std::to_string(kMaxPluginBytes >> 20) + " MB");
        std::string bytes;
        bytes.reserve(static_cast<std::size_t>(st.st_size));
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0)
                return fail(relative, std::string("cannot be read: ") + std::strerror(errno));
            if (n == 0) break;
            bytes.append(buffer, static_cast<std::size_t>(n));
            if (bytes.size() > kMaxPluginBytes) return fail(relative, "is too large");
        }
        package_.hashes.emplace(relative, sha256_of_bytes(bytes));
        package_.files.emplace(relative, std::move(bytes));
        return true;
    }

    std::optional<PluginPackage> run() {
        package_.dir = dir_;
        Fd top(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (top.fd < 0) {
            fail("", errno == ELOOP || errno == ENOTDIR
                         ? "is not a folder (a symbolic link?): a plugin is a folder of its own"
                         : std::string("cannot be opened: ") + std::strerror(errno));
            return std::nullopt;
        }
        if (!read_folder(top.fd, "", 0)) return std::nullopt;
        return std::move(package_);
    }

  private:
    fs::path dir_;
    Issues& issues_;
    PluginPackage package_;
    std::size_t count_ = 0, total_ = 0;
};

}  // namespace

std::optional<PluginPackage> read_plugin_package(const fs::path& dir, Issues& issues) {
    return Reader(dir, issues).run();
}

SealedFile::SealedFile(const std::string& name, const std::string& bytes) : name_(name) {
    if (name_.empty() || name_.find('/') != std::string::npos) name_ = "plugin.so";
    fd_ = ::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd_ < 0)
        throw Error(ErrorKind::Plugin, name + ": cannot make an in-memory copy of the library: " +
                                           std::strerror(errno));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string reason = std::strerror(errno);
            ::close(fd_);
            throw Error(ErrorKind::Plugin, name + ": cannot copy the library: " + reason);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fcntl(fd_, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(fd_);
        throw Error(ErrorKind::Plugin, name + ": cannot seal the copy of the library: " + reason);
    }
}

SealedFile::~SealedFile() {
    unlink_path();
    if (fd_ >= 0) ::close(fd_);
}

std::string SealedFile::unique_path() {
    unlink_path();
    std::string pattern = (scratch_root() / "onewindow-load-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw Error(ErrorKind::Plugin,
                    name_ + ": cannot create a private folder in " + scratch_root().string());
    link_dir_ = pattern;
    // The folder's random name, and a serial within the process: never the same path twice.
    static std::atomic<unsigned long> serial{0};
    const fs::path link = link_dir_ / (std::to_string(++serial) + "-" + name_);
    std::error_code error;
    fs::create_symlink("/proc/self/fd/" + std::to_string(fd_), link, error);
    if (error) throw Error(ErrorKind::Plugin, link.string() + ": " + error.message());
    return link.string();
}

void SealedFile::unlink_path() {
    if (link_dir_.empty()) return;
    std::error_code ignored;
    fs::remove_all(link_dir_, ignored);
    link_dir_.clear();
}

}  // namespace onewindow
