// A second counter's store merged into a centre's store that holds cases already
// (store/migrate.hpp): every row under a new id with its references mapped, the merged audit
// events walked as that counter's own chains, its numbering and chains going on in the centre,
// and the merges the centre cannot take refused with nothing written. On the engine of the
// pass: a SQLite centre, then a PostgreSQL one.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/materials.hpp"
#include "onewindow/store/migrate.hpp"
#include "own_counter.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

WorkingCalendar calendar() { return WorkingCalendar::load_dir(testing::kCalendarDir); }

AcceptRequest request_at(const std::string& counter, const std::string& now) {
    AcceptRequest r = testing::sample_accept_request(now);
    r.counter = counter;
    r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
    return r;
}

void add_user(CaseStore& store, const std::string& name, Role role, const std::string& counter) {
    NewUser user;
    user.name = name;
    user.display_name = "张敏";
    user.counter = counter;
    user.password = "window-2026";
    user.role = role;
    store.accounts().create_user(user, "setup");
}

store::Location location_of(const testing::OwnCounter& counter) {
    return {store::Engine::SQLite, (counter.dir.path / "counter.db").string()};
}

/// Moves `counter`'s store into `centre` as `onewindow-cli admin store migrate` does.
store::MigrationReport move(testing::OwnCounter& counter, const testing::TestStore& centre,
                            const fs::path& materials) {
    return store::migrate_store(location_of(counter), counter.dir.path / "materials",
                                centre.location(), materials, counter.dir.path, "test");
}

/// The rows of every table a merge writes to.
std::map<std::string, long long> rows_of(const testing::TestStore& centre) {
    std::map<std::string, long long> rows;
    for (const char* table :
         {"users", "cases", "case_items", "case_materials", "outbox", "ratings",
          "counter_sequences", "audit_events", "audit_heads", "audit_imports", "item_decisions"})
        rows[table] = centre.count(table);
    return rows;
}

}  // namespace

