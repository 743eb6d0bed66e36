// A counter that ran on its own SQLite file joins the service centre's PostgreSQL store
// (Administration::join_centre, store/migrate.hpp). Run in the PostgreSQL pass only ([centre]).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/store/materials.hpp"
#include "onewindow/store/migrate.hpp"
#include "own_counter.hpp"
#include "sample_case.hpp"
#include "shell_run.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path kCalendar = testing::kCalendarDir;

}  // namespace

TEST_CASE(
    "A counter joins the centre's store: everything copied once, the chain whole, and "
    "the counter works on the centre from then on",
    "[centre]") {
    testing::TempDir centre_dir{"onewindow-join-centre"};
    testing::TestStore centre(centre_dir.path);
    REQUIRE(centre.postgresql());
    testing::OwnCounter own("WX05");
    REQUIRE_FALSE(own.scan_sha.empty());
    const long long events = static_cast<long long>(own.store.audit().events().size());

    const auto report = own.as_admin().join_centre(centre.text());
    CHECK_FALSE(report.already_done);
    CHECK(report.rows.at("cases") == 2);
    CHECK(report.materials == 1);
    CHECK(report.pending == 2);
    CHECK(centre.count("cases") == 2);
    CHECK(centre.count("case_items") == 2);
    CHECK(centre.count("ratings") == 1);
    CHECK(centre.count("users") == 1);
    CHECK(centre.scalar("SELECT count(*) FROM outbox WHERE state = 'pending'") == 2);
    // Every event of the counter, then the join itself; the chain verifies on the centre.
    CHECK(centre.count("audit_events") == events + 1);
    {
        // Opened as the counter opens it: anchored in its data folder (its audit key and head).
        CaseStore joined =
            centre.open(centre_dir.path / "materials", WorkingCalendar::load_dir(kCalendar));
        joined.database().anchor_audit(own.dir.path);
        CHECK(joined.audit().verify().ok);
        // The scan is in the centre's store, byte for byte.
        const auto bytes = joined.materials().read(own.scan_sha);
        REQUIRE(bytes);
        CHECK(*bytes == onewindow::read_text_file(own.dir.path / "id_card.png"));
        // The counter's numbering goes on after its last case; ids too.
        AcceptRequest next = testing::sample_accept_request("2026-12-01 11:00:00");
        next.counter = "WX05";
        next.items = {testing::sample_item("000718001001", "county_health", "county_health")};
        CHECK(joined.cases().accept(next).case_number == "WX05-20261201-0002");
        CHECK(joined.audit().verify().ok);
    }
    // counter.json points at the centre: the counter opens it from now on.
    CHECK(CounterConfig::load(own.dir.path / "counter.json").store == centre.text());
    CHECK(store_location(own.dir.path).engine == store::Engine::PostgreSQL);

    // Again: the counter is on the centre already (refused, nothing written); the copy itself,
    // run again, finds its earlier run and copies nothing.
    CHECK_THROWS_AS(own.as_admin().join_centre(centre.text()), Error);
    const auto again = store::migrate_store(
        {store::Engine::SQLite, (own.dir.path / "counter.db").string()}, own.dir.path / "materials",
        centre.location(), {}, own.dir.path, "test");
    CHECK(again.already_done);
    CHECK(centre.count("cases") == 3);
    CHECK(centre.count("audit_events") == events + 2);

    // Another counter joins after it: merged beside the cases there (test_store_merge.cpp),
    // and pointed at the centre too.
    testing::OwnCounter other("WX06");
    const auto merged = other.as_admin().join_centre(centre.text());
    CHECK(merged.merged);
    CHECK(merged.rows.at("cases") == 2);
    CHECK(centre.count("cases") == 5);
    CHECK(CounterConfig::load(other.dir.path / "counter.json").store == centre.text());
    {
        CaseStore joined =
            centre.open(centre_dir.path / "materials", WorkingCalendar::load_dir(kCalendar));
        joined.database().anchor_audit(other.dir.path, "WX06");
        const auto verified = joined.audit().verify({own.key()});
        CHECK(verified.ok);
        CHECK(verified.unchecked == 0);
        CHECK(verified.head_checked);
    }
}

