// End to end: the real onewindow-cli on a real database file, real plugin, real PDFs.
#include <SQLiteCpp/SQLiteCpp.h>  // the back offices' own files
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "cups_server.hpp"
#include "onewindow/core/backup.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "pdf_check.hpp"
#include "real_backoffice.hpp"
#include "shell_run.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

namespace fs = std::filesystem;

namespace {

using onewindow::testing::quote;
using onewindow::testing::Run;
using onewindow::testing::run;

using onewindow::testing::TempDir;

const fs::path stage = ONEWINDOW_STAGE_DIR;
const fs::path demo = stage / "share/onewindow/demo";

/// The command line on the data folder `data`, whose store is the test pass's (test_store.hpp).
std::string cli(const fs::path& data) {
    onewindow::testing::test_store(data).configure(data);
    return quote(stage / "bin/onewindow-cli") + " --data " + quote(data) + " ";
}

/// Rows of `table` in the store of the data folder that holds `db` (its counter.db on SQLite).
long long count(const fs::path& db, const std::string& table) {
    return onewindow::testing::test_store(db.parent_path()).count(table);
}

std::string pdftotext(const fs::path& pdf) {
    auto result = run("pdftotext -layout " + quote(pdf) + " -");
    REQUIRE(result.code == 0);
    return result.out;
}

// Copies a demo case, changing it with `edit` (text replacement), next to the demo scans.
fs::path variant(const TempDir& dir, const std::string& name, const std::string& from,
                 const std::string& to) {
    std::ifstream in(demo / "first_child_complete.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!from.empty()) {
        auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    }
    fs::copy(demo / "scans", dir.path / "scans",
             fs::copy_options::recursive | fs::copy_options::skip_existing);
    auto file = dir.path / name;
    std::ofstream(file) << text;
    return file;
}

void trust_bundled(const fs::path& data) {
    auto result = run(cli(data) + "plugins trust " + quote(stage / "plugins/family_planning"));
    REQUIRE(result.code == 0);
}

std::string accepted_number(const std::string& out) {
    REQUIRE(out.rfind("ACCEPTED ", 0) == 0);
    return out.substr(9, out.find('\n') - 9);
}

/// Takes the demo's complete first-child case in at the counter of `data`; its number.
std::string accept_first_child(const fs::path& data) {
    return accepted_number(
        run(cli(data) + "intake " + quote(demo / "first_child_complete.json")).out);
}

}  // namespace

TEST_CASE("A complete case is accepted: case row, outbox row, audit event, receipt",
          "[e2e][intake]") {
    TempDir dir;
    trust_bundled(dir.path);
    auto receipt = dir.path / "receipt.pdf";
    auto result = run(cli(dir.path) + "intake " + quote(demo / "first_child_complete.json") +
                      " --receipt " + quote(receipt));
    INFO(result.out);
    REQUIRE(result.code == 0);
    std::smatch match;
    REQUIRE(std::regex_search(result.out, match, std::regex("^ACCEPTED (WX01-\\d{8}-\\d{4})")));
    const std::string number = match[1];

    auto db = dir.path / "counter.db";
    CHECK(count(db, "cases") == 1);
    CHECK(count(db, "outbox") == 1);
    CHECK(count(db, "audit_events") >= 1);
    CHECK(onewindow::testing::test_store(dir.path).scalar(
              "SELECT count(*) FROM cases WHERE number = '" + number + "'") == 1);
    std::string text = pdftotext(receipt);
    CHECK(text.find(number) != std::string::npos);
    CHECK(text.find("生育登记") != std::string::npos);
    CHECK(text.find("13043419960315024X") == std::string::npos);  // ID masked
    CHECK(text.find("130434") != std::string::npos);
    onewindow::testing::check_qr(receipt, number, 190, 22, 18);  // scanned back on return

    // Printing it again from the store gives the same case.
    auto again = dir.path / "again.pdf";
    auto printed = run(cli(dir.path) + "print receipt " + number + " -o " + quote(again));
    REQUIRE(printed.code == 0);
    CHECK(pdftotext(again).find(number) != std::string::npos);

    auto audit = run(cli(dir.path) + "audit verify");
    CHECK(audit.code == 0);
}

TEST_CASE("onewindow-cli supply: the tolerated photo is brought later, once", "[e2e][supply]") {
    TempDir dir;
    trust_bundled(dir.path);
    const std::string number = accept_first_child(dir.path);

    auto outstanding = run(cli(dir.path) + "supply " + number);
    INFO(outstanding.out);
    CHECK(outstanding.code == 0);
    CHECK(outstanding.out.find("容缺材料补交\t\tphoto\t") != std::string::npos);
    CHECK(outstanding.out.find("5 个工作日内补交夫妻合照") != std::string::npos);

    auto scan = dir.path / "photo.png";
    std::ofstream(scan) << "\x89PNG\r\n\x1a\n the couple's photo";
    auto supplied = run(cli(dir.path) + "supply " + number + " photo=" + quote(scan));
    INFO(supplied.out);
    REQUIRE(supplied.code == 0);
    CHECK(supplied.out == "SUPPLIED " + number + "-BJ1 000718001001\n");
    // Its receipt, in this counter's name: the material, the item it goes to, the ID masked.
    const auto receipt = dir.path / "supplement.pdf";
    REQUIRE(run(cli(dir.path) + "print supplement " + number + "-BJ1 -o " + quote(receipt)).code ==
            0);
    const std::string text = pdftotext(receipt);
    INFO(text);
    CHECK(text.find(number + "-BJ1") != std::string::npos);
    CHECK(text.find("容缺材料补交") != std::string::npos);
    CHECK(text.find("容缺承诺已履行") != std::string::npos);
    CHECK(text.find("生育登记") != std::string::npos);
    CHECK(text.find("130434********024X") != std::string::npos);
    CHECK(text.find("13043419960315024X") == std::string::npos);
    auto unknown = run(cli(dir.path) + "print supplement " + number + "-BJ9 -o " + quote(receipt));
    CHECK(unknown.code == static_cast<int>(onewindow::ErrorKind::NotFound));
    CHECK(unknown.out.find(number + "-BJ9") != std::string::npos);
    CHECK(run(cli(dir.path) + "supply " + number).out.empty());
    auto db = dir.path / "counter.db";
    CHECK(count(db, "outbox") == 2);
    CHECK(onewindow::testing::test_store(dir.path).scalar(
              "SELECT count(*) FROM case_materials WHERE key = 'photo' AND supplied_at <> ''") ==
          1);

    // Twice is refused in words, and so is a material given without its scan file.
    const long long events = count(db, "audit_events");
    auto again = run(cli(dir.path) + "supply " + number + " photo=" + quote(scan));
    CHECK(again.code == 2);
    CHECK(again.out.find("已于") != std::string::npos);
    auto bare = run(cli(dir.path) + "supply " + number + " photo");
    CHECK(bare.code == 2);
    CHECK(bare.out.find("材料代码=扫描件文件") != std::string::npos);
    CHECK(count(db, "audit_events") == events);
    CHECK(run(cli(dir.path) + "audit verify").code == 0);
}