TEST_CASE(
    "A second counter's store merges into a centre holding cases: its cases whole under new "
    "ids, its chains verifying, its numbering and chains going on",
    "[store][migration]") {
    testing::TempDir centre_dir{"onewindow-merge"};
    testing::TestStore centre(centre_dir.path, "centre.db");
    const fs::path materials = centre_dir.path / "materials";
    testing::OwnCounter first("WX01"), second("WX02", true);
    // A clerk who works at both windows has an account at each: the same clerk.
    add_user(first.store, "zhangmin", Role::Clerk, "WX01");
    add_user(second.store, "zhangmin", Role::Clerk, "WX02");
    CHECK_FALSE(move(first, centre, materials).merged);  // the centre's first counter
    {
        CaseStore at_centre = centre.open(materials, calendar());
        at_centre.database().anchor_audit(first.dir.path, "WX01");
        at_centre.cases().accept(request_at("WX01", "2026-12-03 09:00:00"));
    }
    const long long centre_events = centre.count("audit_events");
    const auto second_events = static_cast<long long>(second.store.audit().events().size());
    const auto source_case = *second.store.cases().find(second.first);

    const auto own_head = store::read_audit_head(second.dir.path);
    REQUIRE(own_head);
    const auto report = move(second, centre, materials);
    CHECK(report.merged);
    // The counter's own folder is as it was: its store still verifies with its head file, which
    // the move left alone. Joining, the counter's head file follows its event to its new id.
    CHECK(store::read_audit_head(second.dir.path) == own_head);
    CHECK(second.store.audit().verify().head_checked);
    store::follow_audit_head(centre.location(), second.dir.path);
    const auto followed = store::read_audit_head(second.dir.path);
    REQUIRE(followed);
    CHECK(followed->second == own_head->second);
    CHECK(followed->first > own_head->first);
    CHECK(report.rows.at("cases") == 2);
    CHECK(report.rows.at("users") == 1);  // admin_WX02; zhangmin is the centre's already
    CHECK(report.shared_accounts == 1);
    CHECK(report.pending == 2);
    CHECK(report.materials == 1);
    CHECK(centre.count("cases") == 5);
    CHECK(centre.count("users") == 3);
    CHECK(centre.count("audit_events") == centre_events + second_events + 1);
    CHECK(centre.count("audit_imports") == 1);
    // Every row of WX02 hangs from WX02's cases under their new ids.
    CHECK(centre.scalar("SELECT count(*) FROM case_items i JOIN cases c ON c.id = i.case_id"
                        " WHERE c.counter = 'WX02'") == 2);
    CHECK(centre.scalar("SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id"
                        " WHERE c.counter = 'WX02' AND o.state = 'pending'") == 2);
    CHECK(centre.scalar("SELECT count(*) FROM ratings r JOIN cases c ON c.id = r.case_id"
                        " WHERE c.number = '" +
                        second.first + "'") == 1);
    CHECK(centre.scalar("SELECT min(id) FROM cases WHERE counter = 'WX02'") >
          centre.scalar("SELECT max(id) FROM cases WHERE counter = 'WX01'"));

    CaseStore at_centre = centre.open(materials, calendar());
    at_centre.database().anchor_audit(second.dir.path, "WX02");
    const auto merged_case = at_centre.cases().find(second.first);
    REQUIRE(merged_case);
    CHECK(merged_case->applicant_id_number == source_case.applicant_id_number);
    REQUIRE(merged_case->items.size() == source_case.items.size());
    CHECK(merged_case->items.at(0).code == source_case.items.at(0).code);
    REQUIRE(merged_case->materials.size() == source_case.materials.size());
    CHECK(merged_case->materials.at(0).sha256 == second.scan_sha);
    CHECK(merged_case->events.size() == source_case.events.size());
    CHECK(at_centre.materials().read(second.scan_sha));

    // The whole centre verifies with both counters' keys: WX02's events as its own store's
    // chains (the legacy one, WX02's, the one of no counter), checked against its head file.
    auto verified = at_centre.audit().verify({first.key()});
    INFO(verified.message);
    CHECK(verified.ok);
    CHECK(verified.unchecked == 0);
    CHECK(verified.head_checked);
    CHECK(verified.events == centre_events + second_events + 1);

    // WX02 goes on from its chain's head and its numbering; WX01 on its own; a new counter
    // starts from the centre's legacy head. It all still verifies.
    const std::string wx02_head = at_centre.audit().head("WX02")->hash;
    CHECK(at_centre.cases().accept(request_at("WX02", "2026-12-01 11:00:00")).case_number ==
          "WX02-20261201-0002");
    CHECK(centre.scalar("SELECT count(*) FROM audit_events WHERE prev_hash = '" + wx02_head +
                        "' AND counter = 'WX02'") == 1);
    at_centre.cases().accept(request_at("WX03", "2026-12-03 10:00:00"));
    {
        CaseStore wx01 = centre.open(materials, calendar());
        wx01.database().anchor_audit(first.dir.path, "WX01");
        CHECK(wx01.cases().accept(request_at("WX01", "2026-12-03 10:30:00")).case_number ==
              "WX01-20261203-0002");
    }
    verified = at_centre.audit().verify({first.key()});
    INFO(verified.message);
    CHECK(verified.ok);

    // Again: the centre has WX02's store already, and nothing is copied.
    const auto rows = rows_of(centre);
    CHECK(move(second, centre, materials).already_done);
    CHECK(rows_of(centre) == rows);

    // Whoever can write the database cannot hide a change in the merged events.
    auto d = centre.connect();
    testing::drop_audit_triggers(centre, *d);
    SECTION("an event cut from the end of a merged chain") {
        d->exec(
            "DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events WHERE"
            " counter = 'WX02' AND id <= (SELECT last_id FROM audit_imports))");
        const auto broken = at_centre.audit().verify({first.key()});
        CHECK_FALSE(broken.ok);
        CHECK(broken.message ==
              "a merged store's chain does not end at the head its merge recorded: events were "
              "deleted");
    }
    SECTION("an event of the chain written before schema 12 changed") {
        d->exec("UPDATE audit_events SET subject = 'WX02-old-9' WHERE subject = 'WX02-old-2'");
        const auto broken = at_centre.audit().verify({first.key()});
        CHECK_FALSE(broken.ok);
        CHECK(broken.message == "its content does not match its hash");
    }
    SECTION("the record of the merge changed or gone") {
        d->exec("UPDATE audit_imports SET first_id = first_id + 1");
        CHECK(at_centre.audit().verify({first.key()}).message ==
              "the record of a merged store's events does not match the event of its merge");
        d->exec("DELETE FROM audit_imports");
        CHECK_FALSE(at_centre.audit().verify({first.key()}).ok);
    }
}

