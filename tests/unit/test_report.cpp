// The daily counter log and period reports: generated weeks of cases at two counters (clerks,
// departments, hours, immediate items, tolerated gaps, notices, refusals, decisions), every
// figure compared with an independent count in plain SQL; the CSV's columns and masking.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/report.hpp"
#include "pdf_check.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

struct Generated {
    testing::TempDir dir{"onewindow-report"};
    testing::TestStore db{dir.path};
    CaseStore store = db.open(
        dir.path / "materials",
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));
    UserAccount supervisor = testing::sample_account(store, "lijun", "李军", Role::Supervisor);

    /// Two months and more of autumn 2026 (21 September to 22 November, the National Day
    /// holiday and its make-up working days included) at WX01 and WX02: intake on working days
    /// only, as the centre opens.
    Generated() {
        std::mt19937 random(20261123);
        const char* clerks[] = {"张敏", "王芳", "刘洋"};
        const char* departments[][2] = {{"county_health", "魏县卫生健康局"},
                                        {"civil_affairs", "魏县民政局"},
                                        {"social_security", "魏县人力资源和社会保障局"}};
        const Date first{2026, 9, 21};
        const int days =
            static_cast<int>(Date{2026, 11, 22}.days_since_epoch() - first.days_since_epoch()) + 1;
        for (int day = 0; day < days; ++day) {
            const Date date = first.plus_days(day);
            if (!store.calendar().is_working_day(date)) continue;
            for (int n = 0; n < 6 + day % 5; ++n) {
                // Within office hours (8:30-12:00, 14:30-17:30, as the items' guides say):
                // nobody is taken in at lunch.
                const int open = static_cast<int>(random() % (210 + 180));
                const int minute = open < 210 ? 8 * 60 + 30 + open : 14 * 60 + 30 + open - 210;
                char now[32];
                std::snprintf(now, sizeof now, "%s %02d:%02d:00", date.iso().c_str(), minute / 60,
                              minute % 60);
                AcceptRequest r = testing::sample_accept_request(std::string(now));
                r.counter = random() % 4 == 0 ? "WX02" : "WX01";
                r.clerk = clerks[random() % 3];
                const int items = 1 + static_cast<int>(random() % 3);
                for (int i = 0; i < items; ++i) {
                    const auto* d = departments[(n + i) % 3];
                    AcceptItem item =
                        testing::sample_item("00071800100" + std::to_string(i), d[0], d[0]);
                    item.department_name = d[1];
                    item.name = std::string(d[1]) + "事项" + std::to_string(i);
                    item.immediate = random() % 5 == 0;
                    r.items.push_back(item);
                }
                if (random() % 4 == 0)
                    r.materials.push_back({"photo", "照片", 1, 0, {}, true, "承诺补交"});
                const std::string number = store.cases().accept(r).case_number;
                if (random() % 3 == 0) {
                    const unsigned how = random() % 4;
                    decide(number, r.items[0].code, date, how);
                    // Most decided results are collected a few days later.
                    if (how != 1 && random() % 3 != 0)
                        store.hand_outs().record_hand_out(
                            {number,
                             {r.items[0].code},
                             "赵敏",
                             "13043419960315024X",
                             "居民身份证",
                             r.clerk,
                             date.plus_days(how == 3 ? 10 : 2 + day % 3).iso() + " 09:30:00"});
                }
                // About one case in three is rated; bad ratings now and then, some resolved.
                if (random() % 3 == 0) {
                    const int level = 1 + static_cast<int>(random() % 5);
                    const long long id = store.hand_outs().record_rating(
                        number, level, level <= 2 ? "等候时间太长" : "",
                        std::string(now).substr(0, 14) + "59:59");
                    if (level <= 2 && random() % 2 == 0)
                        store.resolve_rating(id, "已回访致歉", supervisor);
                }
            }
            // A notice and, every other day, a refusal.
            NoticeRecord notice{
                "WX01",
                "张敏",
                "赵敏",
                "130434199001011234",
                R"([{"code":"000718001001","name":"一孩生育服务登记","department":"魏县卫生健康局"}])",
                "[]",
                date.iso() + " 15:00:00"};
            store.notices().record_notice(notice);
            if (day % 2 == 0)
                store.notices().record_refusal(
                    {"WX01", "王芳", "钱多", "130434199001011234",
                     R"([{"code":"000712001000","name":"最低生活保障审核确认","department":"魏县民政局"}])",
                     "不属于本窗口受理范围, 已告知到县民政局办理", date.iso() + " 16:30:00"});
        }
    }

    void decide(const std::string& number, const std::string& item, Date accepted, unsigned how) {
        static long long cursor = 0;
        ItemDecision d;
        d.cursor = ++cursor;
        d.case_number = number;
        d.item_code = item;
        d.outcome = how == 0 ? "rejected" : how == 1 ? "correction" : "approved";
        d.reason = how == 0 ? "不符合条件" : "";
        d.missing_json = how == 1 ? R"(["户口簿"])" : "[]";
        d.decided_by = "科员";
        // Some decided in a day, some after the promised three working days.
        d.decided_at = accepted.plus_days(how == 3 ? 9 : 1).iso() + " 11:00:00";
        d.received_at = d.decided_at;
        store.decisions().record("http://office", "WX01",
                                 {"county_health", "civil_affairs", "social_security"}, {d}, {},
                                 cursor, d.decided_at);
    }

    /// An independent count over the store's own connection.
    long long sql(const std::string& query, const LogPeriod& p) const {
        auto q = store.database().prepare(query);
        q.bind(1, p.from.iso()).bind(2, p.to.plus_days(1).iso()).bind(3, p.counter);
        q.step();
        return q.int64(0);
    }
};

}  // namespace

