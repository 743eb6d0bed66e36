// Life-event bundles (一件事) over the staged department plugins' items: one unified form that asks
// each fact once and lists each material once, whatever the departments.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "plugin_fixture.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

Bundle bundle(const std::string& id) {
    Issues issues;
    Bundle b = load_bundle(
        std::filesystem::path(ONEWINDOW_SOURCE_DIR) / "forms/bundles" / (id + ".json"), issues);
    REQUIRE(issues.to_string() == "");
    return b;
}

/// The unified form of a bundle, checked for its name, its number of items (when given) and for
/// conflicts.
UnifiedForm bundle_form(const Bundle& b, const std::string& name, std::size_t items = 0) {
    if (items) REQUIRE(b.items.size() == items);
    CHECK(b.name == name);
    auto form = StagedItems::get().form(b.items);
    CHECK(form.conflicts.empty());
    return form;
}

/// Each key asked once, by `items` of the bundle's items.
void asked_once(const UnifiedForm& form, std::initializer_list<const char*> keys,
                std::size_t items) {
    for (const char* key : keys) {
        INFO(key);
        CHECK(times_asked(form, key) == 1);
        CHECK(form.field(key)->items.size() == items);
    }
}

void listed_once(const UnifiedForm& form, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        INFO(key);
        CHECK(times_listed(form, key) == 1);
    }
}

/// Counted against the separate forms of its items: the bundle asks every distinct fact of them,
/// each once, so it asks fewer questions than the forms' sum.
void each_fact_once(const Bundle& b, const UnifiedForm& form) {
    std::size_t sum = 0, asked = 0;
    std::set<std::string> distinct;
    for (const auto& code : b.items)
        for (const auto& section : StagedItems::get().form({code}).sections)
            for (const auto& field : section.fields) {
                ++sum;
                distinct.insert(field.def.key);
            }
    for (const auto& section : form.sections) asked += section.fields.size();
    INFO(b.id << ": " << asked << " questions, " << sum << " on the separate forms");
    CHECK(asked == distinct.size());
    CHECK(asked < sum);
}

const ItemMaterial& material(const UnifiedForm& form, const std::string& key) {
    for (const auto& m : form.materials)
        if (m.material.key == key) return m.material;
    FAIL("no material " << key);
    throw;
}

}  // namespace

TEST_CASE("新生儿出生一件事: the parents' and the child's facts once, materials merged",
          "[bundles]") {
    const Bundle newborn = bundle("newborn");
    // 出生登记, 医保参保登记, 社会保障卡申领, 生育登记, 预防接种证办理, 育儿补贴申领: four
    // departments, six items.
    auto form = bundle_form(newborn, "新生儿出生一件事", 6);
    asked_once(form, {"applicant.name", "applicant.id_number"}, 6);
    asked_once(form, {"child.name", "child.birth_date", "child.birth_cert_no"}, 5);
    asked_once(form, {"child.sex"}, 4);
    asked_once(form, {"spouse.name", "spouse.id_number"}, 2);
    // The child's facts are always asked: the birth registration needs them whatever the
    // other items' "办理对象" says.
    CHECK_FALSE(form.field("child.name")->def.visible_if.active());
    CHECK(form.field("child.name")->def.required);
    CHECK(form.field("child.birth_cert_no")->def.required);
    // Marital status: the options every item accepts (生育登记 accepts every status: an
    // unmarried mother registers too).
    CHECK(form.field("applicant.marital_status")->def.options ==
          std::vector<std::string>{"未婚", "初婚", "再婚", "离婚", "丧偶"});
    listed_once(form, {"id_card", "hukou", "birth_cert", "marriage_cert", "photo"});
    CHECK(material(form, "id_card").notes.find("父母双方") != std::string::npos);
    // The photo may follow for the card and the registration card; the certificate may not.
    CHECK(material(form, "photo").tolerable_gap);
    CHECK_FALSE(material(form, "birth_cert").tolerable_gap);

    each_fact_once(newborn, form);
}

