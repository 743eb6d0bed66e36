// The shell under Xvfb: sign in, search by pinyin initials, fill the unified form of a two-item
// case, see a wrong ID number flagged next to its field, attach scans, accept, and find the case
// in the database and its receipt as a PDF; drafts survive the window; the idle lock; the plugin
// overview. Screenshots of the main screens go to build/screenshots/ (the README shows copies).
#include <SQLiteCpp/SQLiteCpp.h>
#include <wx/app.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/dnd.h>
#include <wx/listctrl.h>
#include <wx/notebook.h>
#include <wx/odcombo.h>
#include <wx/stattext.h>
#include <wx/time.h>
#include <wx/utils.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <optional>
#include <regex>
#include <thread>

#include "../unit/cups_server.hpp"
#include "../unit/sample_case.hpp"
#include "../unit/temp_dir.hpp"
#include "../unit/test_store.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/gui/intake_panel.hpp"
#include "onewindow/gui/log_panel.hpp"
#include "onewindow/gui/login_dialog.hpp"
#include "onewindow/gui/main_frame.hpp"
#include "onewindow/gui/preview_frame.hpp"
#include "onewindow/gui/rating_frame.hpp"
#include "window_test.hpp"

using namespace onewindow;
using namespace onewindow::gui;
using namespace onewindow::gui::testing_windows;
namespace fs = std::filesystem;

namespace {

const fs::path scans = fs::path(ONEWINDOW_SOURCE_DIR) / "app/cli/demo/scans";

/// Presses keys through the X server with xdotool, as a keyboard would, while the window goes on
/// handling its events (xdotool also types Chinese: it maps the characters' keysyms).
void keyboard(const std::string& args) {
    std::atomic<bool> done{false};
    int rc = 0;
    std::thread typist([&] {
        rc = std::system(("xdotool " + args).c_str());
        done = true;
    });
    while (!done) pump(20);
    typist.join();
    REQUIRE(rc == 0);
    pump(150);
}

std::string pdftotext(const std::string& pdf) {
    const std::string txt = pdf + ".txt";
    REQUIRE(std::system(("pdftotext -layout '" + pdf + "' '" + txt + "'").c_str()) == 0);
    std::ifstream in(txt);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Shell {
    testing::TempDir dir{"onewindow-gui"};
    std::unique_ptr<Services> services;
    /// `before_open`: what to put into the data folder before the shell opens it.
    explicit Shell(const std::function<void(const fs::path&)>& before_open = {}) {
        prepare_demo_data(dir.path);
        if (before_open) before_open(dir.path);
        ShellOptions options;
        options.data_dir = dir.path;
        services = Services::open(options);
    }
    LoginResult login(const std::string& name, const std::string& password) {
        auto held = services->lock();
        return services->counter().store().accounts().login(name, password);
    }
    void sign_in_clerk() { services->set_user(*login("zhangmin", kDemoPassword).user); }
    /// A shown main window; declare a Closing for it right after.
    MainFrame* open_frame() {
        auto* frame = new MainFrame(*services);
        frame->Show();
        return frame;
    }
};

void fill_first_child_and_migrant(IntakePanel& intake) {
    const std::pair<const char*, const char*> values[] = {
        {"applicant.name", "李娜"},
        {"applicant.id_number", "13043419960315024X"},
        {"applicant.ethnicity", "汉族"},
        {"applicant.phone", "13831045678"},
        {"applicant.marital_status", "初婚"},
        {"applicant.hukou_division", "130434"},
        {"applicant.hukou_address", "河北省邯郸市魏县魏城镇南关村 12 号"},
        {"applicant.address", "河北省邯郸市魏县魏城镇南关村 12 号"},
        {"spouse.name", "王强"},
        {"spouse.id_number", "130434199408020132"},
        {"spouse.phone", "13931087654"},
        {"spouse.hukou_division", "130434"},
        {"spouse.hukou_address", "河北省邯郸市魏县魏城镇南关村 12 号"},
        {"family_planning.marriage.date", "2024-05-20"},
        {"family_planning.marriage.certificate_no", "J130434-2024-001207"},
        {"family_planning.children.count", "0"},
        {"family_planning.registration.timing", "生育前登记"},
        {"family_planning.pregnancy.expected_date", "2027-03-10"},
        {"family_planning.pregnancy.hospital", "魏县人民医院"},
        {"family_planning.migrant.current_address", "北京市朝阳区将台路 6 号"},
        {"family_planning.migrant.current_division", "110105"},
        {"family_planning.migrant.since", "2027-06-01"},
        {"family_planning.migrant.reason", "务工"},
        {"family_planning.contraception", "孕期，未采取避孕节育措施"},
    };
    for (const auto& [key, value] : values) intake.set_value(key, value);
    intake.set_table("household.members", {{{"member.name", "王强"},
                                            {"member.id_number", "130434199408020132"},
                                            {"member.relation", "配偶"}}});
}

/// The demo couple's first-child registration (生育登记), the applicant registered in the county.
void start_first_child(IntakePanel& intake) {
    intake.add_items({"000718001001"});
    fill_first_child_and_migrant(intake);
}

/// The same, with the papers seen at the window and the photo as a tolerated gap, accepted.
DecisionResult accept_first_child(IntakePanel& intake) {
    start_first_child(intake);
    for (const char* key : {"id_card", "marriage_cert"}) intake.set_supplied(key, true);
    intake.tolerate("photo", "申请人承诺自受理之日起 5 个工作日内补交");
    return intake.accept();
}

/// The county's health department approves the first-child registration of `number`, as the
/// dispatcher records a decision pulled from its back office (the store's decision path).
void approve_first_child(Shell& shell, const std::string& number, const std::string& certificate) {
    auto held = shell.services->lock();
    ItemDecision d;
    d.cursor = 1;
    d.case_number = number;
    d.item_code = "000718001001";
    d.outcome = "approved";
    d.data_json = R"({"certificate_no": ")" + certificate + "\"}";
    d.decided_by = "赵静";
    d.decided_at = onewindow::local_timestamp_now();  // after the acceptance, as in life
    REQUIRE(shell.services->counter().store().decisions().record(
                "http://office", "WX01", {"county_health"}, {d}, {}, 1, d.decided_at) == 1);
}

/// Runs a job of the case panel (its steps on a worker) to its end: Services::wait_idle()
/// delivers what it says on this, the UI thread. What it said.
wxString finished(Shell& shell, const std::function<void(CasesPanel::Said)>& start) {
    std::optional<wxString> said;
    start([&said](const wxString& problem) { said = problem; });
    shell.services->wait_idle();
    REQUIRE(said);
    return *said;
}

/// The applicant brings the photo accepted as a tolerated gap: the clerk attaches its scan
/// (`scan`, written here) in the case's supply (CasesPanel::supply); what the panel said.
wxString supply_photo(Shell& shell, CasesPanel& cases, const std::string& number,
                      const fs::path& scan) {
    std::ofstream(scan) << "\x89PNG\r\n\x1a\n the couple's photo";
    std::vector<OutstandingSupply> outstanding;
    {
        auto held = shell.services->lock();
        outstanding = CaseDesk(shell.services->session()).outstanding(number);
    }
    REQUIRE(outstanding.size() == 1);
    REQUIRE(outstanding[0].reason == "tolerated");
    REQUIRE(outstanding[0].materials.size() == 1);
    CHECK(outstanding[0].materials[0].key == "photo");
    return finished(shell, [&](CasesPanel::Said said) {
        cases.supply(number, outstanding[0], {{"photo", scan}}, said);
    });
}

}  // namespace

