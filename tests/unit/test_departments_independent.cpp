// Departments are independent: with any one bundled plugin folder removed, the counter opens,
// every other department's plugin runs and serves its items, and a life-event bundle that
// needed the missing department offers what is left of it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "temp_dir.hpp"
#include "trust.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path stage = ONEWINDOW_STAGE_DIR;

/// An installation root with the staged files but without the plugin folder `missing`.
struct RootWithout {
    testing::TempDir dir{"onewindow-root"};
    fs::path root = dir.path / "root";
    fs::path data = dir.path / "data";
    explicit RootWithout(const std::string& missing) {
        fs::create_directories(root / "plugins");
        fs::create_directory_symlink(stage / "share", root / "share");
        // Plugin folders are copied: the host refuses a plugin folder that is a symbolic link.
        for (const auto& entry : fs::directory_iterator(stage / "plugins"))
            if (entry.path().filename() != missing && fs::exists(entry.path() / "plugin.json"))
                fs::copy(entry.path(), root / "plugins" / entry.path().filename(),
                         fs::copy_options::recursive);
        fs::create_directories(data);
        testing::trust_plugins_under(data / "trusted-plugins.json", {root / "plugins"});
    }
};

}  // namespace

TEST_CASE("Removing any one plugin folder leaves every other department working", "[plugins]") {
    std::vector<std::string> all;
    std::size_t all_items = 0;
    std::map<std::string, std::size_t> items_of;
    {
        RootWithout none("");
        auto counter = Counter::open({none.root, none.data});
        for (const auto& p : counter->plugins().plugins()) {
            CHECK(p.state == PluginState::Running);
            all.push_back(p.manifest.id);
        }
        all_items = counter->catalogue().items().size();
        for (const auto& item : counter->catalogue().items()) ++items_of[item.plugin_id];
        CHECK(counter->load_issues().empty());
    }
    REQUIRE(all.size() >= 9);
    for (const auto& missing : all) {
        INFO("without " << missing);
        RootWithout root(missing);
        auto counter = Counter::open({root.root, root.data});
        for (const auto& p : counter->plugins().plugins()) {
            CHECK(p.manifest.id != missing);
            CHECK(p.state == PluginState::Running);
        }
        CHECK(counter->plugins().plugins().size() == all.size() - 1);
        for (const auto& item : counter->catalogue().items()) CHECK(item.plugin_id != missing);
        CHECK(counter->catalogue().items().size() == all_items - items_of[missing]);
        CHECK(counter->load_issues().empty());
        // Every item that is left still builds its form.
        for (const auto& item : counter->catalogue().items())
            CHECK_NOTHROW(counter->unified_form({item.code}));
    }
}