TEST_CASE(
    "困难群众救助一件事: the allowance, the extreme poor, relief, medical assistance and the "
    "disability subsidies from one form",
    "[bundles]") {
    const Bundle relief = bundle("hardship_relief");
    // 最低生活保障, 特困人员救助供养, 临时救助, 医疗救助, 两项补贴: two departments, five items.
    auto form = bundle_form(relief, "困难群众救助一件事", 5);
    asked_once(form, {"applicant.id_number", "applicant.hukou_division", "payment.account"}, 5);
    asked_once(form, {"applicant.monthly_income", "civil_affairs.hardship.reason"}, 3);
    asked_once(form, {"household.members"}, 2);
    asked_once(form, {"disability.certificate_no", "disability.level"}, 2);
    listed_once(form,
                {"id_card", "hukou", "civil_affairs.finance_check_authorization", "bank_card",
                 "civil_affairs.medical_records", "medical_insurance.assistance_application"});
    // The household register may follow later for relief, not for the allowance: not tolerable.
    CHECK_FALSE(material(form, "hukou").tolerable_gap);
    each_fact_once(relief, form);

    // One family's facts pass civil affairs and medical insurance: a minimum-living applicant
    // with hospital costs, assisted directly once recognised (社会救助暂行办法 art. 30).
    auto values = R"({"applicant.name": "孙桂兰", "applicant.id_number": "130434196207150420",
        "applicant.hukou_division": "130434", "applicant.hukou_address": "魏县魏城镇东关村",
        "applicant.address": "魏县魏城镇东关村", "applicant.monthly_income": 0,
        "household.area_type": "农村", "civil_affairs.hardship.reason": "因病",
        "civil_affairs.hardship.description": "本人患病住院，无劳动收入",
        "medical_insurance.assistance.category": "最低生活保障家庭成员",
        "medical_insurance.assistance.kind": "门诊和住院医疗费用救助",
        "medical_insurance.claim.hospital": "魏县人民医院", "medical_insurance.assistance.self_pay": 6320,
        "payment.bank": "中国农业银行魏县支行", "payment.account": "6228480018123456789"})";
    PluginFixture medical("medical_insurance");
    const auto assistance = request_of(relief.items[3], values);
    CHECK(medical.validate(assistance) == kNoFindings);
    CHECK(has(medical.route(assistance), R"("preliminary_review":false)"));
}

namespace {

/// The facts of a disabled applicant that the federation, civil affairs and the social-security
/// bureau all read, with `more` (further JSON members, without braces) added.
std::string disabled_applicant(const std::string& more) {
    return R"({"applicant.name": "赵建国", "applicant.id_number": "130434197804120312",
        "applicant.phone": "13903105678", "applicant.hukou_division": "130434",
        "applicant.hukou_address": "魏县魏城镇南街村", "applicant.address": "魏县魏城镇南街村",
        "applicant.education": "初中", "applicant.occupation": "灵活就业", "household.dibao": "是",
        "disability.category": "肢体残疾", "civil_affairs.subsidy.type": "两项补贴",
        "payment.bank": "中国农业银行魏县支行", "payment.account": "6228480018123456789",
        "social_security.pension.employee_insured": "否",
        "social_security.employment.type": "就业登记",
        "social_security.employment.employer": "灵活就业",
        "social_security.employment.start_date": "2026-11-02", )" +
           more + "}";
}

/// Each department of the bundle, given the same values, refuses nothing.
void departments_accept(const Bundle& b, const std::string& values,
                        const std::vector<std::string>& plugins) {
    REQUIRE(plugins.size() == b.items.size());
    for (std::size_t i = 0; i < b.items.size(); ++i) {
        INFO(b.items[i] << " " << values);
        PluginFixture h(plugins[i]);
        CHECK_FALSE(has(h.validate(request_of(b.items[i], values)), R"("severity":"error")"));
    }
}

/// A disability bundle: the certificate (新办 or 换领), then the subsidies, employment registration
/// and the pension contribution, four items of three departments; each fact asked once and the
/// same `values` refused by none of the departments.
UnifiedForm disability_bundle(const Bundle& b, const std::string& name, const std::string& values) {
    auto form = bundle_form(b, name, 4);
    listed_once(form, {"id_card", "hukou", "disability_cert"});
    each_fact_once(b, form);
    departments_accept(
        b, values, {"disabled_federation", "civil_affairs", "social_security", "social_security"});
    return form;
}

}  // namespace

