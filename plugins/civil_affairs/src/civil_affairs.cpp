// The civil-affairs department plugin (民政): 最低生活保障审核确认, 特困人员救助供养审核确认,
// 临时救助对象审核确认, 困难残疾人生活补贴和重度残疾人护理补贴, 高龄津贴 (八十周岁以上,
// 老年人权益保障法 第三十三条) and 惠民殡葬补贴 (a resident of the county, claimed by someone other
// than the dead).
//
// The form rules (required fields, ID checksums, money, dates) are the host's, from the item files
// of this plugin folder (forms/). This plugin adds the department's rules, which need several facts
// at once: the household's monthly income per person against the local minimum living standard, the
// household's property, who counts as unable to work (特困), and a disability certificate number
// that must agree with its holder, category and level.
//
// Settings (plugin-settings.json, "civil_affairs": {...}), set by the administrator each year:
//   dibao_standard_urban, dibao_standard_rural   yuan per person per month (城市 / 农村低保标准)
//   temporary_relief_ceiling                     yuan, the township's single-grant ceiling
// The standards are local policy, published yearly: never constants here. Without a standard the
// income check cannot be made and the clerk is warned instead.
//
// The window accepts, the department decides: 社会救助暂行办法 art. 11 (for 特困 too, art. 16)
// has the township investigate income and property ("对申请人的家庭收入状况、财产状况进行调查
// 核实") after the application. So what the window sees of income, property and the capacity to
// work are warnings for the clerk and the investigation, never a refusal of the intake; only
// what makes the application itself wrong (a member twice, a missing income) is an error.
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

constexpr const char* kMinimumLiving = "000712001000";
constexpr const char* kExtremePoverty = "000712002000";
constexpr const char* kTemporaryRelief = "000712003000";
constexpr const char* kDisabilitySubsidies = "000712004000";
constexpr const char* kElderlyAllowance = "000712005000";
constexpr const char* kFuneralSubsidy = "000712006000";

/// A positive amount of yuan from the settings, or nullopt when not configured.
std::optional<double> amount_setting(const Object& settings, const std::string& key) {
    return number_setting(settings, key, 0.01, 1e7, "a positive amount of yuan");
}

class CivilAffairs : public Plugin {
  public:
    void init(const Object& host) override {
        auto settings = host->getObject("settings");
        standard_urban_ = amount_setting(settings, "dibao_standard_urban");
        standard_rural_ = amount_setting(settings, "dibao_standard_rural");
        relief_ceiling_ = amount_setting(settings, "temporary_relief_ceiling");
    }

    Findings validate(const Request& request) override {
        Findings findings;
        if (request.item == kMinimumLiving) {
            check_residence(request, findings);
            check_members(request, findings);
            check_income(request, "最低生活保障", findings);
            check_property(request, "最低生活保障", findings);
        } else if (request.item == kExtremePoverty) {
            check_registered_here(request, "特困人员救助供养", findings);
            check_disability_certificate(request, findings);
            check_unable_to_work(request, findings);
            check_income(request, "特困人员救助供养", findings);
            check_property(request, "特困人员救助供养", findings);
        } else if (request.item == kTemporaryRelief) {
            check_members(request, findings);
            check_relief(request, findings);
        } else if (request.item == kDisabilitySubsidies) {
            check_registered_here(request, "困难残疾人生活补贴和重度残疾人护理补贴", findings);
            check_subsidy(request, findings);
        } else if (request.item == kElderlyAllowance) {
            check_registered_here(request, "高龄津贴", findings);
            if (const auto age = applicant_age(request); age && *age < 80)
                findings.push_back(error(
                    "applicant.id_number",
                    "申请人 " + std::to_string(*age) + " 周岁，高龄津贴发给八十周岁以上的老年人"));
        } else if (request.item == kFuneralSubsidy) {
            check_not_deceased(request, findings);
            const std::string division = request.text("civil_affairs.funeral.deceased_division");
            if (!division.empty() && !request.service_area.empty() &&
                division != request.service_area)
                findings.push_back(error("civil_affairs.funeral.deceased_division",
                                         "死者户籍不在本县，请到死者户籍所在地申领惠民殡葬补贴"));
        } else {
            throw unknown_item(request);
        }
        return findings;
    }