TEST_CASE("Sign in: wrong passwords are refused in Chinese, the right one opens", "[gui]") {
    Shell shell;
    auto* dialog = new LoginDialog(
        nullptr, [&](const std::string& n, const std::string& p) { return shell.login(n, p); }, {},
        wx("演示账号 zhangmin，密码 ") + wx(kDemoPassword));
    Closing closing{dialog};
    dialog->Show();
    pump(200);
    screenshot(dialog, "login.png");
    auto wrong = dialog->attempt("zhangmin", "not-the-password");
    CHECK(wrong.status == LoginResult::Status::BadCredentials);
    CHECK(utf8(dialog->message()).find("用户名或密码错误") != std::string::npos);
    auto right = dialog->attempt("zhangmin", kDemoPassword);
    REQUIRE(right.status == LoginResult::Status::Ok);
    CHECK(right.user->display_name == "张敏");
}

TEST_CASE("A job holds the Counter only in the steps that use it; done comes on the UI thread",
          "[gui][jobs]") {
    Shell shell;
    Services& services = *shell.services;
    using Hold = Services::Hold;
    const auto ui_thread = std::this_thread::get_id();

    // A step holding the Counter keeps the UI thread out for as long as it runs...
    std::promise<void> in_locked, release_locked;
    services.run_job({{Hold::Counter,
                       [&, go = release_locked.get_future().share()] {
                           in_locked.set_value();
                           go.wait();
                       }}},
                     [](std::exception_ptr) {});
    in_locked.get_future().wait();
    CHECK_FALSE(services.try_lock().owns_lock());
    release_locked.set_value();
    services.wait_idle();

    // ... a step holding nothing does not: while it waits on the test, the UI thread takes the
    // lock; the result the steps hand on arrives with `done`, on the UI thread.
    auto result = std::make_shared<std::string>();
    std::promise<void> in_unlocked, release_unlocked;
    std::optional<std::thread::id> done_on;
    std::exception_ptr error;
    std::string delivered;
    services.run_job(
        {{Hold::Counter,
          [&services, result] { *result = services.counter().config().code + " prepared"; }},
         {Hold::Nothing,
          [&, result, go = release_unlocked.get_future().share()] {
              in_unlocked.set_value();
              go.wait();
              *result += ", rendered";
          }},
         {Hold::Counter, [result] { *result += ", recorded"; }}},
        [&, result](std::exception_ptr e) {
            done_on = std::this_thread::get_id();
            error = e;
            delivered = *result;
        });
    in_unlocked.get_future().wait();
    {
        auto held = services.try_lock();
        CHECK(held.owns_lock());
        CHECK(services.counter().config().code == "WX01");  // the UI thread uses the Counter
    }
    CHECK(services.busy());
    CHECK_FALSE(done_on);
    release_unlocked.set_value();
    services.wait_idle();
    REQUIRE(done_on);
    CHECK(*done_on == ui_thread);
    CHECK_FALSE(error);
    CHECK(delivered == "WX01 prepared, rendered, recorded");

    // The first step that throws ends the job: the later steps do not run, `done` gets it.
    bool later = false;
    std::string told;
    services.run_job({{Hold::Nothing, [] { throw Error(ErrorKind::Input, "bad input"); }},
                      {Hold::Counter, [&later] { later = true; }}},
                     [&told](std::exception_ptr e) {
                         try {
                             if (e) std::rethrow_exception(e);
                         } catch (const Error& caught) {
                             told = caught.what();
                         }
                     });
    services.wait_idle();
    CHECK(told == "bad input");
    CHECK_FALSE(later);
}

TEST_CASE("新生儿出生一件事: six items of four departments on one intake form", "[gui]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    pump(300);
    Issues issues;
    const Bundle newborn =
        load_bundle(fs::path(ONEWINDOW_SOURCE_DIR) / "forms/bundles/newborn.json", issues);
    REQUIRE(issues.empty());
    IntakePanel& intake = *frame->intake();
    intake.add_items(newborn.items);
    REQUIRE(intake.items().size() == 6);
    // The bundle is named with its lead department above the items.
    CHECK(intake.items_line().rfind(
              "一件事：新生儿出生一件事（牵头部门：魏县卫生健康局）\n申办事项：", 0) == 0);
    // The parents' and the child's facts once, for all six items.
    for (const char* key : {"applicant.id_number", "spouse.id_number", "child.name",
                            "child.birth_date", "child.birth_cert_no", "payment.account"})
        CHECK(intake.control(key));
    frame->SetSize(1280, 800);
    screenshot(frame, "intake-bundle.png");
}

TEST_CASE("The case detail says which item waits for which: 等待「出生登记」办结后报送",
          "[gui][bundle]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    std::string number;
    {
        // 新生儿出生一件事 as a bundle's order keeps it: 医保参保 needs the 户口 of 出生登记.
        auto held = shell.services->lock();
        AcceptRequest request = onewindow::testing::sample_accept_request(std::nullopt);
        AcceptItem birth = onewindow::testing::sample_item("000705001000", "county_public_security",
                                                           "county_public_security");
        birth.name = "出生登记";
        birth.department_name = "魏县公安局";
        AcceptItem medical = onewindow::testing::sample_item(
            "000733001000", "county_medical_security", "county_medical_security");
        medical.name = "城乡居民基本医疗保险参保登记";
        medical.department_name = "魏县医疗保障局";
        medical.waits_for = {birth.code};
        request.items = {birth, medical};
        number = shell.services->counter().store().cases().accept(request).case_number;
    }
    bool shown = false;
    wxTheApp->CallAfter([&] {
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* dialog = dynamic_cast<wxDialog*>(w); dialog && dialog->IsModal()) {
                wxListCtrl* items = nullptr;  // the first list: the items
                std::function<void(wxWindow*)> find = [&](wxWindow* window) {
                    if (auto* list = dynamic_cast<wxListCtrl*>(window); list && !items)
                        items = list;
                    for (wxWindow* child : window->GetChildren()) find(child);
                };
                find(dialog);
                CHECK(items);
                if (items && items->GetItemCount() == 2) {
                    CHECK(utf8(items->GetItemText(0, 3)) == "已受理");
                    CHECK(utf8(items->GetItemText(1, 3)) == "等待「出生登记」办结后报送");
                }
                screenshot(dialog, "case-detail-bundle.png");
                std::vector<std::string> english;
                check_labels_translated(dialog, english);
                CHECK(english == std::vector<std::string>{});
                shown = true;
                dialog->EndModal(wxID_CLOSE);
            }
    });
    frame->cases()->show_detail(number);
    CHECK(shown);
}

