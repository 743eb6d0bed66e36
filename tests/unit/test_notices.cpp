// The notices a window hands out share one look: the header and footer parts every notice
// includes, the refusal notice (不予受理通知书) and the correction notice (补正材料通知书).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/document.hpp"
#include "onewindow/core/error.hpp"
#include "pdf_check.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
using testing::checked_template;
namespace fs = std::filesystem;

static const fs::path templates = fs::path(ONEWINDOW_SOURCE_DIR) / "templates/common";

TEST_CASE("Receipt and notices begin with the shared header and end with the shared footer",
          "[document][notices]") {
    for (const char* name : {"receipt", "notice", "refusal", "correction"}) {
        INFO(name);
        const auto tpl = checked_template(templates / (std::string(name) + ".json"));
        REQUIRE(tpl.origins.size() == tpl.body->size());
        // The receipt's own first element: the rating link's QR code at the top left.
        const std::size_t first = name == std::string("receipt") ? 1 : 0;
        if (first == 1) CHECK(tpl.body->getObject(0)->getValue<std::string>("align") == "left");
        CHECK(fs::path(tpl.origins[first].file).filename() == "header.json");
        CHECK(fs::path(tpl.origins.back().file).filename() == "footer.json");
        CHECK(tpl.origins.back().note.find(name + std::string(".json: $.body[")) !=
              std::string::npos);
        CHECK(tpl.body->getObject(0)->getValue<std::string>("type") == "qr");
        CHECK(tpl.margin_mm[0] == 22);  // where the tests look for the QR code
        CHECK(tpl.margin_mm[1] == 20);
    }
    for (const char* part : {"parts/header.json", "parts/footer.json"}) {
        INFO(part);
        CHECK(check_template_file(templates / part).to_string() == "");
    }
}

TEST_CASE("An included part gets its values at load and its problems are named",
          "[document][notices]") {
    testing::TempDir dir;
    fs::create_directories(dir.path / "parts");
    std::ofstream(dir.path / "parts/head.json") << R"({"format": "onewindow.template-part/1",
        "body": [{"type": "title", "text": "{{part.title}}"},
                 {"type": "paragraph", "text": "编号：{{part.number}}"}]})";
    std::ofstream(dir.path / "parts/nested.json") << R"({"format": "onewindow.template-part/1",
        "body": [{"type": "include", "file": "head.json"}]})";
    const auto good = dir.path / "good.json";
    std::ofstream(good) << R"({"format": "onewindow.template/1", "id": "good", "version": 1,
        "page": {"size": "A5"},
        "body": [{"type": "include", "file": "parts/head.json",
                  "values": {"title": "测试通知书", "number": "{{doc.number}}"}},
                 {"type": "paragraph", "text": "正文"}]})";
    const auto tpl = checked_template(good);
    REQUIRE(tpl.body->size() == 3);
    CHECK(tpl.origins[2].path == "$.body[1]");

    testing::TempDir out;
    DocumentRenderer renderer;
    auto data = parse_json(R"({"doc": {"number": "WX01-T-0001"}})", "data")
                    .extract<Poco::JSON::Object::Ptr>();
    renderer.render_to_file(tpl, data, out.path / "good.pdf");
    const std::string text = testing::page_text(out.path / "good.pdf", 1);
    CHECK(text.find("测试通知书") != std::string::npos);
    CHECK(text.find("编号：WX01-T-0001") != std::string::npos);
    try {
        renderer.render(tpl, parse_json("{}", "data").extract<Poco::JSON::Object::Ptr>());
        FAIL("rendered without data");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == (dir.path / "parts/head.json").string() +
                                           ": $.body[1].text: binding \"doc.number\" has no "
                                           "value in the document data (included at " +
                                           good.string() + ": $.body[0])");
    }

    const auto bad = dir.path / "bad.json";
    std::ofstream(bad) << R"({"format": "onewindow.template/1", "id": "bad", "version": 1,
        "page": {"size": "A4"},
        "body": [{"type": "include", "file": "parts/head.json", "values": {"title": "缺编号"}},
                 {"type": "include", "file": "parts/nested.json"},
                 {"type": "include", "file": "parts/none.json"}]})";
    const std::string issues = check_template_file(bad).to_string();
    CHECK(issues.find(bad.string() +
                      ": $.body[0].values: the part head.json needs the value \"number\"") !=
          std::string::npos);
    CHECK(issues.find((dir.path / "parts/nested.json").string() +
                      ": $.body[0].type: a part cannot include another part") != std::string::npos);
    CHECK(issues.find((dir.path / "parts/none.json").string() + ": $") != std::string::npos);
}

