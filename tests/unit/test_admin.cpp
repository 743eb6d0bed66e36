// The administrator's work (admin.hpp) on a real store, a real exchange.json and calendar edits
// file, with the real back office: endpoints the dispatcher then uses, roles refused and
// audited, bad input named, holiday edits that move promised dates; and `onewindow-cli admin`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <regex>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "real_backoffice.hpp"
#include "sample_case.hpp"
#include "shell_run.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path shipped = fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar";
const fs::path stage = ONEWINDOW_STAGE_DIR;

/// The administrator reads these messages: check them in Chinese.
struct Chinese {
    Chinese() { load_default_catalog(stage / "share/locale"); }
    ~Chinese() { clear_catalog(); }
};

std::string file_text(const fs::path& file) {
    if (!fs::exists(file)) return "<none>";
    return read_text_file(file);
}

/// A counter's data folder with its store, an administrator, a supervisor and a clerk.
struct AdminCounter {
    Chinese chinese;
    testing::TempDir dir{"onewindow-admin"};
    CaseStore store = open();
    UserAccount admin = add("admin", Role::Administrator),
                supervisor = add("lead", Role::Supervisor), clerk = add("zhangmin", Role::Clerk);

    CaseStore open() const {
        testing::test_store(dir.path).configure(dir.path);
        return testing::test_store(dir.path).open(dir.path / "materials",
                                                  WorkingCalendar::load(shipped, dir.path));
    }
    UserAccount add(const std::string& name, Role role) {
        return testing::sample_account(store, name, name, role);
    }
    Administration as(const UserAccount& who) {
        return Administration(store, dir.path, shipped, who);
    }
    fs::path exchange() const { return dir.path / "exchange.json"; }
    long long events(const std::string& type) {
        long long n = 0;
        for (const auto& e : store.audit().events()) n += e.type == type;
        return n;
    }
    std::string accept_health(const std::string& now) {
        AcceptRequest r = testing::sample_accept_request(now);
        r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
        return store.cases().accept(r).case_number;
    }
};

/// The real back office on 127.0.0.1 (serving county_health for WX01 with kSecret), started.
struct StartedOffice {
    testing::TempDir dir{"onewindow-admin-office"};
    testing::RealOffice office{dir.path};
    StartedOffice() { office.start(); }
};

}  // namespace

