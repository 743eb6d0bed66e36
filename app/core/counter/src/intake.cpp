// Intake through a signed-in session (see intake.hpp).
#include "onewindow/core/intake.hpp"

#include <Poco/JSON/Array.h>

#include <typeinfo>

#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

namespace {

/// A value's text as the form shows it: a string as it is, a number as written ("3",
/// "1250.5"), null as empty; nullopt for an array or an object, which are not one text.
std::optional<std::string> scalar_text(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return std::string();
    if (value.isString()) return value.extract<std::string>();
    if (value.type() == typeid(Poco::JSON::Array::Ptr) ||
        value.type() == typeid(Poco::JSON::Object::Ptr))
        return std::nullopt;
    return value.convert<std::string>();
}

std::string text_value(const Poco::JSON::Object::Ptr& values, const std::string& key) {
    if (!values || !values->has(key)) return {};
    return scalar_text(values->get(key)).value_or("");
}

/// One of a draft's parts (items, values, materials: each a member of its case file), parsed;
/// malformed JSON is an issue at the member's path, and the part is left out (nullopt).
std::optional<Poco::Dynamic::Var> draft_part(const std::string& text, const std::string& source,
                                             const std::string& member, Issues& issues) {
    try {
        return parse_json(text, source);
    } catch (const Error& e) {
        // parse_json names the whole text "<source>: $": here the text is one member.
        std::string reason = e.what();
        const std::string whole = source + ": $: ";
        if (reason.rfind(whole, 0) == 0) reason.erase(0, whole.size());
        issues.add(source, json_path_key("$", member), reason);
        return std::nullopt;
    }
}

}  // namespace

Poco::JSON::Object::Ptr Intake::case_file(const IntakeRequest& request) {
    Poco::JSON::Object::Ptr file = new Poco::JSON::Object(true);
    file->set("format", "onewindow.case/1");
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& code : request.items) items->add(code);
    file->set("items", items);
    if (!request.clerk.empty()) file->set("clerk", request.clerk);
    file->set("values", request.values ? request.values : new Poco::JSON::Object(true));
    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    for (const auto& m : request.materials) materials->add(m.to_json());
    file->set("materials", materials);
    if (request.now) file->set("now", *request.now);
    return file;
}

IntakeRequest Intake::signed_request(const IntakeRequest& request) const {
    IntakeRequest signed_in = request;
    if (signed_in.clerk.empty()) signed_in.clerk = session_.clerk();
    return signed_in;
}

UnifiedForm Intake::form(const std::vector<std::string>& item_codes) const {
    return session_.counter().unified_form(item_codes, "shell");
}

IntakeReview Intake::review(const IntakeRequest& request) {
    IntakeReview review = session_.counter().review(request);
    kept_ = Kept{to_json(case_file(request)), review};
    return review;
}

std::optional<IntakeReview> Intake::kept_review(const IntakeRequest& request) const {
    if (!kept_ || kept_->request != to_json(case_file(request))) return std::nullopt;
    IntakeReview review = kept_->review;
    if (!request.now) {
        // Derived values and the plugins' checks count from the review's day.
        const std::string now = local_timestamp_now();
        if (now.substr(0, 10) != review.now.substr(0, 10)) return std::nullopt;
        review.now = now;
    }
    return review;
}

IntakeOutcome Intake::accept(const IntakeRequest& request) {
    session_.require(Permission::ServeApplicants, N_("accept a case"));
    const IntakeRequest r = signed_request(request);
    const auto kept = kept_review(request);
    kept_.reset();  // a decision was taken on it: the next one reviews again
    return kept ? session_.counter().intake(r, *kept) : session_.counter().intake(r);
}

std::string Intake::notice(const IntakeRequest& request) {
    session_.require(Permission::ServeApplicants, N_("issue a one-time notice"));
    const IntakeRequest r = signed_request(request);
    const auto kept = kept_review(request);
    kept_.reset();
    return kept ? session_.counter().issue_notice(r, *kept) : session_.counter().issue_notice(r);
}

std::string Intake::refuse(const IntakeRequest& request, const std::string& reason,
                           const std::string& apply_to) {
    session_.require(Permission::ServeApplicants, N_("refuse to accept a case"));
    kept_.reset();
    return session_.counter().refuse(signed_request(request), reason, apply_to);
}

