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
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/date.hpp"

namespace SQLite {
class Database;
}

namespace onewindow {

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
};

struct AcceptedItem {
    std::string code;
    Date promised_date, legal_date;
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

struct OutboxRow {
    std::string case_number, item_code, department, endpoint, idempotency_key, state;
    int attempts = 0;
};

struct AuditVerifyResult {
    bool ok = true;
    long long events = 0;
    long long first_broken_id = 0;
    std::string message;
};

class CaseStore {
  public:
    static constexpr int kSchemaVersion = 1;

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
    std::optional<CaseRecord> find_case(const std::string& number) const;
    std::vector<OutboxRow> outbox(const std::string& case_number = {}) const;

    /// Pauses an item's clock (行政许可法 Art. 45) from `from`; resume_clock() extends the
    /// item's promised and legal dates by the working days paused.
    void pause_clock(const std::string& case_number, const std::string& item_code,
                     const std::string& reason, Date from, const std::string& actor);
    void resume_clock(const std::string& case_number, const std::string& item_code, Date to,
                      const std::string& actor);

    AuditVerifyResult verify_audit() const;
    std::vector<AuditEvent> audit_events() const;

    /// Test hook: throw after the material files are stored, inside the accept transaction.
    void fail_next_accept_for_test() { fail_next_accept_ = true; }

  private:
    CaseStore() = default;
    std::unique_ptr<SQLite::Database> db_;
    std::unique_ptr<StatementCache> statements_;  // destroyed before db_
    std::filesystem::path db_file_, materials_dir_;
    WorkingCalendar calendar_;
    bool fail_next_accept_ = false;
};

}  // namespace onewindow
