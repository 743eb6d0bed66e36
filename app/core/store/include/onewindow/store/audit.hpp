// The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained, one chain per
// counter (since schema 12; database.hpp says how each chain's order is fixed and how the one
// chain written before stays the start of every counter's). Each event stores a hash of the
// previous event's hash and its own canonical content; Database::append_audit() writes it and
// verify() recomputes the chains and names the first broken event. ID numbers and phones never
// appear unmasked in details.
//
// Which chain an event is on is its counter (AuditEvent::counter, part of what its hash
// covers): a case's events are on the chain of the counter that the event names (the hand-out
// at WX07 of a case accepted at WX01 is on WX07's chain; the dispatcher's event of a WX01 case
// on WX01's, whichever counter's dispatcher sent it). Events up to the legacy head (audit_head,
// the end of the single chain of stores older than schema 12) are one chain in id order, as
// they were written; upgrading a store rewrites nothing, so its chain verifies as before. The
// events of another counter's store merged into this one (migrate.hpp) are a range of ids
// walked as that store's own chains (AuditSegment); its counters' chains go on from there.
//
// Anchored outside the database (Database::anchor_audit()), because whoever can write the
// database could otherwise recompute a plain hash chain after changing or deleting events:
//   - the hash is keyed: "k1:<key id>:<HMAC-SHA256(key, previous hash + content)>", the key in
//     the counter's audit.key file (never in the database), its id the first 16 hex digits of
//     its SHA-256. Events written before the key existed keep their plain SHA-256 (64 hex
//     digits, the first version of the chain) and still verify; once an event is keyed (on any
//     chain), a plain one after it is a break. In a centre each counter keys with its own key:
//     a verifier checks the events of its own key, and the links of all; the others are checked
//     at their own counters (AuditVerifyResult::unchecked);
//   - the head file audit-head names the newest event this counter appended to its own chain
//     (id and hash): an event missing at that id, or with another hash, means events were
//     deleted from the end of this counter's chain. (Deleting another counter's newest events is
//     that counter's head file's to see; one chain per counter is what lets counters append side
//     by side.);
//   - the head of the counter's chain is printed on the supervisor's daily log
//     (审计链头 WX01 #<id> <16 hex>), a paper anchor to compare with later.
// Threads: as Database (the repository uses the connection it is given).
#pragma once

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Poco/JSON/Object.h>

#include "onewindow/store/database.hpp"

namespace onewindow {

struct AuditEvent {
    long long id = 0;
    std::string at, actor, counter, type, subject, detail_json;
    bool success = true;
    std::string hash;
};

/// What the audit viewer asks for: any of actor, subject (a case or notice number, a user) and
/// event type; newest first.
struct AuditFilter {
    std::string actor, subject, type;  // empty: any
    std::size_t limit = 500;
};

struct AuditVerifyResult {
    bool ok = true;
    long long events = 0;
    long long first_broken_id = 0;
    std::string message;        // untranslated (N_), what is wrong with first_broken_id
    long long unchecked = 0;    // keyed by another counter's key: linked, not recomputed here
    bool head_checked = false;  // a head file was there and matched
};

/// An audit event's detail: {"key": "value", ...} in the given order.
std::string detail_json(std::initializer_list<std::pair<const char*, std::string>> members);

namespace store {

/// The files of the anchor (Database::anchor_audit()), in the counter's data folder.
inline constexpr const char* kAuditKeyFile = "audit.key";
inline constexpr const char* kAuditHeadFile = "audit-head";

/// The head file in `dir`: the id and hash it names; nullopt when there is none. Error(Storage)
/// naming the file when it is there but unreadable.
std::optional<std::pair<long long, std::string>> read_audit_head(const std::filesystem::path& dir);
/// The audit key in `file` (an audit.key: 64 lowercase hex digits and a line end); nullopt when
/// the file holds something else. Error(Storage) when it cannot be read.
std::optional<std::string> read_audit_key(const std::filesystem::path& file);

/// The events of another store merged into this one (migrate.hpp): ids first_id..last_id, in
/// that store's order, walked as a store of their own: its legacy chain (first_id..legacy_id,
/// in id order, ending at legacy_hash; legacy_id < first_id when it had none) and its counters'
/// chains from there, each ending at its head. A head `carried` is a counter that goes on here:
/// its next event links to that head. The merge's own event ("store.migrated", after the range)
/// records all this in its detail ("segment"), so it is chained and keyed like any event;
/// audit_imports only finds that event.
struct AuditSegment {
    long long first_id = 0, last_id = 0;
    long long legacy_id = 0;
    std::string legacy_hash;
    struct Head {
        std::string counter;
        long long id = 0;
        std::string hash;
        bool carried = false;
    };
    std::vector<Head> heads;
};
/// The "segment" member of a merge event's detail, and back (nullopt: the detail has none, or
/// one of another shape).
Poco::JSON::Object::Ptr audit_segment_json(const AuditSegment& segment);
std::optional<AuditSegment> audit_segment_of(const std::string& detail_json);

/// The head of one counter's chain: its newest event (the legacy head while the counter has
/// appended nothing since schema 12; id 0 and hash "" in an empty store).
struct AuditHead {
    std::string counter;
    long long id = 0;
    std::string hash;
};

/// The head of `counter`'s chain as the store has it now; with nullopt, the newest head of any
/// chain (the legacy head's counter is ""). Nullopt only for a store without audit_head.
std::optional<AuditHead> chain_head(Database& db, const std::optional<std::string>& counter);

/// How a hash is shown on paper: its first 16 hex digits (of the HMAC for a keyed hash).
std::string audit_hash_shown(const std::string& hash);

/// The hash an event gets after `previous` in the first, unkeyed version of the chain.
std::string audit_hash(const std::string& previous, const AuditEvent& event);
/// The keyed hash ("k1:<key id>:<HMAC>") an event gets after `previous` with `key`.
std::string keyed_audit_hash(const std::string& key, const std::string& previous,
                             const AuditEvent& event);

class AuditRepository {
  public:
    explicit AuditRepository(Database& db) : db_(db) {}
    /// Every event, oldest first.
    std::vector<AuditEvent> events() const;
    std::vector<AuditEvent> events(const AuditFilter& filter) const;
    /// The events whose subject is `subject` (a case number), oldest first.
    std::vector<AuditEvent> events_of(const std::string& subject) const;
    /// The head of `counter`'s chain (chain_head()).
    std::optional<AuditHead> head(const std::string& counter) const;
    /// Walks the events in id order (in pages, so a million events need little memory; one hash
    /// per counter kept): the legacy chain up to the legacy head, which must end there, then each
    /// event's link to the previous event of its counter (the first to the legacy head), each
    /// hash of the first version and of this counter's key, no plain hash after a keyed one;
    /// then the head file, when the chain is anchored (see the header comment).
    /// `other_keys`: other counters' audit keys (their audit.key files, brought to the
    /// verifier): the events keyed with one of them are recomputed too, so one verification
    /// covers a whole centre; only events of keys not given count as unchecked.
    /// The events merged from other stores (AuditSegment) are walked as those stores' chains.
    /// `head_file` false: the head file is not compared (a merge verifies its copy before the
    /// head file names the merge's event).
    AuditVerifyResult verify(const std::vector<std::string>& other_keys = {},
                             bool head_file = true) const;

  private:
    Database& db_;
};

}  // namespace store
}  // namespace onewindow
