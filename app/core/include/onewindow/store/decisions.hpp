// Decisions pulled from the back offices (dispatcher.hpp): kept per item, reflected in the item's
// and the case's status, audited; the back office's cursor moves in the same transaction, so a
// decision is never lost nor applied twice, whatever stops the program in between. A back office
// is named by its base URL; its cursor only grows.
//
// One pull per back office at a time across a centre: claim_pull() takes a lease on the back
// office's cursor row (no lock is held across the network call); a counter that finds it held
// skips that back office this pass. Two pulls that overlap anyway (a lease ran out) keep each
// decision once: (back office, cursor) is unique.
// Threads: as Database.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

namespace store {

class DecisionRepository {
  public:
    explicit DecisionRepository(Database& db) : db_(db) {}

    long long cursor(const std::string& back_office) const;
    /// Takes the pull of `back_office` for `puller` until `lease_until` and returns its cursor;
    /// nullopt while another holds it (see the header comment).
    std::optional<long long> claim_pull(const std::string& back_office, const std::string& puller,
                                        const std::string& now, const std::string& lease_until);
    /// Ends `puller`'s lease on `back_office` (the cursor stays where record() moved it).
    void release_pull(const std::string& back_office, const std::string& puller);
    /// One transaction: each decision on an item of this store is kept (a decision already kept,
    /// same back office and cursor, is skipped), the item's status becomes approved / rejected /
    /// correction_needed, the case's status follows (correction_needed while any required item
    /// waits on a correction; once every required item is decided, rejected if all of them were
    /// rejected, else approved), audit 'item.decided'; then the cursor moves to `cursor`.
    /// Decisions on cases this store does not know are skipped. Returns how many were kept.
    int record(const std::string& back_office, const std::vector<ItemDecision>& list,
               long long cursor, const std::string& now);
    /// The decisions kept for a case, oldest first.
    std::vector<ItemDecision> of_case(const std::string& case_number) const;

  private:
    Database& db_;
};

}  // namespace store
}  // namespace onewindow
