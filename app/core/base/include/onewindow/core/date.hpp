// Calendar dates (proleptic Gregorian, no time zone) and local timestamps.
//
// Dates are what deadlines, ID numbers and forms talk about: a plain year-month-day value with
// day arithmetic. Parsing is strict (YYYY-MM-DD, a real calendar date). Thread-safety: values.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace onewindow {

struct Date {
    int year = 1970;
    int month = 1;
    int day = 1;

    /// Strict ISO date "YYYY-MM-DD"; nullopt when malformed or not a real date.
    static std::optional<Date> parse(std::string_view text);
    /// Eight digits "YYYYMMDD" (as inside an ID number); nullopt when not a real date.
    static std::optional<Date> parse_compact(std::string_view text);
    static bool valid(int year, int month, int day);
    /// Today in the local time zone.
    static Date today();
    static Date from_days(long long days_since_epoch);

    long long days_since_epoch() const;
    /// 0 = Monday ... 6 = Sunday.
    int weekday() const;
    Date plus_days(long long days) const { return from_days(days_since_epoch() + days); }
    /// Whole years from `birth` to this date (age on this date).
    int years_since(const Date& birth) const;

    std::string iso() const;      // 2026-11-22
    std::string chinese() const;  // 2026年11月22日

    auto operator<=>(const Date&) const = default;
};

/// Local wall-clock time "YYYY-MM-DD HH:MM:SS" (what audit events and case rows store).
std::string local_timestamp_now();
/// The current UTC time as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" (for exchanges between machines).
std::string utc_timestamp_now();
/// A time another machine sent: UTC "YYYY-MM-DDTHH:MM:SSZ" becomes this PC's local wall-clock
/// "YYYY-MM-DD HH:MM:SS"; a local "YYYY-MM-DD HH:MM:SS" is kept. Anything else throws
/// Error(Input) naming `what`. Any thread.
std::string local_timestamp_of(const std::string& sent, const std::string& what);

}  // namespace onewindow
