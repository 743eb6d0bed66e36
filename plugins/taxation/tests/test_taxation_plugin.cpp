// The tax bureau plugin (税务, 城乡居民社会保险费缴纳) as the host runs it: the built .so through
// the plugin host and its item file as the counter reads it.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

TEST_CASE("Taxation: residents' contributions pay something, at a stated rate", "[taxation]") {
    constexpr const char* kContributions = "000740001000";
    check_item_basics(ExpectedItem{kContributions, "城乡居民基本养老保险费和基本医疗保险费缴纳",
                                   "公共服务", true, 0, 0},
                      "国家税务总局魏县税务局", "0310-3525366");
    PluginFixture h("taxation");
    auto r = request_of(kContributions, R"({"applicant.name": "李秀梅",
        "applicant.id_number": "130434197507180423", "taxation.year": 2027,
        "taxation.pension_grade": "500", "taxation.medical_persons": 3, "taxation.medical_rate": 400})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("taxation.medical_rate", "");
    CHECK(refuses(h.validate(r), "缴纳城乡居民医保的，请填写本年度个人缴费标准"));
    v->set("taxation.pension_grade", "不缴纳");
    v->set("taxation.medical_persons", 0);
    CHECK(refuses(h.validate(r), "请选择养老保险缴费档次或填写医保缴费人数，至少缴纳一项"));
}
