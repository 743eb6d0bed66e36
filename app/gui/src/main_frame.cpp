#include "onewindow/gui/main_frame.hpp"

#include <wx/aboutdlg.h>
#include <wx/button.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/listctrl.h>
#include <wx/menu.h>
#include <wx/notebook.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>
#include <wx/timer.h>
#include <wx/treectrl.h>

#include <algorithm>
#include <set>

#include "onewindow/core/case_desk.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/version.hpp"
#include "onewindow/gui/admin_panel.hpp"
#include "onewindow/gui/intake_panel.hpp"
#include "onewindow/gui/log_panel.hpp"
#include "onewindow/gui/preview_frame.hpp"
#include "onewindow/gui/rating_frame.hpp"
#include "onewindow/sdk/abi.h"

namespace onewindow::gui {

namespace {

class NodeData : public wxTreeItemData {
  public:
    NodeData(std::vector<std::string> items, std::string guide)
        : items(std::move(items)), guide(std::move(guide)) {}
    std::vector<std::string> items;  // what choosing the node adds
    std::string guide;               // the item whose guide can be printed
};

wxString status_label(const std::string& status) { return wx(onewindow::status_label(status)); }

wxString chinese_time(const std::string& timestamp) {
    auto date = Date::parse(timestamp.substr(0, 10));
    if (!date) return wx(timestamp);
    return wx(date->chinese() + (timestamp.size() >= 16 ? " " + timestamp.substr(11, 5) : ""));
}

long long now_ms() { return wxGetUTCTimeMillis().GetValue(); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Catalogue

CataloguePanel::CataloguePanel(wxWindow* parent, Services& services)
    : wxPanel(parent), services_(services) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    search_ =
        new wxSearchCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxTE_PROCESS_ENTER);
    search_->SetDescriptiveText(wtr("Search: name, code or pinyin initials"));
    search_->ShowCancelButton(true);
    sizer->Add(search_, 0, wxEXPAND | wxALL, 6);
    tree_ = new wxTreeCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                           wxTR_HIDE_ROOT | wxTR_HAS_BUTTONS | wxTR_LINES_AT_ROOT | wxTR_SINGLE |
                               wxTR_FULL_ROW_HIGHLIGHT);
    sizer->Add(tree_, 1, wxEXPAND | wxLEFT | wxRIGHT, 6);
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* add = new wxButton(this, wxID_ANY, wtr("Add to the case"));
    auto* guide = new wxButton(this, wxID_ANY, wtr("Service guide"));
    buttons->Add(add, 1, wxRIGHT, 6);
    buttons->Add(guide, 1);
    sizer->Add(buttons, 0, wxEXPAND | wxALL, 6);
    SetSizer(sizer);

    search_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { fill(utf8(search_->GetValue())); });
    search_->Bind(wxEVT_SEARCHCTRL_CANCEL_BTN, [this](wxCommandEvent&) { set_query({}); });
    search_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) {
        // Enter in the search box takes the first match.
        wxTreeItemIdValue cookie;
        for (auto node = tree_->GetFirstChild(tree_->GetRootItem(), cookie); node.IsOk();
             node = tree_->GetNextChild(tree_->GetRootItem(), cookie)) {
            wxTreeItemId target = node;
            if (!dynamic_cast<NodeData*>(tree_->GetItemData(node))) {
                wxTreeItemIdValue inner;
                target = tree_->GetFirstChild(node, inner);
            }
            if (target.IsOk()) {
                tree_->SelectItem(target);
                choose_selected();
                return;
            }
        }
    });
    search_->Bind(wxEVT_KEY_DOWN, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_DOWN) {
            tree_->SetFocus();
            return;
        }
        e.Skip();
    });
    tree_->Bind(wxEVT_TREE_ITEM_ACTIVATED, [this](wxTreeEvent&) { choose_selected(); });
    add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { choose_selected(); });
    guide->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        auto selected = tree_->GetSelection();
        auto* data =
            selected.IsOk() ? dynamic_cast<NodeData*>(tree_->GetItemData(selected)) : nullptr;
        if (data && !data->guide.empty() && on_guide) on_guide(data->guide);
    });
    fill({});
}

void CataloguePanel::focus_search() {
    search_->SetFocus();
    search_->SelectAll();
}

void CataloguePanel::set_query(const std::string& query) {
    search_->ChangeValue(wx(query));
    fill(query);
}

void CataloguePanel::choose_selected() {
    auto selected = tree_->GetSelection();
    if (!selected.IsOk()) return;
    auto* data = dynamic_cast<NodeData*>(tree_->GetItemData(selected));
    if (data && on_choose) on_choose(data->items);
}

void CataloguePanel::fill(const std::string& query) {
    const Catalogue& catalogue = services_.counter().catalogue();  // read-only, thread-safe
    tree_->Freeze();
    tree_->DeleteAllItems();
    const auto root = tree_->AddRoot({});
    auto item_label = [](const ServiceItem& item) {
        return wx(item.name) + wx("  ") + wx(item.code);
    };
    if (!query.empty()) {
        const auto matches = catalogue.search(query, 60);
        const auto results = tree_->AppendItem(
            root, wxString::Format(wtr("Matches (%d)"), static_cast<int>(matches.size())));
        wxTreeItemId first;
        for (const ServiceItem* item : matches) {
            auto node =
                tree_->AppendItem(results, item_label(*item) + wx("  ") + wx(item->department_name),
                                  -1, -1, new NodeData({item->code}, item->code));
            if (!first.IsOk()) first = node;
        }
        tree_->Expand(results);
        if (first.IsOk()) tree_->SelectItem(first);
    } else {
        if (!catalogue.bundles().empty()) {
            const auto bundles = tree_->AppendItem(root, wtr("Life events (one visit for all)"));
            for (const Bundle& bundle : catalogue.bundles()) {
                std::vector<std::string> available;
                for (const auto& code : bundle.items)
                    if (catalogue.find(code)) available.push_back(code);
                if (!available.empty())
                    tree_->AppendItem(bundles, wx(bundle.name), -1, -1,
                                      new NodeData(available, {}));
            }
            tree_->Expand(bundles);
        }
        std::map<std::string, wxTreeItemId> departments;
        for (const ServiceItem& item : catalogue.items()) {
            auto found = departments.find(item.department_name);
            if (found == departments.end())
                found = departments
                            .emplace(item.department_name,
                                     tree_->AppendItem(root, wx(item.department_name)))
                            .first;
            tree_->AppendItem(found->second, item_label(item), -1, -1,
                              new NodeData({item.code}, item.code));
        }
        for (const auto& [name, node] : departments) tree_->Expand(node);
    }
    tree_->Thaw();
}

