// The bundled items against the statutes (issue 16): every citation and limit below was read in
// the statute's own text; plugins/LAW.md quotes the words relied on.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/guide.hpp"
#include "onewindow/core/i18n.hpp"
#include "pdf_check.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

/// The bundled catalogue as a counter opens it.
struct Bundled {
    testing::TempDir data;
    std::unique_ptr<Counter> counter;
    Bundled() {
        ::setenv("ONEWINDOW_ROOT", ONEWINDOW_STAGE_DIR, 1);
        prepare_demo_data(data.path);
        counter = Counter::open({ONEWINDOW_STAGE_DIR, data.path});
    }
    const ServiceItem& item(const char* code) const {
        const ServiceItem* found = counter->catalogue().find(code);
        REQUIRE(found);
        return *found;
    }
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("No bundled item carries a legal limit its regulation does not set", "[law]") {
    Bundled b;
    REQUIRE(b.counter->catalogue().items().size() >= 45);
    // The limits a statute sets, as read in its text (plugins/LAW.md); every other item has none.
    struct Limit {
        int days;
        DayUnit unit;
    };
    const std::map<std::string, Limit> limits = {
        {"000713001000", {7, DayUnit::Natural}},   // 法律援助法 第四十三条 "七日内"
        {"000705002000", {60, DayUnit::Natural}},  // 居民身份证法 第十二条 "六十日内"
        {"000705007000", {60, DayUnit::Natural}},  // the same, for a lost card (第十一条)
        {"000705004000", {15, DayUnit::Natural}},  // 居住证暂行条例 第九条 "15日内"
        {"000715001000", {5, DayUnit::Working}},  // 不动产登记暂行条例实施细则 第一百条
        {"000715002000", {20, DayUnit::Working}},  // 行政许可法 第四十二条、第八十二条
        {"000721001000", {20, DayUnit::Working}},  // 行政许可法 第四十二条、第八十二条
        {"000727001000", {3, DayUnit::Working}},  // 市场主体登记管理条例 第十九条 "3个工作日内"
        {"000741001000", {3, DayUnit::Natural}},  // 住房公积金管理条例 第二十五条 "3日内"
    };
    for (const auto& item : b.counter->catalogue().items()) {
        INFO(item.code << " " << item.name);
        const auto limit = limits.find(item.code);
        if (limit != limits.end()) {
            CHECK(item.legal_days == limit->second.days);
            CHECK(item.legal_unit == limit->second.unit);
            CHECK(item.promised_days <= item.legal_days);
        } else {
            // Not a 行政许可: 行政许可法 art. 42's twenty days binds none of them.
            CHECK(item.type != "行政许可");
            CHECK(item.legal_days == 0);
        }
    }
}

TEST_CASE("The articles cited are the ones whose text says it", "[law]") {
    Bundled b;
    // 社会救助暂行办法: 第二章 最低生活保障 is arts. 9-13, 第三章 特困人员供养 arts. 14-19,
    // 第九章 临时救助 arts. 47-51 of which 50 and 51 are about vagrants and beggars.
    CHECK(has(b.item("000712001000").basis, "第九条至第十三条"));
    CHECK_FALSE(has(b.item("000712001000").basis, "第十七条"));
    CHECK(has(b.item("000712002000").basis, "第十四条至第十九条"));
    CHECK_FALSE(has(b.item("000712002000").basis, "第二十条"));
    CHECK(has(b.item("000712003000").basis, "第四十七条至第四十九条"));
    CHECK_FALSE(has(b.item("000712003000").basis, "第五十条"));
    // 社会救助暂行办法 第五章 医疗救助: art. 29 (the two kinds), art. 30 (who handles it
    // directly); art. 28 was found only paraphrased. 残疾人保障法 art. 47: insurance subsidies.
    CHECK(b.item("000733007000").basis == "《社会救助暂行办法》第二十九条、第三十条");
    // 医保停保 of a deceased resident: no text found that says it, so no article (LAW.md).
    const std::string& deceased = b.item("000733008000").basis;
    CHECK(has(deceased, "不引条文"));
    CHECK_FALSE(has(deceased, "《"));
    CHECK_FALSE(has(deceased, "第五十七条"));
    CHECK(has(b.item("000720009000").basis, "《中华人民共和国残疾人保障法》第四十七条"));
    CHECK(has(b.item("000720009000").basis, "（国发〔2014〕8号）"));
    // 人口与计划生育法 (2021) art. 18 sets "一对夫妻可以生育三个子女"; art. 20 is contraception.
    const ServiceItem& registration = b.item("000718001001");
    CHECK(registration.name == "生育登记");
    CHECK(has(registration.basis, "《中华人民共和国人口与计划生育法》第十八条"));
    CHECK_FALSE(has(registration.basis, "第二十条"));
    CHECK(b.counter->catalogue().find("000718001002") == nullptr);  // no 二孩-only item
    // Registration at the township of either spouse, with far fewer papers.
    CHECK(has(registration.place, "夫妻一方户籍地或现居住地的乡镇（街道）为民服务中心"));
    for (const auto& m : registration.materials) CHECK(m.key != "hukou");
    // The migrant certificate: the hukou township issues it (流动人口计划生育工作条例 art. 7).
    const ServiceItem& migrant = b.item("000718002000");
    CHECK(migrant.basis == "《流动人口计划生育工作条例》第七条、第八条");
    CHECK(has(migrant.content, "避孕节育情况"));
    CHECK(has(migrant.content, "示例事项"));
}

TEST_CASE("A limit in natural days is counted in natural days", "[law][calendar]") {
    Bundled b;
    const auto calendar =
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_STAGE_DIR) / "share/onewindow/calendar");
    // Friday 25 September 2026, before 中秋 and 国庆: seven days is Friday 2 October, a holiday
    // or not; seven working days run to 14 October (1-7 October off, Saturday 10 worked).
    CHECK(calendar.add_days({2026, 9, 25}, 7, DayUnit::Natural) == Date{2026, 10, 2});
    CHECK(calendar.add_days({2026, 9, 25}, 7, DayUnit::Working) ==
          calendar.add_working_days({2026, 9, 25}, 7));
    CHECK(parse_day_unit("natural") == DayUnit::Natural);
    CHECK_FALSE(parse_day_unit("calendar"));
    // The guide says so.
    const testing::ChineseMessages chinese;
    const fs::path pdf = b.data.path / "guide.pdf";
    b.counter->print_guide("000713001000", pdf);
    std::string text;
    for (int page = 1; page <= testing::page_count(pdf); ++page)
        text += testing::without_spaces(testing::page_text(pdf, page));
    CHECK(has(text, "法定时限：7日"));
    CHECK_FALSE(has(text, "7个工作日"));
}

TEST_CASE("An item's legal_days_unit is checked like every key", "[law][forms]") {
    testing::TempDir dir;
    const fs::path source = fs::path(ONEWINDOW_SOURCE_DIR) / "plugins/justice/forms/legal_aid.json";
    std::ifstream in(source);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string from = "\"legal_days_unit\": \"natural\"";
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), "\"legal_days_unit\": \"calendar\"");
    const fs::path file = dir.path / "legal_aid.json";
    std::ofstream(file) << text;
    const auto issues = check_form_files({file}, nullptr).to_string();
    // (Checked without the dictionary: only the item's own structure.)
    CHECK(issues.rfind(file.string() + ": $.implementation.legal_days_unit: must be \"working\" "
                                       "or \"natural\"\n",
                       0) == 0);
}
