// The shell measuring itself for onewindow-bench (tests/bench):
//   onewindow --measure [--measure-items A,B,..] [--data DIR]   prints "ready login" when the
//   sign-in window is
//       interactive, signs in as the demo clerk, prints "ready main" when the main window with
//       every plugin is interactive, then measures in the running window and prints
//       "figure <name> <value> <unit>" lines (keystroke_filter_ms, unified_form_show_ms,
//       shell_rss_mb) and quits. The bench times the "ready" lines from process start.
//   onewindow --measure-bare   the baseline: a plain wxWidgets window, "ready bare", quits.
// Threads: UI thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

class wxWindow;

namespace onewindow::gui {

class MainFrame;

/// Runs `then` once, at the first idle time after `window` is shown; prints "ready <what>".
void when_ready(wxWindow* window, const char* what, std::function<void()> then);
/// Measures the figures of a running main window, prints them, and closes the window.
/// `items`: the items whose unified form is measured (default: two family-planning items).
void measure_main_frame(MainFrame& frame, std::vector<std::string> items);
/// The baseline window of --measure-bare.
void show_bare_window();

}  // namespace onewindow::gui
