// Result documents (结果文书): the departments' own templates, filled by their plugins through
// fill_document from the case and the back office's approved decision.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "cups_server.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/document.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"
#include "pdf_check.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path family_templates =
    fs::path(ONEWINDOW_SOURCE_DIR) / "plugins/family_planning/templates";
const char* kFirstChild = "000718001001";
const char* kBackOffice = "https://health.weixian.example/exchange";

const char* kCouple = R"("applicant.name": "李娜", "applicant.id_number": "13043419960315024X",
    "applicant.hukou_address": "河北省邯郸市魏县魏城镇南关村 12 号",
    "spouse.name": "王强", "spouse.id_number": "130434199408020132",
    "spouse.hukou_address": "河北省邯郸市魏县魏城镇北关村 3 号",
    "family_planning.marriage.date": "2024-05-20", "family_planning.marriage.certificate_no": "J130434-2024-001207",
    "family_planning.registration.timing": "生育前登记",
    "family_planning.pregnancy.expected_date": "2027-03-10", "family_planning.pregnancy.hospital": "魏县人民医院")";

/// A counter data folder the administrator has prepared (the bundled plugins trusted).
std::unique_ptr<Counter> prepared_counter(const fs::path& data) {
    ::setenv("ONEWINDOW_ROOT", ONEWINDOW_STAGE_DIR, 1);
    testing::test_store(data).configure(data);
    prepare_demo_data(data);
    return Counter::open({ONEWINDOW_STAGE_DIR, data});
}

/// A window of its own: a fresh data folder on the staged installation.
struct Window {
    testing::TempDir data;
    std::unique_ptr<Counter> counter = prepared_counter(data.path);

    /// Accepts a case of one item (of the family-planning plugin and department unless others are
    /// named)
    /// with the given form values (through the store: the values are what a validated intake
    /// keeps).
    std::string accept(const std::string& code, const std::string& name,
                       const std::string& values_json,
                       const std::string& plugin = "family_planning",
                       const std::string& department = "魏县卫生健康局") {
        auto request = testing::sample_accept_request("2026-11-20 09:30:00");
        request.values_json = values_json;
        auto item = testing::sample_item(code, "county_health", "county_health");
        item.plugin_id = plugin;
        item.department_name = department;
        item.name = name;
        request.items.push_back(item);
        return counter->store().cases().accept(request).case_number;
    }

    /// The same with the couple of both registration cards and the item's own values.
    std::string accept_couple(const std::string& code, const std::string& name,
                              const std::string& more_values) {
        return accept(code, name, std::string("{") + kCouple + ", " + more_values + "}");
    }

    /// A first-child registration case of the couple.
    std::string first_child_case() {
        return accept_couple(kFirstChild, "生育登记", R"("family_planning.children.count": 0)");
    }

    /// The shell command printing `what` of an item of a case to `pdf`; its output ends with
    /// "exit <status>".
    std::string cli(const std::string& what, const std::string& number, const fs::path& pdf) const {
        return "'" + std::string(ONEWINDOW_STAGE_DIR) + "/bin/onewindow-cli' --data '" +
               data.path.string() + "' print " + what + " " + number + " " + kFirstChild + " -o '" +
               pdf.string() + "' 2>&1; echo \"exit $?\"";
    }

    void decide(const std::string& case_number, const std::string& code, const std::string& outcome,
                const std::string& data_json, long long cursor) {
        ItemDecision d;
        d.cursor = cursor;
        d.case_number = case_number;
        d.item_code = code;
        d.outcome = outcome;
        d.data_json = data_json;
        d.decided_by = "赵静";
        d.decided_at = "2026-11-23 10:15:00";
        REQUIRE(counter->store().decisions().record(kBackOffice, "WX01", {"county_health"}, {d}, {},
                                                    cursor, "2026-11-23 10:20:00") == 1);
    }
};

