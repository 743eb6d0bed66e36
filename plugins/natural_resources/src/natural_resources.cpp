// The natural resources and planning department plugin (自然资源和规划): 不动产登记资料查询 and the
// planning permit of a rural house (乡村建设规划许可, taken with the agriculture department's house
// site approval on one form: the homestead.* facts are shared).
//
// The form rules are the host's, from the item files in this plugin folder (forms/). This plugin
// adds the rules that need several facts at once: an interested party (利害关系人) names the proof
// of the interest (不动产登记暂行条例实施细则), a house's footprint lies within its site and its
// floors within the county's limit (the administrator's setting "max_floors", 3 unless set).
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/document.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kQuery = "000715001000";
constexpr const char* kPermit = "000715002000";

class NaturalResources : public Plugin {
  public:
    void init(const Object& host) override {
        max_floors_ = number_setting(host->getObject("settings"), "max_floors", 1, 5,
                                     "a number of floors from 1 to 5")
                          .value_or(3);
    }

    Findings validate(const Request& request) override {
        expect_item(request, {kQuery, kPermit});
        Findings findings;
        if (request.item == kQuery) {
            if (request.text("natural_resources.query.role") == "利害关系人" &&
                request.text("natural_resources.query.interest_basis").empty())
                findings.push_back(error("natural_resources.query.interest_basis",
                                         "利害关系人查询不动产登记资料的，请选择利害关系证明"
                                         "（买卖、互换、赠与、租赁、抵押不动产的合同，或者诉讼、"
                                         "仲裁的受理文书）"));
            return findings;
        }
        const auto land = number_of(request.values, "homestead.land_area");
        const auto building = number_of(request.values, "homestead.building_area");
        if (land && building && *building > *land)
            findings.push_back(error("homestead.building_area", "房基占地面积不能大于宅基地面积"));
        const auto floors = number_of(request.values, "homestead.floors");
        if (floors && *floors > max_floors_)
            findings.push_back(
                error("homestead.floors",
                      "拟建层数超过本县农村村民住宅 " + number_text(max_floors_) + " 层的上限"));
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kQuery, kPermit});
        if (request.item == kQuery)
            return {{"county_natural_resources", "county_natural_resources", false, true}};
        // The township reviews first and reports to the county (城乡规划法 第四十一条).
        return {{"county_natural_resources", "county_natural_resources", true, true}};
    }

    Object fill_document(const Object& request) override {
        DocumentFill doc(request);
        if (doc.item != kQuery || doc.template_id != "query_result") doc.unknown();
        doc.put("querier_name", doc.value("applicant.name"));
        doc.put("querier_role", doc.value("natural_resources.query.role"));
        doc.put("property", doc.value("natural_resources.query.property"));
        doc.put("purpose", doc.value("natural_resources.query.purpose"));
        doc.put("scope", doc.value("natural_resources.query.scope"));
        const std::string result = doc.datum("result");
        if (result.empty()) throw PluginError("the decision carries no result");
        doc.put("result", result);
        return doc.fields;
    }

  private:
    double max_floors_ = 3;
};

}  // namespace

ONEWINDOW_PLUGIN(NaturalResources)
