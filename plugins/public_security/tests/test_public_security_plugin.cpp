// The public-security plugin (公安, 出生登记) as the host runs it: the built .so through the plugin
// host and its item file as the counter reads it.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kBirthRegistration = "000705001000";

/// Li Na (mother, registered in the county) declares her daughter born on 2026-11-02; the
/// father, Wang Qiang, is registered in the county too.
Poco::JSON::Object::Ptr birth() {
    return request_of(kBirthRegistration, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "applicant.marital_status": "初婚",
        "applicant.hukou_division": "130434", "spouse.name": "王强",
        "spouse.id_number": "130434199408020132", "spouse.hukou_division": "130434",
        "child.name": "王若汐", "child.sex": "女", "child.birth_date": "2026-11-02",
        "child.ethnicity": "汉族", "child.birth_division": "130434",
        "child.birth_cert_no": "Q130456789", "child.hukou_with": "随父落户"})");
}

}  // namespace

TEST_CASE("Public security: the birth registration's catalogue data and form",
          "[public_security]") {
    check_item_basics(ExpectedItem{kBirthRegistration, "出生登记", "行政确认", false, 3, 0},
                      "魏县公安局", "0310-3561110");
    auto form = StagedItems::get().form({kBirthRegistration});
    for (const char* key : {"child.name", "child.birth_date", "child.birth_cert_no",
                            "child.hukou_with", "applicant.hukou_division"}) {
        INFO(key);
        CHECK(form.field(key)->def.required);
    }
    CHECK(times_listed(form, "birth_cert") == 1);
}

TEST_CASE("Public security: a birth is registered once, with a parent registered here",
          "[public_security]") {
    PluginFixture h("public_security");
    auto r = birth();
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);

    SECTION("the father's registration decides 随父落户") {
        v->set("spouse.hukou_division", "410526");
        CHECK(has(
            h.validate(r),
            R"("field":"spouse.hukou_division","severity":"error","message":"申报随父落户的，父亲户籍须在本县，请到父亲户籍所在地派出所办理出生登记")"));
        v->set("child.hukou_with", "随母落户");  // the mother is the applicant, registered here
        CHECK(h.validate(r) == kNoFindings);
        v->set("applicant.hukou_division", "410526");
        CHECK(has(h.validate(r), "申报随母落户的，母亲户籍须在本县"));
    }
    SECTION("no father on the form") {
        v->remove("spouse.id_number");
        CHECK(has(h.validate(r), "申报随父落户的，请填写父亲的姓名和公民身份号码"));
        v->set("spouse.id_number", "130434199408020132");
        v->remove("spouse.hukou_division");
        CHECK(has(h.validate(r), "申报随父落户的，请填写父亲的户籍地行政区划代码"));
    }
    SECTION("already registered") {
        v->set("child.id_number", id("13043420261102002"));
        CHECK(has(h.validate(r), "子女已有公民身份号码，说明已办理出生登记，不能重复申报"));
    }
    SECTION("declared after a month") {
        v->set("child.birth_date", "2026-10-22");
        CHECK(warns(h.validate(r), "婴儿出生已超过一个月，由派出所核查出生事实后办理出生登记"));
        v->set("child.birth_date", "2026-10-23");
        CHECK(h.validate(r) == kNoFindings);
    }
    CHECK(
        h.route(r) ==
        R"({"routes":[{"department":"county_public_security","endpoint":"county_public_security","preliminary_review":false,"required":true}]})");
    CHECK(h.failure(Operation::Route, request_of("000733001000", "{}")) ==
          "plugin public_security: route: unknown item 000733001000");
}
