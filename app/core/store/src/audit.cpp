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

Poco::JSON::Object::Ptr audit_segment_json(const AuditSegment& segment) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
    out->set("first", segment.first_id);
    out->set("last", segment.last_id);
    out->set("legacy_id", segment.legacy_id);
    out->set("legacy_hash", segment.legacy_hash);
    Poco::JSON::Array::Ptr heads = new Poco::JSON::Array;
    for (const auto& head : segment.heads) {
        Poco::JSON::Object::Ptr h = new Poco::JSON::Object(true);
        h->set("counter", head.counter);
        h->set("id", head.id);
        h->set("hash", head.hash);
        h->set("carried", head.carried);
        heads->add(h);
    }
    out->set("heads", heads);
    return out;
}

std::optional<AuditSegment> audit_segment_of(const std::string& detail) {
    try {
        const auto root = parse_json(detail, "audit event").extract<Poco::JSON::Object::Ptr>();
        if (!root || !root->has("segment")) return std::nullopt;
        const auto s = root->getObject("segment");
        if (!s) return std::nullopt;
        AuditSegment segment;
        segment.first_id = s->getValue<long long>("first");
        segment.last_id = s->getValue<long long>("last");
        segment.legacy_id = s->getValue<long long>("legacy_id");
        segment.legacy_hash = s->getValue<std::string>("legacy_hash");
        const auto heads = s->getArray("heads");
        if (!heads) return std::nullopt;
        for (std::size_t i = 0; i < heads->size(); ++i) {
            const auto h = heads->getObject(static_cast<unsigned>(i));
            if (!h) return std::nullopt;
            segment.heads.push_back({h->getValue<std::string>("counter"),
                                     h->getValue<long long>("id"), h->getValue<std::string>("hash"),
                                     h->getValue<bool>("carried")});
        }
        return segment;
    } catch (const std::exception&) {
        return std::nullopt;  // not JSON, or members of the wrong kind: not a segment
    }
}

namespace {

/// The chains of one store as the verifier walks them: its legacy chain (ids up to
/// `legacy_id`, one chain in id order) and each counter's chain from the legacy head.
struct ChainWalk {
    long long legacy_id = 0;
    std::string legacy_hash;
    std::string previous;  // the legacy chain's last hash
    bool legacy_closed = false;
    bool keyed = false;                         // a keyed event was seen: no plain one may follow
    std::map<std::string, std::string> chains;  // each counter's last hash

    /// Null when `e` (stored after `stored_previous`) follows its chain; else what is wrong
    /// and `broken_id` the event where.
    const char* step(const AuditEvent& e, const std::string& stored_previous,
                     const std::map<std::string, std::string>& keys, AuditVerifyResult& result,
                     long long& broken_id) {
        const bool legacy = e.id <= legacy_id;
        if (!legacy && !legacy_closed) {
            if (const char* broken = close_legacy()) {
                broken_id = legacy_id;
                return broken;
            }
        }
        std::string& last =
            legacy ? previous : chains.try_emplace(e.counter, legacy_hash).first->second;
        const std::string id = key_id_of(e.hash);
        broken_id = e.id;
        if (stored_previous != last) return N_("its link to the previous event is broken");
        if (id.empty() && keyed) return N_("it carries no keyed hash, after keyed events");
        if ((id.empty() && audit_hash(last, e) != e.hash) ||
            (!id.empty() && keys.count(id) && keyed_audit_hash(keys.at(id), last, e) != e.hash))
            return N_("its content does not match its hash");
        keyed = keyed || !id.empty();
        result.unchecked += !id.empty() && !keys.count(id);
        last = e.hash;
        return nullptr;
    }
    /// The legacy chain must end at its head, or events were cut from its end (or its head
    /// moved).
    const char* close_legacy() {
        legacy_closed = true;
        return previous == legacy_hash ? nullptr
                                       : N_("the chain written before schema 12 does not end at "
                                            "its recorded head: events were deleted");
    }
};

/// An imported store's events (audit_imports), walked as a store of their own.
struct ImportWalk {
    long long event_id = 0;
    AuditSegment segment;
    ChainWalk walk;
};

}  // namespace

