// Backups: online (the store stays open and keeps writing), checked, incremental for materials,
// retention, and a restore that passes integrity_check and holds every case and material.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "onewindow/core/backup.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

CaseStore open_store(const fs::path& data) {
    return CaseStore::open(
        data / "counter.db", data / "materials",
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));
}

std::string accept_with_scan(CaseStore& store, const fs::path& scan, const std::string& now) {
    AcceptRequest r = testing::sample_accept_request(now);
    r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
    r.materials = {{"id_card", "居民身份证", 1, 1, scan, false, ""}};
    return store.cases().accept(r).case_number;
}

long long count(const fs::path& db, const std::string& table) {
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

}  // namespace

TEST_CASE("Backups are online, checked, incremental and kept to a number, and restore whole",
          "[backup]") {
    testing::TempDir dir;
    const fs::path data = dir.path / "data", backups = dir.path / "backups";
    fs::create_directories(data);
    const fs::path scans = fs::path(ONEWINDOW_SOURCE_DIR) / "app/cli/demo/scans";
    CaseStore store = open_store(data);  // stays open, as in a running shell
    std::ofstream(data / "counter.json") << R"({"code": "WX01"})";
    std::ofstream(data / "calendar-edits.json") << "{}";  // the administrator's holiday edits
    for (int i = 0; i < 5; ++i)
        accept_with_scan(store, scans / "id_card_li_na.png",
                         "2026-11-2" + std::to_string(i) + " 10:00:00");

    auto first = backup_counter(data, backups, 2, "2026-11-23 18:00:00");
    CHECK(first.folder == backups / "backup-20261123-180000");
    CHECK(first.cases == 5);
    CHECK(first.material_files == 1);  // the same scan five times: one content-addressed file
    CHECK(fs::exists(first.folder / "counter.json"));
    CHECK(fs::exists(first.folder / "calendar-edits.json"));

    // More work after the first backup: a new scan; the next backup copies only what is new.
    accept_with_scan(store, scans / "hukou.png", "2026-11-24 09:00:00");
    auto second = backup_counter(data, backups, 2, "2026-11-24 18:00:00");
    CHECK(second.cases == 6);
    CHECK(second.material_files == 1);
    auto third = backup_counter(data, backups, 2, "2026-11-25 18:00:00");
    CHECK(third.material_files == 0);
    REQUIRE(third.removed == std::vector<fs::path>{first.folder});  // two kept
    CHECK(list_backups(backups) == std::vector<fs::path>{second.folder, third.folder});

    // Restore into a new folder: integrity, every case, every material file.
    const fs::path restored = dir.path / "restored";
    restore_counter(third.folder, restored);
    {
        SQLite::Database db((restored / "counter.db").string(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    }
    CHECK(count(restored / "counter.db", "cases") == 6);
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(restored / "materials"))
        files += e.is_regular_file();
    CHECK(files == 2);
    CaseStore reopened = open_store(restored);
    // The audit key and head came along: the restored counter checks its own events' keyed
    // hashes as before, none left "unchecked".
    CHECK(fs::exists(restored / "audit.key"));
    CHECK(fs::exists(restored / "audit-head"));
    const auto verified = reopened.audit().verify();
    CHECK(verified.ok);
    CHECK(verified.events == 6);  // the six acceptances
    CHECK(verified.unchecked == 0);
    CHECK(reopened.cases().list({}).size() == 6);

    // Restoring over existing data is refused; a damaged backup is refused before anything.
    CHECK_THROWS_AS(restore_counter(third.folder, restored), Error);
    {
        std::fstream db(second.folder / "counter.db",
                        std::ios::in | std::ios::out | std::ios::binary);
        db.seekp(100);  // the schema page after the file header: the table list is gone
        db << std::string(4096 - 100, '\x5a');
    }
    try {
        restore_counter(second.folder, dir.path / "from-damaged");
        FAIL("a damaged backup was restored");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Integrity);
        CHECK(std::string(e.what()).find("damaged") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.path / "from-damaged" / "counter.db"));

    // A centre's store password in counter.json stays out of the backup; the rest is kept.
    std::ofstream(data / "counter.json", std::ios::trunc)
        << R"({"code": "WX01", "store": "postgresql://onewindow:s3cret-pw@centre-db/onewindow_centre"})";
    const auto fourth = backup_counter(data, backups, 2, "2026-11-26 18:00:00");
    const std::string kept = onewindow::read_text_file(fourth.folder / "counter.json");
    CHECK(kept.find("s3cret-pw") == std::string::npos);
    CHECK(kept.find("centre-db/onewindow_centre") != std::string::npos);
    CHECK(kept.find("WX01") != std::string::npos);
}

