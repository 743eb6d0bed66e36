// The counter log's figures and CSV (store/counter_log.hpp), counted by SQL.
#include "onewindow/store/counter_log.hpp"

#include <Poco/JSON/Array.h>

#include <sstream>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/csv.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"

namespace onewindow::store {

namespace {

// Every query takes the period as ?1 (first day, inclusive), ?2 (the day after the last) and the
// counter as ?3 ('' for all).
constexpr const char* kCaseInPeriod =
    " c.accepted_at >= ?1 AND c.accepted_at < ?2 AND (?3 = '' OR c.counter = ?3)";
constexpr const char* kTolerated =
    "CASE WHEN EXISTS (SELECT 1 FROM case_materials m WHERE m.case_id = c.id AND"
    " m.tolerated <> 0) THEN 1 ELSE 0 END";

Statement& with_period(Statement& q, const LogPeriod& period) {
    return q.bind(1, period.from.iso())
        .bind(2, period.to.plus_days(1).iso())
        .bind(3, period.counter);
}

std::vector<LogCount> counts(Database& db, const LogPeriod& period, const std::string& column) {
    Statement q = db.prepare("SELECT " + column +
                             ", count(*) FROM case_items i JOIN cases c ON c.id = i.case_id"
                             " WHERE" +
                             kCaseInPeriod + " GROUP BY 1 ORDER BY 2 DESC, 1");
    with_period(q, period);
    std::vector<LogCount> out;
    while (q.step()) out.push_back({q.text(0), q.int64(1)});
    return out;
}

long long count_of(Database& db, const LogPeriod& period, const std::string& table,
                   const std::string& at) {
    Statement q = db.prepare("SELECT count(*) FROM " + table + " c WHERE c." + at +
                             " >= ?1 AND c." + at + " < ?2 AND (?3 = '' OR c.counter = ?3)");
    with_period(q, period).step();
    return q.int64(0);
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

/// The head of the audit chain the log names (report.hpp) as the store has it now, into `log`.
void read_audit_head_row(Database& db, const LogPeriod& period, CounterLog& log) {
    const std::string& counter = period.counter.empty() ? db.audit_counter() : period.counter;
    const auto head = chain_head(db, counter.empty() ? std::nullopt : std::optional(counter));
    if (!head) return;
    log.audit_head_counter = head->counter;
    log.audit_head_id = head->id;
    log.audit_head_hash = head->hash;
}

}  // namespace

CounterLog LogRepository::counter_log(const LogPeriod& period) const {
    CounterLog log;
    log.period = period;
    {
        Statement q = db_.prepare(
            std::string("SELECT count(*), coalesce(sum(") + kTolerated +
            "), 0), coalesce(sum(CASE WHEN NOT EXISTS (SELECT 1 FROM case_items i WHERE"
            " i.case_id = c.id AND i.immediate = 0) THEN 1 ELSE 0 END), 0) FROM cases c WHERE" +
            kCaseInPeriod);
        with_period(q, period).step();
        log.cases = q.int64(0);
        log.tolerated_cases = q.int64(1);
        log.immediate_cases = q.int64(2);
    }
    {
        Statement q = db_.prepare(std::string("SELECT count(*), coalesce(sum(i.immediate), 0)"
                                              " FROM case_items i JOIN cases c ON"
                                              " c.id = i.case_id WHERE") +
                                  kCaseInPeriod);
        with_period(q, period).step();
        log.items = q.int64(0);
        log.immediate_items = q.int64(1);
    }
    log.by_clerk = counts(db_, period, "c.clerk");
    log.by_department = counts(db_, period, "i.department_name");
    log.by_item = counts(db_, period, "i.name");
    {
        Statement q =
            db_.prepare(std::string("SELECT CAST(substr(c.accepted_at, 12, 2) AS INTEGER), count(*)"
                                    " FROM cases c WHERE") +
                        kCaseInPeriod + " GROUP BY 1");
        with_period(q, period);
        while (q.step()) {
            const int hour = q.integer(0);
            if (hour >= 0 && hour < 24) log.by_hour[hour] = q.int64(1);
        }
    }
    log.notices = count_of(db_, period, "notices", "issued_at");
    log.refusals = count_of(db_, period, "refusals", "refused_at");
    {
        // Decisions the departments made in the period, on this counter's cases.
        Statement q = db_.prepare(
            "SELECT d.outcome, " + db_.hours_between("c.accepted_at", "d.decided_at") +
            ", CASE WHEN substr(d.decided_at, 1, 10) <= i.promised_date THEN 1 ELSE 0 END"
            " FROM item_decisions d JOIN case_items i ON i.id = d.case_item_id"
            " JOIN cases c ON c.id = i.case_id"
            " WHERE d.decided_at >= ?1 AND d.decided_at < ?2 AND (?3 = '' OR c.counter = ?3)");
        with_period(q, period);
        double hours_total = 0;
        while (q.step()) {
            const std::string outcome = q.text(0);
            if (outcome == "correction") {
                ++log.corrections;
                continue;
            }
            ++log.decided;
            ++(outcome == "approved" ? log.approved : log.rejected);
            const double hours = q.real(1);
            hours_total += hours;
            log.decision_hours_max = std::max(log.decision_hours_max, hours);
            if (q.integer(2)) ++log.decided_on_time;
        }
        if (log.decided) log.decision_hours_avg = hours_total / double(log.decided);
    }
    {
        Statement q = db_.prepare(
            "SELECT c.number, i.name, i.department_name, c.clerk, i.promised_date"
            " FROM case_items i" +
            db_.indexed_by("case_items_open") +
            "JOIN cases c ON c.id = i.case_id"
            " WHERE c.accepted_at < ?2 AND (?3 = '' OR c.counter = ?3) AND ?1 = ?1"
            " AND i.status NOT IN ('approved', 'rejected', 'handed_out')"
            " AND i.status <> 'cancelled' ORDER BY i.promised_date, c.number, i.code");
        with_period(q, period);
        while (q.step()) {
            LogPendingItem item;
            item.case_number = q.text(0);
            item.item_name = q.text(1);
            item.department_name = q.text(2);
            item.clerk = q.text(3);
            item.promised_date = Date::parse(q.text(4)).value_or(Date{});
            item.state = deadline_state(calendar_, item.promised_date, period.to, true);
            log.pending.push_back(item);
        }
    }
    {
        Statement q = db_.prepare(
            "SELECT count(*) FROM hand_outs h JOIN case_items i ON"
            " i.id = h.case_item_id JOIN cases c ON c.id = i.case_id"
            " WHERE h.handed_out_at >= ?1 AND h.handed_out_at < ?2"
            " AND (?3 = '' OR c.counter = ?3)");
        with_period(q, period).step();
        log.handed_out = q.int64(0);
    }
    {
        Statement q = db_.prepare(
            "SELECT r.level, count(*) FROM ratings r JOIN cases c ON"
            " c.id = r.case_id WHERE r.rated_at >= ?1 AND r.rated_at < ?2"
            " AND (?3 = '' OR c.counter = ?3) GROUP BY 1");
        with_period(q, period);
        while (q.step()) {
            const int level = q.integer(0);
            if (level >= 1 && level <= 5) log.ratings_by_level[level - 1] = q.int64(1);
        }
    }
    {
        // Bad ratings given before the period's end and not resolved by then. Two partial
        // indexes keep this small over years of ratings: the open ones, and those resolved
        // after the period's end.
        const std::string columns =
            "SELECT r.id, c.number, c.clerk, r.comment, r.rated_at, r.level, r.follow_up_by"
            " FROM ratings r";
        Statement q = db_.prepare(
            columns + db_.indexed_by("ratings_open") +
            "JOIN cases c ON c.id = r.case_id"
            " WHERE r.follow_up_by <> '' AND r.level <= 2 AND r.resolved_at = ''"
            " AND r.rated_at < ?2"
            " AND ?1 = ?1 AND (?3 = '' OR c.counter = ?3) UNION ALL " +
            columns + db_.indexed_by("ratings_resolved") +
            "JOIN cases c ON c.id = r.case_id"
            " WHERE r.follow_up_by <> '' AND r.resolved_at <> ''"
            " AND r.resolved_at >= ?2 AND r.rated_at < ?2 AND (?3 = '' OR c.counter = ?3)"
            " ORDER BY 7, 1");
        with_period(q, period);
        while (q.step()) {
            LogBadRating r;
            r.id = q.int64(0);
            r.case_number = q.text(1);
            r.clerk = q.text(2);
            r.comment = q.text(3);
            r.rated_at = q.text(4);
            r.level = q.integer(5);
            r.follow_up_by = Date::parse(q.text(6)).value_or(Date{});
            r.state = deadline_state(calendar_, r.follow_up_by, period.to, true);
            log.open_bad_ratings.push_back(r);
        }
    }
    read_audit_head_row(db_, period, log);
    return log;
}

std::string LogRepository::csv(const LogPeriod& period) const {
    // Accepted items, notices and refusals of the period, in time order.
    Statement q = db_.prepare(
        "SELECT c.accepted_at, c.counter, c.clerk, 'accepted', c.number, c.applicant_name,"
        " c.applicant_id_number, i.name, i.department_name, NULL, i.immediate, " +
        std::string(kTolerated) +
        ", i.promised_date, i.status, '', 0"
        " FROM case_items i JOIN cases c ON c.id = i.case_id WHERE" +
        kCaseInPeriod +
        " UNION ALL SELECT c.issued_at, c.counter, c.clerk, 'notice', c.number,"
        " c.applicant_name, c.applicant_id_number, NULL, NULL, c.items_json, 0, 0, '', '',"
        " '', 0 FROM notices c WHERE c.issued_at >= ?1 AND c.issued_at < ?2"
        " AND (?3 = '' OR c.counter = ?3)"
        " UNION ALL SELECT c.refused_at, c.counter, c.clerk, 'refusal', c.number,"
        " c.applicant_name, c.applicant_id_number, NULL, NULL, c.items_json, 0, 0, '',"
        " c.reason, '', 0 FROM refusals c WHERE c.refused_at >= ?1 AND c.refused_at < ?2"
        " AND (?3 = '' OR c.counter = ?3)"
        // Results handed out: who collected them, with what proof.
        " UNION ALL SELECT h.handed_out_at, c.counter, h.clerk, 'handed_out', c.number,"
        " c.applicant_name, c.applicant_id_number, i.name, i.department_name, NULL, 0, 0,"
        " i.promised_date, h.collector, h.proof, 0 FROM hand_outs h"
        " JOIN case_items i ON i.id = h.case_item_id JOIN cases c ON c.id = i.case_id"
        " WHERE h.handed_out_at >= ?1 AND h.handed_out_at < ?2"
        " AND (?3 = '' OR c.counter = ?3)"
        // The applicants' ratings.
        " UNION ALL SELECT r.rated_at, c.counter, c.clerk, 'rated', c.number,"
        " c.applicant_name, c.applicant_id_number, NULL, NULL, NULL, 0, 0, '', r.comment,"
        " '', r.level FROM ratings r JOIN cases c ON c.id = r.case_id"
        " WHERE r.rated_at >= ?1 AND r.rated_at < ?2 AND (?3 = '' OR c.counter = ?3)"
        " ORDER BY 1, 5");
    with_period(q, period);
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
        out << (i ? "," : "") << csv_cell(tr(headers[i]));
    out << "\r\n";
    while (q.step()) {
        const std::string kind = q.text(3);
        std::string items = q.text(7), departments = q.text(8);
        if (!q.is_null(9)) std::tie(items, departments) = item_names(q.text(9));
        const bool accepted = kind == "accepted";
        const std::string outcome = accepted               ? tr("Accepted")
                                    : kind == "notice"     ? tr("One-time notice")
                                    : kind == "refusal"    ? tr("Refused")
                                    : kind == "handed_out" ? tr("Handed out")
                                                           : tr("Rated");
        std::string last = q.text(13);
        if (accepted) last = status_label(last);
        if (kind == "handed_out") last = trf("collected by {} ({})", last, q.text(14));
        if (kind == "rated") last = rating_label(q.integer(15)) + (last.empty() ? "" : "：" + last);
        const std::vector<std::string> row = {
            q.text(0),
            q.text(1),
            q.text(2),
            outcome,
            q.text(4),
            q.text(5),
            mask_id_number(q.text(6)),
            items,
            departments,
            accepted ? (q.integer(10) ? tr("yes") : tr("no")) : std::string(),
            accepted ? (q.integer(11) ? tr("yes") : tr("no")) : std::string(),
            q.text(12),
            last};
        for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_cell(row[i]);
        out << "\r\n";
    }
    // The footer, as on the printed log: the audit chain's head now.
    CounterLog head;
    read_audit_head_row(db_, period, head);
    out << csv_cell(trf("Audit chain head {}", head.audit_head())) << "\r\n";
    return out.str();
}

}  // namespace onewindow::store
