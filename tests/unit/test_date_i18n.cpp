#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "onewindow/core/date.hpp"
#include "onewindow/core/i18n.hpp"

using namespace onewindow;

TEST_CASE("Dates parse strictly and count days", "[date]") {
    CHECK(Date::parse("2026-11-22") == Date{2026, 11, 22});
    CHECK_FALSE(Date::parse("2026-02-29"));
    CHECK(Date::parse("2024-02-29"));
    CHECK_FALSE(Date::parse("2026-1-22"));
    CHECK_FALSE(Date::parse_compact("19900231"));
    CHECK(Date::parse_compact("19900228") == Date{1990, 2, 28});
    CHECK(Date{2026, 11, 22}.weekday() == 6);  // a Sunday
    CHECK(Date{2026, 12, 31}.plus_days(1) == Date{2027, 1, 1});
    CHECK(Date{2026, 11, 22}.years_since(Date{2004, 11, 23}) == 21);
    CHECK(Date{2026, 11, 22}.years_since(Date{2004, 11, 22}) == 22);
    CHECK(Date{2026, 11, 22}.chinese() == "2026年11月22日");
    CHECK(Date::from_days(Date{1999, 3, 7}.days_since_epoch()) == Date{1999, 3, 7});
}

TEST_CASE("A time another machine sent in UTC is shown in the counter's local time", "[date]") {
    // China Standard Time as a POSIX rule (no time zone database needed), restored afterwards.
    const char* before = std::getenv("TZ");
    const std::string saved = before ? before : "";
    setenv("TZ", "CST-8", 1);
    tzset();
    CHECK(local_timestamp_of("2026-12-03T02:15:00Z", "decided_at") == "2026-12-03 10:15:00");
    CHECK(local_timestamp_of("2026-12-02T17:30:05Z", "decided_at") == "2026-12-03 01:30:05");
    CHECK(local_timestamp_of("2026-12-03 10:15:00", "decided_at") == "2026-12-03 10:15:00");
    for (const char* bad : {"", "2026-12-03", "2026-12-03T25:00:00Z", "yesterday"})
        CHECK_THROWS_WITH(local_timestamp_of(bad, "decided_at"),
                          Catch::Contains("decided_at") && Catch::Contains("not a time"));
    if (before)
        setenv("TZ", saved.c_str(), 1);
    else
        unsetenv("TZ");
    tzset();
}

TEST_CASE("Messages come from the compiled zh_CN catalogue", "[i18n]") {
    auto mo =
        std::filesystem::path(ONEWINDOW_STAGE_DIR) / "share/locale/zh_CN/LC_MESSAGES/onewindow.mo";
    REQUIRE(std::filesystem::exists(mo));
    clear_catalog();
    CHECK(std::string(tr("Case {} accepted")) == "Case {} accepted");
    load_catalog(mo);
    CHECK(trf("Case {} accepted", "WX01-20261122-0001") == "办件 WX01-20261122-0001 已受理");
    CHECK(format_message("{} + {}", {"a"}) == "a + {}");
}
