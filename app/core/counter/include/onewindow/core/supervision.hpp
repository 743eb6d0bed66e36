// Supervision: what a supervisor reads and closes, through a signed-in session (session.hpp) —
// the counter log of a period with the previous period beside it, its CSV and PDF, the audit
// log and its verification, and the resolution of a bad rating's follow-up.
//
// Roles, checked inside every function (Session::require: an 'access.denied' audit event and
// Error(Denied) when refused, nothing read or changed then): reading the log, its CSV, its PDF
// and the audit log needs ReadReports (supervisors and administrators); resolving a bad rating
// needs ResolveRatings. A clerk is refused all of them.
//
// Ownership: a Supervision keeps its Session (and so refers to the Counter, which must outlive
// it). Threads: every function is called on a thread that holds the Counter for itself
// (counter.hpp: one thread at a time; the shell's Services::lock() or the locked step of its
// job). print_log() renders a PDF while it holds the Counter (the command line); the shell calls
// prepare_log() holding it and renders the job (DocumentJob::render with Counter::renderer())
// on a worker thread without it.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "onewindow/core/document.hpp"
#include "onewindow/core/report.hpp"
#include "onewindow/core/session.hpp"
#include "onewindow/store/audit.hpp"

namespace onewindow {

/// A period's log and the previous period's (previous_period()), for the comparison.
struct PeriodLogs {
    CounterLog now, before;
    /// compare_logs(now, before): each figure beside the previous period's.
    std::vector<LogChange> comparison() const { return compare_logs(now, before); }
};

class Supervision {
  public:
    explicit Supervision(Session session) : session_(std::move(session)) {}

    /// The counter log of `period` (with the catalogue's 即办 share, Counter::counter_log).
    CounterLog log(const LogPeriod& period) const;
    /// The log of `period` and of the period before it (same length, working days counted by
    /// the counter's calendar).
    PeriodLogs logs(const LogPeriod& period) const;
    /// The log's figures as CSV (cells neutralised against formula injection, counter_log.hpp).
    std::string csv(const LogPeriod& period) const;
    /// Writes the log as PDF (Counter::print_counter_log); `logs` as logs() returned them.
    void print_log(const PeriodLogs& logs, const std::filesystem::path& out) const;
    /// The job print_log() renders; checks the role.
    DocumentJob prepare_log(const PeriodLogs& logs, const std::filesystem::path& out) const;

    /// Closes a bad rating's follow-up with how it was resolved; audit 'rating.resolved'.
    void resolve_rating(long long id, const std::string& resolution) const;

    /// The audit log's events that match `filter` (audit.hpp).
    std::vector<AuditEvent> audit_events(const AuditFilter& filter) const;
    /// Checks the whole hash chain (AuditRepository::verify).
    /// `key_files`: other counters' audit.key files (a centre's supervisor verifies every
    /// counter's events in one pass, AuditRepository::verify); Error(Input) naming a file that
    /// holds no audit key.
    AuditVerifyResult verify_audit(const std::vector<std::filesystem::path>& key_files = {}) const;

    const Session& session() const { return session_; }

  private:
    Session session_;
};

}  // namespace onewindow
