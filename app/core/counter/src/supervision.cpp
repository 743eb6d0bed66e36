// Supervision through a signed-in session (see supervision.hpp).
#include "onewindow/core/supervision.hpp"

#include "onewindow/core/counter.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow {

CounterLog Supervision::log(const LogPeriod& period) const {
    session_.require(Permission::ReadReports, N_("read the counter log"));
    return session_.counter().counter_log(period, nullptr);
}

PeriodLogs Supervision::logs(const LogPeriod& period) const {
    PeriodLogs logs;
    logs.now = log(period);
    Counter& counter = session_.counter();
    logs.before = counter.counter_log(previous_period(period, counter.store().calendar()), nullptr);
    return logs;
}

std::string Supervision::csv(const LogPeriod& period) const {
    session_.require(Permission::ReadReports, N_("export the counter log"));
    return session_.counter().store().log().csv(period);
}

void Supervision::print_log(const PeriodLogs& logs, const std::filesystem::path& out) const {
    prepare_log(logs, out).render(session_.counter().renderer());
}

DocumentJob Supervision::prepare_log(const PeriodLogs& logs,
                                     const std::filesystem::path& out) const {
    session_.require(Permission::ReadReports, N_("print the counter log"));
    return session_.counter().prepare_counter_log(logs.now, logs.before, out);
}

void Supervision::resolve_rating(long long id, const std::string& resolution) const {
    session_.require(Permission::ResolveRatings, N_("resolve a bad rating"));
    session_.counter().store().hand_outs().resolve_rating(id, resolution, session_.actor());
}

std::vector<AuditEvent> Supervision::audit_events(const AuditFilter& filter) const {
    session_.require(Permission::ReadReports, N_("read the audit log"));
    return session_.counter().store().audit().events(filter);
}

AuditVerifyResult Supervision::verify_audit(
    const std::vector<std::filesystem::path>& key_files) const {
    session_.require(Permission::ReadReports, N_("verify the audit log"));
    std::vector<std::string> keys;
    for (const auto& file : key_files) {
        const auto key = store::read_audit_key(file);
        if (!key)
            throw Error(ErrorKind::Input,
                        trf("{}: not an audit key (64 hex digits)", file.string()));
        keys.push_back(*key);
    }
    return session_.counter().store().audit().verify(keys);
}

}  // namespace onewindow