std::vector<std::string> CataloguePanel::shown_items() const {
    std::vector<std::string> out;
    std::function<void(wxTreeItemId)> walk = [&](wxTreeItemId node) {
        wxTreeItemIdValue cookie;
        for (auto child = tree_->GetFirstChild(node, cookie); child.IsOk();
             child = tree_->GetNextChild(node, cookie)) {
            if (auto* data = dynamic_cast<NodeData*>(tree_->GetItemData(child));
                data && !data->guide.empty())
                out.push_back(data->guide);
            walk(child);
        }
    };
    walk(tree_->GetRootItem());
    return out;
}

// ---------------------------------------------------------------------------------------------
// Cases

namespace {
enum CaseColumn {
    kNumber,
    kApplicant,
    kIdNumber,
    kItems,
    kDepartments,
    kClerk,
    kAccepted,
    kPromised,
    kStatus,
    kColumns
};
}

CasesPanel::CasesPanel(wxWindow* parent, Services& services)
    : wxPanel(parent), services_(services) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* filters = new wxBoxSizer(wxHORIZONTAL);
    scope_ = new wxChoice(this, wxID_ANY);
    scope_->Append(wtr("Today"));
    scope_->Append(wtr("All cases"));
    scope_->SetSelection(0);
    status_ = new wxChoice(this, wxID_ANY);
    status_->Append(wtr("Any status"));
    for (const char* s : {"accepted", "dispatched", "received", "approved", "rejected",
                          "correction_needed", "handed_out", "blocked", "cancelled"})
        status_->Append(status_label(s), new wxStringClientData(s));
    status_->SetSelection(0);
    department_ = new wxChoice(this, wxID_ANY);
    department_->Append(wtr("Any department"));
    department_codes_.push_back({});
    std::set<std::string> seen;
    for (const ServiceItem& item : services_.counter().catalogue().items())
        if (seen.insert(item.department_code).second) {
            department_->Append(wx(item.department_name));
            department_codes_.push_back(item.department_code);
        }
    department_->SetSelection(0);
    item_ =
        new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(160, -1), wxTE_PROCESS_ENTER);
    item_->SetHint(wtr("Item name or code"));
    clerk_ =
        new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(100, -1), wxTE_PROCESS_ENTER);
    clerk_->SetHint(wtr("Clerk"));
    auto* refresh_button = new wxButton(this, wxID_ANY, wtr("Refresh"));
    for (wxWindow* w : std::initializer_list<wxWindow*>{scope_, status_, department_, item_, clerk_,
                                                        refresh_button})
        filters->Add(w, 0, wxRIGHT | wxALIGN_CENTER_VERTICAL, 6);
    sizer->Add(filters, 0, wxEXPAND | wxALL, 6);
    list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                           wxLC_REPORT | wxLC_SINGLE_SEL);
    const char* headers[kColumns] = {N_("Case number"), N_("Applicant's name"), N_("ID number"),
                                     N_("Items"),       N_("Departments"),      N_("Clerk"),
                                     N_("Accepted at"), N_("Promised by"),      N_("Status")};
    const int widths[kColumns] = {165, 70, 150, 190, 120, 60, 160, 120, 80};
    for (int c = 0; c < kColumns; ++c)
        list_->AppendColumn(wtr(headers[c]), wxLIST_FORMAT_LEFT, widths[c]);
    sizer->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 6);
    auto* legend =
        new wxStaticText(this, wxID_ANY,
                         wtr("Yellow: due within one working day. Red: overdue. Enter or "
                             "double-click opens the case."));
    sizer->Add(legend, 0, wxALL, 6);
    SetSizer(sizer);

    for (wxChoice* c : {scope_, status_, department_})
        c->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { refresh(); });
    item_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { refresh(); });
    clerk_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { refresh(); });
    refresh_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { refresh(); });
    list_->Bind(wxEVT_LIST_ITEM_ACTIVATED,
                [this](wxListEvent& e) { show_detail(row_text(e.GetIndex(), kNumber)); });
}

void CasesPanel::set_today_only(bool today) {
    scope_->SetSelection(today ? 0 : 1);
    refresh();
}

