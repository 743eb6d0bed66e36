// The counter's case store: one SQLite file (SQLiteCpp) and a content-addressed material folder.
//
// Durability: WAL, synchronous=FULL (a receipt handed to a citizen is a promise), foreign keys,
// busy timeout. The schema is versioned by PRAGMA user_version with forward-only migrations; a
// file written by a newer program is refused. Accepting a case is ONE transaction: case, items,
// values, material references, one outbox row per item route and the audit event; the case
// number (counter + date + sequence, WX01-20261123-0001) and the promised dates are fixed in it.
// Scanned files are copied into <materials>/<aa>/<sha256> and fsynced (file and folder) before
// that transaction commits. Any failure rolls everything back and raises Error(Storage) (or
// Error(Input) for a bad request), leaving the database as it was.
//
// The audit log is append-only (triggers refuse UPDATE and DELETE) and hash-chained: each event
// stores SHA-256(previous hash + its canonical content); verify_audit() recomputes the chain and
// names the first broken event. ID numbers and phones never appear unmasked in audit details.
// Threads: one CaseStore per thread (SQLite connections are not shared).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/date.hpp"

namespace SQLite {
class Database;
}

namespace onewindow {

struct LogPeriod;      // report.hpp
struct CounterLog;     // report.hpp
class StatementCache;  // prepared statements kept for the connection's life (case_store.cpp)

struct AcceptItem {
    std::string code, name;
    int version = 1;
    std::string department_code, department_name, plugin_id, endpoint;
    bool preliminary_review = false, required = true, immediate = false;
    int promised_days = 0, legal_days = 0;
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

struct NoticeRecord {
    std::string counter, clerk, applicant_name, applicant_id_number;
    std::string items_json;     // [{"code", "name", "department"}]
    std::string problems_json;  // [{"subject", "reason"}]
    std::optional<std::string> now;
};

/// 不予受理: the case is not accepted, for a reason the applicant gets in writing.
struct RefusalRecord {
    std::string counter, clerk, applicant_name, applicant_id_number;
    std::string items_json;  // [{"code", "name", "department"}]
    std::string reason;      // must not be empty
    std::optional<std::string> now;
};

struct StoredNotice {
    std::string number, counter, clerk, applicant_name, applicant_id_number, items_json,
        problems_json, issued_at;
};

struct StoredRefusal {
    std::string number, counter, clerk, applicant_name, applicant_id_number, items_json, reason,
        refused_at;
};

struct CaseItemRecord {
    std::string code, name, department_code, department_name, plugin_id, endpoint, status;
    int version = 1, promised_days = 0, legal_days = 0, paused_days = 0;
    bool immediate = false, preliminary_review = false, required = true;
    Date promised_date, legal_date;
};

struct CaseMaterialRecord {
    std::string key, name, sha256, promise;
    int originals = 0, copies = 0;
    bool tolerated = false;
};

struct AuditEvent {
    long long id = 0;
    std::string at, actor, counter, type, subject, detail_json;
    bool success = true;
    std::string hash;
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

/// One item of an accepted case on its way to a back office (the dispatcher's work list).
/// state: pending -> sent (the back office took it; `response` is its answer) or refused (it
/// answered a permanent 4xx; `last_error` says why, the administrator looks into it). A pending
/// row with attempts > 0 failed that often; it is due again at `next_attempt_at`.
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
};

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

/// A back office's decision on one item, as pulled with GET /v1/decisions (dispatcher.hpp).
/// outcome: approved (data_json holds the result document's fields), rejected (reason), or
/// correction (补正: missing_json lists the materials to bring, reason may explain).
struct ItemDecision {
    long long cursor = 0;  // the back office's cursor of this decision
    std::string case_number, item_code, outcome, reason;
    std::string data_json = "{}", missing_json = "[]";
    std::string decided_by, decided_at, received_at;
};

/// Roles (issue: clerk, supervisor, administrator); enforced by the core, not only the window.
enum class Role { Clerk, Supervisor, Administrator };
const char* role_name(Role role);  // "clerk" | "supervisor" | "administrator"

/// What a role may do. Clerks work their own counter; supervisors also read every counter and
/// the reports; administrators may do everything (users, counters, endpoints, plugins).
/// ManageEndpoints: the back offices of exchange.json, agent mode and the client code;
/// ManageCalendar: the administrator's holiday and make-up working day edits;
/// ResolveRatings: closing a bad rating's follow-up (supervisors).
enum class Permission {
    ReadOtherCounters,
    ReadReports,
    ManageUsers,
    ManagePlugins,
    ManageEndpoints,
    ManageCalendar,
    ResolveRatings
};
bool role_allows(Role role, Permission permission);
std::optional<Role> parse_role(std::string_view name);

struct UserAccount {
    std::string name, display_name, counter;
    Role role = Role::Clerk;
    bool active = true;
    int failed_attempts = 0;
    std::string locked_until;  // "YYYY-MM-DD HH:MM:SS" or empty
};

struct NewUser {
    std::string name, display_name, counter, password;
    Role role = Role::Clerk;
    int iterations = 0;  // PBKDF2-SHA256 rounds; 0 = kPasswordIterations
};

struct LoginResult {
    enum class Status { Ok, BadCredentials, Locked, Inactive } status = Status::BadCredentials;
    std::optional<UserAccount> user;  // set when Ok
    std::string locked_until;         // set when Locked
    int attempts_left = 0;            // BadCredentials on a known user: tries before the lock
    std::string message;              // for the clerk (translated)
};

/// A case being taken in but not yet decided: kept (and autosaved) so that nothing typed is lost
/// to a crash or a power cut, and resumed at the next login.
struct Draft {
    long long id = 0;  // 0: not saved yet
    std::string clerk, counter, title;
    std::string items_json = "[]", values_json = "{}", materials_json = "[]";
    std::string created_at, updated_at;
};

struct CaseFilter {
    std::string counter, status, department, item, clerk;  // empty: any
    std::optional<Date> from, to;                          // acceptance day, inclusive
    std::size_t limit = 1000;
};

struct CaseSummary {
    std::string number, counter, clerk, applicant_name, applicant_id_number, status, accepted_at;
    std::string items, departments;  // names joined with "、"
    Date promised_date;              // earliest promised date of the items still open
    bool open = true;                // some item is not decided yet
};

/// The clerk's words for an item's or a case's status ("accepted" -> 已受理), translated.
std::string status_label(std::string_view status);
/// The words for an audit event type ("case.accepted" -> 受理), translated; unknown types as
/// they are. audit_event_types(): every type the program writes, for filters.
std::string event_label(std::string_view type);
/// Who did it, for people: a user's name as it is; the program's own actors in words
/// ("dispatcher" -> 后台交换服务, "applicant" -> 申请人, "onewindow-cli" -> 命令行).
std::string actor_label(std::string_view actor);
/// An audit event's details for people: "申请人：130434********024X；事项数：2" from its JSON,
/// the known keys named in words and lists and objects summarised; unknown keys as they are.
std::string detail_text(const std::string& detail_json);
const std::vector<std::string>& audit_event_types();

/// Results handed out at the window (统一窗口出件): who collected them, with what proof.
struct HandOut {
    std::string case_number;
    std::vector<std::string> item_codes;  // each decided (approved or rejected)
    std::string collector, collector_id_number, proof = "居民身份证", clerk;
    std::optional<std::string> now;
};

/// An applicant's rating of a visit (好差评), 1 (very dissatisfied) to 5 (very satisfied). A bad
/// rating (1 or 2) must be followed up within 15 working days until a supervisor resolves it.
struct Rating {
    long long id = 0;
    std::string case_number, comment, rated_at, resolution, resolved_by, resolved_at;
    int level = 0;
    std::optional<Date> follow_up_by;  // bad ratings only
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

class CaseStore {
  public:
    static constexpr int kSchemaVersion = 7;
    static constexpr int kPasswordIterations = 310000;  // PBKDF2-SHA256 (OWASP)
    static constexpr int kMaxFailedLogins = 5;
    static constexpr int kLockMinutes = 15;

