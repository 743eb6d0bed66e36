#include "onewindow/core/calendar.hpp"

#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"

namespace fs = std::filesystem;

namespace onewindow {

void WorkingCalendar::merge(const fs::path& file) {
    Issues issues;
    auto reader = ObjectReader::of(load_json_file(file), file.string(), "$", issues);
    if (reader.string("format") != "onewindow.calendar/1")
        reader.fail("format", "must be \"onewindow.calendar/1\"");
    const int year = static_cast<int>(reader.integer("year", 2000, 2100));
    reader.opt_string("source");
    reader.reject_unknown({"format", "year", "source", "holidays", "workdays"});
    auto read_date = [&](ObjectReader& entry, const char* key) -> std::optional<Date> {
        auto text = entry.string(key);
        auto date = Date::parse(text);
        if (!text.empty() && !date) entry.fail(key, "\"" + text + "\" is not a date YYYY-MM-DD");
        if (date && date->year != year)
            entry.fail(key, "lies outside the year " + std::to_string(year));
        return date;
    };
    std::set<long long> holidays, workdays;
    auto holiday_list = reader.array("holidays", true);
    for (std::size_t i = 0; i < holiday_list->size(); ++i) {
        auto entry = ObjectReader::of(holiday_list->get(unsigned(i)), file.string(),
                                      json_path_index("$.holidays", i), issues);
        entry.string("name");
        auto from = read_date(entry, "from"), to = read_date(entry, "to");
        entry.reject_unknown({"name", "from", "to"});
        if (!from || !to) continue;
        if (*to < *from) entry.fail("to", "is before \"from\"");
        for (auto d = from->days_since_epoch(); d <= to->days_since_epoch(); ++d)
            if (!holidays.insert(d).second)
                entry.fail("", "overlaps another holiday on " + Date::from_days(d).iso());
    }
    auto workday_list = reader.array("workdays", false);
    for (std::size_t i = 0; i < workday_list->size(); ++i) {
        auto entry = ObjectReader::of(workday_list->get(unsigned(i)), file.string(),
                                      json_path_index("$.workdays", i), issues);
        entry.string("name");
        auto date = read_date(entry, "date");
        entry.reject_unknown({"name", "date"});
        if (!date) continue;
        if (date->weekday() < 5) entry.fail("date", date->iso() + " is not a Saturday or Sunday");
        if (holidays.count(date->days_since_epoch())) entry.fail("date", "is also a holiday");
        workdays.insert(date->days_since_epoch());
    }
    if (years_.count(year)) reader.fail("year", "a calendar for this year is already loaded");
    issues.throw_if_any();
    holidays_.insert(holidays.begin(), holidays.end());
    workdays_.insert(workdays.begin(), workdays.end());
    years_.insert(year);
}

WorkingCalendar WorkingCalendar::load_file(const fs::path& file) {
    WorkingCalendar calendar;
    calendar.merge(file);
    return calendar;
}

WorkingCalendar WorkingCalendar::load_dir(const fs::path& dir) {
    WorkingCalendar calendar;
    if (!fs::is_directory(dir)) return calendar;
    std::set<fs::path> files;  // sorted, so the order of loading is stable
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".json") files.insert(entry.path());
    for (const auto& file : files) calendar.merge(file);
    return calendar;
}

bool WorkingCalendar::is_working_day(Date day) const {
    const long long d = day.days_since_epoch();
    if (holidays_.count(d)) return false;
    if (day.weekday() >= 5) return workdays_.count(d) > 0;
    return true;
}

Date WorkingCalendar::add_working_days(Date start, int n) const {
    long long d = start.days_since_epoch();
    while (n > 0) {
        ++d;
        if (is_working_day(Date::from_days(d))) --n;
    }
    return Date::from_days(d);
}

int WorkingCalendar::working_days_between(Date from, Date to) const {
    int count = 0;
    for (long long d = from.days_since_epoch() + 1; d <= to.days_since_epoch(); ++d)
        if (is_working_day(Date::from_days(d))) ++count;
    return count;
}

bool WorkingCalendar::covers(Date day) const { return years_.count(day.year) > 0; }

}  // namespace onewindow
