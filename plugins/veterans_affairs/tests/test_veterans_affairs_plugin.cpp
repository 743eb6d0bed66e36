// The veterans affairs plugin (退役军人事务) as the host runs it: the built .so through the plugin
// host and its item file as the counter reads it.
#include <catch2/catch.hpp>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

constexpr const char* kPreferentialCard = "000735001000";

/// A veteran born 1978-04-12 who served from 1996 to 2008.
Poco::JSON::Object::Ptr veteran() {
    return request_of(kPreferentialCard, R"({"applicant.name": "赵建国",
        "applicant.id_number": "130434197804120312", "applicant.hukou_division": "130434",
        "veterans_affairs.category": "退役军人", "veterans_affairs.enlist_date": "1996-12-10",
        "veterans_affairs.discharge_date": "2008-12-01", "veterans_affairs.certificate_no": "退字第 0812345 号"})");
}

}  // namespace

TEST_CASE("Veterans affairs: the preferential card", "[veterans_affairs]") {
    check_item_basics(
        ExpectedItem{kPreferentialCard, "退役军人优待证申领", "公共服务", false, 20, 0},
        "魏县退役军人事务局", "0310-3595081");
    auto form = StagedItems::get().form({kPreferentialCard});
    CHECK(form.field("veterans_affairs.deceased_name")->def.visible_if.in.size() == 3);
    CHECK(times_listed(form, "veterans_affairs.discharge_cert") == 1);

    PluginFixture h("veterans_affairs");
    auto r = veteran();
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("veterans_affairs.discharge_date", "1995-12-01");
    CHECK(has(h.validate(r), "退役时间不能早于入伍时间"));
    v->set("veterans_affairs.discharge_date", "2008-12-01");
    v->set("veterans_affairs.enlist_date", "1994-03-01");  // 15 years old
    CHECK(has(h.validate(r), "入伍时间早于申请人年满 16 周岁之日"));
    v->set("veterans_affairs.enlist_date", "1996-12-10");
    v->set("applicant.hukou_division", "130481");
    CHECK(has(h.validate(r), "优待证由户籍所在地县级退役军人事务部门受理"));

    auto family = request_of(kPreferentialCard, R"({"applicant.name": "赵秀英",
        "applicant.id_number": "130434198009250024", "applicant.hukou_division": "130434",
        "veterans_affairs.category": "烈士遗属", "veterans_affairs.deceased_name": "赵建军",
        "veterans_affairs.relation": "配偶"})");
    CHECK(h.validate(family) == kNoFindings);
    family->getObject("values")->set("veterans_affairs.relation", "兄弟姐妹");
    CHECK(warns(h.validate(family), "兄弟姐妹须为烈士或牺牲、病故军人生前供养的"));
    CHECK(has(
        h.route(family),
        R"("department":"county_veterans_affairs","endpoint":"county_veterans_affairs","preliminary_review":true)"));
    CHECK(h.failure(Operation::Validate, request_of("1", "{}")) ==
          "plugin veterans_affairs: validate: unknown item 1");
}

TEST_CASE("Veterans affairs: a discharged soldier reports with a placement of his rank",
          "[veterans_affairs]") {
    constexpr const char* kReport = "000735002000";
    check_item_basics(ExpectedItem{kReport, "退役士兵报到", "公共服务", false, 3, 0},
                      "魏县退役军人事务局", "0310-3595081");
    PluginFixture h("veterans_affairs");
    auto r = request_of(kReport, R"({"applicant.name": "刘洋",
        "applicant.id_number": "130434200303150414", "veterans_affairs.soldier.rank": "义务兵",
        "veterans_affairs.enlist_date": "2024-09-10", "veterans_affairs.discharge_date": "2026-09-10",
        "veterans_affairs.certificate_no": "退字 2026 第 001234 号",
        "veterans_affairs.soldier.placement": "自主就业"})");
    auto v = r->getObject("values");
    CHECK(h.validate(r) == kNoFindings);
    v->set("veterans_affairs.soldier.placement", "逐月领取退役金");
    CHECK(refuses(h.validate(r), "退役义务兵的安置方式为自主就业、安排工作或者供养"));
    v->set("veterans_affairs.soldier.rank", "军士");
    CHECK(h.validate(r) == kNoFindings);
    v->set("veterans_affairs.discharge_date", "2024-01-01");
    CHECK(refuses(h.validate(r), "退役时间不能早于入伍时间"));
    // The report goes to the county directly; the card is reviewed by the township first.
    CHECK(has(h.route(r), R"("preliminary_review":false)"));
}
