#include "onewindow/gui/admin_panel.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/datetime.h>
#include <wx/listctrl.h>
#include <wx/notebook.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"

namespace fs = std::filesystem;

namespace onewindow::gui {

namespace {

/// The administrator's work as the signed-in user, on the shell's own store (lock held).
Administration administration(Services& services) { return Administration(services.session()); }

constexpr Role kRoles[] = {Role::Clerk, Role::Supervisor, Role::Administrator};

/// A section's list, below its explanation, with its columns (header, width).
wxListCtrl* section_list(wxWindow* page, long style,
                         std::initializer_list<std::pair<const char*, int>> columns) {
    auto* list =
        new wxListCtrl(page, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | style);
    for (const auto& [header, width] : columns)
        list->AppendColumn(wtr(header), wxLIST_FORMAT_LEFT, width);
    page->GetSizer()->Add(list, 1, wxEXPAND | wxLEFT | wxRIGHT, 8);
    return list;
}

/// Two label-and-field pairs a row, the fields growing.
wxFlexGridSizer* field_grid() {
    auto* grid = new wxFlexGridSizer(4, 8, 8);
    grid->AddGrowableCol(1);
    grid->AddGrowableCol(3);
    return grid;
}

}  // namespace

AdminPanel::AdminPanel(wxWindow* parent, Services& services)
    : wxPanel(parent), services_(services) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sections_ = new wxNotebook(this, wxID_ANY);
    sizer->Add(sections_, 1, wxEXPAND | wxALL, 6);
    SetSizer(sizer);
    build_endpoints(add_section(
        wtr("Back offices"),
        wtr("The departments' back offices this counter sends accepted items to. The shared "
            "secret is never shown: type it again to replace an endpoint. The test uses the "
            "typed secret, or the saved one when none is typed.")));
    build_users(add_section(
        wtr("Users"),
        wtr("Select a user to change the role, disable or enable the account, or set a new "
            "password (typed twice). A disabled account cannot sign in.")));
    build_calendar(add_section(
        wtr("Calendar"),
        wtr("The holidays and make-up working days of a year, as shipped with the program or "
            "set here. Changes count from the next start of the program: promised dates "
            "already computed keep their dates.")));
    build_plugins(add_section(
        wtr("Plugins"),
        wtr("Every plugin found at this counter. A plugin runs only while its digest is "
            "trusted: compare it with the one the department published. Trusting or untrusting "
            "counts from the next start of the program. Select one or more rows.")));
    for (int s = 0; s < kSectionCount; ++s) refresh(static_cast<Section>(s));
}

wxWindow* AdminPanel::add_section(const wxString& title, const wxString& explanation) {
    auto* page = new wxPanel(sections_);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* text = new wxStaticText(page, wxID_ANY, explanation);
    text->Wrap(FromDIP(820));
    sizer->Add(text, 0, wxEXPAND | wxALL, 8);
    page->SetSizer(sizer);
    sections_->AddPage(page, title);
    return page;
}

