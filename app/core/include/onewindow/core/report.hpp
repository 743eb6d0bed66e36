// The daily counter log (窗口日志) and period reports for supervisors: what every window took in,
// by clerk, item, department and hour; one-time notices and refusals; tolerated gaps; what the
// departments decided and how fast; the items still open with their deadline colours. Every
// figure is counted by SQL over the one case store: nothing is counted twice or by hand.
// ID numbers are masked in every row that leaves the store.
// Threads: as CaseStore (one thread at a time).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/date.hpp"

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

struct CounterLog {
    LogPeriod period;
    long long cases = 0;            // cases accepted
    long long items = 0;            // items of those cases
    long long immediate_items = 0;  // 即办件
    long long tolerated_cases = 0;  // accepted with at least one tolerated gap (容缺)
    long long notices = 0;          // one-time notices (一次性告知)
    long long refusals = 0;         // refusals to accept (不予受理)
    std::vector<LogCount> by_clerk, by_department, by_item;  // items accepted, most first
    std::array<long long, 24> by_hour{};                     // cases accepted per hour of day
    long long decided = 0, approved = 0, rejected = 0, corrections = 0;  // decisions received
    long long decided_on_time = 0;  // decided on or before the item's promised date
    double decision_hours_avg = 0, decision_hours_max = 0;  // acceptance to decision
    std::vector<LogPendingItem> pending;  // open at the period's end, earliest promised first

    double immediate_rate() const { return items ? double(immediate_items) / items : 0; }
    double on_time_rate() const { return decided ? double(decided_on_time) / decided : 0; }
};

/// The log in words, for the screen and the command line (translated): intake ("受理办件 …"),
/// decisions ("办结 …"), open items ("在办事项 …"); and the hours that saw intake ("9时").
std::string intake_summary(const CounterLog& log);
std::string decision_summary(const CounterLog& log);
std::string open_summary(const CounterLog& log);
std::vector<LogCount> hour_counts(const CounterLog& log);

// CaseStore::counter_log(period) and CaseStore::counter_log_csv(period) (report.cpp) read them:
// the CSV has one row per item accepted, notice or refusal of the period, oldest first, UTF-8
// with a byte-order mark (spreadsheet software then reads Chinese correctly), RFC 4180 quoting,
// Chinese headers, ID numbers masked.

}  // namespace onewindow
