// The medical-insurance plugin (医保) as the host runs it: the built .so through the plugin host
// and its item files as the counter reads them.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kEnrolment = "000733001000";
constexpr const char* kFiling = "000733002000";
constexpr const char* kChronic = "000733003000";

struct Host : PluginFixture {
    Host() : PluginFixture("medical_insurance") {}
};

/// A mother registered in the county enrolling her daughter born on 2026-11-02.
Poco::JSON::Object::Ptr newborn() {
    return request_of(kEnrolment, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "applicant.hukou_division": "130434",
        "subject.kind": "申请人的子女", "child.name": "王若汐", "child.sex": "女",
        "child.birth_date": "2026-11-02", "child.birth_cert_no": "Q130456789",
        "medical_insurance.year": 2026})");
}

}  // namespace

TEST_CASE("Medical insurance: the three items' catalogue data and forms", "[medical_insurance]") {
    for (const ExpectedItem& e :
         {ExpectedItem{kEnrolment, "城乡居民基本医疗保险参保登记", "公共服务", true, 0, 0},
          ExpectedItem{kFiling, "异地就医备案", "公共服务", true, 0, 0},
          ExpectedItem{kChronic, "门诊慢特病待遇认定", "行政确认", false, 15, 0}})
        check_item_basics(e, "魏县医疗保障局", "0310-3586012");
    const auto& staged = StagedItems::get();
    auto enrolment = staged.form({kEnrolment});
    CHECK(enrolment.field("child.birth_cert_no")->def.visible_if.in ==
          std::vector<std::string>{"申请人的子女"});
    CHECK(enrolment.field("medical_insurance.employee_insured")->def.required_if.in ==
          std::vector<std::string>{"申请人本人"});
    auto filing = staged.form({kFiling});
    CHECK(filing.field("medical_insurance.transfer.division")->def.required);
    CHECK(filing.field("medical_insurance.transfer.type")->def.options.size() == 5);
    auto chronic = staged.form({kChronic});
    CHECK(times_listed(chronic, "diagnosis_records") == 1);
    CHECK(chronic.field("medical_insurance.chronic.disease")->def.options.size() == 15);
}

TEST_CASE("Medical insurance: a newborn is enrolled under the birth certificate or registration",
          "[medical_insurance]") {
    Host h;
    auto r = newborn();
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->remove("child.birth_cert_no");
    CHECK(has(
        h.validate(r),
        R"("field":"child.birth_cert_no","severity":"error","message":"为新生儿或子女参保须填写出生医学证明编号，或先办理出生登记取得公民身份号码")"));
    v->set("child.id_number", id("13043420261102002"));  // after the birth registration
    CHECK(h.validate(r) == kNoFindings);
    v->set("child.id_number", id("13043420261103002"));
    CHECK(has(h.validate(r), "子女的公民身份号码与出生日期不一致"));
    v->remove("child.id_number");
    v->set("child.birth_cert_no", "Q130456789");

    SECTION("covered from birth only within three months") {
        v->set("child.birth_date", "2026-08-22");
        CHECK(warns(h.validate(r), "新生儿出生已超过 3 个月，不能自出生之日起享受居民医保待遇"));
        v->set("child.birth_date", "2026-08-23");
        CHECK(h.validate(r) == kNoFindings);
    }
    SECTION("an adult child enrols in person") {
        v->set("child.birth_date", "2008-11-23");
        CHECK(has(h.validate(r), "子女已成年，须由本人办理参保登记"));
    }
    SECTION("the contribution year is this year or the next") {
        v->set("medical_insurance.year", 2028);
        CHECK(has(h.validate(r), "参保缴费年度只能为 2026 年或 2027 年"));
    }
}

