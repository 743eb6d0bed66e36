#include "onewindow/gui/setup_wizard.hpp"

#include <wx/button.h>
#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/radiobut.h>
#include <wx/simplebook.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/gui/services.hpp"

namespace fs = std::filesystem;

namespace onewindow::gui {

namespace {

/// The label of a counter.json key whose value CounterConfig::problems() names.
wxString counter_field_label(const std::string& key) {
    if (key == "code") return wtr("Counter code");
    if (key == "service_area") return wtr("Service area (division code)");
    return wx(key);
}

}  // namespace

SetupWizard::SetupWizard(wxWindow* parent, fs::path root, fs::path data_dir,
                         std::optional<std::string> store)
    : wxDialog(parent, wxID_ANY, wtr("OneWindow - set-up assistant"), wxDefaultPosition,
               wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      root_(std::move(root)),
      data_dir_(std::move(data_dir)),
      store_option_(std::move(store)),
      config_(CounterConfig::load(data_dir_ / "counter.json")) {
    auto* top = new wxBoxSizer(wxVERTICAL);
    book_ = new wxSimplebook(this);
    top->Add(book_, 1, wxEXPAND | wxALL, 16);

    // 1. The centre and the counter.
    {
        wxWindow* page =
            add_page(wtr("The centre and this counter"),
                     wtr("The code and name print on every receipt and notice; the service area "
                         "is the county's 6-digit administrative division code."));
        add_fields(page,
                   {{"code", wtr("Counter code"), config_.code},
                    {"name", wtr("Centre and counter name"), config_.name},
                    {"service_area", wtr("Service area (division code)"), config_.service_area},
                    {"enquiry_phone", wtr("Enquiry phone"), config_.enquiry_phone}});
    }
    // 2. The store.
    {
        wxWindow* page = add_page(
            wtr("Where the cases are kept"),
            wtr("A counter on its own keeps its cases in a database file on this PC. The counters "
                "of a service centre share the centre's PostgreSQL database."));
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        local_store_ = new wxRadioButton(page, wxID_ANY, wtr("This PC's database file (SQLite)"),
                                         wxDefaultPosition, wxDefaultSize, wxRB_GROUP);
        centre_store_ = new wxRadioButton(page, wxID_ANY, wtr("The centre's PostgreSQL database"));
        const bool centre = config_.store.rfind("postgres", 0) == 0;
        (centre ? centre_store_ : local_store_)->SetValue(true);
        sizer->Add(local_store_, 0, wxBOTTOM, 8);
        sizer->Add(centre_store_, 0, wxBOTTOM, 8);
        page->GetSizer()->Insert(2, sizer, 0, wxEXPAND | wxTOP, 8);
        add_fields(page,
                   {{"store_url", wtr("Connection (postgresql://...)"),
                     centre ? config_.store : std::string("postgresql://")}},
                   3, 24);
    }
    // 3. The first administrator.
    {
        wxWindow* page = add_page(
            wtr("The first administrator"),
            wtr("The administrator signs in to add the clerks and supervisors, the back offices "
                "and the plugins. Choose a strong password and keep it safe."));
        add_fields(page, {{"admin_name", wtr("User name"), "admin"},
                          {"display_name", wtr("Display name"), ""},
                          {"password", wtr("Password"), "", wxTE_PASSWORD},
                          {"password_again", wtr("Password again"), "", wxTE_PASSWORD}});
    }
    // 4. The plugins to trust.
    {
        wxWindow* page =
            add_page(wtr("The plugins to trust"),
                     wtr("Each department's plugin runs at this counter only once it is trusted. "
                         "Compare each digest with the one the department published."));
        plugin_list_ = new wxListCtrl(page, wxID_ANY, wxDefaultPosition, wxSize(-1, 300),
                                      wxLC_REPORT | wxLC_SINGLE_SEL);
        plugin_list_->EnableCheckBoxes();
        plugin_list_->AppendColumn(wtr("Plugin"), wxLIST_FORMAT_LEFT, 200);
        plugin_list_->AppendColumn(wtr("Department"), wxLIST_FORMAT_LEFT, 200);
        plugin_list_->AppendColumn(wtr("Version"), wxLIST_FORMAT_LEFT, 70);
        plugin_list_->AppendColumn(wtr("Digest (SHA-256)"), wxLIST_FORMAT_LEFT, 520);
        Issues issues;
        plugins_ = review_plugin_folders(plugin_folders_in(bundled_plugins_dir(root_)), issues);
        for (std::size_t i = 0; i < plugins_.size(); ++i) {
            const auto& m = plugins_[i].manifest;
            const long row = plugin_list_->InsertItem(static_cast<long>(i), wx(m.name));
            plugin_list_->SetItem(
                row, 1, m.department_name.empty() ? wtr("(device)") : wx(m.department_name));
            plugin_list_->SetItem(row, 2, wx(m.version));
            plugin_list_->SetItem(row, 3, wx(plugins_[i].digest));
            plugin_list_->CheckItem(row, true);
        }
        page->GetSizer()->Insert(2, plugin_list_, 1, wxEXPAND | wxTOP, 8);
        if (!issues.empty()) {
            std::string text;
            for (const auto& issue : issues.list()) text += issue.to_string() + "\n";
            messages_.back()->SetLabel(wx(text));
        }
    }
    // 5. A back office (optional).
    {
        wxWindow* page =
            add_page(wtr("A back office (optional)"),
                     wtr("The department's back office receives the accepted cases. Leave the "
                         "fields empty to work offline; the administrator can add it later."));
        add_fields(page, {{"endpoint_name", wtr("Name"), ""},
                          {"endpoint_url", wtr("Address (URL)"), ""},
                          {"endpoint_secret", wtr("Shared secret"), "", wxTE_PASSWORD}});
        auto* test = new wxButton(page, wxID_ANY, wtr("Test the connection"));
        test->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { test_connection(); });
        page->GetSizer()->Insert(3, test, 0, wxTOP, 8);
    }

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* cancel = new wxButton(this, wxID_CANCEL, wtr("Cancel"));
    back_ = new wxButton(this, wxID_ANY, wtr("< Back"));
    next_ = new wxButton(this, wxID_ANY, wtr("Next >"));
    buttons->Add(cancel);
    buttons->AddStretchSpacer();
    buttons->Add(back_, 0, wxRIGHT, 8);
    buttons->Add(next_);
    top->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 16);
    back_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { back(); });
    next_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { next(); });
    SetSizer(top);
    SetSize(FromDIP(wxSize(1040, 560)));
    CentreOnScreen();
    show_page(CounterPage);
}

