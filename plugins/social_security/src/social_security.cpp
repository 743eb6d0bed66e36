// The social-security department plugin (人社): 城乡居民基本养老保险参保登记, 城乡居民基本养老保险
// 待遇申领, 社会保障卡申领 (for the applicant or a minor child, newborns included), 就业失业登记,
// 职工基本养老保险退休待遇申领 (the first item of 退休一件事), 失业保险金申领 (社会保险法
// 第四十五条: a year of contributions, not by one's own will, looking for work) and
// 丧葬补助金和抚恤金申领 (第十七条: death by illness or not at work; a death at work is the
// work-injury fund's), 城乡居民基本养老保险注销登记 (第十四条: the account's balance is
// inherited) and 重度残疾人城乡居民基本养老保险费代缴 (残疾人保障法 第四十七条, 国发〔2014〕8号:
// levels one and two, 16 to 59, not in the employees' scheme; a certificate still being applied
// for is judged by its level once issued).
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item files in
// this plugin folder (forms/). This plugin adds the rules that need several facts at once: ages
// from the ID number on the application date (16 to 59 to join the residents' pension, 60 to draw
// it), who belongs in the employees' scheme instead, a child identified by ID number or birth
// certificate, registrations consistent with the applicant's occupation, and for retirement the
// statutory retirement age after the 2024 reform (born month by born month), flexible early
// retirement and the rising minimum contribution years. The reform's schedule is national law,
// fixed until 2039, so it is written here; local policy would be a setting.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/disability.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kPensionRegistration = "000720001000";
constexpr const char* kPensionBenefit = "000720002000";
constexpr const char* kCard = "000720003000";
constexpr const char* kEmployment = "000720004000";
constexpr const char* kRetirement = "000720005000";
constexpr const char* kUnemployment = "000720006000";
constexpr const char* kSurvivors = "000720007000";
constexpr const char* kPensionDeregistration = "000720008000";
constexpr const char* kSevereDisability = "000720009000";

const PersonKeys kApplicant{"applicant.id_number", "applicant.birth_date", "applicant.sex", "",
                            "申请人"};
const PersonKeys kChild{"child.id_number", "child.birth_date", "child.sex", "child.birth_cert_no",
                        "子女"};

constexpr int kWorkingAge = 16;  // 劳动法第十五条: no work before 16
constexpr int kPensionAge = 60;  // 国发〔2014〕8号: the residents' pension from 60

// The statutory retirement age after the 2024 reform (渐进式延迟法定退休年龄): the original age,
// delayed by one month for every `step` months of birth from `first_year`-01, up to `most`.
struct RetirementRule {
    const char* post;  // the option of social_security.retirement.post
    int original_years, first_year, step, most;
};
const RetirementRule kRetirementRules[] = {{"男职工", 60, 1965, 4, 36},
                                           {"女职工（原法定退休年龄 50 周岁）", 50, 1975, 2, 60},
                                           {"女职工（原法定退休年龄 55 周岁）", 55, 1970, 4, 36}};

/// The statutory retirement age in months for someone born on `birth`.
int retirement_months(const RetirementRule& rule, const Day& birth) {
    const int born = (birth.year - rule.first_year) * 12 + (birth.month - 1);
    const int delay = born < 0 ? 0 : std::min(rule.most, born / rule.step + 1);
    return rule.original_years * 12 + delay;
}

/// The minimum contribution years for a monthly pension: 15, from 2030 half a year more each
/// year, up to 20.
double minimum_contribution_years(int year) {
    return year <= 2029 ? 15 : std::min(20.0, 15 + 0.5 * (year - 2029));
}

