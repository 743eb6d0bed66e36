// The market regulation department plugin (市场监管): 个体工商户设立登记.
//
// The form rules are the host's, from the item file in this plugin folder (forms/). This plugin
// adds the rule that needs several facts at once: a family business (家庭经营) registers the
// family members who take part, each named with an ID number.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/document.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kSoleTrader = "000727001000";

class MarketRegulation : public Plugin {
  public:
    Findings validate(const Request& request) override {
        expect_item(request, {kSoleTrader});
        Findings findings;
        if (request.text("market_regulation.form") != "家庭经营") return findings;
        const auto members = request.rows("household.members");
        if (members.empty())
            findings.push_back(error("household.members", "家庭经营的，请填写参加经营的家庭成员"));
        for (const auto& member : members)
            if (!parse_id(member->optValue<std::string>("member.id_number", ""))) {
                findings.push_back(error("household.members",
                                         "参加经营的家庭成员 " +
                                             member->optValue<std::string>("member.name", "") +
                                             " 缺少有效的公民身份号码"));
                break;
            }
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kSoleTrader});
        return {{"county_market_regulation", "county_market_regulation", false, true}};
    }

    Object fill_document(const Object& request) override {
        DocumentFill doc(request);
        if (doc.item != kSoleTrader || doc.template_id != "registration_notice") doc.unknown();
        const std::string name = doc.value("market_regulation.business_name");
        doc.put("business_name", name.empty() ? "（未使用名称）" : name);
        doc.put("operator", doc.value("applicant.name"));
        doc.put("form", doc.value("market_regulation.form"));
        doc.put("scope", doc.value("market_regulation.scope"));
        doc.put("premises", doc.value("market_regulation.premises"));
        const std::string code = doc.datum("credit_code");
        if (code.empty()) throw PluginError("the decision carries no credit_code");
        doc.put("credit_code", code);
        return doc.fields;
    }
};

}  // namespace

ONEWINDOW_PLUGIN(MarketRegulation)
