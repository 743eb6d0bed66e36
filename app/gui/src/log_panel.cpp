#include "onewindow/gui/log_panel.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dcbuffer.h>
#include <wx/filedlg.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "onewindow/core/supervision.hpp"

namespace onewindow::gui {

BarChart::BarChart(wxWindow* parent, const wxString& title)
    : wxPanel(parent, wxID_ANY, wxDefaultPosition, wxSize(-1, 220)), title_(title) {
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    Bind(wxEVT_PAINT, [this](wxPaintEvent&) { paint(); });
    Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
        Refresh();
        e.Skip();
    });
}

void BarChart::set(const std::vector<LogCount>& bars) {
    bars_ = bars;
    Refresh();
}

void BarChart::paint() {
    wxAutoBufferedPaintDC dc(this);
    dc.SetBackground(*wxWHITE_BRUSH);
    dc.Clear();
    dc.SetFont(GetFont());
    dc.SetTextForeground(wxColour(40, 40, 40));
    dc.DrawText(title_, 8, 4);
    const wxSize size = GetClientSize();
    if (bars_.empty()) {
        dc.SetTextForeground(wxColour(120, 120, 120));
        dc.DrawText(wtr("Nothing in this period"), 8, 30);
        return;
    }
    long long most = 1;
    int label_width = 0;
    for (const auto& bar : bars_) {
        most = std::max(most, bar.count);
        label_width = std::max(label_width, dc.GetTextExtent(wx(bar.name)).GetWidth());
    }
    const int top = 28,
              row = std::max(14, std::min(24, (size.y - top - 4) / static_cast<int>(bars_.size())));
    const int left = label_width + 16, right = 48;
    const int span = std::max(10, size.x - left - right);
    for (std::size_t i = 0; i < bars_.size(); ++i) {
        const int y = top + static_cast<int>(i) * row;
        if (y + row > size.y) break;
        dc.SetTextForeground(wxColour(40, 40, 40));
        dc.DrawText(wx(bars_[i].name), 8, y + (row - dc.GetCharHeight()) / 2);
        const int width = static_cast<int>(std::lround(double(span) * bars_[i].count / most));
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.SetBrush(wxBrush(wxColour(52, 110, 180)));
        dc.DrawRectangle(left, y + 3, std::max(1, width), row - 6);
        dc.DrawText(wxString::Format("%lld", bars_[i].count), left + width + 6,
                    y + (row - dc.GetCharHeight()) / 2);
    }
}

