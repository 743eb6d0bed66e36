// Moving a counter's own store into a service centre's (onewindow-cli store migrate).
//
// A township point or a window that ran on its own SQLite file joins the centre: every row of
// every table is copied into the centre's store, and the scans with them (PostgreSQL keeps them
// in its materials table), in ONE transaction on the target: a failure leaves the target as it
// was. Pending outbox rows stay pending, their claims cleared, so the centre's dispatcher sends
// them. One event "store.migrated" (subject: the hash of the source's first audit event, which
// names the source) is chained after the copy, and the copy is verified before the commit (a
// chain that does not verify is not committed).
//
// Into an empty store (the first counter of a centre) the rows keep their ids and the audit
// chain is copied as it is: the source's chains are the target's.
//
// Into a store that holds cases already (the second counter of a centre, and every one after)
// the source is MERGED:
//   - every row gets a new id of the target's (PostgreSQL: drawn from the table's sequence,
//     so the centre's counters may go on accepting meanwhile; SQLite: after the largest), and
//     every reference to it is mapped; the references are the declared foreign keys, read from
//     the target's schema (and audit_heads.last_id), so a table added later is mapped as well;
//   - refused, with nothing written: a counter of the source that has cases, notices, numbers,
//     drafts or an audit chain in the target (a counter is merged once; two counters never share
//     a code); an account in both with different roles (rename one first; with the same role it
//     is the same clerk, and the target's account, password and lockout stay); a source that holds
//     merged stores itself (merge their folders one at a time); a source whose own audit log
//     does not verify (with its head file, before its events are renumbered);
//   - the source's audit events keep their hashes, which cover their content and the previous
//     hash, not their ids: they are one unbroken range of ids (the merge locks the target's
//     chain heads, so every counter's appends wait for it: run it outside opening hours on a
//     large centre), walked by the verifier as the source's own chains (AuditSegment in
//     audit.hpp). The merge's event records where those chains start and end; the source's
//     counters' chains go on from their heads in the target, its '' chain (events of no
//     counter) ends there;
//   - the back offices' cursors of both are kept where both have one, the smaller: decisions
//     are read again from there and those already recorded are skipped.
//
// Idempotent: running it again for the same source finds its "store.migrated" event and copies
// nothing (what the source recorded after the first run stays there: a counter works on the
// centre once it has joined). Both stores are brought to the newest schema first.
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
    bool merged = false;            // the target held cases already: new ids (header comment)
    long long shared_accounts = 0;  // a merge: accounts both had (the target's stays)
};

/// Copies the store at `from` (its scans in `from_materials`) into the store at `to` (its
/// scans in `to_materials` when it is SQLite). `anchor` is the source counter's data folder,
/// whose audit key and head file (Database::anchor_audit) anchor its chain: the source and the
/// copy are verified with them and the migration's event keyed by the key; the head file is
/// not written (follow_audit_head() when the counter moves with its store). `actor` is named in the
/// audit event. Error(Input) when both are the same store; Error(Storage) for an unreachable store,
/// a merge refused (header comment), a scan missing from the source, or a chain that does not
/// verify.
MigrationReport migrate_store(const Location& from, const std::filesystem::path& from_materials,
                              const Location& to, const std::filesystem::path& to_materials,
                              const std::filesystem::path& anchor, const std::string& actor);

/// After a counter moved its store into `where` (its data folder `anchor`): its audit head file
/// names its newest event by the id that event has in `where` (a merge gives new ids, the
/// hashes stay). Nothing changes when the ids were kept, or when `where` lacks the event (the
/// verifier then says the chain's end is missing). The store migration itself never writes the
/// head file: the folder it copies may go on working on its own store.
void follow_audit_head(const Location& where, const std::filesystem::path& anchor);

}  // namespace onewindow::store
