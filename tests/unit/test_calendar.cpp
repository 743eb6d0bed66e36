#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/error.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

static WorkingCalendar calendar2026() {
    return WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar");
}

TEST_CASE("The 2026 calendar: holidays and make-up working days", "[calendar]") {
    auto cal = calendar2026();
    CHECK(cal.covers(Date{2026, 5, 1}));
    CHECK_FALSE(cal.covers(Date{2027, 5, 1}));
    for (auto d : {Date{2026, 1, 1}, Date{2026, 2, 16}, Date{2026, 2, 23}, Date{2026, 4, 6},
                   Date{2026, 5, 5}, Date{2026, 6, 19}, Date{2026, 9, 25}, Date{2026, 10, 8 - 1},
                   Date{2026, 10, 1}})
        CHECK_FALSE(cal.is_working_day(d));
    for (auto d : {Date{2026, 1, 4}, Date{2026, 2, 14}, Date{2026, 2, 28}, Date{2026, 5, 9},
                   Date{2026, 9, 20}, Date{2026, 10, 10}})
        CHECK(cal.is_working_day(d));                     // weekend make-up days
    CHECK(cal.is_working_day(Date{2026, 10, 8}));         // Thursday after National Day
    CHECK_FALSE(cal.is_working_day(Date{2026, 11, 22}));  // an ordinary Sunday
    CHECK(cal.is_working_day(Date{2026, 11, 23}));
}

TEST_CASE("Working days are added across the long holidays", "[calendar]") {
    auto cal = calendar2026();
    // Fri 13 Feb + 1 = Sat 14 Feb (make-up day); + 2 = Tue 24 Feb after Spring Festival.
    CHECK(cal.add_working_days(Date{2026, 2, 13}, 1) == Date{2026, 2, 14});
    CHECK(cal.add_working_days(Date{2026, 2, 13}, 2) == Date{2026, 2, 24});
    // Wed 30 Sep + 1 = Thu 8 Oct; + 3 = Sat 10 Oct (make-up day).
    CHECK(cal.add_working_days(Date{2026, 9, 30}, 1) == Date{2026, 10, 8});
    CHECK(cal.add_working_days(Date{2026, 9, 30}, 3) == Date{2026, 10, 10});
    CHECK(cal.add_working_days(Date{2026, 11, 23}, 0) == Date{2026, 11, 23});
    CHECK(cal.add_working_days(Date{2026, 11, 23}, 5) == Date{2026, 11, 30});
    CHECK(cal.working_days_between(Date{2026, 9, 30}, Date{2026, 10, 10}) == 3);
    CHECK(cal.forwarding_deadline(Date{2026, 11, 20}, false) == Date{2026, 11, 24});
    CHECK(cal.forwarding_deadline(Date{2026, 11, 20}, true) == Date{2026, 11, 25});
}

TEST_CASE("A bad calendar file is refused with every problem named", "[calendar]") {
    testing::TempDir dir;
    auto file = dir.path / "2027.json";
    std::ofstream(file) << R"({"format": "onewindow.calendar/1", "year": 2027,
        "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-32"}],
        "workdays": [{"name": "x", "date": "2027-01-06"}], "extra": 1})";
    try {
        WorkingCalendar::load_file(file);
        FAIL("accepted a bad calendar");
    } catch (const Error& e) {
        std::string message = e.what();
        CHECK(message.find("2027.json: $.holidays[0].to: \"2027-01-32\" is not a date") !=
              std::string::npos);
        CHECK(message.find("$.workdays[0].date: 2027-01-06 is not a Saturday or Sunday") !=
              std::string::npos);
        CHECK(message.find("$.extra: unknown key") != std::string::npos);
    }
}