void Intake::print_receipt(const std::string& case_number, const std::filesystem::path& out) const {
    prepare_receipt(case_number, out).render(session_.counter().renderer());
}

void Intake::print_notice(const std::string& notice_number,
                          const std::filesystem::path& out) const {
    prepare_notice(notice_number, out).render(session_.counter().renderer());
}

void Intake::print_refusal(const std::string& refusal_number,
                           const std::filesystem::path& out) const {
    prepare_refusal(refusal_number, out).render(session_.counter().renderer());
}

DocumentJob Intake::prepare_receipt(const std::string& case_number,
                                    const std::filesystem::path& out) const {
    return session_.counter().prepare_receipt(case_number, out);
}

DocumentJob Intake::prepare_notice(const std::string& notice_number,
                                   const std::filesystem::path& out) const {
    return session_.counter().prepare_notice(notice_number, out);
}

DocumentJob Intake::prepare_refusal(const std::string& refusal_number,
                                    const std::filesystem::path& out) const {
    return session_.counter().prepare_refusal(refusal_number, out);
}

long long Intake::save_draft(const IntakeRequest& request, long long id) {
    session_.require(Permission::ServeApplicants, N_("keep a draft"));
    Counter& counter = session_.counter();
    const auto file = case_file(request);
    Draft draft;
    draft.id = id;
    draft.clerk = session_.clerk();
    draft.counter = counter.config().code;
    draft.items_json = to_json(Poco::Dynamic::Var(file->getArray("items")));
    draft.values_json = to_json(file->getObject("values"));
    draft.materials_json = to_json(Poco::Dynamic::Var(file->getArray("materials")));
    std::string names;
    for (const auto& code : request.items)
        if (const ServiceItem* item = counter.catalogue().find(code))
            names += (names.empty() ? "" : "、") + item->name;
    const std::string applicant = text_value(request.values, "applicant.name");
    draft.title = applicant.empty() ? names : applicant + " " + names;
    return counter.store().drafts().save(draft);
}

void Intake::remove_draft(long long id) {
    session_.require(Permission::ServeApplicants, N_("keep a draft"));
    session_.counter().store().drafts().remove(id);
}

std::vector<Draft> Intake::drafts() const {
    return session_.counter().store().drafts().of_clerk(session_.clerk());
}

DraftContent Intake::read_draft(const Draft& draft) {
    const std::string source =
        "draft " + std::to_string(draft.id) + (draft.title.empty() ? "" : " (" + draft.title + ")");
    Issues issues;
    // The parts are the members of one case file (save_draft): read as such, paths and all.
    Poco::JSON::Object::Ptr file = new Poco::JSON::Object(true);
    for (const auto& [member, text] :
         {std::pair{"items", &draft.items_json}, std::pair{"values", &draft.values_json},
          std::pair{"materials", &draft.materials_json}})
        if (auto part = draft_part(*text, source, member, issues)) file->set(member, *part);
    ObjectReader reader(file, source, "$", issues);

    DraftContent content;
    content.items = reader.strings("items", false);
    ObjectReader values = reader.object("values", false);
    for (const auto& [key, value] : *values.raw()) {
        if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
            if (auto text = scalar_text(value))
                content.values[key] = *text;
            else
                values.fail(key, "must be text, a number or a table (an array of rows)");
            continue;
        }
        auto& table = content.tables[key];
        const auto rows = value.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t r = 0; r < rows->size(); ++r) {
            auto row = ObjectReader::of(rows->get(static_cast<unsigned>(r)), source,
                                        json_path_index(values.path_of(key), r), issues);
            std::map<std::string, std::string> cells;
            for (const auto& [column, cell] : *row.raw()) {
                if (auto text = scalar_text(cell))
                    cells[column] = *text;
                else
                    row.fail(column, "must be text or a number");
            }
            table.push_back(std::move(cells));
        }
    }
    const auto materials = reader.array("materials", false);
    for (std::size_t i = 0; i < materials->size(); ++i) {
        auto entry = ObjectReader::of(materials->get(static_cast<unsigned>(i)), source,
                                      json_path_index("$.materials", i), issues);
        // The shell records each scan's full path: nothing relative to resolve.
        content.materials.push_back(IntakeMaterial::from_json(entry, {}));
    }
    issues.throw_if_any();
    return content;
}

}  // namespace onewindow
