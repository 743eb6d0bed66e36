// The audit log (store/audit.hpp); events are appended by Database::append_audit().
#include "onewindow/store/audit.hpp"

#include <Poco/JSON/Object.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"

namespace onewindow {

std::string detail_json(std::initializer_list<std::pair<const char*, std::string>> members) {
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    for (const auto& [key, value] : members) detail->set(key, value);
    return to_json(detail);
}

namespace store {

std::string audit_hash(const std::string& previous, const AuditEvent& e) {
    return sha256_hex(previous + '\n' + e.at + '\n' + e.actor + '\n' + e.counter + '\n' + e.type +
                      '\n' + e.subject + '\n' + e.detail_json + '\n' + (e.success ? "1" : "0"));
}

namespace {

constexpr const char* kEventColumns =
    "SELECT id, at, actor, counter, type, subject, detail, success, prev_hash, hash "
    "FROM audit_events";

AuditEvent read_event(const Statement& q) {
    AuditEvent e;
    e.id = q.int64(0);
    e.at = q.text(1);
    e.actor = q.text(2);
    e.counter = q.text(3);
    e.type = q.text(4);
    e.subject = q.text(5);
    e.detail_json = q.text(6);
    e.success = q.integer(7) != 0;
    e.hash = q.text(9);
    return e;
}

std::vector<AuditEvent> read_events(Statement& q) {
    std::vector<AuditEvent> events;
    while (q.step()) events.push_back(read_event(q));
    q.reset();
    return events;
}

}  // namespace

std::vector<AuditEvent> AuditRepository::events() const {
    Statement q = db_.prepare(std::string(kEventColumns) + " ORDER BY id");
    return read_events(q);
}

std::vector<AuditEvent> AuditRepository::events(const AuditFilter& filter) const {
    Statement q = db_.prepare(std::string(kEventColumns) +
                              " WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR subject = ?2)"
                              " AND (?3 = '' OR type = ?3) ORDER BY id DESC LIMIT ?4");
    q.bind(1, filter.actor).bind(2, filter.subject).bind(3, filter.type).bind(4, filter.limit);
    return read_events(q);
}

std::vector<AuditEvent> AuditRepository::events_of(const std::string& subject) const {
    Statement& q = db_.cached(
        "SELECT id, at, actor, counter, type, subject, detail, success, prev_hash, hash"
        " FROM audit_events WHERE subject = ? ORDER BY id");
    q.bind(1, subject);
    return read_events(q);
}

AuditVerifyResult AuditRepository::verify() const {
    AuditVerifyResult result;
    std::string previous;
    long long after = 0;
    // In pages by id: a centre's chain holds millions of events.
    Statement& page = db_.cached(
        "SELECT id, at, actor, counter, type, subject, detail, success, prev_hash, hash"
        " FROM audit_events WHERE id > ? ORDER BY id LIMIT 10000");
    for (bool more = true; more;) {
        page.bind(1, after);
        more = false;
        while (page.step()) {
            more = true;
            AuditEvent e = read_event(page);
            after = e.id;
            const std::string stored_previous = page.text(8);
            ++result.events;
            if (stored_previous != previous || audit_hash(previous, e) != e.hash) {
                result.ok = false;
                result.first_broken_id = e.id;
                result.message = stored_previous != previous
                                     ? N_("its link to the previous event is broken")
                                     : N_("its content does not match its hash");
                page.reset();
                return result;
            }
            previous = e.hash;
        }
        page.reset();
    }
    return result;
}

}  // namespace store
}  // namespace onewindow