/// Every value must be on the page (spaces aside), the page's glyphs must carry ink and every
/// word must lie within the 20 mm margins.
void check_document(const fs::path& pdf, const std::vector<std::string>& values) {
    REQUIRE(testing::page_count(pdf) == 1);
    const std::string text = testing::without_spaces(testing::page_text(pdf, 1));
    for (const auto& value : values) {
        INFO(value);
        CHECK(text.find(testing::without_spaces(value)) != std::string::npos);
    }
    testing::check_ink(pdf, 1);
    testing::check_words_within_margins(pdf, 20);
}

/// A window with a first-child registration case of the couple, taken in.
struct FirstChildCase : Window {
    const std::string code = kFirstChild;
    const std::string number = first_child_case();
};

}  // namespace

TEST_CASE("The family-planning result templates are valid and name their items",
          "[document][result][intake]") {
    const auto card = testing::checked_template(family_templates / "registration_card.json");
    CHECK(card.items == std::vector<std::string>{"000718001001"});  // one 生育登记, any order
    const auto migrant = testing::checked_template(family_templates / "migrant_certificate.json");
    CHECK(migrant.items == std::vector<std::string>{"000718002000"});
    CHECK(fs::is_regular_file(fs::path(ONEWINDOW_STAGE_DIR) /
                              "plugins/family_planning/templates/registration_card.json"));
}

TEST_CASE_METHOD(FirstChildCase,
                 "The first-child registration card is filled from the case and the approval",
                 "[document][result][intake]") {
    const auto pdf = data.path / "card.pdf";

    // Not decided yet, then asked to correct: no result document.
    try {
        counter->print_result(number, code, pdf);
        FAIL("printed a result before any decision");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Input);
        CHECK(std::string(e.what()).find(number) != std::string::npos);
        CHECK(std::string(e.what()).find("生育登记") != std::string::npos);
    }
    decide(number, code, "correction", "{}", 1);
    CHECK_THROWS_AS(counter->print_result(number, code, pdf), Error);
    CHECK_FALSE(fs::exists(pdf));
    CHECK_THROWS_AS(counter->print_result(number, "000718002000", pdf), Error);
    CHECK_THROWS_AS(counter->print_result("WX01-20261120-9999", code, pdf), Error);

    decide(number, code, "approved", R"({"certificate_no": "魏卫生育登字〔2026〕第01234号"})", 2);
    counter->print_result(number, code, pdf);
    // The applicant's own certificate: full ID numbers. The husband comes first.
    check_document(pdf, {"魏县卫生健康局",
                         "生育登记凭证",
                         "（第一个子女）",
                         "登记证号：魏卫生育登字〔2026〕第01234号",
                         "1.男方姓名",
                         "王强",
                         "130434199408020132",
                         "1994年8月2日",
                         "李娜",
                         "13043419960315024X",
                         "1996年3月15日",
                         "河北省邯郸市魏县魏城镇南关村12号",
                         "河北省邯郸市魏县魏城镇北关村3号",
                         "2024年5月20日",
                         "J130434-2024-001207",
                         "0个",
                         "2027年3月10日",
                         "魏县人民医院",
                         "已办理生育登记",
                         "登记机关",
                         "2026年11月23日",
                         number,
                         "赵静",
                         "登记机关（盖章）",
                         "第1页共1页"});
    const std::string text = testing::page_text(pdf, 1, true);
    CHECK(text.find("第一个子女姓名") == std::string::npos);
    CHECK(text.find("男方姓名") < text.find("女方姓名"));
    testing::keep_preview(pdf, "registration-card");
}

TEST_CASE("A third child registered after the birth: the card names the order and the birth",
          "[document][result][intake]") {
    Window w;
    const std::string number = w.accept(kFirstChild, "生育登记", std::string("{") + kCouple + R"(,
        "family_planning.children.count": 2, "family_planning.registration.timing": "生育后补登",
        "family_planning.newborn.birth_date": "2026-10-18"})");
    w.decide(number, kFirstChild, "approved",
             R"({"certificate_no": "魏卫生育登字〔2026〕第01235号",
               "issuing_body": "魏县魏城镇人民政府", "issued_on": "2026-11-24"})",
             1);
    const auto pdf = w.data.path / "card3.pdf";
    w.counter->print_result(number, kFirstChild, pdf);
    check_document(pdf, {"生育登记凭证", "（第三个子女）", "魏卫生育登字〔2026〕第01235号", "2个",
                         "生育后补登", "2026年10月18日", "魏县魏城镇人民政府", "2026年11月24日"});
}

