// A counter that ran on its own SQLite file, for the tests that bring one into a centre's store
// (store/migrate.hpp): the one to join an empty store, and those merged after it.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

namespace onewindow::testing {

inline const std::filesystem::path kCalendarDir =
    std::filesystem::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar";

/// A counter of its own: counter.db in its data folder, an administrator, two cases (one with a
/// scan, both still to send) and a rating. With `history`, what an older store has too: events
/// written before schema 12 (the legacy chain, plain then keyed), and an event of no counter.
struct OwnCounter {
    TempDir dir{"onewindow-join"};
    std::string code;
    CaseStore store = CaseStore::open(dir.path / "counter.db", dir.path / "materials",
                                      WorkingCalendar::load_dir(kCalendarDir));
    UserAccount admin;
    std::string first, scan_sha;

    explicit OwnCounter(std::string counter_code, bool history = false)
        : code(std::move(counter_code)) {
        namespace fs = std::filesystem;
        CounterConfig config;
        config.code = code;
        config.save(dir.path / "counter.json");
        if (history) {
            const std::string key = store.database().audit_key(true);
            for (int n = 0; n < 3; ++n)
                append_audit_by_hand(store.database(),
                                     AuditEvent{0, "2026-11-30 09:00:0" + std::to_string(n), "张敏",
                                                n == 1 ? "" : code, "case.accepted",
                                                code + "-old-" + std::to_string(n), "{}", true, ""},
                                     true, n == 0 ? "" : key);
        }
        NewUser user;
        user.name = "admin_" + code;
        user.display_name = "王磊";
        user.counter = code;
        user.password = "window-2026";
        user.role = Role::Administrator;
        store.accounts().create_user(user, "setup");
        admin = *store.accounts().find(user.name);
        const fs::path scan = dir.path / "id_card.png";
        std::ofstream(scan, std::ios::binary) << "the scan of " << code << '\0' << "binary";
        for (int i = 0; i < 2; ++i) {
            AcceptRequest r = sample_accept_request("2026-12-0" + std::to_string(1 + i) + " 09:3" +
                                                    std::to_string(i) + ":00");
            r.counter = code;
            r.items = {sample_item("000718001001", "county_health", "county_health")};
            r.materials = {{"id_card", "居民身份证", 1, 0, i == 0 ? scan : fs::path(), false, ""}};
            const auto number = store.cases().accept(r).case_number;
            if (i == 0) first = number;
        }
        store.hand_outs().record_rating(first, 2, "等太久", "2026-12-01 10:00:00");
        scan_sha = store.cases().find(first)->materials.at(0).sha256;
        if (history)
            store.database().append_audit(AuditEvent{0, "2026-12-02 18:00:00", "system", "",
                                                     "backup.made", "counter.db", "{}", true, ""});
    }
    Administration as_admin() { return Administration(store, dir.path, kCalendarDir, admin); }
    /// This counter's audit key (its audit.key file).
    std::string key() { return store.database().audit_key(false); }
};

}  // namespace onewindow::testing