TEST_CASE(
    "onewindow-cli audit verify --keys takes other counters' keys and names a file that is none",
    "[e2e]") {
    TempDir dir;
    trust_bundled(dir.path);
    REQUIRE(run(cli(dir.path) + "intake " + quote(demo / "first_child_complete.json")).code == 0);
    const fs::path keys = dir.path / "keys";
    fs::create_directories(keys);
    fs::copy_file(dir.path / "audit.key", keys / "WX01.key");
    auto verified = run(cli(dir.path) + "audit verify --keys " + quote(keys));
    INFO(verified.out);
    CHECK(verified.code == 0);
    CHECK(verified.out.find("审计日志完整") != std::string::npos);
    std::ofstream(keys / "WX02.key") << "not a key\n";
    auto refused = run(cli(dir.path) + "audit verify --keys " + quote(keys));
    INFO(refused.out);
    CHECK(refused.code == 2);
    CHECK(refused.out.find("WX02.key：不是审计密钥") != std::string::npos);
    CHECK(run(cli(dir.path) + "audit verify --keys").code != 0);
}

TEST_CASE("An incomplete case gets a one-time notice listing each missing material",
          "[e2e][intake]") {
    TempDir dir;
    trust_bundled(dir.path);
    auto notice = dir.path / "notice.pdf";
    auto result = run(cli(dir.path) + "intake " + quote(demo / "second_child_incomplete.json") +
                      " --notice " + quote(notice));
    INFO(result.out);
    REQUIRE(result.code == 10);
    REQUIRE(result.out.rfind("NOTICE ", 0) == 0);
    auto db = dir.path / "counter.db";
    CHECK(count(db, "cases") == 0);
    CHECK(count(db, "outbox") == 0);
    CHECK(count(db, "notices") == 1);
    std::string text = pdftotext(notice);
    for (const char* material : {"结婚证", "近期一寸免冠照片", "出生医学证明"}) {
        INFO(material);
        CHECK(text.find(material) != std::string::npos);
    }
    const std::string number = result.out.substr(7, result.out.find('\n') - 7);
    onewindow::testing::check_qr(notice, number, 190, 22, 18);
    // 生育登记 is no 行政许可: the notice does not cite the licensing law; the window's name
    // and the 12345 line are on it; its sections are numbered in order.
    const std::string flat = onewindow::testing::without_spaces(text);
    CHECK(flat.find("行政许可法") == std::string::npos);
    CHECK(flat.find("0份") == std::string::npos);  // the photo: 原件 2 份, no "复印件 0 份"
    CHECK(flat.find("请携带原件2份") != std::string::npos);
    for (const char* expected :
         {"受理窗口：魏县政务服务中心综合受理窗口", "政务服务便民热线：12345", "一、申请事项",
          "二、需要补正的全部材料和内容", "三、说明"}) {
        INFO(expected);
        CHECK(flat.find(expected) != std::string::npos);
    }
    onewindow::testing::keep_preview(notice, "notice");
}

TEST_CASE("Bad input is refused with a message and changes nothing", "[e2e][intake]") {
    TempDir dir;
    trust_bundled(dir.path);
    auto db = dir.path / "counter.db";
    // One good case first, so the database exists and has content to compare against.
    REQUIRE(run(cli(dir.path) + "intake " + quote(demo / "first_child_complete.json")).code == 0);
    const long long cases = count(db, "cases"), events = count(db, "audit_events");

    SECTION("malformed JSON") {
        auto file = dir.path / "broken.json";
        std::ofstream(file) << "{\"items\": [\"000718001001\"";
        auto result = run(cli(dir.path) + "intake " + quote(file));
        CHECK(result.code == 2);
        CHECK(result.out.find("broken.json") != std::string::npos);
    }
    SECTION("invalid ID number") {
        auto file = variant(dir, "bad-id.json", "13043419960315024X", "130434199603150241");
        auto result = run(cli(dir.path) + "intake " + quote(file));
        INFO(result.out);
        CHECK(result.code == 2);
        CHECK(result.out.rfind("INVALID", 0) == 0);
        CHECK(result.out.find("公民身份号码") != std::string::npos);
    }
    SECTION("unknown field key") {
        auto file = variant(dir, "unknown.json", "\"applicant.ethnicity\"", "\"applicant.colour\"");
        auto result = run(cli(dir.path) + "intake " + quote(file));
        INFO(result.out);
        CHECK(result.code == 2);
        CHECK(result.out.find("applicant.colour") != std::string::npos);
    }
    SECTION("material file that cannot be read") {
        auto file = variant(dir, "nofile.json", "scans/marriage_cert.png", "scans/missing.png");
        auto result = run(cli(dir.path) + "intake " + quote(file));
        INFO(result.out);
        CHECK(result.code == 2);
        CHECK(result.out.find("missing.png") != std::string::npos);
        CHECK(result.out.find("$.materials[1].file") != std::string::npos);
    }
    SECTION("a tolerated gap promised for a day already past") {
        auto file = variant(dir, "promise.json", "自受理之日起 5 个工作日内补交",
                            "于 2020年11月30日 前补交");
        auto result = run(cli(dir.path) + "intake " + quote(file));
        INFO(result.out);
        CHECK(result.code == 2);
        CHECK(result.out.rfind("INVALID", 0) == 0);
        CHECK(result.out.find("近期一寸免冠照片") != std::string::npos);
        CHECK(result.out.find("申请人承诺的补交日期 2020年11月30日 早于受理日期") !=
              std::string::npos);
    }
    SECTION("unknown item code") {
        auto file = variant(dir, "noitem.json", "000718001001", "999999999999");
        auto result = run(cli(dir.path) + "intake " + quote(file));
        CHECK(result.code == 2);
        CHECK(result.out.find("noitem.json: $.items[0]: 没有编码为 999999999999 的服务事项") !=
              std::string::npos);
    }
    CHECK(count(db, "cases") == cases);
    CHECK(count(db, "audit_events") == events);
}

