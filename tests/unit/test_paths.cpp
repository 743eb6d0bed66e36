// Where an installation and a counter's data are found (paths.hpp, issue 19): the data folder's
// defaults ($ONEWINDOW_DATA, the system-wide /etc/onewindow/counter.json, $XDG_DATA_HOME,
// ~/.local/share) and the bundled plugins of the stage layout and of the installed layout.
// Each test case runs in a process of its own (ctest), so changing the environment is safe.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "onewindow/core/error.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/version.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using onewindow::testing::TempDir;

namespace {

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("The data folder defaults to $XDG_DATA_HOME, else ~/.local/share", "[paths]") {
    TempDir dir;
    const fs::path no_config = dir.path / "etc/onewindow/counter.json";
    ::unsetenv("ONEWINDOW_DATA");
    ::setenv("HOME", (dir.path / "home").c_str(), 1);
    ::setenv("XDG_DATA_HOME", (dir.path / "xdg").c_str(), 1);
    CHECK(onewindow::default_data_dir(no_config) == dir.path / "xdg/onewindow");
    // The XDG specification: a relative $XDG_DATA_HOME is invalid and ignored.
    ::setenv("XDG_DATA_HOME", "relative/xdg", 1);
    CHECK(onewindow::default_data_dir(no_config) == dir.path / "home/.local/share/onewindow");
    ::unsetenv("XDG_DATA_HOME");
    CHECK(onewindow::default_data_dir(no_config) == dir.path / "home/.local/share/onewindow");
    ::setenv("ONEWINDOW_DATA", (dir.path / "explicit").c_str(), 1);
    CHECK(onewindow::default_data_dir(no_config) == dir.path / "explicit");
}

TEST_CASE("The system-wide counter.json names the data folder, and is checked", "[paths]") {
    TempDir dir;
    const fs::path config = dir.path / "etc/onewindow/counter.json";
    ::unsetenv("ONEWINDOW_DATA");
    ::setenv("XDG_DATA_HOME", (dir.path / "xdg").c_str(), 1);
    write(config, R"({"data": "/srv/onewindow"})");
    CHECK(onewindow::default_data_dir(config) == "/srv/onewindow");

    for (const std::string bad : {R"({"data": ""})", R"({"data": 7})", R"({"store": "x"})"}) {
        write(config, bad);
        try {
            onewindow::default_data_dir(config);
            FAIL("accepted " << bad);
        } catch (const onewindow::Error& e) {
            CHECK(e.kind() == onewindow::ErrorKind::Input);
            CHECK_THAT(e.what(), Catch::Contains(config.string()) && Catch::Contains("\"data\""));
        }
    }
    write(config, "[1, 2]");
    CHECK_THROWS_WITH(onewindow::default_data_dir(config),
                      Catch::Contains(config.string()) && Catch::Contains("JSON object"));
    write(config, "{\"data\": ");
    CHECK_THROWS_WITH(onewindow::default_data_dir(config), Catch::Contains(config.string()));
}

TEST_CASE("Bundled plugins: plugins/ of the stage folder, else the installed libdir folder",
          "[paths]") {
    TempDir dir;
    const fs::path installed = dir.path / onewindow::installed_plugins_dir();
    CHECK(fs::path(onewindow::installed_plugins_dir()).is_relative());
    CHECK(onewindow::bundled_plugins_dir(dir.path) == installed);
    fs::create_directories(dir.path / "plugins");
    CHECK(onewindow::bundled_plugins_dir(dir.path) == dir.path / "plugins");
    CHECK(onewindow::version_line("onewindow-cli")
              .starts_with(std::string("onewindow-cli ") + onewindow::version() + " (plugin ABI "));
}
