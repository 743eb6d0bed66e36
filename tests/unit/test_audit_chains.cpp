// One audit chain per counter (schema 12, store/audit.hpp): counters append side by side, each
// chain verifies and a change to one counter's event is found, and a store written with the one
// chain of before upgrades and verifies. [store]: on SQLite files, and again on PostgreSQL.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/report.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/counter_log.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

WorkingCalendar calendar() {
    return WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar");
}

AcceptRequest request_at(const std::string& counter, const std::string& now) {
    AcceptRequest r = testing::sample_accept_request(now);
    r.counter = counter;
    r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
    return r;
}

std::string id_of(const testing::TestStore& db, const std::string& where) {
    return std::to_string(db.scalar("SELECT id FROM audit_events WHERE " + where));
}

}  // namespace

TEST_CASE(
    "Counters append to audit chains of their own at once, and a changed event of one is found",
    "[store][audit]") {
    testing::TempDir dir{"onewindow-chains"};
    testing::TestStore db(dir.path);
    {
        // The schema and (SQLite: anchored in the file's folder) the audit key, once.
        CaseStore first = db.open(dir.path / "materials", calendar());
        first.database().audit_key(true);
    }
    constexpr int kCounters = 4, kCases = 10;
    testing::at_once(kCounters, [&](int t) {
        // Each counter its own connection, as each PC of a centre has.
        CaseStore store = db.open(dir.path / "materials", calendar());
        const std::string counter = "WX0" + std::to_string(1 + t);
        for (int i = 0; i < kCases; ++i) {
            store.cases().accept(request_at(counter, "2026-12-02 10:00:00"));
            store.notices().record_notice({counter, "张敏", "赵丽", "411526199203100247", "[]",
                                           R"([{"subject":"居民户口簿","reason":"未提交"}])",
                                           "2026-12-02 10:00:01"});
        }
    });
    CaseStore store = db.open(dir.path / "materials", calendar());
    const auto verified = store.audit().verify();
    CHECK(verified.ok);
    CHECK(verified.events == kCounters * kCases * 2);
    // One head per counter, naming its newest event; every event links to its counter's one
    // before it (the first to the empty legacy head).
    CHECK(db.count("audit_heads") == kCounters);
    CHECK(db.scalar(testing::kAuditLinksBroken) == 0);
    CHECK(db.scalar("SELECT count(*) FROM audit_events WHERE prev_hash = ''") == kCounters);
    const auto head = store.audit().head("WX02");
    REQUIRE(head);
    CHECK(std::to_string(head->id) == id_of(db,
                                            "id = (SELECT max(id) FROM audit_events WHERE"
                                            " counter = 'WX02')"));
    // The daily log of one counter prints that counter's head.
    store::LogRepository log(store.database(), store.calendar());
    const CounterLog wx02 = log.counter_log({{2026, 12, 2}, {2026, 12, 2}, "WX02"});
    CHECK(wx02.audit_head_counter == "WX02");
    CHECK(wx02.audit_head_id == head->id);
    CHECK(wx02.audit_head().rfind("WX02 #" + std::to_string(head->id) + " ", 0) == 0);

    auto d = db.connect();
    testing::drop_audit_triggers(db, *d);
    SECTION("a changed event in the middle of one counter's chain") {
        const std::string middle = id_of(db,
                                         "counter = 'WX03' AND type = 'case.accepted' ORDER BY id"
                                         " LIMIT 1 OFFSET 4");
        d->exec("UPDATE audit_events SET actor = '王五' WHERE id = " + middle);
        const auto broken = store.audit().verify();
        CHECK_FALSE(broken.ok);
        CHECK(std::to_string(broken.first_broken_id) == middle);
        CHECK(broken.message == "its content does not match its hash");
    }
    SECTION("an event cut out of one counter's chain") {
        const std::string cut = id_of(db, "counter = 'WX01' ORDER BY id LIMIT 1 OFFSET 7");
        d->exec("DELETE FROM audit_events WHERE id = " + cut);
        const auto broken = store.audit().verify();
        CHECK_FALSE(broken.ok);
        CHECK(std::to_string(broken.first_broken_id) ==
              id_of(db, "counter = 'WX01' AND id > " + cut + " ORDER BY id LIMIT 1"));
        CHECK(broken.message == "its link to the previous event is broken");
    }
    SECTION("an event moved to another counter's chain") {
        const std::string moved = id_of(db, "counter = 'WX04' ORDER BY id LIMIT 1 OFFSET 3");
        d->exec("UPDATE audit_events SET counter = 'WX01' WHERE id = " + moved);
        CHECK_FALSE(store.audit().verify().ok);
    }
}

