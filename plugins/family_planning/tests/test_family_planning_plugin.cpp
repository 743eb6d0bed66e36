// The family-planning plugin as the host runs it: the built .so, through the plugin host.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

struct Host : PluginFixture {
    Host() : PluginFixture("family_planning") {}
};

Poco::JSON::Object::Ptr couple(const std::string& item) {
    Poco::JSON::Object::Ptr v = new Poco::JSON::Object;
    v->set("applicant.name", "李娜");
    v->set("applicant.id_number", "13043419960315024X");
    v->set("applicant.marital_status", "初婚");
    v->set("applicant.hukou_division", "130434");
    v->set("spouse.name", "王强");
    v->set("spouse.id_number", "130434199408020132");
    v->set("family_planning.marriage.date", "2024-05-20");
    v->set("family_planning.children.count", 0);
    v->set("family_planning.registration.timing", "生育前登记");
    v->set("family_planning.pregnancy.expected_date", "2027-03-10");
    return request_of(item, v);
}

std::string findings(Host& h, const Poco::JSON::Object::Ptr& request) {
    return h.validate(request);
}

}  // namespace

TEST_CASE("Family planning: 生育登记 for any birth order, before or after the birth",
          "[family_planning]") {
    Host h;
    auto r = couple("000718001001");
    CHECK(findings(h, r) == R"({"findings":[]})");

    auto v = r->getObject("values");
    SECTION("under marriageable age on the marriage date") {
        v->set("spouse.id_number", id("13043420030101003"));  // male, 21 in 2024
        CHECK(findings(h, r).find("配偶结婚登记时未达法定婚龄（男不早于 22 周岁）") !=
              std::string::npos);
    }
    SECTION("two people of one sex") {
        v->set("spouse.id_number", id("13043419950101002"));  // female
        CHECK(findings(h, r).find("同一性别") != std::string::npos);
    }
    SECTION("a second and a third child are registered like the first") {
        // 人口与计划生育法 (2021) art. 18: "一对夫妻可以生育三个子女" (it refused any child
        // before).
        v->set("family_planning.children.count", 1);
        CHECK(findings(h, r) == R"({"findings":[]})");
        v->set("family_planning.children.count", 2);
        CHECK(findings(h, r) == R"({"findings":[]})");
    }
    SECTION("after the birth: a newborn's parents register it, children counted or not") {
        v->set("family_planning.registration.timing", "生育后补登");
        v->remove("family_planning.pregnancy.expected_date");
        v->set("family_planning.newborn.birth_date", "2026-10-18");
        v->set("family_planning.children.count", 1);
        CHECK(findings(h, r) == R"({"findings":[]})");
    }
    SECTION("a due date already past points to registering after the birth") {
        v->set("family_planning.pregnancy.expected_date", "2026-01-01");
        CHECK(findings(h, r).find("请选择“生育后补登”") != std::string::npos);
    }
    SECTION("an unmarried mother registers without a spouse") {
        v->set("applicant.marital_status", "未婚");
        v->remove("spouse.name");
        v->remove("spouse.id_number");
        CHECK(findings(h, r) == R"({"findings":[]})");
    }
}

TEST_CASE("Family planning: the migrant certificate is the hukou township's, for an adult woman",
          "[family_planning]") {
    Host h;
    auto r = couple("000718002000");
    auto v = r->getObject("values");
    // 流动人口计划生育工作条例 art. 7: issued by the township of her household registration,
    // before she leaves; it refused exactly these residents before.
    CHECK(findings(h, r) == R"({"findings":[]})");
    v->set("applicant.hukou_division", "411526");
    CHECK(findings(h, r).find("由户籍所在地的乡（镇）人民政府或者街道办事处出具") !=
          std::string::npos);
    v->set("applicant.hukou_division", "130434");
    v->set("applicant.id_number", "130434199408020132");  // a man
    CHECK(findings(h, r).find("由成年育龄妇女办理") != std::string::npos);
    v->set("applicant.id_number", id("13043420120101002"));  // a girl of 14
    CHECK(findings(h, r).find("申请人未成年") != std::string::npos);
    v->set("applicant.id_number", "13043419960315024X");
    v->remove("family_planning.marriage.date");
    CHECK(findings(h, r).find("已婚申请人须填写结婚登记日期") != std::string::npos);
}