TEST_CASE("The CLI lists the catalogue, plugins, and checks the shipped data", "[e2e]") {
    TempDir dir;
    trust_bundled(dir.path);
    auto catalogue = run(cli(dir.path) + "catalogue 婚育");
    INFO(catalogue.out);
    CHECK(catalogue.code == 0);
    CHECK(catalogue.out.find("000718002000") != std::string::npos);
    auto plugins = run(cli(dir.path) + "plugins");
    CHECK(plugins.out.find("family_planning") != std::string::npos);
    CHECK(plugins.out.find("running") != std::string::npos);
    auto check = run(cli(dir.path) + "check");
    INFO(check.out);
    CHECK(check.code == 0);
    auto untrusted = run(cli(dir.path / "other") + "plugins");
    CHECK(untrusted.out.find("untrusted") != std::string::npos);
    auto usage = run(cli(dir.path) + "frobnicate");
    CHECK(usage.code == 64);
    // Broken administrator settings are named, with file and path; nothing starts half-way.
    std::ofstream(dir.path / "plugin-settings.json") << R"({"family_planning": 5})";
    auto settings = run(cli(dir.path) + "catalogue");
    CHECK(settings.code == 2);
    CHECK(settings.out.find("plugin-settings.json: $.family_planning: must be a JSON object") !=
          std::string::npos);
    // A data folder that cannot be created is a storage error.
    std::ofstream(dir.path / "not-a-folder") << "x";
    auto storage = run(cli(dir.path / "not-a-folder" / "data") + "catalogue");
    CHECK(storage.code == 3);
}

TEST_CASE("The service guide of an item follows the guide conventions", "[e2e]") {
    TempDir dir;
    trust_bundled(dir.path);
    auto pdf = dir.path / "guide.pdf";
    auto result = run(cli(dir.path) + "guide 000718001001 -o " + quote(pdf));
    INFO(result.out);
    REQUIRE(result.code == 0);
    std::string text = pdftotext(pdf);
    for (const char* expected :
         {"生育登记办事指南", "000718001001", "公共服务", "魏县卫生健康局",
          "《中华人民共和国人口与计划生育法》第十八条", "一对夫妻可以生育三个子女", "居民身份证",
          "可容缺", "自受理之日起 2 个工作日内办结", "不收费", "乡镇（街道）为民服务中心",
          "0310-0000000（示例号码）", "12345"}) {
        INFO(expected);
        CHECK(text.find(expected) != std::string::npos);
    }
    CHECK(text.find("其他材料") == std::string::npos);
    // Issue 16: no 一孩-only registration, no article on contraception as its basis, no
    // invented legal limit (行政许可法 art. 42 binds licensing only), no 户口簿 asked.
    for (const char* absent : {"第二十条", "一孩", "20 个工作日", "居民户口簿"}) {
        INFO(absent);
        CHECK(text.find(absent) == std::string::npos);
    }
    auto missing = run(cli(dir.path) + "guide 123 -o " + quote(dir.path / "x.pdf"));
    CHECK(missing.code == 6);
    CHECK_FALSE(fs::exists(dir.path / "x.pdf"));
}

TEST_CASE("A refusal to accept is recorded with its reason and nothing else", "[e2e][intake]") {
    TempDir dir;
    trust_bundled(dir.path);
    auto result = run(cli(dir.path) + "refuse " + quote(demo / "first_child_complete.json") +
                      " --reason '申请人户籍不在本县，且未在本县居住满半年'");
    INFO(result.out);
    REQUIRE(result.code == 0);
    REQUIRE(std::regex_search(result.out, std::regex("^REFUSED WX01-R-\\d{8}-0001")));
    auto db = dir.path / "counter.db";
    CHECK(count(db, "refusals") == 1);
    CHECK(count(db, "cases") == 0);
    CHECK(count(db, "outbox") == 0);
    {
        auto database = onewindow::testing::test_store(dir.path).connect();
        auto type = database->prepare("SELECT type FROM audit_events");
        REQUIRE(type.step());
        CHECK(type.text(0) == "case.refused");
        auto reason = database->prepare("SELECT reason FROM refusals");
        REQUIRE(reason.step());
        CHECK(reason.text(0).find("半年") != std::string::npos);
    }
    auto no_reason = run(cli(dir.path) + "refuse " + quote(demo / "first_child_complete.json") +
                         " --reason ' '");
    CHECK(no_reason.code == 2);
    CHECK(count(db, "refusals") == 1);
    CHECK(run(cli(dir.path) + "audit verify").code == 0);

    // The refusal notice in writing, in the look of the receipt and the one-time notice.
    const std::string number = result.out.substr(8, result.out.find('\n') - 8);
    auto pdf = dir.path / "refusal.pdf";
    auto printed = run(cli(dir.path) + "print refusal " + number + " -o " + quote(pdf));
    INFO(printed.out);
    REQUIRE(printed.code == 0);
    const std::string text = onewindow::testing::without_spaces(pdftotext(pdf));
    for (const char* expected :
         {"不予受理通知书", "不予受理的理由", "半年", "生育登记", "000718001001", "经办人",
          "申请人（签收）", "决定日期",
          // In the name of the department that decides; the window took it in on its behalf.
          "通过魏县政务服务中心综合受理窗口向魏县卫生健康局申请", "魏县卫生健康局决定不予受理",
          "（魏县卫生健康局印章）", "受理窗口：魏县政务服务中心综合受理窗口",
          // The remedies as the statutes word them (行政复议法 2023 arts. 20, 24; 行政诉讼法 46).
          "救济途径", "自知道或者应当知道本决定之日起六十日内向魏县人民政府申请行政复议",
          "《中华人民共和国行政复议法》第二十条、第二十四条", "六个月内依法向人民法院提起行政诉讼",
          "《中华人民共和国行政诉讼法》第四十六条", "政务服务便民热线：12345"}) {
        INFO(expected);
        CHECK(text.find(expected) != std::string::npos);
    }
    // 生育登记 is no 行政许可: the licensing law is not cited, and nothing is left to "apply to".
    CHECK(text.find("行政许可法") == std::string::npos);
    CHECK(text.find("可以申请的机关") == std::string::npos);
    CHECK(text.find("受理窗口：WX01") == std::string::npos);
    // Numbered without gaps: the optional section is absent, so 说明 is the fourth.
    CHECK(text.find("三、救济途径") != std::string::npos);
    CHECK(text.find("四、说明") != std::string::npos);
    CHECK(text.find("编号：" + number) != std::string::npos);
    onewindow::testing::check_qr(pdf, number, 190, 22, 18);
    onewindow::testing::check_ink(pdf, 1);
    CHECK(std::regex_search(text, std::regex("\\d{6}\\*{8}\\d{3}[\\dX]")));  // masked ID
    CHECK(run(cli(dir.path) + "print refusal WX01-R-20000101-0009 -o " + quote(dir.path / "x.pdf"))
              .code == 6);
    onewindow::testing::keep_preview(pdf, "refusal");

    // A matter outside the department's remit: the notice says where to apply instead.
    auto elsewhere = run(cli(dir.path) + "refuse " + quote(demo / "first_child_complete.json") +
                         " --reason '所申请事项属于民政部门职责' --apply-to 魏县民政局");
    REQUIRE(elsewhere.code == 0);
    const std::string second = elsewhere.out.substr(8, elsewhere.out.find('\n') - 8);
    REQUIRE(run(cli(dir.path) + "print refusal " + second + " -o " + quote(pdf)).code == 0);
    const std::string moved = onewindow::testing::without_spaces(pdftotext(pdf));
    CHECK(moved.find("三、可以申请的机关") != std::string::npos);
    CHECK(moved.find("请向魏县民政局申请") != std::string::npos);
    CHECK(moved.find("五、说明") != std::string::npos);
}