LogPanel::LogPanel(wxWindow* parent, Services& services) : wxPanel(parent), services_(services) {
    auto* top = new wxBoxSizer(wxVERTICAL);
    auto* bar = new wxBoxSizer(wxHORIZONTAL);
    const wxString today = wx(Date::today().iso());
    from_ = new wxTextCtrl(this, wxID_ANY, today, wxDefaultPosition, wxSize(120, -1),
                           wxTE_PROCESS_ENTER);
    to_ = new wxTextCtrl(this, wxID_ANY, today, wxDefaultPosition, wxSize(120, -1),
                         wxTE_PROCESS_ENTER);
    counter_ = new wxChoice(this, wxID_ANY);
    counter_->Append(wtr("all counters"));
    counter_codes_.push_back({});
    int follow_up_days = 0;
    {
        auto held = services_.lock();
        const auto& config = services_.counter().config();
        follow_up_days = config.rating_follow_up_working_days;
        counter_->Append(wx(config.name + " (" + config.code + ")"));
        counter_codes_.push_back(config.code);
    }
    counter_->SetSelection(0);
    auto* show_button = new wxButton(this, wxID_ANY, wtr("Show"));
    auto* csv_button = new wxButton(this, wxID_ANY, wtr("Export CSV..."));
    auto* print_button = new wxButton(this, wxID_ANY, wtr("Print..."));
    bar->Add(new wxStaticText(this, wxID_ANY, wtr("From")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT,
             4);
    bar->Add(from_, 0, wxRIGHT, 8);
    bar->Add(new wxStaticText(this, wxID_ANY, wtr("To")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    bar->Add(to_, 0, wxRIGHT, 8);
    bar->Add(counter_, 0, wxRIGHT, 8);
    bar->Add(show_button, 0, wxRIGHT, 8);
    bar->Add(csv_button, 0, wxRIGHT, 8);
    bar->Add(print_button, 0, wxRIGHT, 8);
    message_ = new wxStaticText(this, wxID_ANY, {});
    bar->Add(message_, 0, wxALIGN_CENTER_VERTICAL);
    top->Add(bar, 0, wxALL, 6);
    summary_ = new wxStaticText(this, wxID_ANY, {});
    top->Add(summary_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
    auto* charts = new wxBoxSizer(wxHORIZONTAL);
    departments_ = new BarChart(this, wtr("Intake per department (items)"));
    hours_ = new BarChart(this, wtr("Intake per hour (cases)"));
    charts->Add(departments_, 1, wxEXPAND | wxRIGHT, 6);
    charts->Add(hours_, 1, wxEXPAND);
    top->Add(charts, 0, wxEXPAND | wxLEFT | wxRIGHT, 6);
    top->Add(
        new wxStaticText(this, wxID_ANY,
                         wtr("Deadline board: red overdue, yellow due within one working day")),
        0, wxALL, 6);
    board_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                            wxLC_REPORT | wxLC_SINGLE_SEL);
    const char* headers[] = {N_("Deadline"), N_("Promised by"), N_("Case number"),
                             N_("Items"),    N_("Departments"), N_("Clerk")};
    const int widths[] = {90, 150, 170, 220, 160, 80};
    for (int c = 0; c < 6; ++c)
        board_->AppendColumn(wtr(headers[c]), wxLIST_FORMAT_LEFT, widths[c]);
    top->Add(board_, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 6);

    // Below: the comparison with the previous period, and the bad ratings to follow up.
    auto* lower = new wxBoxSizer(wxHORIZONTAL);
    auto* left = new wxBoxSizer(wxVERTICAL);
    left->Add(new wxStaticText(this, wxID_ANY, wtr("Compared with the previous period")), 0,
              wxBOTTOM, 4);
    comparison_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 150),
                                 wxLC_REPORT | wxLC_SINGLE_SEL);
    const char* compare_headers[] = {N_("Figure"), N_("This period"), N_("Previous period"),
                                     N_("Change")};
    const int compare_widths[] = {130, 80, 80, 110};
    for (int c = 0; c < 4; ++c)
        comparison_->AppendColumn(wtr(compare_headers[c]), wxLIST_FORMAT_LEFT, compare_widths[c]);
    left->Add(comparison_, 1, wxEXPAND);
    lower->Add(left, 2, wxEXPAND | wxRIGHT, 6);
    auto* right = new wxBoxSizer(wxVERTICAL);
    auto* ratings_bar = new wxBoxSizer(wxHORIZONTAL);
    ratings_bar->Add(
        new wxStaticText(this, wxID_ANY,
                         wxString::Format(wtr("Bad ratings to follow up within %d working days"),
                                          follow_up_days)),
        1, wxALIGN_CENTER_VERTICAL);
    auto* resolve_button = new wxButton(this, wxID_ANY, wtr("Record the resolution..."));
    ratings_bar->Add(resolve_button, 0);
    right->Add(ratings_bar, 0, wxEXPAND | wxBOTTOM, 4);
    bad_ratings_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 150),
                                  wxLC_REPORT | wxLC_SINGLE_SEL);
    const char* rating_headers[] = {N_("Deadline"), N_("Follow up by"), N_("Case number"),
                                    N_("Rating"),   N_("Clerk"),        N_("Comment")};
    const int rating_widths[] = {80, 130, 170, 90, 70, 200};
    for (int c = 0; c < 6; ++c)
        bad_ratings_->AppendColumn(wtr(rating_headers[c]), wxLIST_FORMAT_LEFT, rating_widths[c]);
    right->Add(bad_ratings_, 1, wxEXPAND);
    lower->Add(right, 3, wxEXPAND);
    top->Add(lower, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 6);
    SetSizer(top);

    auto reshow = [this] {
        const auto from = Date::parse(utf8(from_->GetValue()));
        const auto to = Date::parse(utf8(to_->GetValue()));
        if (!from || !to || *to < *from) {
            summary_->SetLabel(
                wtr("Give the period as two dates YYYY-MM-DD, the first not after "
                    "the second"));
            return;
        }
        show(*from, *to, counter_codes_[static_cast<std::size_t>(counter_->GetSelection())]);
    };
    show_button->Bind(wxEVT_BUTTON, [reshow](wxCommandEvent&) { reshow(); });
    from_->Bind(wxEVT_TEXT_ENTER, [reshow](wxCommandEvent&) { reshow(); });
    to_->Bind(wxEVT_TEXT_ENTER, [reshow](wxCommandEvent&) { reshow(); });
    counter_->Bind(wxEVT_CHOICE, [reshow](wxCommandEvent&) { reshow(); });
    csv_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        wxFileDialog dialog(this, wtr("Export CSV..."), {},
                            wx("counter-log-" + log_.period.from.iso() + ".csv"),
                            wtr("CSV files (*.csv)|*.csv"), wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
        if (dialog.ShowModal() == wxID_OK) export_csv(utf8(dialog.GetPath()));
    });
    print_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_log(); });
    resolve_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const long row = bad_ratings_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (row < 0) {
            message_->SetLabel(wtr("Choose a bad rating first"));
            return;
        }
        wxTextEntryDialog ask(this, wtr("How was it resolved (visit, apology, what changed)?"),
                              wtr("Record the resolution..."), {},
                              wxOK | wxCANCEL | wxTE_MULTILINE);
        chinese_buttons(&ask);
        if (ask.ShowModal() == wxID_OK)
            message_->SetLabel(resolve_bad_rating(row, utf8(ask.GetValue())));
    });
}