TEST_CASE("A QR code is checked for its size", "[document][notices]") {
    testing::TempDir dir;
    const auto file = dir.path / "qr.json";
    std::ofstream(file) << R"({"format": "onewindow.template/1", "id": "qr", "version": 1,
        "page": {"size": "A4"}, "body": [{"type": "qr", "text": "{{n}}", "mm": 5}]})";
    CHECK(check_template_file(file).to_string() ==
          file.string() + ": $.body[0].mm: must be between 10 and 60 (millimetres)");
}

TEST_CASE("The correction notice is rendered from a back-office decision's data",
          "[document][notices]") {
    testing::TempDir data;
    auto counter = Counter::open({ONEWINDOW_STAGE_DIR, data.path});
    CorrectionRequest request{
        .number = "",  // the first correction of the item: -BZ1
        .case_number = "WX01-20261123-0007",
        .applicant_name = "李娜",
        .applicant_id_number = "13043419900101002X",
        .item_code = "000718001001",
        .item_name = "一孩生育服务登记",
        .department = "魏县卫生健康局",
        .materials = {{"结婚证", "复印件模糊，无法辨认登记日期，请提交清晰的复印件"},
                      {"居民户口簿", "户主页缺失，请补交户主页复印件"}},
        .deadline = *Date::parse("2026-12-07"),
        .date = *Date::parse("2026-11-25"),
        .clerk = ""};
    const auto pdf = data.path / "correction.pdf";
    counter->print_correction(request, pdf);
    const std::string text = testing::without_spaces(testing::page_text(pdf, 1));
    for (const char* expected : {"补正材料通知书",
                                 "魏县政务服务中心综合受理窗口",
                                 "编号：WX01-20261123-0007-BZ1",
                                 "受理编号WX01-20261123-0007",
                                 "一次性告知",
                                 "政务服务便民热线",
                                 "12345",
                                 "李娜",
                                 "130434********002X",
                                 "000718001001",
                                 "一孩生育服务登记",
                                 "魏县卫生健康局",
                                 "结婚证",
                                 "请提交清晰的复印件",
                                 "户主页缺失",
                                 "2026年12月7日",
                                 "2026年11月25日",
                                 "经办人",
                                 "张敏",
                                 "申请人（签收）",
                                 "受理专用章",
                                 "第1页共1页"}) {
        INFO(expected);
        CHECK(text.find(testing::without_spaces(expected)) != std::string::npos);
    }
    CHECK(text.find("13043419900101002X") == std::string::npos);
    // The notice's own number as a QR code at the top right (margins 22 mm top, 20 mm right).
    testing::check_qr(pdf, request.case_number + "-BZ1", 210 - 20, 22, 18);
    testing::check_ink(pdf, 1);
    request.materials.clear();
    CHECK_THROWS_AS(counter->print_correction(request, data.path / "none.pdf"), Error);
    CHECK_FALSE(fs::exists(data.path / "none.pdf"));
}

namespace {

/// A counter on the staged installation with one case accepted through the store: items and
/// materials as given, the demo applicant.
struct ReceiptCase {
    testing::ChineseMessages chinese;
    testing::TempDir data;
    std::unique_ptr<Counter> counter = Counter::open({ONEWINDOW_STAGE_DIR, data.path});
    std::string number;
    fs::path pdf = data.path / "receipt.pdf";

    ReceiptCase(std::vector<AcceptItem> items, std::vector<AcceptMaterial> materials) {
        auto request = testing::sample_accept_request("2026-11-23 10:05:00");
        request.items = std::move(items);
        request.materials = std::move(materials);
        number = counter->store().cases().accept(request).case_number;
        counter->print_receipt(number, pdf);
    }
    std::string text() const { return testing::without_spaces(testing::page_text(pdf, 1)); }
};

AcceptItem immediate_item() {
    auto item = testing::sample_item("000733002000", "county_medical_insurance", "medical");
    item.name = "异地就医备案";
    item.department_name = "魏县医疗保障局";
    item.immediate = true;
    item.promised_days = 0;
    item.legal_days = 0;
    return item;
}

}  // namespace