AuditVerifyResult AuditRepository::verify(const std::vector<std::string>& other_keys,
                                          bool head_file) const {
    AuditVerifyResult result;
    std::map<std::string, std::string> keys;  // by key id: this counter's and those given
    if (const std::string& key = db_.audit_key(false); !key.empty()) keys[key_id(key)] = key;
    for (const auto& key : other_keys) keys[key_id(key)] = key;
    const auto head = db_.audit_anchor().empty() || !head_file
                          ? std::nullopt
                          : read_audit_head(db_.audit_anchor());
    const auto fail = [&](long long id, const char* message) {
        result.ok = false;
        result.first_broken_id = id;
        result.message = message;
        return result;
    };
    // The legacy head (database.hpp): the events up to it are one chain in id order, where
    // every counter's chain starts.
    ChainWalk own;
    {
        Statement& q = db_.cached("SELECT last_id, hash FROM audit_head WHERE id = 1");
        if (q.step()) {
            own.legacy_id = q.int64(0);
            own.legacy_hash = q.text(1);
        }
        q.reset();
    }
    // The events merged from other stores (migrate.hpp): each range is walked as its own
    // store, from the start and to the heads its merge event records; the chains it carries
    // on continue from there.
    std::vector<ImportWalk> imports;
    {
        Statement q = db_.prepare(
            "SELECT i.event_id, i.first_id, i.last_id, e.detail FROM audit_imports i"
            " LEFT JOIN audit_events e ON e.id = i.event_id ORDER BY i.first_id");
        while (q.step()) {
            const auto segment = audit_segment_of(q.text(3));
            if (!segment || segment->first_id != q.int64(1) || segment->last_id != q.int64(2) ||
                (!imports.empty() && imports.back().segment.last_id >= segment->first_id))
                return fail(q.int64(0), N_("the record of a merged store's events does not "
                                           "match the event of its merge"));
            ImportWalk walk{q.int64(0), *segment, {}};
            walk.walk.legacy_id = segment->legacy_id;
            walk.walk.legacy_hash = segment->legacy_hash;
            imports.push_back(std::move(walk));
        }
    }
    std::size_t next_import = 0;  // the first import not closed yet
    std::size_t merge_events = 0;
    // Closes the import at next_import: its chains end at the heads its merge recorded.
    const auto close_import = [&](long long& broken_id) -> const char* {
        ImportWalk& i = imports[next_import++];
        broken_id = i.segment.last_id;
        if (!i.walk.legacy_closed)
            if (const char* broken = i.walk.close_legacy()) return broken;
        std::map<std::string, std::string> recorded;
        for (const auto& h : i.segment.heads) recorded[h.counter] = h.hash;
        // The same chains, each ending at its recorded head.
        if (recorded != i.walk.chains)
            return N_(
                "a merged store's chain does not end at the head its merge recorded: "
                "events were deleted");
        for (const auto& h : i.segment.heads)
            if (h.carried) own.chains[h.counter] = h.hash;
        return nullptr;
    };
    bool head_found = false;
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
            ++result.events;
            long long broken_id = 0;
            const char* broken = nullptr;
            while (!broken && next_import < imports.size() &&
                   e.id > imports[next_import].segment.last_id)
                broken = close_import(broken_id);
            if (!broken) {
                ChainWalk& walk =
                    next_import < imports.size() && e.id >= imports[next_import].segment.first_id
                        ? imports[next_import].walk
                        : own;
                broken = walk.step(e, page.text(8), keys, result, broken_id);
            }
            if (!broken && merge_events < imports.size() &&
                imports[merge_events].event_id == e.id) {
                ++merge_events;  // ids grow with the ranges: the merge events come in order
                if (e.type != "store.migrated") {
                    broken_id = e.id;
                    broken =
                        N_("the record of a merged store's events does not match the "
                           "event of its merge");
                }
            }
            if (!broken && head && e.id == head->first && e.hash != head->second) {
                broken_id = e.id;
                broken = N_("it differs from the event the audit head file names");
            }
            if (broken) {
                page.reset();
                return fail(broken_id, broken);
            }
            head_found = head_found || (head && e.id == head->first);
        }
        page.reset();
    }
    while (next_import < imports.size()) {
        long long broken_id = 0;
        if (const char* broken = close_import(broken_id)) return fail(broken_id, broken);
    }
    if (merge_events < imports.size())
        return fail(imports[merge_events].event_id,
                    N_("the event of a merge of another store's events is missing"));
    if (!own.legacy_closed)
        if (const char* broken = own.close_legacy()) return fail(own.legacy_id, broken);
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