void LogPanel::show(Date from, Date to, const std::string& counter) {
    from_->ChangeValue(wx(from.iso()));
    to_->ChangeValue(wx(to.iso()));
    try {
        auto held = services_.lock();
        PeriodLogs logs = Supervision(services_.session()).logs({from, to, counter});
        log_ = std::move(logs.now);
        previous_ = std::move(logs.before);
    } catch (const std::exception& e) {
        summary_->SetLabel(wx(e.what()));
        return;
    }
    summary_->SetLabel(summary());
    departments_->set(log_.by_department);
    hours_->set(hour_counts(log_));
    board_->DeleteAllItems();
    for (const auto& item : log_.pending) {
        if (item.state != DeadlineState::Overdue && item.state != DeadlineState::DueSoon) continue;
        const bool overdue = item.state == DeadlineState::Overdue;
        const long row =
            board_->InsertItem(board_->GetItemCount(), overdue ? wtr("overdue") : wtr("due soon"));
        board_->SetItem(row, 1, wx(item.promised_date.chinese()));
        board_->SetItem(row, 2, wx(item.case_number));
        board_->SetItem(row, 3, wx(item.item_name));
        board_->SetItem(row, 4, wx(item.department_name));
        board_->SetItem(row, 5, wx(item.clerk));
        board_->SetItemBackgroundColour(
            row, overdue ? wxColour(255, 205, 205) : wxColour(255, 240, 180));
    }
    comparison_->DeleteAllItems();
    for (const auto& change : compare_logs(log_, previous_)) {
        const long row = comparison_->InsertItem(comparison_->GetItemCount(), wx(change.name));
        comparison_->SetItem(row, 1, wx(change.now));
        comparison_->SetItem(row, 2, wx(change.before));
        comparison_->SetItem(row, 3, wx(change.change));
    }
    bad_ratings_->DeleteAllItems();
    for (const auto& rating : log_.open_bad_ratings) {
        const long row =
            bad_ratings_->InsertItem(bad_ratings_->GetItemCount(),
                                     rating.state == DeadlineState::Overdue   ? wtr("overdue")
                                     : rating.state == DeadlineState::DueSoon ? wtr("due soon")
                                                                              : wtr("on time"));
        bad_ratings_->SetItem(row, 1, wx(rating.follow_up_by.chinese()));
        bad_ratings_->SetItem(row, 2, wx(rating.case_number));
        bad_ratings_->SetItem(row, 3, wx(rating_label(rating.level)));
        bad_ratings_->SetItem(row, 4, wx(rating.clerk));
        bad_ratings_->SetItem(row, 5, wx(rating.comment));
        if (rating.state == DeadlineState::Overdue)
            bad_ratings_->SetItemBackgroundColour(row, wxColour(255, 205, 205));
        if (rating.state == DeadlineState::DueSoon)
            bad_ratings_->SetItemBackgroundColour(row, wxColour(255, 240, 180));
    }
    Layout();
}

