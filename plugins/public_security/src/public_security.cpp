// The public-security department plugin (公安, household registration): 出生登记 (the first item
// of the newborn bundle, 新生儿出生一件事), 居民身份证申领和换领, 居民身份证补领,
// 临时居民身份证申领 (only while a card is applied for, 居民身份证法 第十二条), 户口迁入登记,
// 居住证申领 and 死亡注销户口 (身后一件事).
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item file in
// this plugin folder (forms/). This plugin adds the rules that need several facts at once: a child
// registered once (no ID number yet), the one-month declaration period (户口登记条例 第七条), and
// the parent the child is registered with: who is the father or the mother follows from the
// parents' ID numbers, and that parent's household registration must lie in the county. A person
// under sixteen applies for an ID card through a guardian (居民身份证法 第七条); a spouse joining a
// household joins one registered in the county (户口迁入); a residence permit is for a person
// registered elsewhere who has lived here half a year (居住证暂行条例 第二条); the dead person is
// not the declarant, and the declaration period of 户口登记条例 第八条 (a month in the countryside)
// is a warning only.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kBirthRegistration = "000705001000";
constexpr const char* kIdCard = "000705002000";
constexpr const char* kTransfer = "000705003000";
constexpr const char* kResidence = "000705004000";
constexpr const char* kDeath = "000705005000";
constexpr const char* kTemporaryCard = "000705006000";
constexpr const char* kReplacement = "000705007000";

class PublicSecurity : public Plugin {
  public:
    Findings validate(const Request& request) override {
        expect_item(request, {kBirthRegistration, kIdCard, kTransfer, kResidence, kDeath,
                              kTemporaryCard, kReplacement});
        Findings findings;
        if (request.item == kIdCard || request.item == kReplacement)
            check_id_card(request, findings);
        else if (request.item == kTransfer)
            check_transfer(request, findings);
        else if (request.item == kResidence)
            check_residence(request, findings);
        else if (request.item == kDeath)
            check_death(request, findings);
        else if (request.item == kTemporaryCard) {
            if (request.text("public_security.temporary.pending") == "未办理")
                findings.push_back(error("public_security.temporary.pending",
                                         "临时居民身份证在申请领取、换领、补领居民身份证期间申领，"
                                         "请同时申领居民身份证"));
        } else
            check_birth(request, findings);
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kBirthRegistration, kIdCard, kTransfer, kResidence, kDeath,
                              kTemporaryCard, kReplacement});
        return {{"county_public_security", "county_public_security", false, true}};
    }

  private:
    static void check_birth(const Request& request, Findings& findings) {
        const Day today = today_of(request);
        if (!request.text("child.id_number").empty())
            findings.push_back(
                error("child.id_number", "子女已有公民身份号码，说明已办理出生登记，不能重复申报"));
        if (auto born = parse_day(request.text("child.birth_date"));
            born && add_months(*born, 1) < today)
            findings.push_back(warning("child.birth_date",
                                       "婴儿出生已超过一个月，由派出所核查出生事实后办理出生登记"));
        check_parent(request, findings);
    }

    // Under sixteen, the guardian applies (居民身份证法 第七条).
    static void check_id_card(const Request& r, Findings& findings) {
        const auto age = applicant_age(r);
        if (!age || *age >= 16) return;
        if (r.text("public_security.guardian.name").empty() ||
            r.text("public_security.guardian.id_number").empty())
            findings.push_back(error("public_security.guardian.name",
                                     "申请人未满十六周岁，由监护人代为申请领取居民身份证，请填写"
                                     "监护人的姓名和公民身份号码"));
    }

    // A spouse joining the household (夫妻投靠) joins a spouse registered in the county.
    static void check_transfer(const Request& r, Findings& findings) {
        if (r.text("public_security.transfer.reason") != "夫妻投靠") return;
        const std::string division = r.text("spouse.hukou_division");
        if (division.empty())
            findings.push_back(
                error("spouse.hukou_division", "夫妻投靠的，请填写被投靠配偶的户籍地行政区划代码"));
        else if (!r.service_area.empty() && division != r.service_area)
            findings.push_back(
                error("spouse.hukou_division", "夫妻投靠落户的，被投靠的配偶户籍须在本县"));
    }

    static void check_residence(const Request& r, Findings& findings) {
        if (!registered_elsewhere(r) && !r.text("applicant.hukou_division").empty())
            findings.push_back(
                error("applicant.hukou_division", "申请人常住户口在本县，无需申领本县居住证"));
        if (auto since = parse_day(r.text("public_security.residence.since"));
            since && today_of(r) < add_months(*since, 6))
            findings.push_back(
                error("public_security.residence.since",
                      "在本县居住未满半年，暂不能申领居住证（居住证暂行条例第二条）"));
    }

    static void check_death(const Request& r, Findings& findings) {
        check_not_deceased(r, findings);
        if (auto died = parse_day(r.text("deceased.death_date"));
            died && add_months(*died, 1) < today_of(r))
            findings.push_back(warning("deceased.death_date",
                                       "死亡已超过一个月，户口登记条例规定农村在一个月以内申报，"
                                       "派出所核实后办理"));
    }

    // The child is registered with the father (随父) or the mother (随母): the applicant or the
    // spouse, whichever has that sex by the ID number.
    static void check_parent(const Request& r, Findings& findings) {
        const std::string with = r.text("child.hukou_with");
        if (with.empty()) return;  // the host reports the missing choice
        const bool father = with == "随父落户";
        const std::string parent = father ? "父亲" : "母亲";
        const auto applicant = parse_id(r.text("applicant.id_number"));
        const auto spouse = parse_id(r.text("spouse.id_number"));
        std::string division_key;
        if (applicant && applicant->male == father)
            division_key = "applicant.hukou_division";
        else if (spouse && spouse->male == father)
            division_key = "spouse.hukou_division";
        if (division_key.empty()) {
            findings.push_back(error("spouse.id_number", "申报" + with + "的，请填写" + parent +
                                                             "的姓名和公民身份号码"));
            return;
        }
        const std::string division = r.text(division_key);
        if (division.empty())
            findings.push_back(error(
                division_key, "申报" + with + "的，请填写" + parent + "的户籍地行政区划代码"));
        else if (!r.service_area.empty() && division != r.service_area)
            findings.push_back(error(division_key, "申报" + with + "的，" + parent +
                                                       "户籍须在本县，请到" + parent +
                                                       "户籍所在地派出所办理出生登记"));
    }
};

}  // namespace

ONEWINDOW_PLUGIN(PublicSecurity)
