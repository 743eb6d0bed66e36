#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

using Dir = testing::TempDir;

WorkingCalendar calendar() {
    return WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar");
}

AcceptRequest request(const fs::path& scan, const std::string& now = "2026-09-29 10:00:00") {
    AcceptRequest r = testing::sample_accept_request(now);
    r.values_json = R"({"applicant.name":"李娜"})";
    r.form_snapshot_json = R"({"items":[{"code":"000718001001","version":1}]})";
    AcceptItem a = testing::sample_item("000718001001", "county_health", "county_health");
    AcceptItem b = a;
    b.code = "000718002000";
    b.immediate = true;
    r.items = {a, b};
    r.materials = {{"id_card", "居民身份证", 1, 1, scan, false, ""},
                   {"photo", "近期一寸免冠照片", 2, 0, {}, true, "三日内补交"}};
    return r;
}

}  // namespace

TEST_CASE("Accepting a case writes every row in one transaction", "[store]") {
    Dir dir;
    const fs::path scan = dir.path / "scan.png";
    std::ofstream(scan) << "scan of an ID card";
    testing::TestStore db(dir.path);
    auto store = db.open(dir.path / "materials", calendar());
    auto result = store.cases().accept(request(scan));
    CHECK(result.case_number == "WX01-20260929-0001");
    // 29 Sep + 3 working days skips the National Day holiday: 30 Sep, 8 Oct, 9 Oct.
    CHECK(result.items[0].promised_date == Date{2026, 10, 9});
    CHECK(result.items[1].promised_date == Date{2026, 9, 29});  // immediate
    CHECK(store.cases().accept(request(scan)).case_number == "WX01-20260929-0002");
    CHECK(store.cases().accept(request(scan, "2026-09-30 09:00:00")).case_number ==
          "WX01-20260930-0001");
    CHECK(db.count("cases") == 3);
    CHECK(db.count("case_items") == 6);
    CHECK(db.count("outbox") == 6);
    CHECK(db.count("audit_events") == 3);

    auto record = store.cases().find("WX01-20260929-0001");
    REQUIRE(record);
    CHECK(record->applicant_id_number == "13043419960315024X");
    REQUIRE(record->materials.size() == 2);
    const std::string hash = record->materials[0].sha256;
    CHECK(hash == sha256_of_file(scan));
    CHECK(store.materials().read(hash) == "scan of an ID card");
    CHECK(record->materials[1].tolerated);
    CHECK(record->materials[1].sha256.empty());
    REQUIRE(record->events.size() == 1);
    CHECK(record->events[0].type == "case.accepted");
    CHECK(record->events[0].detail_json.find("130434********024X") != std::string::npos);
    CHECK(record->events[0].detail_json.find("13043419960315024X") == std::string::npos);
    auto outbox = store.outbox().rows("WX01-20260929-0001");
    REQUIRE(outbox.size() == 2);
    CHECK(outbox[0].idempotency_key == "WX01-20260929-0001/000718001001");
    CHECK(outbox[0].state == "pending");
}

TEST_CASE("A legal limit counts in its item's unit, kept with the accepted item", "[store]") {
    Dir dir;
    testing::TestStore db(dir.path);
    auto store = db.open(dir.path / "materials", calendar());
    AcceptRequest r = testing::sample_accept_request("2026-09-29 10:00:00");
    auto legal_aid = testing::sample_item("000713001000", "county_justice", "county_justice");
    legal_aid.legal_days = 7;  // 法律援助法 art. 43: 七日, natural days
    legal_aid.legal_unit = DayUnit::Natural;
    auto registration = testing::sample_item("000718001001", "county_health", "county_health");
    registration.legal_days = 20;
    r.items = {legal_aid, registration};
    const auto accepted = store.cases().accept(r);
    // Seven days straight through the National Day holiday; twenty working days around it.
    CHECK(accepted.items[0].legal_date == Date{2026, 10, 6});
    CHECK(accepted.items[1].legal_date == calendar().add_working_days(Date{2026, 9, 29}, 20));
    CHECK(accepted.items[1].legal_date > Date{2026, 10, 27});
    const auto record = store.cases().find(accepted.case_number);
    REQUIRE(record);
    CHECK(record->items[0].legal_unit == DayUnit::Natural);
    CHECK(record->items[0].legal_date == Date{2026, 10, 6});
    CHECK(record->items[1].legal_unit == DayUnit::Working);
}

