#include "onewindow/core/guide.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <set>

#include "onewindow/core/error.hpp"
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

std::string day_count(int days, DayUnit unit) {
    return unit == DayUnit::Natural ? trf("{} days", std::to_string(days))
                                    : trf("{} working days", std::to_string(days));
}

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
    // Only a limit the item's own regulation sets; none is invented (行政许可法 art. 42 binds
    // licensing items only).
    limits->set("legal", item.legal_days ? day_count(item.legal_days, item.legal_unit)
                                         : std::string(tr("none")));
    limits->set("preliminary", std::string(item.preliminary_review ? tr("yes") : tr("no")));

    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    int number = 0;
    for (const auto& m : item.materials) {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
        row->set("number", ++number);
        row->set("name", m.name);
        row->set("quantity", material_quantity(m.originals, m.copies));
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

GuideBooklet render_guide_booklet(const DocumentRenderer& renderer,
                                  const BookletTemplates& templates,
                                  std::vector<const ServiceItem*> items,
                                  const BookletCover& cover) {
    if (items.empty())
        throw Error(ErrorKind::Document, tr("There is no service item to put in a booklet"));
    std::stable_sort(items.begin(), items.end(), [](const ServiceItem* a, const ServiceItem* b) {
        return std::tie(a->department_name, a->code) < std::tie(b->department_name, b->code);
    });
    std::set<std::string> departments;
    for (const ServiceItem* item : items) departments.insert(item->department_name);

    Poco::JSON::Object::Ptr booklet = new Poco::JSON::Object(true);
    booklet->set("issuer", cover.issuer);
    booklet->set("date", cover.date);
    booklet->set("items", static_cast<int>(items.size()));
    booklet->set("departments", static_cast<int>(departments.size()));
    Poco::JSON::Object::Ptr cover_data = new Poco::JSON::Object(true);
    cover_data->set("booklet", booklet);

    Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
    for (const ServiceItem* item : items) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("department", item->department_name);
        entry->set("code", item->code);
        entry->set("name", item->name);
        entry->set("page", 0);
        entries->add(entry);
    }
    Poco::JSON::Object::Ptr contents_data = new Poco::JSON::Object(true);
    contents_data->set("booklet", booklet);
    contents_data->set("entries", entries);

    std::vector<DocumentPart> parts{{&templates.cover, cover_data, ""},
                                    {&templates.contents, contents_data, ""}};
    for (const ServiceItem* item : items)
        parts.push_back({&templates.guide, guide_data(*item),
                         trf("the service guide of {} {}", item->code, item->name)});
    const std::size_t first_guide = 2;
    auto book = renderer.render_book(std::move(parts), [&](const std::vector<int>& first_pages,
                                                           std::vector<DocumentPart>&) {
        for (std::size_t i = 0; i < items.size(); ++i)
            entries->getObject(static_cast<unsigned>(i))->set("page", first_pages[first_guide + i]);
    });

    GuideBooklet out;
    out.pdf = std::move(book.pdf);
    out.pages = book.pages;
    for (std::size_t i = 0; i < items.size(); ++i)
        out.entries.push_back({items[i]->department_name, items[i]->code, items[i]->name,
                               book.first_pages[first_guide + i]});
    return out;
}

GuideBooklet GuideBookletJob::render(const DocumentRenderer& renderer) const {
    std::vector<const ServiceItem*> pointers;
    for (const auto& item : items) pointers.push_back(&item);
    GuideBooklet booklet =
        render_guide_booklet(renderer, {cover, contents, guide}, pointers, about);
    write_pdf_file(booklet.pdf, out);
    booklet.pdf.clear();
    return booklet;
}

}  // namespace onewindow