    Routes route(const Request& request) override {
        // Every item goes through the township's preliminary review (乡镇初审) to the county
        // bureau; the disability subsidies are checked by the disabled persons' federation too.
        expect_item(request, {kMinimumLiving, kExtremePoverty, kTemporaryRelief,
                              kDisabilitySubsidies, kElderlyAllowance, kFuneralSubsidy});
        if (request.item == kDisabilitySubsidies)
            return {{"county_civil_affairs", "county_civil_affairs", true, true},
                    {"county_disabled_federation", "county_disabled_federation", false, true}};
        return {{"county_civil_affairs", "county_civil_affairs", true, true}};
    }

  private:
    // Minimum living allowance is applied for where the household is registered, or where it
    // lives with a residence permit of this county.
    static void check_residence(const Request& r, Findings& findings) {
        if (registered_elsewhere(r) && !r.has_material("residence_permit"))
            findings.push_back(
                error("applicant.hukou_division",
                      "户籍不在本县的申请人须持本县居住证在居住地申请，请提交居住证"));
    }

    static void check_registered_here(const Request& r, const std::string& item,
                                      Findings& findings) {
        if (registered_elsewhere(r))
            findings.push_back(
                error("applicant.hukou_division", "申请人户籍不在本县，请到户籍所在地申请" + item));
    }

