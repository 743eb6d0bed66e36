// The daily counter log and period reports (report.hpp).
#include "onewindow/core/report.hpp"

#include <Poco/JSON/Array.h>

#include <cmath>
#include <sstream>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"
#include "store_internal.hpp"

namespace onewindow {

std::string status_label(std::string_view status) {
    if (status == "accepted") return tr("accepted");
    if (status == "dispatched") return tr("sent to the department");
    if (status == "received") return tr("received by the department");
    if (status == "approved") return tr("approved");
    if (status == "rejected") return tr("rejected");
    if (status == "correction_needed") return tr("correction needed");
    if (status == "handed_out") return tr("handed out");
    return std::string(status);
}

namespace {

struct EventType {
    const char* type;
    const char* label;
};
const EventType kEventTypes[] = {
    {"case.accepted", N_("accepted")},
    {"case.refused", N_("refused to accept")},
    {"notice.issued", N_("one-time notice issued")},
    {"clock.paused", N_("clock paused")},
    {"clock.resumed", N_("clock resumed")},
    {"outbox.sent", N_("sent to the department")},
    {"outbox.refused", N_("refused by the department's system")},
    {"outbox.requeued", N_("sent again")},
    {"item.decided", N_("decided by the department")},
    {"user.login", N_("signed in")},
    {"user.locked", N_("account locked")},
    {"user.created", N_("user created")},
    {"user.password_set", N_("password set")},
    {"access.denied", N_("access denied")},
    {"case.handed_out", N_("results handed out")},
    {"case.rated", N_("rated by the applicant")},
    {"rating.resolved", N_("bad rating resolved")},
    {"forwarding.late", N_("forwarded late")},
    {"user.disabled", N_("user disabled")},
    {"user.enabled", N_("user enabled")},
    {"user.role_changed", N_("role changed")},
    {"endpoint.set", N_("back office endpoint set")},
    {"endpoint.removed", N_("back office endpoint removed")},
    {"exchange.agent_set", N_("agent mode changed")},
    {"exchange.client_set", N_("counter client code changed")},
    {"calendar.edited", N_("calendar edited")},
};

}  // namespace

std::string event_label(std::string_view type) {
    for (const auto& known : kEventTypes)
        if (type == known.type) return tr(known.label);
    return std::string(type);
}

const std::vector<std::string>& audit_event_types() {
    static const std::vector<std::string> types = [] {
        std::vector<std::string> out;
        for (const auto& known : kEventTypes) out.push_back(known.type);
        return out;
    }();
    return types;
}

namespace {

std::string percent(double rate) { return std::to_string(std::lround(rate * 100)) + "%"; }

}  // namespace

std::string intake_summary(const CounterLog& log) {
    return trf(
        "Cases accepted {} ({} items, {} immediate, immediate rate {}); tolerated gaps {}; "
        "one-time notices {}; refusals {}",
        std::to_string(log.cases), std::to_string(log.items), std::to_string(log.immediate_items),
        percent(log.immediate_rate()), std::to_string(log.tolerated_cases),
        std::to_string(log.notices), std::to_string(log.refusals));
}

std::string decision_summary(const CounterLog& log) {
    return trf(
        "Decided {} (approved {}, rejected {}), corrections asked {}; on time {}; hours "
        "from acceptance to decision: average {}, longest {}",
        std::to_string(log.decided), std::to_string(log.approved), std::to_string(log.rejected),
        std::to_string(log.corrections), percent(log.on_time_rate()),
        std::to_string(std::lround(log.decision_hours_avg)),
        std::to_string(std::lround(log.decision_hours_max)));
}

std::string open_summary(const CounterLog& log) {
    long long overdue = 0, due_soon = 0;
    for (const auto& item : log.pending) {
        overdue += item.state == DeadlineState::Overdue;
        due_soon += item.state == DeadlineState::DueSoon;
    }
    return trf("Open items {}: overdue {}, due within one working day {}",
               std::to_string(log.pending.size()), std::to_string(overdue),
               std::to_string(due_soon));
}

std::vector<LogCount> hour_counts(const CounterLog& log) {
    std::vector<LogCount> hours;
    for (int h = 0; h < 24; ++h)
        if (log.by_hour[h]) hours.push_back({trf("{}h", std::to_string(h)), log.by_hour[h]});
    return hours;
}

namespace {

// Every query takes the period as ?1 (first day, inclusive), ?2 (the day after the last) and the
// counter as ?3 ('' for all).
constexpr const char* kCaseInPeriod =
    " c.accepted_at >= ?1 AND c.accepted_at < ?2 AND (?3 = '' OR c.counter = ?3)";

void bind_period(SQLite::Statement& q, const LogPeriod& period) {
    q.bind(1, period.from.iso());
    q.bind(2, period.to.plus_days(1).iso());
    q.bind(3, period.counter);
}

std::vector<LogCount> counts(SQLite::Database& db, const LogPeriod& period,
                             const std::string& column) {
    SQLite::Statement q(db, "SELECT " + column +
                                ", count(*) FROM case_items i JOIN cases c ON c.id = i.case_id"
                                " WHERE" +
                                kCaseInPeriod + " GROUP BY 1 ORDER BY 2 DESC, 1");
    bind_period(q, period);
    std::vector<LogCount> out;
    while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64()});
    return out;
}

