// The crash test (issue 18): the counter, as a black box (the staged onewindow-cli), killed with
// SIGKILL at random points during N intakes and N dispatches against the real
// onewindow-backoffice, then checked:
//   - every acknowledged case (the CLI printed "ACCEPTED <number>") is there, exactly once;
//   - no case is half there: each case in the file has its item, its four materials (the three
//     scans present in the materials folder with the right digest), its outbox row and its
//     case.accepted audit event, and no intake was taken twice;
//   - `onewindow-cli audit verify` passes;
//   - after the last dispatches every outbox row is sent and reached the back office exactly
//     once (its idempotency key is one case there, and the back office holds nothing else).
// The kills are random but repeatable: the seed is printed with the figures. N and the seed come
// from ONEWINDOW_CRASH_COUNT (100 when unset, which keeps the ctest run under a minute) and
// ONEWINDOW_CRASH_SEED; the full run:
//   ONEWINDOW_CRASH_COUNT=1000 build/tests/onewindow-unit-tests "[crash]"
// The checks read the counter's SQLite file (tables cases, case_items, case_materials, outbox,
// audit_events) and the back office's (cases) through connections of their own.
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/json.hpp"
#include "real_backoffice.hpp"
#include "shell_run.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using onewindow::testing::ChildProcess;

