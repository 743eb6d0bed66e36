// The 管理 page under Xvfb (issue 19, point 4): the administrator signs in and, through the
// page's own fields and buttons, adds a back office (tested against a real one on 127.0.0.1), a
// user, a holiday, and trusts a plugin; then the files and the store are checked (exchange.json,
// the account signs in, calendar-edits.json, trusted-plugins.json) and the audit holds each
// change as the administrator's. Wrong input is refused in Chinese and changes nothing. A clerk
// has no such page. Screenshots: build/screenshots/admin-*.png.
#include <wx/button.h>
#include <wx/choice.h>
#include <wx/listctrl.h>
#include <wx/notebook.h>
#include <wx/spinctrl.h>
#include <wx/textctrl.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "../unit/temp_dir.hpp"
#include "onewindow/core/calendar.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/gui/admin_panel.hpp"
#include "onewindow/gui/main_frame.hpp"
#include "window_test.hpp"

using namespace onewindow;
using namespace onewindow::gui;
using namespace onewindow::gui::testing_windows;
namespace fs = std::filesystem;

namespace {

/// Clicks a button of the page (its wxEVT_BUTTON, as a click sends it).
void press(AdminPanel& admin, const std::string& key) {
    wxButton* button = admin.button(key);
    REQUIRE(button);
    wxCommandEvent click(wxEVT_BUTTON, button->GetId());
    click.SetEventObject(button);
    button->ProcessWindowEvent(click);
    pump(50);
}

void type(AdminPanel& admin, const std::string& key, const std::string& value) {
    wxTextCtrl* field = admin.field(key);
    REQUIRE(field);
    field->ChangeValue(wx(value));
}

/// Selects the row of `list` whose `column` reads `text` (as a click would); its index.
long select_row(wxListCtrl* list, int column, const std::string& text) {
    for (long row = 0; row < list->GetItemCount(); ++row)
        if (utf8(list->GetItemText(row, column)) == text) {
            list->SetItemState(row, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                               wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
            pump(50);
            return row;
        }
    FAIL("no row reads " << text);
    return -1;
}

std::string row_text(wxListCtrl* list, long row, int column) {
    return utf8(list->GetItemText(row, column));
}

}  // namespace

TEST_CASE("The administrator changes endpoints, users, holidays and plugin trust on 管理",
          "[gui][admin]") {
    testing::TempDir dir{"onewindow-gui-admin"};
    const fs::path data = dir.path;
    prepare_demo_data(data);
    // One bundled plugin not trusted yet, for the administrator to trust.
    const fs::path list_file = data / "trusted-plugins.json";
    {
        TrustedList list = TrustedList::load(list_file);
        REQUIRE(list.remove("justice"));
        list.save(list_file);
    }
    Issues issues;
    const auto justice =
        review_plugin_folders({bundled_plugins_dir(ONEWINDOW_STAGE_DIR) / "justice"}, issues);
    REQUIRE(justice.size() == 1);
    testing::TempDir office_dir{"onewindow-gui-admin-office"};
    auto office = start_office(office_dir.path, "WX01");
    const std::string office_url = "http://127.0.0.1:" + std::to_string(office->port());

    ShellOptions options;
    options.data_dir = data;
    auto services = Services::open(options);
    auto login = [&](const std::string& name) {
        auto held = services->lock();
        return *services->counter().store().accounts().login(name, kDemoPassword).user;
    };
    auto events = [&](const std::string& type) {
        auto held = services->lock();
        std::vector<AuditEvent> found;
        for (const auto& e : services->counter().store().audit().events())
            if (e.type == type) found.push_back(e);
        return found;
    };

    {
        // A clerk has no 管理 page.
        services->set_user(login("zhangmin"));
        auto* frame = new MainFrame(*services);
        Closing closing{frame};
        CHECK(frame->administration() == nullptr);
        for (std::size_t page = 0; page < frame->pages()->GetPageCount(); ++page)
            CHECK(utf8(frame->pages()->GetPageText(page)) != "管理");
    }

    services->set_user(login("admin"));
    auto* frame = new MainFrame(*services);
    Closing closing{frame};
    frame->Show();
    AdminPanel* admin = frame->administration();
    REQUIRE(admin);
    const int page = frame->pages()->FindPage(admin);
    REQUIRE(page >= 0);
    CHECK(utf8(frame->pages()->GetPageText(static_cast<std::size_t>(page))) == "管理");
    frame->pages()->SetSelection(static_cast<std::size_t>(page));
    pump(200);
    std::vector<std::string> english;
    check_labels_translated(admin, english);
    CHECK(english == std::vector<std::string>{});
    CHECK(utf8(admin->sections()->GetPageText(AdminPanel::Endpoints)) == "后台端点");
    CHECK(utf8(admin->sections()->GetPageText(AdminPanel::Users)) == "用户");
    CHECK(utf8(admin->sections()->GetPageText(AdminPanel::Calendar)) == "节假日");
    CHECK(utf8(admin->sections()->GetPageText(AdminPanel::Plugins)) == "插件");

    // 后台端点: a URL that is not one is refused and nothing is written; then the real one.
    admin->sections()->SetSelection(AdminPanel::Endpoints);
    CHECK_FALSE(fs::exists(data / "exchange.json"));
    type(*admin, "endpoint_name", "county_health");
    type(*admin, "endpoint_url", "ftp://127.0.0.1");
    type(*admin, "endpoint_secret", "counter-WX01-shared-secret");
    press(*admin, "endpoint_set");
    CHECK(admin->problem(AdminPanel::Endpoints));
    CHECK_THAT(utf8(admin->message(AdminPanel::Endpoints)), Catch::Contains("URL"));
    CHECK_FALSE(fs::exists(data / "exchange.json"));
    CHECK(events("endpoint.set").empty());
    type(*admin, "endpoint_url", office_url);
    press(*admin, "endpoint_test");  // the typed endpoint, before it is saved
    services->wait_idle();           // the call runs on a worker, without the Counter
    CHECK(admin->button("endpoint_test")->IsEnabled());
    CHECK(admin->message(AdminPanel::Endpoints) == wtr("The back office answers."));
    press(*admin, "endpoint_set");
    INFO(utf8(admin->message(AdminPanel::Endpoints)));
    CHECK_FALSE(admin->problem(AdminPanel::Endpoints));
    const ExchangeConfig exchange = ExchangeConfig::load(data / "exchange.json");
    CHECK(exchange.client == "WX01");
    REQUIRE(exchange.endpoints.count("county_health") == 1);
    CHECK(exchange.endpoints.at("county_health").url == office_url);
    CHECK(exchange.endpoints.at("county_health").secret == "counter-WX01-shared-secret");
    CHECK(admin->field("endpoint_secret")->GetValue().empty());  // not left on the screen
    wxListCtrl* endpoints = admin->list(AdminPanel::Endpoints);
    REQUIRE(endpoints->GetItemCount() == 1);
    CHECK(row_text(endpoints, 0, 1) == office_url);
    CHECK(row_text(endpoints, 0, 3) == "已设置密钥");
    CHECK(services->dispatcher() != nullptr);  // the shell now sends to it
    // The saved one, selected (its secret is not typed again).
    select_row(endpoints, 0, "county_health");
    CHECK(utf8(admin->field("endpoint_url")->GetValue()) == office_url);
    press(*admin, "endpoint_test");
    services->wait_idle();
    CHECK(admin->message(AdminPanel::Endpoints) == wtr("The back office answers."));

    // 用户: two different passwords are refused; then a supervisor is added.
    admin->sections()->SetSelection(AdminPanel::Users);
    const std::size_t users_before = admin->list(AdminPanel::Users)->GetItemCount();
    type(*admin, "user_name", "zhaoli");
    type(*admin, "user_display_name", "赵丽");
    admin->role()->SetSelection(1);  // 管理人员
    type(*admin, "user_password", "Weixian-2026-lead");
    type(*admin, "user_password_again", "Weixian-2026-laed");
    press(*admin, "user_add");
    CHECK(admin->problem(AdminPanel::Users));
    CHECK(utf8(admin->message(AdminPanel::Users)) == "两次输入的密码不一致");
    type(*admin, "user_password_again", "Weixian-2026-lead");
    press(*admin, "user_add");
    INFO(utf8(admin->message(AdminPanel::Users)));
    CHECK_FALSE(admin->problem(AdminPanel::Users));
    wxListCtrl* users = admin->list(AdminPanel::Users);
    CHECK(static_cast<std::size_t>(users->GetItemCount()) == users_before + 1);
    const long added = select_row(users, 0, "zhaoli");
    CHECK(row_text(users, added, 1) == "赵丽");
    CHECK(row_text(users, added, 2) == "管理人员");
    CHECK(row_text(users, added, 3) == "WX01");
    CHECK(row_text(users, added, 4) == "启用");
    {
        auto held = services->lock();
        const auto signed_in =
            services->counter().store().accounts().login("zhaoli", "Weixian-2026-lead");
        REQUIRE(signed_in.status == LoginResult::Status::Ok);
        CHECK(signed_in.user->role == Role::Supervisor);
        CHECK(signed_in.user->display_name == "赵丽");
    }
    screenshot(frame, "admin-users.png");
    // The administrator cannot disable the account signed in: the core says so.
    select_row(users, 0, "admin");
    press(*admin, "user_disable");
    CHECK(admin->problem(AdminPanel::Users));
    CHECK(utf8(admin->message(AdminPanel::Users)) == tr("You cannot disable your own account"));

    // 节假日: a date that is not one is refused; then a county holiday.
    admin->sections()->SetSelection(AdminPanel::Calendar);
    const fs::path edits = WorkingCalendar::edits_file(data);
    type(*admin, "day_date", "2026-13-01");
    type(*admin, "day_name", "县庆");
    press(*admin, "day_holiday");
    CHECK(admin->problem(AdminPanel::Calendar));
    CHECK_FALSE(fs::exists(edits));
    const int year = admin->year()->GetValue();
    const std::string day = std::to_string(year) + "-11-24";
    type(*admin, "day_date", day);
    press(*admin, "day_holiday");
    INFO(utf8(admin->message(AdminPanel::Calendar)));
    CHECK_FALSE(admin->problem(AdminPanel::Calendar));
    REQUIRE(fs::exists(edits));
    const std::string edits_text = read_text_file(edits);
    CHECK_THAT(edits_text, Catch::Contains(day));
    CHECK_THAT(edits_text, Catch::Contains("县庆"));
    wxListCtrl* days = admin->list(AdminPanel::Calendar);
    const long edited = select_row(days, 0, day);
    CHECK(row_text(days, edited, 1) == "节假日");
    CHECK(row_text(days, edited, 2) == "县庆");
    CHECK(row_text(days, edited, 3) == "管理员设置");

    // 插件: justice is listed as not trusted; trusted through the page.
    admin->sections()->SetSelection(AdminPanel::Plugins);
    wxListCtrl* plugins = admin->list(AdminPanel::Plugins);
    REQUIRE(plugins->GetItemCount() >= 10);
    press(*admin, "plugins_trust");  // nothing selected
    CHECK(utf8(admin->message(AdminPanel::Plugins)) == "请先在列表中选择插件");
    const long row = select_row(plugins, 4, justice[0].digest);
    CHECK(row_text(plugins, row, 1) == "魏县司法局");
    CHECK(row_text(plugins, row, 3) == "未信任");
    CHECK(utf8(admin->field("plugin_digest")->GetValue()) == justice[0].digest);
    press(*admin, "plugins_trust");
    INFO(utf8(admin->message(AdminPanel::Plugins)));
    CHECK_FALSE(admin->problem(AdminPanel::Plugins));
    CHECK(TrustedList::load(list_file).trusts("justice", justice[0].digest));
    CHECK(row_text(plugins, row, 3) == "已信任");

    // The audit holds each change as the administrator's, and the chain is whole.
    for (const char* type : {"endpoint.set", "user.created", "calendar.edited", "plugin.trusted"}) {
        INFO(type);
        const auto found = events(type);
        REQUIRE(found.size() >= 1);
        CHECK(found.back().actor == "admin");
    }
    CHECK(events("endpoint.set").size() == 1);
    CHECK(events("calendar.edited").back().subject == day);
    CHECK(events("plugin.trusted").back().subject == "justice");
    CHECK(events("user.created").back().subject == "zhaoli");
    for (const auto& e : events("endpoint.set"))
        CHECK(e.detail_json.find("counter-WX01-shared-secret") == std::string::npos);
    {
        auto held = services->lock();
        CHECK(services->counter().store().audit().verify().ok);
    }
    CHECK(untranslated_messages() == std::vector<std::string>{});

    screenshot(frame, "admin-plugins.png");
    office->stop();
}