SetupWizard::~SetupWizard() = default;

wxWindow* SetupWizard::add_page(const wxString& title, const wxString& explanation) {
    auto* page = new wxPanel(book_);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* heading = new wxStaticText(
        page, wxID_ANY,
        wxString::Format(wtr("Step %d of %d: %s"), static_cast<int>(messages_.size()) + 1,
                         static_cast<int>(kPageCount), title));
    heading->SetFont(heading->GetFont().Scaled(1.4f).Bold());
    sizer->Add(heading, 0, wxBOTTOM, 8);
    auto* text = new wxStaticText(page, wxID_ANY, explanation);
    text->Wrap(FromDIP(960));
    sizer->Add(text, 0, wxEXPAND);
    auto* message = new wxStaticText(page, wxID_ANY, {});
    message->SetForegroundColour(*wxRED);
    sizer->Add(message, 0, wxEXPAND | wxTOP, 12);
    messages_.push_back(message);
    page->SetSizer(sizer);
    book_->AddPage(page, title);
    return page;
}

void SetupWizard::add_fields(wxWindow* page, const std::vector<Field>& fields, std::size_t at,
                             int indent) {
    auto* grid = new wxFlexGridSizer(2, 8, 8);
    grid->AddGrowableCol(1);
    for (const auto& f : fields) {
        grid->Add(new wxStaticText(page, wxID_ANY, f.label), 0, wxALIGN_CENTER_VERTICAL);
        auto* control = new wxTextCtrl(page, wxID_ANY, wx(f.value), wxDefaultPosition,
                                       FromDIP(wxSize(420, -1)), f.style);
        grid->Add(control, 1, wxEXPAND);
        fields_[f.key] = control;
    }
    page->GetSizer()->Insert(at, grid, 0, wxEXPAND | (indent ? wxLEFT : wxTOP),
                             indent ? indent : 8);
}

int SetupWizard::page() const { return book_->GetSelection(); }

wxTextCtrl* SetupWizard::field(const std::string& key) const {
    const auto found = fields_.find(key);
    return found == fields_.end() ? nullptr : found->second;
}

wxString SetupWizard::message() const {
    return messages_[static_cast<std::size_t>(page())]->GetLabel();
}

void SetupWizard::show_message(const wxString& text, bool problem) {
    wxStaticText* message = messages_[static_cast<std::size_t>(page())];
    message->SetForegroundColour(problem ? *wxRED : wxColour(0, 120, 0));
    message->SetLabel(text);
    message->Wrap(FromDIP(960));
    book_->GetCurrentPage()->Layout();
}

