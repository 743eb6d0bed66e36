// The daily counter log and period reports (report.hpp).
#include "onewindow/core/report.hpp"

#include <Poco/JSON/Array.h>

#include <cmath>
#include <cstdio>
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

std::string actor_label(std::string_view actor) {
    if (actor == "dispatcher") return tr("exchange service");
    if (actor == "applicant") return tr("the applicant");
    if (actor == "onewindow-cli") return tr("command line");
    return std::string(actor);
}

namespace {

const EventType kDetailKeys[] = {
    {"applicant", N_("applicant")},
    {"items", N_("items")},
    {"materials", N_("materials")},
    {"agent", N_("agent mode")},
    {"problems", N_("problems")},
    {"reason", N_("reason")},
    {"item", N_("item")},
    {"from", N_("from")},
    {"to", N_("to")},
    {"paused_working_days", N_("working days paused")},
    {"promised_date", N_("promised by")},
    {"outcome", N_("outcome")},
    {"back_office", N_("back office")},
    {"cursor", N_("cursor")},
    {"decided_by", N_("decided by")},
    {"collector", N_("collected by")},
    {"id_number", N_("ID number")},
    {"proof", N_("proof of identity")},
    {"level", N_("rating")},
    {"endpoint", N_("endpoint")},
    {"sent_to", N_("sent to")},
    {"error", N_("error")},
    {"was", N_("was")},
    {"role", N_("role")},
    {"until", N_("until")},
};

std::string detail_value(const std::string& key, const Poco::Dynamic::Var& value) {
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto list = value.extract<Poco::JSON::Array::Ptr>();
        std::string out;
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            auto entry = list->get(static_cast<unsigned>(i));
            std::string text;
            if (entry.type() == typeid(Poco::JSON::Object::Ptr)) {
                auto object = entry.extract<Poco::JSON::Object::Ptr>();
                text = object->optValue<std::string>("name",
                                                     object->optValue<std::string>("subject", ""));
            } else {
                text = entry.toString();
            }
            out += (out.empty() ? "" : "、") + text;
        }
        return out;
    }
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) return "…";
    const std::string text = value.isEmpty() ? std::string() : value.toString();
    if (key == "outcome") return status_label(text);
    if (key == "level") return rating_label(std::atoi(text.c_str()));
    if (key == "role" && parse_role(text)) return tr(text.c_str());  // msgids of role_name()
    if (text == "true") return tr("yes");
    if (text == "false") return tr("no");
    return text;
}

}  // namespace