TEST_CASE("A refused legal-aid application names the objection to the justice bureau first",
          "[e2e]") {
    TempDir dir;
    REQUIRE(run(cli(dir.path) + "plugins trust " + quote(stage / "plugins/justice")).code == 0);
    const fs::path request = dir.path / "legal_aid.json";
    std::ofstream(request) << R"({"format": "onewindow.case/1", "items": ["000713001000"],
        "values": {"applicant.name": "李娜", "applicant.id_number": "13043419960315024X"},
        "materials": []})";
    auto refused =
        run(cli(dir.path) + "refuse " + quote(request) + " --reason '不属于法律援助范围'");
    INFO(refused.out);
    REQUIRE(refused.code == 0);
    const std::string number = refused.out.substr(8, refused.out.find('\n') - 8);
    auto pdf = dir.path / "refusal.pdf";
    REQUIRE(run(cli(dir.path) + "print refusal " + number + " -o " + quote(pdf)).code == 0);
    const std::string text = onewindow::testing::without_spaces(pdftotext(pdf));
    // 法律援助法 art. 49: the objection goes to the justice bureau; reconsideration and suit
    // only against its decision upholding the refusal.
    CHECK(text.find("可以向魏县司法局提出（《中华人民共和国法律援助法》第四十九条）") !=
          std::string::npos);
    CHECK(text.find("对其维持本决定的决定不服的，可以依法申请行政复议或者提起行政诉讼") !=
          std::string::npos);
    CHECK(text.find("六十日内向魏县人民政府申请行政复议") == std::string::npos);
}

TEST_CASE("Printing goes to a real CUPS printer, and a failed print is told in words",
          "[e2e][cups]") {
    TempDir dir;
    trust_bundled(dir.path);
    const std::string number = accept_first_child(dir.path);
    const std::string print = cli(dir.path) + "print receipt " + number + " ";

    {
        onewindow::testing::CupsServer cups(false);  // a scheduler without printers
        auto none = run(cli(dir.path) + "printers");
        CHECK(none.code == 0);
        CHECK(none.out.find("尚未设置打印机") != std::string::npos);
        auto failed = run(print + "--printer PDF");
        CHECK(failed.code == 5);
        CHECK(failed.out.find("尚未设置打印机") != std::string::npos);
    }
    {
        onewindow::testing::CupsServer cups;
        auto listed = run(cli(dir.path) + "printers");
        INFO(listed.out);
        CHECK(listed.out.find("PDF\t就绪") != std::string::npos);

        const std::string title = number + "-receipt";
        cups.forget_output(title);
        auto printed = run(print + "--printer PDF --copies 1 --paper A4");
        INFO(printed.out);
        REQUIRE(printed.code == 0);
        CHECK(printed.out.rfind("PRINTED PDF-", 0) == 0);
        // The file CUPS was given is the one in the data folder: its text is the receipt's.
        CHECK(pdftotext(dir.path / "print" / (title + ".pdf")).find(number) != std::string::npos);
        const auto out = cups.wait_for_output(title);
        REQUIRE(out);
        auto pages = run("pdfinfo " + quote(*out));
        INFO(pages.out);
        CHECK(std::regex_search(pages.out, std::regex("Pages:\\s+1\n")));
        CHECK(pages.out.find("(A4)") != std::string::npos);
        fs::remove(*out);

        auto unknown = run(print + "--printer NOPE");
        CHECK(unknown.code == 5);
        CHECK(unknown.out.find("没有名为 NOPE 的打印机") != std::string::npos);
        auto copies = run(print + "--printer PDF --copies 0");
        CHECK(copies.code == 2);
        auto paper = run(print + "--printer PDF --paper 'A4;rm'");
        CHECK(paper.code == 2);
        CHECK(paper.out.find("A4;rm") != std::string::npos);

        cups.run({"cupsdisable", "PDF"});
        auto stopped = run(print + "--printer PDF");
        CHECK(stopped.code == 5);
        CHECK(stopped.out.find("打印机 PDF 已暂停") != std::string::npos);
        auto state = run(cli(dir.path) + "printers");
        CHECK(state.out.find("PDF\t已暂停") != std::string::npos);
    }
    // No scheduler at all.
    ::setenv("CUPS_SERVER", (dir.path / "no-cups.sock").c_str(), 1);
    auto down = run(print + "--printer PDF");
    ::unsetenv("CUPS_SERVER");
    CHECK(down.code == 5);
    CHECK(down.out.find("打印服务") != std::string::npos);
    // None of this changed the case.
    CHECK(count(dir.path / "counter.db", "cases") == 1);
}

namespace {

/// Trusts every staged department plugin, as the administrator of a county centre would.
void trust_all_departments(const fs::path& data) {
    std::string folders;
    for (const auto& plugin : fs::directory_iterator(stage / "plugins"))
        folders += " " + quote(plugin.path());
    auto result = run(cli(data) + "plugins trust" + folders);
    INFO(result.out);
    REQUIRE(result.code == 0);
}

/// Writes a case file of `items` with `values` (JSON) and every listed material seen on paper,
/// taken in at `now`.
fs::path case_file(const TempDir& dir, const std::string& name, const std::string& items,
                   const std::string& values, std::initializer_list<const char*> materials,
                   const std::string& now = "2026-11-23 09:30:00") {
    std::string list;
    for (const char* key : materials)
        list += std::string(list.empty() ? "" : ", ") + R"({"key": ")" + key +
                R"(", "supplied": true})";
    auto file = dir.path / name;
    std::ofstream(file) << R"({"format": "onewindow.case/1", "items": )" << items
                        << R"(, "clerk": "张敏", "now": ")" << now << R"(", "values": )" << values
                        << R"(, "materials": [)" << list << "]}";
    return file;
}

