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

    // Result documents (templates/ of this plugin folder): the registration card of both
    // registration items and the migrant certificate. The full ID numbers are printed: these
    // are the holders' own certificates.
    onewindow::sdk::Object fill_document(const onewindow::sdk::Object& request) override {
        const std::string item = request->optValue<std::string>("item", "");
        const std::string tpl = request->optValue<std::string>("template", "");
        auto kase = request->getObject("case");
        auto decision = request->getObject("decision");
        if (!kase || !decision)
            throw PluginError("fill_document needs the \"case\" and the \"decision\"");
        Source in{kase->getObject("values"), decision->getObject("data")};
        onewindow::sdk::Object fields = new Poco::JSON::Object(true);
        fields->set("case_number", text_of(kase, "number"));
        auto case_item = kase->getObject("item");
        const std::string body = in.data_text("issuing_body");
        fields->set("issuing_body", body.empty() ? text_of(case_item, "department") : body);
        const std::string issued = in.data_text("issued_on");
        fields->set("issued_on",
                    chinese_day(issued.empty() ? text_of(decision, "decided_at") : issued));
        fields->set("decided_by", text_of(decision, "decided_by"));
        const std::string number = in.data_text("certificate_no");
        if (number.empty()) throw PluginError("the decision carries no certificate_no");
        if (tpl == "registration_card" && (item == kFirstChild || item == kSecondChild)) {
            fill_card(in, item == kSecondChild, number, fields);
        } else if (tpl == "migrant_certificate" && item == kMigrant) {
            fill_migrant(in, number, fields);
        } else {
            throw PluginError("no template \"" + tpl + "\" for item " + item);
        }
        return fields;
    }

  private:
    // Where a result document's values come from: the case's form values and the back office's
    // decision data.
    struct Source {
        onewindow::sdk::Object values, data;
        std::string text(const std::string& key) const { return text_of(values, key); }
        std::string data_text(const std::string& key) const { return text_of(data, key); }
    };

    static std::string text_of(const onewindow::sdk::Object& o, const std::string& key) {
        if (!o || !o->has(key) || o->isNull(key)) return {};
        return o->get(key).convert<std::string>();
    }

    // "YYYY-MM-DD[ HH:MM:SS]" -> "2026年11月23日"; other text is kept as it is.
    static std::string chinese_day(const std::string& text) {
        auto day = parse_day(text.substr(0, 10));
        if (!day) return text;
        return std::to_string(day->year) + "年" + std::to_string(day->month) + "月" +
               std::to_string(day->day) + "日";
    }

    static onewindow::sdk::Object person(const std::string& name, const std::string& id,
                                         const std::string& hukou) {
        onewindow::sdk::Object p = new Poco::JSON::Object(true);
        p->set("name", name);
        p->set("id_number", id);
        p->set("hukou_address", hukou);
        const auto parsed = parse_id(id);
        p->set("sex", parsed ? std::string(parsed->male ? "男" : "女") : std::string());
        p->set("birth_date", parsed ? chinese_day(onewindow::sdk::iso(parsed->birth)) : "");
        return p;
    }

    static void fill_card(const Source& in, bool second, const std::string& number,
                          onewindow::sdk::Object& fields) {
        fields->set("card_no", number);
        auto applicant = person(in.text("applicant.name"), in.text("applicant.id_number"),
                                in.text("applicant.hukou_address"));
        auto spouse = person(in.text("spouse.name"), in.text("spouse.id_number"),
                             in.text("spouse.hukou_address"));
        const bool applicant_male = applicant->getValue<std::string>("sex") == "男";
        fields->set("husband", applicant_male ? applicant : spouse);
        fields->set("wife", applicant_male ? spouse : applicant);
        fields->set("marriage_date", chinese_day(in.text("family_planning.marriage.date")));
        fields->set("marriage_certificate_no", in.text("family_planning.marriage.certificate_no"));
        fields->set("children_count", in.text("family_planning.children.count") + " 个");
        fields->set("child_order", std::string(second ? "第二个子女" : "第一个子女"));
        fields->set("expected_date",
                    chinese_day(in.text("family_planning.pregnancy.expected_date")));
        fields->set("hospital", in.text("family_planning.pregnancy.hospital"));
        if (second) {
            onewindow::sdk::Object first = new Poco::JSON::Object(true);
            first->set("name", in.text("family_planning.first_child.name"));
            first->set("birth_date",
                       chinese_day(in.text("family_planning.first_child.birth_date")));
            fields->set("first_child", first);
        }
    }

    static void fill_migrant(const Source& in, const std::string& number,
                             onewindow::sdk::Object& fields) {
        fields->set("certificate_no", number);
        auto holder = person(in.text("applicant.name"), in.text("applicant.id_number"),
                             in.text("applicant.hukou_address"));
        holder->set("current_address", in.text("family_planning.migrant.current_address"));
        fields->set("holder", holder);
        fields->set("migrant_since", chinese_day(in.text("family_planning.migrant.since")));
        fields->set("migrant_reason", in.text("family_planning.migrant.reason"));
        fields->set("marital_status", in.text("applicant.marital_status"));
        fields->set("children_count", in.text("family_planning.children.count") + " 个");
        if (!in.text("spouse.name").empty()) {
            onewindow::sdk::Object spouse = new Poco::JSON::Object(true);
            spouse->set("name", in.text("spouse.name"));
            spouse->set("id_number", in.text("spouse.id_number"));
            fields->set("spouse", spouse);
            fields->set("marriage_date", chinese_day(in.text("family_planning.marriage.date")));
        }
        const std::string valid = in.data_text("valid_until");
        if (!valid.empty()) fields->set("valid_until", chinese_day(valid));
    }

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
        auto married = parse_day(r.text("family_planning.marriage.date"));
        const Day on = married ? *married : today;
        if (married && *married > today)
            findings.push_back(error("family_planning.marriage.date", "结婚登记日期不能晚于今天"));
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
        const std::string count = r.text("family_planning.children.count");
        const int expected = second ? 1 : 0;
        if (!count.empty() && count != std::to_string(expected))
            findings.push_back(error("family_planning.children.count",
                                     second ? "二孩生育服务登记要求现有一个子女，请核对现有子女数"
                                            : "已有子女，请办理二孩生育服务登记"));
        if (auto due = parse_day(r.text("family_planning.pregnancy.expected_date"))) {
            if (*due < today)
                findings.push_back(
                    error("family_planning.pregnancy.expected_date", "预产期不能早于今天"));
            else if (*due > add_months(today, 10))
                findings.push_back(
                    error("family_planning.pregnancy.expected_date", "预产期不能晚于今天起十个月"));
        }
        if (!second) return;
        if (r.text("family_planning.first_child.name").empty())
            findings.push_back(error("family_planning.first_child.name", "请填写第一个子女的姓名"));
        const auto born = parse_day(r.text("family_planning.first_child.birth_date"));
        if (!born) {
            findings.push_back(
                error("family_planning.first_child.birth_date", "请填写第一个子女的出生日期"));
            return;
        }
        if (*born > today)
            findings.push_back(error("family_planning.first_child.birth_date",
                                     "第一个子女的出生日期不能晚于今天"));
        check_id_agrees(
            r,
            {"family_planning.first_child.id_number", "family_planning.first_child.birth_date",
             "family_planning.first_child.sex", "", "第一个子女"},
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
        if (auto since = parse_day(r.text("family_planning.migrant.since"));
            since && *since > today)
            findings.push_back(
                error("family_planning.migrant.since", "外出（流入）日期不能晚于今天"));
        const std::string status = r.text("applicant.marital_status");
        if (status == "初婚" || status == "再婚") {
            if (r.text("spouse.name").empty())
                findings.push_back(error("spouse.name", "已婚申请人须填写配偶姓名"));
            if (r.text("family_planning.marriage.date").empty())
                findings.push_back(
                    error("family_planning.marriage.date", "已婚申请人须填写结婚登记日期"));
        }
    }

    std::string service_area_ = "130434";
    int male_age_ = 22;
    int female_age_ = 20;
};

}  // namespace

ONEWINDOW_PLUGIN(FamilyPlanning)