TEST_CASE("A store written with the one chain of before schema 12 upgrades and verifies",
          "[store][audit][migration]") {
    testing::TempDir dir{"onewindow-chains-old"};
    testing::TestStore db(dir.path);
    const fs::path anchor = dir.path / "anchor";
    fs::create_directories(anchor);
    const std::string key(64, 'a');
    std::ofstream(anchor / store::kAuditKeyFile) << key << '\n';
    fs::permissions(anchor / store::kAuditKeyFile, fs::perms::owner_read | fs::perms::owner_write);
    long long legacy_last = 0;
    {
        // The store as schema 11 left it: no supplements, no head per counter, one chain over every
        // counter's events in id order (plain first, then keyed), its head in audit_head.
        auto d = db.connect();
        for (const char* undo :  // what steps 15 (merges), 14 (cursors per client) and 13
                                 // (supplements) add
             {"DROP TABLE audit_imports", "DROP TABLE exchange_pulls", "DROP INDEX outbox_case",
              "ALTER TABLE outbox DROP COLUMN client",
              "CREATE INDEX case_items_case ON case_items (case_id)",
              "DROP TABLE supplement_materials", "DROP TABLE supplements",
              "ALTER TABLE outbox DROP COLUMN kind",
              "ALTER TABLE case_materials DROP COLUMN supplied_at"})
            d->exec(undo);
        d->exec("DROP TABLE audit_heads");
        d->exec(db.postgresql() ? "UPDATE onewindow_schema SET version = 11"
                                : "PRAGMA user_version = 11");
        const char* counters[] = {"WX01", "WX02", "WX01", "", "WX02", "WX01"};
        int n = 0;
        for (const char* counter : counters) {
            AuditEvent e{0,
                         "2026-11-30 09:00:0" + std::to_string(n),
                         "张敏",
                         counter,
                         "case.accepted",
                         "WX-" + std::to_string(n),
                         "{}",
                         true,
                         ""};
            legacy_last = testing::append_audit_by_hand(*d, e, true, n++ < 2 ? "" : key);
        }
    }
    CaseStore store = db.open(dir.path / "materials", calendar());  // step 12, from 11
    store.database().anchor_audit(anchor, "WX01");
    CHECK(db.scalar(db.postgresql() ? "SELECT version FROM onewindow_schema"
                                    : "PRAGMA user_version") == store::kSchemaVersion);
    {
        const auto upgraded = store.audit().verify();
        CHECK(upgraded.ok);
        CHECK(upgraded.events == 6);
        CHECK(upgraded.unchecked == 0);  // the old keyed events were recomputed with the key
    }
    const auto legacy = store.audit().head("WX03");  // no chain yet: the legacy head
    REQUIRE(legacy);
    CHECK(legacy->id == legacy_last);

    // The counters go on, each on its own chain from the legacy head; a new counter too.
    for (const char* counter : {"WX01", "WX02", "WX03", "WX01"})
        store.cases().accept(request_at(counter, "2026-12-01 09:00:00"));
    const auto verified = store.audit().verify();
    CHECK(verified.ok);
    CHECK(verified.events == 10);
    CHECK(verified.head_checked);
    CHECK(db.scalar(testing::kAuditLinksBroken) == 0);
    CHECK(db.scalar("SELECT count(*) FROM audit_events e, audit_head l WHERE e.id > l.last_id"
                    " AND e.prev_hash = l.hash") == 3);  // the first of WX01, WX02 and WX03
    // The head file follows WX01's chain only.
    const auto file = store::read_audit_head(anchor);
    REQUIRE(file);
    CHECK(std::to_string(file->first) ==
          id_of(db, "id = (SELECT max(id) FROM audit_events WHERE counter = 'WX01')"));

    SECTION("the old chain's end cut off is found") {
        auto d = db.connect();
        testing::drop_audit_triggers(db, *d);
        d->exec("DELETE FROM audit_events WHERE id = " + std::to_string(legacy_last));
        const auto broken = store.audit().verify();
        CHECK_FALSE(broken.ok);
        CHECK(broken.first_broken_id == legacy_last);
    }
    SECTION("an old event changed is found") {
        auto d = db.connect();
        testing::drop_audit_triggers(db, *d);
        d->exec("UPDATE audit_events SET subject = 'WX-9' WHERE id = " +
                std::to_string(legacy_last - 2));
        const auto broken = store.audit().verify();
        CHECK_FALSE(broken.ok);
        CHECK(broken.first_broken_id == legacy_last - 2);
        CHECK(broken.message == "its content does not match its hash");
    }
}
