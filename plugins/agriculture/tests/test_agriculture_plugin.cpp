// The agriculture and rural affairs plugin (农业农村) as the host runs it: the built .so through
// the plugin host and its item files as the counter reads them.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kHomestead = "000721001000";
constexpr const char* kSubsidy = "000721002000";

Poco::JSON::Object::Ptr house_site() {
    return request_of(kHomestead, R"({"applicant.name": "王树林",
        "applicant.id_number": "130434198203150414", "agriculture.household_size": 4,
        "agriculture.collective_member": "是", "agriculture.sold_house": "否",
        "homestead.kind": "新址新建", "homestead.address": "东代固乡东代固村 3 组",
        "homestead.land_area": 200, "homestead.building_area": 120, "homestead.floors": 2,
        "homestead.existing": "有，建房后退出"})");
}

}  // namespace

TEST_CASE("Agriculture: one house site per household, to members, within the standard",
          "[agriculture]") {
    check_item_basics(ExpectedItem{kHomestead, "农村宅基地申请审批", "行政许可", false, 15, 20},
                      "魏县农业农村局", "0310-3522316");
    Poco::JSON::Object::Ptr settings = new Poco::JSON::Object;
    settings->set("homestead_max_area", 233);
    PluginFixture h("agriculture", settings);
    auto r = house_site();
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("homestead.land_area", 250);
    CHECK(refuses(h.validate(r), "宅基地面积超过每户 233 平方米的标准"));
    v->set("homestead.land_area", 200);
    v->set("homestead.existing", "有，原址翻建");
    CHECK(refuses(h.validate(r), "农村村民一户只能拥有一处宅基地"));
    v->set("homestead.existing", "无");
    v->set("agriculture.sold_house", "是");
    CHECK(refuses(h.validate(r), "农村村民出卖、出租住房后，再申请宅基地的，不予批准"));
    v->set("agriculture.sold_house", "否");
    v->set("agriculture.collective_member", "否");
    CHECK(refuses(h.validate(r), "农村宅基地由本村集体经济组织成员以户为单位申请"));
    // Without the province's standard the area is not checked.
    PluginFixture unset("agriculture");
    auto big = house_site();
    big->getObject("values")->set("homestead.land_area", 900);
    CHECK(unset.validate(big) == kNoFindings);
    // A house site and its planning permit ask the shared facts once on one form.
    auto form = StagedItems::get().form({kHomestead, "000715002000"});
    CHECK(form.conflicts.empty());
    for (const char* key : {"homestead.address", "homestead.land_area", "homestead.floors",
                            "applicant.hukou_division"})
        CHECK(times_asked(form, key) == 1);
}

TEST_CASE("Agriculture: the farmland subsidy for contracted land in use", "[agriculture]") {
    const auto& item = StagedItems::get().item(kSubsidy);
    CHECK(item.name == "耕地地力保护补贴申报");
    CHECK(item.type == "行政给付");
    CHECK(item.legal_days == 0);  // no statute sets a limit: see plugins/LAW.md
    CHECK(item.promised_days == 20);
    PluginFixture h("agriculture");
    auto r = request_of(kSubsidy, R"({"applicant.name": "王树林",
        "applicant.id_number": "130434198203150414", "agriculture.subsidy.contract_no": "1304340012",
        "agriculture.subsidy.contract_area": 6.5, "agriculture.subsidy.declared_area": 6.5,
        "agriculture.subsidy.land_use": "种植粮食作物"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("agriculture.subsidy.declared_area", 8);
    CHECK(refuses(h.validate(r), "申报补贴面积不能超过承包耕地面积"));
    v->set("agriculture.subsidy.declared_area", 6);
    v->set("agriculture.subsidy.land_use", "撂荒");
    CHECK(refuses(h.validate(r), "长年抛荒或已改变用途的耕地不再给予耕地地力保护补贴"));
}
