// Where an installation (or the build's stage folder) keeps its parts.
//
//   <root>/bin/                      onewindow-cli, onewindow-shell, ...
//   <root>/plugins/<id>/             bundled plugins (plugin.json, library, dictionary
//                                    fragment, forms, templates)
//   <root>/share/onewindow/sdk/      the plugin SDK (headers, CMake package, example, guide)
//   <root>/share/onewindow/forms/    fields.json (the shared dictionary), bundles/
//   <root>/share/onewindow/templates/common/   receipt, one-time notice, ...
//   <root>/share/onewindow/calendar/ working-day calendars (one JSON file per year)
//   <root>/share/locale/zh_CN/LC_MESSAGES/onewindow.mo
//
// <root> is $ONEWINDOW_ROOT when set, else the parent of the running executable's folder.
#pragma once

#include <filesystem>

namespace onewindow {

std::filesystem::path install_root();
inline std::filesystem::path share_dir() { return install_root() / "share" / "onewindow"; }
inline std::filesystem::path locale_dir() { return install_root() / "share" / "locale"; }
inline std::filesystem::path bundled_plugins_dir() { return install_root() / "plugins"; }
/// The counter's data folder: $ONEWINDOW_DATA, else ~/.local/share/onewindow.
std::filesystem::path default_data_dir();

}  // namespace onewindow