    static CaseStore open(const std::filesystem::path& db_file,
                          const std::filesystem::path& materials_dir, WorkingCalendar calendar);
    CaseStore(CaseStore&&) noexcept;
    CaseStore& operator=(CaseStore&&) noexcept;
    ~CaseStore();

    AcceptResult accept(const AcceptRequest& request);
    std::string record_notice(const NoticeRecord& notice);
    std::optional<StoredNotice> find_notice(const std::string& number) const;
    /// Records a refusal (number like WX01-R-20261123-0001) and its audit event 'case.refused'.
    std::string record_refusal(const RefusalRecord& refusal);
    std::optional<StoredRefusal> find_refusal(const std::string& number) const;
    std::optional<CaseRecord> find_case(const std::string& number) const;
    std::vector<OutboxRow> outbox(const std::string& case_number = {}) const;

    // The dispatcher's side of the outbox (outbox.cpp); times are "YYYY-MM-DD HH:MM:SS".
    /// Pending rows with next_attempt_at <= now, the longest waiting first.
    std::vector<OutboxRow> due_outbox(const std::string& now, std::size_t limit = 100) const;
    /// The back office took the item: state 'sent', its answer kept, audit 'outbox.sent'.
    /// An item taken in by an agent and acknowledged after its forwarding deadline is also an
    /// audit event 'forwarding.late'. `tried_at` (each of these three): the endpoint the
    /// attempt went to; the row is pinned there from its first attempt (see OutboxRow).
    void outbox_sent(long long id, const std::string& response, const std::string& now,
                     const std::string& tried_at = {});
    /// A failure worth retrying: attempts + 1, due again at `next_attempt_at`, error kept.
    void outbox_retry(long long id, const std::string& next_attempt_at, const std::string& error,
                      const std::string& tried_at = {});
    /// Refused for good (a permanent 4xx): state 'refused', audit 'outbox.refused'.
    void outbox_refused(long long id, const std::string& error, const std::string& now,
                        const std::string& tried_at = {});
    /// An administrator sends a row again (after fixing what made the back office refuse it,
    /// or to skip the rest of a backoff): pending, due at `now`, attempts from zero, the last
    /// error kept until the next attempt, the pin to an endpoint lifted (it goes where the
    /// configuration routes it now); audit 'outbox.requeued'. Error(NotFound) for an
    /// unknown key, Error(Input) for a row already sent.
    void requeue_outbox(const std::string& idempotency_key, const std::string& actor,
                        const std::string& now);

