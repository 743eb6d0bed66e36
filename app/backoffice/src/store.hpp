// The back office's own SQLite file: received cases (with the stored first answer for
// idempotent replay), decisions (cursor = monotonically increasing row id) and the nonces of
// accepted requests. Not thread-safe: the Service serialises every call with one mutex.
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

/// What one accepted POST /v1/cases writes.
struct NewCase {
    std::string client, idempotency_key, body_sha256, body, case_number, item, department,
        received_at;
    std::string nonce;
    long long nonce_expires_at = 0;
};

struct Nonce {
    std::string client, nonce;
    long long expires_at = 0;
};

class Store {
  public:
    static constexpr int kSchemaVersion = 1;

    explicit Store(const std::filesystem::path& file);
    ~Store();

    std::optional<StoredCase> find_case(const std::string& client, const std::string& key);
    /// One transaction: the case row, the answer `make_response(reference)` (stored for
    /// replay), the nonce; expired nonces are dropped. Returns the stored answer's body.
    std::string insert_case(const NewCase& c, int response_status,
                            const std::function<std::string(const std::string&)>& make_response);
    /// Nonces not expired at `now` (reloaded into memory at start).
    std::vector<Nonce> live_nonces(long long now);

    /// Decisions on `client`'s cases with cursor > since, oldest first, at most `limit`;
    /// `last_cursor` becomes the last one's cursor (or `since` when there is none).
    Poco::JSON::Array::Ptr decisions(const std::string& client, long long since, int limit,
                                     long long& last_cursor);

  private:
    std::filesystem::path file_;
    std::unique_ptr<SQLite::Database> db_;
};

}  // namespace onewindow::backoffice
