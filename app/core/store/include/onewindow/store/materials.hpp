// Scanned materials, content-addressed by SHA-256, reachable from every counter of a store.
//
// Where they live depends on the engine, and only here:
//   - SQLite (one counter): files <materials>/<aa>/<sha256> beside the database, written and
//     fsynced (file and folder) before the case's transaction commits; a rolled-back case may
//     leave a file nobody refers to, which costs disk, never correctness.
//   - PostgreSQL (a centre): rows of the table `materials` in the same database, written in the
//     case's own transaction. Chosen over a shared centre folder because a scan is then
//     reachable from every counter through the one connection it already has (no network share
//     to mount, secure and back up apart), it commits or rolls back with its case, and the
//     engine's own backups (pg_dump, base backups) carry it with the cases. The cost is measured
//     in onewindow-bench (pg_material_put_ms for a 300 KB scan); scans are a few hundred KB, far
//     below what bytea holds, and stored without compression (JPEG and PDF do not shrink).
// Threads: as Database.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "onewindow/store/database.hpp"

namespace onewindow::store {

class MaterialStore {
  public:
    MaterialStore(Database& db, std::filesystem::path folder)
        : db_(db), folder_(std::move(folder)) {}

    /// Keeps `bytes` under their SHA-256 (`sha256`, computed by the caller) unless they are kept
    /// already. Call inside the transaction that refers to them.
    void put(const std::string& sha256, std::string_view bytes);
    /// The bytes kept under `sha256`, or nullopt.
    std::optional<std::string> read(const std::string& sha256) const;
    /// A reader of scans that any thread may call, without this store's connection (the
    /// dispatcher's network threads): the files on SQLite; a short connection of its own per
    /// read on PostgreSQL.
    std::function<std::optional<std::string>(const std::string& sha256)> reader() const;
    /// SQLite only: the file a scan is kept in (it may not exist).
    std::filesystem::path file(const std::string& sha256) const {
        return folder_ / sha256.substr(0, 2) / sha256;
    }

  private:
    Database& db_;
    std::filesystem::path folder_;
};

/// The content of `file` for MaterialStore::put, with its SHA-256; Error(Input) naming the file
/// when it cannot be read.
struct MaterialBytes {
    std::string sha256, bytes;
};
MaterialBytes read_material_file(const std::filesystem::path& file);

}  // namespace onewindow::store
