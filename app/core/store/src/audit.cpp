// The audit log (store/audit.hpp); events are appended by Database::append_audit().
#include "onewindow/store/audit.hpp"

#include <Poco/JSON/Object.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"

#include <map>
#include <sstream>

namespace onewindow {

std::string detail_json(std::initializer_list<std::pair<const char*, std::string>> members) {
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    for (const auto& [key, value] : members) detail->set(key, value);
    return to_json(detail);
}

namespace store {

namespace {

/// What an event's hash covers, after its predecessor's hash.
std::string chained_content(const std::string& previous, const AuditEvent& e) {
    return previous + '\n' + e.at + '\n' + e.actor + '\n' + e.counter + '\n' + e.type + '\n' +
           e.subject + '\n' + e.detail_json + '\n' + (e.success ? "1" : "0");
}

constexpr std::string_view kKeyedPrefix = "k1:";

std::string key_id(const std::string& key) { return sha256_hex(key).substr(0, 16); }

/// The key id of a keyed hash ("k1:<id>:<hmac>"); empty for a hash of the first version.
std::string key_id_of(const std::string& hash) {
    if (hash.compare(0, kKeyedPrefix.size(), kKeyedPrefix) != 0) return "";
    return hash.substr(kKeyedPrefix.size(), 16);
}

}  // namespace

std::string audit_hash(const std::string& previous, const AuditEvent& e) {
    return sha256_hex(chained_content(previous, e));
}

std::string keyed_audit_hash(const std::string& key, const std::string& previous,
                             const AuditEvent& e) {
    return std::string(kKeyedPrefix) + key_id(key) + ":" +
           hmac_sha256_hex(key, chained_content(previous, e));
}

std::string audit_hash_shown(const std::string& hash) {
    const auto colon = hash.rfind(':');
    return hash.substr(colon == std::string::npos ? 0 : colon + 1, 16);
}

std::optional<std::pair<long long, std::string>> read_audit_head(const std::filesystem::path& dir) {
    const std::filesystem::path file = dir / kAuditHeadFile;
    if (!std::filesystem::exists(file)) return std::nullopt;
    std::istringstream in(read_text_file(file));
    long long id = 0;
    std::string hash;
    if (!(in >> id >> hash) || id <= 0)
        throw Error(ErrorKind::Storage,
                    trf("{}: not an audit head (\"<id> <hash>\")", file.string()));
    return std::make_pair(id, hash);
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

std::optional<AuditHead> AuditRepository::head(const std::string& counter) const {
    return chain_head(db_, counter);
}

std::optional<AuditHead> chain_head(Database& db, const std::optional<std::string>& counter) {
    Statement& q = db.cached(
        "SELECT counter, last_id, hash FROM audit_heads WHERE ?1 = 'all' OR counter = ?2"
        " UNION ALL SELECT '', last_id, hash FROM audit_head WHERE id = 1"
        " ORDER BY 2 DESC LIMIT 1");
    q.bind(1, counter ? "one" : "all").bind(2, counter.value_or(""));
    std::optional<AuditHead> head;
    if (q.step()) head = AuditHead{counter.value_or(q.text(0)), q.int64(1), q.text(2)};
    q.reset();
    return head;
}

std::optional<std::string> read_audit_key(const std::filesystem::path& file) {
    std::string key = read_text_file(file);
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.size() != 64 || key.find_first_not_of("0123456789abcdef") != std::string::npos)
        return std::nullopt;
    return key;
}

AuditVerifyResult AuditRepository::verify(const std::vector<std::string>& other_keys) const {
    AuditVerifyResult result;
    std::map<std::string, std::string> keys;  // by key id: this counter's and those given
    if (const std::string& key = db_.audit_key(false); !key.empty()) keys[key_id(key)] = key;
    for (const auto& key : other_keys) keys[key_id(key)] = key;
    const auto head =
        db_.audit_anchor().empty() ? std::nullopt : read_audit_head(db_.audit_anchor());
    // The legacy head (database.hpp): the events up to it are one chain in id order, where
    // every counter's chain starts.
    long long legacy_id = 0;
    std::string legacy_hash;
    {
        Statement& q = db_.cached("SELECT last_id, hash FROM audit_head WHERE id = 1");
        if (q.step()) {
            legacy_id = q.int64(0);
            legacy_hash = q.text(1);
        }
        q.reset();
    }
    bool keyed = false;  // a keyed event was seen: no plain one may follow
    bool head_found = false;
    std::string previous;                       // the legacy chain's last hash
    std::map<std::string, std::string> chains;  // each counter's last hash
    long long after = 0;
    const auto fail = [&](long long id, const char* message) {
        result.ok = false;
        result.first_broken_id = id;
        result.message = message;
        return result;
    };
    // The legacy chain must end at its head, or events were cut from its end (or its head moved).
    bool legacy_closed = false;
    const auto close_legacy = [&] {
        legacy_closed = true;
        return previous == legacy_hash;
    };
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
            const bool legacy = e.id <= legacy_id;
            if (!legacy && !legacy_closed && !close_legacy()) {
                page.reset();
                return fail(legacy_id, N_("the chain written before schema 12 does not end at "
                                          "its recorded head: events were deleted"));
            }
            std::string& last =
                legacy ? previous : chains.try_emplace(e.counter, legacy_hash).first->second;
            const std::string id = key_id_of(e.hash);
            const char* broken = nullptr;
            if (stored_previous != last)
                broken = N_("its link to the previous event is broken");
            else if (id.empty() && keyed)
                broken = N_("it carries no keyed hash, after keyed events");
            else if ((id.empty() && audit_hash(last, e) != e.hash) ||
                     (!id.empty() && keys.count(id) &&
                      keyed_audit_hash(keys.at(id), last, e) != e.hash))
                broken = N_("its content does not match its hash");
            else if (head && e.id == head->first && e.hash != head->second)
                broken = N_("it differs from the event the audit head file names");
            if (broken) {
                page.reset();
                return fail(e.id, broken);
            }
            keyed = keyed || !id.empty();
            result.unchecked += !id.empty() && !keys.count(id);
            head_found = head_found || (head && e.id == head->first);
            last = e.hash;
        }
        page.reset();
    }
    if (!legacy_closed && !close_legacy())
        return fail(legacy_id, N_("the chain written before schema 12 does not end at its "
                                  "recorded head: events were deleted"));
    if (head && !head_found) {
        // The head file names an event the chain does not have: its end was cut off.
        return fail(head->first,
                    N_("the chain ends before the event the audit head file names: events "
                       "were deleted"));
    }
    result.head_checked = head_found;
    return result;
}

}  // namespace store
}  // namespace onewindow
