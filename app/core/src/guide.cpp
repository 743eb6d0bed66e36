#include "onewindow/core/guide.hpp"

#include <Poco/JSON/Array.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

namespace {

std::string joined(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

}  // namespace

Poco::JSON::Object::Ptr guide_data(const ServiceItem& item) {
    Poco::JSON::Object::Ptr i = new Poco::JSON::Object(true);
    i->set("code", item.code);
    i->set("version", item.version);
    i->set("name", item.name);
    i->set("type", item.type);
    i->set("content", item.content);
    i->set("body", item.body);
    i->set("served", item.served);
    i->set("theme", item.theme);
    i->set("basis", item.basis);
    i->set("handling", joined(item.handling, "、"));
    i->set("public", std::string(item.is_public ? tr("yes") : tr("no")));
    i->set("fees", item.fees.empty() ? std::string(tr("free of charge")) : item.fees);
    i->set("fee_basis", item.fee_basis.empty() ? std::string(tr("none")) : item.fee_basis);
    i->set("place", item.place);
    i->set("hours", item.hours);
    i->set("enquiry_phone", item.enquiry_phone);
    i->set("complaint_phone", item.complaint_phone);

    Poco::JSON::Object::Ptr limits = new Poco::JSON::Object(true);
    limits->set("promised", item.immediate ? std::string(tr("immediate"))
                                           : trf("completed within {} working days of acceptance",
                                                 std::to_string(item.promised_days)));
    limits->set("legal", item.legal_days ? trf("{} working days", std::to_string(item.legal_days))
                                         : std::string(tr("none")));
    limits->set("preliminary", std::string(item.preliminary_review ? tr("yes") : tr("no")));

    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    int number = 0;
    for (const auto& m : item.materials) {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
        row->set("number", ++number);
        row->set("name", m.name);
        row->set("originals", m.originals);
        row->set("copies", m.copies);
        std::string requirement =
            m.required ? (m.required_if.active() ? tr("required in some cases") : tr("required"))
                       : tr("optional");
        if (m.tolerable_gap) requirement += std::string("（") + tr("may follow later") + "）";
        row->set("requirement", requirement);
        row->set("source", m.source);
        row->set("notes", m.notes.empty() ? std::string("—") : m.notes);
        materials->add(row);
    }

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    data->set("item", i);
    data->set("limits", limits);
    data->set("conditions", text_rows(item.conditions));
    data->set("steps", text_rows(item.steps));
    data->set("materials", materials);
    return data;
}

}  // namespace onewindow