TEST_CASE("A clerk takes in a two-item case at one window", "[gui]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    pump(300);

    // Search as you type, by pinyin initials.
    frame->catalogue()->set_query("syfw");
    auto shown = frame->catalogue()->shown_items();
    REQUIRE(shown.size() >= 1);
    CHECK(shown.front() == "000718001001");
    frame->catalogue()->set_query("ldrk");
    CHECK(frame->catalogue()->shown_items() == std::vector<std::string>{"000718002000"});
    frame->catalogue()->set_query({});

    IntakePanel& intake = *frame->intake();
    intake.add_items({"000718001001"});
    intake.add_items({"000718002000"});
    REQUIRE(intake.items().size() == 2);
    // One form: the applicant's facts once, the migrant's section from the second item.
    REQUIRE(intake.control("applicant.id_number"));
    REQUIRE(intake.control("family_planning.migrant.since"));
    fill_first_child_and_migrant(intake);

    // A wrong check digit is flagged next to the field as the clerk leaves it.
    intake.set_value("applicant.id_number", "130434199603150241");
    intake.leave_field("applicant.id_number");
    CHECK_FALSE(intake.message("applicant.id_number").empty());
    intake.set_value("applicant.id_number", "13043419960315024X");
    intake.leave_field("applicant.id_number");
    CHECK(intake.message("applicant.id_number").empty());
    CHECK(intake.value("applicant.birth_date") == "1996-03-15");  // derived

    // Materials: scans attached (with thumbnails), the photo as a tolerated gap.
    intake.attach_material("id_card", scans / "id_card_li_na.png");
    // A scan dragged from the file manager onto the material's scan area.
    auto* drop =
        dynamic_cast<wxFileDropTarget*>(intake.scan_area("marriage_cert")->GetDropTarget());
    REQUIRE(drop);
    wxArrayString dropped;
    dropped.Add(wx((scans / "marriage_cert.png").string()));
    CHECK(drop->OnDropFiles(10, 10, dropped));
    CHECK(intake.has_thumbnail("marriage_cert"));
    CHECK(intake.has_thumbnail("id_card"));
    intake.tolerate("photo", "申请人承诺自受理之日起 5 个工作日内补交");
    frame->SetSize(1280, 800);
    screenshot(frame, "intake.png");

    const auto result = intake.accept();
    INFO(result.message);
    std::string messages;  // what the form shows, should the case not be accepted
    for (const auto& key : intake.request().values->getNames())
        if (!intake.message(key).empty()) messages += key + ": " + intake.message(key) + "\n";
    INFO(messages);
    REQUIRE(result.kind == DecisionResult::Kind::Accepted);
    CHECK(intake.items().empty());  // ready for the next applicant
    shell.services->wait_idle();
    pump(200);
    REQUIRE(fs::exists(intake.last_result().document));
    const std::string receipt = pdftotext(intake.last_result().document);
    CHECK(receipt.find(result.number) != std::string::npos);
    CHECK(receipt.find("流动人口婚育证明") != std::string::npos);

    // In the database: the case, both items, the materials, the outbox rows.
    {
        auto held = shell.services->lock();
        auto record = shell.services->counter().store().cases().find(result.number);
        REQUIRE(record);
        CHECK(record->items.size() == 2);
        CHECK(record->clerk == "张敏");
        CHECK(record->materials.size() == 3);
        CHECK(shell.services->counter().store().outbox().rows(result.number).size() == 2);
        CHECK(shell.services->counter().store().drafts().of_clerk("张敏").empty());
    }
    // The preview shows the very PDF.
    REQUIRE(frame->preview());
    shell.services->wait_idle();
    pump(300);
    CHECK(frame->preview()->pdf() == intake.last_result().document);
    CHECK(frame->preview()->pages_shown() >= 1);
    screenshot(frame->preview(), "receipt-preview.png");
    {
        // Print it on a real CUPS printer (cups-pdf); a stopped printer is told in words. The
        // copy has a name of its own: cups-pdf names its output after the job title.
        testing::CupsServer cups;
        PreviewFrame& preview = *frame->preview();
        const fs::path copy = shell.dir.path / ("gui-" + result.number + "-receipt.pdf");
        fs::copy_file(preview.pdf(), copy);
        preview.show_pdf(copy.string(), wx(result.number));
        shell.services->wait_idle();
        pump(100);
        cups.forget_output(job_title(copy));
        preview.print_to(PrintOptions{"PDF", 1, "A4"});
        shell.services->wait_idle();
        pump(100);
        INFO(preview.last_print().message);
        REQUIRE(preview.last_print().ok);
        CHECK(utf8(preview.status()).find("已打印") != std::string::npos);
        const auto printed = cups.wait_for_output(job_title(copy));
        REQUIRE(printed);
        fs::remove(*printed);
        cups.run({"cupsdisable", "PDF"});
        preview.print_to(PrintOptions{"PDF", 1, "A4"});
        shell.services->wait_idle();
        pump(100);
        CHECK_FALSE(preview.last_print().ok);
        CHECK(utf8(preview.status()).find("已暂停") != std::string::npos);
    }
    frame->preview()->Hide();

    // Today's cases list it, with its deadline colour.
    frame->pages()->SetSelection(1);
    frame->cases()->set_today_only(true);
    pump(200);
    REQUIRE(frame->cases()->rows() >= 1);
    CHECK(frame->cases()->row_text(0, 0) == result.number);
    CHECK(frame->cases()->row_text(0, 2).find("****") != std::string::npos);  // masked
    screenshot(frame, "cases.png");

    // The plugin overview.
    frame->pages()->SetSelection(2);
    pump(100);
    REQUIRE(frame->plugins()->rows() >= 2);
    bool reader_listed = false;
    for (long row = 0; row < frame->plugins()->rows(); ++row) {
        CHECK(frame->plugins()->row_text(row, 4) == "运行中");
        if (frame->plugins()->row_text(row, 3) == "设备：身份证阅读器（模拟）")
            reader_listed = true;
    }
    CHECK(reader_listed);

    // Chinese first: no string escaped translation.
    std::vector<std::string> english;
    check_labels_translated(frame, english);
    CHECK(english == std::vector<std::string>{});
    CHECK(untranslated_messages() == std::vector<std::string>{});
}