namespace {

const fs::path kStage = ONEWINDOW_STAGE_DIR;
const fs::path kDemo = fs::path(ONEWINDOW_SOURCE_DIR) / "app/cli/demo";

long long env_number(const char* name, long long fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::atoll(value) : fallback;
}

/// One run of onewindow-cli: its stdout lines, whether SIGKILL ended it, and how long it ran.
struct CliRun {
    std::vector<std::string> lines;
    bool killed = false;
    double ms = 0;
};

/// Runs onewindow-cli with `args`, killed with SIGKILL after `kill_after` when given (it may
/// have finished by then). What it printed before it ended is read either way.
CliRun run_cli(const fs::path& data, const std::vector<std::string>& args,
               std::optional<std::chrono::microseconds> kill_after) {
    std::vector<std::string> argv{(kStage / "bin/onewindow-cli").string(), "--data", data.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto start = Clock::now();
    ChildProcess child(argv);
    if (!child.started()) throw std::runtime_error("onewindow-cli did not start");
    if (kill_after) {
        std::this_thread::sleep_for(*kill_after);
        child.signal(SIGKILL);
    }
    CliRun run;
    while (auto line = child.read_line(std::chrono::seconds(60))) run.lines.push_back(*line);
    const int status = child.wait();
    run.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    return run;
}

/// The number of an "ACCEPTED <number>" line, or empty.
std::string accepted_number(const CliRun& run) {
    for (const auto& line : run.lines)
        if (line.rfind("ACCEPTED ", 0) == 0) return line.substr(9);
    return {};
}

long long count(SQLite::Database& db, const std::string& sql, const std::string& bound = {}) {
    SQLite::Statement query(db, sql);
    if (sql.find('?') != std::string::npos) query.bind(1, bound);
    query.executeStep();
    return query.getColumn(0).getInt64();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

}  // namespace

TEST_CASE(
    "Crash test: the counter killed at random points during intakes and dispatches loses "
    "and doubles nothing",
    "[crash][e2e]") {
    const long long n = env_number("ONEWINDOW_CRASH_COUNT", 100);
    const auto seed = static_cast<std::uint64_t>(env_number("ONEWINDOW_CRASH_SEED", 20261123));
    std::mt19937_64 random(seed);
    onewindow::testing::TempDir dir{"onewindow-crash"}, office_dir{"onewindow-crash-office"};
    const fs::path data = dir.path / "counter";
    onewindow::testing::RealOffice office(office_dir.path);
    office.start();
    const auto trusted =
        onewindow::testing::run(onewindow::testing::quote(kStage / "bin/onewindow-cli") +
                                " --data " + onewindow::testing::quote(data) + " plugins trust " +
                                onewindow::testing::quote(kStage / "plugins/family_planning"));
    INFO(trusted.out);
    REQUIRE(trusted.code == 0);
    std::ofstream(data / "exchange.json")
        << R"({"client": "WX01", "timeout_seconds": 5, "endpoints": {"county_health": {"url": ")"
        << office.url() << R"(", "secret": ")" << onewindow::testing::kSecret << R"("}}})";

    // The demo case with a marker of its own in each intake (结婚证字号), next to the scans.
    fs::copy(kDemo / "scans", dir.path / "scans", fs::copy_options::recursive);
    const std::string demo = onewindow::read_text_file(kDemo / "first_child_complete.json");
    const std::string original =
        R"("family_planning.marriage.certificate_no": "J130434-2024-001207")";
    REQUIRE(demo.find(original) != std::string::npos);
    // A whole case has a row for each material the intake names and a stored scan for each file.
    const auto count_in = [](const std::string& text, const std::string& what) {
        long long found = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
            ++found;
        return found;
    };
    const std::string listed = demo.substr(demo.find("\"materials\""));
    const long long scans_expected = count_in(listed, "\"file\":");
    const long long materials_expected = count_in(listed, "{\"key\":");
    REQUIRE(scans_expected >= 2);
    REQUIRE(materials_expected >= scans_expected);
    auto marker = [](long long i) { return "CRASH-" + std::to_string(i); };
    auto write_case = [&](long long i) {
        std::string text = demo;
        text.replace(text.find(original), original.size(),
                     R"("family_planning.marriage.certificate_no": ")" + marker(i) + "\"");
        std::ofstream(dir.path / "case.json", std::ios::trunc) << text;
    };

    // Most runs are killed, at a point drawn from their usual length (measured on the first
    // runs, which are not killed), so that kills land everywhere: while loading, in the middle of
    // the transaction, while sending, after printing.
    std::vector<double> intake_ms, dispatch_ms;
    auto kill_point = [&](const std::vector<double>& usual) {
        std::optional<std::chrono::microseconds> at;
        if (usual.size() >= 3 && std::uniform_real_distribution<>(0, 1)(random) < 0.75)
            at = std::chrono::microseconds(static_cast<long long>(
                std::uniform_real_distribution<>(0, 1.3)(random) * median(usual) * 1000));
        return at;
    };
    std::vector<std::pair<std::string, long long>> acknowledged;  // number, marker
    long long intakes_killed = 0, dispatches_killed = 0, plugin_disabled = 0;
    const fs::path stale_marker = data / "state" / "family_planning.initializing";
    const auto start = Clock::now();
    for (long long i = 0; i < n; ++i) {
        write_case(i);
        const auto kill_intake = kill_point(intake_ms);
        const CliRun intake =
            run_cli(data, {"intake", (dir.path / "case.json").string()}, kill_intake);
        if (!kill_intake) intake_ms.push_back(intake.ms);
        intakes_killed += intake.killed;
        std::string number = accepted_number(intake);
        if (number.empty() && !intake.killed && fs::exists(stale_marker)) {
            // A kill while the plugin initialised left its crash marker: the plugin host then
            // keeps the plugin off (finding for the plugin host, reproduced by the test below).
            // Removed as its message tells the operator to, and the intake taken again.
            ++plugin_disabled;
            fs::remove(stale_marker);
            number = accepted_number(
                run_cli(data, {"intake", (dir.path / "case.json").string()}, std::nullopt));
            REQUIRE_FALSE(number.empty());
        }
        if (!number.empty())
            acknowledged.emplace_back(number, i);
        else
            REQUIRE(intake.killed);  // every intake not killed is accepted
        const auto kill_dispatch = kill_point(dispatch_ms);
        const CliRun dispatch = run_cli(data, {"dispatch", "--once"}, kill_dispatch);
        if (!kill_dispatch) dispatch_ms.push_back(dispatch.ms);
        dispatches_killed += dispatch.killed;
    }

    // The last dispatches, not killed, send what is left.
    const fs::path counter_db = data / "counter.db";
    auto unsent = [&] {
        SQLite::Database db(counter_db.string(), SQLite::OPEN_READONLY);
        return count(db, "SELECT count(*) FROM outbox WHERE state <> 'sent'");
    };
    for (int pass = 0; pass < 20 && unsent() > 0; ++pass)
        run_cli(data, {"dispatch", "--once"}, std::nullopt);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

    SQLite::Database counter(counter_db.string(), SQLite::OPEN_READONLY);
    SQLite::Database backoffice(office.db.string(), SQLite::OPEN_READONLY);
    const long long cases = count(counter, "SELECT count(*) FROM cases");
    long long lost = 0, doubled = 0, half = 0, sent_twice = 0, missing_in_office = 0;
    // Every acknowledged case is there once, with its own marker.
    for (const auto& [number, i] : acknowledged) {
        SQLite::Statement query(counter, "SELECT values_json FROM cases WHERE number = ?");
        query.bind(1, number);
        if (!query.executeStep()) {
            ++lost;
            continue;
        }
        CHECK_THAT(query.getColumn(0).getString(), Catch::Contains("\"" + marker(i) + "\""));
    }
    // No intake twice: each marker in at most one case.
    {
        SQLite::Statement markers(
            counter,
            "SELECT count(*) FROM cases GROUP BY json_extract(values_json,"
            " '$.\"family_planning.marriage.certificate_no\"') HAVING count(*) > 1");
        while (markers.executeStep()) doubled += markers.getColumn(0).getInt64() - 1;
    }
    // No case half there.
    std::ostringstream halves;
    SQLite::Statement each(counter, "SELECT id, number FROM cases");
    while (each.executeStep()) {
        const std::string id = each.getColumn(0).getString(),
                          number = each.getColumn(1).getString();
        const long long items =
            count(counter, "SELECT count(*) FROM case_items WHERE case_id = ?", id);
        const long long materials =
            count(counter, "SELECT count(*) FROM case_materials WHERE case_id = ?", id);
        const long long outbox =
            count(counter, "SELECT count(*) FROM outbox WHERE case_id = ?", id);
        const long long accepted =
            count(counter,
                  "SELECT count(*) FROM audit_events WHERE type = 'case.accepted' AND subject = ?",
                  number);
        const bool whole =
            items == 1 && materials == materials_expected && outbox == 1 && accepted == 1;
        SQLite::Statement scans(counter,
                                "SELECT sha256 FROM case_materials WHERE case_id = ? AND"
                                " sha256 IS NOT NULL AND sha256 <> ''");
        scans.bind(1, id);
        int present = 0;
        while (scans.executeStep()) {
            const std::string sha = scans.getColumn(0).getString();
            const fs::path file = data / "materials" / sha.substr(0, 2) / sha;
            present += fs::exists(file) &&
                       onewindow::exchange::sha256_hex(onewindow::read_text_file(file)) == sha;
        }
        if (!whole || present != scans_expected) {
            ++half;
            halves << "case " << number << " is half there: " << items << " items, " << materials
                   << " materials, " << present << " scans, " << outbox << " outbox rows, "
                   << accepted << " acceptances\n";
        }
    }
    // Every outbox row sent and in the back office exactly once, and nothing else there.
    SQLite::Statement rows(counter, "SELECT idempotency_key FROM outbox");
    long long outbox_rows = 0;
    while (rows.executeStep()) {
        ++outbox_rows;
        const long long there =
            count(backoffice, "SELECT count(*) FROM cases WHERE idempotency_key = ?",
                  rows.getColumn(0).getString());
        missing_in_office += there == 0;
        sent_twice += there > 1;
    }
    const long long office_cases = count(backoffice, "SELECT count(*) FROM cases");
    const auto audit =
        onewindow::testing::run(onewindow::testing::quote(kStage / "bin/onewindow-cli") +
                                " --data " + onewindow::testing::quote(data) + " audit verify");

    std::cout << "crash test: seed " << seed << ", " << n << " intakes (" << intakes_killed
              << " killed, " << acknowledged.size() << " acknowledged, "
              << cases - static_cast<long long>(acknowledged.size())
              << " committed but killed before acknowledging), " << n << " dispatches ("
              << dispatches_killed << " killed); " << cases << " cases, " << outbox_rows
              << " outbox rows, " << office_cases << " cases in the back office; lost " << lost
              << ", doubled " << doubled << ", half there " << half << ", sent twice " << sent_twice
              << ", not sent " << missing_in_office << "; audit verify exit " << audit.code
              << "; plugin kept off by a stale crash marker " << plugin_disabled << " times; "
              << seconds << " s" << std::endl;
    CHECK(lost == 0);
    CHECK(doubled == 0);
    INFO(halves.str());
    CHECK(half == 0);
    CHECK(unsent() == 0);
    CHECK(missing_in_office == 0);
    CHECK(sent_twice == 0);
    CHECK(office_cases == outbox_rows);
    CHECK(outbox_rows == cases);
    INFO(audit.out);
    CHECK(audit.code == 0);
    // The run killed something in both phases (else it proved little).
    CHECK(intakes_killed > 0);
    CHECK(dispatches_killed > 0);
}