TEST_CASE(
    "残疾人服务一件事: the certificate, the subsidies, employment and the pension "
    "contribution from one form",
    "[bundles]") {
    // 残疾人证新办, 两项补贴, 就业失业登记, 重度残疾人城乡居民基本养老保险费代缴: the federation
    // books the assessment, civil affairs and the pension contribution wait for the certificate.
    const Bundle services = bundle("disability_services");
    const std::string values =
        disabled_applicant(R"("civil_affairs.disability.certified": "正在申办",
        "disabled_federation.assessment.institution": "魏县人民医院",
        "disabled_federation.assessment.date": "2026-11-24")");
    auto form = disability_bundle(services, "残疾人服务一件事", values);
    asked_once(form, {"applicant.id_number", "applicant.hukou_division"}, 4);
    asked_once(form, {"disability.category", "disability.certificate_no"}, 3);
    // Not required while the certificate is being applied for.
    CHECK_FALSE(form.field("disability.certificate_no")->def.required);
    CHECK_FALSE(form.field("disability.level")->def.required);
    PluginFixture federation("disabled_federation");
    CHECK(federation.validate(request_of(services.items[0], values)) == kNoFindings);
    PluginFixture civil("civil_affairs");
    CHECK(warns(civil.validate(request_of(services.items[1], values)),
                "残疾人证正在申办：县民政局在残疾人证核发后审定补贴"));
    PluginFixture hrss("social_security");
    CHECK(warns(hrss.validate(request_of(services.items[3], values)),
                "未填残疾人证号和残疾等级：县人社局在残疾人证核发后按残疾等级审定代缴"));
}

TEST_CASE("残疾人服务一件事 for a holder: the certificate renewed or moved, then the rest",
          "[bundles]") {
    // A holder who moved into the county: one certificate number for the three departments.
    const std::string values = disabled_applicant(R"("civil_affairs.disability.certified": "已持证",
        "disability.level": "一级", "disability.certificate_no": "13043419780412031241",
        "disabled_federation.card.reason": "户籍迁入换领（迁移）")");
    auto form = disability_bundle(bundle("disability_renewal"),
                                  "残疾人服务一件事（持证残疾人换领、迁移）", values);
    asked_once(form, {"disability.certificate_no", "disability.level"}, 3);
    CHECK(form.field("disability.certificate_no")->def.required);
}

TEST_CASE("社保卡居民服务一件事: the card, the residents' pension and medical insurance at once",
          "[bundles]") {
    const Bundle card = bundle("social_security_card");
    // 社会保障卡申领, 城乡居民基本养老保险参保登记, 城乡居民基本医疗保险参保登记: the card carries
    // the pension and the medical insurance it is used for; two departments.
    auto form = bundle_form(card, "社保卡居民服务一件事", 3);
    asked_once(form, {"applicant.name", "applicant.id_number", "applicant.address"}, 3);
    asked_once(form, {"subject.kind", "applicant.hukou_division"}, 2);
    listed_once(form, {"id_card", "hukou"});
    each_fact_once(card, form);
    const std::string values = R"({"applicant.name": "刘玉芬",
        "applicant.id_number": "130434198105070429", "applicant.phone": "13903101234",
        "applicant.hukou_division": "130434", "applicant.hukou_address": "魏县魏城镇东关村",
        "applicant.address": "魏县魏城镇东关村", "applicant.occupation": "务农",
        "subject.kind": "申请人本人", "social_security.ssc.kind": "首次申领",
        "payment.bank": "中国农业银行魏县支行", "social_security.pension.employee_insured": "否",
        "social_security.pension.grade": "200", "medical_insurance.employee_insured": "否",
        "medical_insurance.year": 2027})";
    departments_accept(card, values, {"social_security", "social_security", "medical_insurance"});
}

TEST_CASE("退休一件事: the pension, the retiree's medical insurance and the housing fund",
          "[bundles]") {
    const Bundle retirement = bundle("retirement");
    auto form = bundle_form(retirement, "退休一件事");
    asked_once(form, {"applicant.name", "applicant.id_number", "retirement.employer"}, 3);
    listed_once(form, {"id_card", "social_security.retirement_application",
                       "medical_insurance.retiree_medical_form"});
    // Each department's own facts are asked by that department only.
    CHECK(form.field("social_security.pension.contribution_years")->items ==
          std::vector<std::string>{"000720005000"});
    CHECK(form.field("medical_insurance.local_years")->items ==
          std::vector<std::string>{"000733004000"});
    CHECK(form.field("housing_fund.account_no")->items == std::vector<std::string>{"000741001000"});
    each_fact_once(retirement, form);
}