/// 新生儿出生一件事 (public security, medical security, social security, health: four
/// departments, the health item with preliminary review) taken in at `now`.
fs::path newborn_case(const TempDir& dir, const std::string& name, const std::string& now,
                      const std::string& birth_date) {
    std::string values =
        R"({"applicant.name": "李娜", "applicant.id_number": "13043419960315024X",
        "applicant.ethnicity": "汉族", "applicant.phone": "13831045678",
        "applicant.marital_status": "初婚", "applicant.hukou_division": "130434",
        "applicant.hukou_address": "河北省邯郸市魏县魏城镇南关村 12 号",
        "applicant.address": "河北省邯郸市魏县魏城镇南关村 12 号",
        "spouse.name": "王强", "spouse.id_number": "130434199408020132",
        "spouse.hukou_division": "130434", "family_planning.marriage.date": "2024-05-20",
        "family_planning.marriage.certificate_no": "J130434-2024-001207", "family_planning.children.count": 0,
        "family_planning.registration.timing": "生育后补登", "family_planning.newborn.birth_date": "BIRTH",
        "subject.kind": "申请人的子女", "child.name": "王若汐", "child.sex": "女",
        "child.birth_date": "BIRTH", "child.ethnicity": "汉族",
        "child.birth_division": "130434", "child.birth_cert_no": "Q130456789",
        "child.hukou_with": "随父落户", "medical_insurance.year": 2026, "social_security.ssc.kind": "首次申领",
        "payment.bank": "中国农业银行魏县支行"})";
    values.replace(values.find("BIRTH"), 5, birth_date);
    values.replace(values.find("BIRTH"), 5, birth_date);
    return case_file(
        dir, name, R"(["000705001000", "000733001000", "000720003000", "000718001001"])", values,
        {"birth_cert", "id_card", "hukou", "marriage_cert", "photo",
         "public_security.birth_registration_form", "medical_insurance.medical_enrolment_form",
         "social_security.ssc_application_form"},
        now);
}

}  // namespace

TEST_CASE("新生儿出生一件事 at one window: four departments, one form, one receipt",
          "[e2e][intake]") {
    TempDir dir;
    trust_all_departments(dir.path);
    auto file = newborn_case(dir, "newborn.json", "2026-11-23 09:30:00", "2026-11-02");
    auto receipt = dir.path / "receipt.pdf";
    auto result = run(cli(dir.path) + "intake " + quote(file) + " --receipt " + quote(receipt));
    INFO(result.out);
    REQUIRE(result.code == 0);
    REQUIRE(result.out.rfind("ACCEPTED ", 0) == 0);
    // One outbox row per department route: police, medical insurance, social security, health.
    CHECK(count(dir.path / "counter.db", "outbox") == 4);
    std::string text = pdftotext(receipt);
    for (const char* name : {"出生登记", "城乡居民基本医疗保险参保登记", "社会保障卡申领"}) {
        INFO(name);
        CHECK(text.find(name) != std::string::npos);
    }
}

TEST_CASE("困难群众救助一件事: the allowance checked against the administrator's standard",
          "[e2e][intake]") {
    TempDir dir;
    trust_all_departments(dir.path);
    std::ofstream(dir.path / "plugin-settings.json")
        << R"({"civil_affairs": {"dibao_standard_urban": 780, "dibao_standard_rural": 560}})";
    const std::string values = R"({"applicant.name": "赵建国",
        "applicant.id_number": "130434197804120312", "applicant.phone": "13603100417",
        "applicant.hukou_division": "130434", "applicant.hukou_address": "魏县沙口集乡东沙口村",
        "applicant.address": "魏县沙口集乡东沙口村", "applicant.monthly_income": 800,
        "household.area_type": "农村", "household.dibao": "否",
        "household.members": [{"member.name": "孙秀兰", "member.id_number": "130434198009250024",
          "member.relation": "配偶", "member.monthly_income": INCOME}],
        "civil_affairs.hardship.reason": "因病", "civil_affairs.hardship.description": "妻子患尿毒症长期透析，家庭无力承担医疗费用",
        "civil_affairs.property.houses": 1, "civil_affairs.property.vehicles": 0, "civil_affairs.property.deposits": 2000,
        "civil_affairs.property.business": "无", "payment.bank": "魏县农村信用合作联社",
        "payment.account": "6228480123456789012", "civil_affairs.relief.type": "支出型",
        "civil_affairs.relief.incident_date": "2026-10-08", "civil_affairs.relief.amount_requested": 3000})";
    auto with_income = [&](const std::string& income) {
        std::string text = values;
        text.replace(text.find("INCOME"), 6, income);
        return case_file(dir, "relief-" + income + ".json", R"(["000712001000", "000712003000"])",
                         text,
                         {"id_card", "hukou", "civil_affairs.dibao_application",
                          "civil_affairs.finance_check_authorization", "civil_affairs.income_proof",
                          "civil_affairs.medical_records", "bank_card",
                          "civil_affairs.relief_application", "civil_affairs.hardship_proof"});
    };
    // At the standard: the window accepts and warns; the township investigates the income
    // (社会救助暂行办法 art. 11), it used to be refused at the window.
    auto warned = run(cli(dir.path) + "intake " + quote(with_income("400")));
    INFO(warned.out);
    CHECK(warned.code == 0);
    CHECK(warned.out.rfind("ACCEPTED ", 0) == 0);
    CHECK(warned.out.find(
              "申报的家庭月人均收入 600 元，不低于本县农村最低生活保障标准 560 元/人·月") !=
          std::string::npos);
    CHECK(count(dir.path / "counter.db", "cases") == 1);

    auto accepted = run(cli(dir.path) + "intake " + quote(with_income("200")));
    INFO(accepted.out);
    REQUIRE(accepted.code == 0);
    CHECK(accepted.out.rfind("ACCEPTED ", 0) == 0);
    CHECK(count(dir.path / "counter.db", "outbox") == 4);
}

TEST_CASE("onewindow-cli report prints the day's counter log, as PDF too, and writes its CSV",
          "[e2e][report][intake]") {
    TempDir dir;
    trust_bundled(dir.path);
    auto accepted = run(cli(dir.path) + "intake " + quote(demo / "first_child_complete.json"));
    REQUIRE(accepted.code == 0);
    const std::string number = accepted.out.substr(9, accepted.out.find('\n') - 9);
    // The applicant rates the visit badly: once, and it waits for a supervisor.
    REQUIRE(run(cli(dir.path) + "rate " + number + " 2 --comment 排队太久").code == 0);
    auto twice = run(cli(dir.path) + "rate " + number + " 5");
    CHECK(twice.code == 2);
    CHECK(count(dir.path / "counter.db", "ratings") == 1);
    // Not decided yet: nothing to hand out, nothing recorded.
    auto early = run("echo 13043419960315024X | " + cli(dir.path) + "hand-out " + number +
                     " 000718001001 --collector 李娜");
    CHECK(early.code == 2);
    CHECK(count(dir.path / "counter.db", "hand_outs") == 0);
    auto today = run(cli(dir.path) + "report daily");
    INFO(today.out);
    REQUIRE(today.code == 0);
    CHECK(today.out.find("受理办件 1 件（事项 1 项") != std::string::npos);
    CHECK(today.out.find("按部门：魏县卫生健康局 1") != std::string::npos);
    CHECK(today.out.find("在办事项 1 项") != std::string::npos);
    CHECK(today.out.find("评价 1 次（平均 2.0 分，差评 1 次）；差评待整改 1 件") !=
          std::string::npos);
    const auto pdf = dir.path / "log.pdf";
    auto printed = run(cli(dir.path) + "report daily -o " + quote(pdf));
    INFO(printed.out);
    REQUIRE(printed.code == 0);
    std::string log_text;
    for (int p = 1; p <= onewindow::testing::page_count(pdf); ++p)
        log_text += onewindow::testing::without_spaces(onewindow::testing::page_text(pdf, p));
    for (const std::string expected : {"综合受理窗口工作日志", "受理件数：1件", "魏县卫生健康局1",
                                       "不满意1", "排队太久", "与上期比较", number.c_str()}) {
        INFO(expected);
        CHECK(log_text.find(expected) != std::string::npos);
    }
    auto wrong = run(cli(dir.path) + "report daily -o " + quote(dir.path / "log.txt"));
    CHECK(wrong.code == 2);
    CHECK(wrong.out.find("只能输出为 .pdf 或 .csv") != std::string::npos);
    const auto csv = dir.path / "log.csv";
    REQUIRE(run(cli(dir.path) + "report daily -o " + quote(csv)).code == 0);
    std::ifstream in(csv, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.rfind("\xEF\xBB\xBF时间,窗口,经办人,结果", 0) == 0);
    CHECK(text.find("生育登记") != std::string::npos);
    auto bad = run(cli(dir.path) + "report period --from 2026-11-30 --to 2026-11-01");
    CHECK(bad.code == 2);
    CHECK(bad.out.find("结束日期早于开始日期") != std::string::npos);
}