TEST_CASE("Medical insurance: enrolling oneself", "[medical_insurance]") {
    Host h;
    auto r = newborn();
    auto v = r->getObject("values");
    v->set("subject.kind", "申请人本人");
    v->set("medical_insurance.employee_insured", "否");
    CHECK(h.validate(r) == kNoFindings);
    v->set("medical_insurance.employee_insured", "是");
    CHECK(has(h.validate(r), "已参加职工基本医疗保险的，不能重复参加城乡居民基本医疗保险"));
    v->set("medical_insurance.employee_insured", "否");
    v->set("applicant.hukou_division", "371502");
    CHECK(has(h.validate(r), "户籍不在本县的，须持本县居住证参加城乡居民基本医疗保险"));
    supply(r, {"residence_permit"});
    CHECK(h.validate(r) == kNoFindings);
}

TEST_CASE("Medical insurance: filing for treatment elsewhere, and chronic diseases",
          "[medical_insurance]") {
    Host h;
    auto filing = request_of(kFiling, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "medical_insurance.scheme": "城乡居民基本医疗保险",
        "medical_insurance.transfer.type": "异地长期居住人员", "medical_insurance.transfer.division": "110105",
        "medical_insurance.transfer.start_date": "2026-12-01"})");
    CHECK(h.validate(filing) == kNoFindings);
    filing->getObject("values")->set("medical_insurance.transfer.division", "130434");
    CHECK(has(h.validate(filing), "就医地为本县，无需办理异地就医备案"));
    filing->getObject("values")->set("medical_insurance.transfer.division",
                                     "130402");  // 邯郸市邯山区
    CHECK(has(h.validate(filing), "就医地与参保地同属一个设区的市（市级统筹区）"));

    auto chronic = request_of(kChronic, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "medical_insurance.scheme": "城乡居民基本医疗保险",
        "medical_insurance.insured_here": "是", "medical_insurance.chronic.disease": "糖尿病",
        "medical_insurance.chronic.hospital": "魏县人民医院", "medical_insurance.chronic.hospital_level": "二级",
        "medical_insurance.chronic.diagnosis_date": "2026-06-10"})");
    CHECK(h.validate(chronic) == kNoFindings);
    chronic->getObject("values")->set("medical_insurance.chronic.hospital_level", "一级");
    chronic->getObject("values")->set("medical_insurance.insured_here", "否");
    auto text = h.validate(chronic);
    CHECK(has(text, "门诊慢特病须经二级及以上定点医疗机构确诊"));
    CHECK(has(text, "未在本县参加基本医疗保险的，不能申请门诊慢特病待遇认定"));
}

TEST_CASE("Medical insurance: routes and errors", "[medical_insurance]") {
    Host h;
    CHECK(
        h.route(newborn()) ==
        R"({"routes":[{"department":"county_medical_security","endpoint":"county_medical_security","preliminary_review":false,"required":true}]})");
    CHECK(h.failure(Operation::Validate, request_of("000718001001", "{}")) ==
          "plugin medical_insurance: validate: unknown item 000718001001");
    auto no_date = newborn();
    no_date->remove("today");
    CHECK(h.failure(Operation::Validate, no_date) ==
          "plugin medical_insurance: validate: request.today must be YYYY-MM-DD");
}

