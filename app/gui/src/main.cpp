// onewindow: the desktop shell of the comprehensive service window (see app.hpp).
#include <cstdlib>

#include "onewindow/gui/app.hpp"

wxIMPLEMENT_APP_NO_MAIN(onewindow::gui::App);

int main(int argc, char** argv) {
    // The shell draws no OpenGL. Without this, GTK probes GLX when it opens the display to pick
    // its visuals, and on machines without a GPU driver (virtual machines, Xvfb) that loads Mesa's
    // llvmpipe: about 45 MB of LLVM resident and tens of milliseconds at every start.
    ::setenv("GDK_GL", "disable", 0);
    return wxEntry(argc, argv);
}
