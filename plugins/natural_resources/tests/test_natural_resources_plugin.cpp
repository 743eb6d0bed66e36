// The natural resources and planning plugin (自然资源和规划) as the host runs it: the built .so
// through the plugin host and its item files as the counter reads them.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kQuery = "000715001000";
constexpr const char* kPermit = "000715002000";
const char* const kDepartment = "魏县自然资源和规划局";
const char* const kPhone = "0310-3521156";

}  // namespace

TEST_CASE("Natural resources: a registry query names the interest of an interested party",
          "[natural_resources]") {
    check_item_basics(ExpectedItem{kQuery, "不动产登记资料查询", "公共服务", false, 1, 5},
                      kDepartment, kPhone);
    PluginFixture h("natural_resources");
    auto r = request_of(kQuery, R"({"applicant.name": "张建国",
        "applicant.id_number": "130434197805120410", "natural_resources.query.role": "不动产权利人",
        "natural_resources.query.scope": "登记结果（不动产登记簿）",
        "natural_resources.query.property": "魏县魏城镇府前街 18 号 3 单元 502 室",
        "natural_resources.query.purpose": "办理子女入学"})");
    CHECK(h.validate(r) == kNoFindings);
    r->getObject("values")->set("natural_resources.query.role", "利害关系人");
    CHECK(refuses(h.validate(r), "利害关系人查询不动产登记资料的，请选择利害关系证明"));
    r->getObject("values")->set("natural_resources.query.interest_basis",
                                "买卖、互换、赠与、租赁、抵押不动产的合同");
    CHECK(h.validate(r) == kNoFindings);
    CHECK(has(h.route(r), R"("department":"county_natural_resources")"));
    // The interested party's proof is a required material only for an interested party.
    auto form = StagedItems::get().form({kQuery});
    CHECK(times_listed(form, "natural_resources.interest_proof") == 1);
}

TEST_CASE("Natural resources: a rural house's planning permit within its site and the floors",
          "[natural_resources]") {
    check_item_basics(
        ExpectedItem{kPermit, "乡村建设规划许可（农村村民住宅）", "行政许可", false, 15, 20},
        kDepartment, kPhone);
    Poco::JSON::Object::Ptr settings = new Poco::JSON::Object;
    settings->set("max_floors", 2);
    PluginFixture h("natural_resources", settings);
    auto r = request_of(kPermit, R"({"applicant.name": "王树林",
        "applicant.id_number": "130434198203150414", "homestead.kind": "原址翻建",
        "homestead.address": "东代固乡东代固村 3 组", "homestead.land_area": 200,
        "homestead.building_area": 120, "homestead.floors": 2, "homestead.existing": "有，原址翻建"})");
    CHECK(h.validate(r) == kNoFindings);
    auto v = r->getObject("values");
    v->set("homestead.floors", 3);
    CHECK(refuses(h.validate(r), "拟建层数超过本县农村村民住宅 2 层的上限"));
    v->set("homestead.floors", 2);
    v->set("homestead.building_area", 260);
    CHECK(refuses(h.validate(r), "房基占地面积不能大于宅基地面积"));
    // The township reviews first.
    CHECK(has(h.route(r), R"("preliminary_review":true)"));
}
