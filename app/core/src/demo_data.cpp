#include "onewindow/core/demo_data.hpp"

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/plugin_host.hpp"

namespace fs = std::filesystem;

namespace onewindow {

void prepare_demo_data(const fs::path& data_dir) {
    fs::create_directories(data_dir);
    const fs::path trusted_file = data_dir / "trusted-plugins.json";
    TrustedList trusted = TrustedList::load(trusted_file);
    if (fs::is_directory(bundled_plugins_dir())) {
        for (const auto& entry : fs::directory_iterator(bundled_plugins_dir())) {
            Issues issues;
            auto manifest = read_manifest(entry.path() / "plugin.json", issues);
            if (issues.empty()) trusted.add(manifest.id, manifest.sha256);
        }
    }
    trusted.save(trusted_file);

    const CounterConfig config = CounterConfig::load(data_dir / "counter.json");
    auto store = CaseStore::open(data_dir / "counter.db", data_dir / "materials",
                                 WorkingCalendar::load_dir(share_dir() / "calendar"));
    if (!store.users().empty()) return;
    for (const auto& account : kDemoAccounts) {
        NewUser user;
        user.name = account.name;
        user.display_name = account.display_name;
        user.role = parse_role(account.role).value_or(Role::Clerk);
        user.counter = config.code;
        user.password = kDemoPassword;
        store.create_user(user, "setup");
    }
}

}  // namespace onewindow