TEST_CASE("The migrant certificate is filled from the case and the approval",
          "[document][result][intake]") {
    Window w;
    const std::string code = "000718002000";
    const std::string number = w.accept(code, "流动人口婚育证明", R"({
        "applicant.name": "李娜", "applicant.id_number": "13043419960315024X",
        "applicant.marital_status": "初婚",
        "applicant.hukou_division": "130434",
        "applicant.hukou_address": "河北省邯郸市魏县魏城镇南关村 12 号",
        "family_planning.migrant.current_address": "北京市朝阳区将台路 6 号",
        "family_planning.migrant.since": "2027-06-01", "family_planning.migrant.reason": "务工",
        "family_planning.contraception": "孕期，未采取避孕节育措施",
        "spouse.name": "王强", "spouse.id_number": "130434199408020132",
        "family_planning.marriage.date": "2024-05-20", "family_planning.children.count": 1})");
    w.decide(number, code, "approved",
             R"({"certificate_no": "魏卫流证〔2026〕第00077号", "valid_until": "2029-11-22"})", 1);
    const auto pdf = w.data.path / "migrant.pdf";
    w.counter->print_result(number, code, pdf);
    check_document(pdf, {"流动人口婚育证明",
                         "证明编号：魏卫流证〔2026〕第00077号",
                         "李娜",
                         "女",
                         "1996年3月15日",
                         "13043419960315024X",
                         "河北省邯郸市魏县魏城镇南关村12号",
                         "北京市朝阳区将台路6号",
                         "2027年6月1日",
                         "务工",
                         "初婚",
                         "1个",
                         "避孕节育情况：孕期，未采取避孕节育措施",
                         "30日内",
                         "2024年5月20日",
                         "王强",
                         "130434199408020132",
                         "2029年11月22日",
                         "魏县卫生健康局",
                         "2026年11月23日",
                         "出具机关（盖章）"});
    testing::keep_preview(pdf, "migrant-certificate");
}

TEST_CASE_METHOD(FirstChildCase,
                 "onewindow-cli print result writes the result document of an approved item only",
                 "[document][result][e2e][intake]") {
    const auto pdf = data.path / "out" / "card.pdf";
    const std::string command = cli("result", number, pdf);
    std::string out = testing::command_output(command);
    CHECK(out.find("尚未办结，不能打印结果文书") != std::string::npos);
    CHECK(out.find("exit 0") == std::string::npos);
    CHECK_FALSE(fs::exists(pdf));
    decide(number, code, "approved", R"({"certificate_no": "魏卫生育登字〔2026〕第01236号"})", 1);
    out = testing::command_output(command);
    INFO(out);
    CHECK(out.find("exit 0") != std::string::npos);
    CHECK(testing::page_text(pdf, 1).find("第01236号") != std::string::npos);
}

