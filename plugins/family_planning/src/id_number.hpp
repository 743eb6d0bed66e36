// The little of GB 11643 this plugin needs: birth date and sex of a valid resident ID number.
// (An outside plugin cannot use the host's core library; it carries its own small parser.)
#pragma once

#include <optional>
#include <string>

namespace family_planning {

struct Day {
    int year = 0, month = 0, day = 0;
    auto operator<=>(const Day&) const = default;
};

/// "YYYY-MM-DD" -> Day, nullopt when malformed or not a real date.
std::optional<Day> parse_day(const std::string& text);
/// Whole years from `birth` to `on`.
int years_between(const Day& birth, const Day& on);
/// Adds months (clamping the day to the month's length).
Day add_months(const Day& day, int months);

struct Person {
    Day birth;
    bool male = false;
};
/// nullopt unless an 18-character ID number with a valid birth date and check character.
std::optional<Person> parse_id(const std::string& id);

}  // namespace family_planning
