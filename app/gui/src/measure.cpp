#include "onewindow/gui/measure.hpp"

#include <wx/app.h>
#include <wx/frame.h>
#include <wx/stattext.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "onewindow/gui/intake_panel.hpp"
#include "onewindow/gui/main_frame.hpp"

namespace onewindow::gui {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

void figure(const char* name, double value, const char* unit) {
    std::cout << "figure " << name << ' ' << value << ' ' << unit << std::endl;
}

double rss_mb() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            double kb = 0;
            status >> kb;
            return kb / 1024.0;
        }
        status.ignore(4096, '\n');
    }
    return 0;
}

/// Lets GTK lay out and draw what changed: a figure ends when the clerk can see it.
void drawn(wxWindow& window) {
    wxTheApp->Yield(true);
    window.Update();
}

}  // namespace

void when_ready(wxWindow* window, const char* what, std::function<void()> then) {
    auto done = std::make_shared<bool>(false);
    window->Bind(wxEVT_IDLE, [window, what, then, done](wxIdleEvent& event) {
        event.Skip();
        if (*done || !window->IsShownOnScreen()) return;
        *done = true;
        std::cout << "ready " << what << std::endl;
        window->CallAfter(then);
    });
}

void measure_main_frame(MainFrame& frame, std::vector<std::string> items) {
    if (items.empty()) items = {"000718001001", "000718002000"};
    // Search as you type: one keystroke = the catalogue filtered and the tree drawn again.
    const std::string typed = "syfw";
    std::vector<double> keystrokes;
    for (int round = 0; round < 10; ++round)
        for (std::size_t n = 0; n <= typed.size(); ++n) {
            const auto start = Clock::now();
            frame.catalogue()->set_query(typed.substr(0, n));
            drawn(frame);
            keystrokes.push_back(ms_since(start));
        }
    figure("keystroke_filter_ms", median(keystrokes), "ms");
    frame.catalogue()->set_query("");
    figure("catalogue_items", static_cast<double>(frame.catalogue()->shown_items().size()),
           "items");

    // The unified form of a two-item case, built and laid out, from choosing to shown.
    std::vector<double> shows;
    for (int round = 0; round < 5; ++round) {
        frame.intake()->clear();
        const auto start = Clock::now();
        frame.intake()->add_items(items);
        drawn(frame);
        shows.push_back(ms_since(start));
    }
    figure("unified_form_show_ms", median(shows), "ms");
    figure("unified_form_items", static_cast<double>(frame.intake()->items().size()), "items");
    frame.intake()->clear();
    figure("shell_rss_mb", rss_mb(), "MB");
    frame.Close(true);
}

void show_bare_window() {
    auto* frame = new wxFrame(nullptr, wxID_ANY, "bare", wxDefaultPosition, wxSize(1280, 800));
    new wxStaticText(frame, wxID_ANY, "bare");
    frame->Show();
    when_ready(frame, "bare", [frame] {
        figure("bare_rss_mb", rss_mb(), "MB");
        frame->Close(true);
    });
}

}  // namespace onewindow::gui
