// The working-day calendar: weekends, public holidays and official make-up working days (调休).
//
// Time limits of the Administrative Licensing Law count working days (Art. 82). The holidays
// are data, one JSON file per year (app/core/data/calendar/<year>.json, staged to
// share/onewindow/calendar/), published each November and updated by the administrator:
//   {"format": "onewindow.calendar/1", "year": 2026, "source": "...",
//    "holidays": [{"name": "元旦", "from": "2026-01-01", "to": "2026-01-03"}, ...],
//    "workdays": [{"name": "元旦调休", "date": "2026-01-04"}, ...]}
// A year without a file counts weekends only (covers() tells). Thread-safety: immutable after load.
//
// The administrator's edits never touch the shipped files (an update of the program replaces
// them): they live in the counter's data folder, <data>/calendar-edits.json, and are laid over
// the shipped calendar by load(), one entry per day, the last word on that day:
//   {"format": "onewindow.calendar-edits/1",
//    "days": [{"date": "2026-10-09", "kind": "holiday", "name": "县庆"},
//             {"date": "2026-10-11", "kind": "workday", "name": "调休"},
//             {"date": "2026-05-05", "kind": "ordinary"}]}
// "holiday": a day off; "workday": a make-up working day (a Saturday or Sunday); "ordinary": the
// day counts as the weekday rule says, whatever the shipped calendar said of it.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "onewindow/core/date.hpp"

namespace onewindow {

/// What a time limit counts: working days (工作日: weekends and holidays skipped, make-up
/// working days counted; 行政许可法 art. 82 for licensing) or natural days (日: every day, e.g.
/// 法律援助法 art. 43 "七日"). An item says which its legal limit is in ("legal_days_unit").
enum class DayUnit { Working, Natural };
/// "working" / "natural" -> the unit; nullopt for anything else.
std::optional<DayUnit> parse_day_unit(const std::string& text);
/// The unit's word in files and the store: "working" / "natural".
const char* day_unit_name(DayUnit unit);

/// A day the calendar treats specially: a holiday, or a weekend day worked (调休).
struct SpecialDay {
    Date date;
    bool holiday = true;  // false: a make-up working day
    std::string name;
    bool edited = false;  // set by the administrator (calendar-edits.json), not shipped
};

/// One administrator's edit of one day (see the file format above).
struct CalendarEdit {
    enum class Kind { Holiday, Workday, Ordinary } kind = Kind::Holiday;
    Date date;
    std::string name;
};

class WorkingCalendar {
  public:
    /// The shipped calendars of `shipped_dir` with the administrator's edits of
    /// <data_dir>/calendar-edits.json over them (when that file exists).
    static WorkingCalendar load(const std::filesystem::path& shipped_dir,
                                const std::filesystem::path& data_dir);
    static std::filesystem::path edits_file(const std::filesystem::path& data_dir) {
        return data_dir / "calendar-edits.json";
    }
    /// The edits of a calendar-edits.json (none when it does not exist); Error(Input) naming the
    /// file and JSON path of each bad entry.
    static std::vector<CalendarEdit> read_edits(const std::filesystem::path& file);
    /// Writes them (temporary file, fsync, rename: never half a file).
    static void write_edits(const std::filesystem::path& file,
                            const std::vector<CalendarEdit>& edits);
    /// Lays edits over this calendar; Error(Input) for a make-up working day that is not a
    /// Saturday or Sunday.
    void apply(const std::vector<CalendarEdit>& edits);
    /// The holidays and make-up working days of a year, by date.
    std::vector<SpecialDay> special_days(int year) const;

    /// Every *.json in `dir`; problems with file + JSON path throw Error(Input).
    static WorkingCalendar load_dir(const std::filesystem::path& dir);
    static WorkingCalendar load_file(const std::filesystem::path& file);

    bool is_working_day(Date day) const;
    /// The n-th working day after `start` (start itself not counted); n = 0 gives start.
    Date add_working_days(Date start, int n) const;
    /// The day a limit of n days in `unit` ends: add_working_days, or n calendar days on.
    Date add_days(Date start, int n, DayUnit unit) const;
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
    std::set<long long> holidays_;            // days since epoch
    std::set<long long> workdays_;            // weekend days that are working days
    std::map<long long, std::string> names_;  // of the days above
    std::set<long long> edited_;              // days the administrator's edits decide
    std::set<int> years_;
};

}  // namespace onewindow