TEST_CASE("guide --all: one booklet of every item, contents by department pointing to the pages",
          "[e2e]") {
    TempDir dir;
    trust_all_departments(dir.path);
    auto catalogue = run(cli(dir.path) + "catalogue");
    REQUIRE(catalogue.code == 0);
    std::vector<std::string> codes;
    std::set<std::string> departments;
    {
        std::istringstream lines(catalogue.out);
        std::string line;
        while (std::getline(lines, line)) {
            auto tab = line.find('\t');
            auto tab2 = line.find('\t', tab + 1);
            codes.push_back(line.substr(0, tab));
            departments.insert(line.substr(tab2 + 1, line.find('\t', tab2 + 1) - tab2 - 1));
        }
    }
    REQUIRE(codes.size() >= 45);  // 45 items of 14 departments since issue 17
    REQUIRE(departments.size() >= 14);

    auto pdf = dir.path / "booklet.pdf";
    auto result = run(cli(dir.path) + "guide --all -o " + quote(pdf));
    INFO(result.out);
    REQUIRE(result.code == 0);
    const auto entries = onewindow::testing::check_booklet_contents(pdf);
    onewindow::testing::keep_preview(pdf, "booklet");
    onewindow::testing::check_words_within_margins(pdf, 20);  // booklet, contents, guide: 20 mm
    for (int page : {1, 2, entries.front().page}) onewindow::testing::check_ink(pdf, page);
    std::set<std::string> listed;
    for (const auto& e : entries) listed.insert(e.code);
    CHECK(listed == std::set<std::string>(codes.begin(), codes.end()));
    CHECK(entries.size() == codes.size());
    std::string contents;
    for (int p = 2; p < entries.front().page; ++p)
        contents += onewindow::testing::page_text(pdf, p);
    for (const auto& department : departments) {
        INFO(department);
        CHECK(contents.find(department) != std::string::npos);
    }
    CHECK(result.out.find(std::to_string(codes.size())) != std::string::npos);
    CHECK(run(cli(dir.path) + "guide --all " + quote(pdf)).code == 64);
}

TEST_CASE("onewindow-cli backup and restore", "[e2e][backup]") {
    TempDir dir;
    trust_bundled(dir.path);
    REQUIRE(run(cli(dir.path) + "intake " + quote(demo / "first_child_complete.json")).code == 0);
    const auto backups = dir.path / "backups";
    auto backup = run(cli(dir.path) + "backup --to " + quote(backups) + " --keep 3");
    INFO(backup.out);
    REQUIRE(backup.code == 0);
    CHECK(backup.out.find("已备份 1 件办件") != std::string::npos);
    const std::string folder = backup.out.substr(7, backup.out.find('\n') - 7);
    const auto restored = dir.path / "restored";
    auto restore = run(cli(restored) + "restore " + quote(folder));
    CHECK(restore.code == 0);
    CHECK(count(restored / "counter.db", "cases") == 1);
    CHECK(run(cli(restored) + "audit verify").code == 0);
    CHECK(run(cli(dir.path) + "backup --to " + quote(backups) + " --keep 0").code == 2);

    // Scheduled (for cron): nothing without backup.json; then once, and not again while recent.
    CHECK(run(cli(dir.path) + "backup --scheduled").code == 6);
    std::ofstream(dir.path / "backup.json") << R"({"folder": "scheduled", "every_hours": 24})";
    auto scheduled = run(cli(dir.path) + "backup --scheduled");
    INFO(scheduled.out);
    CHECK(scheduled.code == 0);
    CHECK(scheduled.out.rfind("BACKUP ", 0) == 0);
    auto again = run(cli(dir.path) + "backup --scheduled");
    CHECK(again.code == 0);
    CHECK(again.out.rfind("NOT-DUE", 0) == 0);
    CHECK(onewindow::list_backups(dir.path / "scheduled").size() == 1);
}

namespace {

/// The line of `onewindow-cli outbox list` for `key`, split at the tabs.
std::vector<std::string> outbox_line(const std::string& listing, const std::string& key) {
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(key + "\t", 0) == 0) {
            std::vector<std::string> fields;
            std::istringstream parts(line);
            for (std::string field; std::getline(parts, field, '\t');) fields.push_back(field);
            while (fields.size() < 9) fields.emplace_back();
            return fields;
        }
    FAIL("no outbox line for " << key << " in\n" << listing);
    return {};
}

/// The departments of the four items of newborn_case(), as back offices serve them.
const onewindow::testing::RealOffice::Departments kNewbornDepartments = {
    {"county_public_security", "县公安局"},
    {"county_medical_security", "县医疗保障局"},
    {"county_hrss", "县人力资源和社会保障局"},
    {"county_health", "县卫生健康局"}};

}  // namespace