TEST_CASE("The counter log counts what the store holds, for a day or a period", "[report][store]") {
    Generated g;
    const std::string in = " accepted_at >= ?1 AND accepted_at < ?2 AND (?3 = '' OR counter = ?3)";
    for (const LogPeriod& p : {LogPeriod{{2026, 11, 10}, {2026, 11, 10}, "WX01"},
                               LogPeriod{{2026, 11, 2}, {2026, 11, 22}, ""},
                               LogPeriod{{2026, 11, 9}, {2026, 11, 15}, "WX02"},
                               LogPeriod{{2026, 9, 28}, {2026, 10, 11}, ""},  // over 国庆
                               LogPeriod{{2026, 10, 1}, {2026, 10, 31}, "WX01"},
                               LogPeriod{{2026, 10, 10}, {2026, 10, 10}, ""}}) {  // make-up day
        INFO(p.from.iso() << " to " << p.to.iso() << " " << p.counter);
        const CounterLog log = g.store.log().counter_log(p);
        CHECK(log.cases == g.sql("SELECT count(*) FROM cases WHERE" + in, p));
        CHECK(log.cases > 0);
        CHECK(log.items == g.sql("SELECT count(*) FROM case_items i JOIN cases c ON"
                                 " c.id = i.case_id WHERE c." +
                                     in.substr(1),
                                 p));
        CHECK(log.immediate_items == g.sql("SELECT count(*) FROM case_items i JOIN cases c ON"
                                           " c.id = i.case_id WHERE i.immediate = 1 AND c." +
                                               in.substr(1),
                                           p));
        // A case is immediate when each of its items is: counted per case, not per item.
        CHECK(log.immediate_cases ==
              g.sql("SELECT count(*) FROM (SELECT c.id FROM cases c JOIN case_items i ON"
                    " i.case_id = c.id WHERE c." +
                        in.substr(1) + " GROUP BY c.id HAVING min(i.immediate) = 1) AS whole",
                    p));
        CHECK(log.immediate_cases <= log.cases);
        CHECK(log.tolerated_cases ==
              g.sql("SELECT count(DISTINCT c.id) FROM cases c JOIN case_materials m ON"
                    " m.case_id = c.id WHERE m.tolerated = 1 AND c." +
                        in.substr(1),
                    p));
        CHECK(log.notices == g.sql("SELECT count(*) FROM notices WHERE issued_at >= ?1 AND"
                                   " issued_at < ?2 AND (?3 = '' OR counter = ?3)",
                                   p));
        CHECK(log.refusals == g.sql("SELECT count(*) FROM refusals WHERE refused_at >= ?1 AND"
                                    " refused_at < ?2 AND (?3 = '' OR counter = ?3)",
                                    p));
        long long by_clerk = 0, by_department = 0, by_item = 0, by_hour = 0;
        for (const auto& c : log.by_clerk) by_clerk += c.count;
        for (const auto& c : log.by_department) by_department += c.count;
        for (const auto& c : log.by_item) by_item += c.count;
        for (long long h : log.by_hour) by_hour += h;
        CHECK(by_clerk == log.items);
        CHECK(by_department == log.items);
        CHECK(by_item == log.items);
        CHECK(by_hour == log.cases);
        // The generated window keeps its hours: no intake before 8:30's hour, at lunch (12:00-
        // 14:30 takes in nobody in the 12 and 13 o'clock hours) or after 17:30.
        for (int hour : {0, 7, 12, 13, 18, 23}) {
            INFO("hour " << hour);
            CHECK(log.by_hour[static_cast<std::size_t>(hour)] == 0);
        }
        for (std::size_t i = 1; i < log.by_clerk.size(); ++i)
            CHECK(log.by_clerk[i - 1].count >= log.by_clerk[i].count);
        const std::string decided =
            "SELECT count(*) FROM item_decisions d JOIN case_items i ON i.id = d.case_item_id"
            " JOIN cases c ON c.id = i.case_id WHERE d.decided_at >= ?1 AND d.decided_at < ?2"
            " AND (?3 = '' OR c.counter = ?3) AND d.outcome ";
        CHECK(log.approved == g.sql(decided + "= 'approved'", p));
        CHECK(log.rejected == g.sql(decided + "= 'rejected'", p));
        CHECK(log.corrections == g.sql(decided + "= 'correction'", p));
        CHECK(log.decided == log.approved + log.rejected);
        CHECK(log.decided_on_time ==
              g.sql(decided + "IN ('approved', 'rejected') AND substr(d.decided_at, 1, 10) <="
                              " i.promised_date",
                    p));
        CHECK(log.pending.size() ==
              static_cast<std::size_t>(
                  g.sql("SELECT count(*) FROM case_items i JOIN cases c ON c.id = i.case_id WHERE"
                        " c.accepted_at < ?2 AND ?1 = ?1 AND (?3 = '' OR c.counter = ?3) AND"
                        " i.status NOT IN ('approved', 'rejected', 'handed_out')",
                        p)));
        CHECK(log.handed_out ==
              g.sql("SELECT count(*) FROM hand_outs h JOIN case_items i ON i.id = h.case_item_id"
                    " JOIN cases c ON c.id = i.case_id WHERE h.handed_out_at >= ?1 AND"
                    " h.handed_out_at < ?2 AND (?3 = '' OR c.counter = ?3)",
                    p));
        for (int level = 1; level <= 5; ++level)
            CHECK(log.ratings_by_level[level - 1] ==
                  g.sql("SELECT count(*) FROM ratings r JOIN cases c ON c.id = r.case_id WHERE"
                        " r.level = " +
                            std::to_string(level) +
                            " AND r.rated_at >= ?1 AND r.rated_at < ?2 AND"
                            " (?3 = '' OR c.counter = ?3)",
                        p));
        // Bad ratings open at the period's end: given by then, not resolved by then.
        CHECK(log.open_bad_ratings.size() ==
              static_cast<std::size_t>(g.sql(
                  "SELECT count(*) FROM ratings r JOIN cases c ON c.id = r.case_id WHERE"
                  " r.level <= 2 AND r.rated_at < ?2 AND ?1 = ?1 AND (?3 = '' OR c.counter = ?3)"
                  " AND (r.resolved_at = '' OR r.resolved_at >= ?2)",
                  p)));
    }
    // The centre is closed on the holiday: nothing taken in; a make-up Saturday is worked.
    CHECK(g.store.log().counter_log({{2026, 10, 3}, {2026, 10, 3}, ""}).cases == 0);
    CHECK(g.store.log().counter_log({{2026, 10, 1}, {2026, 10, 7}, ""}).cases == 0);
    // The whole period: decisions late and on time both occur; hours are positive.
    const CounterLog all = g.store.log().counter_log({{2026, 11, 2}, {2026, 11, 30}, ""});
    CHECK(all.decided > all.decided_on_time);
    CHECK(all.decided_on_time > 0);
    CHECK(all.decision_hours_max > all.decision_hours_avg);
    CHECK(all.decision_hours_avg > 0);
    CHECK(all.handed_out > 0);
    CHECK(all.bad_ratings() > 0);
    CHECK(all.ratings() > all.bad_ratings());
    CHECK(all.rating_average() > 1.0);
    CHECK(all.rating_average() < 5.0);
    REQUIRE_FALSE(all.open_bad_ratings.empty());
    for (const auto& r : all.open_bad_ratings) {
        CHECK(r.level <= 2);
        // 15 working days after the day it was given.
        CHECK(r.follow_up_by ==
              g.store.calendar().add_working_days(*Date::parse(r.rated_at.substr(0, 10)), 15));
    }
    // By the end of the year the early ones are overdue; on their own day they are not.
    const CounterLog year_end = g.store.log().counter_log({{2026, 12, 31}, {2026, 12, 31}, ""});
    REQUIRE_FALSE(year_end.open_bad_ratings.empty());
    CHECK(year_end.open_bad_ratings.front().state == DeadlineState::Overdue);
    // Items still open on the period's last day carry their deadline colours.
    const CounterLog late = g.store.log().counter_log({{2026, 11, 2}, {2026, 12, 31}, ""});
    REQUIRE_FALSE(late.pending.empty());
    CHECK(late.pending.front().state == DeadlineState::Overdue);
    for (std::size_t i = 1; i < late.pending.size(); ++i)
        CHECK_FALSE(late.pending[i].promised_date < late.pending[i - 1].promised_date);
}

