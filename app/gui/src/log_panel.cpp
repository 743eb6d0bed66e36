#include "onewindow/gui/log_panel.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dcbuffer.h>
#include <wx/filedlg.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <cmath>
#include <fstream>

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
    {
        auto held = services_.lock();
        const auto& config = services_.counter().config();
        counter_->Append(wx(config.name + " (" + config.code + ")"));
        counter_codes_.push_back(config.code);
    }
    counter_->SetSelection(0);
    auto* show_button = new wxButton(this, wxID_ANY, wtr("Show"));
    auto* csv_button = new wxButton(this, wxID_ANY, wtr("Export CSV..."));
    bar->Add(new wxStaticText(this, wxID_ANY, wtr("From")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT,
             4);
    bar->Add(from_, 0, wxRIGHT, 8);
    bar->Add(new wxStaticText(this, wxID_ANY, wtr("To")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    bar->Add(to_, 0, wxRIGHT, 8);
    bar->Add(counter_, 0, wxRIGHT, 8);
    bar->Add(show_button, 0, wxRIGHT, 8);
    bar->Add(csv_button, 0);
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
}

void LogPanel::show(Date from, Date to, const std::string& counter) {
    from_->ChangeValue(wx(from.iso()));
    to_->ChangeValue(wx(to.iso()));
    {
        auto held = services_.lock();
        log_ = services_.counter().store().counter_log({from, to, counter});
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
    Layout();
}

wxString LogPanel::summary() const {
    return wx(intake_summary(log_) + "\n" + decision_summary(log_) + "\n" + open_summary(log_));
}

long LogPanel::board_rows() const { return board_->GetItemCount(); }

std::string LogPanel::board_text(long row, int column) const {
    return utf8(board_->GetItemText(row, column));
}

bool LogPanel::export_csv(const std::string& file) {
    std::string csv;
    {
        auto held = services_.lock();
        csv = services_.counter().store().counter_log_csv(log_.period);
    }
    std::ofstream out(file, std::ios::binary);
    out << csv;
    if (!out) {
        summary_->SetLabel(wxString::Format(wtr("Could not save: %s"), wx(file)));
        return false;
    }
    return true;
}

}  // namespace onewindow::gui
