// 管理: the administrator's page of the main window (issue 19, point 4), shown to administrators
// only. Four sections in a notebook of their own (Ctrl+Tab moves between them, Tab through each):
//   后台端点  the back offices of exchange.json: name, URL, CA file, whether a secret is set
//             (never the secret); add or replace, remove, and the connection test of the set-up
//             assistant (endpoint_health) of the typed endpoint or a saved one;
//   用户      the accounts: name, display name, role, counter, active, locked; add, change the
//             role, disable and enable, reset the password (typed twice);
//   节假日    a year's holidays and make-up working days (shipped or set by the administrator);
//             add a holiday or a make-up working day, remove one; edits count from the next
//             start of the program, which the page says;
//   插件      every plugin folder found, with department, version, digest and trust; trust or
//             untrust the selected ones (from the next start: no plugin is loaded or unloaded
//             while the shell runs).
// Every action is one call of onewindow::Administration (core/admin.hpp), the very functions of
// `onewindow-cli admin`: the permission checks, validation and audit events are the core's, and
// this page holds no rule of its own. What the core refuses (Error(Input), Error(Denied), ...)
// is shown in Chinese in the section's message line, and nothing has changed then; after a
// change the section's list is read again. A back office change restarts the shell's
// dispatcher with the new exchange.json (Services::restart_dispatcher).
// Threads: UI thread only; each call holds the counter lock (Services::lock) while it runs.
#pragma once

#include <wx/panel.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "onewindow/gui/services.hpp"

class wxButton;
class wxChoice;
class wxListCtrl;
class wxNotebook;
class wxSpinCtrl;
class wxStaticText;
class wxTextCtrl;

namespace onewindow {
class Administration;
}

namespace onewindow::gui {

class AdminPanel : public wxPanel {
  public:
    enum Section { Endpoints, Users, Calendar, Plugins, kSectionCount };

    AdminPanel(wxWindow* parent, Services& services);

    wxNotebook* sections() const { return sections_; }
    /// The list of a section (plugins: several rows may be selected).
    wxListCtrl* list(Section section) const { return lists_[section]; }
    /// Text fields by key: endpoint_name, endpoint_url, endpoint_secret, endpoint_ca_file,
    /// user_name, user_display_name, user_counter, user_password, user_password_again,
    /// day_date, day_name, plugin_digest (read-only: the selected plugin's whole digest).
    /// nullptr for an unknown key.
    wxTextCtrl* field(const std::string& key) const;
    /// Buttons by key: endpoint_set, endpoint_remove, endpoint_test, user_add, user_role,
    /// user_disable, user_enable, user_password, day_holiday, day_workday, day_remove,
    /// plugins_trust, plugins_untrust. nullptr for an unknown key.
    wxButton* button(const std::string& key) const;
    /// The role a new user gets, or the selected user's new role.
    wxChoice* role() const { return role_; }
    /// The year whose special days the calendar section lists.
    wxSpinCtrl* year() const { return year_; }
    /// The message line of a section: what the last action did, or why it was refused.
    wxString message(Section section) const;
    /// Whether that message tells of a problem (drawn red) rather than a success.
    bool problem(Section section) const { return problems_[section]; }
    /// Reads a section's list again from the core.
    void refresh(Section section);

  private:
    wxWindow* add_section(const wxString& title, const wxString& explanation);
    wxTextCtrl* add_field(wxWindow* page, wxSizer* grid, const std::string& key,
                          const wxString& label, long style = 0);
    wxButton* add_button(wxWindow* page, wxSizer* row, const std::string& key,
                         const wxString& label, std::function<wxString(Administration&)> work);
    /// The row of buttons, the message line, and the list's selection filling the fields.
    void end_section(wxWindow* page, Section section, wxSizer* buttons);
    /// Runs `work` (one Administration call, returning what it did in Chinese) for `section`,
    /// shows its result or what the core refused, and reads the section's list again.
    bool act(Section section, const std::function<wxString(Administration&)>& work);
    void say(Section section, const wxString& text, bool problem);
    std::vector<long> selected(Section section) const;
    std::string text(const std::string& key) const;
    void fill_from_selection(Section section, long row);

    void build_endpoints(wxWindow* page);
    void build_users(wxWindow* page);
    void build_calendar(wxWindow* page);
    void build_plugins(wxWindow* page);
    void list_endpoints(Administration& admin);
    void list_users(Administration& admin);
    void list_calendar(Administration& admin);
    void list_plugins(Administration& admin);

    Services& services_;
    wxNotebook* sections_ = nullptr;
    wxListCtrl* lists_[kSectionCount] = {};
    wxStaticText* messages_[kSectionCount] = {};
    bool problems_[kSectionCount] = {};
    wxStaticText* exchange_summary_ = nullptr;
    wxStaticText* plugin_issues_ = nullptr;
    wxChoice* role_ = nullptr;
    wxSpinCtrl* year_ = nullptr;
    std::map<std::string, wxTextCtrl*> fields_;
    std::map<std::string, wxButton*> buttons_;
    std::vector<std::string> endpoint_ca_files_;  // per row, as saved
    std::vector<std::string> plugin_ids_;
    std::vector<std::filesystem::path> plugin_dirs_;
};

}  // namespace onewindow::gui
