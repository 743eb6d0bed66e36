// The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained. Each event
// stores a hash of the previous event's hash and its own canonical content;
// Database::append_audit() writes it (database.hpp says how concurrent writers are ordered) and
// verify() recomputes the chain and names the first broken event. ID numbers and phones never
// appear unmasked in details.
//
// Anchored outside the database (Database::anchor_audit()), because whoever can write the
// database could otherwise recompute a plain hash chain after changing or deleting events:
//   - the hash is keyed: "k1:<key id>:<HMAC-SHA256(key, previous hash + content)>", the key in
//     the counter's audit.key file (never in the database), its id the first 16 hex digits of
//     its SHA-256. Events written before the key existed keep their plain SHA-256 (64 hex
//     digits, the first version of the chain) and still verify; once an event is keyed, a plain
//     one after it is a break. In a centre each counter keys with its own key: a verifier
//     checks the events of its own key, and the links of all; the others are checked at their
//     own counters (AuditVerifyResult::unchecked);
//   - the head file audit-head names the newest event this counter appended (id and hash): an
//     event missing at that id, or with another hash, means events were deleted from the end;
//   - the head of the chain is printed on the supervisor's daily log (审计链头 #<id> <16 hex>),
//     a paper anchor to compare with later.
// Threads: as Database (the repository uses the connection it is given).
#pragma once

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
    /// Walks the chain in id order (in pages, so a million events need little memory): each
    /// link, each hash of the first version and of this counter's key, no plain hash after a
    /// keyed one; then the head file, when the chain is anchored (see the header comment).
    AuditVerifyResult verify() const;

  private:
    Database& db_;
};

}  // namespace store
}  // namespace onewindow