TEST_CASE_METHOD(
    FirstChildCase,
    "onewindow-cli print correction renders the notice of the latest correction decision",
    "[document][notices][e2e][intake]") {
    const auto pdf = data.path / "correction.pdf";
    const std::string command = cli("correction", number, pdf);
    std::string out = testing::command_output(command);  // nothing asked yet
    CHECK(out.find("没有需要补正的审查意见") != std::string::npos);
    CHECK_FALSE(fs::exists(pdf));

    // Material names as the back office sends them, with its reason and a deadline.
    decide(number, code, "correction", R"({"deadline": "2026-12-07"})", 1);
    ItemDecision d = counter->store().decisions().of_case(number).back();
    CHECK(d.outcome == "correction");
    d.cursor = 2;
    d.reason = "结婚证复印件模糊，无法辨认登记日期";
    d.missing_json = R"(["结婚证", {"name": "居民户口簿", "reason": "缺户主页"}])";
    REQUIRE(counter->store().decisions().record(kBackOffice, "WX01", {"county_health"}, {d}, {}, 2,
                                                "2026-11-23 11:00:00") == 1);
    out = testing::command_output(command);
    INFO(out);
    CHECK(out.find("exit 0") != std::string::npos);
    const std::string text = testing::without_spaces(testing::page_text(pdf, 1));
    for (const char* expected :
         {"补正材料通知书", "编号：", "李娜", "130434********024X", "生育登记", "000718001001",
          "魏县卫生健康局", "结婚证", "结婚证复印件模糊，无法辨认登记日期", "居民户口簿",
          "缺户主页", "请于2026年12月7日前将补正材料提交至本窗口", "张敏"}) {
        INFO(expected);
        CHECK(text.find(testing::without_spaces(expected)) != std::string::npos);
    }
    CHECK(text.find(number) != std::string::npos);
    // Its own number: the second request for a correction of this item.
    CHECK(text.find("编号：" + number + "-BZ2") != std::string::npos);
    CHECK(text.find("13043419960315024X") == std::string::npos);  // masked on a notice
    testing::check_ink(pdf, 1);
    testing::check_words_within_margins(pdf, 20);
    testing::keep_preview(pdf, "correction");

    // No deadline, no reason: "as soon as possible" and the general reason.
    d.cursor = 3;
    d.reason.clear();
    d.data_json = "{}";
    d.missing_json = R"(["身份证复印件"])";
    REQUIRE(counter->store().decisions().record(kBackOffice, "WX01", {"county_health"}, {d}, {}, 3,
                                                "2026-11-23 11:30:00") == 1);
    const CorrectionRequest request = counter->correction_request(number, code);
    CHECK_FALSE(request.deadline);
    REQUIRE(request.materials.size() == 1);
    CHECK(request.materials[0].subject == "身份证复印件");
    out = testing::command_output(command);  // the CLI prints in Chinese
    CHECK(out.find("exit 0") != std::string::npos);
    const std::string soon = testing::without_spaces(testing::page_text(pdf, 1));
    CHECK(soon.find("请尽快将补正材料提交至本窗口") != std::string::npos);
    CHECK(soon.find("经审查需要补正，请按要求提交") != std::string::npos);
    CHECK(soon.find("补正期限：尽快") != std::string::npos);

    // Approved afterwards: no correction to print any more.
    decide(number, code, "approved", R"({"certificate_no": "魏卫生育登字〔2026〕第01237号"})", 4);
    CHECK_THROWS_AS(counter->correction_request(number, code), Error);
}

TEST_CASE_METHOD(FirstChildCase,
                 "A rejected item's result is the department's 不予批准决定书, printed at hand-out",
                 "[document][result]") {
    const testing::ChineseMessages chinese;
    ItemDecision d;
    d.cursor = 1;
    d.case_number = number;
    d.item_code = code;
    d.outcome = "rejected";
    d.reason = "经核查，夫妻双方已共同生育三个子女，所提交的婚姻状况与户籍信息不一致";
    d.decided_by = "赵静";
    d.decided_at = "2026-11-24 15:40:00";
    REQUIRE(counter->store().decisions().record(kBackOffice, "WX01", {"county_health"}, {d}, {}, 1,
                                                "2026-11-24 15:45:00") == 1);
    const auto pdf = data.path / "rejection.pdf";
    counter->print_result(number, code, pdf);
    check_document(
        pdf, {"魏县卫生健康局", "不予批准决定书", "编号：" + number + "-" + code + "-BY", "李娜",
              "130434********024X", "生育登记", d.reason, "经魏县卫生健康局审查，决定不予批准",
              "决定日期：2026年11月24日", "六十日内向魏县人民政府申请行政复议",
              "第二十条、第二十四条", "六个月内依法向人民法院提起行政诉讼", "第四十六条",
              "政务服务便民热线：12345", "（魏县卫生健康局印章）"});
    testing::keep_preview(pdf, "rejection");
    // 统一窗口出件: the decision is printed and handed out like any result.
    const auto printed = counter->hand_out(
        {number, {code}, "李娜", "13043419960315024X", "居民身份证", "张敏", "2026-11-25 09:00:00"},
        std::nullopt);
    REQUIRE(printed.size() == 1);
    CHECK(testing::page_text(printed[0], 1).find("不予批准决定书") != std::string::npos);
    CHECK(counter->store().cases().find(number)->items[0].status == "handed_out");
}