    // One person is one row: no member twice, not the applicant again, at most one spouse.
    static void check_members(const Request& r, Findings& findings) {
        std::vector<std::string> seen{r.text("applicant.id_number")};
        int spouses = 0;
        const auto rows = r.rows("household.members");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const std::string id = rows[i]->optValue<std::string>("member.id_number", "");
            const std::string row = "家庭成员第 " + std::to_string(i + 1) + " 行";
            if (!id.empty() && std::find(seen.begin(), seen.end(), id) != seen.end())
                findings.push_back(
                    error("household.members",
                          row + "的公民身份号码与申请人或前面的家庭成员重复，同一人只填写一次"));
            seen.push_back(id);
            if (rows[i]->optValue<std::string>("member.relation", "") == "配偶") ++spouses;
        }
        if (spouses > 1)
            findings.push_back(error("household.members", "家庭成员中只能有一位配偶，请核对关系"));
    }

    // Income per person per month of the applicant and the members living with him.
    void check_income(const Request& r, const std::string& item, Findings& findings) const {
        double total = number_of(r.values, "applicant.monthly_income").value_or(0);
        const auto rows = r.rows("household.members");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            auto income = number_of(rows[i], "member.monthly_income");
            if (!income) {
                findings.push_back(error("household.members",
                                         "家庭成员第 " + std::to_string(i + 1) + " 行（" +
                                             rows[i]->optValue<std::string>("member.name", "") +
                                             "）未填写月收入，无收入的请填 0"));
                return;
            }
            total += *income;
        }
        const std::string area = r.text("household.area_type");
        if (area.empty()) return;  // the host reports the missing choice
        const bool urban = area == "城市";
        const auto& standard = urban ? standard_urban_ : standard_rural_;
        if (!standard) {
            findings.push_back(
                warning("household.area_type",
                        "本县" + area + "最低生活保障标准未配置（插件设置 " +
                            (urban ? "dibao_standard_urban" : "dibao_standard_rural") +
                            "），未核对家庭月人均收入，请联系系统管理员"));
            return;
        }
        const double per_person = total / static_cast<double>(rows.size() + 1);
        if (per_person >= *standard)
            findings.push_back(warning("applicant.monthly_income",
                                       "申报的家庭月人均收入 " + yuan(per_person) +
                                           " 元，不低于本县" + area + "最低生活保障标准 " +
                                           yuan(*standard) + " 元/人·月：" + item +
                                           "的条件由乡镇人民政府受理后调查核实"));
    }

    static void check_property(const Request& r, const std::string& item, Findings& findings) {
        if (number_of(r.values, "civil_affairs.property.vehicles").value_or(0) > 0)
            findings.push_back(warning("civil_affairs.property.vehicles",
                                       "申报家庭拥有机动车辆（残疾人功能性补偿代步机动车、摩托车"
                                       "除外）：" +
                                           item + "的家庭财产状况由乡镇人民政府受理后调查核实"));
        if (r.text("civil_affairs.property.business") == "有")
            findings.push_back(warning("civil_affairs.property.business",
                                       "家庭登记注册企业或个体工商户的，乡镇初审时须入户核实是否"
                                       "为维持家庭生计的小型生产经营"));
    }

    // 特困人员认定办法 第六条: who counts as unable to work.
    static void check_unable_to_work(const Request& r, Findings& findings) {
        const auto years = applicant_age(r);
        if (!years || *years >= 60 || *years < 16) return;
        const int age = *years;
        const std::string category = r.text("disability.category");
        const int level = disability_level(r);
        const bool unable =
            level > 0 &&
            ((category == "智力残疾" && level <= 3) || (category == "精神残疾" && level <= 3) ||
             (category == "肢体残疾" && level <= 2) || (category == "视力残疾" && level == 1));
        if (!unable)
            findings.push_back(
                warning("applicant.id_number",
                        "申请人 " + std::to_string(age) +
                            " 周岁，申报材料中未见可认定为无劳动能力的残疾情形（一至三级"
                            "智力、精神残疾，一、二级肢体残疾，一级视力残疾）：劳动能力由乡镇"
                            "人民政府受理后调查核实"));
    }

    // With a certificate being applied for at the same time (残疾人服务一件事) the level is not
    // known yet: the bureau decides once the federation has issued the certificate.
    static void check_subsidy(const Request& r, Findings& findings) {
        const std::string type = r.text("civil_affairs.subsidy.type");
        const bool living = type == "困难残疾人生活补贴" || type == "两项补贴";
        const bool care = type == "重度残疾人护理补贴" || type == "两项补贴";
        if (living && r.text("household.dibao") == "否")
            findings.push_back(
                error("household.dibao",
                      "困难残疾人生活补贴限最低生活保障家庭中的残疾人，非低保家庭请勿申请此项"));
        if (r.text("civil_affairs.disability.certified") == "正在申办") {
            findings.push_back(warning("civil_affairs.disability.certified",
                                       "残疾人证正在申办：县民政局在残疾人证核发后审定补贴，"
                                       "符合条件的自申请之月起计发"));
            return;
        }
        check_disability_certificate(r, findings);
        if (care && disability_level(r) > 2)
            findings.push_back(
                error("disability.level", "重度残疾人护理补贴限残疾等级为一级、二级的残疾人"));
    }

    void check_relief(const Request& r, Findings& findings) const {
        auto amount = number_of(r.values, "civil_affairs.relief.amount_requested");
        if (!amount) return;  // the host reports the missing amount
        if (*amount <= 0)
            findings.push_back(
                error("civil_affairs.relief.amount_requested", "申请救助金额须大于 0 元"));
        else if (relief_ceiling_ && *amount > *relief_ceiling_)
            findings.push_back(warning("civil_affairs.relief.amount_requested",
                                       "申请救助金额超过本县临时救助单次救助上限 " +
                                           yuan(*relief_ceiling_) +
                                           " 元，须报县民政局按“一事一议”研究决定"));
    }

    std::optional<double> standard_urban_, standard_rural_, relief_ceiling_;
};

}  // namespace

ONEWINDOW_PLUGIN(CivilAffairs)
