// The agriculture and rural affairs department plugin (农业农村): 农村宅基地申请审批 (decided by
// the township, taken with the planning permit of natural_resources on one form: the homestead.*
// facts are shared) and 耕地地力保护补贴申报.
//
// The form rules are the host's, from the item files in this plugin folder (forms/). This plugin
// adds the rules of 土地管理法 第六十二条 that need several facts at once: a member of the village
// collective applies, one house site per household (a new site only when the old one is given
// back), none after selling or renting out the house, the site within the province's area
// standard (the administrator's setting "homestead_max_area"; without it that check is skipped);
// and for the subsidy, an area within the contracted land, no subsidy for abandoned land or land
// put to another use.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/document.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <optional>
#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kHomestead = "000721001000";
constexpr const char* kSubsidy = "000721002000";

class Agriculture : public Plugin {
  public:
    void init(const Object& host) override {
        max_area_ = number_setting(host->getObject("settings"), "homestead_max_area", 50, 1000,
                                   "an area from 50 to 1000 square metres");
    }

    Findings validate(const Request& request) override {
        expect_item(request, {kHomestead, kSubsidy});
        Findings findings;
        if (request.item == kHomestead)
            check_homestead(request, findings);
        else
            check_subsidy(request, findings);
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kHomestead, kSubsidy});
        // The house site: the village and the township review first (联审), the township decides.
        return {{"county_agriculture", "county_agriculture", request.item == kHomestead, true}};
    }

    Object fill_document(const Object& request) override {
        DocumentFill doc(request);
        if (doc.item != kHomestead || doc.template_id != "homestead_approval") doc.unknown();
        doc.put("holder_name", doc.value("applicant.name"));
        doc.put("holder_id_number", doc.value("applicant.id_number"));
        doc.put("holder_hukou_address", doc.value("applicant.hukou_address"));
        doc.put("household_size", doc.value("agriculture.household_size"));
        doc.put("kind", doc.value("homestead.kind"));
        doc.put("address", doc.value("homestead.address"));
        const std::string approved = doc.datum("approved_land_area");
        doc.put("land_area", approved.empty() ? doc.value("homestead.land_area") : approved);
        doc.put("building_area", doc.value("homestead.building_area"));
        doc.put("floors", doc.value("homestead.floors"));
        return doc.fields;
    }

  private:
    void check_homestead(const Request& r, Findings& findings) const {
        if (r.text("agriculture.collective_member") == "否")
            findings.push_back(error("agriculture.collective_member",
                                     "农村宅基地由本村集体经济组织成员以户为单位申请"));
        if (r.text("agriculture.sold_house") == "是")
            findings.push_back(error("agriculture.sold_house",
                                     "农村村民出卖、出租住房后，再申请宅基地的，不予批准"));
        const std::string existing = r.text("homestead.existing");
        if (r.text("homestead.kind") == "新址新建" && existing == "有，原址翻建")
            findings.push_back(error("homestead.existing",
                                     "农村村民一户只能拥有一处宅基地；新址建房的，须承诺建房后"
                                     "退出原宅基地"));
        const auto area = number_of(r.values, "homestead.land_area");
        if (area && max_area_ && *area > *max_area_)
            findings.push_back(
                error("homestead.land_area",
                      "宅基地面积超过每户 " + number_text(*max_area_) + " 平方米的标准"));
    }

    static void check_subsidy(const Request& r, Findings& findings) {
        const auto contract = number_of(r.values, "agriculture.subsidy.contract_area");
        const auto declared = number_of(r.values, "agriculture.subsidy.declared_area");
        if (contract && declared && *declared > *contract)
            findings.push_back(
                error("agriculture.subsidy.declared_area", "申报补贴面积不能超过承包耕地面积"));
        const std::string use = r.text("agriculture.subsidy.land_use");
        if (use == "撂荒" || use == "已改为林地、园地或建设用地")
            findings.push_back(error("agriculture.subsidy.land_use",
                                     "长年抛荒或已改变用途的耕地不再给予耕地地力保护补贴"));
    }

    std::optional<double> max_area_;
};

}  // namespace

ONEWINDOW_PLUGIN(Agriculture)