TEST_CASE("A department's own plugin, built out of tree, serves its item in the window",
          "[gui][sdk]") {
    // The SDK example as the fixture sdk_example built it against the SDK alone, installed and
    // trusted; and a copy under another id whose fragment defines keys of the example's
    // namespace: refused with its reasons, while everything else runs.
    const char* built = std::getenv("ONEWINDOW_SDK_EXAMPLE_DIR");
    REQUIRE(built);
    Shell shell([&](const fs::path& data) {
        fs::create_directories(data / "plugins");
        fs::copy(built, data / "plugins" / "example", fs::copy_options::recursive);
        fs::copy(built, data / "plugins" / "borrowed", fs::copy_options::recursive);
        auto manifest = load_json_file(data / "plugins/borrowed/plugin.json")
                            .extract<Poco::JSON::Object::Ptr>();
        manifest->set("id", std::string("borrowed"));
        std::ofstream(data / "plugins/borrowed/plugin.json", std::ios::trunc) << to_json(manifest);
        Issues issues;
        trust_plugin_folders(data / "trusted-plugins.json",
                             {data / "plugins/example", data / "plugins/borrowed"}, issues);
        REQUIRE(issues.empty());
    });
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    pump(200);

    // Its item in the catalogue, found by its name and by its keyword's pinyin initials.
    frame->catalogue()->set_query("用地登记");
    pump(100);
    CHECK(frame->catalogue()->shown_items() == std::vector<std::string>{"000799001000"});
    frame->catalogue()->set_query("yddj");
    pump(100);
    CHECK(frame->catalogue()->shown_items() == std::vector<std::string>{"000799001000"});

    // The plugins overview: the example runs with its item; the copy failed, every reason shown.
    frame->pages()->SetSelection(2);
    pump(100);
    PluginsPanel& plugins = *frame->plugins();
    long example = -1, borrowed = -1;
    for (long row = 0; row < plugins.rows(); ++row) {
        if (plugins.row_text(row, 0) == "example") example = row;
        if (plugins.row_text(row, 0) == "borrowed") borrowed = row;
    }
    REQUIRE(example >= 0);
    REQUIRE(borrowed >= 0);
    CHECK(plugins.row_text(example, 4) == "运行中");
    CHECK(plugins.row_text(example, 5) == "1/1");
    CHECK(plugins.row_text(borrowed, 4) == "失败");
    CHECK(plugins.row_text(borrowed, 5) == "0/1");
    CHECK(plugins.row_text(borrowed, 6).find("outside the plugin's namespace") !=
          std::string::npos);
    CHECK(plugins.row_text(borrowed, 6).find("（另有 3 条）") != std::string::npos);
    // The first plugin that does not run is selected, its reasons below the list.
    const std::string details = plugins.details();
    CHECK(details.rfind("borrowed 未运行的原因：", 0) == 0);
    for (const char* key :
         {"example.site_area", "example.site_address", "example.purpose", "example.site_plan"})
        CHECK(details.find(std::string("the key ") + key + " lies outside") != std::string::npos);
    screenshot(frame, "plugins.png");
    plugins.select(example);
    CHECK(plugins.details() == "example 运行正常。");
}

TEST_CASE("Missing materials: accept refuses, the one-time notice prints, the draft stays",
          "[gui]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    IntakePanel& intake = *frame->intake();
    start_first_child(intake);
    intake.attach_material("id_card", scans / "id_card_li_na.png");
    auto refused = intake.accept();
    CHECK(refused.kind == DecisionResult::Kind::MaterialsMissing);
    CHECK(refused.message.find("结婚证") != std::string::npos);
    auto notice = intake.notice();
    INFO(notice.message);
    REQUIRE(notice.kind == DecisionResult::Kind::Notice);
    shell.services->wait_idle();
    pump(200);
    REQUIRE(fs::exists(intake.last_result().document));
    CHECK(pdftotext(intake.last_result().document).find("结婚证") != std::string::npos);
    CHECK(intake.items().size() == 1);  // the draft is kept for the applicant's return
    CHECK(intake.draft_id() != 0);
    // Refusal with a reason; an empty reason is refused.
    CHECK(intake.refuse("  ").kind == DecisionResult::Kind::Failed);
    auto refusal = intake.refuse("申请事项不属于本窗口受理范围");
    CHECK(refusal.kind == DecisionResult::Kind::Refused);
    CHECK(intake.items().empty());
}