TEST_CASE("Medical insurance: a retiree's contribution years against the prefecture's minimum",
          "[medical_insurance]") {
    check_item_basics(
        ExpectedItem{"000733004000", "职工医保退休人员待遇核定", "行政确认", false, 10, 0},
        "魏县医疗保障局", "0310-3586012");
    const auto retiree = [] {
        return request_of("000733004000", R"({"applicant.name": "王建设",
            "applicant.id_number": "130434196506100319", "retirement.employer": "魏县纺织有限公司",
            "medical_insurance.contribution_years": 28, "medical_insurance.local_years": 12})");
    };
    auto minimums = parse_json(R"({"retiree_min_years_male": 25, "retiree_min_years_female": 20,
        "retiree_min_local_years": 10})",
                               "settings")
                        .extract<Poco::JSON::Object::Ptr>();
    PluginFixture h("medical_insurance", minimums);
    auto r = retiree();
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("medical_insurance.contribution_years", 22);
    v->set("medical_insurance.local_years", 8);
    auto text = h.validate(r);
    CHECK(warns(text, "职工医保累计缴费 22 年，不足本统筹区男职工 25 年的最低缴费年限"));
    CHECK(warns(text, "在本统筹区实际缴费 8 年，不足本统筹区 10 年的最低缴费年限"));
    CHECK_FALSE(has(text, R"("severity":"error")"));
    v->set("medical_insurance.local_years", 23);
    CHECK(has(h.validate(r), "本统筹区实际缴费年限不能大于职工医保累计缴费年限"));

    PluginFixture unset("medical_insurance");
    CHECK(warns(unset.validate(retiree()),
                "本统筹区男职工最低缴费年限未配置（插件设置 retiree_min_years_male）"));
    minimums->set("retiree_min_local_years", -1);
    PluginFixture refused("medical_insurance", minimums, false);
    CHECK(has(refused.load_error(),
              "$.medical_insurance.retiree_min_local_years: must lie between 0 and 60"));
}

TEST_CASE("Medical insurance: a manual reimbursement's treatment ends after it begins",
          "[medical_insurance]") {
    constexpr const char* kReimbursement = "000733005000";
    check_item_basics(ExpectedItem{kReimbursement, "医疗费用零星报销", "行政给付", false, 20, 0},
                      "魏县医疗保障局", "0310-3586012");
    Host h;
    auto r = request_of(kReimbursement, R"({"applicant.name": "赵刚",
        "applicant.id_number": "130434198805060416", "medical_insurance.claim.hospital": "北京大学第三医院",
        "medical_insurance.claim.reason": "急诊抢救", "medical_insurance.claim.admitted_on": "2026-10-02",
        "medical_insurance.claim.discharged_on": "2026-10-12", "medical_insurance.claim.amount": 18650})");
    CHECK(h.validate(r) == kNoFindings);
    r->getObject("values")->set("medical_insurance.claim.discharged_on", "2026-09-30");
    CHECK(refuses(h.validate(r), "出院或就诊结束日期不能早于就诊或入院日期"));
}

