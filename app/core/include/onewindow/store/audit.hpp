// The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained. Each event
// stores SHA-256(previous hash + its canonical content); Database::append_audit() writes it
// (database.hpp says how concurrent writers are ordered) and verify() recomputes the chain and
// names the first broken event. ID numbers and phones never appear unmasked in details.
// Threads: as Database (the repository uses the connection it is given).
#pragma once

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
    std::string message;
};

/// An audit event's detail: {"key": "value", ...} in the given order.
std::string detail_json(std::initializer_list<std::pair<const char*, std::string>> members);

namespace store {

/// The hash an event gets after `previous` (the chain's rule, in one place).
std::string audit_hash(const std::string& previous, const AuditEvent& event);

class AuditRepository {
  public:
    explicit AuditRepository(Database& db) : db_(db) {}
    /// Every event, oldest first.
    std::vector<AuditEvent> events() const;
    std::vector<AuditEvent> events(const AuditFilter& filter) const;
    /// The events whose subject is `subject` (a case number), oldest first.
    std::vector<AuditEvent> events_of(const std::string& subject) const;
    /// Walks the chain in id order (in pages, so a million events need little memory).
    AuditVerifyResult verify() const;

  private:
    Database& db_;
};

}  // namespace store
}  // namespace onewindow
