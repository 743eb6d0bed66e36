// Backups of a service centre's store (backup.hpp): pg_dump into the usual backup folders, on
// the usual schedule, and pg_restore into an empty database, checked. On the test run's own
// PostgreSQL server ([centre]: the PostgreSQL pass only).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "onewindow/core/backup.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

WorkingCalendar calendar() {
    return WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar");
}

const fs::path kScans = fs::path(ONEWINDOW_SOURCE_DIR) / "app/cli/demo/scans";

std::string accept_with_scan(CaseStore& store, const fs::path& scan, const std::string& now) {
    AcceptRequest r = testing::sample_accept_request(now);
    r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
    r.materials = {{"id_card", "居民身份证", 1, 1, scan, false, ""}};
    return store.cases().accept(r).case_number;
}

/// The counter WX01's data folder on `store`: counter.json names it (with a password, which the
/// test server's trust rule ignores: it must reach pg_dump without its command line).
void configure(const fs::path& data, const std::string& store) {
    fs::create_directories(data);
    std::ofstream(data / "counter.json")
        << R"({"code": "WX01", "name": "魏县政务服务中心综合受理窗口", "service_area": "130434",)"
        << R"( "enquiry_phone": "0310-3512345", "store": ")" << store << "\"}";
}

CaseStore open_at(const testing::TestStore& db, const fs::path& data) {
    CaseStore store = db.open(data / "materials", calendar());
    store.database().anchor_audit(data, "WX01");  // as open_store() does
    return store;
}

}  // namespace

TEST_CASE("A centre's store is backed up with pg_dump and restored into an empty database, whole",
          "[centre][backup]") {
    testing::TempDir dir{"onewindow-centre-backup"};
    const fs::path data = dir.path / "data", backups = dir.path / "backups";
    testing::TestStore centre(dir.path);
    REQUIRE(centre.postgresql());
    std::string with_password = centre.text();
    with_password.replace(with_password.find("postgres@"), 9, "postgres:s3cr:et@");
    configure(data, with_password);
    std::string scan_sha;
    {
        CaseStore store = open_at(centre, data);
        accept_with_scan(store, kScans / "id_card_li_na.png", "2026-12-01 10:00:00");
        accept_with_scan(store, kScans / "id_card_li_na.png", "2026-12-02 10:00:00");
        scan_sha = store.cases().find("WX01-20261201-0001")->materials.at(0).sha256;
    }
    REQUIRE_FALSE(scan_sha.empty());

    const auto backup = backup_counter(data, backups, 3, "2026-12-02 18:00:00");
    CHECK(backup.folder == backups / "backup-20261202-180000");
    CHECK(backup.cases == 2);
    CHECK(backup.material_files == 0);  // the scans are rows of the dump
    CHECK(fs::file_size(backup.folder / "centre.dump") > 1000);
    CHECK_FALSE(fs::exists(backup.folder / "counter.db"));
    CHECK((fs::status(backup.folder / "centre.dump").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    for (const char* file : {"counter.json", store::kAuditKeyFile, store::kAuditHeadFile})
        CHECK(fs::exists(backup.folder / file));
    CHECK(read_text_file(backup.folder / "counter.json").find("s3cr") == std::string::npos);
    CHECK(list_backups(backups) == std::vector<fs::path>{backup.folder});

    // The centre goes on after the backup.
    {
        CaseStore store = open_at(centre, data);
        accept_with_scan(store, kScans / "hukou.png", "2026-12-03 09:00:00");
    }
    REQUIRE(centre.count("cases") == 3);

    // Not into a database that holds a store: refused, that store as it was.
    testing::TempDir elsewhere{"onewindow-centre-restore-refused"};
    try {
        restore_counter(backup.folder, elsewhere.path / "data", centre.text());
        FAIL("restored over a store");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Input);
        CHECK_THAT(e.what(), Catch::Contains("not empty"));
    }
    CHECK(centre.count("cases") == 3);
    CHECK_FALSE(fs::exists(elsewhere.path / "data" / "counter.json"));

    // Into a new, empty database: the cases and scans of the backup, the chain verifying with
    // the counter's key and head file, and counter.json naming the new database.
    testing::TestStore fresh(dir.path / "fresh");
    const fs::path restored = dir.path / "restored";
    restore_counter(backup.folder, restored, fresh.text());
    CHECK(fresh.count("cases") == 2);
    CHECK(store_location(restored).target == fresh.location().target);
    CaseStore back = open_at(fresh, restored);
    const auto verified = back.audit().verify();
    CHECK(verified.ok);
    CHECK(verified.events == 2);
    CHECK(verified.unchecked == 0);
    CHECK(verified.head_checked);
    const auto bytes = back.materials().read(scan_sha);
    REQUIRE(bytes);
    CHECK(*bytes == read_text_file(kScans / "id_card_li_na.png"));
    CHECK_FALSE(back.cases().find("WX01-20261203-0001"));  // made after the backup
    // The restored counter takes in again, its numbers going on.
    CHECK(accept_with_scan(back, kScans / "hukou.png", "2026-12-02 11:00:00") ==
          "WX01-20261202-0002");
    CHECK(back.audit().verify().ok);

    // Scheduled like a counter's: backup.json, the scheduler's thread, retention.
    std::ofstream(data / "backup.json")
        << R"({"folder": ")" << backups.string() << R"(", "every_hours": 1, "keep": 1})";
    const auto schedule = BackupSchedule::load(data);
    REQUIRE(schedule);
    BackupScheduler scheduler(data, *schedule, std::chrono::milliseconds(50));
    scheduler.start();
    for (int i = 0; i < 600 && scheduler.backups_made() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    scheduler.stop();
    CHECK(scheduler.last_error().empty());
    REQUIRE(scheduler.backups_made() == 1);
    const auto kept = list_backups(backups);
    REQUIRE(kept.size() == 1);  // keep 1: the scheduled one
    CHECK(kept.front() != backup.folder);
    CHECK(fs::exists(kept.front() / "centre.dump"));
}

TEST_CASE("A centre's backup with its server down is a clear error and leaves no half folder",
          "[centre][backup]") {
    testing::TempDir dir{"onewindow-centre-backup-down"};
    const fs::path data = dir.path / "data", backups = dir.path / "backups";
    // The socket folder of a server that is not running.
    fs::create_directories(dir.path / "down");
    const std::string store = "postgresql://postgres@/centre?host=" + (dir.path / "down").string();
    configure(data, store);
    try {
        backup_counter(data, backups, 3, "2026-12-02 18:00:00");
        FAIL("backed up from a server that is down");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Storage);
        CHECK_THAT(e.what(), Catch::Contains((dir.path / "down").string()));
    }
    CHECK(list_backups(backups).empty());
    CHECK((!fs::exists(backups) || fs::is_empty(backups)));
}
