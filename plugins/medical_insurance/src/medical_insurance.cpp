// The medical-insurance department plugin (医保): 城乡居民基本医疗保险参保登记 (for the applicant
// or a minor child, newborns included), 异地就医备案, 门诊慢特病待遇认定.
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item files in
// forms/medical_insurance/. This plugin adds the rules that need several facts at once: a newborn
// identified by the birth registration (ID number) or the birth certificate number, the
// three-month window in which a newborn is covered from birth, no residents' scheme for
// employees' scheme members, the contribution year, whether the place of treatment lies outside
// the prefecture's pooling area at all, and a diagnosis by a hospital of level two or above.
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

const PersonKeys kChild{"child.id_number", "child.birth_date", "child.sex", "child.birth_cert_no",
                        "子女"};

class MedicalInsurance : public Plugin {
  public:
    Findings validate(const Request& request) override {
        Findings findings;
        const Day today = today_of(request);
        if (request.item == kEnrolment) {
            check_enrolment(request, today, findings);
        } else if (request.item == kFiling) {
            check_filing(request, findings);
        } else if (request.item == kChronic) {
            check_chronic(request, findings);
        } else {
            throw unknown_item(request);
        }
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kEnrolment, kFiling, kChronic});
        return {{"county_medical_security", "county_medical_security", false, true}};
    }

  private:
    static void check_enrolment(const Request& r, const Day& today, Findings& findings) {
        if (registered_elsewhere(r) && !r.has_material("residence_permit"))
            findings.push_back(error("applicant.hukou_division",
                                     "户籍不在本县的，须持本县居住证参加城乡居民基本医疗保险，"
                                     "请提交居住证"));
        if (auto year = number_of(r.values, "medical.year");
            year && (*year < today.year || *year > today.year + 1))
            findings.push_back(error("medical.year", "参保缴费年度只能为 " +
                                                         std::to_string(today.year) + " 年或 " +
                                                         std::to_string(today.year + 1) + " 年"));
        if (r.text("subject.kind") != "申请人的子女") {
            if (r.text("medical.employee_insured") == "是")
                findings.push_back(
                    error("medical.employee_insured",
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
        const std::string place = r.text("transfer.division");
        if (place.size() != 6 || r.service_area.size() != 6) return;
        if (place == r.service_area)
            findings.push_back(error("transfer.division", "就医地为本县，无需办理异地就医备案"));
        else if (place.compare(0, 4, r.service_area, 0, 4) == 0)
            findings.push_back(error("transfer.division",
                                     "就医地与参保地同属一个设区的市（市级统筹区），"
                                     "直接持医保电子凭证或社会保障卡就医，无需办理异地就医备案"));
    }

    static void check_chronic(const Request& r, Findings& findings) {
        if (r.text("medical.insured_here") == "否")
            findings.push_back(error("medical.insured_here",
                                     "未在本县参加基本医疗保险的，不能申请门诊慢特病待遇认定，"
                                     "请先办理参保登记"));
        if (r.text("chronic.hospital_level") == "一级")
            findings.push_back(error("chronic.hospital_level",
                                     "门诊慢特病须经二级及以上定点医疗机构确诊，"
                                     "一级医疗机构的诊断不能作为认定依据"));
    }
};

}  // namespace

ONEWINDOW_PLUGIN(MedicalInsurance)