TEST_CASE("Medical insurance: the maternity allowance is the woman employee's own",
          "[medical_insurance]") {
    constexpr const char* kMaternity = "000733006000";
    check_item_basics(
        ExpectedItem{kMaternity, "生育医疗费用和生育津贴申领", "行政给付", false, 15, 0},
        "魏县医疗保障局", "0310-3586012");
    Host h;
    auto r = request_of(kMaternity, R"({"applicant.name": "李娜",
        "applicant.id_number": "13043419960315024X", "medical_insurance.maternity.claimant": "女职工本人",
        "medical_insurance.maternity.claims": "生育医疗费用和生育津贴",
        "medical_insurance.maternity.event": "生育", "medical_insurance.maternity.date": "2026-10-20",
        "retirement.employer": "魏县人民医院"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("applicant.name", "王强");
    v->set("applicant.id_number", "130434199408020132");
    CHECK(refuses(h.validate(r), "申请人为男性，请选择“男职工为未就业配偶申领”"));
    v->set("medical_insurance.maternity.claimant", "男职工为未就业配偶申领");
    CHECK(refuses(h.validate(r), "职工未就业配偶只享受生育医疗费用待遇"));
    v->set("medical_insurance.maternity.claims", "生育医疗费用");
    CHECK(h.validate(r) == kNoFindings);
}

TEST_CASE(
    "Medical insurance: medical assistance, directly for the poorest, after the township "
    "for others",
    "[medical_insurance]") {
    constexpr const char* kAssistance = "000733007000";
    check_item_basics(ExpectedItem{kAssistance, "医疗救助申请", "行政给付", false, 20, 0},
                      "魏县医疗保障局", "0310-3586012");
    // The hospital, the costs and the account only for the costs' assistance.
    auto form = StagedItems::get().form({kAssistance});
    CHECK(form.field("medical_insurance.assistance.self_pay")->def.visible_if.in ==
          std::vector<std::string>{"门诊和住院医疗费用救助"});
    CHECK_FALSE(form.field("payment.account")->def.required);
    Host h;
    auto r = request_of(kAssistance, R"({"applicant.name": "孙桂兰",
        "applicant.id_number": "130434196207150420", "applicant.hukou_division": "130434",
        "medical_insurance.assistance.category": "最低生活保障家庭成员",
        "medical_insurance.assistance.kind": "门诊和住院医疗费用救助",
        "medical_insurance.claim.hospital": "魏县人民医院", "medical_insurance.assistance.self_pay": 6320,
        "payment.bank": "中国农业银行魏县支行", "payment.account": "6228480018123456789"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    // 社会救助暂行办法 art. 30: the minimum-living households directly, others via the township.
    CHECK(has(h.route(r), R"("preliminary_review":false)"));
    v->set("medical_insurance.assistance.category", "因病致贫重病患者");
    CHECK(has(h.route(r), R"("preliminary_review":true)"));
    v->set("medical_insurance.assistance.self_pay", 0);
    CHECK(refuses(h.validate(r),
                  "基本医疗保险、大病保险等支付后个人没有自负费用的，无需申请医疗费用救助"));
    v->set("medical_insurance.assistance.kind", "资助参加城乡居民基本医疗保险");
    CHECK(h.validate(r) == kNoFindings);
    v->set("applicant.hukou_division", "130427");
    CHECK(refuses(h.validate(r), "医疗救助由户籍所在地县级医疗保障部门办理，申请人户籍不在本县"));
}

TEST_CASE("Medical insurance: a deceased resident's insurance stopped on the spot (身后一件事)",
          "[medical_insurance]") {
    constexpr const char* kDeceased = "000733008000";
    const auto& item = StagedItems::get().item(kDeceased);
    CHECK(item.name == "城乡居民基本医疗保险参保人员死亡注销（停保）");
    CHECK(item.department_name == "魏县医疗保障局");
    CHECK(item.immediate);  // 即办: stopped at the window
    CHECK(item.promised_days == 0);
    CHECK(item.legal_days == 0);
    // No text that says it could be read: the basis says so instead of citing (plugins/LAW.md).
    CHECK(has(item.basis, "不引条文"));
    // The death proof and the deceased's household register, the facts of the death bundle.
    auto form = StagedItems::get().form({kDeceased});
    CHECK(form.field("deceased.id_number")->def.required);
    CHECK(form.field("medical_insurance.insured_here")->def.required);
    for (const char* key : {"id_card", "death_cert", "hukou"}) CHECK(times_listed(form, key) == 1);
    Host h;
    auto r = request_of(kDeceased, R"({"applicant.name": "王强",
        "applicant.id_number": "130434199408020132", "deceased.name": "王福贵",
        "deceased.id_number": "130434194502100419", "deceased.death_date": "2026-11-20",
        "deceased.relation": "子女", "medical_insurance.scheme": "城乡居民基本医疗保险",
        "medical_insurance.insured_here": "是"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    CHECK(has(h.route(r), R"("preliminary_review":false)"));
    v->set("medical_insurance.insured_here", "否");
    CHECK(refuses(h.validate(r), "死者未在本县参加基本医疗保险的，由其参保地医疗保障部门办理停保"));
    v->set("medical_insurance.insured_here", "是");
    v->set("medical_insurance.scheme", "职工基本医疗保险");
    CHECK(refuses(h.validate(r), "本事项只办理城乡居民基本医疗保险停保"));
    v->set("medical_insurance.scheme", "城乡居民基本医疗保险");
    v->set("deceased.id_number", "130434199408020132");
    CHECK(refuses(h.validate(r), "申请人不能是死者本人"));
}
