// The case store: one Database (database.hpp: SQLite for one counter, PostgreSQL for a centre)
// with a repository per concern on top. Open it with the store's location; each repository's
// header says what it keeps and how:
//   cases()      accepted cases, case lists, paused clocks       store/cases.hpp
//   notices()    one-time notices and refusals to accept         store/notices.hpp
//   outbox()     items on their way to the back offices           store/outbox.hpp
//   decisions()  decisions pulled from the back offices           store/decisions.hpp
//   accounts()   users, roles, sign-in                            store/accounts.hpp
//   drafts()     unfinished intakes                               store/drafts.hpp
//   hand_outs()  results handed out, ratings                      store/handouts.hpp
//   audit()      the hash-chained audit log                       store/audit.hpp
//   log()        the counter log's figures and CSV                store/counter_log.hpp
//   materials()  scans, content-addressed                         store/materials.hpp
//   supplements() materials brought after acceptance (补交)        store/supplements.hpp
// The few operations that check a signed-in user's role before they read are here too.
//
// Threads: a CaseStore is one connection, used by one thread at a time; each thread opens its
// own (the shell's UI thread, the dispatcher, background jobs).
#pragma once

#include <filesystem>
#include <memory>

#include "onewindow/core/calendar.hpp"
#include "onewindow/store/accounts.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/cases.hpp"
#include "onewindow/store/counter_log.hpp"
#include "onewindow/store/database.hpp"
#include "onewindow/store/decisions.hpp"
#include "onewindow/store/drafts.hpp"
#include "onewindow/store/handouts.hpp"
#include "onewindow/store/materials.hpp"
#include "onewindow/store/notices.hpp"
#include "onewindow/store/outbox.hpp"
#include "onewindow/store/supplements.hpp"

namespace onewindow {

/// The clerk's words for an item's or a case's status ("accepted" -> 已受理), translated.
std::string status_label(std::string_view status);
/// The words for an audit event type ("case.accepted" -> 受理), translated; unknown types as
/// they are. audit_event_types(): every type the program writes, for filters.
std::string event_label(std::string_view type);
/// Who did it, for people: a user's name as it is; the program's own actors in words
/// ("dispatcher" -> 后台交换服务, "applicant" -> 申请人, "onewindow-cli" -> 命令行).
std::string actor_label(std::string_view actor);
/// An audit event's details for people: "申请人：130434********024X；事项数：2" from its JSON,
/// the known keys named in words and lists and objects summarised; unknown keys as they are.
std::string detail_text(const std::string& detail_json);
const std::vector<std::string>& audit_event_types();

class CaseStore {
  public:
    /// Opens (and migrates) the store at `where`; `materials_dir` holds the scans of a SQLite
    /// store (materials.hpp). Error(Storage) as Database::open.
    static CaseStore open(const store::Location& where, const std::filesystem::path& materials_dir,
                          WorkingCalendar calendar);
    /// A SQLite store in `db_file`.
    static CaseStore open(const std::filesystem::path& db_file,
                          const std::filesystem::path& materials_dir, WorkingCalendar calendar);
    CaseStore(CaseStore&&) noexcept;
    CaseStore& operator=(CaseStore&&) noexcept;
    ~CaseStore();

    // The repositories (a const store still reads through its connection, which keeps state).
    store::Database& database() const;
    store::CaseRepository& cases() const;
    store::NoticeRepository& notices() const;
    store::OutboxRepository& outbox() const;
    store::DecisionRepository& decisions() const;
    store::AccountRepository& accounts() const;
    store::DraftRepository& drafts() const;
    store::HandOutRepository& hand_outs() const;
    store::AuditRepository& audit() const;
    store::LogRepository& log() const;
    store::MaterialStore& materials() const;
    store::SupplementRepository& supplements() const;
    const WorkingCalendar& calendar() const;

    // What a signed-in user may read or do, checked by role first (accounts().require()).
    /// A clerk's list is of their own counter, or of the counter whose PC they signed in at
    /// (`signed_in_at`: in a centre a clerk takes whichever window is free); asking for another
    /// counter's cases is denied. Without a counter in `filter`: their own counter's.
    std::vector<CaseSummary> list_cases(const CaseFilter& filter, const UserAccount& who,
                                        const std::string& signed_in_at = {});
    /// The counter log, for a user allowed to read reports.
    CounterLog counter_log(const UserAccount& reader, const LogPeriod& period);
    /// A supervisor's note on how a bad rating was resolved; a clerk is refused.
    void resolve_rating(long long id, const std::string& resolution, const UserAccount& supervisor);

  private:
    struct Parts;
    explicit CaseStore(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace onewindow