    /// Items taken in by an agent that the upper centre has not acknowledged yet, the earliest
    /// forwarding deadline first, each with its state on `today` (outbox.cpp).
    std::vector<ForwardingItem> awaiting_forwarding(Date today) const;
    ForwardingSummary forwarding_summary(Date today) const;

    // Decisions pulled from the back offices (decisions.cpp). A back office is named by its
    // base URL; its cursor only grows.
    long long exchange_cursor(const std::string& back_office) const;
    /// One transaction: each decision on an item of this store is kept (a decision already kept,
    /// same back office and cursor, is skipped), the item's status becomes approved / rejected /
    /// correction_needed, the case's status follows (correction_needed while any required item
    /// waits on a correction; once every required item is decided, rejected if all of them were
    /// rejected, else approved), audit 'item.decided'; then the cursor moves to `cursor`.
    /// Decisions on cases this store does not know are skipped. Returns how many were kept.
    int record_decisions(const std::string& back_office, const std::vector<ItemDecision>& list,
                         long long cursor, const std::string& now);
    /// The decisions kept for a case, oldest first.
    std::vector<ItemDecision> item_decisions(const std::string& case_number) const;

    /// Pauses an item's clock (行政许可法 Art. 45) from `from`; resume_clock() extends the
    /// item's promised and legal dates by the working days paused.
    void pause_clock(const std::string& case_number, const std::string& item_code,
                     const std::string& reason, Date from, const std::string& actor);
    void resume_clock(const std::string& case_number, const std::string& item_code, Date to,
                      const std::string& actor);

