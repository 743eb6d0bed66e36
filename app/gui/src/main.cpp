// onewindow: the desktop shell of the comprehensive service window (see app.hpp).
#include <cstdlib>
#include <iostream>
#include <string>

#include "onewindow/core/version.hpp"
#include "onewindow/gui/app.hpp"

wxIMPLEMENT_APP_NO_MAIN(onewindow::gui::App);

namespace {

// Printed by --help without opening the display (man pages are generated from it).
const char* const kUsage =
    "Usage: onewindow [--data DIR] [--store LOCATION] [--demo] [--idle-lock SECONDS]\n"
    "       onewindow --version | --help\n"
    "The desktop shell of the comprehensive service window: catalogue, intake, cases, documents.\n"
    "  --data DIR           the counter's data folder (default: $ONEWINDOW_DATA, else the\n"
    "                       \"data\" of /etc/onewindow/counter.json, else\n"
    "                       $XDG_DATA_HOME/onewindow, else ~/.local/share/onewindow)\n"
    "  --store LOCATION     the case store instead of the one the data folder's counter.json\n"
    "                       names (default: this PC's SQLite file in the data folder)\n"
    "  --demo               prepare the demo data first (demo accounts, two demo cases)\n"
    "  --idle-lock SECONDS  lock the screen after SECONDS idle (default 300)\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--version") {
        std::cout << onewindow::version_line("onewindow") << '\n';
        return 0;
    }
    if (argc == 2 && std::string(argv[1]) == "--help") {
        std::cout << kUsage;
        return 0;
    }
    // The shell draws no OpenGL. Without this, GTK probes GLX when it opens the display to pick
    // its visuals, and on machines without a GPU driver (virtual machines, Xvfb) that loads Mesa's
    // llvmpipe: about 45 MB of LLVM resident and tens of milliseconds at every start.
    ::setenv("GDK_GL", "disable", 0);
    return wxEntry(argc, argv);
}