TEST_CASE(
    "身后一件事: the death declared once to the police, the pension fund, medical insurance and "
    "civil affairs",
    "[bundles]") {
    const Bundle death = bundle("death");
    // 死亡注销户口, 丧葬补助金和抚恤金申领, 城乡居民基本养老保险注销登记, 城乡居民基本医疗保险参保
    // 人员死亡注销（停保）, 惠民殡葬补贴申领: four departments, five items.
    auto form = bundle_form(death, "身后一件事", 5);
    asked_once(form,
               {"applicant.name", "applicant.id_number", "deceased.name", "deceased.id_number",
                "deceased.death_date", "deceased.relation"},
               5);
    asked_once(form, {"payment.account"}, 3);
    // The deceased's household register: the police's and medical insurance's, listed once.
    listed_once(form, {"id_card", "death_cert", "bank_card", "hukou"});
    CHECK(form.field("medical_insurance.insured_here")->items ==
          std::vector<std::string>{"000733008000"});
    each_fact_once(death, form);

    // The same facts pass the four departments.
    auto values = R"({"applicant.name": "王强", "applicant.id_number": "130434199408020132",
        "deceased.name": "王福贵", "deceased.id_number": "130434194502100419",
        "deceased.death_date": "2026-11-20", "deceased.relation": "子女",
        "deceased.cause": "因病死亡", "public_security.death.id_card_returned": "交回",
        "civil_affairs.funeral.deceased_division": "130434",
        "medical_insurance.scheme": "城乡居民基本医疗保险", "medical_insurance.insured_here": "是",
        "payment.bank": "中国农业银行魏县支行", "payment.account": "6228480018123456789"})";
    const std::vector<std::pair<std::string, std::string>> departments = {
        {"public_security", death.items[0]},
        {"social_security", death.items[1]},
        {"social_security", death.items[2]},
        {"medical_insurance", death.items[3]},
        {"civil_affairs", death.items[4]}};
    for (const auto& [plugin, item] : departments) {
        INFO(item);
        PluginFixture h(plugin);
        CHECK(h.validate(request_of(item, values)) == kNoFindings);
    }
}

TEST_CASE("军人退役一件事: the report and the preferential card from one form", "[bundles]") {
    const Bundle discharge = bundle("veteran_discharge");
    auto form = bundle_form(discharge, "军人退役一件事");
    asked_once(form,
               {"applicant.id_number", "veterans_affairs.enlist_date",
                "veterans_affairs.discharge_date", "veterans_affairs.certificate_no"},
               2);
    listed_once(form, {"id_card", "veterans_affairs.discharge_cert"});
    each_fact_once(discharge, form);
}

TEST_CASE("婚育一件事 is gone: it paired items that are no life event", "[bundles]") {
    CHECK_FALSE(std::filesystem::exists(std::filesystem::path(ONEWINDOW_SOURCE_DIR) /
                                        "forms/bundles/marriage_childbirth.json"));
}

namespace {

/// The lead checked over the staged departments' items.
std::string lead_issues(const Bundle& b) {
    Issues issues;
    check_bundle_items(
        b, b.id, [](const std::string& code) { return StagedItems::get().catalogue.find(code); },
        issues);
    return issues.to_string();
}

using Order = std::map<std::string, std::vector<std::string>>;

}  // namespace

