// The medical-insurance department plugin (医保): 城乡居民基本医疗保险参保登记 (for the applicant
// or a minor child, newborns included), 异地就医备案, 门诊慢特病待遇认定, 职工医保退休人员待遇核定
// (the second item of 退休一件事), 医疗费用零星报销 (a treatment that ends after it begins) and
// 生育医疗费用和生育津贴 (社会保险法 第五十四条、第五十六条: the allowance is the woman
// employee's own, an employee's unemployed spouse has the medical costs only) and 医疗救助申请
// (社会救助暂行办法 第二十九条、第三十条: the minimum-living households and the extreme poor are
// handled directly, everyone else after the township's review and public notice — the route's
// preliminary review) and 城乡居民基本医疗保险参保人员死亡注销（停保） (身后一件事: the residents'
// scheme of a person who died insured in the county; no legal text was found to cite).
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item files in
// this plugin folder (forms/). This plugin adds the rules that need several facts at once: a
// newborn identified by the birth registration (ID number) or the birth certificate number, the
// three-month window in which a newborn is covered from birth, no residents' scheme for
// employees' scheme members, the contribution year, whether the place of treatment lies outside
// the prefecture's pooling area at all, a diagnosis by a hospital of level two or above, and a
// retiree's contribution years against the prefecture's minimum.
//
// Settings (plugin-settings.json, "medical_insurance": {...}), the prefecture's policy:
//   retiree_min_years_male, retiree_min_years_female   total years of the employees' scheme
//   retiree_min_local_years                            years paid in this pooling area
// Without them the years are not checked and the clerk is warned.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <optional>
#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kEnrolment = "000733001000";
constexpr const char* kFiling = "000733002000";
constexpr const char* kChronic = "000733003000";
constexpr const char* kRetiree = "000733004000";
constexpr const char* kReimbursement = "000733005000";
constexpr const char* kMaternity = "000733006000";
constexpr const char* kAssistance = "000733007000";
constexpr const char* kDeceased = "000733008000";

/// Minimum years from the settings, or nullopt when not configured.
std::optional<double> years_setting(const Object& settings, const std::string& key) {
    return number_setting(settings, key, 0, 60, "a number of years from 0 to 60");
}

const PersonKeys kChild{"child.id_number", "child.birth_date", "child.sex", "child.birth_cert_no",
                        "子女"};

class MedicalInsurance : public Plugin {
  public:
    void init(const Object& host) override {
        auto settings = host->getObject("settings");
        min_years_male_ = years_setting(settings, "retiree_min_years_male");
        min_years_female_ = years_setting(settings, "retiree_min_years_female");
        min_local_years_ = years_setting(settings, "retiree_min_local_years");
    }