long long count_of(SQLite::Database& db, const LogPeriod& period, const std::string& table,
                   const std::string& at) {
    SQLite::Statement q(db, "SELECT count(*) FROM " + table + " c WHERE c." + at + " >= ?1 AND c." +
                                at + " < ?2 AND (?3 = '' OR c.counter = ?3)");
    bind_period(q, period);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

/// "一孩生育服务登记、流动人口婚育证明" and the departments, from a notice's or refusal's items.
std::pair<std::string, std::string> item_names(const std::string& items_json) {
    std::string names, departments;
    auto items = parse_json(items_json, "items").extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        if (!item) continue;
        names += (names.empty() ? "" : "、") + item->optValue<std::string>("name", "");
        const auto department = item->optValue<std::string>("department", "");
        if (departments.find(department) == std::string::npos)
            departments += (departments.empty() ? "" : "、") + department;
    }
    return {names, departments};
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

}  // namespace

CounterLog CaseStore::counter_log(const LogPeriod& period) const {
    return guarded(db_file_, [&] {
        SQLite::Database& db = *db_;
        CounterLog log;
        log.period = period;
        {
            SQLite::Statement q(db,
                                std::string("SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM"
                                            " case_materials m WHERE m.case_id = c.id AND"
                                            " m.tolerated)), 0) FROM cases c WHERE") +
                                    kCaseInPeriod);
            bind_period(q, period);
            q.executeStep();
            log.cases = q.getColumn(0).getInt64();
            log.tolerated_cases = q.getColumn(1).getInt64();
        }
        {
            SQLite::Statement q(db, std::string("SELECT count(*), coalesce(sum(i.immediate), 0)"
                                                " FROM case_items i JOIN cases c ON"
                                                " c.id = i.case_id WHERE") +
                                        kCaseInPeriod);
            bind_period(q, period);
            q.executeStep();
            log.items = q.getColumn(0).getInt64();
            log.immediate_items = q.getColumn(1).getInt64();
        }
        log.by_clerk = counts(db, period, "c.clerk");
        log.by_department = counts(db, period, "i.department_name");
        log.by_item = counts(db, period, "i.name");
        {
            SQLite::Statement q(db, std::string("SELECT CAST(substr(c.accepted_at, 12, 2) AS"
                                                " INTEGER), count(*) FROM cases c WHERE") +
                                        kCaseInPeriod + " GROUP BY 1");
            bind_period(q, period);
            while (q.executeStep()) {
                const int hour = q.getColumn(0).getInt();
                if (hour >= 0 && hour < 24) log.by_hour[hour] = q.getColumn(1).getInt64();
            }
        }
        log.notices = count_of(db, period, "notices", "issued_at");
        log.refusals = count_of(db, period, "refusals", "refused_at");
        {
            // Decisions the departments made in the period, on this counter's cases.
            SQLite::Statement q(
                db,
                "SELECT d.outcome, (julianday(d.decided_at) - julianday(c.accepted_at)) * 24,"
                " substr(d.decided_at, 1, 10) <= i.promised_date"
                " FROM item_decisions d JOIN case_items i ON i.id = d.case_item_id"
                " JOIN cases c ON c.id = i.case_id"
                " WHERE d.decided_at >= ?1 AND d.decided_at < ?2 AND (?3 = '' OR c.counter = ?3)");
            bind_period(q, period);
            double hours_total = 0;
            while (q.executeStep()) {
                const std::string outcome = q.getColumn(0).getString();
                if (outcome == "correction") {
                    ++log.corrections;
                    continue;
                }
                ++log.decided;
                ++(outcome == "approved" ? log.approved : log.rejected);
                const double hours = q.getColumn(1).getDouble();
                hours_total += hours;
                log.decision_hours_max = std::max(log.decision_hours_max, hours);
                if (q.getColumn(2).getInt()) ++log.decided_on_time;
            }
            if (log.decided) log.decision_hours_avg = hours_total / double(log.decided);
        }
        {
            SQLite::Statement q(
                db,
                "SELECT c.number, i.name, i.department_name, c.clerk, i.promised_date"
                " FROM case_items i INDEXED BY case_items_open JOIN cases c ON c.id = i.case_id"
                " WHERE c.accepted_at < ?2 AND (?3 = '' OR c.counter = ?3) AND ?1 = ?1"
                " AND i.status NOT IN ('approved', 'rejected', 'handed_out')"
                " ORDER BY i.promised_date, c.number, i.code");
            bind_period(q, period);
            while (q.executeStep()) {
                LogPendingItem item;
                item.case_number = q.getColumn(0).getString();
                item.item_name = q.getColumn(1).getString();
                item.department_name = q.getColumn(2).getString();
                item.clerk = q.getColumn(3).getString();
                item.promised_date = Date::parse(q.getColumn(4).getString()).value_or(Date{});
                item.state = deadline_state(calendar_, item.promised_date, period.to, true);
                log.pending.push_back(item);
            }
        }
        return log;
    });
}

