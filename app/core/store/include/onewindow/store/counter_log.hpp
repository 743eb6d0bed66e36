// The counter log's figures (report.hpp), counted by SQL over the one store: a day or a period,
// one counter or (a centre) every counter. Nothing is counted twice or by hand; ID numbers are
// masked in every row that leaves the store.
// Threads: as Database.
#pragma once

#include <string>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/report.hpp"
#include "onewindow/store/database.hpp"

namespace onewindow::store {

class LogRepository {
  public:
    LogRepository(Database& db, const WorkingCalendar& calendar) : db_(db), calendar_(calendar) {}
    CounterLog counter_log(const LogPeriod& period) const;
    /// One row per item accepted, notice, refusal, item handed out and rating of the period,
    /// oldest first, UTF-8 with a byte-order mark (spreadsheet software then reads Chinese
    /// correctly), RFC 4180 quoting, Chinese headers, ID numbers masked.
    std::string csv(const LogPeriod& period) const;

  private:
    Database& db_;
    const WorkingCalendar& calendar_;
};

}  // namespace onewindow::store