TEST_CASE("Family planning: routes, documents and errors", "[family_planning]") {
    Host h;
    auto route = h.host->call("family_planning", Operation::Route, couple("000718001001"));
    CHECK(
        to_json(route) ==
        R"({"routes":[{"department":"county_health","endpoint":"county_health","preliminary_review":false,"required":true}]})");
    try {
        h.host->call("family_planning", Operation::Validate, couple("123"));
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "plugin family_planning: validate: unknown item 123");
    }
}

TEST_CASE("Family planning: the childcare subsidy is for a child under three",
          "[family_planning]") {
    constexpr const char* kSubsidy = "000718003000";
    check_item_basics(ExpectedItem{kSubsidy, "育儿补贴申领", "行政给付", false, 15, 0},
                      "魏县卫生健康局", "0310-0000000（示例号码）");
    Host h;
    auto r = request_of(kSubsidy, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "child.name": "王小雨",
        "child.birth_date": "2025-06-01", "family_planning.child.relation": "母亲"})");
    auto v = r->getObject("values");
    v->set("child.id_number", id("13043420250601042"));
    CHECK(h.validate(r) == kNoFindings);
    v->set("child.birth_date", "2025-06-02");
    CHECK(refuses(h.validate(r), "婴幼儿的公民身份号码与出生日期不一致"));
    v->set("child.id_number", id("13043420230105042"));
    v->set("child.birth_date", "2023-01-05");
    CHECK(refuses(h.validate(r), "婴幼儿已满 3 周岁，不在育儿补贴发放范围内"));
    // A newborn before its birth registration: the birth certificate identifies it.
    v->set("child.id_number", "");
    v->set("child.birth_date", "2026-11-10");
    CHECK(refuses(h.validate(r), "请填写婴幼儿的公民身份号码或出生医学证明编号"));
    v->set("child.birth_cert_no", "P130012345");
    CHECK(h.validate(r) == kNoFindings);
}

TEST_CASE("Family planning: the vaccination certificate within a month of the birth",
          "[family_planning]") {
    constexpr const char* kVaccination = "000718004000";
    check_item_basics(ExpectedItem{kVaccination, "预防接种证办理", "公共服务", true, 0, 0},
                      "魏县卫生健康局", "0310-0000000（示例号码）");
    Host h;
    auto r = request_of(kVaccination, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "child.name": "王小雨", "child.sex": "女",
        "child.birth_date": "2026-11-10", "child.birth_cert_no": "P130012345",
        "family_planning.child.relation": "母亲"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("child.birth_date", "2026-09-10");
    CHECK(warns(h.validate(r), "儿童出生已超过一个月，请尽快办理预防接种证并按程序补种"));
    v->set("child.birth_cert_no", "");
    CHECK(refuses(h.validate(r), "请填写儿童的公民身份号码或出生医学证明编号"));
}

TEST_CASE("Family planning: a birth certificate first issued without one, a copy naming it",
          "[family_planning]") {
    constexpr const char* kBirthCertificate = "000718005000";
    CHECK(StagedItems::get().item(kBirthCertificate).basis ==
          "《中华人民共和国母婴保健法》第二十三条");
    Host h;
    auto r = request_of(kBirthCertificate, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "family_planning.birth_cert.reason": "遗失补发",
        "child.name": "王小雨", "child.sex": "女", "child.birth_date": "2025-06-01",
        "child.birth_cert_no": "P130012345"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("family_planning.birth_cert.reason", "院外出生首次签发");
    CHECK(refuses(h.validate(r), "已有出生医学证明的，请选择遗失补发或信息错误换发"));
    v->set("child.birth_cert_no", "");
    CHECK(h.validate(r) == kNoFindings);
    v->set("family_planning.birth_cert.reason", "信息错误换发");
    CHECK(refuses(h.validate(r), "补发或换发的，请填写原出生医学证明编号"));
}
