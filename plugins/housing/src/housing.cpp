// The housing and urban-rural development department plugin (住建): 公共租赁住房申请.
//
// The form rules are the host's, from the item file in this plugin folder (forms/). This plugin
// adds the rules of 公共租赁住房管理办法 第七条 that need several facts at once, against the
// county's standards the administrator sets: the household's own floor space per person below the
// housing hardship standard ("area_per_person_limit"), a migrant worker's years of stable work
// ("migrant_work_years", 1 unless set), and the income per person ("income_per_person_limit"),
// which the department investigates after acceptance (第九条) — a warning only. A standard that
// is not set skips its check.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/document.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <optional>
#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kPublicRental = "000716001000";

class Housing : public Plugin {
  public:
    void init(const Object& host) override {
        const auto settings = host->getObject("settings");
        area_limit_ = number_setting(settings, "area_per_person_limit", 1, 100,
                                     "an area from 1 to 100 square metres");
        income_limit_ =
            number_setting(settings, "income_per_person_limit", 1, 10000000, "an amount in yuan");
        work_years_ =
            number_setting(settings, "migrant_work_years", 0, 10, "0 to 10 years").value_or(1);
    }

    Findings validate(const Request& request) override {
        expect_item(request, {kPublicRental});
        Findings findings;
        const double persons = number_of(request.values, "housing.household_size").value_or(0);
        if (persons <= 0) return findings;  // the host reports the missing size
        const auto area = number_of(request.values, "housing.owned_area");
        if (area && area_limit_ && *area / persons >= *area_limit_)
            findings.push_back(error("housing.owned_area",
                                     "家庭人均自有住房建筑面积 " + number_text(*area / persons) +
                                         " 平方米，不低于本县住房困难标准 " +
                                         number_text(*area_limit_) + " 平方米"));
        const auto income = number_of(request.values, "housing.annual_income");
        if (income && income_limit_ && *income / persons > *income_limit_)
            findings.push_back(
                warning("housing.annual_income", "家庭人均年收入 " + yuan(*income / persons) +
                                                     " 元，高于本县标准 " + yuan(*income_limit_) +
                                                     " 元；收入和财产由住房保障部门审核认定"));
        if (request.text("housing.applicant_kind") == "在城镇稳定就业的外来务工人员") {
            const double years = number_of(request.values, "housing.work_years").value_or(0);
            if (years < work_years_)
                findings.push_back(
                    error("housing.work_years",
                          "外来务工人员在本县稳定就业须满 " + number_text(work_years_) + " 年"));
        }
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kPublicRental});
        return {{"county_housing", "county_housing", false, true}};
    }

    Object fill_document(const Object& request) override {
        DocumentFill doc(request);
        if (doc.item != kPublicRental || doc.template_id != "waiting_notice") doc.unknown();
        doc.put("holder_name", doc.value("applicant.name"));
        doc.put("applicant_kind", doc.value("housing.applicant_kind"));
        doc.put("household_size", doc.value("housing.household_size"));
        const std::string waiting = doc.datum("waiting_no");
        if (waiting.empty()) throw PluginError("the decision carries no waiting_no");
        doc.put("waiting_no", waiting);
        return doc.fields;
    }

  private:
    std::optional<double> area_limit_, income_limit_;
    double work_years_ = 1;
};

}  // namespace

ONEWINDOW_PLUGIN(Housing)
