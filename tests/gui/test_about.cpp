// The About box (Help menu, issue 19): the program's name in Chinese, its version and the
// plugin ABI it hosts, from version.hpp and the SDK's abi.h.
#include <wx/wx.h>  // main_frame.hpp leans on the shell's precompiled <wx/wx.h>

#include <catch2/catch.hpp>
#include <string>

#include "onewindow/core/version.hpp"
#include "onewindow/gui/main_frame.hpp"
#include "onewindow/sdk/abi.h"

TEST_CASE("The About box shows the name, the version and the plugin ABI", "[about]") {
    const wxAboutDialogInfo info = onewindow::gui::about_info();
    CHECK(info.GetName().ToStdString(wxConvUTF8) == "一窗通");
    CHECK(info.GetVersion() == wxString(onewindow::version()));
    CHECK(std::string(onewindow::version()).find('.') != std::string::npos);
    const std::string abi =
        std::to_string(ONEWINDOW_ABI_MAJOR) + "." + std::to_string(ONEWINDOW_ABI_MINOR);
    CHECK_THAT(info.GetDescription().ToStdString(wxConvUTF8),
               Catch::Contains("插件接口版本 " + abi));
}
