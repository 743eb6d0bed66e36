// The window tests' main: starts wxWidgets without running an event loop of its own, then lets
// Catch2 run the tests, which construct frames, send events and pump with wxYield.
#define CATCH_CONFIG_RUNNER
#include <wx/app.h>
#include <wx/image.h>
#include <catch2/catch.hpp>

#include <cstdlib>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"

namespace {
class TestApp : public wxApp {
  public:
    bool OnInit() override { return true; }
};
}  // namespace

int main(int argc, char** argv) {
    setenv("ONEWINDOW_ROOT", ONEWINDOW_STAGE_DIR, 1);
    setenv("LANG", "C.UTF-8", 0);
    wxApp::SetInstance(new TestApp);
    int wx_argc = 1;
    if (!wxEntryStart(wx_argc, argv)) return 2;
    wxTheApp->CallOnInit();
    wxInitAllImageHandlers();
    onewindow::load_default_catalog(onewindow::locale_dir());
    const int rc = Catch::Session().run(argc, argv);
    wxTheApp->OnExit();
    wxEntryCleanup();
    return rc;
}
