// The outbox as the dispatchers see it (dispatcher.hpp). Rows are written at acceptance, one per
// item route (cases.hpp); here they are claimed, read, and their fate recorded. Each change is
// one transaction; success and permanent refusal are audit events, a retry is not (it only keeps
// its error on the row, for the administrator).
//
// Many dispatchers, one row each: in a centre every counter may run a dispatcher over the one
// store. claim_due() marks the rows it returns as claimed by one dispatcher until a lease ends
// (an UPDATE over a SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL: two dispatchers never get
// the same row, and neither waits for the other). The network call happens after the claim's
// transaction committed, so no lock is held across it; sent(), retry() and refused() end the
// claim. A dispatcher killed mid-send leaves its claim to run out (or to be released by the next
// dispatcher on the same PC, which sees the process is gone), after which another may send the
// row again under the same Idempotency-Key, which the back office answers with its first
// answer: an item never becomes two cases.
//
// A bundle's order (一件事, schema 12): an item accepted with items it waits for (AcceptItem::
// waits_for, item_waits) needs their results. Its row is not claimed while any of them has no
// approval: it is claimed by the first dispatch after the last approval was pulled (claim_due
// asks the store, so on PostgreSQL the check and the claim are one statement under the same
// SKIP LOCKED). When one of them cannot give its result (its decision was a rejection, its own
// row was refused by the back office, or it is held itself), settle_waits() holds the row:
// state 'blocked', its item's status 'blocked' (前置事项未通过，待窗口处理), audit 'outbox.held'.
// The clerk then decides (requeue() below): sent again the prerequisite that was refused, and
// the rows held for it go back to waiting; or send the held item after all, without the
// prerequisites that failed; or withdraw it (cancel()).
// Threads: as Database.
#pragma once

#include <string>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/store/cases.hpp"
#include "onewindow/store/database.hpp"

namespace onewindow {

/// One item of an accepted case on its way to a back office (the dispatcher's work list).
/// state: pending -> sent (the back office took it; `response` is its answer) or refused (it
/// answered a permanent 4xx; `last_error` says why, the administrator looks into it). A pending
/// row with attempts > 0 failed that often; it is due again at `next_attempt_at`. A pending row
/// whose item waits for others (`waiting_for`) is not sent before they are approved; blocked:
/// held because one of them was not (see the header comment); cancelled: withdrawn by the clerk.
/// `endpoint` is the route the plugin chose; `sent_to` the endpoint the row was first tried at
/// (empty until then; the dispatcher keeps it there, see dispatcher.hpp). `forward_by`: the
/// agent's forwarding deadline (empty when not taken in by an agent); the item is forwarded at
/// `sent_at`, when the upper centre acknowledged it.
struct OutboxRow {
    std::string case_number, item_code, department, endpoint, idempotency_key, state;
    int attempts = 0;
    long long id = 0;
    std::string counter, payload, next_attempt_at, last_error, response, sent_at;
    std::string sent_to, forward_by;
    /// case: the item itself (POST /v1/cases, key "<case>/<item>"); supplement: materials
    /// supplied later (supplements.hpp; POST /v1/supplements, key "<supplement>/<item>"),
    /// not due before the item's own row was sent, and sent where that row went.
    std::string kind = "case";
    /// A supplement's: the state of its item's own row ("" for a case row).
    std::string item_state;
    /// The names of the items of its case it waits for and that are not approved yet.
    std::vector<std::string> waiting_for;
};

/// The state of an outbox row for people, translated: "待报送", "已报送", "被部门系统拒收",
/// "等待「出生登记」办结后报送" (a pending row still waiting), "前置事项未通过，待窗口处理",
/// "已撤回".
std::string outbox_state_label(const OutboxRow& row);
/// "等待「出生登记」「医保参保」办结后报送" for the names of the items waited for; "" for none.
std::string waiting_label(const std::vector<std::string>& names);

/// An item taken in by an agent and not forwarded yet (not acknowledged by the upper centre).
struct ForwardingItem {
    std::string case_number, item_code, item_name, department_name, idempotency_key;
    std::string outbox_state;  // pending | refused
    std::string accepted_at;
    bool preliminary_review = false;
    Date forward_by;
    DeadlineState state = DeadlineState::OnTime;  // yellow: due within a working day; red: late
};

/// Counts of ForwardingItem by state, for the shell's status bar.
struct ForwardingSummary {
    int waiting = 0, due_soon = 0, overdue = 0;
    /// "2 件待转报即将超时，1 件已超时" (translated); empty when nothing is due soon or late.
    std::string text() const;
};

namespace store {

class OutboxRepository {
  public:
    OutboxRepository(Database& db, const WorkingCalendar& calendar)
        : db_(db), calendar_(calendar) {}

