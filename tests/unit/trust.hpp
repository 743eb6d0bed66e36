// Trusting plugin folders in tests as an administrator does (`onewindow-cli plugins trust`):
// through the host's own trust function, which reads each folder once and trusts the digest of
// all its files.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "onewindow/core/plugin_host.hpp"

namespace onewindow::testing {

/// Trusts every plugin folder (one with a plugin.json) under `roots`, but those whose folder
/// name is in `except`, in the trusted list `list`.
inline void trust_plugins_under(const std::filesystem::path& list,
                                const std::vector<std::filesystem::path>& roots,
                                const std::set<std::string>& except = {}) {
    std::vector<std::filesystem::path> folders;
    for (const auto& root : roots)
        for (const auto& entry : std::filesystem::directory_iterator(root))
            if (std::filesystem::exists(entry.path() / "plugin.json") &&
                !except.count(entry.path().filename().string()))
                folders.push_back(entry.path());
    Issues ignored;  // a broken fixture is reported when the host loads it
    trust_plugin_folders(list, folders, ignored);
}

}  // namespace onewindow::testing