TEST_CASE("Read ID card fills the applicant from the reader's device plugin", "[gui]") {
    Shell shell;  // the demo data lays 李娜's card on the simulated reader
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    IntakePanel& intake = *frame->intake();
    intake.add_items({"000718001001"});
    intake.read_id_card();
    shell.services->wait_idle();
    pump(200);
    CHECK(intake.value("applicant.name") == "李娜");
    CHECK(intake.value("applicant.id_number") == "13043419960315024X");
    CHECK(intake.value("applicant.ethnicity") == "汉族");
    CHECK(intake.value("applicant.birth_date") == "1996-03-15");  // derived from the number
    CHECK(intake.value("applicant.hukou_address") == "河北省邯郸市魏县魏城镇南关村 12 号");
    CHECK(intake.has_thumbnail("id_card"));
    CHECK(intake.message("applicant.id_number").empty());

    // The reader is a device: it is read without the Counter lock, which another thread holds
    // here the whole time the card is read.
    intake.set_value("applicant.name", "");
    {
        std::promise<void> held, release;
        std::thread holder([&] {
            auto lock = shell.services->lock();
            held.set_value();
            release.get_future().wait();
        });
        held.get_future().wait();
        intake.read_id_card();
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (shell.services->busy() && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        CHECK_FALSE(shell.services->busy());
        release.set_value();
        holder.join();
    }
    shell.services->wait_idle();
    pump(200);
    CHECK(intake.value("applicant.name") == "李娜");

    // No card on the reader: told, nothing changed.
    fs::remove(shell.dir.path / "idcard-reader/card.json");
    intake.set_value("applicant.name", "赵敏");
    intake.read_id_card();
    shell.services->wait_idle();
    pump(200);
    CHECK(intake.value("applicant.name") == "赵敏");
    CHECK(untranslated_messages() == std::vector<std::string>{});
}

TEST_CASE("A draft survives the window and is resumed; the idle lock hides the screen", "[gui]") {
    Shell shell;
    shell.sign_in_clerk();
    {
        auto* frame = shell.open_frame();
        Closing closing{frame};
        frame->intake()->add_items({"000718001001", "000718002000"});
        frame->intake()->set_value("applicant.name", "赵敏");
        frame->intake()->set_value("applicant.phone", "13700001111");
        frame->intake()->set_table("household.members",
                                   {{{"member.name", "王强"}, {"member.relation", "配偶"}}});
        frame->intake()->attach_material("id_card", scans / "id_card_li_na.png");
        frame->intake()->tolerate("photo", "三日内补交");
        pump(1600);  // the autosave fires about a second after the last change
        CHECK(frame->intake()->draft_id() != 0);
        // A crash: the window goes without a goodbye (the autosaved draft is what remains).
        {
            auto held = shell.services->lock();
            auto drafts = shell.services->counter().store().drafts().of_clerk("张敏");
            REQUIRE(drafts.size() == 1);
            CHECK(drafts[0].values_json.find("13700001111") != std::string::npos);
        }
    }
    auto* frame = shell.open_frame();
    Closing closing{frame};
    REQUIRE(frame->resume_latest_draft());
    CHECK(frame->intake()->items() == std::vector<std::string>{"000718001001", "000718002000"});
    CHECK(frame->intake()->value("applicant.name") == "赵敏");
    CHECK(frame->intake()->has_thumbnail("id_card"));
    // The table and the tolerated gap's promise come back as they were typed.
    const IntakeRequest resumed = frame->intake()->request();
    CHECK(to_json(resumed.values->get("household.members")) ==
          R"([{"member.name":"王强","member.relation":"配偶"}])");
    bool promised = false;
    for (const auto& m : resumed.materials)
        if (m.key == "photo") promised = m.tolerated && m.promise == "三日内补交";
    CHECK(promised);

    frame->lock_screen();
    CHECK(frame->locked());
    CHECK_FALSE(frame->pages()->IsShownOnScreen());
    CHECK(frame->unlock("wrong-password").status == LoginResult::Status::BadCredentials);
    CHECK(frame->locked());
    CHECK(frame->unlock(kDemoPassword).status == LoginResult::Status::Ok);
    CHECK_FALSE(frame->locked());
    CHECK(frame->pages()->IsShownOnScreen());
}

TEST_CASE("The demo case is taken in with the keyboard alone", "[gui][keyboard]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    frame->SetTitle("onewindow-keyboard-test");
    pump(300);
    keyboard("search --sync --name '^onewindow-keyboard-test$' windowfocus --sync");
    IntakePanel& intake = *frame->intake();

    // Ctrl+F, the item's pinyin initials, Enter: the item is chosen, the form takes the keys.
    keyboard("key ctrl+f");
    keyboard("type --delay 30 sydj");
    REQUIRE_FALSE(frame->catalogue()->shown_items().empty());
    CHECK(frame->catalogue()->shown_items().front() == "000718001001");
    keyboard("key Return");
    REQUIRE(intake.items() == std::vector<std::string>{"000718001001"});
    CHECK(intake.focused_field() == "field:applicant.name");

    // F2 reads the applicant's ID card (the simulated reader holds 李娜's card).
    keyboard("key F2");
    shell.services->wait_idle();
    pump(200);
    CHECK(intake.value("applicant.id_number") == "13043419960315024X");

    // Walk the form with Enter, typing the demo case's values where the keyboard lands.
    auto demo_case = load_json_file(fs::path(ONEWINDOW_STAGE_DIR) /
                                    "share/onewindow/demo/first_child_complete.json")
                         .extract<Poco::JSON::Object::Ptr>();
    auto values = demo_case->getObject("values");
    std::vector<std::string> visited;
    int passing = 0;  // steps over controls that are not the form's (buttons, panels)
    for (int step = 0; step < 80; ++step) {
        const std::string where = intake.focused_field();
        INFO(where);
        if (std::find(visited.begin(), visited.end(), where) != visited.end()) break;  // round
        if (where.empty() || where == "button") {
            if (++passing > 4) break;  // out of the form
            keyboard("key Tab");
            continue;
        }
        passing = 0;
        visited.push_back(where);
        const std::string key = where.substr(where.find(':') + 1);
        if (where.rfind("field:", 0) == 0) {
            const std::string want =
                values->has(key) ? values->get(key).convert<std::string>() : std::string();
            if (dynamic_cast<wxOwnerDrawnComboBox*>(intake.control(key))) {
                for (int i = 0; i < 8 && intake.value(key) != want; ++i) keyboard("key Down");
                CHECK(intake.value(key) == want);
            } else if (intake.value(key).empty() && !want.empty()) {
                // xdotool types a Chinese character by mapping a spare key to it for a moment;
                // on a loaded machine the window can read the key after the mapping is gone,
                // so a field that did not take the text is cleared and typed again, slower.
                for (int delay = 15; delay <= 240 && intake.value(key) != want; delay *= 4) {
                    if (!intake.value(key).empty()) keyboard("key ctrl+a BackSpace");
                    keyboard("type --delay " + std::to_string(delay) + " '" + want + "'");
                }
                CHECK(intake.value(key) == want);
            }
            keyboard("key Return");
        } else if (where.rfind("supplied:", 0) == 0) {
            auto* box = wxDynamicCast(wxWindow::FindFocus(), wxCheckBox);
            REQUIRE(box);
            if (key != "photo" && !box->GetValue()) keyboard("key space");  // paper seen
            keyboard("key Tab");
        } else if (where.rfind("tolerated:", 0) == 0) {
            keyboard(key == "photo" ? "key space"
                                    : "key Tab");  // space puts the keys on the promise
        } else if (where.rfind("promise:", 0) == 0) {
            keyboard("type --delay 15 '申请人承诺自受理之日起 5 个工作日内补交照片'");
            keyboard("key Tab");
        } else {
            keyboard("key Tab");
        }
    }
    std::string walked;
    for (const auto& w : visited) walked += w + " ";
    wxWindow* last_focus = wxWindow::FindFocus();
    INFO("walked: " << walked << "then: " << intake.focused_field() << " "
                    << (last_focus ? utf8(wxString(last_focus->GetClassInfo()->GetClassName()) +
                                          " " + last_focus->GetLabel())
                                   : std::string("(no focus)")));
    std::string messages;
    for (const auto& w : visited)
        if (w.rfind("field:", 0) == 0 && !intake.message(w.substr(6)).empty())
            messages += w + "=" + intake.message(w.substr(6)) + " ";
    INFO("messages: " << messages);
    for (const char* key :
         {"field:applicant.phone", "field:spouse.name", "field:family_planning.children.count",
          "supplied:marriage_cert", "promise:photo"})
        CHECK(std::find(visited.begin(), visited.end(), key) != visited.end());
    CHECK(intake.value("spouse.name") == "王强");
    CHECK(intake.value("applicant.marital_status") == "初婚");

    // F9 accepts.
    keyboard("key F9");
    shell.services->wait_idle();
    pump(200);
    INFO(intake.last_result().message);
    REQUIRE(intake.last_result().kind == DecisionResult::Kind::Accepted);
    auto held = shell.services->lock();
    auto record = shell.services->counter().store().cases().find(intake.last_result().number);
    REQUIRE(record);
    CHECK(record->applicant_name == "李娜");
    CHECK(record->materials.size() == 4);
}

TEST_CASE("The shell's dispatcher sends an accepted case to a real back office",
          "[gui][exchange]") {
    // A back office on 127.0.0.1 serving the family-planning department for counter WX01.
    testing::TempDir office_dir{"onewindow-gui-office"};
    auto office = start_office(office_dir.path, "WX01");
    Shell shell([&](const fs::path& data) {
        std::ofstream(data / "exchange.json")
            << R"({"client": "WX01", "timeout_seconds": 5, "endpoints": {"county_health": )"
            << R"({"url": "http://127.0.0.1:)" << office->port()
            << R"(", "secret": "counter-WX01-shared-secret"}}})";
    });
    REQUIRE(shell.services->dispatcher());
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    IntakePanel& intake = *frame->intake();
    const auto accepted = accept_first_child(intake);
    INFO(accepted.message);
    REQUIRE(accepted.kind == DecisionResult::Kind::Accepted);

    // The dispatcher was woken by the acceptance: the item arrives, once.
    auto received = [&] {
        SQLite::Database db((office_dir.path / "office.db").string(), SQLite::OPEN_READONLY);
        return db.execAndGet("SELECT count(*) FROM cases").getInt64();
    };
    for (int i = 0; i < 100 && received() == 0; ++i) pump(100);
    CHECK(received() == 1);
    for (int i = 0; i < 50 && utf8(shell.services->exchange_status()) != "后台：在线"; ++i)
        pump(100);
    CHECK(utf8(shell.services->exchange_status()) == "后台：在线");
    shell.services->wait_idle();
}

