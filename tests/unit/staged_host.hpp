// A plugin host over the staged (built) bundled plugins, trusting only the one under test:
// plugins are tested as the shell runs them, the real .so through Boost.DLL.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "onewindow/core/plugin_host.hpp"
#include "temp_dir.hpp"

namespace onewindow::testing {

struct StagedHost {
    TempDir dir{"onewindow-plugin-test"};
    std::unique_ptr<PluginHost> host;
    /// `settings`: plugin id -> settings object given to init (nullptr: none).
    explicit StagedHost(const std::string& plugin_id, Poco::JSON::Object::Ptr settings = nullptr) {
        const auto plugins = std::filesystem::path(ONEWINDOW_STAGE_DIR) / "plugins";
        Issues issues;
        auto manifest = read_manifest(plugins / plugin_id / "plugin.json", issues);
        REQUIRE(issues.empty());
        TrustedList trusted;
        trusted.add(manifest.id, manifest.sha256);
        trusted.save(dir.path / "trusted.json");
        host = std::make_unique<PluginHost>(HostOptions{
            {plugins}, dir.path / "trusted.json", dir.path / "state", "0.1.0", settings});
        host->load_all();
        REQUIRE(host->running(plugin_id));
    }
};

}  // namespace onewindow::testing