TEST_CASE("An administrator sets and removes an endpoint, and the dispatcher then uses it",
          "[admin][store]") {
    AdminCounter counter;
    StartedOffice started;
    testing::RealOffice& office = started.office;
    // Keys the administrator's edits must keep.
    std::ofstream(counter.exchange()) << R"({"client": "WX01", "timeout_seconds": 7,
        "endpoints": {"county_civil_affairs": {"url": "http://10.9.9.9:8480", "secret": "x"}}})";
    std::ofstream(counter.dir.path / "secret.txt") << testing::kSecret << "\n";

    auto admin = counter.as(counter.admin);
    admin.set_endpoint("county_health", office.url(), testing::kSecret, "");
    auto config = ExchangeConfig::load(counter.exchange());
    CHECK(config.timeout_seconds == 7);
    CHECK(config.endpoints.count("county_civil_affairs") == 1);
    CHECK(config.endpoints.at("county_health").url == office.url());
    struct stat info {};
    REQUIRE(stat(counter.exchange().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);  // it holds the secrets
    const auto overview = admin.exchange();
    CHECK(overview.endpoints.size() == 2);
    CHECK(overview.endpoints.at(1).name == "county_health");
    CHECK(overview.endpoints.at(1).secret_set);
    REQUIRE(counter.events("endpoint.set") == 1);
    for (const auto& e : counter.store.audit().events())
        CHECK(e.detail_json.find(testing::kSecret) == std::string::npos);

    const std::string first = counter.accept_health("2026-11-23 09:00:00");
    auto report = dispatch_once(counter.store, config, {}, "2026-11-23 09:00:01");
    CHECK(report.sent == 1);

    admin.remove_endpoint("county_health");
    CHECK(counter.events("endpoint.removed") == 1);
    config = ExchangeConfig::load(counter.exchange());
    CHECK(config.endpoints.count("county_health") == 0);
    CHECK(config.timeout_seconds == 7);
    counter.accept_health("2026-11-23 10:00:00");
    report = dispatch_once(counter.store, config, {}, "2026-11-23 10:00:01");
    CHECK(report.sent == 0);
    REQUIRE(report.retry == 1);
    CHECK_THAT(report.results.at(0).message, Catch::Contains("not configured"));

    // Agent mode on through the administrator: the next case is forwarded to the centre.
    admin.set_endpoint("centre", office.url(), testing::kSecret, "");
    admin.set_upper_centre("centre");
    config = ExchangeConfig::load(counter.exchange());
    CHECK(config.upper_centre == "centre");
    report = dispatch_once(counter.store, config, {}, "2026-11-23 11:00:00");
    CHECK(report.sent == 1);
    CHECK(report.results.at(0).endpoint == "centre");
    admin.set_upper_centre(std::nullopt);
    CHECK_FALSE(ExchangeConfig::load(counter.exchange()).agent_mode());
    CHECK(counter.events("exchange.agent_set") == 2);
    CHECK(WEXITSTATUS(office.stop()) == 0);
    SQLite::Database db(office.db.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM cases").getInt64() == 2);
    CHECK(db.execAndGet("SELECT count(*) FROM cases WHERE case_number = '" + first + "'")
              .getInt64() == 1);
}

TEST_CASE("Clerks and supervisors are refused administration, audited, and nothing changes",
          "[admin][store]") {
    AdminCounter counter;
    std::ofstream(counter.exchange()) << R"({"client": "WX01", "endpoints": {"county_health":
        {"url": "http://10.9.9.9:8480", "secret": "x"}}})";
    const std::string exchange_before = file_text(counter.exchange());
    const auto edits = WorkingCalendar::edits_file(counter.dir.path);
    for (const UserAccount* who : {&counter.clerk, &counter.supervisor}) {
        INFO(who->name);
        auto admin = counter.as(*who);
        const std::vector<std::pair<const char*, std::function<void()>>> attempts = {
            {"endpoints list", [&] { admin.exchange(); }},
            {"endpoint set",
             [&] { admin.set_endpoint("county_health", "http://10.0.0.1", "s", ""); }},
            {"endpoint remove", [&] { admin.remove_endpoint("county_health"); }},
            {"agent", [&] { admin.set_upper_centre("county_health"); }},
            {"client", [&] { admin.set_client("WX02"); }},
            {"users list", [&] { admin.users(); }},
            {"user add",
             [&] { admin.add_user("lisi", "administrator", "WX01", "李四", "window-2026"); }},
            {"user role", [&] { admin.set_user_role(who->name, "administrator"); }},
            {"user disable", [&] { admin.set_user_active("admin", false); }},
            {"password", [&] { admin.reset_password("admin", "taken-over-2026"); }},
            {"holiday", [&] { admin.add_holiday("2026-11-24", "县庆"); }},
            {"workday", [&] { admin.add_workday("2026-11-28", "调休"); }},
            {"holiday remove", [&] { admin.remove_day("2026-10-01"); }},
            {"endpoint test", [&] { admin.test_endpoint("county_health"); }},
            {"plugins list",
             [&] {
                 Issues issues;
                 admin.plugins({stage / "plugins"}, issues);
             }},
            {"plugins trust", [&] { admin.trust_plugins({stage / "plugins/justice"}); }},
            {"plugins untrust", [&] { admin.untrust_plugins({"justice"}); }},
        };
        for (const auto& [what, attempt] : attempts) {
            INFO(what);
            const long long denied = counter.events("access.denied");
            try {
                attempt();
                FAIL("not refused");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::Denied);
                CHECK_THAT(e.what(), Catch::Contains("无权"));
            }
            CHECK(counter.events("access.denied") == denied + 1);
        }
    }
    // The message is in Chinese; the audit names the action and its target.
    try {
        counter.as(counter.clerk).set_endpoint("county_health", "http://10.0.0.1", "s", "");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) ==
              "您的角色（窗口工作人员）无权进行此操作：设置后台接口 county_health");
    }
    CHECK(counter.store.audit().events().back().subject ==
          "set back office endpoint county_health");
    CHECK(counter.store.audit().events().back().actor == "zhangmin");
    CHECK(file_text(counter.exchange()) == exchange_before);
    CHECK_FALSE(fs::exists(edits));
    CHECK(counter.store.accounts().users().size() == 3);
    CHECK(counter.store.accounts().find("admin")->active);
    CHECK(counter.store.accounts().find("zhangmin")->role == Role::Clerk);
    CHECK(counter.store.accounts().login("admin", "window-2026").status == LoginResult::Status::Ok);
    CHECK(counter.store.audit().verify().ok);
}

