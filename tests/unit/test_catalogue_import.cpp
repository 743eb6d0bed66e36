// A province's item list laid against the catalogue (onewindow-cli catalogue import): the
// bundled codes are samples, the province's list is the authority on codes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "onewindow/core/catalogue_import.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "shell_run.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

ServiceItem item(const std::string& code, const std::string& name, const std::string& department,
                 int promised_days) {
    ServiceItem i;
    i.code = code;
    i.name = name;
    i.type = "公共服务";
    i.department_name = department;
    i.body = department;
    i.promised_days = promised_days;
    i.basis = "《社会救助暂行办法》第九条至第十三条";
    return i;
}

Catalogue sample_catalogue() {
    Catalogue c;
    c.add(item("000712001000", "最低生活保障审核确认", "魏县民政局", 30));
    c.add(item("000718001001", "生育登记", "魏县卫生健康局", 3));
    c.add(item("000735001000", "退役军人优待证申领", "魏县退役军人事务局", 20));
    return c;
}

fs::path write(const fs::path& dir, const std::string& text) {
    const auto file = dir / "list.csv";
    std::ofstream(file, std::ios::binary) << text;
    return file;
}

std::string error_of(const fs::path& file) {
    try {
        read_item_list(file);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Input);
        return e.what();
    }
    FAIL("read without an error");
    return {};
}

}  // namespace

TEST_CASE("A province's item list is matched by code, then by name, and the rest is reported",
          "[catalogue][import]") {
    clear_catalog();
    testing::TempDir dir;
    // The lists' own column names, a byte-order mark, a quoted cell with a comma and a line
    // break, columns in another order and one the import does not know.
    const auto file = write(dir.path,
                            "\xEF\xBB\xBF"
                            "序号,事项名称,事项编码,实施机构,事项类型,办理时限,设定依据\r\n"
                            "1,最低生活保障审核确认,000712001000,魏县民政局,行政给付,"
                            "承诺30个工作日,\"《社会救助暂行办法》第九条至第十三条\"\r\n"
                            "2,生育登记,11130434000718001001,魏县卫生健康局,公共服务,"
                            "\"即办，\n当场登记\",《中华人民共和国人口与计划生育法》第十八条\r\n"
                            "3,残疾人证新办,11130434000750001001,魏县残疾人联合会,公共服务,,\r\n");
    const auto rows = read_item_list(file);
    REQUIRE(rows.size() == 3);
    CHECK(rows[1].line == 3);
    CHECK(rows[1].limits == "即办，\n当场登记");
    CHECK(rows[2].line == 5);  // the quoted line break counts

    const Catalogue catalogue = sample_catalogue();
    const auto mapping = map_item_list(catalogue, rows);
    REQUIRE(mapping.matched.size() == 2);
    // By code: the same item; only its type differs from the list.
    CHECK(mapping.matched[0].by_code);
    CHECK(mapping.matched[0].item->code == "000712001000");
    CHECK(mapping.matched[0].differences ==
          std::vector<std::string>{"type: the list says \"行政给付\", the catalogue \"公共服务\""});
    // By name: the province's code, the limit and the basis differ.
    CHECK_FALSE(mapping.matched[1].by_code);
    CHECK(mapping.matched[1].item->code == "000718001001");
    REQUIRE(mapping.matched[1].differences.size() == 3);
    CHECK(mapping.matched[1].differences[0] ==
          "code: the list says \"11130434000718001001\", the catalogue \"000718001001\"");
    CHECK(mapping.matched[1].differences[1].rfind("limits: ", 0) == 0);
    CHECK(mapping.matched[1].differences[2].rfind("basis: ", 0) == 0);
    // Nothing is guessed: a row without an item, an item without a row.
    REQUIRE(mapping.unmatched.size() == 1);
    CHECK(mapping.unmatched[0].name == "残疾人证新办");
    REQUIRE(mapping.not_listed.size() == 1);
    CHECK(mapping.not_listed[0]->code == "000735001000");
}

TEST_CASE("A bad item list is refused with the file, the line and what is wrong",
          "[catalogue][import]") {
    clear_catalog();
    testing::TempDir dir;
    fs::path file = write(dir.path, "事项编码,实施机构\n000712001000,魏县民政局\n");
    CHECK(error_of(file) ==
          file.string() + ": line 1: the header has no column for the name (e.g. \"事项名称\")");
    file = write(dir.path, "code,name\n000712001000,低保,多余\n");
    CHECK(error_of(file) == file.string() + ": line 2: 3 cells, but the header has 2");
    file = write(dir.path, "code,name\n000712001000,\"低保\n");
    CHECK(error_of(file) == file.string() + ": line 2: a quoted cell is not closed");
    file = write(dir.path, "code,name\n000712001000,低保\n000712001000,特困\n");
    CHECK(error_of(file) ==
          file.string() + ": line 3: the code 000712001000 is listed already on line 2");
    file = write(dir.path, "code,name\n,低保\n");
    CHECK(error_of(file) == file.string() + ": line 2: the code is empty");
    file = write(dir.path, "");
    CHECK(error_of(file) == file.string() + ": the file is empty");
}

TEST_CASE("onewindow-cli catalogue import reports in Chinese what it cannot map",
          "[catalogue][import][e2e]") {
    testing::TempDir dir;
    const fs::path stage = ONEWINDOW_STAGE_DIR;
    const auto cli =
        testing::quote(stage / "bin/onewindow-cli") + " --data " + testing::quote(dir.path) + " ";
    REQUIRE(testing::run(cli + "plugins trust " + testing::quote(stage / "plugins/justice")).code ==
            0);
    const auto file = write(dir.path,
                            "事项编码,事项名称,实施机构,办理时限\n"
                            "11130434000713001000,法律援助申请,魏县司法局,七日\n"
                            "11130434000799000000,公证,魏县公证处,十五个工作日\n");
    auto result = testing::run(cli + "catalogue import " + testing::quote(file));
    INFO(result.out);
    CHECK(result.code == 1);  // a row could not be mapped
    CHECK(result.out.rfind("MAPPED 1 UNMAPPED 1 NOT-LISTED 0\n", 0) == 0);
    CHECK(result.out.find(
              "第 2 行：11130434000713001000 法律援助申请 → 目录 000713001000 法律援助申请") !=
          std::string::npos);
    CHECK(result.out.find("事项编码：清单为“11130434000713001000”，目录为“000713001000”") !=
          std::string::npos);
    CHECK(
        result.out.find("第 3 行：11130434000799000000 公证（魏县公证处）：目录中没有对应的事项") !=
        std::string::npos);
    auto bad = testing::run(cli + "catalogue import " + testing::quote(dir.path / "none.csv"));
    CHECK(bad.code == 2);
    CHECK(bad.out.find("无法读取") != std::string::npos);
}