TEST_CASE("A failed acceptance leaves the database as it was", "[store]") {
    Dir dir;
    const fs::path scan = dir.path / "scan.png";
    std::ofstream(scan) << "scan";
    testing::TestStore db(dir.path);
    auto store = db.open(dir.path / "materials", calendar());
    store.cases().accept(request(scan));
    store.cases().fail_next_accept_for_test();
    CHECK_THROWS_AS(store.cases().accept(request(scan)), Error);
    auto missing = request(dir.path / "no-such-scan.png");
    try {
        store.cases().accept(missing);
        FAIL("accepted an unreadable material");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Input);
        CHECK(std::string(e.what()).find("no-such-scan.png") != std::string::npos);
    }
    CHECK(db.count("cases") == 1);
    CHECK(db.count("outbox") == 2);
    CHECK(db.count("audit_events") == 1);
    CHECK(store.audit().verify().ok);
    // The sequence rolled back too: the next number follows the last committed one.
    CHECK(store.cases().accept(request(scan)).case_number == "WX01-20260929-0002");
}

TEST_CASE("A deferred statement's rows are read later, in the order it was sent", "[store]") {
    Dir dir;
    testing::TestStore db(dir.path);
    auto d = db.connect();
    d->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    {
        store::Transaction transaction(*d);
        store::Statement& first =
            d->cached("INSERT INTO t (id, v) VALUES (1, 'a') RETURNING id, v");
        first.defer();
        // Sent after it: sees its row (the server runs a pipeline's commands in order).
        store::Statement& count = d->cached("SELECT count(*) FROM t");
        count.defer();
        store::Statement& second = d->cached("INSERT INTO t (id, v) VALUES (2, 'b') RETURNING v");
        REQUIRE(second.step());  // waits: the three answers come back together
        CHECK(second.text(0) == "b");
        REQUIRE(first.step());
        CHECK(first.int64(0) == 1);
        CHECK(first.text(1) == "a");
        CHECK_FALSE(first.step());
        REQUIRE(count.step());
        CHECK(count.int64(0) == 1);
        first.reset();
        count.reset();
        second.reset();
        // A deferred statement read at once waits for its own answer.
        store::Statement& max = d->cached("SELECT max(id) FROM t");
        max.defer();
        REQUIRE(max.step());
        CHECK(max.int64(0) == 2);
        max.reset();
        transaction.commit();
    }
    CHECK(db.count("t") == 2);
    // A deferred statement behind a queued one that failed has no answer: reading it fails,
    // and the transaction is rolled back.
    {
        store::Transaction transaction(*d);
        try {
            d->cached("INSERT INTO t (id, v) VALUES (3, 'c')").queue();
            d->cached("INSERT INTO t (id, v) VALUES (1, 'again')").queue();
            store::Statement& late = d->cached("SELECT count(*) FROM t");
            late.defer();
            late.step();
            FAIL("a duplicate key was taken");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Storage);
        }
    }
    CHECK(db.count("t") == 2);
    // Outside a transaction a deferred statement runs at once.
    store::Statement& alone = d->cached("INSERT INTO t (id, v) VALUES (4, 'd') RETURNING id");
    alone.defer();
    REQUIRE(alone.step());
    CHECK(alone.int64(0) == 4);
    alone.reset();  // (on SQLite the statement holds the file until then)
    CHECK(db.count("t") == 3);
}

TEST_CASE(
    "A statement queued without waiting that fails fails its transaction: nothing of it stays",
    "[store]") {
    Dir dir;
    testing::TestStore db(dir.path);
    auto d = db.connect();
    d->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    const auto add = [&](int id, const char* value) {
        d->cached("INSERT INTO t (id, v) VALUES (?, ?) RETURNING id")
            .bind(1, id)
            .bind(2, value)
            .queue();
    };
    {
        store::Transaction transaction(*d);
        add(1, "a");
        try {
            add(1, "b");  // the same key: refused, on PostgreSQL when its answer is read
            add(2, "c");
            store::Statement& rows = d->cached("SELECT count(*) FROM t");
            rows.step();
            FAIL("a duplicate key was taken");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Storage);
            CHECK_THAT(e.what(), Catch::Contains("nothing was changed"));
        }
    }
    CHECK(db.count("t") == 0);
    // The connection goes on; the rows of a transaction that commits are all there.
    {
        store::Transaction transaction(*d);
        for (int id = 1; id <= 3; ++id) add(id, "x");
        transaction.commit();
    }
    CHECK(db.count("t") == 3);
    // A failure queued last fails the commit (SQLite: the statement itself).
    CHECK_THROWS_AS(([&] {
                        store::Transaction transaction(*d);
                        add(4, "y");
                        add(1, "z");
                        transaction.commit();
                    }()),
                    Error);
    CHECK(db.count("t") == 3);
    // Outside a transaction a queued statement runs at once.
    add(5, "w");
    CHECK(db.count("t") == 4);
    CHECK_THROWS_AS(add(5, "w"), Error);
    CHECK(db.count("t") == 4);
}

