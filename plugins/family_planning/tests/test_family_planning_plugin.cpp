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
    v->set("spouse.name", "王强");
    v->set("spouse.id_number", "130434199408020132");
    v->set("family_planning.marriage.date", "2024-05-20");
    v->set("family_planning.children.count", 0);
    v->set("family_planning.pregnancy.expected_date", "2027-03-10");
    return request_of(item, v);
}

std::string findings(Host& h, const Poco::JSON::Object::Ptr& request) {
    return h.validate(request);
}

}  // namespace

TEST_CASE("Family planning: first-child registration rules", "[family_planning]") {
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
    SECTION("already has a child") {
        v->set("family_planning.children.count", "1");
        CHECK(findings(h, r).find("已有子女，请办理二孩生育服务登记") != std::string::npos);
    }
    SECTION("expected date in the past") {
        v->set("family_planning.pregnancy.expected_date", "2026-01-01");
        CHECK(findings(h, r).find("预产期不能早于今天") != std::string::npos);
    }
}

TEST_CASE("Family planning: second child needs the first child's details", "[family_planning]") {
    Host h;
    auto r = couple("000718001002");
    auto v = r->getObject("values");
    v->set("family_planning.children.count", 1);
    auto text = findings(h, r);
    CHECK(text.find("请填写第一个子女的姓名") != std::string::npos);
    CHECK(text.find("请填写第一个子女的出生日期") != std::string::npos);
    v->set("family_planning.first_child.name", "王小雨");
    v->set("family_planning.first_child.birth_date", "2025-06-18");
    CHECK(findings(h, r) == R"({"findings":[]})");
    v->set("family_planning.first_child.id_number", id("13043420250619002"));
    CHECK(findings(h, r).find("与出生日期不一致") != std::string::npos);
}

TEST_CASE("Family planning: the migrant certificate needs a registration elsewhere",
          "[family_planning]") {
    Host h;
    auto r = couple("000718002000");
    auto v = r->getObject("values");
    v->set("applicant.marital_status", "未婚");
    v->set("applicant.hukou_division", "130434");
    CHECK(findings(h, r).find("户籍在本县的居民不属于流动人口") != std::string::npos);
    v->set("applicant.hukou_division", "411526");
    CHECK(findings(h, r) == R"({"findings":[]})");
    v->set("applicant.marital_status", "初婚");
    v->remove("family_planning.marriage.date");
    CHECK(findings(h, r).find("已婚申请人须填写结婚登记日期") != std::string::npos);
}

TEST_CASE("Family planning: routes, documents and errors", "[family_planning]") {
    Host h;
    auto route = h.host->call("family_planning", Operation::Route, couple("000718001001"));
    CHECK(
        to_json(route) ==
        R"({"routes":[{"department":"county_health","endpoint":"county_health","preliminary_review":true,"required":true}]})");
    try {
        h.host->call("family_planning", Operation::Validate, couple("123"));
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "plugin family_planning: validate: unknown item 123");
    }
}