void SetupWizard::show_page(int page) {
    book_->ChangeSelection(static_cast<std::size_t>(page));
    back_->Enable(page > CounterPage && !(admin_ && page - 1 <= AdminPage));
    next_->SetLabel(page == EndpointPage ? wtr("Finish") : wtr("Next >"));
    Layout();
}

bool SetupWizard::next() {
    bool done = false;
    try {
        switch (page()) {
            case CounterPage:
                done = leave_counter_page();
                break;
            case StorePage:
                done = leave_store_page();
                break;
            case AdminPage:
                done = leave_admin_page();
                break;
            case PluginsPage:
                done = leave_plugins_page();
                break;
            default:
                return finish();
        }
    } catch (const std::exception& e) {
        show_message(wx(e.what()));
        return false;
    }
    if (done) show_page(page() + 1);
    return done;
}

void SetupWizard::back() {
    if (back_->IsEnabled()) show_page(page() - 1);
}

bool SetupWizard::leave_counter_page() {
    CounterConfig config = config_;
    config.code = utf8(field("code")->GetValue().Strip(wxString::both));
    config.name = utf8(field("name")->GetValue().Strip(wxString::both));
    config.service_area = utf8(field("service_area")->GetValue().Strip(wxString::both));
    config.enquiry_phone = utf8(field("enquiry_phone")->GetValue().Strip(wxString::both));
    if (const auto problems = config.problems(); !problems.empty()) {
        show_message(wxString::Format(wtr("%s: %s"), counter_field_label(problems.front().first),
                                      wtr(problems.front().second)));
        return false;
    }
    if (config.name.empty()) {
        show_message(wtr("Centre and counter name: must not be empty"));
        return false;
    }
    config_ = std::move(config);
    show_message({});
    return true;
}

bool SetupWizard::leave_store_page() {
    const bool centre = centre_store_->GetValue();
    const std::string location = centre ? utf8(field("store_url")->GetValue().Strip(wxString::both))
                                        : store_option_.value_or("counter.db");
    // Opening it is the test: a wrong address or an unreachable server is shown here.
    store::Location::parse(location, data_dir_);
    fs::create_directories(data_dir_);
    store_.reset();
    store_.emplace(open_store(root_, data_dir_, location));
    config_.store = centre ? location : std::string();
    config_.save(data_dir_ / "counter.json");
    show_message({});
    return true;
}

bool SetupWizard::leave_admin_page() {
    if (admin_) return true;
    const std::string name = utf8(field("admin_name")->GetValue().Strip(wxString::both));
    if (field("password")->GetValue() != field("password_again")->GetValue()) {
        show_message(wtr("The two passwords differ"));
        return false;
    }
    Administration::create_first_admin(
        *store_, name, utf8(field("display_name")->GetValue().Strip(wxString::both)), config_.code,
        utf8(field("password")->GetValue()));
    for (const auto& user : store_->accounts().users())
        if (user.name == name) admin_ = user;
    field("password")->Clear();
    field("password_again")->Clear();
    show_message({});
    return admin_.has_value();
}

bool SetupWizard::leave_plugins_page() {
    std::vector<fs::path> chosen;
    for (long row = 0; row < plugin_list_->GetItemCount(); ++row)
        if (plugin_list_->IsItemChecked(row))
            chosen.push_back(plugins_[static_cast<std::size_t>(row)].manifest.dir);
    Administration admin(*store_, data_dir_, root_ / "share" / "onewindow" / "calendar", *admin_);
    admin.trust_plugins(chosen);
    show_message({});
    return true;
}

wxString SetupWizard::test_connection() {
    ExchangeEndpoint endpoint;
    endpoint.url = utf8(field("endpoint_url")->GetValue().Strip(wxString::both));
    endpoint.secret = utf8(field("endpoint_secret")->GetValue());
    const std::string problem = endpoint_health(endpoint, config_.code);
    show_message(problem.empty() ? wtr("The back office answers.") : wx(problem), !problem.empty());
    return message();
}

bool SetupWizard::finish() {
    const std::string name = utf8(field("endpoint_name")->GetValue().Strip(wxString::both));
    const std::string url = utf8(field("endpoint_url")->GetValue().Strip(wxString::both));
    const std::string secret = utf8(field("endpoint_secret")->GetValue());
    try {
        if (!name.empty() || !url.empty() || !secret.empty()) {
            Administration admin(*store_, data_dir_, root_ / "share" / "onewindow" / "calendar",
                                 *admin_);
            admin.set_endpoint(name, url, secret, "");
        }
    } catch (const std::exception& e) {
        show_message(wx(e.what()));
        return false;
    }
    finished_ = true;
    store_.reset();
    if (IsModal()) EndModal(wxID_OK);
    return true;
}

}  // namespace onewindow::gui
