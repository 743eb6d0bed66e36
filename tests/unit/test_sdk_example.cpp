// A department the program does not ship, end to end: the SDK example built out of tree against
// the SDK alone (ctest fixture sdk_example, tests/integration/sdk_example.cmake) is installed
// into a counter's data folder and trusted; a case of its item, with its own fields, goes in
// through the CLI, to the real back office and back approved, and its result document prints;
// a changed form or template makes it untrusted, a broken one failed, and `plugins list` says
// why. Run by ctest as sdk_example_case_end_to_end (hidden from the discovered tests: it needs
// the fixture).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "http_test_client.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/json.hpp"
#include "pdf_check.hpp"
#include "real_backoffice.hpp"
#include "shell_run.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace onewindow;
using testing::quote;
using testing::run;

namespace {

const fs::path stage = ONEWINDOW_STAGE_DIR;
const char* kItem = "000799001000";
const char* kStaffSecret = "example-office-secret-0123456789";

/// The example plugin folder the fixture built out of tree.
fs::path built_example() {
    const char* dir = std::getenv("ONEWINDOW_SDK_EXAMPLE_DIR");
    REQUIRE(dir);
    REQUIRE(fs::exists(fs::path(dir) / "plugin.json"));
    return dir;
}

std::string cli(const fs::path& data) {
    return quote(stage / "bin/onewindow-cli") + " --data " + quote(data) + " ";
}

/// The line of `plugin` in `plugins list` and the reasons under it.
std::string listed(const fs::path& data, const std::string& plugin) {
    auto list = run(cli(data) + "plugins list");
    REQUIRE(list.code == 0);
    const std::size_t at = list.out.find(plugin + "\t");
    REQUIRE(at != std::string::npos);
    std::size_t end = list.out.find('\n', at);
    while (end != std::string::npos && end + 1 < list.out.size() && list.out[end + 1] == '\t')
        end = list.out.find('\n', end + 1);
    return list.out.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

/// Decides the back office's case `reference` as its department's staff (POST /v1/decisions).
testing::Response approve(unsigned short port, const std::string& reference) {
    const std::string body = R"({"reference": ")" + reference +
                             R"(", "outcome": "approved", "decided_by": "示例审核人",
        "data": {"certificate_no": "示例证〔2026〕第0042号"}})";
    auto headers = exchange::sign_request("POST", "/v1/decisions", body, "", "example-office",
                                          kStaffSecret, std::time(nullptr), exchange::new_nonce());
    return testing::send_raw(port, "POST", "/v1/decisions", body, headers);
}

}  // namespace

