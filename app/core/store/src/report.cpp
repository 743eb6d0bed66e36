// The daily counter log and period reports (report.hpp).
#include "onewindow/core/report.hpp"

#include <Poco/JSON/Array.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/supplements.hpp"

namespace onewindow {

std::string status_label(std::string_view status) {
    if (status == "accepted") return tr("accepted");
    if (status == "dispatched") return tr("sent to the department");
    if (status == "received") return tr("received by the department");
    if (status == "approved") return tr("approved");
    if (status == "rejected") return tr("rejected");
    if (status == "correction_needed") return tr("correction needed");
    if (status == "handed_out") return tr("handed out");
    if (status == "blocked") return tr("a prerequisite item was not approved; for the window");
    if (status == "cancelled") return tr("withdrawn");
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
    {"outbox.held", N_("held: a prerequisite item was not approved")},
    {"outbox.cancelled", N_("withdrawn by the window")},
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
    {"store.migrated", N_("a counter's store joined")},
    {"plugin.trusted", N_("plugin trusted")},
    {"plugin.untrusted", N_("plugin no longer trusted")},
    {"case.supplied", N_("materials supplied")},
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
    {"waits_for", N_("prerequisite item")},
    {"because", N_("because")},
    {"lifted", N_("no longer waited for")},
    {"supplement", N_("supplement")},
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
    if (key == "because") {  // what became of a prerequisite (outbox.held)
        OutboxRow row;
        row.state = text;
        return text == "rejected" ? status_label(text) : outbox_state_label(row);
    }
    if (key == "level") return rating_label(std::atoi(text.c_str()));
    if (key == "reason" && (text == "tolerated" || text == "correction"))
        return supply_reason_label(text);
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
        "Cases accepted {} ({} items, {} immediate; immediate rate {} of items, {} of cases, {} "
        "of the catalogue's {} items); tolerated gaps {}; one-time notices {}; refusals {}",
        std::to_string(log.cases), std::to_string(log.items), std::to_string(log.immediate_items),
        percent(log.immediate_rate()), percent(log.immediate_case_rate()),
        percent(log.catalogue_immediate_rate()), std::to_string(log.catalogue_items),
        std::to_string(log.tolerated_cases), std::to_string(log.notices),
        std::to_string(log.refusals));
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

std::string CounterLog::audit_head() const {
    return (audit_head_counter.empty() ? "" : audit_head_counter + " ") + "#" +
           std::to_string(audit_head_id) + " " + store::audit_hash_shown(audit_head_hash);
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
    rate(N_("Immediate rate by case"), now.immediate_case_rate(), before.immediate_case_rate(),
         now.cases, before.cases);
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
    data->set("audit_head", log.audit_head());

    Poco::JSON::Object::Ptr intake = new Poco::JSON::Object(true);
    intake->set("cases", std::to_string(log.cases));
    intake->set("items", std::to_string(log.items));
    intake->set("immediate", std::to_string(log.immediate_items));
    intake->set("immediate_rate", log.items ? percent(log.immediate_rate()) : "-");
    intake->set("immediate_case_rate", log.cases ? percent(log.immediate_case_rate()) : "-");
    intake->set("catalogue_immediate_rate",
                log.catalogue_items ? percent(log.catalogue_immediate_rate()) : "-");
    intake->set("catalogue_items", std::to_string(log.catalogue_items));
    intake->set("catalogue_immediate", std::to_string(log.catalogue_immediate));
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
    ratings->set("follow_up_days", std::to_string(log.rating_follow_up_days));
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

}  // namespace onewindow
