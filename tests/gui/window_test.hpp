// What the window tests share: pumping events, closing windows, screenshots of what the X
// server shows, and the check that every label shown is Chinese.
#pragma once

#include <wx/app.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/radiobut.h>
#include <wx/stattext.h>
#include <wx/time.h>
#include <wx/utils.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/gui/services.hpp"

namespace onewindow::gui::testing_windows {

inline void pump(int ms = 100) {
    const auto until = wxGetUTCTimeMillis() + ms;
    do {
        wxTheApp->ProcessPendingEvents();
        wxYield();
        wxMilliSleep(5);
    } while (wxGetUTCTimeMillis() < until);
}

/// Destroys a top-level window now (Destroy() alone waits for idle time), so nothing of it
/// outlives the services of its test.
inline void close(wxWindow* window) {
    window->Destroy();
    wxTheApp->ProcessIdle();
    pump(50);
}

/// Closes a window when the test ends, whether it passed or not; declare it after the Shell.
struct Closing {
    wxWindow* window;
    ~Closing() {
        if (window) close(window);
    }
};

/// Writes what the X server shows of `window` (ImageMagick's import on the Xvfb display: what a
/// person would see, drawn by GTK, fonts included).
inline void screenshot(wxWindow* window, const std::string& name) {
    window->Raise();
    window->Refresh();
    window->Update();
    pump(600);
    const wxRect r = window->GetScreenRect();
    std::filesystem::create_directories(ONEWINDOW_SCREENSHOT_DIR);
    const std::string file = std::string(ONEWINDOW_SCREENSHOT_DIR) + "/" + name;
    const std::string command = "import -window root -crop " + std::to_string(r.width) + "x" +
                                std::to_string(r.height) + "+" + std::to_string(r.x) + "+" +
                                std::to_string(r.y) + " +repage '" + file + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    REQUIRE(std::filesystem::file_size(file) > 0);
}

/// Every label, button, check box and radio button shown must be in Chinese: an English word of
/// three or more letters means a string escaped translation (data such as codes, "Ctrl+N" and
/// the names of products such as PostgreSQL are fine).
inline void check_labels_translated(wxWindow* window, std::vector<std::string>& english) {
    static const std::regex word("[A-Za-z]{3,}");
    static const std::regex allowed(
        "^(Ctrl|PDF|CSV|CUPS|Enter|Tab|SQLite|PostgreSQL|postgresql|SHA|URL)$");
    wxString label;
    if (wxDynamicCast(window, wxStaticText) || wxDynamicCast(window, wxButton) ||
        wxDynamicCast(window, wxCheckBox) || wxDynamicCast(window, wxRadioButton))
        label = window->GetLabel();
    const std::string text = utf8(label);
    for (std::sregex_iterator i(text.begin(), text.end(), word), end; i != end; ++i)
        if (!std::regex_match(i->str(), allowed)) english.push_back(text);
    for (wxWindow* child : window->GetChildren()) check_labels_translated(child, english);
}

/// A real back office on 127.0.0.1 (a free port) with its database office.db in `dir`, serving
/// 魏县卫生健康局 (county_health) for `counter` with the secret "counter-<counter>-shared-secret".
inline std::unique_ptr<backoffice::Server> start_office(const std::filesystem::path& dir,
                                                        const std::string& counter) {
    auto office = std::make_unique<backoffice::Server>(backoffice::parse_config(
        R"({"listen": {"address": "127.0.0.1", "port": 0}, "database": "office.db",
            "departments": [{"code": "county_health", "name": "魏县卫生健康局"}],
            "counters": [{"id": ")" +
            counter + R"(", "secret": "counter-)" + counter + R"(-shared-secret"}]})",
        "office config", dir));
    office->start();
    return office;
}

}  // namespace onewindow::gui::testing_windows