TEST_CASE("Bad administrator input is refused naming the field, and nothing changes",
          "[admin][store]") {
    AdminCounter counter;
    std::ofstream(counter.exchange()) << R"({"client": "WX01", "endpoints": {"county_health":
        {"url": "http://10.9.9.9:8480", "secret": "x"}, "centre":
        {"url": "http://10.9.9.8:8480", "secret": "y"}}, "agent": {"upper_centre": "centre"}})";
    const std::string exchange_before = file_text(counter.exchange());
    auto admin = counter.as(counter.admin);
    const long long audit_before = static_cast<long long>(counter.store.audit().events().size());
    const std::vector<std::tuple<const char*, std::function<void()>, const char*, ErrorKind>>
        cases = {
            {"bad URL", [&] { admin.set_endpoint("county_health", "ftp://x", "s", ""); },
             "地址（URL）：“ftp://x”", ErrorKind::Input},
            {"no host", [&] { admin.set_endpoint("county_health", "http://", "s", ""); },
             "地址（URL）", ErrorKind::Input},
            {"bad name", [&] { admin.set_endpoint("县 卫健", "http://10.0.0.1", "s", ""); },
             "接口名称", ErrorKind::Input},
            {"empty secret",
             [&] { admin.set_endpoint("county_health", "http://10.0.0.1", "", ""); }, "密钥",
             ErrorKind::Input},
            {"missing CA file",
             [&] { admin.set_endpoint("county_health", "https://10.0.0.1", "s", "ca.pem"); },
             "CA 证书文件", ErrorKind::Input},
            {"missing endpoint for agent", [&] { admin.set_upper_centre("county_centre"); },
             "上级中心：没有名为“county_centre”", ErrorKind::Input},
            {"removing the upper centre", [&] { admin.remove_endpoint("centre"); }, "上级中心",
             ErrorKind::Input},
            {"removing an unknown endpoint", [&] { admin.remove_endpoint("water"); }, "water",
             ErrorKind::NotFound},
            {"unknown role",
             [&] { admin.add_user("lisi", "manager", "WX01", "李四", "window-2026"); },
             "角色：“manager”", ErrorKind::Input},
            {"unknown role change", [&] { admin.set_user_role("zhangmin", "boss"); }, "角色",
             ErrorKind::Input},
            {"no counter", [&] { admin.add_user("lisi", "clerk", "", "李四", "window-2026"); },
             "窗口", ErrorKind::Input},
            {"short password", [&] { admin.add_user("lisi", "clerk", "WX01", "李四", "short"); },
             "8", ErrorKind::Input},
            {"unknown user", [&] { admin.set_user_active("nobody", false); }, "nobody",
             ErrorKind::NotFound},
            {"bad date", [&] { admin.add_holiday("2026-02-30", "县庆"); }, "日期：“2026-02-30”",
             ErrorKind::Input},
            {"holiday without name", [&] { admin.add_holiday("2026-11-24", ""); }, "名称",
             ErrorKind::Input},
            {"make-up day on a weekday", [&] { admin.add_workday("2026-11-24", "调休"); },
             "不是星期六或星期日", ErrorKind::Input},
            {"removing an ordinary day", [&] { admin.remove_day("2026-11-24"); }, "既不是节假日",
             ErrorKind::NotFound},
            {"disabling oneself", [&] { admin.set_user_active("admin", false); }, "自己",
             ErrorKind::Input},
        };
    for (const auto& [what, attempt, words, kind] : cases) {
        INFO(what);
        try {
            attempt();
            FAIL("not refused");
        } catch (const Error& e) {
            CHECK(e.kind() == kind);
            CHECK_THAT(e.what(), Catch::Contains(words));
        }
    }
    CHECK(file_text(counter.exchange()) == exchange_before);
    CHECK_FALSE(fs::exists(WorkingCalendar::edits_file(counter.dir.path)));
    CHECK(counter.store.accounts().users().size() == 3);
    CHECK(static_cast<long long>(counter.store.audit().events().size()) == audit_before);
}