    /// Cases matching the filter, newest first.
    std::vector<CaseSummary> list_cases(const CaseFilter& filter) const;
    /// The same for a signed-in user: a clerk's list is always of their own counter; asking for
    /// another counter's cases is denied (require()).
    std::vector<CaseSummary> list_cases(const CaseFilter& filter, const UserAccount& who);
    /// Throws Error(Denied) with the reason in Chinese, and records an 'access.denied' audit
    /// event naming `what`, when `who`'s role does not allow `permission`. `shown`: how the
    /// message names what was refused (translated by the caller); `what` when empty.
    void require(const UserAccount& who, Permission permission, const std::string& what,
                 const std::string& shown = {});
    // Hand-out and ratings (handout.cpp).
    /// Records the hand-out of decided items in one transaction (items -> handed_out, the case
    /// too once all are, audit 'case.handed_out'). Error(Input) naming the item when one is not
    /// decided yet or was handed out already; nothing is recorded then.
    void record_hand_out(const HandOut& hand_out);
    /// Records a rating (audit 'case.rated'); a case is rated once a day. Returns its id.
    long long record_rating(const std::string& case_number, int level, const std::string& comment,
                            const std::optional<std::string>& now = std::nullopt);
    /// A supervisor's note on how a bad rating was resolved (audit 'rating.resolved'); a clerk
    /// is refused (require()).
    void resolve_rating(long long id, const std::string& resolution, const UserAccount& supervisor);
    /// Bad ratings not resolved yet, the earliest follow-up first.
    std::vector<Rating> open_bad_ratings() const;

    /// The daily counter log of a period, and its rows as CSV (report.hpp, report.cpp).
    CounterLog counter_log(const LogPeriod& period) const;
    /// The same for a signed-in user, who must be allowed to read reports (require()).
    CounterLog counter_log(const UserAccount& reader, const LogPeriod& period);
    std::string counter_log_csv(const LogPeriod& period) const;
    const WorkingCalendar& calendar() const { return calendar_; }
    /// Where the scan with this SHA-256 is kept (content-addressed; it may not exist).
    std::filesystem::path material_file(const std::string& sha256) const {
        return materials_dir_ / sha256.substr(0, 2) / sha256;
    }

    // Users (accounts.cpp). Passwords are stored as salted PBKDF2-SHA256; kMaxFailedLogins
    // failures in a row lock the account for kLockMinutes. Every login attempt, lock and
    // change is an audit event; a name never reveals whether it exists.
    void create_user(const NewUser& user, const std::string& actor);
    void set_password(const std::string& name, const std::string& password,
                      const std::string& actor);
    LoginResult login(const std::string& name, const std::string& password,
                      const std::optional<std::string>& now = std::nullopt);
    /// Disables or enables an account (a disabled account cannot sign in); audit
    /// 'user.disabled' / 'user.enabled'. Error(NotFound) for an unknown name.
    void set_user_active(const std::string& name, bool active, const std::string& actor);
    /// Audit 'user.role_changed'. Error(NotFound) for an unknown name.
    void set_user_role(const std::string& name, Role role, const std::string& actor);
    /// Records an administrator's change made outside the database (exchange.json, the
    /// calendar edits) as an audit event of `who`. Never pass a secret in `detail_json`.
    void record_change(const UserAccount& who, const std::string& type, const std::string& subject,
                       const std::string& detail_json);
    std::vector<UserAccount> users() const;
    std::optional<UserAccount> find_user(const std::string& name) const;

    // Drafts (drafts.cpp). Not audited: they are the clerk's scratch until a decision.
    long long save_draft(const Draft& draft);  // inserts when id == 0; returns the id
    std::vector<Draft> drafts(const std::string& clerk) const;  // newest first
    std::optional<Draft> find_draft(long long id) const;
    void delete_draft(long long id);

    AuditVerifyResult verify_audit() const;
    std::vector<AuditEvent> audit_events() const;
    std::vector<AuditEvent> audit_events(const AuditFilter& filter) const;

    /// Test hook: throw after the material files are stored, inside the accept transaction.
    void fail_next_accept_for_test() { fail_next_accept_ = true; }

  private:
    CaseStore() = default;
    std::optional<std::vector<std::string>> find_row(const std::string& sql,
                                                     const std::string& number) const;
    std::unique_ptr<SQLite::Database> db_;
    std::unique_ptr<StatementCache> statements_;  // destroyed before db_
    std::filesystem::path db_file_, materials_dir_;
    WorkingCalendar calendar_;
    bool fail_next_accept_ = false;
};

}  // namespace onewindow
