// One-time notices (一次性告知) and refusals to accept (不予受理): each gets its number (kind N or
// R of the counter's sequence, cases.hpp) and its audit event in one transaction.
// Threads: as Database.
#pragma once

#include <optional>
#include <string>

#include "onewindow/store/database.hpp"

namespace onewindow {

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

namespace store {

class NoticeRepository {
  public:
    explicit NoticeRepository(Database& db) : db_(db) {}
    /// Records a notice (number like WX01-N-20261123-0001), audit 'notice.issued'.
    std::string record_notice(const NoticeRecord& notice);
    std::optional<StoredNotice> find_notice(const std::string& number) const;
    /// Records a refusal (number like WX01-R-20261123-0001), audit 'case.refused'.
    std::string record_refusal(const RefusalRecord& refusal);
    std::optional<StoredRefusal> find_refusal(const std::string& number) const;

  private:
    Database& db_;
};

}  // namespace store
}  // namespace onewindow