TEST_CASE("Holiday edits live in the data folder and move promised dates computed afterwards",
          "[admin][calendar][store]") {
    AdminCounter counter;
    // Monday 23 November + 3 working days: Thursday 26 November.
    CHECK(counter.store.calendar().add_working_days({2026, 11, 23}, 3) == Date{2026, 11, 26});
    auto admin = counter.as(counter.admin);
    admin.add_holiday("2026-11-24", "县庆");
    // The store open before the edit keeps its calendar; a store opened afterwards counts it.
    CaseStore store = counter.open();
    AcceptRequest r = testing::sample_accept_request("2026-11-23 09:00:00");
    r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
    CHECK(store.cases().accept(r).items.at(0).promised_date == Date{2026, 11, 27});

    // A make-up Saturday counts: Wednesday 25 November + 3 is that Saturday, not Monday 30.
    admin.add_workday("2026-11-28", "调休");
    CHECK(admin.calendar().add_working_days({2026, 11, 25}, 3) == Date{2026, 11, 28});
    // Removing the holiday undoes the edit.
    admin.remove_day("2026-11-24");
    CHECK(admin.calendar().add_working_days({2026, 11, 23}, 3) == Date{2026, 11, 26});

    // A shipped holiday removed: 7 October (国庆) counts as a Wednesday, 30 September's
    // forwarding deadline comes before the holiday's end.
    CHECK(admin.calendar().forwarding_deadline({2026, 9, 30}, false) == Date{2026, 10, 9});
    admin.remove_day("2026-10-07");
    CHECK(admin.calendar().forwarding_deadline({2026, 9, 30}, false) == Date{2026, 10, 8});
    CHECK(WorkingCalendar::load_dir(shipped).forwarding_deadline({2026, 9, 30}, false) ==
          Date{2026, 10, 9});  // the shipped file is untouched

    const auto days = admin.special_days(2026);
    auto find = [&](Date d) -> const SpecialDay* {
        for (const auto& day : days)
            if (day.date == d) return &day;
        return nullptr;
    };
    REQUIRE(find({2026, 11, 28}));
    CHECK_FALSE(find({2026, 11, 28})->holiday);
    CHECK(find({2026, 11, 28})->edited);
    CHECK_FALSE(find({2026, 11, 24}));
    CHECK_FALSE(find({2026, 10, 7}));
    REQUIRE(find({2026, 10, 6}));
    CHECK(find({2026, 10, 6})->name == "国庆节");
    CHECK_FALSE(find({2026, 10, 6})->edited);
    CHECK(counter.events("calendar.edited") == 4);

    // A damaged edits file is told with its JSON path.
    std::ofstream(WorkingCalendar::edits_file(counter.dir.path))
        << R"({"format": "onewindow.calendar-edits/1", "days": [{"date": "2026-13-01",
              "kind": "holiday"}]})";
    try {
        counter.open();
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("$.days[0].date"));
    }
}

namespace {

using onewindow::testing::quote;
using onewindow::testing::Run;
using onewindow::testing::run;

}  // namespace