TEST_CASE("A merge the centre cannot take is refused, and nothing is written",
          "[store][migration]") {
    testing::TempDir centre_dir{"onewindow-merge-refused"};
    testing::TestStore centre(centre_dir.path, "centre.db");
    const fs::path materials = centre_dir.path / "materials";
    testing::OwnCounter first("WX01");
    add_user(first.store, "zhangmin", Role::Clerk, "WX01");
    move(first, centre, materials);
    auto rows = rows_of(centre);
    const auto refused = [&](testing::OwnCounter& counter, const std::string& named) {
        try {
            move(counter, centre, materials);
            FAIL("merged " + counter.code);
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(named) != std::string::npos);
        }
        CHECK(rows_of(centre) == rows);
    };
    SECTION("another store of a counter the centre has") {
        testing::OwnCounter again("WX01");
        refused(again, "the counter WX01 has cases or audit events in");
    }
    SECTION("an account of the same name with another role") {
        testing::OwnCounter other("WX04");
        add_user(other.store, "zhangmin", Role::Supervisor, "WX04");
        refused(other, "the account zhangmin is in both stores with different roles");
    }
    SECTION("a row the centre's constraints refuse, half way through the copy") {
        // The same decision of a back office in both stores (one back office's cursor names
        // one decision): the merge's writes are pipelined on PostgreSQL, and the failure of one
        // still fails the whole merge.
        const std::string decision =
            "INSERT INTO item_decisions (case_item_id, back_office, cursor, outcome, reason, data,"
            " missing_materials, decided_by, decided_at, received_at) SELECT max(id),"
            " 'county_health', 7, 'approved', '', '{}', '[]', '李明', '2026-12-02 10:00:00',"
            " '2026-12-02 10:00:00' FROM case_items";
        centre.connect()->exec(decision);
        testing::OwnCounter other("WX06");
        other.store.database().exec(decision);
        rows["item_decisions"] = 1;
        refused(other, "item_decisions");
    }
    SECTION("a store whose own audit log does not verify") {
        testing::OwnCounter other("WX05");
        other.store.database().exec(
            "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'x' WHERE id = "
            "(SELECT max(id) FROM audit_events WHERE type = 'case.accepted')");
        refused(other, "does not verify");
    }
}

TEST_CASE("A merge while the centre's counters accept: every case kept, the chains whole",
          "[centre]") {
    testing::TempDir centre_dir{"onewindow-merge-busy"};
    testing::TestStore centre(centre_dir.path);
    const fs::path materials = centre_dir.path / "materials";
    testing::OwnCounter first("WX01"), second("WX02", true);
    move(first, centre, materials);
    std::atomic<bool> merged{false};
    std::atomic<int> accepted{0};
    testing::at_once(3, [&](int i) {
        if (i == 0) {
            while (accepted < 4) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            CHECK(move(second, centre, materials).merged);
            store::follow_audit_head(centre.location(), second.dir.path);
            merged = true;
            return;
        }
        // Two counters accept before the merge, while it runs, and after.
        CaseStore at_centre = centre.open(materials, calendar());
        const std::string counter = i == 1 ? "WX01" : "WX09";
        at_centre.database().anchor_audit(first.dir.path, counter);
        for (int after = 0; after < 5; after += merged ? 1 : 0) {
            at_centre.cases().accept(request_at(counter, "2026-12-03 09:00:00"));
            ++accepted;
        }
    });
    CHECK(centre.count("cases") == 2 + 2 + accepted);
    CHECK(centre.scalar("SELECT count(DISTINCT number) FROM cases") == centre.count("cases"));
    // The merged events are one range, with the counters' events before and after it.
    CHECK(centre.scalar("SELECT count(*) FROM audit_events e, audit_imports i WHERE e.id BETWEEN"
                        " i.first_id AND i.last_id AND e.counter NOT IN ('WX02', '')") == 0);
    CHECK(centre.scalar("SELECT count(*) FROM audit_events e, audit_imports i WHERE"
                        " e.id > i.event_id AND e.counter IN ('WX01', 'WX09')") >= 10);
    CaseStore at_centre = centre.open(materials, calendar());
    at_centre.database().anchor_audit(second.dir.path, "WX02");
    const auto verified = at_centre.audit().verify({first.key()});
    INFO(verified.message);
    CHECK(verified.ok);
    CHECK(verified.unchecked == 0);
}
