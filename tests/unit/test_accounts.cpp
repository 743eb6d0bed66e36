#include <catch2/catch.hpp>

#include <filesystem>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/password_hash.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

WorkingCalendar calendar() {
    return WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar");
}

struct Store {
    testing::TempDir dir;
    testing::TestStore db{dir.path};
    CaseStore store = db.open(dir.path / "materials", calendar());
};

NewUser clerk(const std::string& name = "zhangmin") {
    NewUser u;
    u.name = name;
    u.display_name = "张敏";
    u.counter = "WX01";
    u.password = "window-2026";
    return u;
}

long long events_of_type(CaseStore& store, const std::string& type, bool success) {
    long long n = 0;
    for (const auto& e : store.audit().events()) n += e.type == type && e.success == success;
    return n;
}

}  // namespace

TEST_CASE("Passwords are salted PBKDF2-SHA256, and login checks them and audits",
          "[accounts][store]") {
    Store s;
    s.store.accounts().create_user(clerk(), "admin");
    NewUser twin = clerk("lina");
    s.store.accounts().create_user(twin, "admin");
    {
        auto db = s.db.connect();
        auto q = db->prepare("SELECT salt, hash, iterations FROM users ORDER BY name");
        REQUIRE(q.step());
        const std::string salt1 = q.text(0), hash1 = q.text(1);
        CHECK(q.integer(2) == 600000);
        REQUIRE(q.step());
        // Same password, different salt, different hash; nothing stores the password itself.
        CHECK(salt1 != q.text(0));
        CHECK(hash1 != q.text(1));
        CHECK(hash1.size() == 64);
        CHECK(s.db.scalar("SELECT count(*) FROM users WHERE hash LIKE '%window%'") == 0);
    }
    auto ok = s.store.accounts().login("zhangmin", "window-2026", "2026-11-23 08:30:00");
    REQUIRE(ok.status == LoginResult::Status::Ok);
    CHECK(ok.user->display_name == "张敏");
    CHECK(ok.user->role == Role::Clerk);
    CHECK(s.store.accounts().login("zhangmin", "Window-2026").status ==
          LoginResult::Status::BadCredentials);
    CHECK(s.store.accounts().login("nobody", "window-2026").status ==
          LoginResult::Status::BadCredentials);
    CHECK(events_of_type(s.store, "user.login", true) == 1);
    CHECK(events_of_type(s.store, "user.login", false) == 2);
    CHECK_THROWS_AS(s.store.accounts().create_user(clerk(), "admin"), Error);  // name taken
    NewUser weak = clerk("weak");
    weak.password = "short";
    CHECK_THROWS_AS(s.store.accounts().create_user(weak, "admin"), Error);
    CHECK(s.store.accounts().users().size() == 2);
    CHECK(s.store.audit().verify().ok);
}

TEST_CASE("An account hashed with fewer than 600,000 rounds is rehashed at its next sign-in",
          "[accounts][store][counter-findings]") {
    Store s;
    NewUser few = clerk();
    few.iterations = 310000;  // the rounds of earlier versions: refused for a new account
    CHECK_THROWS_AS(s.store.accounts().create_user(few, "admin"), Error);
    CHECK_FALSE(s.store.accounts().find("zhangmin"));
    s.store.accounts().create_user(clerk(), "admin");
    // An account stored by an earlier version, at 310,000 rounds.
    const std::string old_hash = pbkdf2_sha256_hex("window-2026", "0011", 310000);
    s.db.connect()->exec("UPDATE users SET salt = '0011', hash = '" + old_hash +
                         "', iterations = 310000 WHERE name = 'zhangmin'");
    // A wrong password changes nothing.
    CHECK(s.store.accounts().login("zhangmin", "wrong-password").status ==
          LoginResult::Status::BadCredentials);
    CHECK(s.db.scalar("SELECT iterations FROM users WHERE name = 'zhangmin'") == 310000);
    REQUIRE(s.store.accounts().login("zhangmin", "window-2026").status == LoginResult::Status::Ok);
    CHECK(s.db.scalar("SELECT iterations FROM users WHERE name = 'zhangmin'") == 600000);
    CHECK(s.db.scalar("SELECT count(*) FROM users WHERE hash = '" + old_hash + "'") == 0);
    CHECK(events_of_type(s.store, "user.password_rehashed", true) == 1);
    // The new hash takes the same password, and the next sign-in leaves it as it is.
    REQUIRE(s.store.accounts().login("zhangmin", "window-2026").status == LoginResult::Status::Ok);
    CHECK(events_of_type(s.store, "user.password_rehashed", true) == 1);
    CHECK(s.store.audit().verify().ok);
}

