// Moving a counter's own store into a service centre's (onewindow-cli store migrate).
//
// A township point or a window that ran on its own SQLite file joins the centre: every row of
// every table is copied, ids kept, into the centre's store, and the scans with them (PostgreSQL
// keeps them in its materials table), in ONE transaction on the target: a failure leaves the
// target as it was. The audit chain is copied as it is and verified on the target before the
// commit (a chain that does not verify is not committed), then one event "store.migrated"
// (subject: the hash of the source's first audit event, which names the source) is chained
// after it. Pending outbox rows stay pending,
// their claims cleared, so the centre's dispatcher sends them.
//
// Idempotent: running it again for the same source finds its "store.migrated" event and copies
// nothing (what the source recorded after the first run stays there: a counter works on the
// centre once it has joined). A target that already holds other cases or events is refused (a
// centre is joined once, into an empty store). Both stores are brought to the newest schema first.
//
// Threads: any one thread; it opens connections of its own.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "onewindow/store/database.hpp"

namespace onewindow::store {

struct MigrationReport {
    bool already_done = false;              // the target had this source already: nothing copied
    std::map<std::string, long long> rows;  // per table, rows copied
    long long materials = 0;                // scans copied
    long long pending = 0;                  // outbox rows still to send
    std::string source_head;                // the source's audit head hash
};

/// Copies the store at `from` (its scans in `from_materials`) into the store at `to` (its
/// scans in `to_materials` when it is SQLite). `anchor` is the counter's data folder, whose
/// audit key and head file (Database::anchor_audit) anchor both stores' chains: the copy is
/// verified with them and the join event keyed by them. `actor` is named in the audit event.
/// Error(Input) when both are the same store; Error(Storage) for an unreachable store, a target
/// holding other data, a scan missing from the source, or a chain that does not verify.
MigrationReport migrate_store(const Location& from, const std::filesystem::path& from_materials,
                              const Location& to, const std::filesystem::path& to_materials,
                              const std::filesystem::path& anchor, const std::string& actor);

}  // namespace onewindow::store