TEST_CASE("The counter log's CSV opens in a spreadsheet: BOM, headers, quoting, masking",
          "[report][store]") {
    Generated g;
    const LogPeriod day{{2026, 11, 9}, {2026, 11, 13}, ""};  // a working week
    const std::string csv = g.store.log().csv(day);
    REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
    const std::string header = csv.substr(3, csv.find("\r\n") - 3);
    CHECK(header ==
          "Time,Counter,Clerk,Outcome,Number,Applicant,ID number,Items,Departments,"
          "Immediate,Tolerated gap,Promised by,Status or reason");
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = csv.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
    const CounterLog log = g.store.log().counter_log(day);
    // The header, a line per event, the footer with the audit chain's head.
    CHECK(lines == 2 + static_cast<std::size_t>(log.items + log.notices + log.refusals +
                                                log.handed_out + log.ratings()));
    CHECK(csv.find("\r\nAudit chain head " + log.audit_head() + "\r\n") != std::string::npos);
    REQUIRE(log.handed_out > 0);
    REQUIRE(log.bad_ratings() > 0);
    CHECK(csv.find(",Handed out,") != std::string::npos);
    CHECK(csv.find("collected by 赵敏 (居民身份证)") != std::string::npos);
    CHECK(csv.find(",Rated,") != std::string::npos);
    CHECK(csv.find("dissatisfied：等候时间太长") != std::string::npos);  // level and comment
    CHECK(csv.find("13043419960315024X") == std::string::npos);          // masked
    CHECK(csv.find("130434********024X") != std::string::npos);
    // The refusal's reason holds a comma: quoted.
    CHECK(csv.find("\"不属于本窗口受理范围, 已告知到县民政局办理\"") != std::string::npos);
    CHECK(csv.find("一孩生育服务登记") != std::string::npos);  // a notice's items, by name
}

