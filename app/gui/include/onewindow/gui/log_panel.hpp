// Supervision screens, for supervisors and administrators only.
// 窗口日志: the supervisor's screen of the daily counter log (core/report.hpp) for a day or a
// period, one counter or all: the figures at a glance, bar charts of intake per department and
// per hour, and the deadline board (yellow: due within one working day; red: overdue) with the
// clerk and department responsible; the comparison with the previous period; the bad ratings
// waiting for follow-up (15 working days), which a supervisor resolves here. "Export CSV" writes
// the log's rows; "Print" renders the PDF report (with its charts) into the print preview.
// Shown to supervisors and administrators only.
// Threads: UI thread.
#pragma once

#include <wx/panel.h>

#include <functional>
#include <string>
#include <vector>

#include "onewindow/core/report.hpp"
#include "onewindow/gui/services.hpp"

class wxChoice;
class wxListCtrl;
class wxStaticText;
class wxTextCtrl;

namespace onewindow::gui {

/// A horizontal bar chart of named counts (drawn with wxDC: crisp at any size, no library).
class BarChart : public wxPanel {
  public:
    BarChart(wxWindow* parent, const wxString& title);
    void set(const std::vector<LogCount>& bars);
    const std::vector<LogCount>& bars() const { return bars_; }

  private:
    void paint();
    wxString title_;
    std::vector<LogCount> bars_;
};

class LogPanel : public wxPanel {
  public:
    LogPanel(wxWindow* parent, Services& services);
    /// Shows the log of `from`..`to` (one day when equal) for `counter` ("" for all).
    void show(Date from, Date to, const std::string& counter);
    const CounterLog& log() const { return log_; }
    wxString summary() const;
    long board_rows() const;
    std::string board_text(long row, int column) const;
    /// Writes the shown period's CSV; false (and a message) when it cannot be written.
    bool export_csv(const std::string& file);
    const CounterLog& previous() const { return previous_; }
    long comparison_rows() const;
    std::string comparison_text(long row, int column) const;
    long bad_rating_rows() const;
    std::string bad_rating_text(long row, int column) const;
    /// Records how the bad rating on `row` was resolved (the supervisor signed in); "" when
    /// done, else what went wrong, in Chinese.
    wxString resolve_bad_rating(long row, const std::string& resolution);
    /// Renders the shown log as PDF in the background; the file goes to on_document.
    void print_log();
    std::function<void(const std::string& pdf, const wxString& title)> on_document;

  private:
    Services& services_;
    wxTextCtrl* from_ = nullptr;
    wxTextCtrl* to_ = nullptr;
    wxChoice* counter_ = nullptr;
    std::vector<std::string> counter_codes_;
    wxStaticText* summary_ = nullptr;
    BarChart* departments_ = nullptr;
    BarChart* hours_ = nullptr;
    wxListCtrl* board_ = nullptr;
    wxListCtrl* comparison_ = nullptr;
    wxListCtrl* bad_ratings_ = nullptr;
    wxStaticText* message_ = nullptr;
    CounterLog log_, previous_;
};

/// 审计: the audit trail (who did what, when, with what result), filtered by user, case and event
/// type, newest first, and the verification of its hash chain. ID numbers never show here: the
/// events name cases by number.
class AuditPanel : public wxPanel {
  public:
    AuditPanel(wxWindow* parent, Services& services);
    void show(const AuditFilter& filter);
    long rows() const;
    std::string row_text(long row, int column) const;
    /// Verifies the chain and says the result next to the button.
    AuditVerifyResult verify();
    wxString verdict() const;

  private:
    Services& services_;
    wxTextCtrl* actor_ = nullptr;
    wxTextCtrl* subject_ = nullptr;
    wxChoice* type_ = nullptr;
    wxListCtrl* list_ = nullptr;
    wxStaticText* verdict_ = nullptr;
};

}  // namespace onewindow::gui