TEST_CASE("onewindow-cli admin signs in through the core and keeps secrets to itself",
          "[admin][e2e][store]") {
    AdminCounter counter;
    const fs::path data = counter.dir.path;
    const std::string cli = quote(stage / "bin/onewindow-cli") + " --data " + quote(data) + " ";
    auto as = [&](const std::string& user, const std::string& password) {
        return "ONEWINDOW_PASSWORD=" + password + " " + cli + "admin --user " + user + " ";
    };
    const std::string admin = as("admin", "window-2026");
    std::ofstream(data / "secret.txt") << "very-secret-shared-key\n";

    auto set = run(admin + "endpoints set county_health --url http://10.0.0.5:8480 --secret-file " +
                   quote(data / "secret.txt"));
    INFO(set.out);
    CHECK(set.code == 0);
    auto list = run(admin + "endpoints list");
    INFO(list.out);
    CHECK(list.code == 0);
    CHECK_THAT(list.out, Catch::Contains("county_health\thttp://10.0.0.5:8480\t-\t已设置密钥"));
    CHECK(list.out.find("very-secret") == std::string::npos);
    CHECK(ExchangeConfig::load(data / "exchange.json").endpoints.at("county_health").secret ==
          "very-secret-shared-key");

    // The password from stdin; a clerk is refused with exit code 8; a wrong password counts.
    auto from_stdin = run("printf 'window-2026\\n' | " + cli + "admin --user admin client WX07");
    INFO(from_stdin.out);
    CHECK(from_stdin.code == 0);
    CHECK(ExchangeConfig::load(data / "exchange.json").client == "WX07");
    auto clerk = run(as("zhangmin", "window-2026") + "agent --upper-centre county_health");
    INFO(clerk.out);
    CHECK(clerk.code == 8);
    CHECK_THAT(clerk.out, Catch::Contains("您的角色（窗口工作人员）无权进行此操作：设置代办模式"));
    CHECK_FALSE(ExchangeConfig::load(data / "exchange.json").agent_mode());
    auto wrong = run(as("admin", "not-the-password") + "endpoints list");
    CHECK(wrong.code == 8);
    CHECK_THAT(wrong.out, Catch::Contains("用户名或密码错误"));
    CHECK(counter.store.accounts().find("admin")->failed_attempts == 1);

    auto agent = run(admin + "agent --upper-centre county_centre");
    CHECK(agent.code == 2);
    CHECK_THAT(agent.out, Catch::Contains("上级中心"));
    CHECK(run(admin + "agent --upper-centre county_health").code == 0);
    CHECK(ExchangeConfig::load(data / "exchange.json").upper_centre == "county_health");

    // Users: added with the password from a file, role changed, disabled (cannot sign in).
    std::ofstream(data / "new-password.txt") << "li-si-2026-pw\n";
    auto added = run(admin +
                     "users add lisi --role clerk --counter WX01 --display-name 李四 "
                     "--password-file " +
                     quote(data / "new-password.txt"));
    INFO(added.out);
    CHECK(added.code == 0);
    CHECK(run(admin +
              "users add wangwu --role boss --counter WX01 --display-name 王五 "
              "--password-file " +
              quote(data / "new-password.txt"))
              .code == 2);
    CHECK(run(admin + "users role lisi supervisor").code == 0);
    CHECK(run(admin + "users disable lisi").code == 0);
    auto users = run(admin + "users list");
    INFO(users.out);
    CHECK_THAT(users.out, Catch::Contains("lisi\t李四\t管理人员\tWX01\t停用"));
    CHECK(run(as("lisi", "li-si-2026-pw") + "users list").code == 8);

    // Holidays: the edit moves the promised date of a case taken in afterwards.
    CHECK(run(admin + "holidays add 2026-11-24 --name 县庆").code == 0);
    auto bad_date = run(admin + "holidays add 2026-11-31 --name 县庆");
    CHECK(bad_date.code == 2);
    CHECK_THAT(bad_date.out, Catch::Contains("日期：“2026-11-31”"));
    auto holidays = run(admin + "holidays list 2026");
    INFO(holidays.out);
    CHECK_THAT(holidays.out, Catch::Contains("2026-11-24\t节假日\t县庆\t管理员设置"));
    CHECK_THAT(holidays.out, Catch::Contains("2026-10-10\t调休上班日\t国庆节调休\t随程序发布"));
    CHECK(counter.open().calendar().add_working_days({2026, 11, 23}, 3) == Date{2026, 11, 27});
}