TEST_CASE("Agent mode: the status bar warns of items to forward that are late", "[gui][agent]") {
    Shell shell;
    shell.sign_in_clerk();
    {
        auto* frame = shell.open_frame();
        Closing closing{frame};
        CHECK(utf8(frame->GetStatusBar()->GetStatusText(2)).find("待转报") == std::string::npos);
    }
    {
        // Taken in by an agent two weeks ago and never forwarded: red.
        auto held = shell.services->lock();
        AcceptRequest r =
            testing::sample_accept_request(Date::today().plus_days(-14).iso() + " 09:30:00");
        r.agent = true;
        r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
        shell.services->counter().store().cases().accept(r);
    }
    auto* frame = shell.open_frame();
    Closing closing{frame};
    CHECK(utf8(frame->GetStatusBar()->GetStatusText(2)) == "待分送：1 件（1 件待转报已超时）");
}

TEST_CASE("Supervisors see the counter log: figures, charts, deadline board, CSV",
          "[gui][report]") {
    Shell shell;
    {
        // Two weeks ago a case was taken in; its item is overdue now. Today, another.
        auto held = shell.services->lock();
        CaseStore& store = shell.services->counter().store();
        for (int days_ago : {14, 0}) {
            AcceptRequest r = testing::sample_accept_request(
                Date::today().plus_days(-days_ago).iso() + (days_ago ? " 09:30:00" : " 10:15:00"));
            r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
            const std::string number = store.cases().accept(r).case_number;
            if (days_ago)  // and the applicant was unhappy with that visit
                store.hand_outs().record_rating(
                    number, 1, "材料要求没讲清楚",
                    Date::today().plus_days(-days_ago).iso() + " 09:50:00");
        }
    }
    {
        // Clerks do not see it.
        shell.sign_in_clerk();
        auto* frame = shell.open_frame();
        Closing closing{frame};
        CHECK(frame->counter_log() == nullptr);
    }
    shell.services->set_user(*shell.login("lijun", kDemoPassword).user);
    auto* frame = shell.open_frame();
    Closing closing{frame};
    LogPanel* log = frame->counter_log();
    REQUIRE(log);
    log->show(Date::today().plus_days(-20), Date::today(), {});
    CHECK(log->log().cases == 2);
    CHECK(utf8(log->summary()).find("受理办件 2 件") != std::string::npos);
    REQUIRE(log->board_rows() >= 1);
    CHECK(log->board_text(0, 0) == "已逾期");
    CHECK(log->board_text(0, 4) == "魏县卫生健康局");
    const fs::path csv = shell.dir.path / "log.csv";
    REQUIRE(log->export_csv(csv.string()));
    CHECK(fs::file_size(csv) > 100);
    // Compared with the 21 days before: two cases now, none then.
    REQUIRE(log->comparison_rows() > 5);
    CHECK(log->comparison_text(0, 0) == "受理件数");
    CHECK(log->comparison_text(0, 1) == "2");
    CHECK(log->comparison_text(0, 2) == "0");
    CHECK(log->comparison_text(0, 3) == "+2");
    // The bad rating waits for its follow-up.
    REQUIRE(log->bad_rating_rows() == 1);
    CHECK(log->bad_rating_text(0, 3) == "非常不满意");
    CHECK(log->bad_rating_text(0, 5) == "材料要求没讲清楚");
    frame->pages()->SetSelection(frame->pages()->FindPage(log));
    pump(200);
    screenshot(frame, "counter-log.png");
    CHECK_FALSE(log->resolve_bad_rating(0, " ").empty());  // say how
    CHECK(log->bad_rating_rows() == 1);
    CHECK(log->resolve_bad_rating(0, "已电话回访并致歉，窗口增设材料清单").empty());
    CHECK(log->bad_rating_rows() == 0);
    // Printed: the report with its charts goes to the preview.
    log->print_log();
    shell.services->wait_idle();  // the PDF; its preview then rasterises in the background too
    shell.services->wait_idle();
    pump(300);
    REQUIRE(frame->preview());
    const std::string report = pdftotext(frame->preview()->pdf());
    CHECK(report.find("综合受理窗口工作报表") != std::string::npos);
    CHECK(report.find("与上期比较") != std::string::npos);
    CHECK(frame->preview()->pages_shown() >= 1);

    // The audit trail: the two acceptances and the sign-ins, filtered; the chain verified.
    AuditPanel* audit = frame->audit();
    REQUIRE(audit);
    audit->show({"", "", "case.accepted", 500});
    REQUIRE(audit->rows() == 2);
    CHECK(audit->row_text(0, 3) == "已受理");
    audit->show({"lijun", "", "", 500});
    REQUIRE(audit->rows() >= 2);
    CHECK(audit->row_text(0, 3) == "差评整改完毕");  // newest first
    CHECK(audit->row_text(audit->rows() - 1, 3) == "登录");
    CHECK(audit->verify().ok);
    CHECK(utf8(audit->verdict()).find("审计链完整") != std::string::npos);
    std::vector<std::string> english;
    check_labels_translated(frame, english);
    CHECK(english == std::vector<std::string>{});
}

