// One-time notices and refusals to accept (store/notices.hpp).
#include "onewindow/store/notices.hpp"

#include <Poco/JSON/Object.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/cases.hpp"

namespace onewindow::store {

namespace {

/// Records a notice or a refusal (`table`: its eight columns, the last two `what` and the time)
/// under the next number of `kind`, with its audit event; returns the number.
std::string record(Database& db, const char* insert_sql, const std::string& kind,
                   const std::string& counter, const std::string& clerk,
                   const std::string& applicant_name, const std::string& applicant_id_number,
                   const std::string& items_json, const std::string& what,
                   const std::optional<std::string>& when, const std::string& event,
                   const Poco::JSON::Object::Ptr& detail) {
    const std::string now = check_now(when);
    Transaction transaction(db);
    NumberRequest request(db, counter, now.substr(0, 10), kind);
    const Database::AuditHead head = db.lock_audit_head(counter);  // one round trip with it
    const std::string number = request.get();
    db.cached(insert_sql)
        .bind(1, number)
        .bind(2, counter)
        .bind(3, clerk)
        .bind(4, applicant_name)
        .bind(5, applicant_id_number)
        .bind(6, items_json)
        .bind(7, what)
        .bind(8, now)
        .queue();
    db.append_audit(AuditEvent{0, now, clerk, counter, event, number, to_json(detail), true, ""},
                    head);
    transaction.commit();
    return number;
}

/// The first row of `sql` (one `?` for the number) as its eight text columns, or nullopt.
template <typename Record>
std::optional<Record> find_eight(Database& db, const char* sql, const std::string& number) {
    Statement& q = db.cached(sql);
    q.bind(1, number);
    if (!q.step()) return std::nullopt;
    Record r{q.text(0), q.text(1), q.text(2), q.text(3),
             q.text(4), q.text(5), q.text(6), q.text(7)};
    q.reset();
    return r;
}

}  // namespace

std::string NoticeRepository::record_notice(const NoticeRecord& notice) {
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("applicant", mask_id_number(notice.applicant_id_number));
    detail->set("problems", parse_json(notice.problems_json, "problems"));
    return record(db_,
                  "INSERT INTO notices (number, counter, clerk, applicant_name,"
                  " applicant_id_number, items_json, problems_json, issued_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  "N", notice.counter, notice.clerk, notice.applicant_name,
                  notice.applicant_id_number, notice.items_json, notice.problems_json, notice.now,
                  "notice.issued", detail);
}

std::string NoticeRepository::record_refusal(const RefusalRecord& refusal) {
    if (refusal.reason.find_first_not_of(" \t\n") == std::string::npos)
        throw Error(ErrorKind::Input, tr("A refusal needs its reason"));
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("applicant", mask_id_number(refusal.applicant_id_number));
    detail->set("items", parse_json(refusal.items_json, "items"));
    detail->set("reason", refusal.reason);
    return record(db_,
                  "INSERT INTO refusals (number, counter, clerk, applicant_name,"
                  " applicant_id_number, items_json, reason, refused_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  "R", refusal.counter, refusal.clerk, refusal.applicant_name,
                  refusal.applicant_id_number, refusal.items_json, refusal.reason, refusal.now,
                  "case.refused", detail);
}

std::optional<StoredNotice> NoticeRepository::find_notice(const std::string& number) const {
    return find_eight<StoredNotice>(
        db_,
        "SELECT number, counter, clerk, applicant_name, applicant_id_number, items_json,"
        " problems_json, issued_at FROM notices WHERE number = ?",
        number);
}

std::optional<StoredRefusal> NoticeRepository::find_refusal(const std::string& number) const {
    return find_eight<StoredRefusal>(
        db_,
        "SELECT number, counter, clerk, applicant_name, applicant_id_number, items_json,"
        " reason, refused_at FROM refusals WHERE number = ?",
        number);
}

}  // namespace onewindow::store
