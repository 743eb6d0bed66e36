// What the shell's set-up assistant (issue 19, point 4) calls in the core, on a real data
// folder, the real bundled plugins and the real back office: whether a folder is a first run,
// counter settings checked before they are written, plugins reviewed without being trusted, and
// the back office's health check.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "pdf_check.hpp"
#include "real_backoffice.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {
const fs::path stage = ONEWINDOW_STAGE_DIR;
}  // namespace

TEST_CASE(
    "What the set-up assistant calls: first run, counter settings, plugins to review, the "
    "back office's health",
    "[admin][setup]") {
    testing::ChineseMessages chinese;
    testing::TempDir dir{"onewindow-first-run"};
    const fs::path data = dir.path / "data";
    // An empty folder is a first run, and asking creates nothing.
    CHECK(Administration::first_run(stage, data));
    CHECK_FALSE(fs::exists(data));

    // Settings with a wrong service area or code are named and not written.
    fs::create_directories(data);
    CounterConfig config;
    config.service_area = "13043X";
    REQUIRE(config.problems().size() == 1);
    CHECK(config.problems().front().first == "service_area");
    CHECK_THROWS_WITH(config.save(data / "counter.json"),
                      Catch::Contains("service_area") && Catch::Contains("6 位行政区划代码"));
    config.code = "WX 01";
    CHECK(config.problems().size() == 2);
    CHECK_FALSE(fs::exists(data / "counter.json"));
    config = CounterConfig{};
    config.save(data / "counter.json");
    CHECK(CounterConfig::load(data / "counter.json").service_area == "130434");

    // Reviewing the bundled plugins trusts none of them; trusting them trusts the same digests.
    Issues issues;
    const auto reviewed = review_plugin_folders(plugin_folders_in(stage / "plugins"), issues);
    CHECK(issues.empty());
    REQUIRE(reviewed.size() >= 10);
    CHECK_FALSE(fs::exists(data / "trusted-plugins.json"));
    const auto trusted = trust_plugin_folders(data / "trusted-plugins.json",
                                              {reviewed.front().manifest.dir}, issues);
    REQUIRE(trusted.size() == 1);
    CHECK(trusted.front().digest == reviewed.front().digest);

    // Still a first run until an administrator exists in the store.
    CHECK(Administration::first_run(stage, data));
    {
        CaseStore store = open_store(stage, data);
        Administration::create_first_admin(store, "admin", "管理员", "WX01", "Weixian-2026-first");
    }
    CHECK_FALSE(Administration::first_run(stage, data));

    // The connection test: a real back office answers, a port nobody listens on does not.
    testing::TempDir office_dir{"onewindow-first-run-office"};
    testing::RealOffice office(office_dir.path);
    office.start();
    CHECK(endpoint_health({office.url(), testing::kSecret, ""}, "WX01") == "");
    const std::string refused = endpoint_health(
        {"http://127.0.0.1:" + std::to_string(testing::free_port()), "x", ""}, "WX01");
    CHECK_THAT(refused, Catch::Contains("没有应答"));
}