std::string detail_text(const std::string& detail_json) {
    Poco::JSON::Object::Ptr object;
    try {
        object = parse_json(detail_json, "detail").extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return detail_json;
    }
    if (!object) return detail_json;
    std::string out;
    for (const auto& key : object->getNames()) {  // in the order written
        std::string name = key;
        for (const auto& known : kDetailKeys)
            if (key == known.type) name = tr(known.label);
        out += (out.empty() ? "" : "；") + name + "：" + detail_value(key, object->get(key));
    }
    return out;
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

long long CounterLog::ratings() const {
    long long total = 0;
    for (auto n : ratings_by_level) total += n;
    return total;
}

double CounterLog::rating_average() const {
    long long sum = 0;
    for (int level = 1; level <= 5; ++level) sum += level * ratings_by_level[level - 1];
    const long long n = ratings();
    return n ? double(sum) / double(n) : 0;
}

namespace {

std::string one_decimal(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

}  // namespace

std::string hand_out_summary(const CounterLog& log) {
    return trf("Results handed out {}; ratings {} (average {}, bad {}); bad ratings open {}",
               std::to_string(log.handed_out), std::to_string(log.ratings()),
               log.ratings() ? one_decimal(log.rating_average()) : std::string("-"),
               std::to_string(log.bad_ratings()), std::to_string(log.open_bad_ratings.size()));
}

LogPeriod previous_period(const LogPeriod& period, const WorkingCalendar& calendar) {
    LogPeriod before = period;
    if (period.from == period.to) {
        Date day = period.from.plus_days(-1);
        for (int i = 0; i < 60 && !calendar.is_working_day(day); ++i) day = day.plus_days(-1);
        before.from = before.to = day;
    } else if (period.from.day == 1 && period.to.plus_days(1).day == 1 &&
               period.from.month == period.to.month && period.from.year == period.to.year) {
        before.to = period.from.plus_days(-1);
        before.from = before.to.plus_days(1 - before.to.day);
    } else {
        const long long days = period.to.days_since_epoch() - period.from.days_since_epoch() + 1;
        before.to = period.from.plus_days(-1);
        before.from = period.from.plus_days(-days);
    }
    return before;
}

std::vector<LogChange> compare_logs(const CounterLog& now, const CounterLog& before) {
    std::vector<LogChange> out;
    auto count = [&](const char* name, long long a, long long b) {
        const long long d = a - b;
        out.push_back({tr(name), std::to_string(a), std::to_string(b),
                       d == 0  ? tr("no change")
                       : d > 0 ? "+" + std::to_string(d)
                               : std::to_string(d)});
    };
    auto rate = [&](const char* name, double a, double b, bool has_a, bool has_b) {
        const long long d = std::lround(a * 100) - std::lround(b * 100);
        out.push_back({tr(name), has_a ? percent(a) : "-", has_b ? percent(b) : "-",
                       !has_a || !has_b ? std::string("-")
                       : d == 0
                           ? tr("no change")
                           : trf("{} percentage points", (d > 0 ? "+" : "") + std::to_string(d))});
    };
    auto overdue = [](const CounterLog& log) {
        long long n = 0;
        for (const auto& item : log.pending) n += item.state == DeadlineState::Overdue;
        return n;
    };
    count(N_("Cases accepted"), now.cases, before.cases);
    count(N_("Items accepted"), now.items, before.items);
    rate(N_("Immediate rate"), now.immediate_rate(), before.immediate_rate(), now.items,
         before.items);
    count(N_("One-time notices"), now.notices, before.notices);
    count(N_("Refusals"), now.refusals, before.refusals);
    count(N_("Items decided"), now.decided, before.decided);
    rate(N_("On-time rate"), now.on_time_rate(), before.on_time_rate(), now.decided,
         before.decided);
    count(N_("Results handed out"), now.handed_out, before.handed_out);
    count(N_("Ratings"), now.ratings(), before.ratings());
    {
        const bool a = now.ratings(), b = before.ratings();
        const double d = now.rating_average() - before.rating_average();
        out.push_back({tr("Average rating"), a ? one_decimal(now.rating_average()) : "-",
                       b ? one_decimal(before.rating_average()) : "-",
                       !a || !b              ? std::string("-")
                       : std::fabs(d) < 0.05 ? tr("no change")
                                             : (d > 0 ? "+" : "") + one_decimal(d)});
    }
    count(N_("Bad ratings"), now.bad_ratings(), before.bad_ratings());
    count(N_("Overdue open items"), overdue(now), overdue(before));
    return out;
}

std::string rating_label(int level) {
    static const char* const labels[] = {N_("very dissatisfied"), N_("dissatisfied"),
                                         N_("fairly satisfied"), N_("satisfied"),
                                         N_("very satisfied")};
    return level >= 1 && level <= 5 ? tr(labels[level - 1]) : std::to_string(level);
}

namespace {

Poco::JSON::Array::Ptr count_rows(const std::vector<LogCount>& counts) {
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    for (const auto& c : counts) {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
        row->set("name", c.name);
        row->set("count", std::to_string(c.count));
        rows->add(row);
    }
    return rows;
}

std::string period_text(const LogPeriod& period) {
    return period.from == period.to ? period.from.chinese()
                                    : period.from.chinese() + " 至 " + period.to.chinese();
}

std::string state_label(DeadlineState state) {
    return state == DeadlineState::Overdue   ? tr("overdue")
           : state == DeadlineState::DueSoon ? tr("due soon")
                                             : tr("on time");
}

}  // namespace

Poco::JSON::Object::Ptr counter_log_data(const CounterLog& log, const CounterLog& before,
                                         const std::string& centre, const std::string& printed_at) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    const bool day = log.period.from == log.period.to;
    data->set("centre", centre);
    data->set("title", day ? tr("Daily counter log") : tr("Counter report"));
    data->set("period", period_text(log.period));
    data->set("previous_period", period_text(before.period));
    data->set("as_of", log.period.to.chinese());
    data->set("counter", log.period.counter.empty() ? tr("all counters") : log.period.counter);
    auto printed = Date::parse(printed_at.substr(0, 10));
    data->set("printed_at", (printed ? printed->chinese() : printed_at.substr(0, 10)) +
                                (printed_at.size() >= 16 ? " " + printed_at.substr(11, 5) : ""));

    Poco::JSON::Object::Ptr intake = new Poco::JSON::Object(true);
    intake->set("cases", std::to_string(log.cases));
    intake->set("items", std::to_string(log.items));
    intake->set("immediate", std::to_string(log.immediate_items));
    intake->set("immediate_rate", log.items ? percent(log.immediate_rate()) : "-");
    intake->set("tolerated", std::to_string(log.tolerated_cases));
    intake->set("notices", std::to_string(log.notices));
    intake->set("refusals", std::to_string(log.refusals));
    data->set("intake", intake);
    data->set("by_department", count_rows(log.by_department));
    data->set("by_hour", count_rows(hour_counts(log)));
    data->set("by_clerk", count_rows(log.by_clerk));

    Poco::JSON::Object::Ptr decisions = new Poco::JSON::Object(true);
    decisions->set("decided", std::to_string(log.decided));
    decisions->set("approved", std::to_string(log.approved));
    decisions->set("rejected", std::to_string(log.rejected));
    decisions->set("corrections", std::to_string(log.corrections));
    decisions->set("on_time_rate", log.decided ? percent(log.on_time_rate()) : "-");
    decisions->set("hours_avg", one_decimal(log.decision_hours_avg));
    decisions->set("hours_max", one_decimal(log.decision_hours_max));
    decisions->set("handed_out", std::to_string(log.handed_out));
    decisions->set("open", std::to_string(log.pending.size()));
    data->set("decisions", decisions);

    Poco::JSON::Object::Ptr ratings = new Poco::JSON::Object(true);
    ratings->set("count", std::to_string(log.ratings()));
    ratings->set("average", log.ratings() ? one_decimal(log.rating_average()) : "-");
    ratings->set("bad", std::to_string(log.bad_ratings()));
    ratings->set("open", std::to_string(log.open_bad_ratings.size()));
    std::vector<LogCount> levels;
    for (int level = 5; level >= 1; --level)
        levels.push_back({rating_label(level), log.ratings_by_level[level - 1]});
    ratings->set("levels", count_rows(levels));
    data->set("ratings", ratings);
    Poco::JSON::Array::Ptr bad = new Poco::JSON::Array;
    for (const auto& r : log.open_bad_ratings) {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
        row->set("state", state_label(r.state));
        row->set("follow_up_by", r.follow_up_by.chinese());
        row->set("case_number", r.case_number);
        row->set("level", rating_label(r.level));
        row->set("clerk", r.clerk);
        row->set("comment", r.comment.empty() ? std::string("-") : r.comment);
        bad->add(row);
    }
    data->set("bad_ratings", bad);

    Poco::JSON::Array::Ptr comparison = new Poco::JSON::Array;
    for (const auto& c : compare_logs(log, before)) {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
        row->set("name", c.name);
        row->set("now", c.now);
        row->set("before", c.before);
        row->set("change", c.change);
        comparison->add(row);
    }
    data->set("comparison", comparison);

    Poco::JSON::Array::Ptr warnings = new Poco::JSON::Array;
    for (const auto& item : log.pending) {
        if (item.state != DeadlineState::Overdue && item.state != DeadlineState::DueSoon) continue;
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
        row->set("state", state_label(item.state));
        row->set("promised", item.promised_date.chinese());
        row->set("case_number", item.case_number);
        row->set("item", item.item_name);
        row->set("department", item.department_name);
        row->set("clerk", item.clerk);
        warnings->add(row);
    }
    data->set("warnings", warnings);
    data->set("warnings_none", warnings->size()
                                   ? std::string()
                                   : tr("No item is overdue or due within one working day."));
    return data;
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
        {
            SQLite::Statement q(db,
                                "SELECT count(*) FROM hand_outs h JOIN case_items i ON"
                                " i.id = h.case_item_id JOIN cases c ON c.id = i.case_id"
                                " WHERE h.handed_out_at >= ?1 AND h.handed_out_at < ?2"
                                " AND (?3 = '' OR c.counter = ?3)");
            bind_period(q, period);
            q.executeStep();
            log.handed_out = q.getColumn(0).getInt64();
        }
        {
            SQLite::Statement q(db,
                                "SELECT r.level, count(*) FROM ratings r JOIN cases c ON"
                                " c.id = r.case_id WHERE r.rated_at >= ?1 AND r.rated_at < ?2"
                                " AND (?3 = '' OR c.counter = ?3) GROUP BY 1");
            bind_period(q, period);
            while (q.executeStep()) {
                const int level = q.getColumn(0).getInt();
                if (level >= 1 && level <= 5)
                    log.ratings_by_level[level - 1] = q.getColumn(1).getInt64();
            }
        }
        {
            // Bad ratings given before the period's end and not resolved by then.
            // Two partial indexes keep this small over years of ratings: the open ones, and
            // those resolved after the period's end.
            const std::string columns =
                "SELECT r.id, c.number, c.clerk, r.comment, r.rated_at, r.level, r.follow_up_by"
                " FROM ratings r ";
            SQLite::Statement q(
                db,
                columns +
                    "INDEXED BY ratings_open JOIN cases c ON c.id = r.case_id"
                    " WHERE r.follow_up_by <> '' AND r.resolved_at = '' AND r.rated_at < ?2"
                    " AND ?1 = ?1 AND (?3 = '' OR c.counter = ?3) UNION ALL " +
                    columns +
                    "INDEXED BY ratings_resolved JOIN cases c ON c.id = r.case_id"
                    " WHERE r.follow_up_by <> '' AND r.resolved_at <> ''"
                    " AND r.resolved_at >= ?2 AND r.rated_at < ?2 AND (?3 = '' OR c.counter = ?3)"
                    " ORDER BY 7, 1");
            bind_period(q, period);
            while (q.executeStep()) {
                LogBadRating r;
                r.id = q.getColumn(0).getInt64();
                r.case_number = q.getColumn(1).getString();
                r.clerk = q.getColumn(2).getString();
                r.comment = q.getColumn(3).getString();
                r.rated_at = q.getColumn(4).getString();
                r.level = q.getColumn(5).getInt();
                r.follow_up_by = Date::parse(q.getColumn(6).getString()).value_or(Date{});
                r.state = deadline_state(calendar_, r.follow_up_by, period.to, true);
                log.open_bad_ratings.push_back(r);
            }
        }
        return log;
    });
}

CounterLog CaseStore::counter_log(const UserAccount& reader, const LogPeriod& period) {
    require(reader, Permission::ReadReports, "counter log");
    return counter_log(period);
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
            " i.promised_date, i.status, '', 0"
            " FROM case_items i JOIN cases c ON c.id = i.case_id WHERE" +
                std::string(kCaseInPeriod) +
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
            const std::string outcome = accepted               ? tr("Accepted")
                                        : kind == "notice"     ? tr("One-time notice")
                                        : kind == "refusal"    ? tr("Refused")
                                        : kind == "handed_out" ? tr("Handed out")
                                                               : tr("Rated");
            std::string last = q.getColumn(13).getString();
            if (accepted) last = status_label(last);
            if (kind == "handed_out")
                last = trf("collected by {} ({})", last, q.getColumn(14).getString());
            if (kind == "rated")
                last = rating_label(q.getColumn(15).getInt()) + (last.empty() ? "" : "：" + last);
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