    Findings validate(const Request& request) override {
        Findings findings;
        const Day today = today_of(request);
        if (request.item == kEnrolment) {
            check_enrolment(request, today, findings);
        } else if (request.item == kFiling) {
            check_filing(request, findings);
        } else if (request.item == kChronic) {
            check_chronic(request, findings);
        } else if (request.item == kRetiree) {
            check_retiree(request, findings);
        } else if (request.item == kReimbursement) {
            const auto from = parse_day(request.text("medical_insurance.claim.admitted_on"));
            const auto to = parse_day(request.text("medical_insurance.claim.discharged_on"));
            if (from && to && *to < *from)
                findings.push_back(error("medical_insurance.claim.discharged_on",
                                         "出院或就诊结束日期不能早于就诊或入院日期"));
        } else if (request.item == kMaternity) {
            check_maternity(request, findings);
        } else if (request.item == kAssistance) {
            check_assistance(request, findings);
        } else if (request.item == kDeceased) {
            check_deceased(request, findings);
        } else {
            throw unknown_item(request);
        }
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kEnrolment, kFiling, kChronic, kRetiree, kReimbursement, kMaternity,
                              kAssistance, kDeceased});
        return {{"county_medical_security", "county_medical_security",
                 request.item == kAssistance && !handled_directly(request), true}};
    }

  private:
    // 社会救助暂行办法 第三十条: "最低生活保障家庭成员和特困供养人员的医疗救助，由县级人民政府……
    // 直接办理"; the others go through the township first.
    static bool handled_directly(const Request& r) {
        const std::string category = r.text("medical_insurance.assistance.category");
        return category == "特困人员" || category == "最低生活保障家庭成员";
    }

    // The county stops only its own residents' scheme: the employees' scheme and an insurance
    // held elsewhere are not this item's.
    static void check_deceased(const Request& r, Findings& findings) {
        check_not_deceased(r, findings);
        if (r.text("medical_insurance.scheme") == "职工基本医疗保险")
            findings.push_back(error("medical_insurance.scheme",
                                     "本事项只办理城乡居民基本医疗保险停保，死者参加职工基本医疗"
                                     "保险的，按职工医保参保人员减员办理"));
        if (r.text("medical_insurance.insured_here") == "否")
            findings.push_back(error("medical_insurance.insured_here",
                                     "死者未在本县参加基本医疗保险的，由其参保地医疗保障部门办理"
                                     "停保"));
    }

    static void check_assistance(const Request& r, Findings& findings) {
        if (registered_elsewhere(r))
            findings.push_back(
                error("applicant.hukou_division",
                      "医疗救助由户籍所在地县级医疗保障部门办理，申请人户籍不在本县"));
        if (r.text("medical_insurance.assistance.kind") != "门诊和住院医疗费用救助") return;
        if (auto paid = number_of(r.values, "medical_insurance.assistance.self_pay");
            paid && *paid <= 0)
            findings.push_back(error("medical_insurance.assistance.self_pay",
                                     "基本医疗保险、大病保险等支付后个人没有自负费用的，"
                                     "无需申请医疗费用救助"));
    }

    static void check_maternity(const Request& r, Findings& findings) {
        const std::string claims = r.text("medical_insurance.maternity.claims");
        const bool allowance = claims.find("生育津贴") != std::string::npos;
        if (r.text("medical_insurance.maternity.claimant") == "男职工为未就业配偶申领") {
            if (allowance)
                findings.push_back(error("medical_insurance.maternity.claims",
                                         "职工未就业配偶只享受生育医疗费用待遇，生育津贴由享受产假"
                                         "或计划生育手术休假的职工本人申领"));
            return;
        }
        const auto person = parse_id(r.text("applicant.id_number"));
        if (person && person->male && r.text("medical_insurance.maternity.event") != "计划生育手术")
            findings.push_back(error("medical_insurance.maternity.claimant",
                                     "申请人为男性，请选择“男职工为未就业配偶申领”"));
    }

    static void check_enrolment(const Request& r, const Day& today, Findings& findings) {
        if (registered_elsewhere(r) && !r.has_material("residence_permit"))
            findings.push_back(error("applicant.hukou_division",
                                     "户籍不在本县的，须持本县居住证参加城乡居民基本医疗保险，"
                                     "请提交居住证"));
        if (auto year = number_of(r.values, "medical_insurance.year");
            year && (*year < today.year || *year > today.year + 1))
            findings.push_back(error("medical_insurance.year",
                                     "参保缴费年度只能为 " + std::to_string(today.year) + " 年或 " +
                                         std::to_string(today.year + 1) + " 年"));
        if (r.text("subject.kind") != "申请人的子女") {
            if (r.text("medical_insurance.employee_insured") == "是")
                findings.push_back(
                    error("medical_insurance.employee_insured",
                          "已参加职工基本医疗保险的，不能重复参加城乡居民基本医疗保险"));
            return;
        }
        check_child(r, today, findings);
    }

    // A child (a newborn too) is insured under the birth registration's ID number or, before
    // it, the birth certificate's number.
    static void check_child(const Request& r, const Day& today, Findings& findings) {
        const auto born = identify(r, kChild,
                                   "为新生儿或子女参保须填写出生医学证明编号，或先办理出生登记"
                                   "取得公民身份号码",
                                   findings);
        if (!born) return;
        const int age = years_between(*born, today);
        if (age >= 18)
            findings.push_back(error("child.birth_date", "子女已成年，须由本人办理参保登记"));
        else if (age == 0 && add_months(*born, 3) < today)
            findings.push_back(warning("child.birth_date",
                                       "新生儿出生已超过 3 个月，不能自出生之日起享受居民医保待遇，"
                                       "自缴费参保后按规定享受"));
    }

    // Within the prefecture (市级统筹区: the first four digits of the division code) no filing
    // is needed: treatment there is settled as at home.
    static void check_filing(const Request& r, Findings& findings) {
        const std::string place = r.text("medical_insurance.transfer.division");
        if (place.size() != 6 || r.service_area.size() != 6) return;
        if (place == r.service_area)
            findings.push_back(
                error("medical_insurance.transfer.division", "就医地为本县，无需办理异地就医备案"));
        else if (place.compare(0, 4, r.service_area, 0, 4) == 0)
            findings.push_back(error("medical_insurance.transfer.division",
                                     "就医地与参保地同属一个设区的市（市级统筹区），"
                                     "直接持医保电子凭证或社会保障卡就医，无需办理异地就医备案"));
    }

    // Retirees stop paying when their years reach the prefecture's minimum (a setting: local
    // policy). Short years are made up by a one-off payment, so they warn, never refuse.
    void check_retiree(const Request& r, Findings& findings) const {
        const auto total = number_of(r.values, "medical_insurance.contribution_years");
        const auto local = number_of(r.values, "medical_insurance.local_years");
        if (total && local && *local > *total)
            findings.push_back(error("medical_insurance.local_years",
                                     "本统筹区实际缴费年限不能大于职工医保累计缴费年限"));
        const auto person = parse_id(r.text("applicant.id_number"));
        if (!person) return;
        const char* who = person->male ? "男职工" : "女职工";
        const auto& minimum = person->male ? min_years_male_ : min_years_female_;
        short_years(total, minimum, "职工医保累计缴费", std::string("本统筹区") + who,
                    person->male ? "retiree_min_years_male" : "retiree_min_years_female",
                    "medical_insurance.contribution_years", findings);
        short_years(local, min_local_years_, "在本统筹区实际缴费", "本统筹区",
                    "retiree_min_local_years", "medical_insurance.local_years", findings);
    }

    static void short_years(const std::optional<double>& years,
                            const std::optional<double>& minimum, const std::string& what,
                            const std::string& whose, const std::string& setting,
                            const std::string& field, Findings& findings) {
        if (!years) return;
        if (!minimum)
            findings.push_back(warning(field, whose + "最低缴费年限未配置（插件设置 " + setting +
                                                  "），未核对" + what + "年限，请联系系统管理员"));
        else if (*years < *minimum)
            findings.push_back(warning(field, what + " " + yuan(*years) + " 年，不足" + whose +
                                                  " " + yuan(*minimum) +
                                                  " 年的最低缴费年限，须按规定一次性补缴后享受"
                                                  "退休人员医保待遇"));
    }

    static void check_chronic(const Request& r, Findings& findings) {
        if (r.text("medical_insurance.insured_here") == "否")
            findings.push_back(error("medical_insurance.insured_here",
                                     "未在本县参加基本医疗保险的，不能申请门诊慢特病待遇认定，"
                                     "请先办理参保登记"));
        if (r.text("medical_insurance.chronic.hospital_level") == "一级")
            findings.push_back(error("medical_insurance.chronic.hospital_level",
                                     "门诊慢特病须经二级及以上定点医疗机构确诊，"
                                     "一级医疗机构的诊断不能作为认定依据"));
    }

    std::optional<double> min_years_male_, min_years_female_, min_local_years_;
};

}  // namespace

ONEWINDOW_PLUGIN(MedicalInsurance)