// A finding of the crash test for the plugin host (not the case store): the host marks a plugin
// "<data>/state/<id>.initializing" while it initialises it and, finding the marker at the next
// start, keeps the plugin off for good ("brought the program down during initialization last
// time"). A SIGKILL, a power cut or an OOM kill at that moment is not the plugin's fault, yet
// afterwards the counter cannot take in any case of that department until someone deletes the
// file. The marker left by such a kill is made here directly; the intake should still be
// accepted (e.g. by trying the marked plugin's initialisation in a child process first).
// Expected to fail until the plugin host is changed.
TEST_CASE("Crash test finding: a kill during plugin initialisation keeps the plugin off",
          "[crash][e2e][!mayfail]") {
    onewindow::testing::TempDir dir{"onewindow-crash-marker"};
    const fs::path data = dir.path / "counter";
    const auto cli = onewindow::testing::quote(kStage / "bin/onewindow-cli") + " --data " +
                     onewindow::testing::quote(data) + " ";
    REQUIRE(onewindow::testing::run(cli + "plugins trust " +
                                    onewindow::testing::quote(kStage / "plugins/family_planning"))
                .code == 0);
    fs::create_directories(data / "state");
    std::ofstream(data / "state" / "family_planning.initializing") << "1.0.0\n";
    const auto intake = onewindow::testing::run(
        cli + "intake " + onewindow::testing::quote(kDemo / "first_child_complete.json"));
    INFO(intake.out);
    CHECK(intake.code == 0);
    CHECK_THAT(intake.out, Catch::StartsWith("ACCEPTED "));
}
