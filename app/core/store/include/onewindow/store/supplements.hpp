// Materials an applicant supplies after acceptance (补交材料), at whichever counter of the centre
// they come back to:
//   - tolerated: a material accepted as a tolerated gap (容缺受理) arrives, keeping the written
//     promise; the case's material gets its scan and the day it was supplied;
//   - correction: what a back office's decision "correction" (补正) asked for; the item goes
//     back to its department (status 'accepted', then 'received' once sent) to be decided anew,
//     and its clock, paused by the correction (decisions.hpp), runs again from that day.
// Each supplement has its own number, "<case number>-BJ<n>" (n counts the case's supplements),
// and is ONE transaction: the supplement and its materials (their scans kept as at acceptance,
// materials.hpp), the case's materials marked supplied, one outbox row of kind 'supplement' per
// item still open whose department had the material (tolerated; read from what was sent with
// the item) or for the corrected item, and the audit event 'case.supplied' of the counter where
// it happened. The rows carry a SupplementMessage (exchange_messages.hpp) to POST
// /v1/supplements, are sent by the dispatchers like the case's rows (outbox.hpp), never before
// the item's own row was sent, and to the back office that row went to.
// Two counters supplying to one case at once are ordered by the case's row (locked first on
// PostgreSQL; SQLite writes one transaction at a time): numbers never collide.
// Any failure rolls everything back; Error(Input) names what is wrong, Error(NotFound) an
// unknown case or item.
// Threads: as Database.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/store/database.hpp"
#include "onewindow/store/materials.hpp"

namespace onewindow {

struct SupplyMaterial {
    /// tolerated: the key of a tolerated material of the case; correction: the material's key
    /// or the name the decision gave.
    std::string key;
    std::string name;  // empty: the case's name of the material, else the key
    int originals = 0, copies = 0;
    std::filesystem::path file;  // required: the scan, so the department sees what came
};

struct SupplyRequest {
    std::string case_number, counter, clerk;
    std::string reason;     // "tolerated" | "correction"
    std::string item_code;  // correction: the item asked to correct; tolerated: empty
    std::vector<SupplyMaterial> materials;
    std::optional<std::string> now;  // "YYYY-MM-DD HH:MM:SS"; default: local time
};

struct SupplyResult {
    std::string number, supplied_at;
    std::vector<std::string> items;  // the codes of the items it is sent to
};

struct SupplementMaterial {
    std::string key, name, sha256;
    int originals = 0, copies = 0;
};

struct SupplementRecord {
    std::string number, counter, clerk, reason, item_code, supplied_at;
    std::vector<SupplementMaterial> materials;
};

/// "容缺材料补交" for tolerated, "补正材料" for correction (translated); other text as it is.
std::string supply_reason_label(std::string_view reason);

namespace store {

class SupplementRepository {
  public:
    SupplementRepository(Database& db, MaterialStore& materials, const WorkingCalendar& calendar)
        : db_(db), materials_(materials), calendar_(calendar) {}

    /// Records a supplement (see the header comment).
    SupplyResult record(const SupplyRequest& request);
    /// The supplements of a case, oldest first.
    std::vector<SupplementRecord> of_case(const std::string& case_number) const;

  private:
    Database& db_;
    MaterialStore& materials_;
    const WorkingCalendar& calendar_;
};

}  // namespace store
}  // namespace onewindow
