// The social-security plugin (人社) as the host runs it: the built .so through the plugin host and
// its item files as the counter reads them.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kPensionRegistration = "000720001000";
constexpr const char* kPensionBenefit = "000720002000";
constexpr const char* kCard = "000720003000";
constexpr const char* kEmployment = "000720004000";

struct Host : PluginFixture {
    Host() : PluginFixture("social_security") {}
};

/// A 45-year-old farmer registered in the county.
Poco::JSON::Object::Ptr resident(const std::string& item) {
    return request_of(item,
                      R"({"applicant.name": "刘玉芬", "applicant.id_number": "130434198105070429",
        "applicant.hukou_division": "130434", "applicant.occupation": "务农",
        "social_security.pension.employee_insured": "否"})");
}

}  // namespace

TEST_CASE("Social security: the four items' catalogue data and forms", "[social_security]") {
    for (const ExpectedItem& e :
         {ExpectedItem{kPensionRegistration, "城乡居民基本养老保险参保登记", "公共服务", true, 0,
                       0},
          ExpectedItem{kPensionBenefit, "城乡居民基本养老保险待遇申领", "行政给付", false, 15, 0},
          ExpectedItem{kCard, "社会保障卡申领", "公共服务", false, 10, 0},
          ExpectedItem{kEmployment, "就业失业登记", "公共服务", true, 0, 0}})
        check_item_basics(e, "魏县人力资源和社会保障局", "0310-3533133");
    const auto& staged = StagedItems::get();
    CHECK(staged.item(kPensionBenefit).preliminary_review);
    auto registration = staged.form({kPensionRegistration});
    CHECK(registration.field("social_security.pension.grade")->def.options.front() == "200");
    auto card = staged.form({kCard});
    // The child's facts appear only for a child.
    CHECK(card.field("child.name")->def.visible_if.field == "subject.kind");
    CHECK(card.field("child.name")->def.required_if.in == std::vector<std::string>{"申请人的子女"});
    // A card and a benefit claim together: the applicant once, the card's bank asked once.
    auto both = staged.form({kPensionBenefit, kCard});
    CHECK(both.conflicts.empty());
    CHECK(times_asked(both, "payment.bank") == 1);
    CHECK(both.field("payment.bank")->items.size() == 2);
}

TEST_CASE("Social security: joining the residents' pension", "[social_security]") {
    Host h;
    auto r = resident(kPensionRegistration);
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    SECTION("sixty and over draws the pension instead") {
        v->set("applicant.id_number", id("13043419660101042"));
        CHECK(has(h.validate(r), "申请人已年满 60 周岁，不再参保缴费"));
    }
    SECTION("under sixteen") {
        v->set("applicant.id_number", id("13043420110301042"));
        CHECK(has(h.validate(r), "申请人未满 16 周岁，不能参加城乡居民基本养老保险"));
    }
    SECTION("students and employees are not in this scheme") {
        v->set("applicant.occupation", "在校学生");
        CHECK(has(h.validate(r), "在校学生不参加城乡居民基本养老保险"));
        v->set("applicant.occupation", "企业职工");
        v->set("social_security.pension.employee_insured", "是");
        auto text = h.validate(r);
        CHECK(has(text, "企业职工属于职工基本养老保险或机关事业单位养老保险覆盖范围"));
        CHECK(has(text, "已参加职工基本养老保险的，不能同时参加城乡居民基本养老保险"));
    }
    SECTION("registered in another county") {
        v->set("applicant.hukou_division", "130427");
        CHECK(has(h.validate(r), "申请人户籍不在本县，请在户籍所在地参加城乡居民基本养老保险"));
    }
}

