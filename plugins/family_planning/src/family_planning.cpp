// The family-planning department plugin: 一孩/二孩生育服务登记 and 流动人口婚育证明.
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item files in
// forms/family_planning/. This plugin adds the department's own rules, which need several facts
// at once: marriageable age on the marriage date, a couple of two sexes, the child order, and
// the household registration of a migrant. Its findings are written in Chinese here: a plugin
// is data-and-decisions only and has no access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <regex>

namespace {

using onewindow::sdk::add_months;
using onewindow::sdk::check_id_agrees;
using onewindow::sdk::Day;
using onewindow::sdk::error;
using onewindow::sdk::expect_item;
using onewindow::sdk::Findings;
using onewindow::sdk::parse_day;
using onewindow::sdk::parse_id;
using onewindow::sdk::Person;
using onewindow::sdk::PluginError;
using onewindow::sdk::Request;
using onewindow::sdk::today_of;
using onewindow::sdk::unknown_item;
using onewindow::sdk::years_between;

constexpr const char* kFirstChild = "000718001001";
constexpr const char* kSecondChild = "000718001002";
constexpr const char* kMigrant = "000718002000";

class FamilyPlanning : public onewindow::sdk::Plugin {
  public:
    void init(const onewindow::sdk::Object& host) override {
        auto settings = host->getObject("settings");
        if (!settings) return;
        service_area_ = settings->optValue<std::string>("service_area", service_area_);
        if (!std::regex_match(service_area_, std::regex("\\d{6}")))
            throw PluginError("settings.service_area must be a 6-digit division code");
        male_age_ = settings->optValue<int>("marriage_age_male", male_age_);
        female_age_ = settings->optValue<int>("marriage_age_female", female_age_);
    }

    Findings validate(const Request& request) override {
        Findings findings;
        const Day today = today_of(request);
        if (request.item == kFirstChild || request.item == kSecondChild) {
            check_couple(request, today, findings);
            check_children(request, today, findings);
        } else if (request.item == kMigrant) {
            check_migrant(request, today, findings);
        } else {
            throw unknown_item(request);
        }
        return findings;
    }

    onewindow::sdk::Routes route(const Request& request) override {
        expect_item(request, {kFirstChild, kSecondChild, kMigrant});
        // Registration cards go through the township's preliminary review (初审).
        return {{"county_health", "county_health", request.item != kMigrant, true}};
    }

    onewindow::sdk::Object fill_document(const onewindow::sdk::Object& request) override {
        onewindow::sdk::Object fields = new Poco::JSON::Object(true);
        auto values =
            request->getObject("case") ? request->getObject("case")->getObject("values") : nullptr;
        auto decision = request->getObject("decision");
        auto text = [](const onewindow::sdk::Object& o, const char* key) {
            return o ? o->optValue<std::string>(key, "") : std::string();
        };
        fields->set("holder_name", text(values, "applicant.name"));
        fields->set("spouse_name", text(values, "spouse.name"));
        const std::string item = request->optValue<std::string>("item", "");
        fields->set("child_order", std::string(item == kSecondChild ? "第二个子女" : "第一个子女"));
        fields->set("card_no", text(decision, "certificate_number"));
        fields->set("issued_on", text(decision, "decided_on"));
        fields->set("issuing_body", text(decision, "issuing_body"));
        return fields;
    }

  private:
    void check_couple(const Request& r, const Day& today, Findings& findings) const {
        const auto applicant = parse_id(r.text("applicant.id_number"));
        const auto spouse = parse_id(r.text("spouse.id_number"));
        if (r.text("spouse.name").empty() || r.text("spouse.id_number").empty())
            findings.push_back(
                error("spouse.name", "生育服务登记须夫妻双方共同申请，请填写配偶信息"));
        if (!applicant || !spouse) return;  // the host reports invalid numbers
        if (applicant->male == spouse->male)
            findings.push_back(
                error("spouse.id_number", "申请人与配偶的公民身份号码显示为同一性别，请核对"));
        auto married = parse_day(r.text("marriage.date"));
        const Day on = married ? *married : today;
        if (married && *married > today)
            findings.push_back(error("marriage.date", "结婚登记日期不能晚于今天"));
        auto check_age = [&](const Person& p, const char* field, const char* who) {
            const int needed = p.male ? male_age_ : female_age_;
            if (years_between(p.birth, on) < needed)
                findings.push_back(error(field, std::string(who) + "结婚登记时未达法定婚龄（" +
                                                    (p.male ? "男" : "女") + "不早于 " +
                                                    std::to_string(needed) + " 周岁）"));
        };
        check_age(*applicant, "applicant.id_number", "申请人");
        check_age(*spouse, "spouse.id_number", "配偶");
    }

    void check_children(const Request& r, const Day& today, Findings& findings) const {
        const bool second = r.item == kSecondChild;
        const std::string count = r.text("children.count");
        const int expected = second ? 1 : 0;
        if (!count.empty() && count != std::to_string(expected))
            findings.push_back(error("children.count",
                                     second ? "二孩生育服务登记要求现有一个子女，请核对现有子女数"
                                            : "已有子女，请办理二孩生育服务登记"));
        if (auto due = parse_day(r.text("pregnancy.expected_date"))) {
            if (*due < today)
                findings.push_back(error("pregnancy.expected_date", "预产期不能早于今天"));
            else if (*due > add_months(today, 10))
                findings.push_back(error("pregnancy.expected_date", "预产期不能晚于今天起十个月"));
        }
        if (!second) return;
        if (r.text("first_child.name").empty())
            findings.push_back(error("first_child.name", "请填写第一个子女的姓名"));
        const auto born = parse_day(r.text("first_child.birth_date"));
        if (!born) {
            findings.push_back(error("first_child.birth_date", "请填写第一个子女的出生日期"));
            return;
        }
        if (*born > today)
            findings.push_back(error("first_child.birth_date", "第一个子女的出生日期不能晚于今天"));
        check_id_agrees(r,
                        {"first_child.id_number", "first_child.birth_date", "first_child.sex", "",
                         "第一个子女"},
                        findings);
    }

    // The migrant certificate (流动人口婚育证明) is for people whose household registration
    // (户籍) lies outside the service area and who live here: a resident registered in this
    // county gets his marriage and childbearing situation from the ordinary registration.
    void check_migrant(const Request& r, const Day& today, Findings& findings) const {
        const std::string area = r.service_area.empty() ? service_area_ : r.service_area;
        if (r.text("applicant.hukou_division") == area)
            findings.push_back(error("applicant.hukou_division",
                                     "户籍在本县的居民不属于流动人口，无需办理流动人口婚育证明"));
        if (auto since = parse_day(r.text("migrant.since")); since && *since > today)
            findings.push_back(error("migrant.since", "外出（流入）日期不能晚于今天"));
        const std::string status = r.text("applicant.marital_status");
        if (status == "初婚" || status == "再婚") {
            if (r.text("spouse.name").empty())
                findings.push_back(error("spouse.name", "已婚申请人须填写配偶姓名"));
            if (r.text("marriage.date").empty())
                findings.push_back(error("marriage.date", "已婚申请人须填写结婚登记日期"));
        }
    }

    std::string service_area_ = "130434";
    int male_age_ = 22;
    int female_age_ = 20;
};

}  // namespace

ONEWINDOW_PLUGIN(FamilyPlanning)