TEST_CASE("A join that fails half way leaves the centre's store empty", "[centre]") {
    testing::TempDir centre_dir{"onewindow-join-fail"};
    testing::TestStore centre(centre_dir.path);
    testing::OwnCounter own("WX07");
    // The scan a case names is gone from the counter's folder: the copy stops at it.
    fs::remove_all(own.dir.path / "materials");
    try {
        own.as_admin().join_centre(centre.text());
        FAIL("joined without the scans");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find(own.scan_sha) != std::string::npos);
    }
    CHECK(centre.count("cases") == 0);
    CHECK(centre.count("audit_events") == 0);
    CHECK(CounterConfig::load(own.dir.path / "counter.json").store.empty());
}

TEST_CASE("onewindow-cli admin store join moves a counter into the centre, as an administrator",
          "[centre][e2e]") {
    testing::TempDir centre_dir{"onewindow-join-cli"};
    testing::TestStore centre(centre_dir.path);
    testing::OwnCounter own("WX08");
    const fs::path cli = fs::path(ONEWINDOW_STAGE_DIR) / "bin/onewindow-cli";
    const std::string command = testing::quote(cli) + " --data " + testing::quote(own.dir.path) +
                                " admin --user admin_WX08 store join --to " +
                                testing::quote(centre.text());
    // A wrong password moves nothing.
    auto denied = testing::run("ONEWINDOW_PASSWORD=wrong " + command);
    CHECK(denied.code != 0);
    CHECK(centre.count("cases") == 0);
    auto joined = testing::run("ONEWINDOW_PASSWORD=window-2026 " + command);
    INFO(joined.out);
    REQUIRE(joined.code == 0);
    CHECK(joined.out.find("已迁入服务中心数据库：办件 2 件") != std::string::npos);
    CHECK(centre.count("cases") == 2);
    // From now on the counter's commands work on the centre's store.
    auto verified = testing::run(testing::quote(cli) + " --data " + testing::quote(own.dir.path) +
                                 " audit verify");
    INFO(verified.out);
    CHECK(verified.code == 0);
    CHECK(centre.scalar("SELECT count(*) FROM audit_events WHERE type = 'store.migrated'") == 1);
}

TEST_CASE("onewindow-cli admin store migrate copies another counter's folder, once",
          "[centre][e2e]") {
    testing::TempDir centre_dir{"onewindow-migrate-cli"};
    testing::TestStore centre(centre_dir.path);
    testing::OwnCounter own("WX08"), township("XZ01");  // WX08's administrator brings XZ01's folder
    const fs::path cli = fs::path(ONEWINDOW_STAGE_DIR) / "bin/onewindow-cli";
    const std::string base = "ONEWINDOW_PASSWORD=window-2026 " + testing::quote(cli) + " --data " +
                             testing::quote(own.dir.path) +
                             " admin --user admin_WX08 store migrate --from ";
    const std::string command =
        base + testing::quote(township.dir.path) + " --to " + testing::quote(centre.text());
    const auto settings_of = [&] {
        std::ifstream in(township.dir.path / "counter.json");
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string settings = settings_of();
    auto copied = testing::run(command);
    INFO(copied.out);
    REQUIRE(copied.code == 0);
    CHECK(copied.out.find("办件 2 件，审计事件") != std::string::npos);
    CHECK(centre.count("cases") == 2);
    CHECK(centre.scalar("SELECT count(*) FROM cases WHERE counter = 'XZ01'") == 2);
    CHECK(centre.scalar("SELECT count(*) FROM cases WHERE counter = 'WX08'") == 0);
    CHECK(settings_of() == settings);  // no counter was pointed at the centre
    auto again = testing::run(command);
    INFO(again.out);
    CHECK(again.code == 0);
    CHECK(again.out.find("未重复复制") != std::string::npos);
    CHECK(centre.count("cases") == 2);
    // A second township's folder merges beside it.
    testing::OwnCounter second_township("XZ02");
    auto merged = testing::run(base + testing::quote(second_township.dir.path) + " --to " +
                               testing::quote(centre.text()));
    INFO(merged.out);
    CHECK(merged.code == 0);
    CHECK(merged.out.find("已与目标数据库中原有的办件合并") != std::string::npos);
    CHECK(centre.scalar("SELECT count(*) FROM cases WHERE counter = 'XZ02'") == 2);
    // A folder without a store is refused, and nothing is written.
    testing::TempDir empty{"onewindow-migrate-empty"};
    auto refused =
        testing::run(base + testing::quote(empty.path) + " --to " + testing::quote(centre.text()));
    CHECK(refused.code != 0);
    CHECK(refused.out.find("counter.db") != std::string::npos);
    CHECK(centre.count("cases") == 4);
}