long LogPanel::comparison_rows() const { return comparison_->GetItemCount(); }
std::string LogPanel::comparison_text(long row, int column) const {
    return utf8(comparison_->GetItemText(row, column));
}
long LogPanel::bad_rating_rows() const { return bad_ratings_->GetItemCount(); }
std::string LogPanel::bad_rating_text(long row, int column) const {
    return utf8(bad_ratings_->GetItemText(row, column));
}

wxString LogPanel::resolve_bad_rating(long row, const std::string& resolution) {
    if (row < 0 || static_cast<std::size_t>(row) >= log_.open_bad_ratings.size()) return {};
    try {
        auto held = services_.lock();
        Supervision(services_.session())
            .resolve_rating(log_.open_bad_ratings[static_cast<std::size_t>(row)].id, resolution);
    } catch (const std::exception& e) {
        return wx(e.what());
    }
    show(log_.period.from, log_.period.to, log_.period.counter);
    return {};
}

void LogPanel::print_log() {
    const auto out = services_.documents_dir() / ("counter-log-" + log_.period.from.iso() + "-" +
                                                  log_.period.to.iso() + ".pdf");
    const PeriodLogs logs{log_, previous_};
    message_->SetLabel(wtr("Rendering..."));
    services_.render_in_background(
        [this, out, logs] { return Supervision(services_.session()).prepare_log(logs, out); },
        [this, out](std::exception_ptr error) {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    message_->SetLabel(wx(e.what()));
                }
                return;
            }
            message_->SetLabel({});
            if (on_document) on_document(out.string(), wtr("Counter log"));
        });
}

wxString LogPanel::summary() const {
    return wx(intake_summary(log_) + "\n" + decision_summary(log_) + "\n" + hand_out_summary(log_) +
              "\n" + open_summary(log_));
}

long LogPanel::board_rows() const { return board_->GetItemCount(); }

std::string LogPanel::board_text(long row, int column) const {
    return utf8(board_->GetItemText(row, column));
}

bool LogPanel::export_csv(const std::string& file) {
    std::string csv;
    try {
        auto held = services_.lock();
        csv = Supervision(services_.session()).csv(log_.period);
    } catch (const std::exception& e) {
        summary_->SetLabel(wx(e.what()));
        return false;
    }
    std::ofstream out(file, std::ios::binary);
    out << csv;
    if (!out) {
        summary_->SetLabel(wxString::Format(wtr("Could not save: %s"), wx(file)));
        return false;
    }
    return true;
}

