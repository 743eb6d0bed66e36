// Accepted cases: acceptance in one transaction, reading a case back, the case lists, and the
// paused clocks of items.
//
// Accepting a case is ONE transaction: case, items, values, material references (and on
// PostgreSQL the scans themselves, materials.hpp), one outbox row per item route and the audit
// event; the case number (counter + date + sequence, WX01-20261123-0001) and the promised dates
// are fixed in it. Numbers come from counter_sequences, one row per counter, day and kind,
// moved by an upsert that locks that row: unique across every counter of a centre, and counters
// never wait on each other. Any failure rolls everything back and raises Error(Storage) (or
// Error(Input) for a bad request), leaving the store as it was.
// Threads: as Database.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/database.hpp"
#include "onewindow/store/materials.hpp"

namespace onewindow {

struct AcceptItem {
    std::string code, name;
    int version = 1;
    std::string department_code, department_name, plugin_id, endpoint;
    bool preliminary_review = false, required = true, immediate = false;
    int promised_days = 0, legal_days = 0;
    DayUnit legal_unit = DayUnit::Working;  // what legal_days counts (the item's legal_days_unit)
    /// The codes of items of this request whose results it needs (a bundle's order): it is sent
    /// once they are approved (outbox.hpp). Each must be another item of the request.
    std::vector<std::string> waits_for;
};

struct AcceptMaterial {
    std::string key, name;
    int originals = 0, copies = 0;
    std::filesystem::path file;  // scan to store; empty when only paper was seen
    bool tolerated = false;      // 容缺
    std::string promise;
};

struct AcceptRequest {
    std::string counter, clerk, applicant_name, applicant_id_number, applicant_phone;
    std::string values_json, form_snapshot_json;
    std::vector<AcceptItem> items;
    std::vector<AcceptMaterial> materials;
    std::optional<std::string> now;  // "YYYY-MM-DD HH:MM:SS"; default: local time
    /// Taken in by an agent (代办, exchange.json "agent"): each item gets a forwarding deadline,
    /// 2 working days from acceptance, 3 when its route asks for preliminary review.
    bool agent = false;
};

struct AcceptedItem {
    std::string code;
    Date promised_date, legal_date;
    std::optional<Date> forward_by;  // agent mode only
};

struct AcceptResult {
    std::string case_number, accepted_at;
    std::vector<AcceptedItem> items;
};

struct CaseItemRecord {
    std::string code, name, department_code, department_name, plugin_id, endpoint, status;
    int version = 1, promised_days = 0, legal_days = 0, paused_days = 0;
    DayUnit legal_unit = DayUnit::Working;
    bool immediate = false, preliminary_review = false, required = true;
    Date promised_date, legal_date;
    /// The codes of the items of the case it waits for (AcceptItem::waits_for), and of those of
    /// them not approved yet.
    std::vector<std::string> waits_for, waiting_for;
};

struct CaseMaterialRecord {
    std::string key, name, sha256, promise;
    int originals = 0, copies = 0;
    bool tolerated = false;
    std::string supplied_at;  // a tolerated gap supplied later (supplements.hpp); "" until then
};

struct CaseRecord {
    std::string number, counter, clerk, applicant_name, applicant_id_number, applicant_phone,
        status, accepted_at, values_json, form_snapshot_json;
    std::vector<CaseItemRecord> items;
    std::vector<CaseMaterialRecord> materials;
    std::vector<AuditEvent> events;  // events whose subject is this case
};

/// Where an open item stands against its promised date (yellow: due within one working day).
enum class DeadlineState { OnTime, DueSoon, Overdue, Closed };
DeadlineState deadline_state(const WorkingCalendar& calendar, Date due, Date today, bool open);
/// The colour a deadline state shows in ("green", "yellow", "red"; "" when closed), translated.
std::string deadline_colour(DeadlineState state);

struct CaseFilter {
    std::string counter, status, department, item, clerk;  // empty: any
    std::string applicant_id_number;                       // empty: any
    std::optional<Date> from, to;                          // acceptance day, inclusive
    std::size_t limit = 1000;
};

struct CaseSummary {
    std::string number, counter, clerk, applicant_name, applicant_id_number, status, accepted_at;
    std::string items, departments;  // names joined with "、"
    Date promised_date;              // earliest promised date of the items still open
    bool open = true;                // some item is not decided yet
};

/// "YYYY-MM-DD HH:MM:SS" checked, or the local time now when not given; Error(Input) when bad.
std::string check_now(const std::optional<std::string>& now);

namespace store {

class CaseRepository {
  public:
    CaseRepository(Database& db, MaterialStore& materials, const WorkingCalendar& calendar)
        : db_(db), materials_(materials), calendar_(calendar) {}