    /// Every row (of one case when given), in the order written.
    std::vector<OutboxRow> rows(const std::string& case_number = {}) const;
    /// Pending rows with next_attempt_at <= now, the longest waiting first (not claimed).
    std::vector<OutboxRow> due(const std::string& now, std::size_t limit = 100) const;
    /// Claims up to `limit` due rows for `dispatcher`, which sends as exchange client `client`,
    /// until `lease_until` (see the header comment) and returns them; rows another dispatcher
    /// holds are skipped, and so are supplements of items sent under another client (the back
    /// office knows the case from that client only: its own dispatchers send them). Times are
    /// "YYYY-MM-DD HH:MM:SS".
    std::vector<OutboxRow> claim_due(const std::string& dispatcher, const std::string& client,
                                     const std::string& now, const std::string& lease_until,
                                     std::size_t limit = 100);
    /// Who holds claims (of rows or of pulls, decisions.hpp) still running at `now`.
    std::vector<std::string> claimers(const std::string& now) const;
    /// Ends every claim of `claimer` (rows and pulls): a dispatcher known to be gone (its process
    /// died on this PC) need not be waited for until its leases run out.
    void release_claims(const std::string& claimer);

    /// The back office took the item: state 'sent', its answer kept, audit 'outbox.sent'.
    /// An item taken in by an agent and acknowledged after its forwarding deadline is also an
    /// audit event 'forwarding.late'. `tried_at` (each of these three): the endpoint the
    /// attempt went to; the row is pinned there from its first attempt (see OutboxRow).
    void sent(long long id, const std::string& response, const std::string& now,
              const std::string& tried_at = {});
    /// A failure worth retrying: attempts + 1, due again at `next_attempt_at`, error kept.
    void retry(long long id, const std::string& next_attempt_at, const std::string& error,
               const std::string& tried_at = {});
    /// Refused for good (a permanent 4xx): state 'refused', audit 'outbox.refused'.
    void refused(long long id, const std::string& error, const std::string& now,
                 const std::string& tried_at = {});
    /// An administrator sends a row again (after fixing what made the back office refuse it,
    /// or to skip the rest of a backoff): pending, due at `now`, attempts from zero, the last
    /// error kept until the next attempt, the pin to an endpoint lifted (it goes where the
    /// configuration routes it now); audit 'outbox.requeued'. Error(NotFound) for an
    /// unknown key, Error(Input) for a row already sent.
    /// A row held for a prerequisite that failed ('blocked') is sent without the prerequisites
    /// that failed (the clerk decided it can go; they are no longer waited for, the audit event
    /// names them as "lifted"); the rows held for this row's item go back to waiting for it.
    /// An item's row sent again takes the supplements withdrawn with it along (pending again,
    /// after it; the audit event counts them as "supplements").
    void requeue(const std::string& idempotency_key, const std::string& actor,
                 const std::string& now);
    /// The clerk withdraws a row not sent (a held item whose prerequisite was rejected, say):
    /// state 'cancelled', never sent; its item's status 'cancelled' (closed: it counts as neither
    /// approved nor rejected); audit 'outbox.cancelled' with `reason`, the rows waiting for it
    /// are held, and the supplements of its item not sent yet are withdrawn with it (counted as
    /// "supplements" in the audit event: nothing waits for an item that will not go). requeue()
    /// undoes it. Error(NotFound) for an unknown key, Error(Input) for a row already sent or
    /// without a reason.
    void cancel(const std::string& idempotency_key, const std::string& reason,
                const std::string& actor, const std::string& now);

    /// Items taken in by an agent that the upper centre has not acknowledged yet, the earliest
    /// forwarding deadline first, each with its state on `today`. A row that waits for other
    /// items is not counted while any of them is undecided (it cannot be forwarded; its deadline
    /// is set again, from the day the last approval came, by settle_waits()), nor while it is
    /// held or cancelled (it waits on the clerk, not on the agent).
    std::vector<ForwardingItem> awaiting_forwarding(Date today) const;
    ForwardingSummary forwarding_summary(Date today) const;

  private:
    /// The supplements of an item follow its row: withdrawn with it (`state` "cancelled": those
    /// not sent), or sent again with it ("pending": those withdrawn). How many.
    long long follow_item(long long case_id, const std::string& item, const std::string& state,
                          const std::string& now);
    void finish(long long id, const std::string& state, const std::string& response,
                const std::string& error, const std::string& now, const std::string& tried_at);
    Database& db_;
    const WorkingCalendar& calendar_;
};

/// Inside the caller's transaction, after anything that decides whether the items of case
/// `case_id` can give their results (a decision kept, a row refused, requeued or cancelled):
/// holds each pending row whose item waits for an item that cannot (rejected; its row refused,
/// held or cancelled), and releases each held row none of whose prerequisites fails any more
/// (back to pending, audit 'outbox.requeued' by `actor`), until nothing changes. An agent's row
/// whose prerequisites are all approved gets its forwarding deadline from the day the last
/// approval was received (its 2 or 3 working days start then).
void settle_waits(Database& db, const WorkingCalendar& calendar, long long case_id,
                  const std::string& now, const std::string& actor);

}  // namespace store
}  // namespace onewindow
