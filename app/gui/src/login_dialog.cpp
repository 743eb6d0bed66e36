#include "onewindow/gui/login_dialog.hpp"

#include <wx/button.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "onewindow/gui/services.hpp"

namespace onewindow::gui {

LoginDialog::LoginDialog(wxWindow* parent,
                         std::function<LoginResult(const std::string&, const std::string&)> login,
                         const std::string& fixed_user, const wxString& hint)
    : wxDialog(parent, wxID_ANY,
               fixed_user.empty() ? wtr("OneWindow - sign in") : wtr("OneWindow - screen locked")),
      login_(std::move(login)) {
    auto* top = new wxBoxSizer(wxVERTICAL);
    auto* title = new wxStaticText(this, wxID_ANY, wtr("Comprehensive service window"));
    title->SetFont(title->GetFont().Scaled(1.6f).Bold());
    top->Add(title, 0, wxALL | wxALIGN_CENTER_HORIZONTAL, 16);
    if (!fixed_user.empty())
        top->Add(new wxStaticText(this, wxID_ANY,
                                  wtr("The screen was locked to protect applicants' data. Enter "
                                      "your password to continue.")),
                 0, wxLEFT | wxRIGHT | wxBOTTOM, 16);
    auto* grid = new wxFlexGridSizer(2, 8, 8);
    grid->AddGrowableCol(1);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("User name")), 0, wxALIGN_CENTER_VERTICAL);
    name_ = new wxTextCtrl(this, wxID_ANY, wx(fixed_user));
    name_->Enable(fixed_user.empty());
    grid->Add(name_, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("Password")), 0, wxALIGN_CENTER_VERTICAL);
    password_ = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(260, -1),
                               wxTE_PASSWORD | wxTE_PROCESS_ENTER);
    grid->Add(password_, 1, wxEXPAND);
    top->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, 24);
    message_ = new wxStaticText(this, wxID_ANY, hint);
    message_->SetForegroundColour(hint.empty() ? *wxRED : wxColour(90, 90, 90));
    top->Add(message_, 0, wxEXPAND | wxALL, 16);
    auto* sign_in =
        new wxButton(this, wxID_OK, fixed_user.empty() ? wtr("Sign in") : wtr("Unlock"));
    sign_in->SetDefault();
    top->Add(sign_in, 0, wxALIGN_RIGHT | wxRIGHT | wxBOTTOM, 16);
    SetSizerAndFit(top);
    CentreOnScreen();
    (fixed_user.empty() ? name_ : password_)->SetFocus();

    sign_in->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_sign_in(); });
    password_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { on_sign_in(); });
}

void LoginDialog::on_sign_in() { attempt(utf8(name_->GetValue()), utf8(password_->GetValue())); }

LoginResult LoginDialog::attempt(const std::string& name, const std::string& password) {
    name_->ChangeValue(wx(name));
    try {
        result_ = login_(name, password);
    } catch (const std::exception& e) {
        result_ = LoginResult{};
        result_.message = e.what();
    }
    password_->Clear();
    if (result_.status == LoginResult::Status::Ok) {
        message_->SetLabel({});
        if (IsModal()) EndModal(wxID_OK);
        return result_;
    }
    message_->SetForegroundColour(*wxRED);
    message_->SetLabel(wx(result_.message));
    message_->Wrap(GetClientSize().GetWidth() - 32);
    Layout();
    password_->SetFocus();
    return result_;
}

wxString LoginDialog::message() const { return message_->GetLabel(); }

}  // namespace onewindow::gui
