// The set-up assistant (设置向导) the shell opens instead of the sign-in on a counter's first run
// (Administration::first_run: no administrator in the store yet). Five pages, each done when
// the clerk presses Next, through the same core functions the command line calls:
//   1. the centre and the counter: code, name, service area, enquiry phone (CounterConfig);
//   2. the store: this PC's SQLite file or a centre's PostgreSQL, tested by opening it, then
//      counter.json is written (CounterConfig::save);
//   3. the first administrator (Administration::create_first_admin);
//   4. the bundled plugins to trust, with their departments and digests, all checked at first
//      (review_plugin_folders, then Administration::trust_plugins as that administrator);
//   5. optionally one back office endpoint with a connection test (endpoint_health, then
//      Administration::set_endpoint).
// A problem is shown on its page in Chinese and the page stays. Once the administrator exists
// the pages before it cannot be revisited (nothing there can be redone).
// Threads: UI thread only. The dialog owns the store it opened and closes it when destroyed.
#pragma once

#include <wx/dialog.h>
#include <wx/string.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/plugin_host.hpp"

class wxButton;
class wxListCtrl;
class wxRadioButton;
class wxSimplebook;
class wxStaticText;
class wxTextCtrl;

namespace onewindow::gui {

class SetupWizard : public wxDialog {
  public:
    enum Page { CounterPage, StorePage, AdminPage, PluginsPage, EndpointPage, kPageCount };

    /// `store`: the shell's --store option, if any (the location the SQLite choice uses).
    SetupWizard(wxWindow* parent, std::filesystem::path root, std::filesystem::path data_dir,
                std::optional<std::string> store = std::nullopt);
    ~SetupWizard() override;

    int page() const;
    /// What Next (Finish on the last page) does: the page's work through the core; a problem is
    /// shown on the page, which stays. Returns whether it went on (or finished).
    bool next();
    /// Back to the previous page, unless the administrator already exists before it.
    void back();
    bool finished() const { return finished_; }
    /// The message shown on the current page (a problem, or the connection test's result).
    wxString message() const;

    /// The page's text fields by key: code, name, service_area, enquiry_phone, store_url,
    /// admin_name, display_name, password, password_again, endpoint_name, endpoint_url,
    /// endpoint_secret.
    wxTextCtrl* field(const std::string& key) const;
    /// The store page's two choices: this PC's SQLite file, the centre's PostgreSQL.
    wxRadioButton* local_store() const { return local_store_; }
    wxRadioButton* centre_store() const { return centre_store_; }
    /// The plugins page: one row per bundled plugin, checked to trust it.
    wxListCtrl* plugin_list() const { return plugin_list_; }
    /// The endpoint page's connection test; shows and returns its result.
    wxString test_connection();

  private:
    wxWindow* add_page(const wxString& title, const wxString& explanation);
    struct Field {
        std::string key;
        wxString label;
        std::string value;
        long style = 0;
    };
    /// The text fields in a grid of labels and fields, inserted into the page's sizer at `at`
    /// (after the heading, the explanation and the message), `indent` pixels in.
    void add_fields(wxWindow* page, const std::vector<Field>& fields, std::size_t at = 2,
                    int indent = 0);
    void show_page(int page);
    void show_message(const wxString& text, bool problem = true);
    bool leave_counter_page();
    bool leave_store_page();
    bool leave_admin_page();
    bool leave_plugins_page();
    bool finish();

    std::filesystem::path root_, data_dir_;
    std::optional<std::string> store_option_;
    CounterConfig config_;
    std::optional<CaseStore> store_;
    std::optional<UserAccount> admin_;
    std::vector<TrustedPlugin> plugins_;
    bool finished_ = false;

    wxSimplebook* book_ = nullptr;
    std::vector<wxStaticText*> messages_;  // one per page
    std::map<std::string, wxTextCtrl*> fields_;
    wxRadioButton* local_store_ = nullptr;
    wxRadioButton* centre_store_ = nullptr;
    wxListCtrl* plugin_list_ = nullptr;
    wxButton* back_ = nullptr;
    wxButton* next_ = nullptr;
};

}  // namespace onewindow::gui
