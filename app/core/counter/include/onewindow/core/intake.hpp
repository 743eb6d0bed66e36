// Intake: taking a case in at the window through a signed-in session (session.hpp) — the review
// as the clerk types, the acceptance (受理) with its receipt, the one-time notice (一次性告知),
// the refusal (不予受理), and the drafts that keep an unfinished intake.
//
// One F9, one validation: review() keeps its result with the request it checked; accept() and
// notice() reuse it when the request has not changed since (the same items, values and
// materials, the same day), so each plugin's validate runs once for a review followed by an
// acceptance. Any change, or a new day, reviews again. The acceptance's time is the moment of
// accept(), not of the review.
//
// Drafts are kept in the case file's format, onewindow.case/1 (app/cli/README.md: items, clerk,
// values, materials), so a draft is what `onewindow-cli intake` reads. read_draft() gives a
// draft back typed (DraftContent), so the window that resumes it reads no JSON itself.
//
// Roles, checked inside (Session::require: an 'access.denied' audit event and Error(Denied),
// nothing written then): accept(), notice(), refuse() and the drafts need ServeApplicants
// (clerks and administrators; a supervisor does not take cases in). review(), form() and the
// printing of a recorded receipt or notice read only.
//
// Ownership: an Intake keeps its Session (and refers to the Counter, which must outlive it) and
// the last review. Threads: every function is called on a thread that holds the Counter for
// itself (counter.hpp: one thread at a time); one Intake is used by one thread at a time. The
// print_*() functions render PDFs while they hold it (the command line); the shell calls their
// prepare_*() twins holding the Counter and renders the job (DocumentJob::render with
// Counter::renderer()) on a worker thread without it.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "onewindow/core/counter.hpp"
#include "onewindow/core/session.hpp"
#include "onewindow/store/drafts.hpp"

namespace onewindow {

/// What a draft holds, as the form shows it again: every value as its text.
struct DraftContent {
    std::vector<std::string> items;  // unified codes, in the order chosen
    /// The fields that hold one value (a number as its text, e.g. "3" or "1250.5").
    std::map<std::string, std::string> values;
    /// The table fields: their rows, each a column key -> the cell's text.
    std::map<std::string, std::vector<std::map<std::string, std::string>>> tables;
    std::vector<IntakeMaterial> materials;  // in the form's order, as recorded so far
};

class Intake {
  public:
    explicit Intake(Session session) : session_(std::move(session)) {}

    /// The unified form of the items (Counter::unified_form).
    UnifiedForm form(const std::vector<std::string>& item_codes) const;
    /// Checks the request without writing anything (Counter::review) and keeps the result for
    /// accept() and notice().
    IntakeReview review(const IntakeRequest& request);
    /// Accepts, or records a one-time notice when materials are missing, or reports invalid
    /// input (Counter::intake), with the kept review when the request is unchanged.
    IntakeOutcome accept(const IntakeRequest& request);
    /// Records a one-time notice of the missing materials; returns its number. Error(Input)
    /// when nothing is missing.
    std::string notice(const IntakeRequest& request);
    /// Records a refusal to accept with the clerk's reason (Counter::refuse).
    std::string refuse(const IntakeRequest& request, const std::string& reason,
                       const std::string& apply_to = {});

    /// The receipt, the one-time notice and the refusal notice as PDF (Counter::print_*), each
    /// with its job (Counter::prepare_*: read here, rendered by whoever holds it).
    void print_receipt(const std::string& case_number, const std::filesystem::path& out) const;
    DocumentJob prepare_receipt(const std::string& case_number,
                                const std::filesystem::path& out) const;
    void print_notice(const std::string& notice_number, const std::filesystem::path& out) const;
    DocumentJob prepare_notice(const std::string& notice_number,
                               const std::filesystem::path& out) const;
    void print_refusal(const std::string& refusal_number, const std::filesystem::path& out) const;
    DocumentJob prepare_refusal(const std::string& refusal_number,
                                const std::filesystem::path& out) const;

    /// Keeps the request as a draft of the session's clerk at this counter (`id` 0: a new one);
    /// returns its id. Its title is the applicant's name and the items' names.
    long long save_draft(const IntakeRequest& request, long long id);
    /// Drops a draft (its case was decided).
    void remove_draft(long long id);
    /// The session's clerk's drafts, newest first.
    std::vector<Draft> drafts() const;
    /// A draft's content, read back from its parts (no role needed: it reads only the draft
    /// given). A part that cannot be read (malformed JSON, a member of the wrong type) throws
    /// Error(Input) naming the draft ("draft 12 (李娜 生育登记)") and the member's JSON path
    /// ("$.values[\"household.members\"][0]"), every problem at once. A material half recorded
    /// (tolerated without a promise yet) is read as it is: the review finds what a decision
    /// needs.
    static DraftContent read_draft(const Draft& draft);

    /// The request as a case file (onewindow.case/1): format, items, clerk, values, materials
    /// (and now, when the request fixes it).
    static Poco::JSON::Object::Ptr case_file(const IntakeRequest& request);

    const Session& session() const { return session_; }

  private:
    /// The kept review when it is of `request` today, with its time set to now; else nullopt.
    std::optional<IntakeReview> kept_review(const IntakeRequest& request) const;
    IntakeRequest signed_request(const IntakeRequest& request) const;

    Session session_;
    struct Kept {
        std::string request;  // case_file(request) as JSON
        IntakeReview review;
    };
    std::optional<Kept> kept_;
};

}  // namespace onewindow
