// The demo data: accounts, trusted bundled plugins, example local standards for the departments'
// checks and the simulated reader's card, without overwriting what an administrator changed.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/json.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

TEST_CASE("Demo data gives the plugins example settings and keeps the administrator's", "[demo]") {
    ::setenv("ONEWINDOW_ROOT", ONEWINDOW_STAGE_DIR, 1);
    testing::TempDir dir;
    prepare_demo_data(dir.path);
    const fs::path file = dir.path / "plugin-settings.json";
    auto settings = load_json_file(file).extract<Poco::JSON::Object::Ptr>();
    REQUIRE(settings->getObject("civil_affairs"));
    CHECK(settings->getObject("civil_affairs")->getValue<int>("dibao_standard_urban") == 780);
    CHECK(settings->getObject("idcard_simulator")->getValue<std::string>("folder") ==
          fs::absolute(dir.path / "idcard-reader").string());
    CHECK(fs::exists(dir.path / "idcard-reader/card.json"));
    CHECK(fs::exists(dir.path / "trusted-plugins.json"));

    // The administrator sets the county's own standard; preparing again keeps it.
    settings->getObject("civil_affairs")->set("dibao_standard_urban", 812);
    std::ofstream(file) << to_json(settings);
    prepare_demo_data(dir.path);
    settings = load_json_file(file).extract<Poco::JSON::Object::Ptr>();
    CHECK(settings->getObject("civil_affairs")->getValue<int>("dibao_standard_urban") == 812);
}

TEST_CASE("The demo takes its cases in during office hours, never at lunch", "[demo]") {
    CHECK(demo_intake_time("2026-11-23 10:05:31") == "2026-11-23 10:05:31");
    CHECK(demo_intake_time("2026-11-23 15:40:00") == "2026-11-23 15:40:00");
    CHECK(demo_intake_time("2026-11-23 12:00:00") == "2026-11-23 11:55:00");
    CHECK(demo_intake_time("2026-11-23 14:29:59") == "2026-11-23 11:55:00");
    CHECK(demo_intake_time("2026-11-23 14:30:00") == "2026-11-23 14:30:00");
    CHECK(demo_intake_time("2026-11-23 07:10:00") == "2026-11-23 08:30:00");
    CHECK(demo_intake_time("2026-11-23 17:31:00") == "2026-11-23 17:25:00");
}
