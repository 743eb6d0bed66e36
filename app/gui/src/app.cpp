#include "onewindow/gui/app.hpp"

#include <wx/msgdlg.h>

#include <cstring>
#include <sstream>
#include <string>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/private_files.hpp"
#include "onewindow/core/session.hpp"
#include "onewindow/gui/login_dialog.hpp"
#include "onewindow/gui/main_frame.hpp"
#include "onewindow/gui/measure.hpp"
#include "onewindow/gui/setup_wizard.hpp"

namespace onewindow::gui {

ShellOptions parse_shell_arguments(int argc, char** argv) {
    ShellOptions options;
    options.data_dir = default_data_dir();
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--data" && i + 1 < argc) {
            options.data_dir = argv[++i];
        } else if (a == "--store" && i + 1 < argc) {
            options.store = argv[++i];
        } else if (a == "--demo") {
            options.demo = true;
        } else if (a == "--measure") {
            options.measure = true;
        } else if (a == "--measure-items" && i + 1 < argc) {
            std::istringstream codes(argv[++i]);
            for (std::string code; std::getline(codes, code, ',');)
                options.measure_items.push_back(code);
        } else if (a == "--idle-lock" && i + 1 < argc) {
            options.idle_lock_seconds = std::max(10, std::atoi(argv[++i]));
        } else {
            throw Error(ErrorKind::Input,
                        trf("Unknown argument {}. Usage: onewindow [--data DIR] [--store "
                            "LOCATION] [--demo] [--idle-lock SECONDS]",
                            a));
        }
    }
    options.data_dir = std::filesystem::absolute(options.data_dir);
    return options;
}

bool App::OnInit() {
    if (argc == 2 && std::string(argv[1]) == "--measure-bare") {
        show_bare_window();
        return true;
    }
    keep_new_files_private();  // before any file of the counter is written
    load_default_catalog(locale_dir());
    SetAppName("onewindow");
    ShellOptions options;
    try {
        options = parse_shell_arguments(argc, argv);
        if (options.demo) prepare_demo_data(options.data_dir, options.store);
        // A new counter (no administrator yet) is set up in the window before anyone signs in.
        if (Administration::first_run(install_root(), options.data_dir, options.store)) {
            SetupWizard wizard(nullptr, install_root(), options.data_dir, options.store);
            if (wizard.ShowModal() != wxID_OK) return false;
        }
    } catch (const std::exception& e) {
        wxMessageBox(wx(e.what()), wtr("OneWindow"), wxOK | wxICON_ERROR);
        return false;
    }
    // The counter opens while the clerk types the password.
    auto opening = std::make_shared<std::future<std::unique_ptr<Services>>>(
        std::async(std::launch::async, [options] { return Services::open(options); }));
    auto login = [this, opening](const std::string& name, const std::string& password) {
        if (!services_) services_ = opening->get();  // rethrows what opening threw
        auto held = services_->lock();
        return sign_in(services_->counter(), name, password).result;
    };
    const wxString hint =
        options.demo ? wxString::Format(wtr("Demo accounts: zhangmin (clerk), lijun (supervisor), "
                                            "admin; password %s"),
                                        wx(kDemoPassword))
                     : wxString();
    LoginDialog dialog(nullptr, login, {}, hint);
    if (options.measure)
        when_ready(&dialog, "login", [&dialog] { dialog.attempt("zhangmin", kDemoPassword); });
    if (dialog.ShowModal() != wxID_OK || !dialog.result().user) {
        if (opening->valid()) opening->wait();
        return false;
    }
    services_->set_user(*dialog.result().user);
    frame_ = new MainFrame(*services_);
    frame_->Show();
    if (options.measure) {
        when_ready(frame_, "main",
                   [this, items = options.measure_items] { measure_main_frame(*frame_, items); });
        return true;
    }
    frame_->resume_latest_draft();
    return true;
}

int App::OnExit() {
    frame_ = nullptr;
    services_.reset();
    return wxApp::OnExit();
}

int App::FilterEvent(wxEvent& event) {
    const auto type = event.GetEventType();
    if (frame_ && (type == wxEVT_KEY_DOWN || type == wxEVT_LEFT_DOWN || type == wxEVT_MOTION))
        frame_->note_activity();
    return wxApp::FilterEvent(event);
}

}  // namespace onewindow::gui