TEST_CASE("Hand-out prints the results first and records only what printed",
          "[results][cups][intake]") {
    Window w;
    const std::string number = w.first_child_case();
    HandOut out{number, {kFirstChild},        "李娜", "13043419960315024X", "居民身份证",
                "张敏", "2026-11-25 10:00:00"};
    // Not decided yet: nothing printed, nothing recorded.
    CHECK_THROWS_AS(w.counter->hand_out(out, std::nullopt), Error);
    w.decide(number, kFirstChild, "approved", R"({"certificate_no": "冀魏生字〔2026〕第0816号"})",
             1);

    testing::CupsServer cups;
    cups.run({"cupsdisable", "PDF"});
    CHECK_THROWS_AS(w.counter->hand_out(out, PrintOptions{"PDF", 1, "A4"}), Error);
    CHECK(w.counter->store().cases().find(number)->items[0].status == "approved");  // not advanced

    cups.run({"cupsenable", "PDF"});
    const auto printed = w.counter->hand_out(out, PrintOptions{"PDF", 1, "A4"});
    REQUIRE(printed.size() == 1);
    CHECK(cups.wait_for_output(job_title(printed[0])));
    const auto record = w.counter->store().cases().find(number);
    CHECK(record->items[0].status == "handed_out");
    CHECK(record->status == "handed_out");
    // Twice is refused; the audit names the collector with the ID number masked.
    CHECK_THROWS_AS(w.counter->store().hand_outs().record_hand_out(out), Error);
    bool audited = false;
    for (const auto& e : w.counter->store().audit().events())
        if (e.type == "case.handed_out")
            audited = e.detail_json.find("130434********024X") != std::string::npos;
    CHECK(audited);
}

TEST_CASE("A hand-out prepared here and handed out at another window meanwhile records nothing",
          "[results][intake]") {
    const testing::ChineseMessages chinese;
    Window w;
    const std::string number = w.first_child_case();
    w.decide(number, kFirstChild, "approved", R"({"certificate_no": "冀魏生字〔2026〕第0817号"})",
             1);
    const HandOut out{number, {kFirstChild},        "李娜", "13043419960315024X", "居民身份证",
                      "张敏", "2026-11-25 10:00:00"};
    // Prepared at WX01 (holding its Counter): the checks pass, the result is filled.
    const HandOutJob job = w.counter->prepare_hand_out(out, std::nullopt);
    CHECK(job.hand_out.counter == "WX01");
    REQUIRE(job.documents.size() == 1);
    // Meanwhile the applicant's spouse collects it at another window of the centre: another
    // connection to the same store.
    {
        CaseStore other = open_store(ONEWINDOW_STAGE_DIR, w.data.path);
        HandOut there = out;
        there.counter = "WX02";
        there.clerk = "王芳";
        there.collector = "王强";
        there.collector_id_number = "130434199408020132";
        other.hand_outs().record_hand_out(there);
    }
    // WX01 renders without its Counter, then comes back to record: refused, in Chinese.
    const auto printed = job.print(w.counter->renderer());
    REQUIRE(printed.size() == 1);
    CHECK(testing::page_text(printed[0], 1).find("冀魏生字〔2026〕第0817号") != std::string::npos);
    try {
        w.counter->record_hand_out(job);
        FAIL("a case handed out at another window was recorded again");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Input);
        CHECK_THAT(e.what(), Catch::Contains("已在其他窗口发放") && Catch::Contains(number));
    }
    // Recorded once, at WX02; the audit chain holds.
    const auto& store = testing::test_store(w.data.path);
    CHECK(store.count("hand_outs") == 1);
    CHECK(store.scalar("SELECT count(*) FROM hand_outs WHERE collector = '王强'") == 1);
    int handed_out = 0;
    for (const auto& e : w.counter->store().audit().events())
        if (e.type == "case.handed_out") {
            ++handed_out;
            CHECK(e.counter == "WX02");
        }
    CHECK(handed_out == 1);
    CHECK(w.counter->store().audit().verify().ok);
    // Prepared again now, the hand-out is refused before anything renders.
    CHECK_THROWS_WITH(w.counter->prepare_hand_out(out, std::nullopt),
                      Catch::Contains(kFirstChild) && Catch::Contains("已经发放"));
}