TEST_CASE("Schema versions: migrated once, newer files refused", "[store]") {
    Dir dir;
    testing::TestStore db(dir.path);
    { db.open(dir.path / "m", calendar()); }
    { db.open(dir.path / "m", calendar()); }
    if (db.postgresql()) {
        CHECK(db.scalar("SELECT version FROM onewindow_schema") == store::kSchemaVersion);
        db.connect()->exec("UPDATE onewindow_schema SET version = 99");
    } else {
        SQLite::Database d(db.location().target, SQLite::OPEN_READWRITE);
        CHECK(d.execAndGet("PRAGMA user_version").getInt() == store::kSchemaVersion);
        CHECK(d.execAndGet("PRAGMA journal_mode").getString() == "wal");
        d.exec("PRAGMA user_version = 99");
    }
    try {
        db.open(dir.path / "m", calendar());
        FAIL("opened a newer database");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Storage);
        CHECK(std::string(e.what()).find("newer OneWindow (schema 99") != std::string::npos);
    }
}

TEST_CASE("The audit chain proves itself intact or names the first broken event", "[store]") {
    Dir dir;
    testing::TestStore db(dir.path);
    auto store = db.open(dir.path / "materials", calendar());
    store.cases().accept(request({}));
    store.notices().record_notice({"WX01", "张敏", "赵丽", "411526199203100247", "[]",
                                   R"([{"subject":"居民户口簿","reason":"未提交"}])",
                                   "2026-09-29 11:00:00"});
    store.cases().accept(request({}));
    auto ok = store.audit().verify();
    CHECK(ok.ok);
    CHECK(ok.events == 3);
    {
        // Whoever can write the database outside the program: the trigger stops a plain
        // UPDATE, and the chain catches what gets past it.
        auto d = db.connect();
        CHECK_THROWS(d->exec("UPDATE audit_events SET actor = 'x' WHERE id = 2"));
        d->exec(db.postgresql() ? "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"
                                : "DROP TRIGGER audit_events_no_update");
        d->exec("UPDATE audit_events SET actor = '王五' WHERE id = 2");
    }
    auto broken = store.audit().verify();
    CHECK_FALSE(broken.ok);
    CHECK(broken.first_broken_id == 2);
    CHECK(broken.message == "its content does not match its hash");
}

namespace {

/// Appends an event of the first, unkeyed version of the chain through `d`: on the legacy chain
/// (as a program before the audit key wrote it) or on WX01's.
void append_plain_event(store::Database& d, const std::string& type, bool legacy = true) {
    testing::append_audit_by_hand(
        d, AuditEvent{0, "2026-09-01 09:00:00", "张敏", "WX01", type, "-", "{}", true, ""}, legacy);
}

}  // namespace

