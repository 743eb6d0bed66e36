// The social-security department plugin (人社): 城乡居民基本养老保险参保登记, 城乡居民基本养老保险
// 待遇申领, 社会保障卡申领 (for the applicant or a minor child, newborns included), 就业失业登记.
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item files in
// forms/social_security/. This plugin adds the rules that need several facts at once: ages from
// the ID number on the application date (16 to 59 to join the residents' pension, 60 to draw
// it), who belongs in the employees' scheme instead, a child identified by ID number or birth
// certificate, and registrations consistent with the applicant's occupation.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <optional>
#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kPensionRegistration = "000720001000";
constexpr const char* kPensionBenefit = "000720002000";
constexpr const char* kCard = "000720003000";
constexpr const char* kEmployment = "000720004000";

const PersonKeys kApplicant{"applicant.id_number", "applicant.birth_date", "applicant.sex", "",
                            "申请人"};
const PersonKeys kChild{"child.id_number", "child.birth_date", "child.sex", "child.birth_cert_no",
                        "子女"};

constexpr int kWorkingAge = 16;  // 劳动法第十五条: no work before 16
constexpr int kPensionAge = 60;  // 国发〔2014〕8号: the residents' pension from 60

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
        } else {
            throw unknown_item(request);
        }
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kPensionRegistration, kPensionBenefit, kCard, kEmployment});
        // Pension benefits go through the township's social-security office (初审) first.
        return {{"county_hrss", "county_hrss", request.item == kPensionBenefit, true}};
    }

  private:
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
        if (r.text("pension.employee_insured") == "是")
            findings.push_back(error("pension.employee_insured",
                                     "已参加职工基本养老保险的，不能同时参加城乡居民基本养老保险"));
        check_registered_here(r, "参加城乡居民基本养老保险", findings);
    }

    static void check_benefit(const Request& r, int age, Findings& findings) {
        if (age >= 0 && age < kPensionAge)
            findings.push_back(
                error("applicant.id_number", "申请人于 " + r.today + " 未满 60 周岁（" +
                                                 std::to_string(age) +
                                                 " 周岁），不能申领城乡居民基本养老保险待遇"));
        if (r.text("pension.employee_insured") == "是")
            findings.push_back(error("pension.employee_insured",
                                     "参加职工基本养老保险的，须先办理城乡养老保险制度衔接，"
                                     "不能直接申领城乡居民基本养老保险待遇"));
        if (auto years = number_of(r.values, "pension.contribution_years"); years && *years < 15)
            findings.push_back(warning(
                "pension.contribution_years",
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

    static void check_employment(const Request& r, int age, Findings& findings) {
        if (age >= 0 && age < kWorkingAge)
            findings.push_back(
                error("applicant.id_number", "申请人未满 16 周岁，不能办理就业失业登记"));
        const std::string type = r.text("employment.type");
        const std::string occupation = r.text("applicant.occupation");
        if (type == "失业登记" && (occupation == "在校学生" || occupation == "退休人员"))
            findings.push_back(error("applicant.occupation", occupation + "不能办理失业登记"));
        if (type == "就业登记" && occupation == "无业")
            findings.push_back(
                error("applicant.occupation", "办理就业登记的，职业（身份）不能为“无业”，请核对"));
        const auto started = parse_day(r.text("employment.start_date"));
        const auto birth = birth_of(r, kApplicant);
        if (type == "就业登记" && birth && started &&
            *started < add_months(*birth, kWorkingAge * 12))
            findings.push_back(
                error("employment.start_date", "就业日期早于申请人年满 16 周岁之日，请核对"));
    }
};

}  // namespace

ONEWINDOW_PLUGIN(SocialSecurity)