TEST_CASE("The receipt numbers its sections without gaps and says how each paper was received",
          "[document][notices]") {
    testing::TempDir scans;
    const fs::path scan = scans.path / "id_card.png";
    std::ofstream(scan) << "a scan of the ID card taken by the document camera";
    ReceiptCase receipt({testing::sample_item("000718001001", "county_health", "county_health")},
                        {{"id_card", "居民身份证", 1, 1, scan, false, ""},
                         {"marriage_cert", "结婚证", 1, 0, {}, false, ""},
                         {"income_proof", "收入证明", 0, 1, {}, false, ""}});
    const std::string text = receipt.text();
    INFO(text);
    // No tolerated gap: 一 to 四, 说明 the fourth (it was 五 after a missing 四).
    for (const char* expected :
         {"一、申请人", "二、受理事项", "三、已收材料", "四、说明", "原件已核验，窗口扫描留存",
          "原件1份", "复印件1份", "受理窗口：魏县政务服务中心综合受理窗口",
          "政务服务便民热线：12345", "咨询电话：0310-0000000（示例号码）", "承诺3个工作日",
          "领取办理结果"}) {
        INFO(expected);
        CHECK(text.find(expected) != std::string::npos);
    }
    CHECK(text.find("五、") == std::string::npos);
    CHECK(text.find("0份") == std::string::npos);             // never "复印件 0 份"
    CHECK(text.find("受理窗口：WX01") == std::string::npos);  // the window's name, not its code
    // The window checked the list; the department may still ask for a correction.
    CHECK(text.find("材料齐全") == std::string::npos);
    CHECK(text.find("补正材料通知书") != std::string::npos);
    testing::check_ink(receipt.pdf, 1);
    // Two QR codes a phone can read: the case number, and the page to rate the visit later.
    auto codes = testing::scanned_qr_codes(receipt.pdf, 1);
    std::sort(codes.begin(), codes.end());
    CHECK(codes == std::vector<std::string>{receipt.number,
                                            "https://rating.example/hcp?case=" + receipt.number});
    CHECK(text.find("扫码评价") != std::string::npos);
    testing::keep_preview(receipt.pdf, "receipt");
}

TEST_CASE("The receipt of immediate items promises no later hand-out", "[document][notices]") {
    ReceiptCase receipt({immediate_item()}, {{"id_card", "居民身份证", 1, 0, {}, false, ""}});
    const std::string text = receipt.text();
    INFO(text);
    CHECK(text.find("即办事项当场办结，办理结果当场交付") != std::string::npos);
    for (const char* absent : {"领取办理结果", "统一发放", "承诺办结日期自受理之日起"}) {
        INFO(absent);
        CHECK(text.find(absent) == std::string::npos);
    }
}

TEST_CASE("The receipt of a bundle names it, its lead department and the date promised for it",
          "[document][notices][bundles]") {
    auto report = testing::sample_item("000735002000", "county_veterans_affairs", "veterans");
    report.name = "退役士兵报到";
    report.department_name = "魏县退役军人事务局";
    auto card = report;
    card.code = "000735001000";
    card.name = "退役军人优待证申领";
    ReceiptCase receipt({report, card}, {{"id_card", "居民身份证", 1, 0, {}, false, ""}});
    const Bundle* discharge = receipt.counter->catalogue().find_bundle("veteran_discharge");
    REQUIRE(discharge);
    const std::string promised = receipt.counter->store()
                                     .calendar()
                                     .add_working_days(Date{2026, 11, 23}, discharge->promised_days)
                                     .chinese();
    const std::string text = receipt.text();
    INFO(text);
    for (const std::string& expected :
         {std::string("三、一件事"), std::string("一件事：军人退役一件事"),
          std::string("牵头部门：魏县退役军人事务局"),
          "整体承诺于" + promised + "前办结（自受理之日起" +
              std::to_string(discharge->promised_days) + "个工作日，为本县承诺时限，不是法定时限",
          std::string("四、已收材料")}) {
        INFO(expected);
        CHECK(text.find(testing::without_spaces(expected)) != std::string::npos);
    }
    testing::keep_preview(receipt.pdf, "receipt_bundle");

    // One item of the bundle alone is no bundle.
    ReceiptCase alone({report}, {{"id_card", "居民身份证", 1, 0, {}, false, ""}});
    CHECK(alone.text().find("一件事") == std::string::npos);
}
