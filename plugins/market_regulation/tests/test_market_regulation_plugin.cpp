// The market regulation plugin (市场监管, 个体工商户设立登记) as the host runs it: the built .so
// through the plugin host and its item file as the counter reads it.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

TEST_CASE("Market regulation: a family business names the family members who take part",
          "[market_regulation]") {
    constexpr const char* kSoleTrader = "000727001000";
    check_item_basics(ExpectedItem{kSoleTrader, "个体工商户设立登记", "行政许可", false, 1, 3},
                      "魏县市场监督管理局", "0310-3524512");
    PluginFixture h("market_regulation");
    auto r = request_of(kSoleTrader, R"({"applicant.name": "陈晓东",
        "applicant.id_number": "130434199106230417", "market_regulation.form": "个人经营",
        "market_regulation.scope": "餐饮服务", "market_regulation.premises": "魏县魏城镇南大街 112 号",
        "market_regulation.capital": 5})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("market_regulation.form", "家庭经营");
    CHECK(refuses(h.validate(r), "家庭经营的，请填写参加经营的家庭成员"));
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    Poco::JSON::Object::Ptr wife = new Poco::JSON::Object;
    wife->set("member.name", "刘芳");
    wife->set("member.id_number", "");
    wife->set("member.relation", "配偶");
    members->add(wife);
    v->set("household.members", members);
    CHECK(refuses(h.validate(r), "参加经营的家庭成员 刘芳 缺少有效的公民身份号码"));
    wife->set("member.id_number", id("13043419930812042"));
    CHECK(h.validate(r) == kNoFindings);
    CHECK(has(h.route(r), R"("department":"county_market_regulation")"));
}
