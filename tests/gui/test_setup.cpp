// The set-up assistant under Xvfb (issue 19, point 4): a new counter's empty data folder is set
// up page by page as a county's IT staff would, wrong answers shown on their page, then the
// files and the store are checked: counter.json, the administrator signs in, the chosen plugins
// are trusted, the back office endpoint is saved. Screenshots go to build/screenshots/setup-*.
#include <wx/listctrl.h>
#include <wx/radiobut.h>
#include <wx/textctrl.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "../unit/temp_dir.hpp"
#include "onewindow/core/admin.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/gui/setup_wizard.hpp"
#include "window_test.hpp"

using namespace onewindow;
using namespace onewindow::gui;
using namespace onewindow::gui::testing_windows;
namespace fs = std::filesystem;

namespace {

void type(SetupWizard& wizard, const std::string& key, const std::string& value) {
    wxTextCtrl* field = wizard.field(key);
    REQUIRE(field);
    field->ChangeValue(wx(value));
}

void check_page_in_chinese(SetupWizard& wizard) {
    std::vector<std::string> english;
    check_labels_translated(&wizard, english);
    CHECK(english == std::vector<std::string>{});
}

}  // namespace

TEST_CASE(
    "First run: the set-up assistant sets up an empty data folder, then the administrator "
    "signs in",
    "[gui][setup]") {
    const fs::path root = ONEWINDOW_STAGE_DIR;
    testing::TempDir dir{"onewindow-setup"};
    const fs::path data = dir.path / "data";
    REQUIRE(Administration::first_run(root, data));
    CHECK_FALSE(fs::exists(data / "counter.db"));  // asking creates nothing

    // A back office on 127.0.0.1 for the connection test.
    testing::TempDir office_dir{"onewindow-setup-office"};
    auto office = start_office(office_dir.path, "WX07");

    auto* wizard = new SetupWizard(nullptr, root, data);
    Closing closing{wizard};
    wizard->Show();
    pump(200);

    // 1. The counter: a 5-digit service area is refused on its page.
    REQUIRE(wizard->page() == SetupWizard::CounterPage);
    type(*wizard, "code", "WX07");
    type(*wizard, "name", "魏县政务服务中心第七窗口");
    type(*wizard, "service_area", "13043");
    type(*wizard, "enquiry_phone", "0310-3512345");
    CHECK_FALSE(wizard->next());
    CHECK(wizard->page() == SetupWizard::CounterPage);
    CHECK_THAT(utf8(wizard->message()), Catch::Contains("6 位行政区划代码"));
    check_page_in_chinese(*wizard);
    screenshot(wizard, "setup-counter.png");
    type(*wizard, "service_area", "130434");
    REQUIRE(wizard->next());

    // 2. The store: an unreachable PostgreSQL server is shown and the page stays.
    REQUIRE(wizard->page() == SetupWizard::StorePage);
    wizard->centre_store()->SetValue(true);
    type(*wizard, "store_url", "postgresql://onewindow@127.0.0.1:1/onewindow?connect_timeout=3");
    check_page_in_chinese(*wizard);  // before the server's own words are shown
    CHECK_FALSE(wizard->next());
    CHECK(wizard->page() == SetupWizard::StorePage);
    CHECK_FALSE(wizard->message().empty());
    CHECK_FALSE(fs::exists(data / "counter.json"));
    screenshot(wizard, "setup-store.png");
    wizard->local_store()->SetValue(true);
    REQUIRE(wizard->next());
    CHECK(fs::exists(data / "counter.db"));
    const CounterConfig config = CounterConfig::load(data / "counter.json");
    CHECK(config.code == "WX07");
    CHECK(config.name == "魏县政务服务中心第七窗口");
    CHECK(config.service_area == "130434");
    CHECK(config.enquiry_phone == "0310-3512345");
    CHECK(config.store.empty());

    // 3. The administrator: two different passwords are refused.
    REQUIRE(wizard->page() == SetupWizard::AdminPage);
    type(*wizard, "admin_name", "wanglei");
    type(*wizard, "display_name", "王磊");
    type(*wizard, "password", "Weixian-2026-setup");
    type(*wizard, "password_again", "Weixian-2026-setuq");
    CHECK_FALSE(wizard->next());
    CHECK(wizard->page() == SetupWizard::AdminPage);
    CHECK(utf8(wizard->message()) == tr("The two passwords differ"));
    check_page_in_chinese(*wizard);
    screenshot(wizard, "setup-admin.png");
    type(*wizard, "password_again", "Weixian-2026-setup");
    REQUIRE(wizard->next());

    // 4. The plugins: every bundled one listed with its digest, all checked; one is left out.
    REQUIRE(wizard->page() == SetupWizard::PluginsPage);
    wizard->back();  // the administrator exists: no way back to change it
    CHECK(wizard->page() == SetupWizard::PluginsPage);
    Issues issues;
    const auto bundled =
        review_plugin_folders(plugin_folders_in(bundled_plugins_dir(root)), issues);
    REQUIRE(bundled.size() >= 10);
    wxListCtrl* list = wizard->plugin_list();
    REQUIRE(list->GetItemCount() == static_cast<int>(bundled.size()));
    long left_out = -1;
    for (long row = 0; row < list->GetItemCount(); ++row) {
        CHECK(list->IsItemChecked(row));
        CHECK(utf8(list->GetItemText(row, 3)) == bundled[static_cast<std::size_t>(row)].digest);
        if (bundled[static_cast<std::size_t>(row)].manifest.id.find("idcard") != std::string::npos)
            left_out = row;
    }
    REQUIRE(left_out >= 0);
    list->CheckItem(left_out, false);
    check_page_in_chinese(*wizard);
    screenshot(wizard, "setup-plugins.png");
    REQUIRE(wizard->next());
    const TrustedList trusted = TrustedList::load(data / "trusted-plugins.json");
    for (std::size_t i = 0; i < bundled.size(); ++i) {
        INFO(bundled[i].manifest.id);
        CHECK(trusted.trusts(bundled[i].manifest.id, bundled[i].digest) ==
              (static_cast<long>(i) != left_out));
    }

    // 5. A back office: a port nobody listens on fails the test, the real one answers.
    REQUIRE(wizard->page() == SetupWizard::EndpointPage);
    type(*wizard, "endpoint_name", "county_health");
    type(*wizard, "endpoint_url", "http://127.0.0.1:1");
    type(*wizard, "endpoint_secret", "counter-WX07-shared-secret");
    CHECK(wizard->test_connection() != wtr("The back office answers."));
    type(*wizard, "endpoint_url", "http://127.0.0.1:" + std::to_string(office->port()));
    CHECK(wizard->test_connection() == wtr("The back office answers."));
    check_page_in_chinese(*wizard);
    screenshot(wizard, "setup-endpoint.png");
    REQUIRE(wizard->next());
    CHECK(wizard->finished());
    const ExchangeConfig exchange = ExchangeConfig::load(data / "exchange.json");
    CHECK(exchange.client == "WX07");
    REQUIRE(exchange.endpoints.count("county_health") == 1);
    CHECK(exchange.endpoints.at("county_health").url ==
          "http://127.0.0.1:" + std::to_string(office->port()));
    CHECK(untranslated_messages() == std::vector<std::string>{});

    // The administrator signs in; the counter is no longer new.
    {
        CaseStore store = open_store(root, data);
        const auto login = store.accounts().login("wanglei", "Weixian-2026-setup");
        REQUIRE(login.status == LoginResult::Status::Ok);
        CHECK(login.user->role == Role::Administrator);
        CHECK(login.user->display_name == "王磊");
        CHECK(login.user->counter == "WX07");
    }
    CHECK_FALSE(Administration::first_run(root, data));
    office->stop();
}