TEST_CASE(
    "A new counter is set up by its operator until the first administrator exists, then "
    "only administrators trust plugins",
    "[admin][e2e]") {
    Chinese chinese;
    testing::TempDir dir{"onewindow-first-admin"};
    const fs::path data = dir.path / "data";
    const std::string cli = quote(stage / "bin/onewindow-cli") + " --data " + quote(data) + " ";
    const fs::path plugin = stage / "plugins/family_planning";
    // Set-up: the operator trusts the plugins and creates the first administrator.
    auto trusted = run(cli + "plugins trust " + quote(plugin));
    INFO(trusted.out);
    REQUIRE(trusted.code == 0);
    fs::create_directories(data);
    std::ofstream(dir.path / "pw.txt") << "first-admin-2026\n";
    auto created = run(cli + "admin init wangju --display-name 王局 --password-file " +
                       quote(dir.path / "pw.txt"));
    INFO(created.out);
    REQUIRE(created.code == 0);
    CHECK_THAT(created.out, Catch::Contains("已建立系统管理员 wangju"));
    // From now on: a second "first" administrator and an operator's trust are refused, audited,
    // and change nothing.
    const std::string list_before = read_text_file(data / "trusted-plugins.json");
    auto second = run(cli + "admin init other --display-name 其他 --password-file " +
                      quote(dir.path / "pw.txt"));
    CHECK(second.code == 8);
    auto operator_trust = run(cli + "plugins trust " + quote(stage / "plugins/justice"));
    INFO(operator_trust.out);
    CHECK(operator_trust.code == 8);
    CHECK_THAT(operator_trust.out,
               Catch::Contains("已有系统管理员账号：信任插件须由系统管理员执行"));
    CHECK(read_text_file(data / "trusted-plugins.json") == list_before);
    // The administrator does it, signed in; the audit names the plugin.
    auto by_admin = run("ONEWINDOW_PASSWORD=first-admin-2026 " + cli +
                        "admin --user wangju plugins trust " + quote(stage / "plugins/justice"));
    INFO(by_admin.out);
    CHECK(by_admin.code == 0);
    CHECK(read_text_file(data / "trusted-plugins.json") != list_before);
    CaseStore store = CaseStore::open(data / "counter.db", data / "materials",
                                      WorkingCalendar::load(shipped, data));
    int denied = 0, trusted_events = 0;
    for (const auto& e : store.audit().events()) {
        denied += e.type == "access.denied" && e.actor == "onewindow-cli";
        trusted_events += e.type == "plugin.trusted" && e.actor == "wangju";
    }
    // Reports too: the operator no longer reads them; a supervisor or administrator signs in.
    auto report = run(cli + "report daily");
    CHECK(report.code == 8);
    CHECK_THAT(report.out, Catch::Contains("查阅窗口日志"));
    auto signed_report =
        run("ONEWINDOW_PASSWORD=first-admin-2026 " + cli + "report daily --user wangju");
    INFO(signed_report.out);
    CHECK(signed_report.code == 0);
    for (const auto& e : store.audit().events()) denied += e.type == "access.denied";
    CHECK(denied == 2 + 3);  // the two above, counted again, and the report
    CHECK(store.accounts().users().size() == 1);

    // The administrator reviews the plugins found, and takes one off the list.
    const std::string as_admin =
        "ONEWINDOW_PASSWORD=first-admin-2026 " + cli + "admin --user wangju ";
    auto listed = run(as_admin + "plugins list");
    INFO(listed.out);
    CHECK(listed.code == 0);
    CHECK_THAT(listed.out, Catch::Contains("\t魏县司法局\t"));
    CHECK(std::regex_search(
        listed.out, std::regex("(^|\n)justice\t[^\t]+\t魏县司法局\t[0-9a-f]{64}\t已信任\n")));
    CHECK(std::regex_search(listed.out, std::regex("(^|\n)agriculture\t[^\n]+\t未信任\n")));
    auto untrusted = run(as_admin + "plugins untrust justice");
    INFO(untrusted.out);
    CHECK(untrusted.code == 0);
    CHECK_THAT(untrusted.out, Catch::Contains("justice"));
    CHECK(TrustedList::load(data / "trusted-plugins.json").trusted_digest("justice").empty());
    auto again = run(as_admin + "plugins untrust justice");
    CHECK(again.code == 6);
    int untrusted_events = 0;
    for (const auto& e : store.audit().events())
        untrusted_events += e.type == "plugin.untrusted" && e.actor == "wangju";
    CHECK(untrusted_events == 1);
    CHECK(store.audit().verify().ok);
}

