#include "onewindow/core/version.hpp"

#include "onewindow/sdk/abi.h"
#include "version_config.hpp"

namespace onewindow {

const char* version() { return ONEWINDOW_VERSION; }

std::string version_line(std::string_view program) {
    return std::string(program) + " " + ONEWINDOW_VERSION + " (plugin ABI " +
           std::to_string(ONEWINDOW_ABI_MAJOR) + "." + std::to_string(ONEWINDOW_ABI_MINOR) + ")";
}

const char* installed_plugins_dir() { return ONEWINDOW_INSTALL_PLUGINDIR; }

const char* system_counter_config() { return ONEWINDOW_SYSTEM_COUNTER_CONFIG; }

}  // namespace onewindow
