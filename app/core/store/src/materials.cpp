// Scanned materials, content-addressed (store/materials.hpp): files beside a SQLite store, rows
// of a PostgreSQL one.
#include "onewindow/store/materials.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "onewindow/core/date.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"

namespace fs = std::filesystem;

namespace onewindow::store {

namespace {

void fsync_path(const fs::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        throw Error(ErrorKind::Storage, path.string() + ": cannot be synced to disk");
    }
    ::close(fd);
}

}  // namespace

MaterialBytes read_material_file(const fs::path& file) {
    MaterialBytes out;
    try {
        out.bytes = read_text_file(file);
    } catch (const Error&) {
        throw Error(ErrorKind::Input, file.string() + ": material file cannot be read");
    }
    out.sha256 = sha256_hex(out.bytes);
    return out;
}

void MaterialStore::put(const std::string& sha256, std::string_view bytes) {
    if (db_.engine() == Engine::PostgreSQL) {
        db_.cached(
               "INSERT INTO materials (sha256, content, stored_at) VALUES (?, ?, ?)"
               " ON CONFLICT (sha256) DO NOTHING")
            .bind(1, sha256)
            .bind_blob(2, bytes)
            .bind(3, local_timestamp_now())
            .queue();
        return;
    }
    const fs::path target = file(sha256);
    const fs::path dir = target.parent_path();
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) throw Error(ErrorKind::Storage, dir.string() + ": " + error.message());
    if (fs::exists(target)) return;
    const fs::path temp = target.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out)
            throw Error(ErrorKind::Storage, temp.string() + ": cannot be written (disk full?)");
    }
    fsync_path(temp, O_RDONLY);
    fs::rename(temp, target, error);
    if (error) throw Error(ErrorKind::Storage, target.string() + ": " + error.message());
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

std::optional<std::string> MaterialStore::read(const std::string& sha256) const {
    if (db_.engine() == Engine::PostgreSQL) {
        Statement& q = db_.cached("SELECT content FROM materials WHERE sha256 = ?");
        q.bind(1, sha256);
        if (!q.step()) return std::nullopt;
        std::string bytes = q.blob(0);
        q.reset();
        return bytes;
    }
    return reader()(sha256);
}

std::function<std::optional<std::string>(const std::string&)> MaterialStore::reader() const {
    if (db_.engine() == Engine::PostgreSQL)
        return [where = db_.location(), folder = folder_](const std::string& sha256) {
            auto db = Database::open(where);
            return MaterialStore(*db, folder).read(sha256);
        };
    return [folder = folder_](const std::string& sha256) -> std::optional<std::string> {
        const fs::path path = folder / sha256.substr(0, 2) / sha256;
        if (sha256.size() != 64 || !fs::exists(path)) return std::nullopt;
        return read_text_file(path);
    };
}

}  // namespace onewindow::store
