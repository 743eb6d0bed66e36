// The housing provident fund plugin (住房公积金): 住房公积金退休提取.
//
// The form rules are the host's, from the item file in this plugin folder (forms/). This plugin
// adds the rule that needs the counter's date: the worker has retired (住房公积金管理条例
// 第二十四条 (二)), so the retirement date is not later than today.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/document.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kRetirementWithdrawal = "000741001000";

class HousingFund : public Plugin {
  public:
    Findings validate(const Request& request) override {
        expect_item(request, {kRetirementWithdrawal});
        Findings findings;
        if (auto retired = parse_day(request.text("housing_fund.retired_on"));
            retired && today_of(request) < *retired)
            findings.push_back(
                error("housing_fund.retired_on",
                      "退休日期为 " + iso(*retired) + "，尚未退休，不能办理住房公积金退休提取"));
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kRetirementWithdrawal});
        return {{"county_housing_fund", "county_housing_fund", false, true}};
    }

    Object fill_document(const Object& request) override {
        DocumentFill doc(request);
        if (doc.item != kRetirementWithdrawal || doc.template_id != "withdrawal_notice")
            doc.unknown();
        doc.put("holder_name", doc.value("applicant.name"));
        doc.put("account_no", doc.value("housing_fund.account_no"));
        doc.put("retired_on", chinese_date(doc.value("housing_fund.retired_on")));
        doc.put("bank", doc.value("payment.bank"));
        const std::string amount = doc.datum("amount");
        if (amount.empty()) throw PluginError("the decision carries no amount");
        doc.put("amount", amount);
        return doc.fields;
    }
};

}  // namespace

ONEWINDOW_PLUGIN(HousingFund)
