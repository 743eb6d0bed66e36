// The tax bureau plugin (税务): 城乡居民基本养老保险费和基本医疗保险费缴纳, done on the spot (即办)
// with a payment voucher.
//
// The form rules are the host's, from the item file in this plugin folder (forms/). This plugin
// adds the rules that need several facts at once: something is paid (a pension grade or people
// insured for medical care), and a medical contribution has its rate per person, from which the
// voucher's total is computed.
//
// Findings are written in Chinese here: a plugin has no access to the host's message catalogue.
#include <onewindow/sdk/document.hpp>
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

#include <string>

namespace {

using namespace onewindow::sdk;

constexpr const char* kContributions = "000740001000";

// The pension grade chosen, in yuan (0 when none is paid).
double pension_of(const Object& values) {
    return number_of(values, "taxation.pension_grade").value_or(0);
}

class Taxation : public Plugin {
  public:
    Findings validate(const Request& request) override {
        expect_item(request, {kContributions});
        Findings findings;
        const double persons = number_of(request.values, "taxation.medical_persons").value_or(0);
        if (pension_of(request.values) <= 0 && persons <= 0)
            findings.push_back(error("taxation.pension_grade",
                                     "请选择养老保险缴费档次或填写医保缴费人数，至少缴纳一项"));
        if (persons > 0 && !number_of(request.values, "taxation.medical_rate"))
            findings.push_back(
                error("taxation.medical_rate", "缴纳城乡居民医保的，请填写本年度个人缴费标准"));
        return findings;
    }

    Routes route(const Request& request) override {
        expect_item(request, {kContributions});
        return {{"county_taxation", "county_taxation", false, true}};
    }

    Object fill_document(const Object& request) override {
        DocumentFill doc(request);
        if (doc.item != kContributions || doc.template_id != "payment_receipt") doc.unknown();
        const double pension = pension_of(doc.values);
        const double persons = number_of(doc.values, "taxation.medical_persons").value_or(0);
        const double medical = persons * number_of(doc.values, "taxation.medical_rate").value_or(0);
        doc.put("payer_name", doc.value("applicant.name"));
        doc.put("year", doc.value("taxation.year"));
        doc.put("pension", yuan(pension));
        doc.put("medical", yuan(medical));
        doc.put("medical_persons", number_text(persons));
        doc.put("total", yuan(pension + medical));
        return doc.fields;
    }
};

}  // namespace

ONEWINDOW_PLUGIN(Taxation)