TEST_CASE("Each period is compared with the one before: working day, month or same length",
          "[report][store]") {
    const auto calendar =
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar");
    auto before = [&](Date from, Date to) {
        const LogPeriod p = previous_period({from, to, "WX01"}, calendar);
        CHECK(p.counter == "WX01");
        return std::pair{p.from, p.to};
    };
    // A day: the working day before, over the 国庆 holiday and onto a make-up Saturday.
    CHECK(before({2026, 10, 8}, {2026, 10, 8}) == std::pair{Date{2026, 9, 30}, Date{2026, 9, 30}});
    CHECK(before({2026, 10, 12}, {2026, 10, 12}) ==
          std::pair{Date{2026, 10, 10}, Date{2026, 10, 10}});
    CHECK(before({2026, 11, 23}, {2026, 11, 23}) ==
          std::pair{Date{2026, 11, 20}, Date{2026, 11, 20}});
    // A calendar month: the month before, whatever its length.
    CHECK(before({2026, 3, 1}, {2026, 3, 31}) == std::pair{Date{2026, 2, 1}, Date{2026, 2, 28}});
    CHECK(before({2026, 11, 1}, {2026, 11, 30}) ==
          std::pair{Date{2026, 10, 1}, Date{2026, 10, 31}});
    // Any other range: as many days just before.
    CHECK(before({2026, 11, 9}, {2026, 11, 15}) == std::pair{Date{2026, 11, 2}, Date{2026, 11, 8}});
    CHECK(before({2026, 11, 3}, {2026, 11, 5}) == std::pair{Date{2026, 10, 31}, Date{2026, 11, 2}});

    Generated g;
    const LogPeriod week{{2026, 11, 16}, {2026, 11, 22}, ""};
    const CounterLog now = g.store.log().counter_log(week);
    const CounterLog last = g.store.log().counter_log(previous_period(week, g.store.calendar()));
    const auto changes = compare_logs(now, last);
    auto find = [&](const std::string& name) {
        for (const auto& c : changes)
            if (c.name == name) return c;
        FAIL("no figure " << name);
        return LogChange{};
    };
    const LogChange cases = find("Cases accepted");
    CHECK(cases.now == std::to_string(now.cases));
    CHECK(cases.before == std::to_string(last.cases));
    const long long d = now.cases - last.cases;
    CHECK(cases.change == (d == 0 ? "no change" : (d > 0 ? "+" : "") + std::to_string(d)));
    CHECK(find("Results handed out").now == std::to_string(now.handed_out));
    const LogChange rate = find("Immediate rate");
    CHECK(rate.now == std::to_string(std::lround(now.immediate_rate() * 100)) + "%");
    CHECK(rate.change.find("percentage points") != std::string::npos);
    // A period without ratings shows "-" rather than a made-up average.
    const CounterLog empty = g.store.log().counter_log({{2026, 1, 5}, {2026, 1, 5}, ""});
    const auto none = compare_logs(empty, empty);
    for (const auto& c : none)
        if (c.name == "Average rating") CHECK(c.now == "-");
}

