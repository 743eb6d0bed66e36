// The justice plugin (司法, 法律援助申请) as the host runs it: the built .so through the plugin
// host and its item file as the counter reads it.
#include <catch2/catch.hpp>

#include <algorithm>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kLegalAid = "000713001000";

/// A 45-year-old migrant worker claiming unpaid wages.
Poco::JSON::Object::Ptr wages() {
    return request_of(kLegalAid, R"({"applicant.name": "刘玉芬",
        "applicant.id_number": "130434198105070429", "applicant.occupation": "灵活就业",
        "justice.legal_aid.matter": "请求支付劳动报酬", "justice.legal_aid.opposing_party": "邯郸某建筑劳务有限公司",
        "justice.legal_aid.summary": "2025 年 3 月至 12 月在工地务工，工资 38600 元至今未付",
        "justice.legal_aid.economic_basis": "申请支付劳动报酬或工伤赔偿的农民工"})");
}

}  // namespace

TEST_CASE("Justice: legal aid and who skips the check of economic hardship", "[justice]") {
    check_item_basics(ExpectedItem{kLegalAid, "法律援助申请", "公共服务", false, 3, 7},
                      "魏县司法局", "0310-3540148");
    auto form = StagedItems::get().form({kLegalAid});
    // 法律援助法 art. 31: its nine kinds, (5) and (7) split by claim; 交通事故 is one of (7),
    // "产品质量" is not in the article.
    const auto& options = form.field("justice.legal_aid.matter")->def.options;
    CHECK(options.size() == 14);
    CHECK(std::find(options.begin(), options.end(), "请求交通事故人身损害赔偿") != options.end());
    for (const auto& option : options) CHECK(option.find("产品质量") == std::string::npos);
    CHECK(times_listed(form, "justice.economic_statement") == 1);

    PluginFixture h("justice");
    auto r = wages();
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("justice.legal_aid.matter", "请求给付赡养费、抚养费、扶养费");
    CHECK(has(h.validate(r),
              "农民工免予核查经济困难状况，仅限请求支付劳动报酬或者工伤事故"
              "人身损害赔偿"));
    v->set("justice.legal_aid.economic_basis", "无固定生活来源的未成年人、老年人或残疾人");
    CHECK(
        warns(h.validate(r), "申请人 45 周岁，以残疾人身份免予核查经济困难状况的，请出示残疾人证"));
    v->set("applicant.id_number", "130434196601010426");
    v->set("justice.legal_aid.economic_basis", "个人诚信承诺经济困难");
    CHECK(h.validate(r) == kNoFindings);
    v->set("justice.legal_aid.matter", "其他事项");
    CHECK(warns(h.validate(r), "不属于法律援助法第三十一条所列事项的"));
    v->set("justice.legal_aid.matter", "刑事案件");
    CHECK(warns(h.validate(r), "犯罪嫌疑人、被告人在押的，也可以通过办案机关转交申请"));
    CHECK(has(h.route(r), R"("department":"county_justice","endpoint":"county_justice")"));
    CHECK(h.failure(Operation::Route, request_of("2", "{}")) ==
          "plugin justice: route: unknown item 2");
}