TEST_CASE("Social security: the pension is drawn from sixty, by the ID number on the day",
          "[social_security]") {
    Host h;
    auto r = resident(kPensionBenefit);
    auto v = r->getObject("values");
    v->set("social_security.pension.contribution_years", 15);
    // Born 1966-11-24: 59 on 2026-11-23, the application date; 60 the day after.
    v->set("applicant.id_number", id("13043419661124042"));
    CHECK(has(h.validate(r),
              "申请人于 2026-11-23 未满 60 周岁（59 周岁），不能申领城乡居民基本"
              "养老保险待遇"));
    r->set("today", "2026-11-24");
    CHECK(h.validate(r) == kNoFindings);
    v->set("social_security.pension.contribution_years", 12);
    auto text = h.validate(r);
    CHECK(has(text, R"("severity":"warning")"));
    CHECK(has(text, "累计缴费 12 年，不足 15 年，须按规定补缴后方可按月领取待遇"));
    v->set("social_security.pension.contribution_years", 15);
    v->set("social_security.pension.employee_insured", "是");
    CHECK(has(h.validate(r), "须先办理城乡养老保险制度衔接"));
}

TEST_CASE("Social security: a card for a child needs the child identified", "[social_security]") {
    Host h;
    auto r = resident(kCard);
    auto v = r->getObject("values");
    v->set("social_security.ssc.kind", "首次申领");
    CHECK(h.validate(r) == kNoFindings);  // for the applicant
    v->set("subject.kind", "申请人的子女");
    v->set("child.name", "王若汐");
    v->set("child.sex", "女");
    v->set("child.birth_date", "2026-11-02");
    CHECK(has(h.validate(r), "为子女申领社会保障卡须填写子女的公民身份号码或出生医学证明编号"));
    v->set("child.birth_cert_no", "Q130456789");
    CHECK(h.validate(r) == kNoFindings);  // a newborn before the birth registration
    v->set("child.id_number", id("13043420261101002"));
    CHECK(has(h.validate(r), "子女的公民身份号码与出生日期不一致"));
    v->set("child.id_number", id("13043420261102001"));
    CHECK(has(h.validate(r), "子女的公民身份号码与性别不一致"));
    v->set("child.id_number", id("13043420100102002"));
    v->set("child.birth_date", "2010-01-02");
    CHECK(has(h.validate(r), "子女已年满 16 周岁，须由本人申领社会保障卡"));
}

TEST_CASE("Social security: employment and unemployment registration", "[social_security]") {
    Host h;
    auto r = resident(kEmployment);
    auto v = r->getObject("values");
    v->set("social_security.employment.type", "失业登记");
    v->set("applicant.occupation", "无业");
    v->set("social_security.unemployment.date", "2026-10-31");
    CHECK(h.validate(r) == kNoFindings);
    v->set("applicant.occupation", "在校学生");
    CHECK(has(h.validate(r), "在校学生不能办理失业登记"));
    v->set("social_security.employment.type", "就业登记");
    v->set("applicant.occupation", "无业");
    v->set("social_security.employment.start_date", "1996-05-01");
    auto text = h.validate(r);
    CHECK(has(text, "办理就业登记的，职业（身份）不能为“无业”"));
    CHECK(has(text, "就业日期早于申请人年满 16 周岁之日"));
    v->set("applicant.occupation", "企业职工");
    v->set("social_security.employment.start_date", "2026-11-02");
    CHECK(h.validate(r) == kNoFindings);
    v->set("applicant.id_number", id("13043420110301042"));
    CHECK(has(h.validate(r), "申请人未满 16 周岁，不能办理就业失业登记"));
}

TEST_CASE("Social security: routes and errors", "[social_security]") {
    Host h;
    CHECK(
        h.route(resident(kPensionBenefit)) ==
        R"({"routes":[{"department":"county_hrss","endpoint":"county_hrss","preliminary_review":true,"required":true}]})");
    CHECK(has(h.route(resident(kCard)), R"("preliminary_review":false)"));
    CHECK(h.failure(Operation::Validate, resident("000712001000")) ==
          "plugin social_security: validate: unknown item 000712001000");
    CHECK(h.failure(Operation::Route, resident("1")) ==
          "plugin social_security: route: unknown item 1");
}