TEST_CASE("The follow-up period of a bad rating is the counter's setting", "[results][intake]") {
    Window w;
    const std::string number = w.first_child_case();
    const fs::path settings = w.data.path / "counter.json";
    auto config = CounterConfig::load(settings);
    CHECK(config.rating_follow_up_working_days == 15);
    config.rating_follow_up_working_days = 5;
    config.save(settings);
    w.counter.reset();
    w.counter = Counter::open({ONEWINDOW_STAGE_DIR, w.data.path});
    w.counter->rate(number, 1, "态度不好", "2026-11-25 10:00:00");
    auto open = w.counter->store().hand_outs().open_bad_ratings();
    REQUIRE(open.size() == 1);
    REQUIRE(open[0].follow_up_by);
    // 5 working days from Wednesday 25 November 2026: 26, 27, 30 November, 1 and 2 December.
    CHECK(*open[0].follow_up_by == Date{2026, 12, 2});
    // A period that is no period is refused, naming the setting.
    for (const char* bad : {"0", "61", "2.5", "\"15\""}) {
        const std::string text =
            std::regex_replace(onewindow::read_text_file(settings),
                               std::regex(R"("rating_follow_up_working_days"\s*:\s*5)"),
                               std::string("\"rating_follow_up_working_days\": ") + bad);
        REQUIRE(text.find(std::string("\"rating_follow_up_working_days\": ") + bad) !=
                std::string::npos);
        const fs::path wrong = w.data.path / "wrong.json";
        std::ofstream(wrong) << text;
        CHECK_THROWS_WITH(CounterConfig::load(wrong),
                          Catch::Contains("rating_follow_up_working_days"));
    }
}

