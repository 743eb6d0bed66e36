// Where an installation (or the build's stage folder) keeps its parts.
//
//   <root>/bin/                      onewindow, onewindow-cli, onewindow-backoffice
//   <root>/<libdir>/onewindow/plugins/<id>/   bundled plugins, installed (plugin.json, library,
//                                    dictionary fragment, forms, templates); the build's stage
//                                    folder keeps them in <root>/plugins/<id>/
//   <root>/share/onewindow/sdk/      the plugin SDK's guide and example (and, staged, its
//                                    headers and CMake package; installed, those are in
//                                    <root>/include and <root>/share/cmake/OneWindowSDK)
//   <root>/share/onewindow/forms/    fields.json (the shared dictionary), bundles/
//   <root>/share/onewindow/templates/common/   receipt, one-time notice, ...
//   <root>/share/onewindow/calendar/ working-day calendars (one JSON file per year)
//   <root>/share/locale/zh_CN/LC_MESSAGES/onewindow.mo
//
// <root> is $ONEWINDOW_ROOT when set, else the parent of the running executable's folder: /usr
// for the Debian packages, build/stage for a build. No environment variable is needed.
//
// Threads: plain functions; they read the environment and the file system only.
#pragma once

#include <filesystem>
#include <vector>

namespace onewindow {

std::filesystem::path install_root();
inline std::filesystem::path share_dir() { return install_root() / "share" / "onewindow"; }
inline std::filesystem::path locale_dir() { return install_root() / "share" / "locale"; }
/// <root>/plugins when it exists (the build's stage folder), else the installed plugins folder
/// <root>/<libdir>/onewindow/plugins (version.hpp's installed_plugins_dir()).
std::filesystem::path bundled_plugins_dir(const std::filesystem::path& root);
inline std::filesystem::path bundled_plugins_dir() { return bundled_plugins_dir(install_root()); }
/// The folders a counter finds its plugins in: the bundled ones, then <data>/plugins (an
/// outside department's plugin installed at this counter).
inline std::vector<std::filesystem::path> plugin_roots(const std::filesystem::path& root,
                                                       const std::filesystem::path& data_dir) {
    return {bundled_plugins_dir(root), data_dir / "plugins"};
}
/// The counter's data folder when no --data is given: $ONEWINDOW_DATA; else the "data" of the
/// system-wide settings `system_config` (/etc/onewindow/counter.json) when that file exists;
/// else $XDG_DATA_HOME/onewindow; else ~/.local/share/onewindow. Error(Input) naming the file
/// and the key when the settings file is not a JSON object with a non-empty string "data".
std::filesystem::path default_data_dir(const std::filesystem::path& system_config);
std::filesystem::path default_data_dir();

}  // namespace onewindow