class SocialSecurity : public Plugin {
  public:
    Findings validate(const Request& request) override {
        Findings findings;
        const Day today = today_of(request);
        const int age = applicant_age(request).value_or(-1);
        if (request.item == kPensionRegistration) {
            check_registration(request, age, findings);
        } else if (request.item == kPensionBenefit) {
            check_benefit(request, age, findings);
        } else if (request.item == kCard) {
            check_card(request, today, findings);
        } else if (request.item == kEmployment) {
            check_employment(request, age, findings);
        } else if (request.item == kRetirement) {
            check_retirement(request, today, findings);
        } else if (request.item == kPensionDeregistration) {
            check_not_deceased(request, findings);
        } else if (request.item == kSevereDisability) {
            check_severe_disability(request, age, findings);
        } else if (request.item == kUnemployment) {
            check_unemployment(request, findings);
        } else if (request.item == kSurvivors) {
            check_not_deceased(request, findings);
            if (request.text("deceased.cause") == "因工死亡")
                findings.push_back(
                    error("deceased.cause",
                          "因工死亡的，丧葬补助金和供养亲属抚恤金由工伤保险基金支付，"
                          "请申请工亡待遇"));
        } else {
            throw unknown_item(request);
        }
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request,
                    {kPensionRegistration, kPensionBenefit, kCard, kEmployment, kRetirement,
                     kUnemployment, kSurvivors, kPensionDeregistration, kSevereDisability});
        // Pension benefits go through the township's social-security office (初审) first.
        return {{"county_hrss", "county_hrss", request.item == kPensionBenefit, true}};
    }

  private:
    // 社会保险法 第四十五条: a year of contributions, not of one's own will, registered and
    // looking for work.
    static void check_unemployment(const Request& r, Findings& findings) {
        const auto months = number_of(r.values, "social_security.unemployment.months");
        if (months && *months < 12)
            findings.push_back(error("social_security.unemployment.months",
                                     "失业前用人单位和本人缴纳失业保险费满一年的方可领取失业保险金"
                                     "（现累计 " +
                                         number_text(*months) + " 个月）"));
        if (r.text("social_security.unemployment.reason") == "本人提出解除劳动合同")
            findings.push_back(error("social_security.unemployment.reason",
                                     "本人提出解除劳动合同的，不属于非因本人意愿中断就业，不能领取"
                                     "失业保险金"));
        if (r.text("social_security.unemployment.seeking") == "无")
            findings.push_back(error("social_security.unemployment.seeking",
                                     "领取失业保险金须已进行失业登记并有求职要求"));
    }

    // The county pays the lowest grade for a severely disabled resident in the residents' scheme:
    // levels one and two only; the age and scheme of a residents' pension contributor.
    static void check_severe_disability(const Request& r, int age, Findings& findings) {
        if (age >= 0 && age < kWorkingAge)
            findings.push_back(error("applicant.id_number",
                                     "申请人未满 16 周岁，不参加城乡居民基本养老保险，无需代缴"));
        if (age >= kPensionAge)
            findings.push_back(
                error("applicant.id_number",
                      "申请人已年满 60 周岁，不再缴费；请申领城乡居民基本养老保险待遇"));
        if (r.text("social_security.pension.employee_insured") == "是")
            findings.push_back(
                error("social_security.pension.employee_insured",
                      "参加职工基本养老保险的，不属于城乡居民基本养老保险费代缴对象"));
        const int level = disability_level(r);
        if (level > 2)
            findings.push_back(
                error("disability.level", "残疾等级为" + r.text("disability.level") +
                                              "，代缴养老保险费限于一级、二级重度残疾人"));
        else if (level == 0 && r.text("disability.certificate_no").empty())
            findings.push_back(
                warning("disability.level",
                        "未填残疾人证号和残疾等级：县人社局在残疾人证核发后按残疾等级审定代缴"));
        check_disability_certificate(r, findings);
        check_registered_here(r, "申请城乡居民基本养老保险费代缴", findings);
    }

    static void check_registered_here(const Request& r, const std::string& what,
                                      Findings& findings) {
        if (registered_elsewhere(r))
            findings.push_back(
                error("applicant.hukou_division", "申请人户籍不在本县，请在户籍所在地" + what));
    }

    static void check_registration(const Request& r, int age, Findings& findings) {
        if (age >= 0 && age < kWorkingAge)
            findings.push_back(
                error("applicant.id_number", "申请人未满 16 周岁，不能参加城乡居民基本养老保险"));
        if (age >= kPensionAge)
            findings.push_back(error(
                "applicant.id_number",
                "申请人已年满 60 周岁，不再参保缴费；已参保的请申领城乡居民基本养老保险待遇"));
        const std::string occupation = r.text("applicant.occupation");
        if (occupation == "在校学生")
            findings.push_back(error("applicant.occupation", "在校学生不参加城乡居民基本养老保险"));
        else if (occupation == "企业职工" || occupation == "机关事业单位工作人员" ||
                 occupation == "退休人员")
            findings.push_back(error("applicant.occupation",
                                     occupation + "属于职工基本养老保险或机关事业单位养老保险覆盖"
                                                  "范围，不参加城乡居民基本养老保险"));
        if (r.text("social_security.pension.employee_insured") == "是")
            findings.push_back(error("social_security.pension.employee_insured",
                                     "已参加职工基本养老保险的，不能同时参加城乡居民基本养老保险"));
        check_registered_here(r, "参加城乡居民基本养老保险", findings);
    }

    static void check_benefit(const Request& r, int age, Findings& findings) {
        if (age >= 0 && age < kPensionAge)
            findings.push_back(
                error("applicant.id_number", "申请人于 " + r.today + " 未满 60 周岁（" +
                                                 std::to_string(age) +
                                                 " 周岁），不能申领城乡居民基本养老保险待遇"));
        if (r.text("social_security.pension.employee_insured") == "是")
            findings.push_back(error("social_security.pension.employee_insured",
                                     "参加职工基本养老保险的，须先办理城乡养老保险制度衔接，"
                                     "不能直接申领城乡居民基本养老保险待遇"));
        if (auto years = number_of(r.values, "social_security.pension.contribution_years");
            years && *years < 15)
            findings.push_back(warning(
                "social_security.pension.contribution_years",
                "累计缴费 " + yuan(*years) + " 年，不足 15 年，须按规定补缴后方可按月领取待遇"));
        check_registered_here(r, "申领城乡居民基本养老保险待遇", findings);
    }

    // A card for a minor child (a newborn too): the child must be identifiable.
    static void check_card(const Request& r, const Day& today, Findings& findings) {
        if (r.text("subject.kind") != "申请人的子女") return;
        const auto born = identify(
            r, kChild, "为子女申领社会保障卡须填写子女的公民身份号码或出生医学证明编号", findings);
        if (born && years_between(*born, today) >= kWorkingAge)
            findings.push_back(
                error("child.birth_date", "子女已年满 16 周岁，须由本人申领社会保障卡"));
    }

    static void check_retirement(const Request& r, const Day& today, Findings& findings) {
        if (r.text("social_security.pension.employee_insured") == "否")
            findings.push_back(error("social_security.pension.employee_insured",
                                     "未参加职工基本养老保险的，请申领城乡居民基本养老保险待遇"));
        const double minimum = minimum_contribution_years(today.year);
        if (auto years = number_of(r.values, "social_security.pension.contribution_years");
            years && *years < minimum)
            findings.push_back(error("social_security.pension.contribution_years",
                                     "累计缴费 " + yuan(*years) + " 年，不足 " + yuan(minimum) +
                                         " 年最低缴费年限，不能按月领取基本养老金"));
        const auto person = parse_id(r.text("applicant.id_number"));
        const std::string post = r.text("social_security.retirement.post");
        const auto rule = std::find_if(std::begin(kRetirementRules), std::end(kRetirementRules),
                                       [&](const RetirementRule& x) { return post == x.post; });
        if (!person || rule == std::end(kRetirementRules)) return;
        if (person->male != (rule->original_years == 60)) {
            findings.push_back(error("social_security.retirement.post",
                                     "退休人员类别与公民身份号码显示的性别不一致，请核对"));
            return;
        }
        const int months = retirement_months(*rule, person->birth);
        const Day statutory = add_months(person->birth, months);
        if (!(today < statutory)) return;
        const std::string age = std::to_string(months / 12) + " 周岁" +
                                (months % 12 ? " " + std::to_string(months % 12) + " 个月" : "");
        if (r.text("social_security.retirement.mode") != "弹性提前退休") {
            findings.push_back(error("applicant.id_number", "申请人的法定退休年龄为 " + age +
                                                                "，于 " + iso(statutory) +
                                                                " 达到，尚未到退休年龄"));
            return;
        }
        // Flexible early retirement: at most three years early, never before the original age.
        const Day earliest = std::max(add_months(statutory, -36),
                                      add_months(person->birth, rule->original_years * 12));
        if (today < earliest)
            findings.push_back(error("social_security.retirement.mode",
                                     "弹性提前退休最早可于 " + iso(earliest) +
                                         " 申请（提前不超过 3 年，且不早于原法定退休年龄）"));
    }

    static void check_employment(const Request& r, int age, Findings& findings) {
        if (age >= 0 && age < kWorkingAge)
            findings.push_back(
                error("applicant.id_number", "申请人未满 16 周岁，不能办理就业失业登记"));
        const std::string type = r.text("social_security.employment.type");
        const std::string occupation = r.text("applicant.occupation");
        if (type == "失业登记" && (occupation == "在校学生" || occupation == "退休人员"))
            findings.push_back(error("applicant.occupation", occupation + "不能办理失业登记"));
        if (type == "就业登记" && occupation == "无业")
            findings.push_back(
                error("applicant.occupation", "办理就业登记的，职业（身份）不能为“无业”，请核对"));
        const auto started = parse_day(r.text("social_security.employment.start_date"));
        const auto birth = birth_of(r, kApplicant);
        if (type == "就业登记" && birth && started &&
            *started < add_months(*birth, kWorkingAge * 12))
            findings.push_back(error("social_security.employment.start_date",
                                     "就业日期早于申请人年满 16 周岁之日，请核对"));
    }
};

}  // namespace

ONEWINDOW_PLUGIN(SocialSecurity)
