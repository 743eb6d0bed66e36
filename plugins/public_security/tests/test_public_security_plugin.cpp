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

TEST_CASE("Public security: an ID card under sixteen is applied for by a guardian",
          "[public_security]") {
    constexpr const char* kIdCard = "000705002000";
    const auto& item = StagedItems::get().item(kIdCard);
    CHECK(item.name == "居民身份证申领和换领");
    CHECK(item.type == "行政确认");
    // 居民身份证法 第十二条: "六十日内发放居民身份证", natural days; 第二十条: a fee.
    CHECK(item.legal_days == 60);
    CHECK(item.legal_unit == DayUnit::Natural);
    CHECK(item.promised_days == 20);
    CHECK(has(item.fees, "工本费"));
    PluginFixture h("public_security");
    auto r = request_of(kIdCard, R"({"applicant.name": "李想",
        "public_security.idcard.reason": "首次申领"})");
    auto v = r->getObject("values");
    v->set("applicant.id_number", id("13043420110501041"));  // 15 on 2026-11-23
    CHECK(refuses(h.validate(r), "申请人未满十六周岁，由监护人代为申请领取居民身份证"));
    v->set("public_security.guardian.name", "李建军");
    v->set("public_security.guardian.id_number", id("13043419830712041"));
    CHECK(h.validate(r) == kNoFindings);
    v->set("applicant.id_number", id("13043420100501041"));  // 16
    v->set("public_security.guardian.name", "");
    CHECK(h.validate(r) == kNoFindings);
}

TEST_CASE("Public security: a spouse joins a household registered in the county",
          "[public_security]") {
    constexpr const char* kTransfer = "000705003000";
    check_item_basics(ExpectedItem{kTransfer, "户口迁入登记", "行政确认", false, 5, 0},
                      "魏县公安局", "0310-3561110");
    PluginFixture h("public_security");
    auto r = request_of(kTransfer, R"({"applicant.name": "刘芳",
        "applicant.id_number": "130434199308120427", "applicant.hukou_division": "410526",
        "public_security.transfer.reason": "夫妻投靠", "public_security.transfer.address": "魏县魏城镇南关村 12 号",
        "public_security.transfer.householder": "王强", "spouse.name": "王强",
        "spouse.id_number": "130434199408020132", "spouse.hukou_division": "130434"})");
    CHECK(h.validate(r) == kNoFindings);
    r->getObject("values")->set("spouse.hukou_division", "130481");
    CHECK(refuses(h.validate(r), "夫妻投靠落户的，被投靠的配偶户籍须在本县"));
    r->getObject("values")->set("spouse.hukou_division", "");
    CHECK(refuses(h.validate(r), "夫妻投靠的，请填写被投靠配偶的户籍地行政区划代码"));
}

TEST_CASE("Public security: a residence permit after half a year, for a person from elsewhere",
          "[public_security]") {
    constexpr const char* kResidence = "000705004000";
    check_item_basics(ExpectedItem{kResidence, "居住证申领", "公共服务", false, 7, 15},
                      "魏县公安局", "0310-3561110");
    CHECK(StagedItems::get().item(kResidence).legal_unit == DayUnit::Natural);
    PluginFixture h("public_security");
    auto r = request_of(kResidence, R"({"applicant.name": "孙磊",
        "applicant.id_number": "130434199106230417", "applicant.hukou_division": "410526",
        "public_security.residence.since": "2026-03-01", "public_security.residence.basis": "合法稳定就业",
        "public_security.residence.detail": "魏县恒达纺织有限公司"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("public_security.residence.since", "2026-06-01");
    CHECK(refuses(h.validate(r), "在本县居住未满半年，暂不能申领居住证"));
    v->set("public_security.residence.since", "2026-03-01");
    v->set("applicant.hukou_division", "130434");
    CHECK(refuses(h.validate(r), "申请人常住户口在本县，无需申领本县居住证"));
}

TEST_CASE("Public security: a death is declared by someone else, late ones checked",
          "[public_security]") {
    constexpr const char* kDeath = "000705005000";
    check_item_basics(ExpectedItem{kDeath, "死亡注销户口", "行政确认", true, 0, 0}, "魏县公安局",
                      "0310-3561110");
    PluginFixture h("public_security");
    auto r = request_of(kDeath, R"({"applicant.name": "王强",
        "applicant.id_number": "130434199408020132", "deceased.name": "王福贵",
        "deceased.id_number": "130434194502100419", "deceased.death_date": "2026-11-20",
        "deceased.relation": "子女", "public_security.death.id_card_returned": "交回"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("deceased.death_date", "2026-09-01");
    CHECK(warns(h.validate(r), "死亡已超过一个月"));
    v->set("deceased.id_number", "130434199408020132");
    CHECK(refuses(h.validate(r), "申请人不能是死者本人"));
}

TEST_CASE(
    "Public security: a temporary card only while a card is applied for, a lost card "
    "replaced through a guardian under sixteen",
    "[public_security]") {
    constexpr const char* kTemporary = "000705006000";
    constexpr const char* kReplacement = "000705007000";
    const auto& replacement = StagedItems::get().item(kReplacement);
    CHECK(replacement.name == "居民身份证补领");
    CHECK(replacement.legal_days == 60);
    CHECK(replacement.legal_unit == DayUnit::Natural);
    CHECK(StagedItems::get().item(kTemporary).name == "临时居民身份证申领");
    PluginFixture h("public_security");
    auto r = request_of(kTemporary, R"({"applicant.name": "孙磊",
        "applicant.id_number": "130434199106230417", "public_security.temporary.pending": "补领"})");
    CHECK(h.validate(r) == kNoFindings);
    r->getObject("values")->set("public_security.temporary.pending", "未办理");
    CHECK(refuses(h.validate(r), "临时居民身份证在申请领取、换领、补领居民身份证期间申领"));
    auto lost = request_of(kReplacement, R"({"applicant.name": "李想",
        "public_security.idcard.lost_how": "遗失"})");
    lost->getObject("values")->set("applicant.id_number", id("13043420110501041"));
    CHECK(refuses(h.validate(lost), "申请人未满十六周岁，由监护人代为申请领取居民身份证"));
    lost->getObject("values")->set("applicant.id_number", id("13043419910623041"));
    CHECK(h.validate(lost) == kNoFindings);
}
