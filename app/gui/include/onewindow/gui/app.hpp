// The shell's application object: reads the command line, loads the Chinese catalogue, on a new
// counter's first run opens the set-up assistant (setup_wizard.hpp), then shows the
// sign-in window at once while the counter (plugins, catalogue, case store) opens in the
// background, then opens the main window and resumes the clerk's newest draft.
//
//   onewindow [--data DIR] [--demo] [--idle-lock SECONDS]
#pragma once

#include <wx/app.h>

#include <future>
#include <memory>

#include "onewindow/gui/services.hpp"

namespace onewindow::gui {

class MainFrame;

class App : public wxApp {
  public:
    bool OnInit() override;
    int OnExit() override;
    int FilterEvent(wxEvent& event) override;

  private:
    std::unique_ptr<Services> services_;
    MainFrame* frame_ = nullptr;
};

/// Parses the shell's arguments; Error(Input) with the usage for bad ones.
ShellOptions parse_shell_arguments(int argc, char** argv);

}  // namespace onewindow::gui