TEST_CASE("The printed counter log: its figures, bar charts to scale, comparison and warnings",
          "[report][pdf][store]") {
    load_default_catalog(fs::path(ONEWINDOW_STAGE_DIR) / "share/locale");
    struct Reset {
        ~Reset() { clear_catalog(); }
    } reset;
    Generated g;
    const LogPeriod week{{2026, 11, 16}, {2026, 11, 22}, "WX01"};
    const CounterLog log = g.store.log().counter_log(week);
    const CounterLog before = g.store.log().counter_log(previous_period(week, g.store.calendar()));
    REQUIRE(log.by_department.size() == 3);
    REQUIRE_FALSE(log.open_bad_ratings.empty());
    const auto tpl = testing::checked_template(fs::path(ONEWINDOW_SOURCE_DIR) /
                                               "templates/common/counter_log.json");
    const fs::path pdf = g.dir.path / "log.pdf";
    DocumentRenderer().render_to_file(
        tpl, counter_log_data(log, before, "魏县政务服务中心综合受理窗口", "2026-11-23 08:30:00"),
        pdf);
    testing::keep_preview(pdf, "counter-log");

    std::string text;
    for (int page = 1; page <= testing::page_count(pdf); ++page)
        text += testing::without_spaces(testing::page_text(pdf, page));
    for (const std::string& expected :
         {std::string("综合受理窗口工作报表"), std::string("2026年11月16日至2026年11月22日"),
          "受理件数：" + std::to_string(log.cases) + "件",
          "受理事项：" + std::to_string(log.items) + "项",
          "窗口出件：" + std::to_string(log.handed_out) + "项",
          "评价次数：" + std::to_string(log.ratings()) + "次",
          std::string("上期：2026年11月9日至2026年11月15日"),
          "受理件数" + std::to_string(log.cases) + std::to_string(before.cases),
          log.open_bad_ratings.front().case_number, std::string("打印时间：2026年11月23日08:30")}) {
        INFO(expected);
        CHECK(text.find(testing::without_spaces(expected)) != std::string::npos);
    }
    for (const auto& d : log.by_department) CHECK(text.find(d.name) != std::string::npos);
    for (const auto& c : log.by_clerk) CHECK(text.find(c.name) != std::string::npos);
    // The departments' chart comes first: each bar as long as its count against the largest.
    const auto bars = testing::bar_lengths_mm(pdf, 1);
    REQUIRE(bars.size() >= log.by_department.size() + 2);
    for (std::size_t i = 0; i < log.by_department.size(); ++i) {
        INFO(log.by_department[i].name << " " << log.by_department[i].count);
        const double expected =
            bars[0] * double(log.by_department[i].count) / double(log.by_department[0].count);
        CHECK(std::fabs(bars[i] - expected) < 0.5);
    }
    // Then the hours: as many bars as hours with intake, the busiest one the longest.
    // (Its labels are narrower, so its bars have more room: compare within the chart.)
    const auto hours = hour_counts(log);
    const std::size_t first = log.by_department.size();
    REQUIRE(bars.size() >= first + hours.size());
    std::size_t busiest = 0;
    for (std::size_t i = 0; i < hours.size(); ++i)
        if (hours[i].count > hours[busiest].count) busiest = i;
    CHECK(bars[first + busiest] > bars[0]);
    for (std::size_t i = 0; i < hours.size(); ++i)
        CHECK(std::fabs(bars[first + i] - bars[first + busiest] * double(hours[i].count) /
                                              double(hours[busiest].count)) < 0.5);
    testing::check_words_within_margins(pdf, 18);

    // A bar chart refuses what is not a count, naming the element.
    auto data = counter_log_data(log, before, "中心", "2026-11-23 08:30:00");
    data->getArray("by_department")->getObject(0)->set("count", "很多");
    try {
        DocumentRenderer().render(tpl, data);
        FAIL("a bar of \"很多\" was drawn");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("counter_log.json") != std::string::npos);
        CHECK(std::string(e.what()).find("is not a number") != std::string::npos);
    }
}