TEST_CASE("The out-of-tree example department takes a case in and prints its result",
          "[.][sdk_e2e]") {
    testing::TempDir dir{"onewindow-sdk-e2e"}, office_dir{"onewindow-sdk-office"};
    const fs::path data = dir.path / "data", installed = data / "plugins" / "example";
    fs::create_directories(data / "plugins");
    fs::copy(built_example(), installed, fs::copy_options::recursive);

    // Not trusted yet: listed, not run.
    CHECK(listed(data, "example").find("untrusted") != std::string::npos);
    auto trusted = run(cli(data) + "plugins trust " + quote(installed));
    INFO(trusted.out);
    REQUIRE(trusted.code == 0);
    CHECK(trusted.out.find("example") != std::string::npos);
    CHECK(listed(data, "example").find("running") != std::string::npos);
    auto catalogue = run(cli(data) + "catalogue 用地");
    CHECK(catalogue.out.find(std::string(kItem) + "\t示例用地登记") != std::string::npos);

    // Its back office: the reference back office with the department and its staff.
    testing::RealOffice office(office_dir.path, {{"example", "示例局"}});
    std::ofstream(office.config)
        << R"({"listen": {"address": "127.0.0.1", "port": )" << office.port
        << R"(}, "database": "office.db", "departments": [{"code": "example", "name": "示例局"}],
              "counters": [{"id": "WX01", "secret": ")"
        << testing::kSecret << R"("}], "staff": [{"id": "example-office", "secret": ")"
        << kStaffSecret << R"(", "departments": ["example"]}]})";
    office.start();
    std::ofstream(data / "exchange.json")
        << R"({"client": "WX01", "timeout_seconds": 5, "endpoints": {"example": {"url": ")"
        << office.url() << R"(", "secret": ")" << testing::kSecret << R"("}}})";

    // A case with the department's own fields, taken in through the CLI. The form checks its
    // own field (the area is a number); the plugin's check refuses too large an area.
    const fs::path scans = stage / "share/onewindow/demo/scans";
    auto case_file = [&](const std::string& name, const std::string& area) {
        const fs::path file = dir.path / name;
        std::ofstream(file) << R"({"format": "onewindow.case/1", "items": [")" << kItem
                            << R"("], "clerk": "张敏", "now": "2026-11-23 09:30:00", "values": {
            "applicant.name": "李娜", "applicant.id_number": "13043419960315024X",
            "applicant.phone": "13831045678", "applicant.hukou_division": "130434",
            "household.members": [{"member.name": "王强", "member.relation": "配偶"}],
            "example.site_address": "魏城镇南关村 12 号", "example.site_area": )"
                            << area << R"(, "example.purpose": "自住"},
            "materials": [{"key": "id_card", "file": ")"
                            << (scans / "id_card_li_na.png").string()
                            << R"("}, {"key": "hukou", "file": ")" << (scans / "hukou.png").string()
                            << R"("}, {"key": "example.site_plan", "tolerated": true,
                "promise": "申请人承诺于 2026年11月30日 前补交用地位置示意图"}]})";
        return file;
    };
    auto too_large = run(cli(data) + "intake " + quote(case_file("large.json", "260")));
    INFO(too_large.out);
    CHECK(too_large.code == 2);
    CHECK(too_large.out.find("用地面积超过本县规定的上限 200 平方米") != std::string::npos);
    auto intake = run(cli(data) + "intake " + quote(case_file("case.json", "120")));
    INFO(intake.out);
    REQUIRE(intake.code == 0);
    REQUIRE(intake.out.rfind("ACCEPTED ", 0) == 0);
    const std::string number = intake.out.substr(9, intake.out.find('\n') - 9);

    // To the back office and back, approved.
    auto dispatched = run(cli(data) + "dispatch --once");
    INFO(dispatched.out);
    CHECK(dispatched.out.find("DISPATCHED sent=1") != std::string::npos);
    auto decided = approve(office.port, "BO-000001");
    INFO(decided.body);
    REQUIRE(decided.status == 201);
    auto pulled = run(cli(data) + "pull --once");
    INFO(pulled.out);
    CHECK(pulled.out.find("PULLED decisions=1") != std::string::npos);

    // The result document, filled by the plugin from the case and the decision.
    const fs::path pdf = dir.path / "certificate.pdf";
    auto printed = run(cli(data) + "print result " + number + " " + kItem + " -o " + quote(pdf));
    INFO(printed.out);
    REQUIRE(printed.code == 0);
    const std::string text = testing::without_spaces(testing::page_text(pdf, 1));
    for (const char* part : {"示例用地登记证明", "示例证〔2026〕第0042号", "李娜",
                             "13043419960315024X", "魏城镇南关村12号", "120平方米", "自住"})
        CHECK(text.find(testing::without_spaces(part)) != std::string::npos);
    CHECK(text.find(number) != std::string::npos);
    // The day the back office decided, written the Chinese way by the plugin.
    CHECK(std::regex_search(text, std::regex("出具日期：\\d{4}年\\d{1,2}月\\d{1,2}日")));
    testing::check_ink(pdf, 1);
    if (const char* shots = std::getenv("ONEWINDOW_SCREENSHOT_DIR")) {
        fs::create_directories(shots);
        run("pdftoppm -png -r 60 -singlefile " + quote(pdf) + " " +
            quote(fs::path(shots) / "sdk-example-certificate"));
    }
    office.stop();

    // The counter's log holds the plugin's line, marked with its id.
    const std::string log = read_text_file(data / "logs" / "counter.log");
    CHECK(log.find("INFO example: 用地面积上限 200 平方米") != std::string::npos);

    // A changed form or template: untrusted until trusted again.
    for (const char* file : {"forms/registration.json", "templates/certificate.json"}) {
        INFO(file);
        const std::string original = read_text_file(installed / file);
        std::ofstream(installed / file, std::ios::app) << "\n";
        CHECK(listed(data, "example").find("untrusted") != std::string::npos);
        CHECK(listed(data, "example").find("its files changed since it was trusted") !=
              std::string::npos);
        std::ofstream(installed / file, std::ios::trunc) << original;
        CHECK(listed(data, "example").find("running") != std::string::npos);
    }
    // A broken form, trusted as it is: failed, with the reason under it.
    std::string form = read_text_file(installed / "forms/registration.json");
    form.replace(form.find(R"("example.purpose", "required")"),
                 std::string(R"("example.purpose")").size(), R"("example.colour")");
    std::ofstream(installed / "forms/registration.json", std::ios::trunc) << form;
    REQUIRE(run(cli(data) + "plugins trust " + quote(installed)).code == 0);
    const std::string failed = listed(data, "example");
    CHECK(failed.find("\tfailed\n") != std::string::npos);
    CHECK(failed.find("\t" + (installed / "forms/registration.json").string() +
                      ": $.form.sections[2].fields[2].key: unknown field key \"example.colour\"") !=
          std::string::npos);
    CHECK(run(cli(data) + "catalogue 用地").out.find(kItem) == std::string::npos);
}