TEST_CASE("Social security: an employee retires at the reformed statutory age",
          "[social_security]") {
    check_item_basics(
        ExpectedItem{"000720005000", "职工基本养老保险退休待遇申领", "行政给付", false, 15, 0},
        "魏县人力资源和社会保障局", "0310-3533133");
    Host h;
    // A man born 1965-06-10: 60 years and 2 months, reached on 2025-08-10.
    auto r = request_of("000720005000", R"({"applicant.name": "王建设",
        "applicant.id_number": "130434196506100319", "social_security.retirement.post": "男职工",
        "social_security.retirement.mode": "按法定退休年龄退休", "retirement.employer": "魏县纺织有限公司",
        "social_security.pension.employee_insured": "是", "social_security.pension.contribution_years": 32})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    SECTION("born 1966-08-15: 60 years and 5 months") {
        v->set("applicant.id_number", "130434196608150317");
        CHECK(has(h.validate(r),
                  "申请人的法定退休年龄为 60 周岁 5 个月，于 2027-01-15 达到，尚未到退休年龄"));
        v->set("social_security.retirement.mode", "弹性提前退休");  // past 60: may retire early
        CHECK(h.validate(r) == kNoFindings);
        v->set("applicant.id_number", "130434196812010311");
        CHECK(has(h.validate(r), "弹性提前退休最早可于 2028-12-01 申请"));
    }
    SECTION("a woman of the 50-year post: one month later every two months") {
        v->set("applicant.id_number", "130434197603200324");  // 50 y 8 m: 2026-11-20
        CHECK(has(h.validate(r), "退休人员类别与公民身份号码显示的性别不一致"));
        v->set("social_security.retirement.post", "女职工（原法定退休年龄 50 周岁）");
        CHECK(h.validate(r) == kNoFindings);
        v->set("applicant.id_number", "130434197605200328");  // 50 y 9 m: 2027-02-20
        CHECK(has(h.validate(r), "法定退休年龄为 50 周岁 9 个月，于 2027-02-20 达到"));
    }
    SECTION("contribution years and scheme") {
        v->set("social_security.pension.contribution_years", 14.5);
        v->set("social_security.pension.employee_insured", "否");
        auto text = h.validate(r);
        CHECK(has(text, "累计缴费 14.5 年，不足 15 年最低缴费年限，不能按月领取基本养老金"));
        CHECK(has(text, "未参加职工基本养老保险的，请申领城乡居民基本养老保险待遇"));
    }
}