TEST_CASE("Agent mode: a township point forwards every item to the upper centre in time",
          "[e2e][agent][intake]") {
    TempDir dir;
    TempDir centre_dir{"onewindow-upper-centre"}, department_dir{"onewindow-department"};
    trust_all_departments(dir.path);
    const auto& departments = kNewbornDepartments;
    // The upper centre serves all four departments; the departments' own endpoints point at
    // another real back office, which must receive nothing while the point is an agent.
    onewindow::testing::RealOffice centre(centre_dir.path, departments),
        department(department_dir.path, departments);
    centre.start();
    department.start();
    std::string endpoints;
    for (const auto& [code, name] : departments)
        endpoints += "\"" + code + R"(": {"url": ")" + department.url() + R"(", "secret": ")" +
                     onewindow::testing::kSecret + "\"}, ";
    std::ofstream(dir.path / "exchange.json")
        << R"({"client": "WX01", "timeout_seconds": 5, "endpoints": {)" << endpoints
        << R"("upper_centre": {"url": ")" << centre.url() << R"(", "secret": ")"
        << onewindow::testing::kSecret << R"("}}, "agent": {"upper_centre": "upper_centre"}})";

    // Wednesday 30 September, before 国庆 (1-7 October off, Saturday 10 October worked), and
    // Thursday 19 November, before a weekend.
    auto before_holiday =
        run(cli(dir.path) + "intake " +
            quote(newborn_case(dir, "a.json", "2026-09-30 10:00:00", "2026-09-10")));
    INFO(before_holiday.out);
    REQUIRE(before_holiday.code == 0);
    auto before_weekend =
        run(cli(dir.path) + "intake " +
            quote(newborn_case(dir, "b.json", "2026-11-19 10:00:00", "2026-11-02")));
    INFO(before_weekend.out);
    REQUIRE(before_weekend.code == 0);
    const std::string a = accepted_number(before_holiday.out),
                      b = accepted_number(before_weekend.out);
    // 出生登记 goes at once; 社保卡 and 医保参保 need its 户口 (the bundle's order) and wait for
    // its approval: no forwarding deadline runs for them while they wait.
    const std::vector<std::string> plain = {"000705001000"},
                                   waiting = {"000733001000", "000720003000"};
    // 生育登记 is the township's own work, without a preliminary review: 2 working days too.
    const std::string registration = "000718001001";

    // Forwarding deadlines: 2 working days, 3 with preliminary review, by the 2026 calendar.
    auto listed = run(cli(dir.path) + "outbox list --today 2026-11-20");
    INFO(listed.out);
    REQUIRE(listed.code == 0);
    for (const auto& item : plain) {
        CHECK(outbox_line(listed.out, a + "/" + item)[6] == "2026-10-09");  // Thu 8, Fri 9
        CHECK(outbox_line(listed.out, b + "/" + item)[6] == "2026-11-23");  // Fri 20, Mon 23
        CHECK(outbox_line(listed.out, a + "/" + item)[7] == "红");
        CHECK(outbox_line(listed.out, b + "/" + item)[7] == "黄");  // due next working day
    }
    for (const auto& item : waiting) {
        CHECK(outbox_line(listed.out, b + "/" + item)[7].empty());  // not counted: waiting
        CHECK(outbox_line(listed.out, b + "/" + item)[8] == "等待「出生登记」办结后报送");
    }
    CHECK(outbox_line(listed.out, b + "/" + registration)[8] == "待报送");
    CHECK(outbox_line(listed.out, a + "/" + registration)[6] == "2026-10-09");
    CHECK(outbox_line(listed.out, b + "/" + registration)[6] == "2026-11-23");
    // The route still names the department; the deadline's colour moves with "today".
    CHECK(outbox_line(listed.out, b + "/" + registration)[1] == "county_health");
    CHECK(outbox_line(listed.out, b + "/" + registration)[7] == "黄");
    for (const auto& [today, colour] :
         std::vector<std::pair<std::string, std::string>>{{"2026-11-19", "绿"},
                                                          {"2026-11-20", "黄"},
                                                          {"2026-11-23", "黄"},
                                                          {"2026-11-24", "红"}}) {
        INFO(today);
        auto on = run(cli(dir.path) + "outbox list --today " + today);
        CHECK(outbox_line(on.out, b + "/" + registration)[7] == colour);
    }
    auto warned = run(cli(dir.path) + "outbox forwarding --today 2026-11-23");
    INFO(warned.out);
    CHECK(warned.code == 0);
    CHECK_THAT(warned.out, Catch::Contains("共 4 件待转报：2 件待转报即将超时，2 件已超时"));

    // One pass of the real dispatcher on 23 November: every item at the upper centre once.
    {
        auto store = onewindow::testing::test_store(dir.path).open(
            dir.path / "materials",
            onewindow::WorkingCalendar::load_dir(stage / "share/onewindow/calendar"));
        auto config = onewindow::ExchangeConfig::load(dir.path / "exchange.json");
        auto report = onewindow::dispatch_once(store, config, {}, "2026-11-23 11:00:00");
        CHECK(report.sent == 4);
        for (const auto& row : store.outbox().rows()) {
            const bool waits = row.item_code == waiting[0] || row.item_code == waiting[1];
            CHECK(row.state == (waits ? "pending" : "sent"));
            CHECK(row.sent_to == (waits ? "" : "upper_centre"));
            CHECK(row.sent_at == (waits ? "" : "2026-11-23 11:00:00"));
        }
        // The items of 30 September were forwarded late; those of 19 November in time.
        int late = 0;
        for (const auto& event : store.audit().events())
            if (event.type == "forwarding.late") {
                ++late;
                CHECK(event.subject == a);
            }
        CHECK(late == 2);
        CHECK(store.outbox().awaiting_forwarding(*onewindow::Date::parse("2026-11-23")).empty());
    }
    // The centre's staff approve 出生登记 of the November case and reject that of September; the
    // point pulls on Tuesday 24 November: the November items wait no more and are due by
    // Thursday 26 (2 working days from the approval); the September ones are held.
    auto reference = [&](const std::string& number) {
        SQLite::Database office(centre.db.string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(office,
                            "SELECT response_body FROM cases WHERE case_number = ? AND item = ?");
        q.bind(1, number);
        q.bind(2, plain[0]);
        REQUIRE(q.executeStep());
        return onewindow::parse_json(q.getColumn(0).getString(), "answer")
            .extract<Poco::JSON::Object::Ptr>()
            ->getValue<std::string>("reference");
    };
    CHECK(centre.decide(R"({"reference": ")" + reference(b) +
                        R"(", "outcome": "approved", "data": {"certificate_number": "户-1"}})") ==
          201);
    CHECK(centre.decide(R"({"reference": ")" + reference(a) +
                        R"(", "outcome": "rejected", "reason": "出生医学证明与申报不符"})") == 201);
    {
        auto store = onewindow::testing::test_store(dir.path).open(
            dir.path / "materials",
            onewindow::WorkingCalendar::load_dir(stage / "share/onewindow/calendar"));
        auto config = onewindow::ExchangeConfig::load(dir.path / "exchange.json");
        CHECK(onewindow::pull_decisions(store, config, "2026-11-24 09:00:00").decisions == 2);
    }
    listed = run(cli(dir.path) + "outbox list --today 2026-11-24");
    for (const auto& item : waiting) {
        CHECK(outbox_line(listed.out, b + "/" + item)[6] == "2026-11-26");
        CHECK(outbox_line(listed.out, b + "/" + item)[7] == "绿");
        CHECK(outbox_line(listed.out, b + "/" + item)[8] == "待报送");
        CHECK(outbox_line(listed.out, a + "/" + item)[2] == "blocked");
        CHECK(outbox_line(listed.out, a + "/" + item)[7].empty());
        CHECK(outbox_line(listed.out, a + "/" + item)[8] == "前置事项未通过，待窗口处理");
    }
    // The clerk withdraws one held item (a reason is needed), and it is never sent.
    CHECK(run(cli(dir.path) + "outbox cancel " + a + "/" + waiting[0]).code == 64);
    auto withdrawn = run(cli(dir.path) + "outbox cancel " + a + "/" + waiting[0] +
                         " --reason 出生登记未获批准，申请人另行办理");
    INFO(withdrawn.out);
    CHECK(withdrawn.code == 0);
    CHECK_THAT(withdrawn.out, Catch::Contains("已撤回，不再报送"));
    listed = run(cli(dir.path) + "outbox list --today 2026-11-24");
    CHECK(outbox_line(listed.out, a + "/" + waiting[0])[2] == "cancelled");
    CHECK(outbox_line(listed.out, a + "/" + waiting[0])[8] == "已撤回");
    warned = run(cli(dir.path) + "outbox forwarding --today 2026-11-24");
    CHECK_THAT(warned.out, Catch::Contains("共 2 件待转报"));
    {
        auto store = onewindow::testing::test_store(dir.path).open(
            dir.path / "materials",
            onewindow::WorkingCalendar::load_dir(stage / "share/onewindow/calendar"));
        auto config = onewindow::ExchangeConfig::load(dir.path / "exchange.json");
        CHECK(onewindow::dispatch_once(store, config, {}, "2026-11-25 10:00:00").sent == 2);
        int late = 0;
        for (const auto& event : store.audit().events()) late += event.type == "forwarding.late";
        CHECK(late == 2);  // the November items went in time
    }
    CHECK(WEXITSTATUS(centre.stop()) == 0);
    CHECK(WEXITSTATUS(department.stop()) == 0);
    SQLite::Database office(centre.db.string(), SQLite::OPEN_READONLY);
    CHECK(office.execAndGet("SELECT count(*) FROM cases").getInt64() == 6);
    CHECK(office.execAndGet("SELECT count(DISTINCT case_number || '/' || item) FROM cases")
              .getInt64() == 6);
    CHECK(office.execAndGet("SELECT count(DISTINCT department) FROM cases").getInt64() == 4);
    CHECK(count(department.db, "cases") == 0);

    auto after = run(cli(dir.path) + "outbox forwarding --today 2026-11-23");
    CHECK_THAT(after.out, Catch::Contains("共 0 件待转报"));
}

