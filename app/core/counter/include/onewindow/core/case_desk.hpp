// The case desk: what a window does with cases already taken in, through a signed-in session
// (session.hpp) — finding and listing cases with their deadline state, a case's detail, the
// result documents and correction notices, handing results out (统一窗口出件, at any counter of
// a centre), materials the applicant brings later (补交: a tolerated gap, a correction; at any
// counter too), the applicant's rating of the visit, and the outbox (the items on their way to the
// back offices: the list, agent-mode forwarding, sending a row again, one exchange pass).
//
// Roles, checked inside (Session::require: an 'access.denied' audit event and Error(Denied),
// nothing changed then):
//   list()                  a clerk sees their own counter's cases only; asking for another
//                           counter's needs ReadOtherCounters (supervisors, administrators)
//   hand_out(), rate(),     ServeApplicants (clerks and administrators: not supervisors)
//   supply()
//   requeue(), cancel()     ServeApplicants: the window decides on its applicant's items (send
//                           a held or refused item again, or withdraw it; outbox.hpp)
//   the rest                any signed-in user: reading a case, printing its documents, the
//                           outbox's state, the exchange pass (the program's own work)
//
// Ownership: a CaseDesk keeps its Session (and refers to the Counter, which must outlive it).
// Threads: every function is called on a thread that holds the Counter for itself (counter.hpp:
// one thread at a time), and a CaseDesk by one thread at a time. hand_out(), print_result(),
// print_correction() and print_supplement() render PDFs while they hold it, and exchange()
// talks to the back offices: the command line calls them. The shell never holds the Counter
// across a render, a print or a network call: it calls the prepare_*() twins holding it, then
// the job's render() / print() (on any thread, Counter::renderer()) without it, and for a
// hand-out record_hand_out() holding it again; it leaves the exchange to the dispatcher's own
// thread and store connection (dispatcher.hpp).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "onewindow/core/counter.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/printing.hpp"
#include "onewindow/core/session.hpp"
#include "onewindow/store/cases.hpp"
#include "onewindow/store/handouts.hpp"
#include "onewindow/store/outbox.hpp"
#include "onewindow/store/supplements.hpp"

namespace onewindow {

/// What an applicant may still bring for a case (CaseDesk::outstanding): the tolerated gaps not
/// supplied yet (reason "tolerated", no item), or the materials a correction of an item asks for
/// (reason "correction"; key: the case's material key when the decision named one, else its
/// name).
struct OutstandingSupply {
    std::string reason, item_code, item_name;
    struct Material {
        std::string key, name, why;  // why: the promise, or the correction's reason
    };
    std::vector<Material> materials;
};

/// One pass of the exchange: the items sent, then the decisions pulled.
struct ExchangeReport {
    DispatchReport sent;
    PullReport pulled;
};

class CaseDesk {
  public:
    explicit CaseDesk(Session session) : session_(std::move(session)) {}

    /// The cases that match `filter`; an empty filter.counter is the user's own counter for a
    /// clerk (and every counter for a supervisor).
    std::vector<CaseSummary> list(const CaseFilter& filter) const;
    /// A case's deadline on `today` by the counter's calendar (yellow within a working day, red
    /// overdue; none once closed).
    DeadlineState deadline(const CaseSummary& summary, Date today) const;
    /// A case with its items, materials and timeline, at whichever counter it was accepted;
    /// nullopt for an unknown number.
    std::optional<CaseRecord> find(const std::string& case_number) const;

