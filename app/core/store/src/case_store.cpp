// The case store: the Database and its repositories (case_store.hpp).
#include "onewindow/core/case_store.hpp"

#include "onewindow/core/report.hpp"
#include "onewindow/store/counter_log.hpp"

namespace onewindow {

struct CaseStore::Parts {
    // The calendar and the database first: the repositories refer to them.
    WorkingCalendar calendar;
    std::unique_ptr<store::Database> db;
    store::MaterialStore materials;
    store::CaseRepository cases;
    store::NoticeRepository notices;
    store::OutboxRepository outbox;
    store::DecisionRepository decisions;
    store::AccountRepository accounts;
    store::DraftRepository drafts;
    store::HandOutRepository hand_outs;
    store::AuditRepository audit;
    store::LogRepository log;
    store::SupplementRepository supplements;

    Parts(WorkingCalendar calendar_in, std::unique_ptr<store::Database> db_in,
          const std::filesystem::path& materials_dir)
        : calendar(std::move(calendar_in)),
          db(std::move(db_in)),
          materials(*db, materials_dir),
          cases(*db, materials, calendar),
          notices(*db),
          outbox(*db, calendar),
          decisions(*db, calendar),
          accounts(*db),
          drafts(*db),
          hand_outs(*db, calendar),
          audit(*db),
          log(*db, calendar),
          supplements(*db, materials, calendar) {}
};

CaseStore::CaseStore(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
CaseStore::CaseStore(CaseStore&&) noexcept = default;
CaseStore& CaseStore::operator=(CaseStore&&) noexcept = default;
CaseStore::~CaseStore() = default;

CaseStore CaseStore::open(const store::Location& where, const std::filesystem::path& materials_dir,
                          WorkingCalendar calendar) {
    return CaseStore(
        std::make_unique<Parts>(std::move(calendar), store::Database::open(where), materials_dir));
}

CaseStore CaseStore::open(const std::filesystem::path& db_file,
                          const std::filesystem::path& materials_dir, WorkingCalendar calendar) {
    return open(store::Location{store::Engine::SQLite, db_file.string()}, materials_dir,
                std::move(calendar));
}

store::Database& CaseStore::database() const { return *parts_->db; }
store::CaseRepository& CaseStore::cases() const { return parts_->cases; }
store::NoticeRepository& CaseStore::notices() const { return parts_->notices; }
store::OutboxRepository& CaseStore::outbox() const { return parts_->outbox; }
store::SupplementRepository& CaseStore::supplements() const { return parts_->supplements; }
store::DecisionRepository& CaseStore::decisions() const { return parts_->decisions; }
store::AccountRepository& CaseStore::accounts() const { return parts_->accounts; }
store::DraftRepository& CaseStore::drafts() const { return parts_->drafts; }
store::HandOutRepository& CaseStore::hand_outs() const { return parts_->hand_outs; }
store::AuditRepository& CaseStore::audit() const { return parts_->audit; }
store::LogRepository& CaseStore::log() const { return parts_->log; }
store::MaterialStore& CaseStore::materials() const { return parts_->materials; }
const WorkingCalendar& CaseStore::calendar() const { return parts_->calendar; }

std::vector<CaseSummary> CaseStore::list_cases(const CaseFilter& filter, const UserAccount& who,
                                               const std::string& signed_in_at) {
    CaseFilter scoped = filter;
    const auto role = accounts().role_now(who);  // as it is now, not as at sign-in
    if (!role || !role_allows(*role, Permission::ReadOtherCounters)) {
        if (!filter.counter.empty() && filter.counter == signed_in_at) return cases().list(scoped);
        if (!filter.counter.empty() && filter.counter != who.counter)
            accounts().require(who, Permission::ReadOtherCounters,
                               "cases of counter " + filter.counter);
        scoped.counter = who.counter;
    }
    return cases().list(scoped);
}

CounterLog CaseStore::counter_log(const UserAccount& reader, const LogPeriod& period) {
    accounts().require(reader, Permission::ReadReports, "counter log");
    return log().counter_log(period);
}

void CaseStore::resolve_rating(long long id, const std::string& resolution,
                               const UserAccount& supervisor) {
    accounts().require(supervisor, Permission::ResolveRatings, "bad rating " + std::to_string(id));
    hand_outs().resolve_rating(id, resolution, supervisor.name);
}

}  // namespace onewindow
