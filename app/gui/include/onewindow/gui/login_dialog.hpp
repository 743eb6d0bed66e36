// Sign-in (and unlock) for the window: user name and password checked by the core (salted
// PBKDF2-SHA256, five failures lock the account for a while, every attempt audited).
// The dialog only asks and shows the core's answer; it never reads the users table itself.
#pragma once

#include <wx/dialog.h>

#include <functional>
#include <string>

#include "onewindow/core/case_store.hpp"

class wxTextCtrl;
class wxStaticText;

namespace onewindow::gui {

class LoginDialog : public wxDialog {
  public:
    /// `login` performs the check (waiting for the counter to finish opening if needed).
    /// `fixed_user`: unlock mode — the signed-in user's name, not editable.
    LoginDialog(wxWindow* parent,
                std::function<LoginResult(const std::string&, const std::string&)> login,
                const std::string& fixed_user = {}, const wxString& hint = {});

    /// What the sign-in button does; on success ends the modal loop with wxID_OK.
    LoginResult attempt(const std::string& name, const std::string& password);
    const LoginResult& result() const { return result_; }
    wxString message() const;

  private:
    void on_sign_in();
    std::function<LoginResult(const std::string&, const std::string&)> login_;
    wxTextCtrl* name_ = nullptr;
    wxTextCtrl* password_ = nullptr;
    wxStaticText* message_ = nullptr;
    LoginResult result_;
};

}  // namespace onewindow::gui
