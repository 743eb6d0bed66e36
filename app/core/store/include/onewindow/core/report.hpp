// The daily counter log (窗口日志) and period reports for supervisors: what every window took in,
// by clerk, item, department and hour; one-time notices and refusals; tolerated gaps; what the
// departments decided and how fast; the items still open with their deadline colours. Every
// figure is counted by SQL over the one case store: nothing is counted twice or by hand.
// ID numbers are masked in every row that leaves the store.
// Threads: plain values and pure functions.
#pragma once

#include <Poco/JSON/Object.h>

#include <array>
#include <string>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/store/cases.hpp"

namespace onewindow {

/// Days from `from` to `to`, both included; one counter, or every counter when empty.
struct LogPeriod {
    Date from, to;
    std::string counter;
};

struct LogCount {
    std::string name;
    long long count = 0;
};

struct LogPendingItem {
    std::string case_number, item_name, department_name, clerk;
    Date promised_date;
    DeadlineState state = DeadlineState::OnTime;  // on the period's last day
};

/// A bad rating (1 or 2) not resolved by the period's end, with its follow-up deadline
/// (15 working days) in colour on the period's last day.
struct LogBadRating {
    long long id = 0;
    std::string case_number, clerk, comment, rated_at;
    int level = 0;
    Date follow_up_by;
    DeadlineState state = DeadlineState::OnTime;
};

struct CounterLog {
    LogPeriod period;
    long long cases = 0;            // cases accepted
    long long items = 0;            // items of those cases
    long long immediate_items = 0;  // 即办件
    long long immediate_cases = 0;  // cases all of whose items are 即办
    // The catalogue the counter serves (filled by Counter::counter_log, not by the store): its
    // items and how many of them are 即办 — the 即办件率 by catalogue item.
    long long catalogue_items = 0, catalogue_immediate = 0;
    int rating_follow_up_days = 15;  // the counter's setting (Counter::counter_log)
    long long tolerated_cases = 0;   // accepted with at least one tolerated gap (容缺)
    long long notices = 0;           // one-time notices (一次性告知)
    long long refusals = 0;          // refusals to accept (不予受理)
    std::vector<LogCount> by_clerk, by_department, by_item;  // items accepted, most first
    std::array<long long, 24> by_hour{};                     // cases accepted per hour of day
    long long decided = 0, approved = 0, rejected = 0, corrections = 0;  // decisions received
    long long decided_on_time = 0;  // decided on or before the item's promised date
    double decision_hours_avg = 0, decision_hours_max = 0;  // acceptance to decision
    std::vector<LogPendingItem> pending;  // open at the period's end, earliest promised first
    long long handed_out = 0;             // items whose results were handed out
    std::array<long long, 5> ratings_by_level{};  // ratings given; [0] is 1 (very bad) .. [4] 5
    std::vector<LogBadRating> open_bad_ratings;   // earliest follow-up first
    // The head of an audit chain when the log was made (audit.hpp): the chain of the log's
    // counter, or for a log of every counter the chain of the counter that makes it (the newest
    // of all when that is not known). Printed in the log's footer,
    // "审计链头 WX01 #<id> <16 hex>", a paper anchor to compare the chain with later.
    std::string audit_head_counter;
    long long audit_head_id = 0;
    std::string audit_head_hash;

    /// "<counter> #<id> <first 16 hex digits>" ("#<id> ..." for the legacy chain).
    std::string audit_head() const;

    long long ratings() const;
    long long bad_ratings() const { return ratings_by_level[0] + ratings_by_level[1]; }
    double rating_average() const;  // 0 without ratings

    double immediate_rate() const { return items ? double(immediate_items) / items : 0; }
    double immediate_case_rate() const { return cases ? double(immediate_cases) / cases : 0; }
    double catalogue_immediate_rate() const {
        return catalogue_items ? double(catalogue_immediate) / catalogue_items : 0;
    }
    double on_time_rate() const { return decided ? double(decided_on_time) / decided : 0; }
};

/// The period a report is compared with: the working day before a one-day period, the month
/// before a whole calendar month, else the same number of days just before.
LogPeriod previous_period(const LogPeriod& period, const WorkingCalendar& calendar);

/// One figure of a period next to the previous period's: "受理办件 12 · 上期 9 · +3".
struct LogChange {
    std::string name, now, before, change;  // translated; change "+3", "-2", "+5个百分点", "持平"
};
std::vector<LogChange> compare_logs(const CounterLog& now, const CounterLog& before);

/// The log in words, for the screen and the command line (translated): intake ("受理办件 …"),
/// decisions ("办结 …"), open items ("在办事项 …"); and the hours that saw intake ("9时").
std::string intake_summary(const CounterLog& log);
std::string decision_summary(const CounterLog& log);
std::string open_summary(const CounterLog& log);
/// "出件 …; 评价 …（平均 …，差评 …）; 差评待整改 …".
std::string hand_out_summary(const CounterLog& log);
std::vector<LogCount> hour_counts(const CounterLog& log);
/// "非常满意" .. "非常不满意" for 5 .. 1 (translated).
std::string rating_label(int level);

/// The data of the printed log (templates/common/counter_log.json): the figures, the charts'
/// rows, the comparison with `before` (the previous period's log), the deadline warnings and
/// the open bad ratings. `centre` heads the page; `printed_at` is "YYYY-MM-DD HH:MM:SS".
Poco::JSON::Object::Ptr counter_log_data(const CounterLog& log, const CounterLog& before,
                                         const std::string& centre, const std::string& printed_at);

// The figures are counted by store::LogRepository (store/counter_log.hpp), which also writes
// the CSV.

}  // namespace onewindow
