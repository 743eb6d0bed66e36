// The veterans affairs department plugin (退役军人事务): 退役军人优待证申领, for veterans and the
// families of martyrs and of soldiers who died on duty or of illness, and 退役士兵报到.
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item file in
// this plugin folder (forms/). This plugin adds the rules that need several facts at once: a
// service that ends after it begins and begins no earlier than the 16th birthday, registration in
// the county, and a brother or sister counted as family only when the deceased supported them;
// a discharged soldier's placement is one the regulation gives his rank (退役军人安置条例 第五条:
// a conscript is placed by 自主就业, 安排工作 or 供养, a sergeant also by 逐月领取退役金 or 退休).
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kPreferentialCard = "000735001000";
constexpr const char* kSoldierReport = "000735002000";

class VeteransAffairs : public Plugin {
  public:
    Findings validate(const Request& request) override {
        expect_item(request, {kPreferentialCard, kSoldierReport});
        Findings findings;
        if (request.item == kSoldierReport) {
            check_service(request, findings);
            const std::string placement = request.text("veterans_affairs.soldier.placement");
            if (request.text("veterans_affairs.soldier.rank") == "义务兵" &&
                (placement == "逐月领取退役金" || placement == "退休"))
                findings.push_back(error("veterans_affairs.soldier.placement",
                                         "退役义务兵的安置方式为自主就业、安排工作或者供养"));
            return findings;
        }
        if (registered_elsewhere(request))
            findings.push_back(
                error("applicant.hukou_division",
                      "优待证由户籍所在地县级退役军人事务部门受理，申请人户籍不在本县"));
        if (request.text("veterans_affairs.category") == "退役军人")
            check_service(request, findings);
        else if (request.text("veterans_affairs.relation") == "兄弟姐妹")
            findings.push_back(warning("veterans_affairs.relation",
                                       "兄弟姐妹须为烈士或牺牲、病故军人生前供养的，"
                                       "由乡镇退役军人服务站初审时核实"));
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kPreferentialCard, kSoldierReport});
        // The township's veterans service station checks the records of a card first (初审).
        return {{"county_veterans_affairs", "county_veterans_affairs",
                 request.item == kPreferentialCard, true}};
    }

  private:
    static void check_service(const Request& r, Findings& findings) {
        const auto enlisted = parse_day(r.text("veterans_affairs.enlist_date"));
        const auto discharged = parse_day(r.text("veterans_affairs.discharge_date"));
        if (enlisted && discharged && *discharged < *enlisted)
            findings.push_back(
                error("veterans_affairs.discharge_date", "退役时间不能早于入伍时间"));
        const auto person = parse_id(r.text("applicant.id_number"));
        if (enlisted && person && *enlisted < add_months(person->birth, 16 * 12))
            findings.push_back(error("veterans_affairs.enlist_date",
                                     "入伍时间早于申请人年满 16 周岁之日，请核对"));
    }
};

}  // namespace

ONEWINDOW_PLUGIN(VeteransAffairs)