TEST_CASE("Scheduled backups: backup.json checked, due by the newest backup's age, run on a thread",
          "[backup]") {
    testing::TempDir dir{"onewindow-schedule"};
    const fs::path data = dir.path / "data";
    auto write = [&](const std::string& json) { std::ofstream(data / "backup.json") << json; };
    fs::create_directories(data);
    {
        CaseStore store = open_store(data);
        accept_with_scan(store, fs::path(ONEWINDOW_SOURCE_DIR) / "app/cli/demo/scans/hukou.png",
                         "2026-11-23 09:00:00");
    }
    CHECK_FALSE(BackupSchedule::load(data));  // none configured
    // Bad files are refused, naming the key.
    for (const auto& [json, named] : std::vector<std::pair<std::string, std::string>>{
             {R"({"every_hours": 24})", "$.folder"},
             {R"({"folder": "b", "every_hours": 0})", "$.every_hours"},
             {R"({"folder": "b", "keep": "all"})", "$.keep"},
             {R"({"folder": "b", "hourly": true})", "hourly"},
             {R"({"folder": "."})", "$.folder"}}) {
        write(json);
        INFO(json);
        try {
            BackupSchedule::load(data);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find("backup.json") != std::string::npos);
            CHECK(std::string(e.what()).find(named) != std::string::npos);
        }
    }
    write(R"({"folder": "../backups", "every_hours": 6, "keep": 2})");
    const auto schedule = BackupSchedule::load(data);
    REQUIRE(schedule);
    CHECK(schedule->folder == data / "../backups");
    CHECK(schedule->every_hours == 6);
    // Due with no backup yet; not while the newest is younger than six hours.
    CHECK(backup_due(*schedule, "2026-11-23 10:00:00"));
    backup_counter(data, schedule->folder, 2, "2026-11-23 10:00:00");
    CHECK(newest_backup_time(schedule->folder) == "2026-11-23 10:00:00");
    CHECK_FALSE(backup_due(*schedule, "2026-11-23 15:59:59"));
    CHECK(backup_due(*schedule, "2026-11-23 16:00:00"));
    CHECK(backup_due(*schedule, "2026-11-24 08:00:00"));  // across midnight

    // The scheduler: the backup is due (made at 10:00 "today" long ago), so it makes one at once,
    // then waits; stop() returns promptly.
    fs::remove_all(schedule->folder);
    {
        BackupScheduler scheduler(data, *schedule, std::chrono::milliseconds(20));
        scheduler.start();
        for (int i = 0; i < 250 && scheduler.backups_made() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CHECK(scheduler.backups_made() == 1);
        CHECK(scheduler.last_error().empty());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // several checks
        CHECK(scheduler.backups_made() == 1);                         // not due again
        scheduler.stop();
    }
    const auto made = list_backups(schedule->folder);
    REQUIRE(made.size() == 1);
    CHECK(count(made[0] / "counter.db", "cases") == 1);
    // A folder that cannot be written: the error is kept, nothing half made.
    BackupSchedule broken = *schedule;
    broken.folder = dir.path / "a-file";
    std::ofstream(broken.folder) << "not a folder";
    BackupScheduler failing(data, broken, std::chrono::milliseconds(20));
    failing.start();
    for (int i = 0; i < 250 && failing.last_error().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    failing.stop();
    CHECK_FALSE(failing.last_error().empty());
    CHECK(failing.backups_made() == 0);
}
