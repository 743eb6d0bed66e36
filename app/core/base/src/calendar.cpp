#include "onewindow/core/calendar.hpp"

#include <sstream>

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
    std::map<long long, std::string> names;
    auto holiday_list = reader.array("holidays", true);
    for (std::size_t i = 0; i < holiday_list->size(); ++i) {
        auto entry = ObjectReader::of(holiday_list->get(unsigned(i)), file.string(),
                                      json_path_index("$.holidays", i), issues);
        const std::string name = entry.string("name");
        auto from = read_date(entry, "from"), to = read_date(entry, "to");
        entry.reject_unknown({"name", "from", "to"});
        if (!from || !to) continue;
        if (*to < *from) entry.fail("to", "is before \"from\"");
        for (auto d = from->days_since_epoch(); d <= to->days_since_epoch(); ++d)
            if (!holidays.insert(d).second)
                entry.fail("", "overlaps another holiday on " + Date::from_days(d).iso());
            else
                names[d] = name;
    }
    auto workday_list = reader.array("workdays", false);
    for (std::size_t i = 0; i < workday_list->size(); ++i) {
        auto entry = ObjectReader::of(workday_list->get(unsigned(i)), file.string(),
                                      json_path_index("$.workdays", i), issues);
        const std::string name = entry.string("name");
        auto date = read_date(entry, "date");
        entry.reject_unknown({"name", "date"});
        if (!date) continue;
        if (date->weekday() < 5) entry.fail("date", date->iso() + " is not a Saturday or Sunday");
        if (holidays.count(date->days_since_epoch())) entry.fail("date", "is also a holiday");
        workdays.insert(date->days_since_epoch());
        names[date->days_since_epoch()] = name;
    }
    if (years_.count(year)) reader.fail("year", "a calendar for this year is already loaded");
    issues.throw_if_any();
    holidays_.insert(holidays.begin(), holidays.end());
    workdays_.insert(workdays.begin(), workdays.end());
    names_.insert(names.begin(), names.end());
    years_.insert(year);
}

namespace {

const char* kind_name(CalendarEdit::Kind kind) {
    switch (kind) {
        case CalendarEdit::Kind::Holiday:
            return "holiday";
        case CalendarEdit::Kind::Workday:
            return "workday";
        case CalendarEdit::Kind::Ordinary:
            return "ordinary";
    }
    return "ordinary";
}

}  // namespace

std::vector<CalendarEdit> WorkingCalendar::read_edits(const fs::path& file) {
    std::vector<CalendarEdit> edits;
    if (!fs::exists(file)) return edits;
    Issues issues;
    auto reader = ObjectReader::of(load_json_file(file), file.string(), "$", issues);
    if (reader.string("format") != "onewindow.calendar-edits/1")
        reader.fail("format", "must be \"onewindow.calendar-edits/1\"");
    reader.reject_unknown({"format", "days"});
    auto days = reader.array("days", false);
    for (std::size_t i = 0; days && i < days->size(); ++i) {
        auto entry = ObjectReader::of(days->get(unsigned(i)), file.string(),
                                      json_path_index("$.days", i), issues);
        entry.reject_unknown({"date", "kind", "name"});
        CalendarEdit edit;
        const std::string date = entry.string("date"), kind = entry.string("kind");
        if (auto parsed = Date::parse(date))
            edit.date = *parsed;
        else if (!date.empty())
            entry.fail("date", "\"" + date + "\" is not a date YYYY-MM-DD");
        if (kind == "holiday")
            edit.kind = CalendarEdit::Kind::Holiday;
        else if (kind == "workday")
            edit.kind = CalendarEdit::Kind::Workday;
        else if (kind == "ordinary")
            edit.kind = CalendarEdit::Kind::Ordinary;
        else if (!kind.empty())
            entry.fail("kind", "must be \"holiday\", \"workday\" or \"ordinary\"");
        edit.name = entry.opt_string("name").value_or("");
        if (edit.kind == CalendarEdit::Kind::Workday && date.size() && Date::parse(date) &&
            edit.date.weekday() < 5)
            entry.fail("date", date + " is not a Saturday or Sunday");
        edits.push_back(edit);
    }
    issues.throw_if_any();
    return edits;
}

void WorkingCalendar::write_edits(const fs::path& file, const std::vector<CalendarEdit>& edits) {
    Poco::JSON::Array::Ptr days = new Poco::JSON::Array;
    for (const auto& edit : edits) {
        Poco::JSON::Object::Ptr day = new Poco::JSON::Object(true);
        day->set("date", edit.date.iso());
        day->set("kind", kind_name(edit.kind));
        if (!edit.name.empty()) day->set("name", edit.name);
        days->add(day);
    }
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(true);
    root->set("format", "onewindow.calendar-edits/1");
    root->set("days", days);
    std::ostringstream text;
    root->stringify(text, 2);
    write_file_atomically(file, text.str() + "\n");
}

void WorkingCalendar::apply(const std::vector<CalendarEdit>& edits) {
    for (const auto& edit : edits) {
        const long long d = edit.date.days_since_epoch();
        if (edit.kind == CalendarEdit::Kind::Workday && edit.date.weekday() < 5)
            throw Error(ErrorKind::Input, edit.date.iso() + " is not a Saturday or Sunday");
        holidays_.erase(d);
        workdays_.erase(d);
        names_.erase(d);
        if (edit.kind == CalendarEdit::Kind::Holiday) holidays_.insert(d);
        if (edit.kind == CalendarEdit::Kind::Workday) workdays_.insert(d);
        if (edit.kind != CalendarEdit::Kind::Ordinary) names_[d] = edit.name;
        edited_.insert(d);
    }
}

WorkingCalendar WorkingCalendar::load(const fs::path& shipped_dir, const fs::path& data_dir) {
    WorkingCalendar calendar = load_dir(shipped_dir);
    calendar.apply(read_edits(edits_file(data_dir)));
    return calendar;
}

std::vector<SpecialDay> WorkingCalendar::special_days(int year) const {
    const long long first = Date{year, 1, 1}.days_since_epoch(),
                    last = Date{year, 12, 31}.days_since_epoch();
    std::vector<SpecialDay> days;
    for (long long d = first; d <= last; ++d) {
        const bool holiday = holidays_.count(d) > 0;
        if (!holiday && !workdays_.count(d)) continue;
        auto name = names_.find(d);
        days.push_back(SpecialDay{Date::from_days(d), holiday,
                                  name == names_.end() ? std::string() : name->second,
                                  edited_.count(d) > 0});
    }
    return days;
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

const char* day_unit_name(DayUnit unit) { return unit == DayUnit::Natural ? "natural" : "working"; }

std::optional<DayUnit> parse_day_unit(const std::string& text) {
    if (text == "working") return DayUnit::Working;
    if (text == "natural") return DayUnit::Natural;
    return std::nullopt;
}

Date WorkingCalendar::add_days(Date start, int n, DayUnit unit) const {
    return unit == DayUnit::Natural ? start.plus_days(n) : add_working_days(start, n);
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
