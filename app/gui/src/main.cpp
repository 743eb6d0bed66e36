// onewindow: the desktop shell of the comprehensive service window (see app.hpp).
#include "onewindow/gui/app.hpp"

wxIMPLEMENT_APP(onewindow::gui::App);
