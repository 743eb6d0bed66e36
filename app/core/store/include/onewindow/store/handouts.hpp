// Results handed out at the window (统一窗口出件) and the applicants' ratings (好差评). Both work
// at any counter of a centre: the hand-out records the counter's clerk, whatever counter took
// the case in.
// Threads: as Database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/store/database.hpp"

namespace onewindow {

/// Results handed out at the window (统一窗口出件): who collected them, with what proof.
struct HandOut {
    std::string case_number;
    std::vector<std::string> item_codes;  // each decided (approved or rejected)
    std::string collector, collector_id_number, proof = "居民身份证", clerk;
    std::optional<std::string> now;
    /// The window handing out (any of a centre's); empty: the case's own.
    std::string counter = std::string();
};

namespace store {
/// The hand-out's own fields: items chosen, the collector's name and a valid ID number (as of
/// the hand-out's day). Error(Input) naming what is missing or wrong.
void check_hand_out(const HandOut& hand_out);
/// Whether the result of item `code`, in item status `status`, may be handed out: decided
/// (approved or rejected) and not handed out yet. Error(Input) saying why not.
void check_hand_out_item(const std::string& code, const std::string& status);
}  // namespace store

/// An applicant's rating of a visit (好差评), 1 (very dissatisfied) to 5 (very satisfied). A bad
/// rating (1 or 2) must be followed up within the counter's period (15 working days unless
/// counter.json "rating_follow_up_working_days" says otherwise) until a supervisor resolves it.
struct Rating {
    long long id = 0;
    std::string case_number, comment, rated_at, resolution, resolved_by, resolved_at;
    int level = 0;
    std::optional<Date> follow_up_by;  // bad ratings only
};

namespace store {

class HandOutRepository {
  public:
    /// Working days to follow a bad rating up, unless the counter's settings say otherwise.
    static constexpr int kRatingFollowUpDays = 15;

    HandOutRepository(Database& db, const WorkingCalendar& calendar)
        : db_(db), calendar_(calendar) {}

    /// Records the hand-out of decided items in one transaction (items -> handed_out, the case
    /// too once all are, audit 'case.handed_out'). Error(Input) naming the item when one is not
    /// decided yet or was handed out already; nothing is recorded then.
    void record_hand_out(const HandOut& hand_out);
    /// Records a rating (audit 'case.rated'); a case is rated once a day. A bad one (1 or 2) is
    /// followed up within `follow_up_days` working days (counter.json
    /// "rating_follow_up_working_days"). Returns its id.
    long long record_rating(const std::string& case_number, int level, const std::string& comment,
                            const std::optional<std::string>& now = std::nullopt,
                            int follow_up_days = kRatingFollowUpDays);
    /// A supervisor's note on how a bad rating was resolved (audit 'rating.resolved'). The
    /// caller checks the role (AccountRepository::require).
    void resolve_rating(long long id, const std::string& resolution, const std::string& actor);
    /// Bad ratings not resolved yet, the earliest follow-up first.
    std::vector<Rating> open_bad_ratings() const;

  private:
    Database& db_;
    const WorkingCalendar& calendar_;
};

}  // namespace store
}  // namespace onewindow
