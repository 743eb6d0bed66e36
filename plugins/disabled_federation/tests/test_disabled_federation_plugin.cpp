// The disabled persons' federation plugin (残联) as the host runs it: the built .so through the
// plugin host, with the administrator's designated assessment institutions, and its item files
// as the counter reads them.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kNewCertificate = "000750001001";
constexpr const char* kRenewal = "000750001002";
const std::string kHolder = "130434197804120312";

Poco::JSON::Object::Ptr designations() {
    return parse_json(R"({"assessment_institutions": {
        "肢体残疾": ["魏县人民医院", "魏县中医院"], "精神残疾": ["魏县精神卫生中心"]}})",
                      "settings")
        .extract<Poco::JSON::Object::Ptr>();
}

struct Host : PluginFixture {
    Host() : PluginFixture("disabled_federation", designations()) {}
};

/// A first certificate for a physical disability, assessed on Tuesday 2026-11-24.
Poco::JSON::Object::Ptr first_certificate() {
    return request_of(kNewCertificate, R"({"applicant.name": "赵建国",
        "applicant.id_number": "130434197804120312", "applicant.hukou_division": "130434",
        "disability.category": "肢体残疾", "disabled_federation.assessment.institution": "魏县人民医院",
        "disabled_federation.assessment.date": "2026-11-24"})");
}

}  // namespace

TEST_CASE("Disabled persons' federation: the two items' catalogue data and forms",
          "[disabled_federation]") {
    for (const ExpectedItem& e :
         {ExpectedItem{kNewCertificate, "残疾人证新办", "行政确认", false, 15, 0},
          ExpectedItem{kRenewal, "残疾人证换领", "行政确认", false, 10, 0}})
        check_item_basics(e, "魏县残疾人联合会", "0310-3578066");
    auto renewal = StagedItems::get().form({kRenewal});
    CHECK(renewal.field("disabled_federation.assessment.date")->def.visible_if.in ==
          std::vector<std::string>{"残疾类别或等级变化换领"});
    auto both = StagedItems::get().form({kNewCertificate, "000712004000"});
    CHECK(both.conflicts.empty());
    CHECK(times_asked(both, "disability.category") == 1);
}

TEST_CASE("Disabled persons' federation: a new certificate and its assessment appointment",
          "[disabled_federation]") {
    Host h;
    auto r = first_certificate();
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    SECTION("the appointment is on a later weekday") {
        v->set("disabled_federation.assessment.date", "2026-11-23");
        CHECK(has(h.validate(r), "预约评定日期须晚于今天"));
        v->set("disabled_federation.assessment.date", "2026-11-28");  // a Saturday
        CHECK(has(h.validate(r), "评定机构周六、周日不安排残疾评定，请改约工作日"));
    }
    SECTION("at an institution designated for the category") {
        v->set("disabled_federation.assessment.institution", "魏县精神卫生中心");
        CHECK(has(h.validate(r),
                  "魏县精神卫生中心不是肢体残疾的指定评定机构，请预约魏县人民医院、魏县中医院"));
        v->set("disability.category", "精神残疾");
        CHECK(h.validate(r) == kNoFindings);
        v->set("disability.category", "视力残疾");  // no designation configured: any
        CHECK(h.validate(r) == kNoFindings);
    }
    SECTION("a holder renews instead; registration elsewhere is refused") {
        v->set("disability.certificate_no", kHolder + "42");
        v->set("applicant.hukou_division", "130427");
        auto text = h.validate(r);
        CHECK(has(text, "已持有残疾人证的，请办理残疾人证换领，不能重复新办"));
        CHECK(has(text, "残疾人证由户籍所在地县级残疾人联合会办理"));
        v->remove("disability.certificate_no");
        v->set("civil_affairs.disability.certified", "已持证");
        CHECK(has(h.validate(r), "已持有残疾人证的，请办理残疾人证换领"));
    }
}

TEST_CASE("Disabled persons' federation: renewing one's own certificate", "[disabled_federation]") {
    Host h;
    auto r = request_of(kRenewal, R"({"applicant.name": "赵建国",
        "applicant.id_number": "130434197804120312", "applicant.hukou_division": "130434",
        "disability.certificate_no": "13043419780412031242", "disability.category": "肢体残疾",
        "disability.level": "二级", "disabled_federation.card.reason": "有效期满换领"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("disability.level", "一级");
    CHECK(has(h.validate(r), "残疾人证号第 20 位（残疾等级代码 2）与所填残疾等级“一级”不一致"));
    // A change of level is what a reassessment is for: the codes may differ, the date is due.
    v->set("disabled_federation.card.reason", "残疾类别或等级变化换领");
    v->set("disabled_federation.assessment.institution", "魏县中医院");
    v->set("disabled_federation.assessment.date", "2026-11-29");
    CHECK(has(h.validate(r), "评定机构周六、周日不安排残疾评定"));
    v->set("disabled_federation.assessment.date", "2026-11-30");
    CHECK(h.validate(r) == kNoFindings);
    v->set("disability.certificate_no", "13043419800925002442");
    CHECK(has(h.validate(r), "残疾人证号前 18 位应为申请人本人的公民身份号码"));
}

TEST_CASE("Disabled persons' federation: settings, routes and errors", "[disabled_federation]") {
    Poco::JSON::Object::Ptr bad = designations();
    bad->getObject("assessment_institutions")
        ->set("肢体残疾", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
    PluginFixture refused("disabled_federation", bad, false);
    CHECK(has(refused.load_error(),
              "settings.assessment_institutions.肢体残疾 must be a non-empty array"));
    Host h;
    CHECK(has(
        h.route(first_certificate()),
        R"("department":"county_disabled_federation","endpoint":"county_disabled_federation","preliminary_review":false)"));
    CHECK(h.failure(Operation::Validate, request_of("000712004000", "{}")) ==
          "plugin disabled_federation: validate: unknown item 000712004000");
}

TEST_CASE("Disabled persons' federation: a certificate moved with its holder's household",
          "[disabled_federation]") {
    // 迁移 is a reason of 换领: the old certificate (issued elsewhere) is returned, the new
    // household register shown.
    auto renewal = StagedItems::get().form({kRenewal});
    CHECK(renewal.field("disabled_federation.card.reason")->def.options.back() ==
          "户籍迁入换领（迁移）");
    bool hukou_for_moves = false;
    for (const auto& m : renewal.materials)
        if (m.material.key == "hukou")
            hukou_for_moves =
                m.material.required_if.in == std::vector<std::string>{"户籍迁入换领（迁移）"};
    CHECK(hukou_for_moves);
    Host h;
    auto r = request_of(kRenewal, R"({"applicant.name": "赵建国",
        "applicant.id_number": "130434197804120312", "applicant.hukou_division": "130434",
        "disability.certificate_no": "13043419780412031242", "disability.category": "肢体残疾",
        "disability.level": "二级", "disabled_federation.card.reason": "户籍迁入换领（迁移）"})");
    CHECK(h.validate(r) == kNoFindings);
    r->getObject("values")->set("applicant.hukou_division", "130427");
    const auto text = h.validate(r);
    CHECK(refuses(
        text,
        "残疾人证迁移由迁入地县级残疾人联合会办理，申请人户籍尚未迁入本县：请先办理户口迁入登记"));
    CHECK_FALSE(has(text, "残疾人证由户籍所在地县级残疾人联合会办理"));
}