TEST_CASE("Social security: unemployment benefit after a year, not by one's own will",
          "[social_security]") {
    constexpr const char* kUnemployment = "000720006000";
    check_item_basics(ExpectedItem{kUnemployment, "失业保险金申领", "行政给付", false, 5, 0},
                      "魏县人力资源和社会保障局", "0310-3533133");
    Host h;
    auto r = request_of(kUnemployment, R"({"applicant.name": "赵刚",
        "applicant.id_number": "130434198805060416", "retirement.employer": "魏县恒达纺织有限公司",
        "social_security.unemployment.left_on": "2026-10-31",
        "social_security.unemployment.reason": "劳动合同期满终止",
        "social_security.unemployment.months": 30, "social_security.unemployment.seeking": "有"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("social_security.unemployment.months", 8);
    CHECK(refuses(h.validate(r),
                  "失业前用人单位和本人缴纳失业保险费满一年的方可领取失业保险金"
                  "（现累计 8 个月）"));
    v->set("social_security.unemployment.months", 30);
    v->set("social_security.unemployment.reason", "本人提出解除劳动合同");
    CHECK(refuses(h.validate(r), "本人提出解除劳动合同的，不属于非因本人意愿中断就业"));
    v->set("social_security.unemployment.reason", "用人单位解除劳动合同");
    v->set("social_security.unemployment.seeking", "无");
    CHECK(refuses(h.validate(r), "领取失业保险金须已进行失业登记并有求职要求"));
}

TEST_CASE("Social security: funeral grant and survivors' pension, not for a death at work",
          "[social_security]") {
    constexpr const char* kSurvivors = "000720007000";
    check_item_basics(ExpectedItem{kSurvivors, "丧葬补助金和抚恤金申领", "行政给付", false, 10, 0},
                      "魏县人力资源和社会保障局", "0310-3533133");
    Host h;
    auto r = request_of(kSurvivors, R"({"applicant.name": "王强",
        "applicant.id_number": "130434199408020132", "deceased.name": "王福贵",
        "deceased.id_number": "130434194502100419", "deceased.death_date": "2026-11-20",
        "deceased.relation": "子女", "deceased.cause": "因病死亡"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("deceased.cause", "因工死亡");
    CHECK(refuses(h.validate(r), "因工死亡的，丧葬补助金和供养亲属抚恤金由工伤保险基金支付"));
    v->set("deceased.cause", "因病死亡");
    v->set("deceased.id_number", "130434199408020132");
    CHECK(refuses(h.validate(r), "申请人不能是死者本人"));
}

TEST_CASE("Social security: a deceased member's residents' pension closed for the heir",
          "[social_security]") {
    constexpr const char* kDeregistration = "000720008000";
    check_item_basics(
        ExpectedItem{kDeregistration, "城乡居民基本养老保险注销登记", "公共服务", false, 10, 0},
        "魏县人力资源和社会保障局", "0310-3533133");
    Host h;
    auto r = request_of(kDeregistration, R"({"applicant.name": "王强",
        "applicant.id_number": "130434199408020132", "deceased.name": "王福贵",
        "deceased.id_number": "130434194502100419", "deceased.death_date": "2026-11-20",
        "deceased.relation": "子女"})");
    CHECK(h.validate(r) == kNoFindings);
    r->getObject("values")->set("deceased.id_number", "130434199408020132");
    CHECK(refuses(h.validate(r), "申请人不能是死者本人"));
}

TEST_CASE("Social security: the residents' pension contribution paid for the severely disabled",
          "[social_security]") {
    constexpr const char* kSevereDisability = "000720009000";
    check_item_basics(ExpectedItem{kSevereDisability, "重度残疾人城乡居民基本养老保险费代缴",
                                   "行政给付", false, 15, 0},
                      "魏县人力资源和社会保障局", "0310-3533133");
    // The certificate is asked for only when its level is known (a holder).
    auto form = StagedItems::get().form({kSevereDisability});
    CHECK_FALSE(form.field("disability.certificate_no")->def.required);
    Host h;
    auto r = request_of(kSevereDisability, R"({"applicant.name": "刘玉芬",
        "applicant.id_number": "130434198105070429", "applicant.hukou_division": "130434",
        "disability.category": "肢体残疾", "disability.level": "一级",
        "disability.certificate_no": "13043419810507042941",
        "social_security.pension.employee_insured": "否"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    SECTION("levels one and two only, on the applicant's own certificate") {
        v->set("disability.level", "三级");
        v->set("disability.certificate_no", "13043419810507042943");
        CHECK(refuses(h.validate(r), "残疾等级为三级，代缴养老保险费限于一级、二级重度残疾人"));
        v->set("disability.level", "二级");
        CHECK(refuses(h.validate(r),
                      "残疾人证号第 20 位（残疾等级代码 3）与所填残疾等级“二级”不一致"));
    }
    SECTION("a certificate still applied for: judged when it is issued") {
        v->remove("disability.level");
        v->remove("disability.certificate_no");
        CHECK(warns(h.validate(r),
                    "未填残疾人证号和残疾等级：县人社局在残疾人证核发后按残疾等级审定代缴"));
        CHECK_FALSE(has(h.validate(r), R"("severity":"error")"));
    }
    SECTION("a contributor of the residents' scheme, registered in the county") {
        v->set("social_security.pension.employee_insured", "是");
        CHECK(
            refuses(h.validate(r), "参加职工基本养老保险的，不属于城乡居民基本养老保险费代缴对象"));
        v->set("social_security.pension.employee_insured", "否");
        v->set("applicant.id_number", id("13043419600101042"));
        v->remove("disability.certificate_no");
        CHECK(refuses(h.validate(r),
                      "申请人已年满 60 周岁，不再缴费；请申领城乡居民基本养老保险待遇"));
        v->set("applicant.id_number", "130434198105070429");
        v->set("applicant.hukou_division", "130427");
        CHECK(refuses(h.validate(r),
                      "申请人户籍不在本县，请在户籍所在地申请城乡居民基本养老保险费代缴"));
    }
}
