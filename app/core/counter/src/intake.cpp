// Intake through a signed-in session (see intake.hpp).
#include "onewindow/core/intake.hpp"

#include <Poco/JSON/Array.h>

#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

namespace {

std::string text_value(const Poco::JSON::Object::Ptr& values, const std::string& key) {
    if (!values || !values->has(key) || values->isNull(key)) return {};
    auto v = values->get(key);
    return v.isString() ? v.extract<std::string>() : v.convert<std::string>();
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
    for (const auto& m : request.materials) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("key", m.key);
        if (!m.file.empty()) entry->set("file", m.file.string());
        entry->set("supplied", m.supplied);
        entry->set("tolerated", m.tolerated);
        if (!m.promise.empty()) entry->set("promise", m.promise);
        materials->add(entry);
    }
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
    session_.counter().print_receipt(case_number, out);
}

void Intake::print_notice(const std::string& notice_number,
                          const std::filesystem::path& out) const {
    session_.counter().print_notice(notice_number, out);
}

void Intake::print_refusal(const std::string& refusal_number,
                           const std::filesystem::path& out) const {
    session_.counter().print_refusal(refusal_number, out);
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

}  // namespace onewindow
