// onewindow-cli check with sample data: unknown bindings and text that does not fit its box are
// found when a template is checked, naming the file and the element, not at print time.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "onewindow/core/document.hpp"
#include "onewindow/core/json.hpp"
#include "pdf_check.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

Poco::JSON::Object::Ptr sample(const std::string& json) {
    return parse_json(json, "sample").extract<Poco::JSON::Object::Ptr>();
}

fs::path write_template(const fs::path& dir, const std::string& body) {
    const fs::path file = dir / "t.json";
    std::ofstream(file) << R"({"format": "onewindow.template/1", "id": "t", "version": 1,
        "page": {"size": "A4", "margins_mm": [20, 20, 20, 20]}, "body": )"
                        << body << "}";
    return file;
}

}  // namespace

TEST_CASE("Checking with sample data names every unknown binding once, with its element",
          "[document][check]") {
    testing::TempDir dir;
    const auto file = write_template(dir.path, R"([
        {"type": "paragraph", "text": "{{holder.name}}（{{holder.nickname}}）"},
        {"type": "table", "rows": "rows", "columns": [
            {"header": "名称", "text": "{{name}}", "width": 0.5},
            {"header": "份数", "text": "{{copies}}", "width": 0.5}]},
        {"type": "list", "rows": "notes", "text": "{{text}}"}])");
    const auto issues = check_template_sample(
        file,
        sample(
            R"({"holder": {"name": "李娜"}, "rows": [{"name": "结婚证"}, {"name": "户口簿"}]})"));
    CHECK(issues.to_string() ==
          file.string() +
              ": $.body[0].text: unknown binding \"holder.nickname\": the sample data has no such "
              "value\n" +
              file.string() +
              ": $.body[1].columns[1].text: unknown binding \"copies\": the sample data has no "
              "such value\n" +
              file.string() +
              ": $.body[2].rows: unknown binding \"notes\": the sample data has no such value");
    CHECK(check_template_sample(file, sample(R"({"holder": {"name": "李娜", "nickname": "娜娜"},
        "rows": [{"name": "结婚证", "copies": 1}], "notes": [{"text": "请携带原件"}]})"))
              .empty());
}

TEST_CASE("Checking with sample data finds text wider than its box", "[document][check]") {
    testing::TempDir dir;
    const auto seal = write_template(dir.path, R"([
        {"type": "paragraph", "text": "{{body}}"},
        {"type": "seal", "text": "{{body}}（盖章）"}])");
    CHECK(check_template_sample(seal, sample(R"({"body": "魏县卫生健康局"})")).to_string() ==
          seal.string() + ": $.body[1]: the text is wider than the seal box and would be clipped");
    CHECK(check_template_sample(seal, sample(R"({"body": "卫健局"})")).empty());

    const auto label = write_template(dir.path, R"([{"type": "fields", "columns": 2, "fields": [
        {"label": "第一个子女的出生医学证明编号和签发机构", "value": "{{value}}"}]}])");
    CHECK(check_template_sample(label, sample(R"({"value": "O130434123"})")).to_string() ==
          label.string() +
              ": $.body[0]: the label \"第一个子女的出生医学证明编号和签发机构\" "
              "leaves no room for its value");
}

TEST_CASE("Checking with sample data finds characters the fonts cannot print",
          "[document][check]") {
    testing::TempDir dir;
    // U+9FD0 (鿐, Unicode 8) is in neither font: it would print as a blank box.
    const auto file = write_template(dir.path, R"([
        {"type": "heading", "text": "{{name}}的申请"},
        {"type": "paragraph", "text": "申请人：{{name}}"},
        {"type": "table", "rows": "rows", "columns": [{"header": "姓名", "text": "{{name}}", "width": 1}]}])");
    const auto rare = sample(R"({"name": "王鿐", "rows": [{"name": "李😀"}]})");
    CHECK(check_template_sample(file, rare).to_string() ==
          file.string() +
              ": $.body[0]: the font wqy-zenhei.ttc has no glyph for 鿐 (U+9FD0): it would print "
              "as a blank box\n" +
              file.string() +
              ": $.body[1]: the font uming.ttc has no glyph for 鿐 (U+9FD0): it would print as a "
              "blank box\n" +
              file.string() +
              ": $.body[2]: the font uming.ttc has no glyph for 😀 (U+1F600): it would print as a "
              "blank box");
    CHECK(check_template_sample(file, sample(R"({"name": "王娜", "rows": [{"name": "李娜"}]})"))
              .empty());
}

TEST_CASE("onewindow-cli check --sample reports a template's problems with the sample data",
          "[document][check][e2e]") {
    testing::TempDir dir;
    const fs::path tpl = fs::path(ONEWINDOW_SOURCE_DIR) /
                         "plugins/family_planning/templates/migrant_certificate.json";
    const fs::path good = dir.path / "good.json", bad = dir.path / "bad.json";
    const std::string fields = R"("certificate_no": "魏卫流证〔2026〕第00077号",
        "issuing_body": "魏县卫生健康局", "issued_on": "2026年11月23日", "case_number": "WX01-20261120-0001",
        "decided_by": "赵静", "holder": {"name": "李娜", "sex": "女", "birth_date": "1996年3月15日",
        "id_number": "13043419960315024X", "hukou_address": "河南省安阳市内黄县城关镇东街 8 号",
        "current_address": "河北省邯郸市魏县魏城镇府前街 20 号"},
        "migrant_since": "2025年3月1日", "migrant_reason": "务工", "marital_status": "初婚",
        "children_count": "1 个", "contraception": "孕期")";
    std::ofstream(good) << "{" << fields << "}";
    std::ofstream(bad) << "{" << fields << R"(, "spouse": {"name": "王强"}})";
    const std::string cli = "'" + std::string(ONEWINDOW_STAGE_DIR) + "/bin/onewindow-cli' check '" +
                            tpl.string() + "' --sample ";
    std::string out =
        testing::command_output(cli + "'" + good.string() + "' 2>&1; echo \"exit $?\"");
    CHECK(out.find("exit 0") != std::string::npos);
    out = testing::command_output(cli + "'" + bad.string() + "' 2>&1; echo \"exit $?\"");
    INFO(out);
    CHECK(out.find(tpl.string() +
                   ": $.body[12].fields[0].value: unknown binding \"marriage_date\"") !=
          std::string::npos);
    CHECK(out.find("spouse.id_number") != std::string::npos);
    CHECK(out.find("exit 0") == std::string::npos);
}