wxTextCtrl* AdminPanel::add_field(wxWindow* page, wxSizer* grid, const std::string& key,
                                  const wxString& label, long style) {
    grid->Add(new wxStaticText(page, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
    auto* control =
        new wxTextCtrl(page, wxID_ANY, {}, wxDefaultPosition, FromDIP(wxSize(300, -1)), style);
    grid->Add(control, 1, wxEXPAND);
    fields_[key] = control;
    return control;
}

wxButton* AdminPanel::add_button(wxWindow* page, wxSizer* row, const std::string& key,
                                 const wxString& label,
                                 std::function<wxString(Administration&)> work) {
    auto* button = new wxButton(page, wxID_ANY, label);
    row->Add(button, 0, wxRIGHT, 8);
    buttons_[key] = button;
    const Section section = static_cast<Section>(sections_->GetPageCount() - 1);
    button->Bind(wxEVT_BUTTON,
                 [this, section, work = std::move(work)](wxCommandEvent&) { act(section, work); });
    return button;
}

void AdminPanel::end_section(wxWindow* page, Section section, wxSizer* buttons) {
    page->GetSizer()->Add(buttons, 0, wxLEFT | wxRIGHT, 8);
    messages_[section] = new wxStaticText(page, wxID_ANY, {});
    page->GetSizer()->Add(messages_[section], 0, wxEXPAND | wxALL, 8);
    // A row chosen fills the fields it acts on (plugins act on the rows selected).
    lists_[section]->Bind(wxEVT_LIST_ITEM_SELECTED, [this, section](wxListEvent& e) {
        fill_from_selection(section, e.GetIndex());
    });
}

bool AdminPanel::act(Section section, const std::function<wxString(Administration&)>& work) {
    wxString done;
    try {
        auto held = services_.lock();
        Administration admin = administration(services_);
        done = work(admin);
    } catch (const std::exception& e) {
        say(section, wx(e.what()), true);
        return false;
    }
    // The shell's dispatcher sends to the back offices as they are now.
    if (section == Endpoints) services_.restart_dispatcher();
    refresh(section);
    say(section, done, false);
    return true;
}

void AdminPanel::say(Section section, const wxString& text, bool problem) {
    problems_[section] = problem;
    messages_[section]->SetForegroundColour(problem ? *wxRED : wxColour(0, 120, 0));
    messages_[section]->SetLabel(text);
    messages_[section]->Wrap(FromDIP(820));
    sections_->GetPage(section)->Layout();
}

wxString AdminPanel::message(Section section) const { return messages_[section]->GetLabel(); }

wxTextCtrl* AdminPanel::field(const std::string& key) const {
    const auto found = fields_.find(key);
    return found == fields_.end() ? nullptr : found->second;
}

wxButton* AdminPanel::button(const std::string& key) const {
    const auto found = buttons_.find(key);
    return found == buttons_.end() ? nullptr : found->second;
}

std::string AdminPanel::text(const std::string& key) const {
    return utf8(field(key)->GetValue().Strip(wxString::both));
}

std::vector<long> AdminPanel::selected(Section section) const {
    std::vector<long> rows;
    for (long row = lists_[section]->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
         row >= 0; row = lists_[section]->GetNextItem(row, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED))
        rows.push_back(row);
    return rows;
}

void AdminPanel::refresh(Section section) {
    lists_[section]->Freeze();
    try {
        auto held = services_.lock();
        Administration admin = administration(services_);
        lists_[section]->DeleteAllItems();
        switch (section) {
            case Endpoints:
                list_endpoints(admin);
                break;
            case Users:
                list_users(admin);
                break;
            case Calendar:
                list_calendar(admin);
                break;
            default:
                list_plugins(admin);
        }
    } catch (const std::exception& e) {
        say(section, wx(e.what()), true);
    }
    lists_[section]->Thaw();
}

// Back offices ----------------------------------------------------------------------------------

void AdminPanel::build_endpoints(wxWindow* page) {
    exchange_summary_ = new wxStaticText(page, wxID_ANY, {});
    page->GetSizer()->Add(exchange_summary_, 0, wxLEFT | wxRIGHT | wxBOTTOM, 8);
    lists_[Endpoints] = section_list(page, wxLC_SINGLE_SEL,
                                     {{N_("Name"), 180},
                                      {N_("Address (URL)"), 320},
                                      {N_("CA file"), 200},
                                      {N_("Shared secret"), 120}});
    auto* grid = field_grid();
    add_field(page, grid, "endpoint_name", wtr("Name"));
    add_field(page, grid, "endpoint_url", wtr("Address (URL)"));
    add_field(page, grid, "endpoint_secret", wtr("Shared secret"), wxTE_PASSWORD);
    add_field(page, grid, "endpoint_ca_file", wtr("CA file (optional)"));
    page->GetSizer()->Add(grid, 0, wxEXPAND | wxALL, 8);
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    add_button(page, row, "endpoint_set", wtr("Add or replace"), [this](Administration& admin) {
        const std::string name = text("endpoint_name"), url = text("endpoint_url");
        admin.set_endpoint(name, url, utf8(field("endpoint_secret")->GetValue()),
                           text("endpoint_ca_file"));
        field("endpoint_secret")->Clear();
        return wx(trf("Endpoint {} set to {}", name, url));
    });
    add_button(page, row, "endpoint_remove", wtr("Remove"), [this](Administration& admin) {
        const std::string name = text("endpoint_name");
        admin.remove_endpoint(name);
        return wx(trf("Endpoint {} removed", name));
    });
    auto* test = new wxButton(page, wxID_ANY, wtr("Test the connection"));
    row->Add(test, 0, wxRIGHT, 8);
    buttons_["endpoint_test"] = test;
    test->Bind(wxEVT_BUTTON, [this, test](wxCommandEvent&) {
        // A test changes nothing: its result is the message, the list stays. The endpoint is
        // read holding the Counter; the network call (up to its timeout) runs on a worker
        // without it, so the window neither freezes nor keeps the Counter meanwhile.
        const wxString secret = field("endpoint_secret")->GetValue();
        const std::string name = text("endpoint_name"), url = text("endpoint_url"),
                          ca_file = text("endpoint_ca_file");
        struct Job {
            std::optional<EndpointTest> test;
            std::string problem;
        };
        auto job = std::make_shared<Job>();
        using Hold = Services::Hold;
        test->Disable();
        say(Endpoints, wtr("Testing the connection..."), false);
        services_.run_job(
            {{Hold::Counter,
              [this, job, secret = utf8(secret), name, url, ca_file] {
                  Administration admin = administration(services_);
                  job->test = secret.empty() ? admin.endpoint_test(name)
                                             : admin.endpoint_test(url, secret, ca_file);
              }},
             {Hold::Nothing, [job] { job->problem = job->test->run(); }}},
            [this, job, test](std::exception_ptr error) {
                test->Enable();
                if (error) try {
                        std::rethrow_exception(error);
                    } catch (const std::exception& e) {
                        job->problem = e.what();
                    }
                say(Endpoints,
                    job->problem.empty() ? wtr("The back office answers.") : wx(job->problem),
                    !job->problem.empty());
            });
    });
    end_section(page, Endpoints, row);
}

void AdminPanel::list_endpoints(Administration& admin) {
    const ExchangeOverview overview = admin.exchange();
    wxString summary = overview.configured
                           ? wx(trf("Client code: {}", overview.client)) + wx("    ") +
                                 wx(overview.upper_centre.empty()
                                        ? tr("Agent mode: off")
                                        : trf("Agent mode: every item goes to the upper centre {}",
                                              overview.upper_centre))
                           : wtr("No back office is configured: this counter works offline");
    exchange_summary_->SetLabel(summary);
    wxListCtrl* list = lists_[Endpoints];
    endpoint_ca_files_.clear();
    for (const auto& e : overview.endpoints) {
        endpoint_ca_files_.push_back(e.ca_file);
        const long row = list->InsertItem(list->GetItemCount(), wx(e.name));
        list->SetItem(row, 1, wx(e.url));
        list->SetItem(row, 2, e.ca_file.empty() ? wtr("(the system's)") : wx(e.ca_file));
        list->SetItem(row, 3, e.secret_set ? wtr("secret set") : wtr("no secret"));
    }
}

// Users -------------------------------------------------------------------------------------------

void AdminPanel::build_users(wxWindow* page) {
    lists_[Users] = section_list(page, wxLC_SINGLE_SEL,
                                 {{N_("User name"), 140},
                                  {N_("Display name"), 140},
                                  {N_("Role"), 140},
                                  {N_("Counter"), 90},
                                  {N_("State"), 80},
                                  {N_("Locked until"), 180}});
    auto* grid = field_grid();
    add_field(page, grid, "user_name", wtr("User name"));
    add_field(page, grid, "user_display_name", wtr("Display name"));
    grid->Add(new wxStaticText(page, wxID_ANY, wtr("Role")), 0, wxALIGN_CENTER_VERTICAL);
    role_ = new wxChoice(page, wxID_ANY);
    for (Role r : kRoles) role_->Append(wtr(role_name(r)));
    role_->SetSelection(0);
    grid->Add(role_, 1, wxEXPAND);
    add_field(page, grid, "user_counter", wtr("Counter"))
        ->ChangeValue(wx(services_.counter().config().code));
    add_field(page, grid, "user_password", wtr("Password"), wxTE_PASSWORD);
    add_field(page, grid, "user_password_again", wtr("Password again"), wxTE_PASSWORD);
    page->GetSizer()->Add(grid, 0, wxEXPAND | wxALL, 8);
    // The password typed twice must agree before it goes to the core.
    auto password = [this]() -> std::string {
        if (field("user_password")->GetValue() != field("user_password_again")->GetValue())
            throw Error(ErrorKind::Input, tr("The two passwords differ"));
        return utf8(field("user_password")->GetValue());
    };
    auto clear_passwords = [this] {
        field("user_password")->Clear();
        field("user_password_again")->Clear();
    };
    auto role = [this] {
        return std::string(role_name(kRoles[std::max(0, role_->GetSelection())]));
    };
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    add_button(page, row, "user_add", wtr("Add user"), [=, this](Administration& admin) {
        const std::string name = text("user_name");
        admin.add_user(name, role(), text("user_counter"), text("user_display_name"), password());
        clear_passwords();
        return wx(trf("User {} added", name));
    });
    add_button(page, row, "user_role", wtr("Change the role"), [=, this](Administration& admin) {
        const std::string name = text("user_name");
        admin.set_user_role(name, role());
        return wx(trf("User {} now has the role {}", name, tr(role().c_str())));
    });
    add_button(page, row, "user_disable", wtr("Disable"), [this](Administration& admin) {
        const std::string name = text("user_name");
        admin.set_user_active(name, false);
        return wx(trf("User {} disabled", name));
    });
    add_button(page, row, "user_enable", wtr("Enable"), [this](Administration& admin) {
        const std::string name = text("user_name");
        admin.set_user_active(name, true);
        return wx(trf("User {} enabled", name));
    });
    add_button(page, row, "user_password", wtr("Reset the password"),
               [=, this](Administration& admin) {
                   const std::string name = text("user_name");
                   admin.reset_password(name, password());
                   clear_passwords();
                   return wx(trf("The password of {} was reset", name));
               });
    end_section(page, Users, row);
}

void AdminPanel::list_users(Administration& admin) {
    const std::string now = utf8(wxDateTime::Now().Format("%Y-%m-%d %H:%M:%S"));
    wxListCtrl* list = lists_[Users];
    for (const auto& u : admin.users()) {
        const long row = list->InsertItem(list->GetItemCount(), wx(u.name));
        list->SetItem(row, 1, wx(u.display_name));
        list->SetItem(row, 2, wtr(role_name(u.role)));
        list->SetItem(row, 3, wx(u.counter));
        list->SetItem(row, 4, u.active ? wtr("active") : wtr("disabled"));
        list->SetItem(row, 5, u.locked_until > now ? wx(u.locked_until) : wxString());
    }
}

// Calendar ----------------------------------------------------------------------------------------

void AdminPanel::build_calendar(wxWindow* page) {
    auto* top = new wxBoxSizer(wxHORIZONTAL);
    top->Add(new wxStaticText(page, wxID_ANY, wtr("Year")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT,
             8);
    year_ = new wxSpinCtrl(page, wxID_ANY, {}, wxDefaultPosition, FromDIP(wxSize(120, -1)),
                           wxSP_ARROW_KEYS, 2000, 2100, Date::today().year);
    top->Add(year_);
    page->GetSizer()->Add(top, 0, wxLEFT | wxRIGHT | wxBOTTOM, 8);
    year_->Bind(wxEVT_SPINCTRL, [this](wxSpinEvent&) { refresh(Calendar); });
    lists_[Calendar] = section_list(
        page, wxLC_SINGLE_SEL,
        {{N_("Date"), 150}, {N_("Kind"), 140}, {N_("Name"), 200}, {N_("Source"), 140}});
    auto* grid = field_grid();
    add_field(page, grid, "day_date", wtr("Date (YYYY-MM-DD)"));
    add_field(page, grid, "day_name", wtr("Name"));
    page->GetSizer()->Add(grid, 0, wxEXPAND | wxALL, 8);
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    add_button(page, row, "day_holiday", wtr("Add a holiday"), [this](Administration& admin) {
        const std::string date = text("day_date");
        admin.add_holiday(date, text("day_name"));
        return wx(trf("{} is a holiday now", date));
    });
    add_button(page, row, "day_workday", wtr("Add a make-up working day"),
               [this](Administration& admin) {
                   const std::string date = text("day_date");
                   admin.add_workday(date, text("day_name"));
                   return wx(trf("{} is a make-up working day now", date));
               });
    add_button(page, row, "day_remove", wtr("Remove"), [this](Administration& admin) {
        const std::string date = text("day_date");
        admin.remove_day(date);
        return wx(trf("{} counts as an ordinary day now", date));
    });
    end_section(page, Calendar, row);
}

void AdminPanel::list_calendar(Administration& admin) {
    wxListCtrl* list = lists_[Calendar];
    for (const auto& day : admin.special_days(year_->GetValue())) {
        const long row = list->InsertItem(list->GetItemCount(), wx(day.date.iso()));
        list->SetItem(row, 1, day.holiday ? wtr("holiday") : wtr("make-up working day"));
        list->SetItem(row, 2, wx(day.name));
        list->SetItem(row, 3, day.edited ? wtr("set by the administrator") : wtr("shipped"));
        if (day.edited) list->SetItemBackgroundColour(row, wxColour(225, 240, 255));
    }
}

// Plugins -----------------------------------------------------------------------------------------

void AdminPanel::build_plugins(wxWindow* page) {
    lists_[Plugins] = section_list(page, 0,
                                   {{N_("Plugin"), 150},
                                    {N_("Department"), 170},
                                    {N_("Version"), 60},
                                    {N_("Trust"), 120},
                                    {N_("Digest (SHA-256)"), 480}});
    plugin_issues_ = new wxStaticText(page, wxID_ANY, {});
    page->GetSizer()->Add(plugin_issues_, 0, wxALL, 8);
    // The whole digest of the selected plugin, to compare with the published one (and copy).
    auto* grid = new wxBoxSizer(wxHORIZONTAL);
    grid->Add(new wxStaticText(page, wxID_ANY, wtr("Digest (SHA-256)")), 0,
              wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
    fields_["plugin_digest"] =
        new wxTextCtrl(page, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxTE_READONLY);
    grid->Add(fields_["plugin_digest"], 1);
    page->GetSizer()->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    add_button(page, row, "plugins_trust", wtr("Trust the selected plugins"),
               [this](Administration& admin) {
                   std::vector<fs::path> folders;
                   for (long r : selected(Plugins))
                       folders.push_back(plugin_dirs_.at(static_cast<std::size_t>(r)));
                   if (folders.empty())
                       throw Error(ErrorKind::Input, tr("Select the plugins first"));
                   wxString done;
                   for (const auto& plugin : admin.trust_plugins(folders))
                       done += wx(trf("Trusted plugin {} ({})", plugin.manifest.id,
                                      plugin.digest.substr(0, 12))) +
                               wx("  ");
                   return done;
               });
    add_button(page, row, "plugins_untrust", wtr("Untrust the selected plugins"),
               [this](Administration& admin) {
                   std::vector<std::string> ids;
                   for (long r : selected(Plugins))
                       ids.push_back(plugin_ids_.at(static_cast<std::size_t>(r)));
                   if (ids.empty()) throw Error(ErrorKind::Input, tr("Select the plugins first"));
                   admin.untrust_plugins(ids);
                   wxString done;
                   for (const auto& id : ids)
                       done += wx(trf("Plugin {} is no longer trusted (from the next start)", id)) +
                               wx("  ");
                   return done;
               });
    end_section(page, Plugins, row);
}

void AdminPanel::list_plugins(Administration& admin) {
    Issues issues;
    const auto found =
        admin.plugins(plugin_roots(services_.options().root, services_.options().data_dir), issues);
    wxListCtrl* list = lists_[Plugins];
    plugin_ids_.clear();
    plugin_dirs_.clear();
    for (const auto& p : found) {
        const PluginManifest& m = p.plugin.manifest;
        const long row = list->InsertItem(list->GetItemCount(), wx(m.name));
        list->SetItem(row, 1, m.department_name.empty() ? wtr("(device)") : wx(m.department_name));
        list->SetItem(row, 2, wx(m.version));
        list->SetItem(row, 3, wtr(trust_label(p)));
        list->SetItem(row, 4, wx(p.plugin.digest));
        if (!p.trusted) list->SetItemBackgroundColour(row, wxColour(255, 240, 200));
        plugin_ids_.push_back(m.id);
        plugin_dirs_.push_back(m.dir);
    }
    std::string problems;
    for (const auto& issue : issues.list()) problems += issue.to_string() + "\n";
    plugin_issues_->SetLabel(wx(problems));
}

// -------------------------------------------------------------------------------------------------

void AdminPanel::fill_from_selection(Section section, long row) {
    wxListCtrl* list = lists_[section];
    if (section == Endpoints) {
        field("endpoint_name")->ChangeValue(list->GetItemText(row, 0));
        field("endpoint_url")->ChangeValue(list->GetItemText(row, 1));
        field("endpoint_secret")->Clear();
        // The CA file as saved: the list shows "(the system's)" for none.
        field("endpoint_ca_file")
            ->ChangeValue(wx(endpoint_ca_files_.at(static_cast<std::size_t>(row))));
    } else if (section == Users) {
        field("user_name")->ChangeValue(list->GetItemText(row, 0));
        field("user_display_name")->ChangeValue(list->GetItemText(row, 1));
        field("user_counter")->ChangeValue(list->GetItemText(row, 3));
        for (int r = 0; r < static_cast<int>(std::size(kRoles)); ++r)
            if (wtr(role_name(kRoles[r])) == list->GetItemText(row, 2)) role_->SetSelection(r);
    } else if (section == Calendar) {
        field("day_date")->ChangeValue(list->GetItemText(row, 0));
        field("day_name")->ChangeValue(list->GetItemText(row, 2));
    } else {
        field("plugin_digest")->ChangeValue(list->GetItemText(row, 4));
    }
}

}  // namespace onewindow::gui
