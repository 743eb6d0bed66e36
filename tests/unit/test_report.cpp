// The daily counter log and period reports: generated weeks of cases at two counters (clerks,
// departments, hours, immediate items, tolerated gaps, notices, refusals, decisions), every
// figure compared with an independent count in plain SQL; the CSV's columns and masking.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "onewindow/core/report.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

struct Generated {
    testing::TempDir dir{"onewindow-report"};
    CaseStore store = CaseStore::open(
        dir.path / "counter.db", dir.path / "materials",
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));

    /// Three weeks of November 2026 at WX01 and WX02.
    Generated() {
        std::mt19937 random(20261123);
        const char* clerks[] = {"张敏", "王芳", "刘洋"};
        const char* departments[][2] = {{"county_health", "魏县卫生健康局"},
                                        {"civil_affairs", "魏县民政局"},
                                        {"social_security", "魏县人力资源和社会保障局"}};
        const Date first{2026, 11, 2};
        for (int day = 0; day < 21; ++day) {
            const Date date = first.plus_days(day);
            for (int n = 0; n < 6 + day % 5; ++n) {
                const int hour = 8 + static_cast<int>(random() % 10);
                char now[32];
                std::snprintf(now, sizeof now, "%s %02d:%02d:00", date.iso().c_str(), hour,
                              static_cast<int>(random() % 60));
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
                const std::string number = store.accept(r).case_number;
                if (random() % 3 == 0) decide(number, r.items[0].code, date, random() % 4);
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
            store.record_notice(notice);
            if (day % 2 == 0)
                store.record_refusal(
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
        store.record_decisions("http://office", {d}, cursor, d.decided_at);
    }

    long long sql(const std::string& query, const LogPeriod& p) const {
        SQLite::Database db((dir.path / "counter.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, query);
        q.bind(1, p.from.iso());
        q.bind(2, p.to.plus_days(1).iso());
        q.bind(3, p.counter);
        q.executeStep();
        return q.getColumn(0).getInt64();
    }
};

}  // namespace

TEST_CASE("The counter log counts what the store holds, for a day or a period", "[report]") {
    Generated g;
    const std::string in = " accepted_at >= ?1 AND accepted_at < ?2 AND (?3 = '' OR counter = ?3)";
    for (const LogPeriod& p : {LogPeriod{{2026, 11, 10}, {2026, 11, 10}, "WX01"},
                               LogPeriod{{2026, 11, 2}, {2026, 11, 22}, ""},
                               LogPeriod{{2026, 11, 9}, {2026, 11, 15}, "WX02"}}) {
        INFO(p.from.iso() << " to " << p.to.iso() << " " << p.counter);
        const CounterLog log = g.store.counter_log(p);
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
    }
    // The whole period: decisions late and on time both occur; hours are positive.
    const CounterLog all = g.store.counter_log({{2026, 11, 2}, {2026, 11, 30}, ""});
    CHECK(all.decided > all.decided_on_time);
    CHECK(all.decided_on_time > 0);
    CHECK(all.decision_hours_max > all.decision_hours_avg);
    CHECK(all.decision_hours_avg > 0);
    // Items still open on the period's last day carry their deadline colours.
    const CounterLog late = g.store.counter_log({{2026, 11, 2}, {2026, 12, 31}, ""});
    REQUIRE_FALSE(late.pending.empty());
    CHECK(late.pending.front().state == DeadlineState::Overdue);
    for (std::size_t i = 1; i < late.pending.size(); ++i)
        CHECK_FALSE(late.pending[i].promised_date < late.pending[i - 1].promised_date);
}

TEST_CASE("The counter log's CSV opens in a spreadsheet: BOM, headers, quoting, masking",
          "[report]") {
    Generated g;
    const LogPeriod day{{2026, 11, 10}, {2026, 11, 10}, ""};
    const std::string csv = g.store.counter_log_csv(day);
    REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
    const std::string header = csv.substr(3, csv.find("\r\n") - 3);
    CHECK(header ==
          "Time,Counter,Clerk,Outcome,Number,Applicant,ID number,Items,Departments,"
          "Immediate,Tolerated gap,Promised by,Status or reason");
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = csv.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
    const CounterLog log = g.store.counter_log(day);
    CHECK(lines == 1 + static_cast<std::size_t>(log.items + log.notices + log.refusals));
    CHECK(csv.find("13043419960315024X") == std::string::npos);  // masked
    CHECK(csv.find("130434********024X") != std::string::npos);
    // The refusal's reason holds a comma: quoted.
    CHECK(csv.find("\"不属于本窗口受理范围, 已告知到县民政局办理\"") != std::string::npos);
    CHECK(csv.find("一孩生育服务登记") != std::string::npos);  // a notice's items, by name
}