TEST_CASE("Five wrong passwords lock the account for a while", "[accounts][store]") {
    Store s;
    s.store.accounts().create_user(clerk(), "admin");
    for (int i = 1; i <= 4; ++i) {
        auto r = s.store.accounts().login("zhangmin", "wrong-password", "2026-11-23 09:00:00");
        CHECK(r.status == LoginResult::Status::BadCredentials);
        CHECK(r.attempts_left == 5 - i);
    }
    auto locked = s.store.accounts().login("zhangmin", "wrong-password", "2026-11-23 09:00:10");
    CHECK(locked.status == LoginResult::Status::Locked);
    CHECK(locked.locked_until == "2026-11-23 09:15:10");
    // While locked even the right password is refused, and says until when.
    auto still = s.store.accounts().login("zhangmin", "window-2026", "2026-11-23 09:10:00");
    CHECK(still.status == LoginResult::Status::Locked);
    CHECK(still.message.find("09:15:10") != std::string::npos);
    CHECK(events_of_type(s.store, "user.locked", true) == 1);
    // After the lock the count starts again.
    CHECK(s.store.accounts().login("zhangmin", "window-2026", "2026-11-23 09:15:11").status ==
          LoginResult::Status::Ok);
    CHECK(s.store.accounts().find("zhangmin")->failed_attempts == 0);
    // A success in between resets the count.
    s.store.accounts().login("zhangmin", "wrong-password", "2026-11-23 10:00:00");
    s.store.accounts().login("zhangmin", "window-2026", "2026-11-23 10:00:01");
    CHECK(s.store.accounts()
              .login("zhangmin", "wrong-password", "2026-11-23 10:00:02")
              .attempts_left == 4);
}

TEST_CASE("Drafts are saved, updated, listed per clerk and deleted", "[drafts][store]") {
    Store s;
    Draft d;
    d.clerk = "张敏";
    d.counter = "WX01";
    d.title = "李娜 一孩生育服务登记";
    d.items_json = R"(["000718001001"])";
    d.values_json = R"({"applicant.name":"李娜"})";
    d.id = s.store.drafts().save(d);
    CHECK(d.id > 0);
    d.values_json = R"({"applicant.name":"李娜","applicant.phone":"13831045678"})";
    CHECK(s.store.drafts().save(d) == d.id);
    Draft other = d;
    other.id = 0;
    other.clerk = "王强";
    s.store.drafts().save(other);
    auto mine = s.store.drafts().of_clerk("张敏");
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].values_json.find("13831045678") != std::string::npos);
    // A new connection (the shell after a crash) finds the same draft.
    auto reopened = s.db.open(s.dir.path / "materials", calendar());
    REQUIRE(reopened.drafts().find(d.id));
    CHECK(reopened.drafts().find(d.id)->title == "李娜 一孩生育服务登记");
    reopened.drafts().remove(d.id);
    CHECK(s.store.drafts().of_clerk("张敏").empty());
    CHECK(s.store.drafts().of_clerk("王强").size() == 1);
}

TEST_CASE("Case lists filter by counter, status, department, item, clerk and day", "[store]") {
    Store s;
    auto accept = [&](const std::string& now, const std::string& clerk, const std::string& code,
                      const std::string& department, int days) {
        AcceptRequest r;
        r.counter = "WX01";
        r.clerk = clerk;
        r.applicant_name = "李娜";
        r.applicant_id_number = "13043419960315024X";
        r.values_json = "{}";
        r.form_snapshot_json = "{}";
        AcceptItem item;
        item.code = code;
        item.name = code == "A" ? "一孩生育服务登记" : "城乡居民基本养老保险参保登记";
        item.department_code = department;
        item.department_name = department == "health" ? "魏县卫生健康局" : "魏县人社局";
        item.promised_days = days;
        item.legal_days = 20;
        r.items = {item};
        r.now = now;
        return s.store.cases().accept(r).case_number;
    };
    const auto first = accept("2026-11-20 09:00:00", "张敏", "A", "health", 3);
    const auto second = accept("2026-11-23 10:00:00", "张敏", "B", "social", 5);
    const auto third = accept("2026-11-23 11:00:00", "王强", "A", "health", 1);
    CaseFilter all;
    auto cases = s.store.cases().list(all);
    REQUIRE(cases.size() == 3);
    CHECK(cases[0].number == third);  // newest first
    CHECK(cases[2].promised_date == Date{2026, 11, 25});
    CHECK(cases[2].departments == "魏县卫生健康局");
    CaseFilter today;
    today.from = today.to = Date{2026, 11, 23};
    CHECK(s.store.cases().list(today).size() == 2);
    CaseFilter by_clerk;
    by_clerk.clerk = "张敏";
    CHECK(s.store.cases().list(by_clerk).size() == 2);
    CaseFilter by_department;
    by_department.department = "health";
    CHECK(s.store.cases().list(by_department).size() == 2);
    CaseFilter by_item;
    by_item.item = "养老";
    REQUIRE(s.store.cases().list(by_item).size() == 1);
    CHECK(s.store.cases().list(by_item)[0].number == second);
    CaseFilter by_status;
    by_status.status = "refused";
    CHECK(s.store.cases().list(by_status).empty());
    CaseFilter other_counter;
    other_counter.counter = "WX02";
    CHECK(s.store.cases().list(other_counter).empty());
    CHECK(first != second);
}

