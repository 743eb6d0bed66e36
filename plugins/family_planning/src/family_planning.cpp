// The health department's plugin (卫生健康): 生育登记, 流动人口婚育证明, 育儿补贴申领,
// 预防接种证办理 and 出生医学证明签发.
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item files in
// forms/. This plugin adds the department's own rules, which need several facts at once
// (the articles, as read in their text, are quoted in plugins/LAW.md):
// - 生育登记 covers any birth order (人口与计划生育法 2021 art. 18: "一对夫妻可以生育三个子女"),
//   before the birth or after it; a married couple must be of two sexes and of marriageable age
//   on the marriage date (the ages are the plugin's settings,
//   民法典 art. 1047 by default). No rule on the number of children: a newborn's parents register
//   it too (新生儿出生一件事).
// - 流动人口婚育证明 is issued by the township of the applicant's household registration to an
//   adult woman before she leaves (流动人口计划生育工作条例 art. 7); the place where she lives only
//   checks it (art. 8). It states her marriage, children and contraception (art. 7). Whether
//   Hebei still issues it could not be found: the item is an example the county may withdraw.
// - 育儿补贴 is paid for a child under three (the national scheme of 2025).
// - 预防接种证 within a month of the birth (疫苗管理法 art. 47; later only warned), 出生医学证明
//   (母婴保健法 art. 23) first issued only without a certificate, a copy naming the old one.
// Its findings are written in Chinese here: a plugin is data-and-decisions only and has no
// access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <regex>