TEST_CASE("The audit chain is keyed and anchored outside the database, and old chains still verify",
          "[store][counter-findings]") {
    Dir dir;
    testing::TestStore db(dir.path);
    const fs::path anchor = dir.path / "anchor";
    fs::create_directories(anchor);
    {
        // A chain of the first version: two events hashed without a key.
        auto d = db.connect();
        append_plain_event(*d, "test.before_the_key");
        append_plain_event(*d, "test.before_the_key");
    }
    auto store = db.open(dir.path / "materials", calendar());
    store.database().anchor_audit(anchor);  // as Counter::open() does, on either engine
    CHECK_FALSE(fs::exists(anchor / "audit.key"));
    CHECK(store.audit().verify().ok);  // the old chain, before any key
    store.cases().accept(request({}));
    store.cases().accept(request({}));
    // The key was made at the first append, private; the new events are keyed with it.
    REQUIRE(fs::exists(anchor / "audit.key"));
    CHECK((fs::status(anchor / "audit.key").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    const auto events = store.audit().events();
    REQUIRE(events.size() == 4);
    CHECK(events[1].hash.size() == 64);
    CHECK(events[2].hash.rfind("k1:", 0) == 0);
    CHECK(events[3].hash.rfind("k1:", 0) == 0);
    // The head file names the newest event.
    const auto head = store::read_audit_head(anchor);
    REQUIRE(head);
    CHECK(head->first == events[3].id);
    CHECK(head->second == events[3].hash);
    const auto ok = store.audit().verify();
    CHECK(ok.ok);
    CHECK(ok.events == 4);
    CHECK(ok.unchecked == 0);
    CHECK(ok.head_checked);

    SECTION("a plain event after keyed ones is a break") {
        auto d = db.connect();
        append_plain_event(*d, "test.forged", false);
        const auto broken = store.audit().verify();
        CHECK_FALSE(broken.ok);
        CHECK(broken.first_broken_id == events[3].id + 1);
        CHECK(broken.message == "it carries no keyed hash, after keyed events");
    }
    SECTION("a chain recomputed without the key after a change is seen by the head file") {
        // Whoever can write the database changes an event and hashes the whole chain again in
        // the first version's rule, which needs no key.
        auto d = db.connect();
        testing::drop_audit_triggers(db, *d);
        d->exec("UPDATE audit_events SET actor = '王五' WHERE id = " +
                std::to_string(events[2].id));
        std::string previous;
        for (auto e : store.audit().events()) {
            e.hash = store::audit_hash(previous, e);
            d->prepare("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?")
                .bind(1, previous)
                .bind(2, e.hash)
                .bind(3, e.id)
                .run();
            previous = e.hash;
        }
        const auto broken = store.audit().verify();
        CHECK_FALSE(broken.ok);
        CHECK(broken.first_broken_id == events[3].id);
        CHECK(broken.message == "it differs from the event the audit head file names");
    }
    SECTION("events deleted from the end are seen by the head file") {
        auto d = db.connect();
        testing::drop_audit_triggers(db, *d);
        d->exec("DELETE FROM audit_events WHERE id = " + std::to_string(events[3].id));
        const auto broken = store.audit().verify();
        CHECK_FALSE(broken.ok);
        CHECK(broken.first_broken_id == events[3].id);
    }
    SECTION("another counter's key: linked, left to that counter") {
        Dir other;
        auto elsewhere = db.open(dir.path / "materials", calendar());
        elsewhere.database().anchor_audit(other.path);
        elsewhere.cases().accept(request({}));
        const auto here = store.audit().verify();
        CHECK(here.ok);
        CHECK(here.unchecked == 1);
        CHECK(elsewhere.audit().verify().unchecked == 2);
        // A centre's supervisor brings the other counter's key: its events are recomputed too,
        // so a change of their content is found here as well.
        const auto other_key = store::read_audit_key(other.path / store::kAuditKeyFile);
        REQUIRE(other_key);
        const auto both = store.audit().verify({*other_key});
        CHECK(both.ok);
        CHECK(both.unchecked == 0);
        auto d = db.connect();
        testing::drop_audit_triggers(db, *d);
        d->exec(
            "UPDATE audit_events SET actor = '王五' WHERE id = (SELECT max(id) FROM"
            " audit_events)");
        CHECK(store.audit().verify().ok);  // linked still; its content is that counter's to check
        const auto changed = store.audit().verify({*other_key});
        CHECK_FALSE(changed.ok);
        CHECK(changed.message == "its content does not match its hash");
        std::ofstream(other.path / "not-a-key") << "abc\n";
        CHECK_FALSE(store::read_audit_key(other.path / "not-a-key"));
    }
}

TEST_CASE("Notices are numbered and kept, and the clock pauses and resumes", "[store]") {
    Dir dir;
    testing::TestStore db(dir.path);
    auto store = db.open(dir.path / "materials", calendar());
    auto number = store.notices().record_notice({"WX01", "张敏", "赵丽", "411526199203100247",
                                                 R"([{"code":"000718001002"}])", R"([])",
                                                 "2026-11-23 09:30:00"});
    CHECK(number == "WX01-N-20261123-0001");
    auto notice = store.notices().find_notice(number);
    REQUIRE(notice);
    CHECK(notice->applicant_name == "赵丽");
    CHECK_FALSE(store.notices().find_notice("WX01-N-20261123-0002"));

    auto accepted = store.cases().accept(request({}, "2026-11-23 10:00:00"));
    CHECK(accepted.items[0].promised_date == Date{2026, 11, 26});
    store.cases().pause_clock(accepted.case_number, "000718001001", "专家评审", Date{2026, 11, 24},
                              "张敏");
    CHECK_THROWS_AS(store.cases().pause_clock(accepted.case_number, "000718001001", "x",
                                              Date{2026, 11, 24}, "张敏"),
                    Error);
    store.cases().resume_clock(accepted.case_number, "000718001001", Date{2026, 11, 27}, "张敏");
    auto record = store.cases().find(accepted.case_number);
    REQUIRE(record);
    CHECK(record->items[0].paused_days == 3);  // 25, 26, 27 November
    CHECK(record->items[0].promised_date == Date{2026, 12, 1});
    CHECK(record->events.size() == 3);
    CHECK(store.audit().verify().ok);
}
