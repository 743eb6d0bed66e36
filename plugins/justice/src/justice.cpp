// The justice department plugin (司法): 法律援助申请.
//
// The form rules (required fields, ID checksums) are the host's, from the item file in
// forms/justice/. This plugin adds the rules of the Legal Aid Law (法律援助法) that need several
// facts at once: who may skip the check of economic hardship (第四十二条) — a migrant worker only
// for wages or a work injury, the "no fixed income" group only as a minor, an elderly or a
// disabled person — and warnings for matters outside the list of 第三十一条 and for criminal cases.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kLegalAid = "000713001000";

class Justice : public Plugin {
  public:
    Findings validate(const Request& request) override {
        expect_item(request, {kLegalAid});
        Findings findings;
        const std::string matter = request.text("justice.legal_aid.matter");
        const std::string basis = request.text("justice.legal_aid.economic_basis");
        if (basis == "申请支付劳动报酬或工伤赔偿的农民工" && matter != "请求支付劳动报酬" &&
            matter != "请求工伤事故人身损害赔偿")
            findings.push_back(error("justice.legal_aid.economic_basis",
                                     "农民工免予核查经济困难状况，仅限请求支付劳动报酬或者工伤事故"
                                     "人身损害赔偿；其他事项请如实说明经济困难状况"));
        if (basis == "无固定生活来源的未成年人、老年人或残疾人") check_no_income(request, findings);
        if (matter == "其他事项")
            findings.push_back(warning("justice.legal_aid.matter",
                                       "不属于法律援助法第三十一条所列事项的，由法律援助中心审查是"
                                       "否属于河北省规定的其他事项"));
        else if (matter == "刑事案件")
            findings.push_back(warning("justice.legal_aid.matter",
                                       "犯罪嫌疑人、被告人在押的，也可以通过办案机关转交申请；"
                                       "法律援助中心审查后通知办案机关"));
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kLegalAid});
        return {{"county_justice", "county_justice", false, true}};
    }

  private:
    // Between 18 and 59 only a disabled person belongs to the group: the certificate tells.
    static void check_no_income(const Request& r, Findings& findings) {
        const int age = applicant_age(r).value_or(-1);
        if (age >= 18 && age < 60)
            findings.push_back(warning("justice.legal_aid.economic_basis",
                                       "申请人 " + std::to_string(age) +
                                           " 周岁，以残疾人身份免予核查经济困难状况的，"
                                           "请出示残疾人证"));
    }
};

}  // namespace

ONEWINDOW_PLUGIN(Justice)