TEST_CASE("Each bundle's lead department, promised limit and order", "[bundles]") {
    struct Expected {
        const char* id;
        const char* lead;
        int days;
        Order after;
    };
    const std::string birth = "000705001000", death = "000705005000",
                      disability_cert = "000750001001", renewal = "000750001002",
                      retirement = "000720005000", report = "000735002000", dibao = "000712001000",
                      extreme_poor = "000712002000";
    const std::vector<Expected> expected = {
        {"newborn",
         "county_health",
         18,
         {{"000733001000", {birth}}, {"000720003000", {birth}}, {"000718003000", {birth}}}},
        {"death",
         "county_public_security",
         10,
         {{"000720007000", {death}}, {"000720008000", {death}}, {"000733008000", {death}}}},
        {"disability_services",
         "county_disabled_federation",
         35,
         {{"000712004000", {disability_cert}},
          {"000720004000", {disability_cert}},
          {"000720009000", {disability_cert}}}},
        {"disability_renewal",
         "county_disabled_federation",
         30,
         {{"000712004000", {renewal}}, {"000720004000", {renewal}}, {"000720009000", {renewal}}}},
        {"hardship_relief",
         "county_civil_affairs",
         50,
         {{"000733007000", {dibao, extreme_poor}}, {"000712004000", {dibao}}}},
        {"social_security_card", "county_hrss", 10, {}},
        {"retirement",
         "county_hrss",
         25,
         {{"000733004000", {retirement}}, {"000741001000", {retirement}}}},
        {"veteran_discharge", "county_veterans_affairs", 23, {{"000735001000", {report}}}},
    };
    for (const auto& e : expected) {
        INFO(e.id);
        const Bundle b = bundle(e.id);
        CHECK(b.lead == e.lead);
        CHECK(b.promised_days == e.days);
        CHECK(b.after == e.after);
        CHECK(lead_issues(b) == "");
        // The items the others wait for wait for none: one visit, one round of decisions first.
        for (const auto& [code, waits] : b.after)
            for (const auto& first : waits) CHECK(b.waits_for(first).empty());
        for (const auto& code : b.items)
            if (!e.after.count(code)) CHECK(b.waits_for(code).empty());
    }
}

TEST_CASE("A bad bundle file is refused naming the file and the field", "[bundles]") {
    testing::TempDir dir("onewindow-bundles");
    const auto problems = [&](const std::string& body) {
        const auto file = dir.path / "b.json";
        std::ofstream(file) << R"({"format": "onewindow.bundle/1", "id": "b", "name": "一件事", )"
                            << body << "}";
        Issues issues;
        Bundle b = load_bundle(file, issues);
        if (issues.empty())
            check_bundle_items(
                b, file.string(),
                [](const std::string& code) { return StagedItems::get().catalogue.find(code); },
                issues);
        std::string text = issues.to_string();
        const std::string prefix = file.string() + ": ";
        if (!text.empty()) CHECK(text.rfind(prefix, 0) == 0);
        for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix))
            text.erase(at, prefix.size());
        return text;
    };
    const std::string two = R"("items": ["000705001000", "000733001000"])";
    CHECK(problems(R"("promised_days": 5, )" + two).find("$.lead") != std::string::npos);
    CHECK(problems(R"("lead": "county_health", )" + two) ==
          "$.promised_days: missing: the bundle's promised working days (> 0)");
    CHECK(problems(R"("lead": "county_public_security", "promised_days": 0, )" + two)
              .find("$.promised_days") == 0);
    CHECK(problems(R"("lead": "county_health", "promised_days": 5, )" + two) ==
          "$.lead: \"county_health\" is the department of none of the items "
          "(county_public_security, county_medical_security)");
    const std::string head = R"("lead": "county_public_security", "promised_days": 5, "items": [)";
    CHECK(problems(head + R"("000705001000", "000733001000"])") == "");
    CHECK(problems(head +
                   R"("000705001000", {"code": "000733001000", "after": ["000720003000"]}])") ==
          "$.items[1].after: \"000720003000\" is not an item of this bundle");
    CHECK(problems(head +
                   R"("000705001000", {"code": "000733001000", "after": ["000733001000"]}])") ==
          "$.items[1].after: item 000733001000 waits for itself");
    CHECK(problems(head + R"({"code": "000705001000", "after": ["000733001000"]},
                             {"code": "000733001000", "after": ["000705001000"]}])") ==
          "$.items[0].after: a cycle: item 000705001000 waits, through others, for itself\n"
          "$.items[1].after: a cycle: item 000733001000 waits, through others, for itself");
    CHECK(problems(head + R"("000705001000", "000705001000", "000733001000"])") ==
          "$.items[1]: item 000705001000 is listed twice");
    CHECK(problems(head + R"("000705001000", {"code": "000733001000", "before": []}])") ==
          "$.items[1].before: unknown key \"before\"");
}
