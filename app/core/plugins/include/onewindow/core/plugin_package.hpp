// A plugin folder read exactly once: every file's bytes, checked and hashed, so that what the
// host trusts is what it loads (design.md "Plugin boundary", Trust).
//
// read_plugin_package() opens the folder and every file in it with O_NOFOLLOW, checks each
// through its open descriptor (fstat: a regular file or folder, owned by root or by the user
// running the program, not writable by group or others), and reads the bytes through that same
// descriptor. Nothing is read twice: the manifest is parsed, the data is checked and the library
// is loaded from these bytes (the library through a sealed in-memory file, SealedFile), so a
// file swapped on disk after the read never runs.
//
// plugin_digest() is the one hash the administrator trusts: it ties the plugin id to every file
// of the folder (library, manifest, dictionary fragment, forms, templates and anything else in
// it), so changing any of them makes the plugin untrusted again.
//
// Threads: plain functions and values; a package is immutable once read.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "onewindow/core/json.hpp"

namespace onewindow {

struct PluginPackage {
    std::filesystem::path dir;
    std::map<std::string, std::string> files;   // path relative to dir ("forms/a.json") -> bytes
    std::map<std::string, std::string> hashes;  // the same path -> SHA-256 of its bytes (hex)
    /// The bytes of a file of the package, or nullptr.
    const std::string* find(const std::string& relative) const;
    /// The SHA-256 of a file of the package, or "".
    std::string hash(const std::string& relative) const;
    /// dir / relative, for messages.
    std::string name(const std::string& relative) const;
};

/// Limits of one plugin folder: more is refused as not a plugin.
inline constexpr std::size_t kMaxPluginFiles = 4096;
inline constexpr std::size_t kMaxPluginBytes = 256u << 20;

/// Reads every file under `dir` (see above). On a problem (a symbolic link, a folder or file
/// writable by group or others or owned by another user, something that is not a file or a
/// folder, past the limits, unreadable) adds one issue naming the path and what to do, and
/// returns nullopt.
std::optional<PluginPackage> read_plugin_package(const std::filesystem::path& dir, Issues& issues);

/// SHA-256 (lower-case hex) of the text
///   "onewindow.plugin/1\n" "<plugin id>\n"  then, for each file by path (byte order),
///   "<relative path>\n" "<SHA-256 of its bytes>\n"
std::string plugin_digest(const PluginPackage& package, const std::string& plugin_id);

/// SHA-256 (lower-case hex) of bytes in memory.
std::string sha256_of_bytes(const std::string& bytes);

/// Where the host makes its short-lived private folders (a copy of templates, the link a
/// library is loaded through): /dev/shm when it is there (memory: nothing reaches a disk), else
/// the system's temporary folder.
std::filesystem::path scratch_root();

/// An anonymous in-memory file (memfd) holding a copy of some bytes, sealed against any change
/// (no write, no shrink, no grow), for dlopen(). The dynamic loader recognises a library it has
/// loaded by the path it was given before it looks at the file, and a descriptor's number
/// (/proc/self/fd/<n>) is reused once closed; so the library is opened through a name used once
/// in the process: a symbolic link to the descriptor, in a private folder (mode 0700) that
/// unlink_path() removes once the library is loaded. Keep the object as long as the library.
class SealedFile {
  public:
    /// Error(Plugin) naming `name` when the kernel refuses.
    SealedFile(const std::string& name, const std::string& bytes);
    ~SealedFile();
    SealedFile(const SealedFile&) = delete;
    SealedFile& operator=(const SealedFile&) = delete;
    /// A path naming this file that no other load in the process used; Error(Plugin) when the
    /// link cannot be made.
    std::string unique_path();
    /// Removes the link and its folder (the loaded library does not need them).
    void unlink_path();

  private:
    int fd_ = -1;
    std::string name_;
    std::filesystem::path link_dir_;
};

}  // namespace onewindow