TEST_CASE("The result document of an approved item prints from the case detail", "[gui][results]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    IntakePanel& intake = *frame->intake();
    const auto accepted = accept_first_child(intake);
    REQUIRE(accepted.kind == DecisionResult::Kind::Accepted);
    shell.services->wait_idle();
    pump(100);
    CasesPanel& cases = *frame->cases();
    // Not decided yet: told, nothing printed.
    auto print_result = [&](CasesPanel::Said said) {
        cases.print_item_document(accepted.number, "000718001001", true, said);
    };
    CHECK(utf8(finished(shell, print_result)).find("尚未办结") != std::string::npos);
    approve_first_child(shell, accepted.number, "冀魏生字〔2026〕第0815号");
    CHECK(finished(shell, print_result).empty());
    shell.services->wait_idle();
    pump(300);
    REQUIRE(frame->preview());
    CHECK(frame->preview()->pdf().find("-result.pdf") != std::string::npos);
    CHECK(pdftotext(frame->preview()->pdf()).find("冀魏生字〔2026〕第0815号") != std::string::npos);
    CHECK(frame->preview()->pages_shown() >= 1);
    screenshot(frame->preview(), "result-preview.png");

    // 统一窗口出件: a wrong ID number is told and records nothing; then handed out.
    auto hand_out = [&](const std::string& id_number) {
        return finished(shell, [&](CasesPanel::Said said) {
            cases.hand_out(accepted.number, "李娜", id_number, "居民身份证", said);
        });
    };
    CHECK_FALSE(hand_out("130434199603150241").empty());
    {
        auto held = shell.services->lock();
        CHECK(shell.services->counter().store().cases().find(accepted.number)->status !=
              "handed_out");
    }
    CHECK(hand_out("13043419960315024X").empty());
    {
        auto held = shell.services->lock();
        CHECK(shell.services->counter().store().cases().find(accepted.number)->status ==
              "handed_out");
    }
    // The preview shows the result that was handed out.
    shell.services->wait_idle();
    pump(300);
    REQUIRE(frame->preview());
    CHECK(pdftotext(frame->preview()->pdf()).find("冀魏生字〔2026〕第0815号") != std::string::npos);
    CHECK(frame->preview()->pages_shown() >= 1);
    // The hand-out invites the applicant to rate the visit on the rating screen, once.
    RatingFrame& rating = *frame->rating();
    CHECK(rating.state() == "levels");
    CHECK(rating.case_number() == accepted.number);
    CHECK(rating.choose(5).empty());
    CHECK(rating.state() == "thanks");
    rating.invite(accepted.number, "张敏");
    CHECK_FALSE(rating.choose(4).empty());  // rated already today

    // The case detail (modal): its items, the documents, hand-out and rating, the timeline.
    bool shown = false;
    wxTheApp->CallAfter([&] {
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* dialog = dynamic_cast<wxDialog*>(w); dialog && dialog->IsModal()) {
                screenshot(dialog, "case-detail.png");
                // The accepting counter is named: at a centre the case may come from another.
                std::function<bool(wxWindow*)> names_counter = [&](wxWindow* window) {
                    if (auto* text = dynamic_cast<wxStaticText*>(window);
                        text &&
                        text->GetLabel().utf8_string().find("受理窗口：WX01") != std::string::npos)
                        return true;
                    for (wxWindow* child : window->GetChildren())
                        if (names_counter(child)) return true;
                    return false;
                };
                CHECK(names_counter(dialog));
                std::vector<std::string> english;
                check_labels_translated(dialog, english);
                CHECK(english == std::vector<std::string>{});
                shown = true;
                dialog->EndModal(wxID_CLOSE);
            }
    });
    cases.show_detail(accepted.number);
    CHECK(shown);
}

TEST_CASE("The tolerated photo is supplied from the case detail, once", "[gui][supply]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    const auto accepted = accept_first_child(*frame->intake());
    REQUIRE(accepted.kind == DecisionResult::Kind::Accepted);
    shell.services->wait_idle();
    CasesPanel& cases = *frame->cases();

    // The dialog lists what is outstanding, in Chinese; cancelled, it records nothing.
    bool shown = false;
    wxTheApp->CallAfter([&] {
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* dialog = dynamic_cast<wxDialog*>(w); dialog && dialog->IsModal()) {
                screenshot(dialog, "supply.png");
                std::string labels;
                std::function<void(wxWindow*)> read = [&](wxWindow* window) {
                    if (dynamic_cast<wxStaticText*>(window) || dynamic_cast<wxButton*>(window))
                        labels += window->GetLabel().utf8_string() + "\n";
                    for (wxWindow* child : window->GetChildren()) read(child);
                };
                read(dialog);
                INFO(labels);
                CHECK(labels.find("容缺材料") != std::string::npos);
                CHECK(labels.find("近期一寸免冠照片") != std::string::npos);
                CHECK(labels.find("5 个工作日内补交") != std::string::npos);
                std::vector<std::string> english;
                check_labels_translated(dialog, english);
                CHECK(english == std::vector<std::string>{});
                shown = true;
                dialog->EndModal(wxID_CANCEL);
            }
    });
    CHECK_FALSE(cases.show_supply(accepted.number));
    CHECK(shown);

    CHECK(supply_photo(shell, cases, accepted.number, shell.dir.path / "photo.png").empty());
    // The 补交材料回执, rendered on a worker, is in the preview.
    shell.services->wait_idle();
    pump(300);
    REQUIRE(frame->preview());
    CHECK(frame->preview()->pdf().find(accepted.number + "-BJ1-supplement.pdf") !=
          std::string::npos);
    const std::string receipt = pdftotext(frame->preview()->pdf());
    CHECK(receipt.find("补 交 材 料 回 执") != std::string::npos);
    CHECK(receipt.find(accepted.number + "-BJ1") != std::string::npos);
    CHECK(frame->preview()->pages_shown() >= 1);
    {
        auto held = shell.services->lock();
        const auto record = shell.services->counter().store().cases().find(accepted.number);
        REQUIRE(record);
        for (const auto& m : record->materials)
            if (m.key == "photo") CHECK_FALSE(m.supplied_at.empty());
        CHECK(CaseDesk(shell.services->session()).outstanding(accepted.number).empty());
    }
    // Nothing is outstanding any more: the dialog does not open; a second supply is refused.
    CHECK_FALSE(cases.show_supply(accepted.number));
    OutstandingSupply photo{"tolerated", "", "", {{"photo", "近期一寸免冠照片", ""}}};
    const wxString again = finished(shell, [&](CasesPanel::Said said) {
        cases.supply(accepted.number, photo, {{"photo", shell.dir.path / "photo.png"}}, said);
    });
    CHECK(utf8(again).find("已于") != std::string::npos);

    // The case detail's timeline shows it, with the window it was taken at.
    bool looked = false;
    wxTheApp->CallAfter([&] {
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* dialog = dynamic_cast<wxDialog*>(w); dialog && dialog->IsModal()) {
                std::string rows;
                std::function<void(wxWindow*)> read = [&](wxWindow* window) {
                    if (auto* list = dynamic_cast<wxListCtrl*>(window))
                        for (long r = 0; r < list->GetItemCount(); ++r)
                            for (int c = 0; c < list->GetColumnCount(); ++c)
                                rows += list->GetItemText(r, c).utf8_string() + "\t";
                    for (wxWindow* child : window->GetChildren()) read(child);
                };
                read(dialog);
                INFO(rows);
                CHECK(rows.find("补交材料") != std::string::npos);
                CHECK(rows.find(accepted.number + "-BJ1") != std::string::npos);
                CHECK(rows.find("容缺材料补交") != std::string::npos);
                looked = true;
                dialog->EndModal(wxID_CLOSE);
            }
    });
    cases.show_detail(accepted.number);
    CHECK(looked);
}

