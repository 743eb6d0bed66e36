// The back office's own SQLite file: received cases (with the stored first answer for
// idempotent replay), decisions (cursor = AUTOINCREMENT key, only grows, never reused) and the
// nonces of accepted requests. A case's reference is "BO-" + its row id in at least six digits. Not
// thread-safe: the Service serialises every call with one mutex.
#pragma once

#include <Poco/JSON/Array.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace onewindow::backoffice {

/// A case already received under an idempotency key.
struct StoredCase {
    long long id = 0;
    std::string body_sha256;
    int response_status = 0;
    std::string response_body;
};

struct Nonce {
    std::string client, nonce;
    long long expires_at = 0;
};

/// What one accepted POST /v1/cases writes.
struct NewCase {
    std::string client, idempotency_key, body_sha256, body, case_number, item, department,
        received_at;
    std::vector<std::string> materials;  // the SHA-256 of each scan the case lists
    Nonce nonce;
};

/// One page of cases: at most the limit asked for, the count of every case of the filter, and
/// the cursor of the next page (nullopt on the last one).
struct CasePage {
    Poco::JSON::Array::Ptr rows;
    long long total = 0;
    std::optional<long long> next;
};

/// A received case as department staff see it.
struct CaseRow {
    long long id = 0;
    std::string reference, client, case_number, item, department, status, received_at, body;
};

/// A decision: the outcome and what the result document or the applicant needs.
struct NewDecision {
    long long case_id = 0;
    std::string outcome;              // approved | rejected | correction
    std::string reason;               // rejected, correction (may be empty for approved)
    std::string data_json = "{}";     // approved: the result document's fields
    std::string missing_json = "[]";  // correction: names of the materials to bring
    std::string decided_by, decided_at, body_sha256;
    Nonce nonce;
};

/// What one accepted POST /v1/supplements writes (case_id: the case it supplies).
struct NewSupplement {
    std::string client, idempotency_key, body_sha256, body, number, reason, received_at;
    long long case_id = 0;
    std::vector<std::string> materials;  // the SHA-256 of each scan
    Nonce nonce;
};

/// A supplement already received under an idempotency key.
struct StoredSupplement {
    std::string body_sha256, response_body;
};

/// A received supplement as department staff see it.
struct SupplementRow {
    std::string client, number, reason, received_at, body;
};

struct StoredDecision {
    long long cursor = 0;
    std::string outcome, decided_at, body_sha256;
    std::string reason, data_json, missing_json, decided_by;  // as in NewDecision
};

std::string reference_of(long long case_id);

class Store {
  public:
    static constexpr int kSchemaVersion = 4;

    explicit Store(const std::filesystem::path& file);
    ~Store();

    std::optional<StoredCase> find_case(const std::string& client, const std::string& key);
    /// One transaction: the case row, the answer `make_response(reference)` (stored for
    /// replay), the nonce; expired nonces are dropped. Returns the stored answer's body.
    std::string insert_case(const NewCase& c, int response_status,
                            const std::function<std::string(const std::string&)>& make_response);
    std::optional<CaseRow> find_reference(const std::string& reference);
    /// True when a case of one of `departments` lists the material `sha256` among its materials
    /// (table case_materials, filled with the case).
    bool lists_material(const std::vector<std::string>& departments, const std::string& sha256);
    /// A page of the departments' cases (`status` empty: any). Oldest first: cases after the
    /// cursor `cursor` (0: from the first); newest first: cases before it (0: from the newest).
    /// Each row carries its "cursor".
    CasePage cases(const std::vector<std::string>& departments, const std::string& status,
                   int limit, long long cursor, bool newest_first);
    /// The latest decision on a case.
    std::optional<StoredDecision> last_decision(long long case_id);
    /// One transaction: the decision, the case's status, the nonce. Returns the cursor.
    long long insert_decision(const NewDecision& d);

    std::optional<StoredSupplement> find_supplement(const std::string& client,
                                                    const std::string& key);
    /// One transaction: the supplement, its scans listed with its case, the case back to
    /// 'received' when it answers a correction, the nonce; the answer `make_response()` is
    /// stored for replay and returned.
    std::string insert_supplement(const NewSupplement& s,
                                  const std::function<std::string()>& make_response);
    /// The supplements of a case, oldest first.
    std::vector<SupplementRow> supplements_of(long long case_id);

    /// The upgraded password hash of staff user `name`, when one was kept for the configuration's
    /// hash `replaces` (an administrator's new hash in the configuration makes it void).
    std::optional<std::string> staff_password(const std::string& name, const std::string& replaces);
    void set_staff_password(const std::string& name, const std::string& replaces,
                            const std::string& hash);

    /// Nonces not expired at `now` (reloaded into memory at start).
    std::vector<Nonce> live_nonces(long long now);

    /// Decisions on `client`'s cases with cursor > since, oldest first, at most `limit`;
    /// `last_cursor` becomes the last one's cursor (or `since` when there is none).
    Poco::JSON::Array::Ptr decisions(const std::string& client, long long since, int limit,
                                     long long& last_cursor);

  private:
    void remember_nonce(const Nonce& nonce);  // inside the caller's transaction

    std::filesystem::path file_;
    std::unique_ptr<SQLite::Database> db_;
};

}  // namespace onewindow::backoffice
