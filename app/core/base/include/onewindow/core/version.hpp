// The version of OneWindow and where an installation keeps what the build does not stage the
// same way. The values come from the generated header version_config.hpp (CMake: the
// project() version, GNUInstallDirs). Every program prints version_line() for --version; the
// About box and `onewindow-cli plugins check` show it too.
//
// Threads: constants only.
#pragma once

#include <string>
#include <string_view>

namespace onewindow {

/// "major.minor.patch" of the project (CMakeLists.txt's project()).
const char* version();

/// What --version prints: "<program> <version> (plugin ABI <major>.<minor>)".
std::string version_line(std::string_view program);

/// The bundled plugins' folder of an installation, relative to the install root (the parent of
/// the programs' bin/ folder): GNUInstallDirs' libdir + "/onewindow/plugins", e.g.
/// "lib/onewindow/plugins". The build's stage folder keeps them in plugins/.
const char* installed_plugins_dir();

/// The system-wide settings file of a counter PC: /etc/onewindow/counter.json
/// (see default_data_dir()).
const char* system_counter_config();

}  // namespace onewindow