namespace {

using onewindow::sdk::add_months;
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

constexpr const char* kRegistration = "000718001001";
constexpr const char* kMigrant = "000718002000";
constexpr const char* kChildcareSubsidy = "000718003000";
constexpr const char* kVaccination = "000718004000";
constexpr const char* kBirthCertificate = "000718005000";

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
        if (request.item == kRegistration) {
            const std::string status = request.text("applicant.marital_status");
            if (status == "初婚" || status == "再婚") check_couple(request, today, findings);
            check_birth(request, today, findings);
        } else if (request.item == kMigrant) {
            check_migrant(request, today, findings);
        } else if (request.item == kChildcareSubsidy) {
            check_childcare(request, today, findings);
        } else if (request.item == kVaccination) {
            check_vaccination(request, today, findings);
        } else if (request.item == kBirthCertificate) {
            check_birth_certificate(request, findings);
        } else {
            throw unknown_item(request);
        }
        return findings;
    }

    onewindow::sdk::Routes route(const Request& request) override {
        expect_item(request,
                    {kRegistration, kMigrant, kChildcareSubsidy, kVaccination, kBirthCertificate});
        // All are the township's own work (乡镇街道卫生健康工作机构): no preliminary review.
        return {{"county_health", "county_health", false, true}};
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
        if (tpl == "registration_card" && item == kRegistration) {
            fill_card(in, number, fields);
        } else if (tpl == "migrant_certificate" && item == kMigrant) {
            fill_migrant(in, number, fields);
        } else {
            throw PluginError("no template \"" + tpl + "\" for item " + item);
        }
        return fields;
    }

  private:
    // 疫苗管理法 第四十七条: the certificate within a month of the birth (later is still issued).
    static void check_vaccination(const Request& r, const Day& today, Findings& findings) {
        const onewindow::sdk::PersonKeys child{"child.id_number", "child.birth_date", "child.sex",
                                               "child.birth_cert_no", "儿童"};
        const auto born = onewindow::sdk::identify(
            r, child, "请填写儿童的公民身份号码或出生医学证明编号", findings);
        if (born && add_months(*born, 1) < today)
            findings.push_back(onewindow::sdk::warning(
                "child.birth_date", "儿童出生已超过一个月，请尽快办理预防接种证并按程序补种"));
    }

    // A first issue is for a child without a certificate; a copy or a correction names it.
    static void check_birth_certificate(const Request& r, Findings& findings) {
        const bool first = r.text("family_planning.birth_cert.reason") == "院外出生首次签发";
        const bool numbered = !r.text("child.birth_cert_no").empty();
        if (first && numbered)
            findings.push_back(
                error("child.birth_cert_no", "已有出生医学证明的，请选择遗失补发或信息错误换发"));
        else if (!first && !numbered)
            findings.push_back(
                error("child.birth_cert_no", "补发或换发的，请填写原出生医学证明编号"));
    }

    // 育儿补贴 is paid for a child under three (育儿补贴制度实施方案, quoted in plugins/LAW.md); a
    // newborn applied for with its birth registration has no ID number yet: the birth
    // certificate identifies it.
    static void check_childcare(const Request& r, const Day& today, Findings& findings) {
        const onewindow::sdk::PersonKeys child{"child.id_number", "child.birth_date", "",
                                               "child.birth_cert_no", "婴幼儿"};
        const auto born = onewindow::sdk::identify(
            r, child, "请填写婴幼儿的公民身份号码或出生医学证明编号", findings);
        if (born && years_between(*born, today) >= 3)
            findings.push_back(
                error("child.birth_date", "婴幼儿已满 3 周岁，不在育儿补贴发放范围内"));
    }

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

    // "第一个子女", "第二个子女", "第三个子女", "第4个子女", ... for `order` (1-based).
    static std::string child_order(int order) {
        static const char* names[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
        return "第" +
               (order >= 1 && order <= 9 ? std::string(names[order]) : std::to_string(order)) +
               "个子女";
    }

    static void fill_card(const Source& in, const std::string& number,
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
        const std::string count = in.text("family_planning.children.count");
        fields->set("children_count", count + " 个");
        // The child registered: the one after the children the couple has.
        int order = 1;
        try {
            order = std::stoi(count) + 1;
        } catch (const std::exception&) {
        }
        fields->set("child_order", child_order(order));
        const bool after = in.text("family_planning.registration.timing") == "生育后补登";
        fields->set("timing", after ? std::string("生育后补登") : std::string("生育前登记"));
        fields->set("birth_or_due",
                    chinese_day(in.text(after ? "family_planning.newborn.birth_date"
                                              : "family_planning.pregnancy.expected_date")));
        fields->set("hospital", in.text("family_planning.pregnancy.hospital"));
    }

    static void fill_migrant(const Source& in, const std::string& number,
                             onewindow::sdk::Object& fields) {
        fields->set("certificate_no", number);
        auto holder = person(in.text("applicant.name"), in.text("applicant.id_number"),
                             in.text("applicant.hukou_address"));
        holder->set("current_address", in.text("family_planning.migrant.current_address"));
        fields->set("contraception", in.text("family_planning.contraception"));
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

    // Before the birth, a due date within the next ten months; after it, the birth date.
    static void check_birth(const Request& r, const Day& today, Findings& findings) {
        if (r.text("family_planning.registration.timing") != "生育前登记") return;
        if (auto due = parse_day(r.text("family_planning.pregnancy.expected_date"))) {
            if (*due < today)
                findings.push_back(error("family_planning.pregnancy.expected_date",
                                         "预产期已过：子女已出生的，请选择“生育后补登”"));
            else if (*due > add_months(today, 10))
                findings.push_back(
                    error("family_planning.pregnancy.expected_date", "预产期不能晚于今天起十个月"));
        }
    }

    // 流动人口计划生育工作条例 art. 7: "流动人口中的成年育龄妇女……在离开户籍所在地前，应当凭本人
    // 居民身份证到户籍所在地的乡(镇)人民政府或者街道办事处办理婚育证明"; art. 8: the place where
    // she lives "应当查验婚育证明". So the applicant is registered here and an adult woman.
    void check_migrant(const Request& r, const Day& today, Findings& findings) const {
        const std::string area = r.service_area.empty() ? service_area_ : r.service_area;
        const std::string hukou = r.text("applicant.hukou_division");
        if (!hukou.empty() && hukou != area)
            findings.push_back(error(
                "applicant.hukou_division",
                "流动人口婚育证明由户籍所在地的乡（镇）人民政府或者街道办事处出具，请向户籍所在地"
                "申请；在本县居住的，持婚育证明到居住地乡镇（街道）查验即可（《流动人口计划生育"
                "工作条例》第七条、第八条）"));
        if (const auto person = parse_id(r.text("applicant.id_number"))) {
            if (person->male)
                findings.push_back(error("applicant.id_number",
                                         "流动人口婚育证明由成年育龄妇女办理（《流动人口计划生育"
                                         "工作条例》第七条）"));
            else if (years_between(person->birth, today) < 18)
                findings.push_back(error("applicant.id_number",
                                         "申请人未成年：婚育证明由成年育龄妇女办理（《流动人口"
                                         "计划生育工作条例》第七条）"));
        }
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
