// The housing provident fund plugin (住房公积金退休提取) as the host runs it: the built .so through
// the plugin host and its item file as the counter reads it.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

TEST_CASE("Housing fund: a retirement withdrawal after the retirement", "[housing_fund]") {
    constexpr const char* kWithdrawal = "000741001000";
    check_item_basics(ExpectedItem{kWithdrawal, "住房公积金退休提取", "公共服务", false, 1, 3},
                      "邯郸市住房公积金管理中心魏县管理部", "0310-3526780");
    CHECK(StagedItems::get().item(kWithdrawal).legal_unit == DayUnit::Natural);  // "3日内"
    PluginFixture h("housing_fund");
    auto r = request_of(kWithdrawal, R"({"applicant.name": "郭志强",
        "applicant.id_number": "130434196509110416", "housing_fund.account_no": "10030412345",
        "housing_fund.reason": "离休、退休", "housing_fund.retired_on": "2026-10-01"})");
    CHECK(h.validate(r) == kNoFindings);
    r->getObject("values")->set("housing_fund.retired_on", "2027-01-01");
    CHECK(refuses(h.validate(r), "退休日期为 2027-01-01，尚未退休，不能办理住房公积金退休提取"));
}
