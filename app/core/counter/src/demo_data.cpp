#include "onewindow/core/demo_data.hpp"

#include <fstream>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/plugin_host.hpp"

namespace fs = std::filesystem;

namespace onewindow {

void prepare_demo_data(const fs::path& data_dir, const std::optional<std::string>& store_override) {
    fs::create_directories(data_dir);
    Issues ignored;  // a broken bundled plugin is reported when the counter loads it
    trust_plugin_folders(data_dir / "trusted-plugins.json",
                         plugin_folders_in(bundled_plugins_dir()), ignored);

    // The simulated ID card reader reads the card that "lies" in <data>/idcard-reader/.
    const fs::path reader = data_dir / "idcard-reader";
    const fs::path demo = share_dir() / "demo";
    if (!fs::exists(reader) && fs::is_directory(demo / "idcard")) {
        fs::create_directories(reader);
        fs::copy_file(demo / "scans" / "id_card_li_na.png", reader / "id_card_li_na.png");
        auto card =
            load_json_file(demo / "idcard" / "card.json").extract<Poco::JSON::Object::Ptr>();
        card->set("image", "id_card_li_na.png");
        std::ofstream(reader / "card.json") << to_json(card) << '\n';
    }
    const fs::path settings_file = data_dir / "plugin-settings.json";
    Poco::JSON::Object::Ptr settings =
        fs::exists(settings_file) ? load_json_file(settings_file).extract<Poco::JSON::Object::Ptr>()
                                  : Poco::JSON::Object::Ptr(new Poco::JSON::Object(true));
    // Example local standards for the departments' checks (plugins/README.md), where the
    // counter has none of its own, and the simulated reader's folder.
    bool changed = false;
    if (fs::exists(demo / "plugin-settings.json")) {
        auto examples =
            load_json_file(demo / "plugin-settings.json").extract<Poco::JSON::Object::Ptr>();
        for (const auto& id : examples->getNames())
            if (!settings->has(id)) {
                settings->set(id, examples->get(id));
                changed = true;
            }
    }
    if (!settings->has("idcard_simulator")) {
        Poco::JSON::Object::Ptr simulator = new Poco::JSON::Object(true);
        simulator->set("folder", fs::absolute(reader).string());
        settings->set("idcard_simulator", simulator);
        changed = true;
    }
    if (changed) std::ofstream(settings_file) << to_json(settings) << '\n';

    const CounterConfig config = CounterConfig::load(data_dir / "counter.json");
    auto store = open_store(install_root(), data_dir, store_override);
    if (!store.accounts().users().empty()) return;
    for (const auto& account : kDemoAccounts) {
        NewUser user;
        user.name = account.name;
        user.display_name = account.display_name;
        user.role = parse_role(account.role).value_or(Role::Clerk);
        user.counter = config.code;
        user.password = kDemoPassword;
        store.accounts().create_user(user, "setup");
    }
}

std::string demo_intake_time(const std::string& now) {
    if (now.size() < 16) return now;
    const int minute = std::stoi(now.substr(11, 2)) * 60 + std::stoi(now.substr(14, 2));
    const std::string day = now.substr(0, 10);
    if (minute < 8 * 60 + 30) return day + " 08:30:00";
    if (minute >= 12 * 60 && minute < 14 * 60 + 30) return day + " 11:55:00";
    if (minute >= 17 * 60 + 30) return day + " 17:25:00";
    return now;
}

}  // namespace onewindow