TEST_CASE("The applicant rates the visit on the rating screen; the clerk has no rating button",
          "[gui][rating]") {
    Shell shell;
    shell.sign_in_clerk();
    auto* frame = shell.open_frame();
    Closing closing{frame};
    IntakePanel& intake = *frame->intake();
    RatingFrame& rating = *frame->rating();
    CHECK(rating.IsShown());
    CHECK(rating.state() == "welcome");
    const auto accepted = accept_first_child(intake);
    REQUIRE(accepted.kind == DecisionResult::Kind::Accepted);
    shell.services->wait_idle();
    pump(200);
    // The acceptance invites the applicant: the case, the clerk, five levels.
    CHECK(rating.state() == "levels");
    CHECK(rating.case_number() == accepted.number);
    std::vector<std::string> english;
    check_labels_translated(&rating, english);
    CHECK(english == std::vector<std::string>{});
    screenshot(&rating, "rating.png");
    // A bad level asks why before it is recorded; the supervisor follows it up.
    CHECK(rating.choose(2).empty());
    CHECK(rating.state() == "reason");
    {
        auto held = shell.services->lock();
        CHECK(shell.services->counter().store().hand_outs().open_bad_ratings().empty());
    }
    CHECK(rating.submit("等候时间太长").empty());
    CHECK(rating.state() == "thanks");
    {
        auto held = shell.services->lock();
        const auto open = shell.services->counter().store().hand_outs().open_bad_ratings();
        REQUIRE(open.size() == 1);
        CHECK(open[0].case_number == accepted.number);
        CHECK(open[0].level == 2);
        CHECK(open[0].comment == "等候时间太长");
    }
    rating.rest();
    CHECK(rating.state() == "welcome");
    CHECK_FALSE(rating.choose(5).empty());  // not invited: nothing to rate

    // The case detail has no rating button: ratings are the applicant's.
    bool looked = false;
    wxTheApp->CallAfter([&] {
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* dialog = dynamic_cast<wxDialog*>(w); dialog && dialog->IsModal()) {
                std::function<void(wxWindow*)> visit = [&](wxWindow* window) {
                    if (wxDynamicCast(window, wxButton))
                        CHECK(utf8(window->GetLabel()).find("评价") == std::string::npos);
                    for (wxWindow* child : window->GetChildren()) visit(child);
                };
                visit(dialog);
                looked = true;
                dialog->EndModal(wxID_CLOSE);
            }
    });
    frame->cases()->show_detail(accepted.number);
    CHECK(looked);
}

TEST_CASE("Two shells at two counters share one centre: WX01 accepts, WX02 hands out",
          "[gui][centre]") {
    // Two windows in one process (two Services, each with its own data folder, connections and
    // dispatcher, as two PCs have), on one database of the test run's PostgreSQL server.
    REQUIRE(testing::on_postgresql());
    testing::TempDir centre_dir{"onewindow-gui-centre"};
    testing::TestStore centre(centre_dir.path);
    const auto at_counter = [&](const std::string& code) {
        return [&, code](const fs::path& data) {
            centre.configure(data);
            auto config = load_json_file(data / "counter.json").extract<Poco::JSON::Object::Ptr>();
            config->set("code", code);
            std::ofstream(data / "counter.json") << to_json(config);
            prepare_demo_data(data);  // the demo accounts, once for the centre
        };
    };
    Shell wx01(at_counter("WX01")), wx02(at_counter("WX02"));
    wx01.sign_in_clerk();
    {
        // WX02's own clerk, in the centre's accounts.
        auto held = wx02.services->lock();
        NewUser clerk;
        clerk.name = "wangfang";
        clerk.display_name = "王芳";
        clerk.counter = "WX02";
        clerk.password = kDemoPassword;
        wx02.services->counter().store().accounts().create_user(clerk, "admin");
    }
    wx02.services->set_user(*wx02.login("wangfang", kDemoPassword).user);
    auto* frame01 = wx01.open_frame();
    Closing closing01{frame01};
    auto* frame02 = wx02.open_frame();
    Closing closing02{frame02};

    // WX01 takes the case in through its intake form.
    const auto accepted = accept_first_child(*frame01->intake());
    INFO(accepted.message);
    REQUIRE(accepted.kind == DecisionResult::Kind::Accepted);
    CHECK(accepted.number.rfind("WX01-", 0) == 0);
    wx01.services->wait_idle();
    // The applicant brings the tolerated photo to WX02 (补交 at any window).
    CasesPanel& cases = *frame02->cases();
    CHECK(supply_photo(wx02, cases, accepted.number, wx02.dir.path / "photo.png").empty());
    CHECK(centre.scalar("SELECT count(*) FROM audit_events WHERE type = 'case.supplied' AND"
                        " counter = 'WX02' AND subject = '" +
                        accepted.number + "'") == 1);
    CHECK(centre.scalar("SELECT count(*) FROM supplements WHERE counter = 'WX02'") == 1);
    // The department decides (the store's decision path, as the back office's pull records it).
    approve_first_child(wx01, accepted.number, "冀魏生字〔2026〕第0816号");

    // WX02 finds it by its number and hands the result out.
    CHECK(finished(wx02, [&](CasesPanel::Said said) {
              cases.hand_out(accepted.number, "李娜", "13043419960315024X", "居民身份证", said);
          }).empty());
    wx02.services->wait_idle();
    pump(300);
    CHECK(centre.scalar("SELECT count(*) FROM cases WHERE status = 'handed_out' AND number = '" +
                        accepted.number + "'") == 1);
    CHECK(centre.scalar("SELECT count(*) FROM audit_events WHERE type = 'case.handed_out' AND"
                        " counter = 'WX02' AND subject = '" +
                        accepted.number + "'") == 1);
    {
        auto held = wx02.services->lock();
        const auto record = wx02.services->counter().store().cases().find(accepted.number);
        REQUIRE(record);
        CHECK(record->counter == "WX01");
        CHECK(record->status == "handed_out");
        CHECK(wx02.services->counter().store().audit().verify().ok);
    }

    // Shell 2's case detail names WX01 as the accepting counter, and shows the hand-out.
    bool shown = false;
    wxTheApp->CallAfter([&] {
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* dialog = dynamic_cast<wxDialog*>(w); dialog && dialog->IsModal()) {
                screenshot(dialog, "centre-case-detail-wx02.png");
                std::string labels;
                std::function<void(wxWindow*)> read = [&](wxWindow* window) {
                    if (auto* text = dynamic_cast<wxStaticText*>(window))
                        labels += text->GetLabel().utf8_string() + "\n";
                    for (wxWindow* child : window->GetChildren()) read(child);
                };
                read(dialog);
                INFO(labels);
                CHECK(labels.find("受理窗口：WX01") != std::string::npos);
                // The timeline names the other window where the photo was brought.
                std::string rows;
                std::function<void(wxWindow*)> list_rows = [&](wxWindow* window) {
                    if (auto* list = dynamic_cast<wxListCtrl*>(window))
                        for (long r = 0; r < list->GetItemCount(); ++r)
                            rows += list->GetItemText(r, 1).utf8_string() + "|" +
                                    list->GetItemText(r, 2).utf8_string() + "\n";
                    for (wxWindow* child : window->GetChildren()) list_rows(child);
                };
                list_rows(dialog);
                INFO(rows);
                CHECK(rows.find("王芳（WX02）|补交材料") != std::string::npos);
                shown = true;
                dialog->EndModal(wxID_CLOSE);
            }
    });
    cases.show_detail(accepted.number);
    CHECK(shown);
}
