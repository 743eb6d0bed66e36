// The case desk through a signed-in session (see case_desk.hpp).
#include "onewindow/core/case_desk.hpp"

#include "onewindow/core/counter.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow {

std::vector<CaseSummary> CaseDesk::list(const CaseFilter& filter) const {
    CaseStore& store = session_.counter().store();
    if (session_.local()) return store.cases().list(filter);
    return store.list_cases(filter, session_.user(), session_.counter().config().code);
}

DeadlineState CaseDesk::deadline(const CaseSummary& summary, Date today) const {
    return deadline_state(session_.counter().store().calendar(), summary.promised_date, today,
                          summary.open);
}

std::optional<CaseRecord> CaseDesk::find(const std::string& case_number) const {
    return session_.counter().store().cases().find(case_number);
}

HandOutJob CaseDesk::prepare_hand_out(const std::string& case_number, const std::string& collector,
                                      const std::string& collector_id_number,
                                      const std::string& proof,
                                      const std::optional<PrintOptions>& printer) const {
    session_.require(Permission::ServeApplicants, N_("hand out results"));
    const auto record = find(case_number);
    if (!record) throw Error(ErrorKind::NotFound, trf("There is no case {}", case_number));
    HandOut h;
    h.case_number = case_number;
    for (const auto& item : record->items)  // every item decided so far, either way
        if (item.status == "approved" || item.status == "rejected")
            h.item_codes.push_back(item.code);
    h.collector = collector;
    h.collector_id_number = collector_id_number;
    h.proof = proof;
    return prepare_hand_out(std::move(h), printer);
}

HandOutJob CaseDesk::prepare_hand_out(HandOut hand_out,
                                      const std::optional<PrintOptions>& printer) const {
    session_.require(Permission::ServeApplicants, N_("hand out results"));
    if (hand_out.clerk.empty()) hand_out.clerk = session_.clerk();
    return session_.counter().prepare_hand_out(hand_out, printer);
}

void CaseDesk::record_hand_out(const HandOutJob& job) const {
    session_.require(Permission::ServeApplicants, N_("hand out results"));
    session_.counter().record_hand_out(job);
}

std::vector<std::filesystem::path> CaseDesk::hand_out(
    const std::string& case_number, const std::string& collector,
    const std::string& collector_id_number, const std::string& proof,
    const std::optional<PrintOptions>& printer) const {
    return print_and_record(
        prepare_hand_out(case_number, collector, collector_id_number, proof, printer));
}

std::vector<std::filesystem::path> CaseDesk::hand_out(
    HandOut hand_out, const std::optional<PrintOptions>& printer) const {
    return print_and_record(prepare_hand_out(std::move(hand_out), printer));
}

std::vector<std::filesystem::path> CaseDesk::print_and_record(const HandOutJob& job) const {
    auto printed = job.print(session_.counter().renderer());
    record_hand_out(job);
    return printed;
}

long long CaseDesk::rate(const std::string& case_number, int level,
                         const std::string& comment) const {
    session_.require(Permission::ServeApplicants, N_("record a rating"));
    return session_.counter().rate(case_number, level, comment);
}

SupplyResult CaseDesk::supply(SupplyRequest request) const {
    session_.require(Permission::ServeApplicants, N_("record supplied materials"));
    request.counter = session_.counter().config().code;
    request.clerk = session_.clerk();
    return session_.counter().store().supplements().record(request);
}

void CaseDesk::print_supplement(const std::string& number, const std::filesystem::path& out) const {
    prepare_supplement(number, out).render(session_.counter().renderer());
}

DocumentJob CaseDesk::prepare_supplement(const std::string& number,
                                         const std::filesystem::path& out) const {
    return session_.counter().prepare_supplement(number, out);
}

