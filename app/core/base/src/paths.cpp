#include "onewindow/core/paths.hpp"

#include <Poco/JSON/Object.h>

#include <cstdlib>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "version_config.hpp"

namespace onewindow {

namespace fs = std::filesystem;

fs::path install_root() {
    if (const char* root = std::getenv("ONEWINDOW_ROOT"); root && *root) return root;
    std::error_code error;
    auto exe = fs::read_symlink("/proc/self/exe", error);
    if (error) return fs::current_path();
    return exe.parent_path().parent_path();
}

fs::path bundled_plugins_dir(const fs::path& root) {
    std::error_code error;
    if (fs::is_directory(root / "plugins", error)) return root / "plugins";
    return root / ONEWINDOW_INSTALL_PLUGINDIR;
}

fs::path default_data_dir(const fs::path& system_config) {
    if (const char* env = std::getenv("ONEWINDOW_DATA"); env && *env) return env;
    std::error_code error;
    if (fs::exists(system_config, error)) {
        const auto value = load_json_file(system_config);
        const auto object = value.type() == typeid(Poco::JSON::Object::Ptr)
                                ? value.extract<Poco::JSON::Object::Ptr>()
                                : Poco::JSON::Object::Ptr();
        if (!object)
            throw Error(ErrorKind::Input,
                        trf("{}: the settings must be a JSON object", system_config.string()));
        const auto data = object->get("data");
        if (data.isEmpty() || !data.isString() || data.extract<std::string>().empty())
            throw Error(ErrorKind::Input,
                        trf("{}: \"data\" must be the path of the counter's data folder",
                            system_config.string()));
        return data.extract<std::string>();
    }
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg && fs::path(xdg).is_absolute())
        return fs::path(xdg) / "onewindow";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".local/share/onewindow";
    return fs::current_path() / "onewindow-data";
}

fs::path default_data_dir() { return default_data_dir(ONEWINDOW_SYSTEM_COUNTER_CONFIG); }

}  // namespace onewindow