TEST_CASE("An administrator reviews the plugins found, trusts and untrusts them, audited",
          "[admin][store]") {
    AdminCounter counter;
    auto admin = counter.as(counter.admin);
    const fs::path list_file = counter.dir.path / "trusted-plugins.json";
    Issues issues;
    auto found = admin.plugins({stage / "plugins", counter.dir.path / "plugins"}, issues);
    CHECK(issues.empty());
    REQUIRE(found.size() >= 10);
    const auto found_justice = std::find_if(found.begin(), found.end(), [](const PluginTrust& p) {
        return p.plugin.manifest.id == "justice";
    });
    REQUIRE(found_justice != found.end());
    const PluginTrust listed = *found_justice;
    const PluginTrust* justice = &listed;
    CHECK_FALSE(justice->trusted);
    CHECK_FALSE(justice->changed);
    CHECK(justice->plugin.digest.size() == 64);
    CHECK(justice->plugin.manifest.department_name == "魏县司法局");
    CHECK(std::string(tr(trust_label(*justice))) == "未信任");

    admin.trust_plugins({justice->plugin.manifest.dir});
    found = admin.plugins({stage / "plugins"}, issues);
    for (const auto& p : found) {
        INFO(p.plugin.manifest.id);
        CHECK(p.trusted == (p.plugin.manifest.id == "justice"));
    }
    CHECK(TrustedList::load(list_file).trusts("justice", justice->plugin.digest));

    // Another digest on the list: changed since trusted, so not trusted.
    TrustedList other = TrustedList::load(list_file);
    other.add("justice", std::string(64, '0'));
    other.save(list_file);
    found = admin.plugins({stage / "plugins"}, issues);
    for (const auto& p : found)
        if (p.plugin.manifest.id == "justice") {
            CHECK_FALSE(p.trusted);
            CHECK(p.changed);
            CHECK(std::string(tr(trust_label(p))) == "已变更，未信任");
        }
    admin.trust_plugins({justice->plugin.manifest.dir});

    // Untrusting names what is not trusted, and then changes nothing.
    const std::string before = file_text(list_file);
    try {
        admin.untrust_plugins({"justice", "agriculture"});
        FAIL("not refused");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::NotFound);
        CHECK(std::string(e.what()) == "以下插件未被信任，无从取消：agriculture");
    }
    CHECK(file_text(list_file) == before);
    CHECK(counter.events("plugin.untrusted") == 0);
    admin.untrust_plugins({"justice"});
    CHECK(TrustedList::load(list_file).trusted_digest("justice").empty());
    REQUIRE(counter.events("plugin.untrusted") == 1);
    const auto last = counter.store.audit().events().back();
    CHECK(last.actor == "admin");
    CHECK(last.subject == "justice");
    CHECK_THAT(last.detail_json, Catch::Contains(justice->plugin.digest));
    CHECK(event_label("plugin.untrusted") == "取消信任插件");
    CHECK(event_label("plugin.trusted") == "信任插件");
    CHECK(counter.store.audit().verify().ok);
}

TEST_CASE("The connection test of a saved endpoint: its back office answers, or what went wrong",
          "[admin][store]") {
    AdminCounter counter;
    StartedOffice started;
    testing::RealOffice& office = started.office;
    auto admin = counter.as(counter.admin);
    CHECK(admin.test_endpoint(office.url(), testing::kSecret, "") == "");
    admin.set_endpoint("county_health", office.url(), testing::kSecret, "");
    admin.set_endpoint("nobody_listens", "http://127.0.0.1:" + std::to_string(testing::free_port()),
                       testing::kSecret, "");
    CHECK(admin.test_endpoint("county_health") == "");
    CHECK_THAT(admin.test_endpoint("nobody_listens"), Catch::Contains("没有应答"));
    CHECK_THROWS_AS(admin.test_endpoint("nowhere"), Error);
    CHECK(counter.events("endpoint.set") == 2);  // the tests change nothing
}