TEST_CASE("Deadline colours count working days", "[calendar]") {
    const auto c = calendar();
    const Date friday{2026, 11, 20}, monday{2026, 11, 23}, tuesday{2026, 11, 24};
    CHECK(deadline_state(c, monday, friday, true) == DeadlineState::DueSoon);  // weekend between
    CHECK(deadline_state(c, tuesday, friday, true) == DeadlineState::OnTime);
    CHECK(deadline_state(c, friday, monday, true) == DeadlineState::Overdue);
    CHECK(deadline_state(c, monday, monday, true) == DeadlineState::DueSoon);
    CHECK(deadline_state(c, friday, monday, false) == DeadlineState::Closed);
    // Around the National Day holiday: 30 Sep is followed by 8 Oct.
    CHECK(deadline_state(c, Date{2026, 10, 8}, Date{2026, 9, 30}, true) == DeadlineState::DueSoon);
}

TEST_CASE("Roles are enforced in the core, and every denied attempt is audited",
          "[accounts][store]") {
    Store s;
    s.store.accounts().create_user(clerk(), "admin");
    const UserAccount lina = *s.store.accounts().find(clerk().name);
    const UserAccount boss = testing::sample_account(s.store, "lijun", "李军", Role::Supervisor);
    const UserAccount admin = testing::sample_account(s.store, "root", "王强", Role::Administrator);

    CHECK_FALSE(role_allows(Role::Clerk, Permission::ReadReports));
    CHECK(role_allows(Role::Supervisor, Permission::ReadReports));
    CHECK_FALSE(role_allows(Role::Supervisor, Permission::ManageUsers));
    CHECK(role_allows(Role::Administrator, Permission::ManagePlugins));

    CHECK_NOTHROW(s.store.accounts().require(boss, Permission::ReadReports, "counter log"));
    CHECK_NOTHROW(s.store.accounts().require(admin, Permission::ManageUsers, "users"));
    try {
        s.store.accounts().require(lina, Permission::ReadReports, "counter log");
        FAIL("a clerk read the reports");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Denied);
    }
    // A clerk's case list is of their own counter; another counter's is denied.
    CHECK_NOTHROW(s.store.list_cases({}, lina));
    CaseFilter other;
    other.counter = "WX99";
    CHECK_THROWS_AS(s.store.list_cases(other, lina), Error);
    CHECK_NOTHROW(s.store.list_cases(other, boss));
    // Signed in at WX99's PC (a centre: she took the window that was free), she reads its list,
    // and still not a third counter's.
    CHECK_NOTHROW(s.store.list_cases(other, lina, "WX99"));
    CHECK_THROWS_AS(s.store.list_cases(other, lina, "WX98"), Error);

    std::vector<AuditEvent> denied;
    for (const auto& e : s.store.audit().events())
        if (e.type == "access.denied") denied.push_back(e);
    REQUIRE(denied.size() == 3);
    CHECK(denied[0].actor == lina.name);
    CHECK(denied[0].subject == "counter log");
    CHECK_FALSE(denied[0].success);
    CHECK(denied[1].subject == "cases of counter WX99");
    CHECK(s.store.audit().verify().ok);
}

TEST_CASE("A role is read at every privileged action, not kept from the sign-in",
          "[accounts][store][counter-findings]") {
    // An open shell keeps the UserAccount of its login: the supervisor is demoted, then
    // disabled, while signed in.
    Store s;
    const UserAccount boss = testing::sample_account(s.store, "lijun", "李军", Role::Supervisor);
    CaseFilter other;
    other.counter = "WX99";
    CHECK_NOTHROW(s.store.accounts().require(boss, Permission::ReadReports, "counter log"));
    CHECK_NOTHROW(s.store.list_cases(other, boss));
    s.store.accounts().set_role("lijun", Role::Clerk, "root");
    CHECK(boss.role == Role::Supervisor);  // as signed in
    CHECK_THROWS_AS(s.store.accounts().require(boss, Permission::ReadReports, "counter log"),
                    Error);
    CHECK_THROWS_AS(s.store.list_cases(other, boss), Error);
    s.store.accounts().set_role("lijun", Role::Supervisor, "root");
    CHECK_NOTHROW(s.store.accounts().require(boss, Permission::ReadReports, "counter log"));
    s.store.accounts().set_active("lijun", false, "root");
    try {
        s.store.accounts().require(boss, Permission::ReadReports, "counter log");
        FAIL("a disabled account read the reports");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Denied);
    }
    // A user the table does not know has no role at all.
    UserAccount stranger = boss;
    stranger.name = "nobody";
    CHECK_THROWS_AS(s.store.accounts().require(stranger, Permission::ReadReports, "counter log"),
                    Error);
    CHECK(events_of_type(s.store, "access.denied", false) == 4);
    CHECK(s.store.audit().verify().ok);
}
