// Filling a result document (fill_document): reading the counter's request once and answering
// the values every result document shows, so that a department's code only adds its own.
//
//     Object fill_document(const Object& request) override {
//         DocumentFill doc(request);                 // throws PluginError without case/decision
//         doc.put("holder.name", doc.value("applicant.name"));
//         doc.put("approved_area", doc.datum("approved_area"));
//         return doc.fields;
//     }
//
// The answer already holds case_number (the case's number), issuing_body (the decision's
// "issuing_body", else the item's department), issued_on (the decision's "issued_on", else its
// decided_at, as 2026年11月23日), decided_by and certificate_no (the decision's, required).
// Pure functions on values: no state beyond the object being filled, safe from any thread.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "onewindow/sdk/helpers.hpp"
#include "onewindow/sdk/plugin.hpp"

namespace onewindow::sdk {

/// The text under `key` of an object (a form's values, a decision's data); "" when the object or
/// the key is absent or null. Numbers are written as JSON writes them.
inline std::string text_of(const Object& object, const std::string& key) {
    if (!object || !object->has(key) || object->isNull(key)) return {};
    const auto value = object->get(key);
    return value.isString() ? value.extract<std::string>() : value.convert<std::string>();
}

/// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" -> "2026年11月23日"; any other text as it is.
inline std::string chinese_date(const std::string& text) {
    const auto day = parse_day(text.substr(0, 10));
    if (!day) return text;
    return std::to_string(day->year) + "年" + std::to_string(day->month) + "月" +
           std::to_string(day->day) + "日";
}

/// One fill_document call: the request's parts and the answer being built.
struct DocumentFill {
    std::string item, template_id;
    Object values, data;  // the case's form values, the decision's data
    Object fields;        // the answer: binding -> value

    explicit DocumentFill(const Object& request) {
        item = text_of(request, "item");
        template_id = text_of(request, "template");
        const Object kase = request ? request->getObject("case") : Object();
        const Object decision = request ? request->getObject("decision") : Object();
        if (!kase || !decision)
            throw PluginError("fill_document needs the \"case\" and the \"decision\"");
        values = kase->getObject("values");
        data = decision->getObject("data");
        fields = new Poco::JSON::Object(true);
        fields->set("case_number", text_of(kase, "number"));
        const std::string body = datum("issuing_body");
        fields->set("issuing_body",
                    body.empty() ? text_of(kase->getObject("item"), "department") : body);
        const std::string issued = datum("issued_on");
        fields->set("issued_on",
                    chinese_date(issued.empty() ? text_of(decision, "decided_at") : issued));
        fields->set("decided_by", text_of(decision, "decided_by"));
        const std::string number = datum("certificate_no");
        if (number.empty()) throw PluginError("the decision carries no certificate_no");
        fields->set("certificate_no", number);
    }

    /// A form value as text ("" when absent).
    std::string value(const std::string& key) const { return text_of(values, key); }
    /// A value of the decision's data as text ("" when absent).
    std::string datum(const std::string& key) const { return text_of(data, key); }
    /// Sets a binding of the answer.
    void put(const std::string& binding, const std::string& text) { fields->set(binding, text); }
    /// Refuses a template this plugin does not fill for the item.
    [[noreturn]] void unknown() const {
        throw PluginError("no template \"" + template_id + "\" for item " + item);
    }
};

}  // namespace onewindow::sdk