TEST_CASE("Ratings: once a day, a bad one followed up in 15 working days until resolved",
          "[results][intake]") {
    Window w;
    const std::string number = w.first_child_case();
    CHECK_THROWS_AS(w.counter->store().hand_outs().record_rating(number, 6, ""), Error);
    const long long bad = w.counter->store().hand_outs().record_rating(number, 2, "等候时间太长",
                                                                       "2026-11-25 10:00:00");
    CHECK_THROWS_AS(
        w.counter->store().hand_outs().record_rating(number, 5, "", "2026-11-25 11:00:00"), Error);
    w.counter->store().hand_outs().record_rating(number, 5, "",
                                                 "2026-11-26 11:00:00");  // another visit
    auto open = w.counter->store().hand_outs().open_bad_ratings();
    REQUIRE(open.size() == 1);
    CHECK(open[0].id == bad);
    CHECK(open[0].comment == "等候时间太长");
    REQUIRE(open[0].follow_up_by);
    // 15 working days from Wednesday 25 November 2026 (no holiday in between): 16 December.
    CHECK(*open[0].follow_up_by == Date{2026, 12, 16});
    // The demo's accounts (prepare_demo_data): the core reads their roles from the store.
    const UserAccount clerk = *w.counter->store().accounts().find("zhangmin");
    const UserAccount supervisor = *w.counter->store().accounts().find("lijun");
    // A clerk cannot close it (refused and logged); a supervisor must say how.
    CHECK_THROWS_AS(w.counter->store().resolve_rating(bad, "已处理", clerk), Error);
    CHECK(w.counter->store().hand_outs().open_bad_ratings().size() == 1);
    CHECK_THROWS_AS(w.counter->store().resolve_rating(bad, "  ", supervisor), Error);
    w.counter->store().resolve_rating(bad, "已向申请人致歉并调整窗口排班", supervisor);
    CHECK_THROWS_AS(w.counter->store().resolve_rating(bad, "再次处理", supervisor), Error);
    CHECK(w.counter->store().hand_outs().open_bad_ratings().empty());
    bool denied = false, resolved = false;
    for (const auto& e : w.counter->store().audit().events()) {
        denied = denied || (e.type == "access.denied" && e.actor == "zhangmin");
        resolved = resolved || (e.type == "rating.resolved" && e.actor == "lijun");
    }
    CHECK(denied);
    CHECK(resolved);
    CHECK(w.counter->store().audit().verify().ok);
}

TEST_CASE("Each department's result document is filled by its plugin from its sample case",
          "[document][result]") {
    // The sample each plugin ships for `plugins check` (templates/<id>.sample.json) taken in as a
    // case, approved with the sample's decision data, printed by the counter.
    struct Document {
        const char* plugin;
        const char* id;
        std::vector<std::string> words;
    };
    const std::vector<Document> documents = {
        {"natural_resources",
         "query_result",
         {"不动产登记资料查询结果证明", "魏不动产查〔2026〕第00318号", "张建国", "办理子女入学",
          "查询专用章"}},
        {"agriculture",
         "homestead_approval",
         {"农村宅基地批准书", "魏东代固宅批〔2026〕第0042号", "王树林", "200平方米", "2层",
          "魏县东代固乡人民政府"}},
        {"housing",
         "waiting_notice",
         {"公共租赁住房轮候登记通知书", "魏公租轮〔2026〕第0157号", "赵丽", "2026-0157", "3人"}},
        {"market_regulation",
         "registration_notice",
         {"准予个体工商户设立登记通知书", "92130434MA0G8K3X2N", "魏县晓东早餐店", "陈晓东",
          "个人经营"}},
        {"taxation",
         "payment_receipt",
         {"国家税务总局魏县税务局", "城乡居民社会保险费缴费凭证", "魏税社〔2026〕0093321", "李秀梅",
          "500元", "1200元（3人）", "1700元"}},
        {"housing_fund",
         "withdrawal_notice",
         {"住房公积金准予提取通知书", "魏公积金提〔2026〕第0877号", "郭志强", "2026年10月1日",
          "86432.15元"}},
    };
    for (const auto& doc : documents) {
        INFO(doc.plugin);
        const auto sample_file = fs::path(ONEWINDOW_SOURCE_DIR) / "plugins" / doc.plugin /
                                 "templates" / (std::string(doc.id) + ".sample.json");
        const auto sample = load_json_file(sample_file).extract<Poco::JSON::Object::Ptr>();
        const auto kase = sample->getObject("case");
        const std::string code = sample->getValue<std::string>("item");
        Window w;
        const auto item = kase->getObject("item");
        const std::string number =
            w.accept(code, item->getValue<std::string>("name"), to_json(kase->getObject("values")),
                     doc.plugin, item->getValue<std::string>("department"));
        w.decide(number, code, "approved",
                 to_json(sample->getObject("decision")->getObject("data")), 1);
        const auto pdf = w.data.path / (std::string(doc.id) + ".pdf");
        w.counter->print_result(number, code, pdf);
        auto words = doc.words;
        words.push_back(number);
        check_document(pdf, words);
        testing::keep_preview(pdf, doc.id);
    }
}