    AcceptResult accept(const AcceptRequest& request);
    std::optional<CaseRecord> find(const std::string& number) const;
    /// Cases matching the filter, newest first.
    std::vector<CaseSummary> list(const CaseFilter& filter) const;

    /// Pauses an item's clock (行政许可法 Art. 45) from `from`; resume_clock() extends the
    /// item's promised and legal dates by the working days paused.
    void pause_clock(const std::string& case_number, const std::string& item_code,
                     const std::string& reason, Date from, const std::string& actor);
    void resume_clock(const std::string& case_number, const std::string& item_code, Date to,
                      const std::string& actor);

    /// Test hook: throw after the scans are kept, inside the accept transaction.
    void fail_next_accept_for_test() { fail_next_accept_ = true; }

  private:
    Database& db_;
    MaterialStore& materials_;
    const WorkingCalendar& calendar_;
    bool fail_next_accept_ = false;
};

/// Recomputes the status of case `case_id` from its required items, inside the caller's
/// transaction: correction_needed while any waits on a correction; once every one is decided,
/// rejected if all of them were rejected, else approved; items withdrawn (cancelled) do not
/// count, and a case all of whose required items were withdrawn is cancelled; a case that was
/// waiting on a correction or withdrawn and has open items again is 'accepted' (under way).
void update_case_status(Database& db, long long case_id);

/// Inside the caller's transaction: pauses the clock of item `item_id` from `from` (clock_pauses,
/// audit 'clock.paused' by `actor` at `now`); clock_paused() says whether one is paused already.
void pause_item_clock(Database& db, long long item_id, const std::string& case_number,
                      const std::string& item_code, const std::string& counter,
                      const std::string& reason, Date from, const std::string& actor,
                      const std::string& now);
bool clock_paused(Database& db, long long item_id);
/// Inside the caller's transaction: resumes the paused clock of the item on `to`, moving its
/// promised and legal dates on by the working days it stood (audit 'clock.resumed'); false when
/// its clock is not paused. `to` before the pause: Error(Input) when `strict` (a clerk's date),
/// else the pause's own day (another PC's clock behind: a pull or a supply never fails on it).
bool resume_item_clock(Database& db, const WorkingCalendar& calendar,
                       const std::string& case_number, const std::string& item_code, Date to,
                       const std::string& actor, const std::string& now, bool strict = false);

/// The next number of `kind` ("" case, "N" notice, "R" refusal) of a counter on a day
/// ("YYYY-MM-DD"): WX01-20261123-0001, WX01-N-20261123-0001. Inside the caller's transaction.
/// The request is sent when made (deferred, Statement::defer()) and read by get(): on
/// PostgreSQL it travels with the next statement that waits, the lock of the audit head say.
/// Nothing may use the same statement in between (another number of the same connection).
class NumberRequest {
  public:
    NumberRequest(Database& db, const std::string& counter, const std::string& day,
                  const std::string& kind);
    std::string get();

  private:
    Statement& update_;
    std::string prefix_;
};

/// NumberRequest(...).get() at once.
std::string next_number(Database& db, const std::string& counter, const std::string& day,
                        const std::string& kind);

}  // namespace store
}  // namespace onewindow
