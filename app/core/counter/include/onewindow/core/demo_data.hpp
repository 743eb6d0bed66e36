// The bundled demo: what `./setup.sh demo` and `onewindow-cli demo` start from.
//
// prepare_demo_data() does the administrator's part on a counter data folder: trusts the bundled
// plugins (their library hashes, as `onewindow-cli plugins trust` would) and, when the database has
// no users yet, creates the demo accounts below. Real installations create users with the
// administrator's tools instead; these passwords are printed in the README for the demo only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace onewindow {

struct DemoAccount {
    const char* name;
    const char* display_name;
    const char* role;
};
inline constexpr DemoAccount kDemoAccounts[] = {
    {"zhangmin", "张敏", "clerk"},
    {"lijun", "李军", "supervisor"},
    {"admin", "系统管理员", "administrator"},
};
inline constexpr const char* kDemoPassword = "onewindow-demo";

/// `store`: the case store when not the folder's own (a --store option; else counter.json's).
void prepare_demo_data(const std::filesystem::path& data_dir,
                       const std::optional<std::string>& store = std::nullopt);

/// The time the demo takes its cases in at, "YYYY-MM-DD HH:MM:SS": `now` itself within the
/// window's office hours (8:30-12:00 and 14:30-17:30, as the bundled guides say), else the
/// nearest office moment of that day before it (11:55 at lunch, 17:25 in the evening), or
/// 8:30 before the window opens. A demo is not taken in at lunch.
std::string demo_intake_time(const std::string& now);

}  // namespace onewindow