void CasesPanel::refresh() {
    CaseFilter filter;
    if (scope_->GetSelection() == 0) filter.from = filter.to = Date::today();
    if (status_->GetSelection() > 0)
        filter.status =
            static_cast<wxStringClientData*>(status_->GetClientObject(status_->GetSelection()))
                ->GetData()
                .utf8_string();
    filter.department = department_codes_.at(std::max(0, department_->GetSelection()));
    filter.item = utf8(item_->GetValue());
    filter.clerk = utf8(clerk_->GetValue());
    std::vector<CaseSummary> cases;
    std::vector<DeadlineState> deadlines;
    const Date today = Date::today();
    try {
        auto held = services_.lock();
        filter.counter = services_.counter().config().code;
        const CaseDesk desk(services_.session());
        cases = desk.list(filter);
        for (const auto& c : cases) deadlines.push_back(desk.deadline(c, today));
    } catch (const std::exception& e) {
        wxLogError("%s", wx(e.what()));
        return;
    }
    list_->Freeze();
    list_->DeleteAllItems();
    states_.clear();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const CaseSummary& c = cases[i];
        const long row = list_->InsertItem(list_->GetItemCount(), wx(c.number));
        list_->SetItem(row, kApplicant, wx(c.applicant_name));
        list_->SetItem(row, kIdNumber, wx(mask_id_number(c.applicant_id_number)));
        list_->SetItem(row, kItems, wx(c.items));
        list_->SetItem(row, kDepartments, wx(c.departments));
        list_->SetItem(row, kClerk, wx(c.clerk));
        list_->SetItem(row, kAccepted, chinese_time(c.accepted_at));
        list_->SetItem(row, kPromised, wx(c.promised_date.chinese()));
        list_->SetItem(row, kStatus, status_label(c.status));
        const DeadlineState state = deadlines[i];
        states_.push_back(state == DeadlineState::Overdue   ? 2
                          : state == DeadlineState::DueSoon ? 1
                                                            : 0);
        if (states_.back() == 2) list_->SetItemBackgroundColour(row, wxColour(255, 205, 205));
        if (states_.back() == 1) list_->SetItemBackgroundColour(row, wxColour(255, 240, 170));
    }
    list_->Thaw();
}

long CasesPanel::rows() const { return list_->GetItemCount(); }
std::string CasesPanel::row_text(long row, int column) const {
    return utf8(list_->GetItemText(row, column));
}
int CasesPanel::row_state(long row) const { return states_.at(static_cast<std::size_t>(row)); }

namespace {

/// What an exception says, for the clerk.
wxString message_of(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return wx(e.what());
    } catch (...) {
        return wtr("Unknown error");
    }
}

}  // namespace

bool CasesPanel::start_job(const Said& said) {
    if (working_) {
        if (said) said(wtr("Still working on the last document: please wait"));
        return false;
    }
    working_ = true;
    return true;
}

void CasesPanel::end_job(const Said& said, const wxString& problem) {
    working_ = false;
    if (said) said(problem);
}

void CasesPanel::print_item_document(const std::string& case_number, const std::string& item_code,
                                     bool result, Said said) {
    if (!start_job(said)) return;
    const auto out = services_.documents_dir() /
                     (case_number + "-" + item_code + (result ? "-result.pdf" : "-correction.pdf"));
    services_.render_in_background(
        [this, case_number, item_code, result, out] {
            const CaseDesk desk(services_.session());
            return result ? desk.prepare_result(case_number, item_code, out)
                          : desk.prepare_correction(case_number, item_code, out);
        },
        [this, case_number, out, said](std::exception_ptr error) {
            if (error) return end_job(said, message_of(error));
            if (on_document) on_document(out.string(), wx(case_number));
            end_job(said, {});
        });
}

void CasesPanel::hand_out(const std::string& case_number, const std::string& collector,
                          const std::string& id_number, const std::string& proof, Said said) {
    if (!start_job(said)) return;
    struct Job {
        std::optional<HandOutJob> hand_out;
        const DocumentRenderer* renderer = nullptr;
        std::vector<std::filesystem::path> printed;
    };
    auto job = std::make_shared<Job>();
    using Hold = Services::Hold;
    services_.run_job(
        {// Checked and prepared holding the Counter (the plugin fills each result document)...
         {Hold::Counter,
          [this, job, case_number, collector, id_number, proof] {
              job->hand_out =
                  CaseDesk(services_.session())
                      .prepare_hand_out(case_number, collector, id_number, proof, std::nullopt);
              job->renderer = &services_.counter().renderer();
          }},
         // ... rendered without it ...
         {Hold::Nothing, [job] { job->printed = job->hand_out->print(*job->renderer); }},
         // ... and recorded holding it again, unless another window handed it out meanwhile.
         {Hold::Counter,
          [this, job] { CaseDesk(services_.session()).record_hand_out(*job->hand_out); }}},
        [this, job, case_number, said](std::exception_ptr error) {
            if (error) return end_job(said, message_of(error));
            if (!job->printed.empty() && on_document)
                on_document(job->printed.front().string(), wx(case_number));
            if (on_handed_out) on_handed_out(case_number);
            refresh();
            end_job(said, {});
        });
}

void CasesPanel::supply(const std::string& case_number, const OutstandingSupply& group,
                        const std::map<std::string, std::filesystem::path>& scans, Said said) {
    if (!start_job(said)) return;
    SupplyRequest request;
    request.case_number = case_number;
    request.reason = group.reason;
    request.item_code = group.item_code;
    for (const auto& m : group.materials)
        if (auto scan = scans.find(m.key); scan != scans.end())
            request.materials.push_back({m.key, m.name, 0, 1, scan->second});
    struct Job {
        std::optional<DocumentJob> receipt;
        const DocumentRenderer* renderer = nullptr;
    };
    auto job = std::make_shared<Job>();
    using Hold = Services::Hold;
    services_.run_job(
        {{Hold::Counter,
          [this, job, request] {
              const CaseDesk desk(services_.session());
              const SupplyResult result = desk.supply(request);
              // The applicant takes the 补交材料回执 home: to the preview, to print.
              job->receipt = desk.prepare_supplement(
                  result.number, services_.documents_dir() / (result.number + "-supplement.pdf"));
              job->renderer = &services_.counter().renderer();
          }},
         {Hold::Nothing,
          [job] {
              std::filesystem::create_directories(job->receipt->out.parent_path());
              job->receipt->render(*job->renderer);
          }}},
        [this, job, case_number, said](std::exception_ptr error) {
            if (error && !job->receipt) return end_job(said, message_of(error));  // not recorded
            services_.wake_dispatcher();
            refresh();
            if (error)
                return end_job(said,
                               wxString::Format(wtr("The materials were recorded; the receipt "
                                                    "failed: %s"),
                                                message_of(error)));
            if (on_document) on_document(job->receipt->out.string(), wx(case_number));
            end_job(said, {});
        });
}

