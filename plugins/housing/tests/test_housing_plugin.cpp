// The housing plugin (住建, 公共租赁住房申请) as the host runs it: the built .so through the plugin
// host and its item file as the counter reads it.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kPublicRental = "000716001000";

Poco::JSON::Object::Ptr standards() {
    Poco::JSON::Object::Ptr s = new Poco::JSON::Object;
    s->set("area_per_person_limit", 15);
    s->set("income_per_person_limit", 24000);
    s->set("migrant_work_years", 2);
    return s;
}

}  // namespace

TEST_CASE("Housing: public rental housing against the county's standards", "[housing]") {
    check_item_basics(ExpectedItem{kPublicRental, "公共租赁住房申请", "公共服务", false, 20, 0},
                      "魏县住房和城乡建设局", "0310-3523408");
    PluginFixture h("housing", standards());
    auto r = request_of(kPublicRental, R"({"applicant.name": "赵丽",
        "applicant.id_number": "130434199002140425", "housing.applicant_kind": "城镇中等偏下收入住房困难家庭",
        "housing.household_size": 3, "housing.owned_area": 30, "housing.annual_income": 36000})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("housing.owned_area", 60);
    CHECK(refuses(h.validate(r),
                  "家庭人均自有住房建筑面积 20 平方米，不低于本县住房困难标准 15 平方米"));
    v->set("housing.owned_area", 0);
    v->set("housing.annual_income", 90000);
    // Income is investigated after acceptance (第九条): a warning, never a refusal.
    CHECK(warns(h.validate(r), "家庭人均年收入 30000 元，高于本县标准 24000 元"));
    v->set("housing.annual_income", 36000);
    v->set("housing.applicant_kind", "在城镇稳定就业的外来务工人员");
    v->set("housing.work_years", 1);
    CHECK(refuses(h.validate(r), "外来务工人员在本县稳定就业须满 2 年"));
    v->set("housing.work_years", 3);
    CHECK(h.validate(r) == kNoFindings);
    // The employment proof is asked only of workers.
    CHECK(times_listed(StagedItems::get().form({kPublicRental}), "housing.employment_proof") == 1);
}
