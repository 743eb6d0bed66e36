// The public-security department plugin (公安, household registration): 出生登记, the first item
// of the newborn bundle (新生儿出生一件事).
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item file in
// this plugin folder (forms/). This plugin adds the rules that need several facts at once: a child
// registered once (no ID number yet), the one-month declaration period (户口登记条例 第七条), and
// the parent the child is registered with: who is the father or the mother follows from the
// parents' ID numbers, and that parent's household registration must lie in the county.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kBirthRegistration = "000705001000";

class PublicSecurity : public Plugin {
  public:
    Findings validate(const Request& request) override {
        expect_item(request, {kBirthRegistration});
        Findings findings;
        const Day today = today_of(request);
        if (!request.text("child.id_number").empty())
            findings.push_back(
                error("child.id_number", "子女已有公民身份号码，说明已办理出生登记，不能重复申报"));
        if (auto born = parse_day(request.text("child.birth_date"));
            born && add_months(*born, 1) < today)
            findings.push_back(warning("child.birth_date",
                                       "婴儿出生已超过一个月，由派出所核查出生事实后办理出生登记"));
        check_parent(request, findings);
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kBirthRegistration});
        return {{"county_public_security", "county_public_security", false, true}};
    }

  private:
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