bool CasesPanel::show_supply(const std::string& case_number, Said said) {
    wxString problem;
    auto given = ask_supply(case_number, problem);
    if (!problem.empty() && said) said(problem);
    if (given.empty()) return false;
    supply_each(case_number, std::move(given), 0, std::move(said));
    return true;
}

std::vector<CasesPanel::SupplyGroup> CasesPanel::ask_supply(const std::string& case_number,
                                                            wxString& problem) {
    std::vector<OutstandingSupply> outstanding;
    try {
        auto held = services_.lock();
        outstanding = CaseDesk(services_.session()).outstanding(case_number);
    } catch (const std::exception& e) {
        problem = wx(e.what());
        return {};
    }
    if (outstanding.empty()) return {};
    wxDialog ask(this, wxID_ANY,
                 wxString::Format(wtr("Supply materials for case %s"), wx(case_number)));
    auto* box = new wxBoxSizer(wxVERTICAL);
    // One row per material: what it is for, and its scan (a supplied material is reviewed from
    // its scan by the department).
    std::vector<std::map<std::string, std::filesystem::path>> scans(outstanding.size());
    for (std::size_t g = 0; g < outstanding.size(); ++g) {
        const OutstandingSupply& group = outstanding[g];
        const wxString heading =
            group.reason == "tolerated"
                ? wtr("Tolerated gaps (the applicant's written promise)")
                : wxString::Format(wtr("Correction asked for %s"), wx(group.item_name));
        box->Add(new wxStaticText(&ask, wxID_ANY, heading), 0, wxLEFT | wxRIGHT | wxTOP, 10);
        auto* grid = new wxFlexGridSizer(3, 6, 10);
        for (const auto& m : group.materials) {
            grid->Add(new wxStaticText(&ask, wxID_ANY, wx(m.name)), 0, wxALIGN_CENTER_VERTICAL);
            auto* why = new wxStaticText(&ask, wxID_ANY, wx(m.why));
            why->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
            grid->Add(why, 0, wxALIGN_CENTER_VERTICAL);
            auto* attach = new wxButton(&ask, wxID_ANY, wtr("Attach scan..."));
            grid->Add(attach, 0);
            const std::string key = m.key;
            attach->Bind(wxEVT_BUTTON, [&ask, &scans, g, key, attach](wxCommandEvent&) {
                wxFileDialog dialog(
                    &ask, wtr("Attach scan..."), {}, {},
                    wtr("Scans (*.png;*.jpg;*.jpeg;*.pdf)|*.png;*.jpg;*.jpeg;*.pdf"),
                    wxFD_OPEN | wxFD_FILE_MUST_EXIST);
                if (dialog.ShowModal() != wxID_OK) return;
                scans[g][key] = std::filesystem::path(utf8(dialog.GetPath()));
                attach->SetLabel(wx(scans[g][key].filename().string()));
                ask.Layout();
            });
        }
        box->Add(grid, 0, wxALL, 10);
    }
    box->Add(ask.CreateButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
    ask.SetSizerAndFit(box);
    chinese_buttons(&ask);
    if (ask.ShowModal() != wxID_OK) return {};
    std::vector<SupplyGroup> given;
    for (std::size_t g = 0; g < outstanding.size(); ++g)
        if (!scans[g].empty()) given.push_back({outstanding[g], scans[g]});
    return given;
}

void CasesPanel::supply_each(const std::string& case_number, std::vector<SupplyGroup> given,
                             std::size_t next, Said said) {
    const auto& [group, scans] = given[next];
    supply(case_number, group, scans,
           [this, case_number, given, next, said](const wxString& problem) {
               if (!problem.empty() || next + 1 == given.size()) {
                   if (said) said(problem);
                   return;
               }
               supply_each(case_number, given, next + 1, said);
           });
}

void CasesPanel::show_detail(const std::string& case_number) {
    std::optional<CaseRecord> record;
    bool outstanding = false;  // something the applicant may still bring (补交)
    {
        auto held = services_.lock();
        const CaseDesk desk(services_.session());
        record = desk.find(case_number);
        try {
            if (record) outstanding = !desk.outstanding(case_number).empty();
        } catch (const std::exception&) {
            outstanding = true;  // the supply dialog says what cannot be read
        }
    }
    if (!record) return;
    wxDialog dialog(this, wxID_ANY, wxString::Format(wtr("Case %s"), wx(case_number)),
                    wxDefaultPosition, wxSize(820, 560), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    wxString head = wxString::Format(
        wtr("Applicant: %s (%s)  Accepted: %s at counter %s by %s"), wx(record->applicant_name),
        wx(mask_id_number(record->applicant_id_number)), chinese_time(record->accepted_at),
        wx(record->counter), wx(record->clerk));
    sizer->Add(new wxStaticText(&dialog, wxID_ANY, head), 0, wxALL, 8);
    auto* items =
        new wxListCtrl(&dialog, wxID_ANY, wxDefaultPosition, wxSize(-1, 110), wxLC_REPORT);
    items->AppendColumn(wtr("Items"), wxLIST_FORMAT_LEFT, 240);
    items->AppendColumn(wtr("Departments"), wxLIST_FORMAT_LEFT, 160);
    items->AppendColumn(wtr("Promised by"), wxLIST_FORMAT_LEFT, 140);
    items->AppendColumn(wtr("Status"), wxLIST_FORMAT_LEFT, 230);
    for (const auto& item : record->items) {
        long row = items->InsertItem(items->GetItemCount(), wx(item.name));
        items->SetItem(row, 1, wx(item.department_name));
        items->SetItem(row, 2,
                       item.immediate ? wtr("immediate") : wx(item.promised_date.chinese()));
        items->SetItem(row, 3, status_label(item.status));
        // A bundle's item not sent yet because it needs another's result:
        // 等待「出生登记」办结后报送.
        if (item.status == "accepted" && !item.waiting_for.empty()) {
            std::vector<std::string> names;
            for (const auto& code : item.waiting_for)
                for (const auto& other : record->items)
                    if (other.code == code) names.push_back(other.name);
            items->SetItem(row, 3, wx(waiting_label(names)));
        }
    }
    sizer->Add(items, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);
    // 统一窗口出件: the chosen item's result document, or its correction notice, to the preview.
    auto* documents = new wxBoxSizer(wxHORIZONTAL);
    auto* result_button = new wxButton(&dialog, wxID_ANY, wtr("Print the result document"));
    auto* correction_button = new wxButton(&dialog, wxID_ANY, wtr("Print the correction notice"));
    auto* document_message = new wxStaticText(&dialog, wxID_ANY, {});
    documents->Add(result_button, 0, wxRIGHT, 8);
    documents->Add(correction_button, 0, wxRIGHT, 8);
    documents->Add(document_message, 1, wxALIGN_CENTER_VERTICAL);
    sizer->Add(documents, 0, wxEXPAND | wxALL, 8);
    items->SetItemState(0, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    // A job of the dialog (a document, the hand-out, a supply) runs on a worker: meanwhile it says
    // so and its buttons rest; what it says at the end shows, if the dialog is still open.
    auto open = std::make_shared<bool>(true);
    std::vector<wxButton*> job_buttons;
    auto begin_job = [&, open](const wxString& done_text) {
        document_message->SetLabel(wtr("Rendering..."));
        for (wxButton* button : job_buttons) button->Disable();
        return [open, document_message, job_buttons, done_text](const wxString& problem) {
            if (!*open) return;
            for (wxButton* button : job_buttons) button->Enable();
            document_message->SetLabel(problem.empty() ? done_text : problem);
        };
    };
    auto print_item = [&, record](bool result) {
        const long row = items->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (row < 0) return;
        const std::string code = record->items[static_cast<std::size_t>(row)].code;
        print_item_document(record->number, code, result, begin_job({}));
    };
    result_button->Bind(wxEVT_BUTTON, [print_item](wxCommandEvent&) { print_item(true); });
    correction_button->Bind(wxEVT_BUTTON, [print_item](wxCommandEvent&) { print_item(false); });
    auto* visit = new wxBoxSizer(wxHORIZONTAL);
    auto* hand_out_button = new wxButton(&dialog, wxID_ANY, wtr("Hand out the results..."));
    visit->Add(hand_out_button, 0, wxRIGHT, 8);
    // 补交材料: a tolerated gap, or what a correction asked for, brought to this window.
    auto* supply_button = new wxButton(&dialog, wxID_ANY, wtr("Supply materials..."));
    visit->Add(supply_button, 0, wxRIGHT, 8);
    supply_button->Enable(outstanding);
    supply_button->Bind(wxEVT_BUTTON, [&, record](wxCommandEvent&) {
        wxString problem;
        auto given = ask_supply(record->number, problem);
        document_message->SetLabel(problem);
        if (!given.empty())
            supply_each(record->number, std::move(given), 0,
                        begin_job(wtr("The supplied materials were recorded")));
    });
    sizer->Add(visit, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
    hand_out_button->Bind(wxEVT_BUTTON, [&, record](wxCommandEvent&) {
        wxDialog ask(&dialog, wxID_ANY, wtr("Hand out the results..."));
        auto* grid = new wxFlexGridSizer(2, 6, 8);
        auto field = [&](const wxString& label, const wxString& value) {
            grid->Add(new wxStaticText(&ask, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
            auto* text = new wxTextCtrl(&ask, wxID_ANY, value, wxDefaultPosition, wxSize(260, -1));
            grid->Add(text, 1, wxEXPAND);
            return text;
        };
        auto* collector = field(wtr("Collected by"), wx(record->applicant_name));
        auto* id_number = field(wtr("ID number"), {});
        auto* proof = field(wtr("Proof of identity"), wx("居民身份证"));
        auto* box = new wxBoxSizer(wxVERTICAL);
        box->Add(grid, 0, wxALL, 10);
        box->Add(ask.CreateButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
        ask.SetSizerAndFit(box);
        chinese_buttons(&ask);
        if (ask.ShowModal() != wxID_OK) return;
        hand_out(record->number, utf8(collector->GetValue()), utf8(id_number->GetValue()),
                 utf8(proof->GetValue()), begin_job(wtr("The results were handed out")));
    });
    job_buttons = {result_button, correction_button, hand_out_button, supply_button};
    sizer->Add(new wxStaticText(&dialog, wxID_ANY, wtr("Timeline")), 0, wxALL, 8);
    auto* events = new wxListCtrl(&dialog, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT);
    events->AppendColumn(wtr("Time"), wxLIST_FORMAT_LEFT, 185);
    events->AppendColumn(wtr("Who"), wxLIST_FORMAT_LEFT, 130);
    events->AppendColumn(wtr("Event"), wxLIST_FORMAT_LEFT, 140);
    events->AppendColumn(wtr("Result"), wxLIST_FORMAT_LEFT, 55);
    events->AppendColumn(wtr("Details"), wxLIST_FORMAT_LEFT, 300);
    for (const auto& e : record->events) {
        long row = events->InsertItem(events->GetItemCount(), chinese_time(e.at) + e.at.substr(16));
        // At a centre a case is served at several windows: the others are named.
        const std::string where =
            e.counter.empty() || e.counter == record->counter ? "" : "（" + e.counter + "）";
        events->SetItem(row, 1, wx(actor_label(e.actor) + where));
        events->SetItem(row, 2, wx(event_label(e.type)));
        events->SetItem(row, 3, e.success ? wtr("done") : wtr("failed"));
        events->SetItem(row, 4, wx(detail_text(e.detail_json)));
    }
    sizer->Add(events, 1, wxEXPAND | wxLEFT | wxRIGHT, 8);
    sizer->Add(dialog.CreateButtonSizer(wxCLOSE), 0, wxEXPAND | wxALL, 8);
    dialog.SetSizer(sizer);
    dialog.SetEscapeId(wxID_CLOSE);
    chinese_buttons(&dialog);
    dialog.ShowModal();
    *open = false;  // a job that ends later says nothing to a dialog that is gone
}

// ---------------------------------------------------------------------------------------------
// Plugins

PluginsPanel::PluginsPanel(wxWindow* parent, Services& services) : wxPanel(parent) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                           wxLC_REPORT | wxLC_SINGLE_SEL);
    const char* headers[] = {N_("Plugin"), N_("Name"),  N_("Version"), N_("Department"),
                             N_("State"),  N_("Items"), N_("Problem")};
    const int widths[] = {140, 160, 70, 160, 80, 60, 460};
    for (int c = 0; c < 7; ++c) list_->AppendColumn(wtr(headers[c]), wxLIST_FORMAT_LEFT, widths[c]);
    auto held = services.lock();
    long first_failed = -1;
    for (const auto& p : services.counter().plugins().plugins()) {
        long row = list_->InsertItem(list_->GetItemCount(), wx(p.manifest.id));
        list_->SetItem(row, 1, wx(p.manifest.name));
        list_->SetItem(row, 2, wx(p.manifest.version));
        wxString serves = wx(p.manifest.department_name);
        for (const auto& device : p.manifest.devices)
            serves += (serves.empty() ? wxString() : wxString(wx("；"))) +
                      wxString::Format(wtr("Device: %s"), wx(device.name));
        list_->SetItem(row, 3, serves);
        const wxString state = p.state == PluginState::Running     ? wtr("running")
                               : p.state == PluginState::Untrusted ? wtr("not trusted")
                               : p.state == PluginState::Failed    ? wtr("failed")
                                                                   : wtr("invalid");
        list_->SetItem(row, 4, state);
        // The items it serves in the catalogue: none unless it runs.
        list_->SetItem(row, 5,
                       wxString::Format("%lu/%lu", static_cast<unsigned long>(p.data.items.size()),
                                        static_cast<unsigned long>(p.manifest.items.size())));
        // Files are named inside the plugin's folder: the folder itself is the row's.
        std::string reasons = p.error;
        const std::string folder = p.manifest.dir.string() + "/";
        for (std::size_t at = reasons.find(folder); !folder.empty() && at != std::string::npos;
             at = reasons.find(folder, at))
            reasons.erase(at, folder.size());
        const std::size_t lines =
            reasons.empty() ? 0 : 1 + std::count(reasons.begin(), reasons.end(), '\n');
        const std::string first = reasons.substr(0, reasons.find('\n'));
        list_->SetItem(row, 6,
                       lines > 1
                           ? wx(first) + wxString::Format(wtr(" (and %lu more)"),
                                                          static_cast<unsigned long>(lines - 1))
                           : wx(first));
        reasons_.push_back(reasons);
        if (p.state != PluginState::Running) {
            list_->SetItemBackgroundColour(row, wxColour(255, 225, 225));
            if (first_failed < 0) first_failed = row;
        }
    }
    sizer->Add(list_, 1, wxEXPAND | wxALL, 6);
    details_ = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(-1, 140),
                              wxTE_MULTILINE | wxTE_READONLY);
    sizer->Add(details_, 0, wxEXPAND | wxLEFT | wxRIGHT, 6);
    list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& event) { select(event.GetIndex()); });
    for (const auto& issue : services.counter().load_issues().list())
        sizer->Add(new wxStaticText(this, wxID_ANY, wx(issue.to_string())), 0, wxLEFT | wxBOTTOM,
                   6);
    sizer->Add(new wxStaticText(this, wxID_ANY,
                                wtr("A plugin that is not running is skipped, and its items are "
                                    "not offered; everything else works. The administrator "
                                    "trusts new plugins.")),
               0, wxALL, 6);
    SetSizer(sizer);
    if (first_failed >= 0) select(first_failed);
}

void PluginsPanel::select(long row) {
    if (row < 0 || row >= static_cast<long>(reasons_.size())) return;
    if (!(list_->GetItemState(row, wxLIST_STATE_SELECTED) & wxLIST_STATE_SELECTED))
        list_->SetItemState(row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    const std::string& reasons = reasons_[static_cast<std::size_t>(row)];
    details_->ChangeValue(
        reasons.empty()
            ? wxString::Format(wtr("%s is running."), list_->GetItemText(row, 0))
            : wxString::Format(wtr("Why %s does not run:"), list_->GetItemText(row, 0)) + "\n" +
                  wx(reasons));
}

std::string PluginsPanel::details() const { return utf8(details_->GetValue()); }

long PluginsPanel::rows() const { return list_->GetItemCount(); }
std::string PluginsPanel::row_text(long row, int column) const {
    return utf8(list_->GetItemText(row, column));
}

// ---------------------------------------------------------------------------------------------
// Main frame

namespace {
enum MenuId {
    kSearch = wxID_HIGHEST + 1,
    kNewIntake,
    kAccept,
    kNotice,
    kRefuse,
    kPrint,
    kCases,
    kLock,
    kReadCard,
};
}

MainFrame::MainFrame(Services& services)
    : wxFrame(nullptr, wxID_ANY, wtr("OneWindow comprehensive service window"), wxDefaultPosition,
              wxSize(1280, 800)),
      services_(services) {
    auto* outer = new wxBoxSizer(wxVERTICAL);
    content_ = new wxPanel(this);
    auto* splitter = new wxSplitterWindow(content_, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                          wxSP_LIVE_UPDATE | wxSP_3DSASH);
    catalogue_ = new CataloguePanel(splitter, services_);
    pages_ = new wxNotebook(splitter, wxID_ANY);
    intake_ = new IntakePanel(pages_, services_);
    cases_ = new CasesPanel(pages_, services_);
    plugins_ = new PluginsPanel(pages_, services_);
    pages_->AddPage(intake_, wtr("Intake"), true);
    pages_->AddPage(cases_, wtr("Cases"));
    pages_->AddPage(plugins_, wtr("Plugins"));
    // Supervisors review the windows' work; clerks do not see it.
    bool supervises = false;
    {
        auto held = services_.lock();
        supervises = services_.session().may(Permission::ReadReports);
    }
    if (supervises) {
        log_ = new LogPanel(pages_, services_);
        pages_->AddPage(log_, wtr("Counter log"));
        log_->show(Date::today(), Date::today(), {});
        audit_ = new AuditPanel(pages_, services_);
        pages_->AddPage(audit_, wtr("Audit"));
    }
    // The administrator changes endpoints, users, holidays and plugin trust here.
    if (services_.user().role == Role::Administrator) {
        admin_ = new AdminPanel(pages_, services_);
        pages_->AddPage(admin_, wtr("Administration"));
    }
    splitter->SplitVertically(catalogue_, pages_, 390);
    splitter->SetMinimumPaneSize(200);
    auto* content_sizer = new wxBoxSizer(wxVERTICAL);
    content_sizer->Add(splitter, 1, wxEXPAND);
    content_->SetSizer(content_sizer);
    outer->Add(content_, 1, wxEXPAND);

    // The lock screen covers everything while the clerk is away.
    lock_panel_ = new wxPanel(this);
    auto* lock_sizer = new wxBoxSizer(wxVERTICAL);
    lock_sizer->AddStretchSpacer();
    auto* lock_title = new wxStaticText(lock_panel_, wxID_ANY, wtr("The screen is locked"));
    lock_title->SetFont(lock_title->GetFont().Scaled(1.6f).Bold());
    lock_sizer->Add(lock_title, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 12);
    lock_message_ = new wxStaticText(lock_panel_, wxID_ANY, {});
    lock_sizer->Add(lock_message_, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 6);
    lock_password_ = new wxTextCtrl(lock_panel_, wxID_ANY, {}, wxDefaultPosition, wxSize(260, -1),
                                    wxTE_PASSWORD | wxTE_PROCESS_ENTER);
    lock_sizer->Add(lock_password_, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 6);
    auto* unlock_button = new wxButton(lock_panel_, wxID_ANY, wtr("Unlock"));
    lock_sizer->Add(unlock_button, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 6);
    lock_sizer->AddStretchSpacer();
    lock_panel_->SetSizer(lock_sizer);
    lock_panel_->Hide();
    outer->Add(lock_panel_, 1, wxEXPAND);
    SetSizer(outer);
    auto do_unlock = [this] {
        const auto result = unlock(utf8(lock_password_->GetValue()));
        lock_password_->Clear();
        if (result.status != LoginResult::Status::Ok) lock_message_->SetLabel(wx(result.message));
        lock_panel_->Layout();
    };
    unlock_button->Bind(wxEVT_BUTTON, [do_unlock](wxCommandEvent&) { do_unlock(); });
    lock_password_->Bind(wxEVT_TEXT_ENTER, [do_unlock](wxCommandEvent&) { do_unlock(); });

    CreateStatusBar(5);
    const int widths[] = {-2, -3, -3, -3, -3};
    GetStatusBar()->SetStatusWidths(5, widths);
    build_menu();

    catalogue_->on_choose = [this](const std::vector<std::string>& codes) {
        intake_->add_items(codes);
        pages_->SetSelection(0);
        intake_->focus_first_field();  // the keyboard goes on to the form
    };
    catalogue_->on_guide = [this](const std::string& code) {
        const auto out = services_.documents_dir() / ("guide-" + code + ".pdf");
        SetStatusText(wtr("Rendering..."), 1);
        services_.render_in_background(
            [this, out, code] { return services_.counter().prepare_guide(code, out); },
            [this, out, code](std::exception_ptr error) {
                if (error) {
                    try {
                        std::rethrow_exception(error);
                    } catch (const std::exception& e) {
                        SetStatusText(wx(e.what()), 1);
                    }
                    return;
                }
                refresh_status();
                show_preview(out.string(), wtr("Service guide"));
            });
    };
    cases_->on_document = [this](const std::string& pdf, const wxString& title) {
        show_preview(pdf, title);
    };
    if (log_)
        log_->on_document = [this](const std::string& pdf, const wxString& title) {
            show_preview(pdf, title);
        };
    intake_->on_document = [this](const DecisionResult& result) {
        show_preview(result.document, wx(result.number));
        refresh_status();
        cases_->refresh();
        // The applicant rates the visit on the rating screen, not the clerk.
        if (result.kind == DecisionResult::Kind::Accepted)
            rating_->invite(result.number, wx(services_.user().display_name));
    };
    cases_->on_handed_out = [this](const std::string& case_number) {
        rating_->invite(case_number, wx(services_.user().display_name));
    };
    pages_->Bind(wxEVT_NOTEBOOK_PAGE_CHANGED, [this](wxBookCtrlEvent& e) {
        if (e.GetSelection() == 1) cases_->refresh();
        e.Skip();
    });

    idle_timer_ = new wxTimer(this);
    Bind(
        wxEVT_TIMER, [this](wxTimerEvent&) { check_idle(); }, idle_timer_->GetId());
    idle_timer_->Start(5000);
    last_activity_ms_ = now_ms();
    Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& e) {
        note_activity();
        e.Skip();
    });
    rating_ = new RatingFrame(this, services_);
    if (!services_.options().measure) rating_->Show();
    refresh_status();
    cases_->refresh();
    catalogue_->focus_search();
}

wxAboutDialogInfo about_info() {
    wxAboutDialogInfo info;
    info.SetName(wtr("OneWindow"));
    info.SetVersion(version());
    info.SetDescription(wxString::Format(
        wtr("The comprehensive service window of the county, township and village service "
            "centres.\nPlugin ABI %d.%d"),
        ONEWINDOW_ABI_MAJOR, ONEWINDOW_ABI_MINOR));
    return info;
}

MainFrame::~MainFrame() {
    delete idle_timer_;  // not a child window: deleted by its owner (stopping it)
    idle_timer_ = nullptr;
    services_.wait_idle();
}

void MainFrame::build_menu() {
    auto* menu_case = new wxMenu;
    menu_case->Append(kSearch, wtr("Search the catalogue") + "\tCtrl+F");
    menu_case->Append(kNewIntake, wtr("New intake") + "\tCtrl+N");
    menu_case->Append(kReadCard, wtr("Read ID card") + "\tF2");
    menu_case->AppendSeparator();
    menu_case->Append(kNotice, wtr("One-time notice") + "\tF8");
    menu_case->Append(kAccept, wtr("Accept") + "\tF9");
    menu_case->Append(kRefuse, wtr("Refuse to accept"));
    menu_case->Append(kPrint, wtr("Print the last document") + "\tCtrl+P");
    menu_case->AppendSeparator();
    menu_case->Append(kCases, wtr("Today's cases") + "\tCtrl+L");
    menu_case->Append(kLock, wtr("Lock the screen") + "\tCtrl+Shift+L");
    menu_case->Append(wxID_EXIT, wtr("Quit") + "\tCtrl+Q");
    auto* menu_help = new wxMenu;
    menu_help->Append(wxID_ABOUT, wtr("About OneWindow"));
    auto* bar = new wxMenuBar;
    bar->Append(menu_case, wtr("Window"));
    bar->Append(menu_help, wtr("Help"));
    SetMenuBar(bar);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { wxAboutBox(about_info(), this); }, wxID_ABOUT);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { catalogue_->focus_search(); }, kSearch);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            intake_->clear();
            pages_->SetSelection(0);
            catalogue_->focus_search();
        },
        kNewIntake);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { intake_->accept(); }, kAccept);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { intake_->notice(); }, kNotice);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { intake_->read_id_card(); }, kReadCard);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { intake_->ask_refusal_reason(); }, kRefuse);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            if (preview_ && !preview_->pdf().empty()) preview_->print();
        },
        kPrint);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            pages_->SetSelection(1);
            cases_->set_today_only(true);
        },
        kCases);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { lock_screen(); }, kLock);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
}