TEST_CASE(
    "新生儿出生一件事: 医保参保 goes when 出生登记's approval comes back, without a second visit",
    "[e2e][intake][bundle]") {
    TempDir dir, office_dir{"onewindow-newborn-office"};
    trust_all_departments(dir.path);
    const auto& departments = kNewbornDepartments;
    onewindow::testing::RealOffice office(office_dir.path, departments);
    office.start();
    std::string endpoints;
    for (const auto& [code, name] : departments)
        endpoints += std::string(endpoints.empty() ? "" : ", ") + "\"" + code + R"(": {"url": ")" +
                     office.url() + R"(", "secret": ")" + onewindow::testing::kSecret + "\"}";
    std::ofstream(dir.path / "exchange.json")
        << R"({"client": "WX01", "timeout_seconds": 5, "endpoints": {)" << endpoints << "}}";
    auto taken = run(cli(dir.path) + "intake " +
                     quote(newborn_case(dir, "newborn.json", "2026-11-23 09:30:00", "2026-11-02")));
    INFO(taken.out);
    REQUIRE(taken.code == 0);
    const std::string number = accepted_number(taken.out);
    const std::string birth = number + "/000705001000", medical = number + "/000733001000";

    // 出生登记 and 生育登记 go; 医保参保 and 社保卡 wait for the 户口, pass after pass.
    for (int pass = 0; pass < 2; ++pass) {
        auto dispatched = run(cli(dir.path) + "dispatch --once");
        INFO(dispatched.out);
        CHECK(dispatched.out.rfind(pass == 0 ? "DISPATCHED sent=2 retry=0 refused=0\n"
                                             : "DISPATCHED sent=0 retry=0 refused=0\n",
                                   0) == 0);
    }
    auto listed = run(cli(dir.path) + "outbox");
    INFO(listed.out);
    CHECK(outbox_line(listed.out, birth)[2] == "sent");
    CHECK(outbox_line(listed.out, medical)[2] == "pending");
    CHECK(outbox_line(listed.out, medical)[3] == "0");
    CHECK(outbox_line(listed.out, medical)[8] == "等待「出生登记」办结后报送");
    SQLite::Database office_db(office.db.string(), SQLite::OPEN_READONLY);
    CHECK(office_db.execAndGet("SELECT count(*) FROM cases").getInt64() == 2);

    // The police approve 出生登记; the counter pulls; the next dispatch sends the two.
    const std::string answer =
        office_db.execAndGet("SELECT response_body FROM cases WHERE item = '000705001000'")
            .getString();
    const std::string reference = onewindow::parse_json(answer, "answer")
                                      .extract<Poco::JSON::Object::Ptr>()
                                      ->getValue<std::string>("reference");
    CHECK(office.decide(R"({"reference": ")" + reference +
                        R"(", "outcome": "approved", "decided_by": "户籍民警",
                        "data": {"certificate_number": "130434202611020015"}})") == 201);
    auto pulled = run(cli(dir.path) + "pull --once");
    INFO(pulled.out);
    CHECK(pulled.out.rfind("PULLED decisions=1 errors=0\n", 0) == 0);
    auto dispatched = run(cli(dir.path) + "dispatch --once");
    INFO(dispatched.out);
    CHECK(dispatched.out.rfind("DISPATCHED sent=2 retry=0 refused=0\n", 0) == 0);
    listed = run(cli(dir.path) + "outbox");
    CHECK(outbox_line(listed.out, medical)[2] == "sent");
    CHECK(outbox_line(listed.out, medical)[8] == "已分送部门");

    // Four items of one case at the back offices; one case, one acceptance at the counter.
    CHECK(office_db.execAndGet("SELECT count(*) FROM cases").getInt64() == 4);
    CHECK(office_db.execAndGet("SELECT count(DISTINCT case_number) FROM cases").getInt64() == 1);
    CHECK(count(dir.path / "counter.db", "cases") == 1);
    CHECK(onewindow::testing::test_store(dir.path).scalar(
              "SELECT count(*) FROM audit_events WHERE type = 'case.accepted'") == 1);
    CHECK(WEXITSTATUS(office.stop()) == 0);
}
