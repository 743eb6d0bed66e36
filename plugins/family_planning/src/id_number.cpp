#include "id_number.hpp"

namespace family_planning {

namespace {
int days_in_month(int year, int month) {
    static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return lengths[month - 1] + (month == 2 && leap ? 1 : 0);
}
bool digits(const std::string& text, std::size_t from, std::size_t count, int& value) {
    value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}
bool valid(const Day& d) {
    return d.year > 0 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= days_in_month(d.year, d.month);
}
}  // namespace

std::optional<Day> parse_day(const std::string& text) {
    Day d;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(text, 0, 4, d.year) ||
        !digits(text, 5, 2, d.month) || !digits(text, 8, 2, d.day) || !valid(d))
        return std::nullopt;
    return d;
}

int years_between(const Day& birth, const Day& on) {
    int years = on.year - birth.year;
    if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --years;
    return years;
}

Day add_months(const Day& day, int months) {
    int index = day.year * 12 + (day.month - 1) + months;
    Day out{index / 12, index % 12 + 1, day.day};
    if (out.day > days_in_month(out.year, out.month)) out.day = days_in_month(out.year, out.month);
    return out;
}

std::optional<Person> parse_id(const std::string& id) {
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char mapping[] = "10X98765432";
    if (id.size() != 18) return std::nullopt;
    int sum = 0, digit = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        if (!digits(id, i, 1, digit)) return std::nullopt;
        sum += digit * weights[i];
    }
    if (mapping[sum % 11] != id[17]) return std::nullopt;
    Person person;
    if (!digits(id, 6, 4, person.birth.year) || !digits(id, 10, 2, person.birth.month) ||
        !digits(id, 12, 2, person.birth.day) || !valid(person.birth))
        return std::nullopt;
    digits(id, 16, 1, digit);
    person.male = digit % 2 == 1;
    return person;
}

}  // namespace family_planning