AuditPanel::AuditPanel(wxWindow* parent, Services& services)
    : wxPanel(parent), services_(services) {
    auto* top = new wxBoxSizer(wxVERTICAL);
    auto* bar = new wxBoxSizer(wxHORIZONTAL);
    actor_ =
        new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(110, -1), wxTE_PROCESS_ENTER);
    actor_->SetHint(wtr("User"));
    subject_ =
        new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(190, -1), wxTE_PROCESS_ENTER);
    subject_->SetHint(wtr("Case or notice number"));
    type_ = new wxChoice(this, wxID_ANY);
    type_->Append(wtr("Any event"));
    for (const auto& type : audit_event_types())
        type_->Append(wx(event_label(type)), new wxStringClientData(wx(type)));
    type_->SetSelection(0);
    auto* show_button = new wxButton(this, wxID_ANY, wtr("Show"));
    auto* verify_button = new wxButton(this, wxID_ANY, wtr("Verify the audit chain"));
    bar->Add(actor_, 0, wxRIGHT, 6);
    bar->Add(subject_, 0, wxRIGHT, 6);
    bar->Add(type_, 0, wxRIGHT, 6);
    bar->Add(show_button, 0, wxRIGHT, 12);
    bar->Add(verify_button, 0);
    top->Add(bar, 0, wxALL, 6);
    verdict_ = new wxStaticText(this, wxID_ANY, {});
    top->Add(verdict_, 0, wxLEFT | wxRIGHT | wxBOTTOM, 8);
    list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                           wxLC_REPORT | wxLC_SINGLE_SEL);
    const char* headers[] = {N_("Time"),    N_("User"),   N_("Counter"), N_("Event"),
                             N_("Subject"), N_("Result"), N_("Details")};
    const int widths[] = {150, 80, 60, 150, 170, 60, 320};
    for (int c = 0; c < 7; ++c) list_->AppendColumn(wtr(headers[c]), wxLIST_FORMAT_LEFT, widths[c]);
    top->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 6);
    SetSizer(top);

    auto reshow = [this] {
        AuditFilter filter;
        filter.actor = utf8(actor_->GetValue());
        filter.subject = utf8(subject_->GetValue());
        if (auto* type = dynamic_cast<wxStringClientData*>(
                type_->GetClientObject(static_cast<unsigned>(type_->GetSelection()))))
            filter.type = utf8(type->GetData());
        show(filter);
    };
    show_button->Bind(wxEVT_BUTTON, [reshow](wxCommandEvent&) { reshow(); });
    actor_->Bind(wxEVT_TEXT_ENTER, [reshow](wxCommandEvent&) { reshow(); });
    subject_->Bind(wxEVT_TEXT_ENTER, [reshow](wxCommandEvent&) { reshow(); });
    type_->Bind(wxEVT_CHOICE, [reshow](wxCommandEvent&) { reshow(); });
    verify_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { verify(); });
    show({});
}

void AuditPanel::show(const AuditFilter& filter) {
    std::vector<AuditEvent> events;
    try {
        auto held = services_.lock();
        events = Supervision(services_.session()).audit_events(filter);
    } catch (const std::exception& e) {
        verdict_->SetLabel(wx(e.what()));
    }
    list_->DeleteAllItems();
    for (const auto& e : events) {
        const long row = list_->InsertItem(list_->GetItemCount(), wx(e.at));
        list_->SetItem(row, 1, wx(actor_label(e.actor)));
        list_->SetItem(row, 2, wx(e.counter));
        list_->SetItem(row, 3, wx(event_label(e.type)));
        list_->SetItem(row, 4, wx(e.subject));
        list_->SetItem(row, 5, e.success ? wtr("done") : wtr("failed"));
        list_->SetItem(row, 6, wx(detail_text(e.detail_json)));
        if (!e.success) list_->SetItemBackgroundColour(row, wxColour(255, 225, 225));
    }
}

long AuditPanel::rows() const { return list_->GetItemCount(); }

std::string AuditPanel::row_text(long row, int column) const {
    return utf8(list_->GetItemText(row, column));
}

AuditVerifyResult AuditPanel::verify() {
    AuditVerifyResult result;
    try {
        auto held = services_.lock();
        result = Supervision(services_.session()).verify_audit();
    } catch (const std::exception& e) {
        verdict_->SetForegroundColour(wxColour(192, 0, 0));
        verdict_->SetLabel(wx(e.what()));
        Layout();
        return result;
    }
    verdict_->SetForegroundColour(result.ok ? wxColour(0, 110, 0) : wxColour(192, 0, 0));
    verdict_->SetLabel(
        result.ok ? wxString::Format(wtr("The audit chain is intact: %lld events"), result.events)
                  : wxString::Format(wtr("The audit chain is broken at event %lld: %s"),
                                     result.first_broken_id, wtr(result.message.c_str())));
    Layout();
    return result;
}

wxString AuditPanel::verdict() const { return verdict_->GetLabel(); }

}  // namespace onewindow::gui
