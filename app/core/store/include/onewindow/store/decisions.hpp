// Decisions pulled from the back offices (dispatcher.hpp): kept per item, reflected in the item's
// and the case's status, audited; the back office's cursor moves in the same transaction, so a
// decision is never lost nor applied twice, whatever stops the program in between. A back office
// is named by its base URL. It answers each exchange client (exchange.json "client") about the
// cases that client sent, so the store keeps a cursor per back office and client; each only
// grows. A client's first pull starts at the back office's cursor of schema 13 and before
// (exchange_cursors, one per back office, when a counter was one client).
//
// One pull per back office and client at a time across a centre: claim_pull() takes a lease on
// that cursor row (no lock is held across the network call); a counter that finds it held skips
// that back office this pass. Two pulls that overlap anyway (a lease ran out) keep each decision
// once: (back office, cursor) is unique.
// Threads: as Database.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/store/database.hpp"

namespace onewindow {

/// A back office's decision on one item, as pulled with GET /v1/decisions (dispatcher.hpp).
/// outcome: approved (data_json holds the result document's fields), rejected (reason), or
/// correction (补正: missing_json lists the materials to bring, reason may explain).
struct ItemDecision {
    long long cursor = 0;  // the back office's cursor of this decision
    std::string case_number, item_code, outcome, reason;
    std::string data_json = "{}", missing_json = "[]";
    std::string decided_by, decided_at, received_at;
};

/// A decision of a back office's answer that could not be read (unknown outcome, a field missing
/// or of the wrong type): set aside by DecisionRepository::record(), never applied.
struct UnreadableDecision {
    long long cursor = 0;     // its cursor, 0 when even that could not be read
    std::string case_number;  // when it could be read
    std::string problem;      // what is wrong, naming the field
};

namespace store {

class DecisionRepository {
  public:
    DecisionRepository(Database& db, const WorkingCalendar& calendar)
        : db_(db), calendar_(calendar) {}

    /// How far `client` has read `back_office` (its legacy cursor before its first pull).
    long long cursor(const std::string& back_office, const std::string& client) const;
    /// Takes the pull of `back_office` as `client` for `puller` until `lease_until` and returns
    /// its cursor; nullopt while another holds it (see the header comment).
    std::optional<long long> claim_pull(const std::string& back_office, const std::string& client,
                                        const std::string& puller, const std::string& now,
                                        const std::string& lease_until);
    /// Ends `puller`'s lease (the cursor stays where record() moved it).
    void release_pull(const std::string& back_office, const std::string& client,
                      const std::string& puller);
    /// One transaction: each decision on an item of this store is kept (a decision already kept,
    /// same back office and cursor, is skipped), the item's status becomes approved / rejected /
    /// correction_needed, the case's status follows (correction_needed while any required item
    /// waits on a correction; once every required item is decided, rejected if all of them were
    /// rejected, else approved; items withdrawn by the clerk do not count; a correction pauses
    /// the item's clock from the day it is kept, until the materials come), audit
    /// 'item.decided', and the items waiting for it settled (outbox.hpp, settle_waits()); then
    /// `client`'s cursor moves to `cursor`.
    /// Decisions on cases this store does not know are skipped. Set aside, with an audit event
    /// 'decision.set_aside' (detail "why": not_sent_there, already_decided, malformed), and never
    /// applied: a decision on an item whose outbox row was not sent to one of `endpoints` (the
    /// endpoint names that lead to `back_office`; a row not tried yet counts as sent along its
    /// route), a different decision on an item already approved, rejected or handed out (the
    /// same outcome again is skipped quietly), and each of `unreadable`. Returns how many were
    /// kept.
    int record(const std::string& back_office, const std::string& client,
               const std::set<std::string>& endpoints, const std::vector<ItemDecision>& list,
               const std::vector<UnreadableDecision>& unreadable, long long cursor,
               const std::string& now);
    /// The decisions kept for a case, oldest first.
    std::vector<ItemDecision> of_case(const std::string& case_number) const;

  private:
    bool sent_to_one_of(long long item_id, const std::set<std::string>& endpoints) const;
    std::string latest_outcome(long long item_id) const;
    void set_aside(const std::string& back_office, long long cursor, const std::string& case_number,
                   const std::string& counter, const std::string& why, const std::string& what,
                   const std::string& now);

    Database& db_;
    const WorkingCalendar& calendar_;
};

}  // namespace store
}  // namespace onewindow
