#include "onewindow/core/date.hpp"

#include <cstdio>
#include <ctime>
#include <regex>

#include "onewindow/core/error.hpp"

namespace onewindow {

// Days from civil and back: H. Hinnant's public-domain algorithms.
static long long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

Date Date::from_days(long long z) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

bool Date::valid(int year, int month, int day) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
    static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int length = lengths[month - 1] + (month == 2 && leap ? 1 : 0);
    return day <= length;
}

static std::optional<int> digits(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<Date> Date::parse(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto y = digits(text.substr(0, 4)), m = digits(text.substr(5, 2)),
         d = digits(text.substr(8, 2));
    if (!y || !m || !d || !valid(*y, *m, *d)) return std::nullopt;
    return Date{*y, *m, *d};
}

std::optional<Date> Date::parse_compact(std::string_view text) {
    if (text.size() != 8) return std::nullopt;
    auto y = digits(text.substr(0, 4)), m = digits(text.substr(4, 2)),
         d = digits(text.substr(6, 2));
    if (!y || !m || !d || !valid(*y, *m, *d)) return std::nullopt;
    return Date{*y, *m, *d};
}

Date Date::today() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

long long Date::days_since_epoch() const { return days_from_civil(year, month, day); }

int Date::weekday() const {
    long long z = days_since_epoch();  // 1970-01-01 was a Thursday (3)
    return static_cast<int>(((z % 7) + 7 + 3) % 7);
}

int Date::years_since(const Date& birth) const {
    int years = year - birth.year;
    if (month < birth.month || (month == birth.month && day < birth.day)) --years;
    return years;
}

std::string Date::iso() const {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
    return buffer;
}

std::string Date::chinese() const {
    return std::to_string(year) + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
}

namespace {

std::string format_now(bool utc, const char* format) {
    std::time_t now = std::time(nullptr);
    std::tm parts{};
    if (utc)
        gmtime_r(&now, &parts);
    else
        localtime_r(&now, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, format, &parts);
    return buffer;
}

}  // namespace

std::string local_timestamp_now() { return format_now(false, "%Y-%m-%d %H:%M:%S"); }

std::string utc_timestamp_now() { return format_now(true, "%Y-%m-%dT%H:%M:%SZ"); }

std::string local_timestamp_of(const std::string& sent, const std::string& what) {
    static const std::regex utc(R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z)"),
        local(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})");
    std::smatch m;
    if (std::regex_match(sent, local)) return sent;
    if (!std::regex_match(sent, m, utc))
        throw Error(ErrorKind::Input, what + ": \"" + sent +
                                          "\" is not a time (YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD "
                                          "HH:MM:SS)");
    std::tm parts{};
    parts.tm_year = std::stoi(m[1]) - 1900;
    parts.tm_mon = std::stoi(m[2]) - 1;
    parts.tm_mday = std::stoi(m[3]);
    parts.tm_hour = std::stoi(m[4]);
    parts.tm_min = std::stoi(m[5]);
    parts.tm_sec = std::stoi(m[6]);
    if (parts.tm_mon > 11 || parts.tm_mday < 1 || parts.tm_mday > 31 || parts.tm_hour > 23 ||
        parts.tm_min > 59 || parts.tm_sec > 60)
        throw Error(ErrorKind::Input, what + ": \"" + sent + "\" is not a time");
    const std::time_t at = timegm(&parts);
    std::tm shown{};
    localtime_r(&at, &shown);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &shown);
    return buffer;
}

}  // namespace onewindow