std::vector<OutstandingSupply> CaseDesk::outstanding(const std::string& case_number) const {
    const auto record = find(case_number);
    if (!record) throw Error(ErrorKind::NotFound, trf("There is no case {}", case_number));
    std::vector<OutstandingSupply> out;
    OutstandingSupply gaps{"tolerated", "", "", {}};
    for (const auto& m : record->materials)
        if (m.tolerated && m.supplied_at.empty())
            gaps.materials.push_back({m.key, m.name, m.promise});
    if (!gaps.materials.empty()) out.push_back(std::move(gaps));
    for (const auto& item : record->items) {
        if (item.status != "correction_needed") continue;
        const CorrectionRequest asked =
            session_.counter().correction_request(case_number, item.code);
        OutstandingSupply correction{"correction", item.code, item.name, {}};
        for (const auto& m : asked.materials) {
            std::string key = m.subject;  // the case's key of a material it names
            for (const auto& known : record->materials)
                if (known.name == m.subject) key = known.key;
            correction.materials.push_back({key, m.subject, m.reason});
        }
        out.push_back(std::move(correction));
    }
    return out;
}

std::vector<SupplementRecord> CaseDesk::supplements(const std::string& case_number) const {
    return session_.counter().store().supplements().of_case(case_number);
}

void CaseDesk::print_result(const std::string& case_number, const std::string& item_code,
                            const std::filesystem::path& out) const {
    prepare_result(case_number, item_code, out).render(session_.counter().renderer());
}

DocumentJob CaseDesk::prepare_result(const std::string& case_number, const std::string& item_code,
                                     const std::filesystem::path& out) const {
    return session_.counter().prepare_result(case_number, item_code, out);
}

void CaseDesk::print_correction(const std::string& case_number, const std::string& item_code,
                                const std::filesystem::path& out) const {
    prepare_correction(case_number, item_code, out).render(session_.counter().renderer());
}

DocumentJob CaseDesk::prepare_correction(const std::string& case_number,
                                         const std::string& item_code,
                                         const std::filesystem::path& out) const {
    const Counter& counter = session_.counter();
    return counter.prepare_correction(counter.correction_request(case_number, item_code), out);
}

std::vector<OutboxRow> CaseDesk::outbox(const std::string& case_number) const {
    return session_.counter().store().outbox().rows(case_number);
}

std::size_t CaseDesk::pending() const {
    std::size_t count = 0;
    for (const auto& row : outbox())
        if (row.state == "pending") ++count;
    return count;
}

std::optional<DeadlineState> CaseDesk::forwarding_state(const OutboxRow& row, Date today) const {
    const auto due = Date::parse(row.forward_by);
    if (!due) return std::nullopt;
    // No colour while it waits for other items or is held (outbox.hpp: not counted).
    const bool counted =
        (row.state == "pending" && row.waiting_for.empty()) || row.state == "refused";
    return deadline_state(session_.counter().store().calendar(), *due, today, counted);
}

std::vector<ForwardingItem> CaseDesk::awaiting_forwarding(Date today) const {
    return session_.counter().store().outbox().awaiting_forwarding(today);
}

ForwardingSummary CaseDesk::forwarding_summary(Date today) const {
    return session_.counter().store().outbox().forwarding_summary(today);
}

void CaseDesk::requeue(const std::string& idempotency_key) const {
    session_.require(Permission::ServeApplicants, N_("send an outbox item again"));
    session_.counter().store().outbox().requeue(idempotency_key, session_.actor(),
                                                local_timestamp_now());
}

void CaseDesk::cancel(const std::string& idempotency_key, const std::string& reason) const {
    session_.require(Permission::ServeApplicants, N_("withdraw an outbox item"));
    session_.counter().store().outbox().cancel(idempotency_key, reason, session_.actor(),
                                               local_timestamp_now());
}

ExchangeReport CaseDesk::exchange(const ExchangeConfig& config, bool send, bool pull) const {
    ExchangeReport report;
    CaseStore& store = session_.counter().store();
    if (send) report.sent = dispatch_once(store, config);
    if (pull) report.pulled = pull_decisions(store, config);
    return report;
}

}  // namespace onewindow