std::string CaseStore::counter_log_csv(const LogPeriod& period) const {
    return guarded(db_file_, [&] {
        SQLite::Database& db = *db_;
        // Accepted items, notices and refusals of the period, in time order.
        SQLite::Statement q(
            db,
            "SELECT c.accepted_at, c.counter, c.clerk, 'accepted', c.number, c.applicant_name,"
            " c.applicant_id_number, i.name, i.department_name, NULL, i.immediate,"
            " EXISTS (SELECT 1 FROM case_materials m WHERE m.case_id = c.id AND m.tolerated),"
            " i.promised_date, i.status"
            " FROM case_items i JOIN cases c ON c.id = i.case_id WHERE" +
                std::string(kCaseInPeriod) +
                " UNION ALL SELECT c.issued_at, c.counter, c.clerk, 'notice', c.number,"
                " c.applicant_name, c.applicant_id_number, NULL, NULL, c.items_json, 0, 0, '', ''"
                " FROM notices c WHERE c.issued_at >= ?1 AND c.issued_at < ?2"
                " AND (?3 = '' OR c.counter = ?3)"
                " UNION ALL SELECT c.refused_at, c.counter, c.clerk, 'refusal', c.number,"
                " c.applicant_name, c.applicant_id_number, NULL, NULL, c.items_json, 0, 0, '',"
                " c.reason FROM refusals c WHERE c.refused_at >= ?1 AND c.refused_at < ?2"
                " AND (?3 = '' OR c.counter = ?3) ORDER BY 1, 5");
        bind_period(q, period);
        std::ostringstream out;
        out << "\xEF\xBB\xBF";  // UTF-8 byte-order mark
        const char* headers[] = {N_("Time"),
                                 N_("Counter"),
                                 N_("Clerk"),
                                 N_("Outcome"),
                                 N_("Number"),
                                 N_("Applicant"),
                                 N_("ID number"),
                                 N_("Items"),
                                 N_("Departments"),
                                 N_("Immediate"),
                                 N_("Tolerated gap"),
                                 N_("Promised by"),
                                 N_("Status or reason")};
        for (std::size_t i = 0; i < std::size(headers); ++i)
            out << (i ? "," : "") << csv_field(tr(headers[i]));
        out << "\r\n";
        while (q.executeStep()) {
            const std::string kind = q.getColumn(3).getString();
            std::string items = q.getColumn(7).getString(),
                        departments = q.getColumn(8).getString();
            if (!q.getColumn(9).isNull())
                std::tie(items, departments) = item_names(q.getColumn(9).getString());
            const bool accepted = kind == "accepted";
            const std::string outcome = accepted           ? tr("Accepted")
                                        : kind == "notice" ? tr("One-time notice")
                                                           : tr("Refused");
            const std::string last =
                accepted ? status_label(q.getColumn(13).getString()) : q.getColumn(13).getString();
            const std::vector<std::string> row = {
                q.getColumn(0).getString(),
                q.getColumn(1).getString(),
                q.getColumn(2).getString(),
                outcome,
                q.getColumn(4).getString(),
                q.getColumn(5).getString(),
                mask_id_number(q.getColumn(6).getString()),
                items,
                departments,
                accepted ? (q.getColumn(10).getInt() ? tr("yes") : tr("no")) : std::string(),
                accepted ? (q.getColumn(11).getInt() ? tr("yes") : tr("no")) : std::string(),
                q.getColumn(12).getString(),
                last};
            for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
            out << "\r\n";
        }
        return out.str();
    });
}

}  // namespace onewindow