void MainFrame::show_preview(const std::string& pdf, const wxString& title) {
    if (!preview_) preview_ = new PreviewFrame(this, services_);
    preview_->show_pdf(pdf, title);
}

bool MainFrame::resume_latest_draft() {
    std::vector<Draft> drafts;
    {
        auto held = services_.lock();
        drafts = services_.intake().drafts();
    }
    if (drafts.empty()) return false;
    intake_->resume(drafts.front());
    pages_->SetSelection(0);
    return true;
}

void MainFrame::refresh_status() {
    const auto& user = services_.user();
    SetStatusText(wxString::Format(wtr("Clerk: %s"), wx(user.display_name)), 0);
    std::size_t pending = 0;
    std::string counter_name, code, forwarding;
    {
        auto held = services_.lock();
        counter_name = services_.counter().config().name;
        code = services_.counter().config().code;
        const CaseDesk desk(services_.session());
        pending = desk.pending();
        // Agent mode: items to forward that are due within a working day or late.
        forwarding = desk.forwarding_summary(Date::today()).text();
    }
    SetStatusText(wxString::Format(wtr("Counter: %s (%s)"), wx(counter_name), wx(code)), 1);
    if (forwarding.empty())
        SetStatusText(wxString::Format(wtr("Waiting to be sent: %d"), static_cast<int>(pending)),
                      2);
    else
        SetStatusText(wxString::Format(wtr("Waiting to be sent: %d (%s)"),
                                       static_cast<int>(pending), wx(forwarding)),
                      2);
    SetStatusText(services_.exchange_status(), 3);
    SetStatusText(services_.backup_status(), 4);
}

void MainFrame::note_activity() { last_activity_ms_ = now_ms(); }

void MainFrame::check_idle() {
    refresh_status();  // the dispatcher works on its own: its progress shows here
    if (locked_) return;
    if (now_ms() - last_activity_ms_ >= services_.options().idle_lock_seconds * 1000LL)
        lock_screen();
}

void MainFrame::lock_screen() {
    if (locked_) return;
    intake_->save_draft_now();
    locked_ = true;
    content_->Hide();
    if (preview_) preview_->Hide();
    lock_message_->SetLabel(wxString::Format(wtr("%s, enter your password to continue."),
                                             wx(services_.user().display_name)));
    lock_panel_->Show();
    Layout();
    lock_password_->SetFocus();
}

LoginResult MainFrame::unlock(const std::string& password) {
    LoginResult result;
    {
        auto held = services_.lock();
        result = onewindow::unlock(services_.session(), password);
    }
    if (result.status == LoginResult::Status::Ok) {
        locked_ = false;
        lock_panel_->Hide();
        content_->Show();
        Layout();
        note_activity();
    }
    return result;
}

}  // namespace onewindow::gui
