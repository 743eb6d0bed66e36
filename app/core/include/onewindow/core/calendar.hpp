// The working-day calendar: weekends, public holidays and official make-up working days (调休).
//
// Time limits of the Administrative Licensing Law count working days (Art. 82). The holidays
// are data, one JSON file per year (app/core/data/calendar/<year>.json, staged to
// share/onewindow/calendar/), published each November and updated by the administrator:
//   {"format": "onewindow.calendar/1", "year": 2026, "source": "...",
//    "holidays": [{"name": "元旦", "from": "2026-01-01", "to": "2026-01-03"}, ...],
//    "workdays": [{"name": "元旦调休", "date": "2026-01-04"}, ...]}
// A year without a file counts weekends only (covers() tells). Thread-safety: immutable after load.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "onewindow/core/date.hpp"

namespace onewindow {

class WorkingCalendar {
  public:
    /// Every *.json in `dir`; problems with file + JSON path throw Error(Input).
    static WorkingCalendar load_dir(const std::filesystem::path& dir);
    static WorkingCalendar load_file(const std::filesystem::path& file);

    bool is_working_day(Date day) const;
    /// The n-th working day after `start` (start itself not counted); n = 0 gives start.
    Date add_working_days(Date start, int n) const;
    /// Working days in (from, to]; 0 when to <= from.
    int working_days_between(Date from, Date to) const;
    /// True when a calendar file covers the year of `day`.
    bool covers(Date day) const;

    /// Agent forwarding limit (代办): 2 working days, 3 with preliminary review.
    Date forwarding_deadline(Date received, bool preliminary_review) const {
        return add_working_days(received, preliminary_review ? 3 : 2);
    }

  private:
    void merge(const std::filesystem::path& file);
    std::set<long long> holidays_;  // days since epoch
    std::set<long long> workdays_;  // weekend days that are working days
    std::set<int> years_;
};

}  // namespace onewindow
