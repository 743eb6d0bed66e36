#include "onewindow/core/paths.hpp"

#include <cstdlib>

namespace onewindow {

std::filesystem::path install_root() {
    if (const char* root = std::getenv("ONEWINDOW_ROOT"); root && *root) return root;
    std::error_code error;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) return std::filesystem::current_path();
    return exe.parent_path().parent_path();
}

std::filesystem::path default_data_dir() {
    if (const char* env = std::getenv("ONEWINDOW_DATA"); env && *env) return env;
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local/share/onewindow";
    return std::filesystem::current_path() / "onewindow-data";
}

}  // namespace onewindow
