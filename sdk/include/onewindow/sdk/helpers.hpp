// Small, header-only helpers that department plugins share: calendar days, the little of
// GB 11643 (resident ID numbers) a department rule needs, numbers read from form values, and
// shorthands for findings.
//
// A plugin cannot use the host's core library (it is built apart, by other people), so the SDK
// carries these once instead of every plugin carrying its own copy. They are pure functions on
// values: no state, no I/O, safe from any thread.
//
//     using namespace onewindow::sdk;
//     auto today = parse_day(request.today);                 // "YYYY-MM-DD" -> Day
//     auto person = parse_id(request.text("applicant.id_number"));
//     if (person && today && years_between(person->birth, *today) < 60) ...
//     double income = number_of(request.values, "applicant.monthly_income").value_or(0);
//
// The host has already checked the form rules (formats, the ID checksum, ...) before it calls a
// plugin; these helpers still return nullopt for anything malformed, never throw.
#pragma once

#include <Poco/JSON/Object.h>

#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>

#include "onewindow/sdk/plugin.hpp"

namespace onewindow::sdk {

/// A calendar day. Ordered (earlier < later).
struct Day {
    int year = 0, month = 0, day = 0;
    auto operator<=>(const Day&) const = default;
};

namespace detail {

inline int days_in_month(int year, int month) {
    static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return lengths[month - 1] + (month == 2 && leap ? 1 : 0);
}

/// Reads `count` decimal digits of `text` from `from` into `value`; false on a non-digit.
inline bool digits(const std::string& text, std::size_t from, std::size_t count, int& value) {
    value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

inline bool valid(const Day& d) {
    return d.year > 0 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= days_in_month(d.year, d.month);
}

}  // namespace detail

/// "YYYY-MM-DD" -> Day; nullopt when malformed or not a real date.
inline std::optional<Day> parse_day(const std::string& text) {
    Day d;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
        !detail::digits(text, 0, 4, d.year) || !detail::digits(text, 5, 2, d.month) ||
        !detail::digits(text, 8, 2, d.day) || !detail::valid(d))
        return std::nullopt;
    return d;
}

/// The error for a request about an item the plugin does not serve (the host only sends the items
/// of the plugin's manifest, so this means a manifest and code out of step).
inline PluginError unknown_item(const Request& request) {
    return PluginError("unknown item " + request.item);
}

/// Throws unknown_item() unless the request is about one of `items`.
inline void expect_item(const Request& request, std::initializer_list<const char*> items) {
    for (const char* item : items)
        if (request.item == item) return;
    throw unknown_item(request);
}

/// "YYYY-MM-DD" (for messages).
inline std::string iso(const Day& d) {
    auto two = [](int n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    std::string year = std::to_string(d.year);
    if (year.size() < 4) year.insert(0, 4 - year.size(), '0');
    return year + "-" + two(d.month) + "-" + two(d.day);
}

/// The counter's date of a request; PluginError when the host sent none (it always does).
inline Day today_of(const Request& request) {
    auto today = parse_day(request.today);
    if (!today) throw PluginError("request.today must be YYYY-MM-DD");
    return *today;
}

/// The day of the week: 1 Monday ... 7 Sunday.
inline int weekday(const Day& d) {
    static const int offsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    const int year = d.month < 3 ? d.year - 1 : d.year;
    const int sunday_based =
        (year + year / 4 - year / 100 + year / 400 + offsets[d.month - 1] + d.day) % 7;
    return sunday_based == 0 ? 7 : sunday_based;
}

/// Whole years from `birth` to `on` (the age on that day).
inline int years_between(const Day& birth, const Day& on) {
    int years = on.year - birth.year;
    if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --years;
    return years;
}

/// Adds (or with a negative count, subtracts) months, clamping the day to the month's length.
inline Day add_months(const Day& day, int months) {
    const int index = day.year * 12 + (day.month - 1) + months;
    Day out{index / 12, index % 12 + 1, day.day};
    if (out.day > detail::days_in_month(out.year, out.month))
        out.day = detail::days_in_month(out.year, out.month);
    return out;
}

/// What a resident ID number says about its holder.
struct Person {
    Day birth;
    bool male = false;
};

/// nullopt unless an 18-character ID number with a valid birth date and check character
/// (GB 11643-1999: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 -> "10X98765432").
inline std::optional<Person> parse_id(const std::string& id) {
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char mapping[] = "10X98765432";
    if (id.size() != 18) return std::nullopt;
    int sum = 0, digit = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        if (!detail::digits(id, i, 1, digit)) return std::nullopt;
        sum += digit * weights[i];
    }
    if (mapping[sum % 11] != id[17]) return std::nullopt;
    Person person;
    if (!detail::digits(id, 6, 4, person.birth.year) ||
        !detail::digits(id, 10, 2, person.birth.month) ||
        !detail::digits(id, 12, 2, person.birth.day) || !detail::valid(person.birth))
        return std::nullopt;
    detail::digits(id, 16, 1, digit);
    person.male = digit % 2 == 1;
    return person;
}

/// The number under `key` of a values object or a table row: JSON numbers, and strings that
/// are a whole decimal number ("1200.50"). nullopt when absent, null, empty or not a number.
inline std::optional<double> number_of(const Poco::JSON::Object::Ptr& values,
                                       const std::string& key) {
    if (!values || !values->has(key) || values->isNull(key)) return std::nullopt;
    const auto value = values->get(key);
    if (value.isNumeric() && !value.isBoolean()) return value.convert<double>();
    if (!value.isString()) return std::nullopt;
    const std::string text = value.extract<std::string>();
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (!end || *end != '\0' || !std::isfinite(number)) return std::nullopt;
    return number;
}

/// The applicant's age in whole years on the request's date (the application date), from
/// applicant.id_number; nullopt when the number is absent or invalid (the host reports that).
inline std::optional<int> applicant_age(const Request& request) {
    const auto person = parse_id(request.text("applicant.id_number"));
    if (!person) return std::nullopt;
    return years_between(person->birth, today_of(request));
}

/// A number from the plugin's settings (the init request's "settings") within [minimum,
/// maximum]; nullopt when the administrator has not set it. Throws PluginError "settings.<key>
/// must be <what>" when it is malformed, so that init refuses to run on bad settings.
inline std::optional<double> number_setting(const Object& settings, const std::string& key,
                                            double minimum, double maximum,
                                            const std::string& what) {
    if (!settings || !settings->has(key)) return std::nullopt;
    auto number = number_of(settings, key);
    if (!number || *number < minimum || *number > maximum)
        throw PluginError("settings." + key + " must be " + what);
    return number;
}

/// A number for messages and documents, with at most two decimals and no trailing zeros after
/// the point: 512.5 -> "512.5", 800 -> "800".
inline std::string number_text(double value) {
    std::string text = std::to_string(std::round(value * 100) / 100);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

/// Yuan the same way: 512.5 -> "512.5", 800 -> "800".
inline std::string yuan(double amount) { return number_text(amount); }

/// True when the applicant's household registration (applicant.hukou_division) is known and lies
/// outside the counter's service area (request.service_area).
inline bool registered_elsewhere(const Request& request) {
    const std::string division = request.text("applicant.hukou_division");
    return !division.empty() && !request.service_area.empty() && division != request.service_area;
}

/// The dictionary keys under which a form holds one person's identity, and how messages name
/// the person. Empty keys are fields the form does not have.
struct PersonKeys {
    std::string id_number, birth_date, sex, birth_certificate;
    std::string who;  // "子女" -> "子女的公民身份号码与出生日期不一致"
};

/// A person's birth day: from the ID number when it is valid, else from the birth date field (a
/// newborn has no ID number before the birth registration).
inline std::optional<Day> birth_of(const Request& request, const PersonKeys& keys) {
    if (auto person = parse_id(request.text(keys.id_number))) return person->birth;
    return parse_day(request.text(keys.birth_date));
}

/// Adds an error for each fact the person's ID number contradicts: the birth date, the sex
/// (男 / 女). Nothing when the ID number is absent or invalid (the host reports that) or the
/// other value is empty.
inline void check_id_agrees(const Request& request, const PersonKeys& keys, Findings& findings) {
    const auto person = parse_id(request.text(keys.id_number));
    if (!person) return;
    if (auto born = parse_day(request.text(keys.birth_date)); born && !(person->birth == *born))
        findings.push_back({keys.id_number, "error", keys.who + "的公民身份号码与出生日期不一致"});
    const std::string sex = keys.sex.empty() ? std::string() : request.text(keys.sex);
    if (!sex.empty() && sex != (person->male ? "男" : "女"))
        findings.push_back({keys.id_number, "error", keys.who + "的公民身份号码与性别不一致"});
}

/// A person who may have no ID number yet (a newborn): identified by the ID number, or before
/// the birth registration by the birth certificate's number. Adds the error `missing` (on the
/// certificate field) when neither is given, else the ID number's contradictions; returns the
/// birth day when known.
inline std::optional<Day> identify(const Request& request, const PersonKeys& keys,
                                   const std::string& missing, Findings& findings) {
    if (request.text(keys.id_number).empty() && request.text(keys.birth_certificate).empty()) {
        findings.push_back({keys.birth_certificate, "error", missing});
        return std::nullopt;
    }
    check_id_agrees(request, keys, findings);
    return birth_of(request, keys);
}

/// For the items of a death (身后一件事, the shared deceased.* fields): adds the error that the
/// applicant is the dead person, when the two ID numbers are the same.
inline void check_not_deceased(const Request& request, Findings& findings) {
    const std::string dead = request.text("deceased.id_number");
    if (!dead.empty() && dead == request.text("applicant.id_number"))
        findings.push_back({"deceased.id_number", "error", "申请人不能是死者本人"});
}

/// A finding that stops acceptance, on `field` (a dictionary key, or "" for the whole case).
inline Finding error(const std::string& field, const std::string& message) {
    return Finding{field, "error", message};
}

/// A finding shown to the clerk that does not stop acceptance.
inline Finding warning(const std::string& field, const std::string& message) {
    return Finding{field, "warning", message};
}

}  // namespace onewindow::sdk
