// The disabled persons' federation plugin (残联): 残疾人证新办 with the appointment for the
// disability assessment (残疾评定), and 残疾人证换领 (with 迁移: a holder whose household moved
// into the county has the county's certificate issued in exchange for the old one).
//
// The form rules (required fields, ID checksums, dates) are the host's, from the item files in
// this plugin folder (forms/). This plugin adds the rules that need several facts at once: a new
// certificate only for someone without one, a renewal only of the applicant's own certificate
// (its codes must agree unless the category or level is what changes), registration in the
// county, and an assessment appointment on a later weekday at an institution designated for the
// category.
//
// Settings (plugin-settings.json, "disabled_federation": {...}), set by the administrator:
//   assessment_institutions   {"肢体残疾": ["魏县人民医院", ...], ...}: the institutions
//                             designated for each category; without it any listed institution
//                             is accepted. The designation is local and changes: never code.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/disability.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace onewindow::sdk;

constexpr const char* kNewCertificate = "000750001001";
constexpr const char* kRenewal = "000750001002";
constexpr const char* kMoved = "户籍迁入换领（迁移）";  // disabled_federation.card.reason

class DisabledFederation : public Plugin {
  public:
    void init(const Object& host) override {
        auto settings = host->getObject("settings");
        if (!settings || !settings->has("assessment_institutions")) return;
        auto designations = settings->getObject("assessment_institutions");
        if (!designations) throw PluginError("settings.assessment_institutions must be an object");
        for (const auto& category : designations->getNames()) {
            auto list = designations->getArray(category);
            if (!list || list->size() == 0)
                throw PluginError("settings.assessment_institutions." + category +
                                  " must be a non-empty array of institution names");
            for (std::size_t i = 0; i < list->size(); ++i)
                institutions_[category].push_back(list->getElement<std::string>(unsigned(i)));
        }
    }

    Findings validate(const Request& request) override {
        Findings findings;
        const Day today = today_of(request);
        if (request.item == kNewCertificate) {
            if (!request.text("disability.certificate_no").empty() ||
                request.text("civil_affairs.disability.certified") == "已持证")
                findings.push_back(error("disability.certificate_no",
                                         "已持有残疾人证的，请办理残疾人证换领，不能重复新办"));
            check_appointment(request, today, findings);
        } else if (request.item == kRenewal) {
            const bool reassessed =
                request.text("disabled_federation.card.reason") == "残疾类别或等级变化换领";
            check_disability_certificate(request, findings, !reassessed);
            if (reassessed) check_appointment(request, today, findings);
        } else {
            throw unknown_item(request);
        }
        if (registered_elsewhere(request) && request.item == kRenewal &&
            request.text("disabled_federation.card.reason") == kMoved)
            findings.push_back(error("applicant.hukou_division",
                                     "残疾人证迁移由迁入地县级残疾人联合会办理，申请人户籍尚未迁入"
                                     "本县：请先办理户口迁入登记"));
        else if (registered_elsewhere(request))
            findings.push_back(
                error("applicant.hukou_division",
                      "残疾人证由户籍所在地县级残疾人联合会办理，申请人户籍不在本县"));
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kNewCertificate, kRenewal});
        return {{"county_disabled_federation", "county_disabled_federation", false, true}};
    }

  private:
    void check_appointment(const Request& r, const Day& today, Findings& findings) const {
        if (auto day = parse_day(r.text("disabled_federation.assessment.date"))) {
            if (!(today < *day))
                findings.push_back(
                    error("disabled_federation.assessment.date", "预约评定日期须晚于今天"));
            else if (weekday(*day) >= 6)
                findings.push_back(error("disabled_federation.assessment.date",
                                         "评定机构周六、周日不安排残疾评定，请改约工作日"));
        }
        const std::string category = r.text("disability.category");
        const std::string institution = r.text("disabled_federation.assessment.institution");
        auto designated = institutions_.find(category);
        if (institution.empty() || designated == institutions_.end()) return;
        const auto& names = designated->second;
        if (std::find(names.begin(), names.end(), institution) != names.end()) return;
        std::string list;
        for (const auto& name : names) list += (list.empty() ? "" : "、") + name;
        findings.push_back(
            error("disabled_federation.assessment.institution",
                  institution + "不是" + category + "的指定评定机构，请预约" + list));
    }

    std::map<std::string, std::vector<std::string>> institutions_;
};

}  // namespace

ONEWINDOW_PLUGIN(DisabledFederation)