    /// 统一窗口出件 of every decided (approved or rejected) item of the case to `collector`,
    /// recorded as handed out at this counter by the session's clerk (Counter::hand_out: a
    /// document that does not print records nothing). Returns the documents printed.
    /// Error(NotFound) for an unknown case, Error(Input) when no item is decided yet.
    std::vector<std::filesystem::path> hand_out(const std::string& case_number,
                                                const std::string& collector,
                                                const std::string& collector_id_number,
                                                const std::string& proof,
                                                const std::optional<PrintOptions>& printer) const;
    /// The same for the items `hand_out` names (the command line names them); an empty clerk is
    /// the session's.
    std::vector<std::filesystem::path> hand_out(HandOut hand_out,
                                                const std::optional<PrintOptions>& printer) const;
    /// hand_out() in phases (Counter::prepare_hand_out): the checks and the documents prepared,
    /// holding the Counter; the job's print() without it; then record_hand_out(), holding it
    /// again, which refuses (Error(Input), nothing recorded) a case another window handed out
    /// meanwhile. Each checks the role.
    HandOutJob prepare_hand_out(const std::string& case_number, const std::string& collector,
                                const std::string& collector_id_number, const std::string& proof,
                                const std::optional<PrintOptions>& printer) const;
    HandOutJob prepare_hand_out(HandOut hand_out, const std::optional<PrintOptions>& printer) const;
    void record_hand_out(const HandOutJob& job) const;
    /// The applicant's rating of the visit (Counter::rate); returns its id.
    long long rate(const std::string& case_number, int level, const std::string& comment) const;

    /// 补交材料 (store/supplements.hpp): the materials the applicant brought for a tolerated gap
    /// or a correction, recorded as supplied at this counter by the session's clerk (the
    /// request's counter and clerk are set here) and sent to the items' back offices by the
    /// next exchange. Returns the supplement's number and the items it goes to.
    SupplyResult supply(SupplyRequest request) const;
    /// The supplement's receipt (Counter::print_supplement); prepare_supplement(): its job.
    void print_supplement(const std::string& number, const std::filesystem::path& out) const;
    DocumentJob prepare_supplement(const std::string& number,
                                   const std::filesystem::path& out) const;
    /// What the applicant may still bring: the tolerated gaps first, then each item waiting on a
    /// correction; empty when nothing is outstanding. Error(NotFound) for an unknown case.
    std::vector<OutstandingSupply> outstanding(const std::string& case_number) const;
    /// The supplements of a case, oldest first.
    std::vector<SupplementRecord> supplements(const std::string& case_number) const;

    /// The result document of a decided item (Counter::print_result).
    void print_result(const std::string& case_number, const std::string& item_code,
                      const std::filesystem::path& out) const;
    /// The correction notice of an item whose latest decision asks for one
    /// (Counter::correction_request, then print_correction).
    void print_correction(const std::string& case_number, const std::string& item_code,
                          const std::filesystem::path& out) const;
    /// The jobs of print_result() and print_correction() (Counter::prepare_result: the plugin
    /// fills the document here).
    DocumentJob prepare_result(const std::string& case_number, const std::string& item_code,
                               const std::filesystem::path& out) const;
    DocumentJob prepare_correction(const std::string& case_number, const std::string& item_code,
                                   const std::filesystem::path& out) const;

    /// The outbox's rows (of one case when given), in the order written.
    std::vector<OutboxRow> outbox(const std::string& case_number = {}) const;
    /// How many rows wait to be sent.
    std::size_t pending() const;
    /// An agent's row's forwarding deadline state on `today`; nullopt for a row without one.
    std::optional<DeadlineState> forwarding_state(const OutboxRow& row, Date today) const;
    /// Items an agent took in that the upper centre has not acknowledged, and their counts.
    std::vector<ForwardingItem> awaiting_forwarding(Date today) const;
    ForwardingSummary forwarding_summary(Date today) const;
    /// Sends a row again (OutboxRepository::requeue), as the session's user.
    void requeue(const std::string& idempotency_key) const;
    /// Withdraws a row that is not sent yet (OutboxRepository::cancel), as the session's user;
    /// `reason` is required.
    void cancel(const std::string& idempotency_key, const std::string& reason) const;
    /// One pass of the exchange with the back offices of `config`: due rows sent, then the
    /// decisions pulled (dispatcher.hpp). `send` / `pull`: which halves to run.
    ExchangeReport exchange(const ExchangeConfig& config, bool send = true, bool pull = true) const;

    const Session& session() const { return session_; }

  private:
    std::vector<std::filesystem::path> print_and_record(const HandOutJob& job) const;
    Session session_;
};

}  // namespace onewindow