TEST_CASE("The deadline board's colours over weekends, holidays and make-up working days",
          "[report][calendar][store]") {
    testing::TempDir dir{"onewindow-board"};
    testing::TestStore db{dir.path};
    CaseStore store = db.open(
        dir.path / "materials",
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));
    // Each item promised in `days` working days from its acceptance.
    auto accept = [&](const std::string& at, int days) {
        AcceptRequest r = testing::sample_accept_request(at);
        r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
        r.items[0].promised_days = days;
        return store.cases().accept(r).case_number;
    };
    const std::string thursday = accept("2026-11-19 09:00:00", 2);  // due Monday 23 Nov
    const std::string holiday = accept("2026-09-29 09:00:00", 2);   // due 8 Oct, after 国庆
    const std::string make_up = accept("2026-10-09 09:00:00", 1);   // due Saturday 10 Oct (调休)
    auto state_on = [&](const std::string& number, Date day) {
        const CounterLog log = store.log().counter_log({day, day, ""});
        for (const auto& item : log.pending)
            if (item.case_number == number) return std::pair{item.promised_date, item.state};
        FAIL("case " << number << " is not on the board of " << day.iso());
        return std::pair{Date{}, DeadlineState::Closed};
    };
    using S = DeadlineState;
    // Over a weekend: Friday and Saturday are one working day before Monday; Tuesday is late.
    CHECK(state_on(thursday, {2026, 11, 19}) == std::pair{Date{2026, 11, 23}, S::OnTime});
    CHECK(state_on(thursday, {2026, 11, 20}).second == S::DueSoon);
    CHECK(state_on(thursday, {2026, 11, 21}).second == S::DueSoon);
    CHECK(state_on(thursday, {2026, 11, 23}).second == S::DueSoon);
    CHECK(state_on(thursday, {2026, 11, 24}).second == S::Overdue);
    // Over the National Day holiday: due 8 October, yellow already on 30 September.
    CHECK(state_on(holiday, {2026, 9, 29}) == std::pair{Date{2026, 10, 8}, S::OnTime});
    CHECK(state_on(holiday, {2026, 9, 30}).second == S::DueSoon);
    CHECK(state_on(holiday, {2026, 10, 5}).second == S::DueSoon);
    CHECK(state_on(holiday, {2026, 10, 9}).second == S::Overdue);
    // A make-up working Saturday counts: due on it, red on the Sunday after.
    CHECK(state_on(make_up, {2026, 10, 9}) == std::pair{Date{2026, 10, 10}, S::DueSoon});
    CHECK(state_on(make_up, {2026, 10, 10}).second == S::DueSoon);
    CHECK(state_on(make_up, {2026, 10, 11}).second == S::Overdue);
}

TEST_CASE("The program's own actors are named in words on every screen", "[report][i18n]") {
    load_default_catalog(fs::path(ONEWINDOW_STAGE_DIR) / "share/locale");
    struct Reset {
        ~Reset() { clear_catalog(); }
    } reset;
    CHECK(actor_label("dispatcher") == "后台交换服务");
    CHECK(actor_label("applicant") == "申请人");
    CHECK(actor_label("onewindow-cli") == "命令行");
    CHECK(actor_label("张敏") == "张敏");
    CHECK(event_label("case.rated") == "申请人评价");
    // An event's details in words: known keys named, outcomes and ratings translated, lists
    // joined, unknown keys kept.
    CHECK(detail_text(R"({"item":"000718001001","outcome":"approved","decided_by":"赵静"})") ==
          "事项：000718001001；结果：已批准；决定人：赵静");
    CHECK(detail_text(R"({"level":"2","items":[{"name":"结婚证"},{"name":"户口簿"}],"x":1})") ==
          "评价：不满意；事项：结婚证、户口簿；x：1");
    CHECK(detail_text("not json") == "not json");
}
