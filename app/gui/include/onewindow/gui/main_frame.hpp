// The main window: catalogue on the left (departments -> items, life-event bundles, search as
// you type by name, code, keyword and pinyin initials), and on the right the intake screen, the
// case lists and the plugin overview (supervisors also the counter log and the audit;
// administrators also the 管理 page, admin_panel.hpp). Status bar: clerk, counter, dispatch
// queue, network.
// Keyboard: Ctrl+F search, Ctrl+N new intake, F8 one-time notice, F9 accept, Ctrl+P print.
// The screen locks after ShellOptions::idle_lock_seconds without input (citizens' data is on it).
// Threads: UI thread only. What renders, prints or calls a back office (a service guide, the
// case panel's documents, hand-out and supply) runs as a Services job: its steps on a worker,
// holding the Counter only while they read or record, and what it says back on the UI thread.
#pragma once

#include <wx/aboutdlg.h>
#include <wx/frame.h>
#include <wx/panel.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/case_desk.hpp"
#include "onewindow/gui/services.hpp"

class wxListCtrl;
class wxNotebook;
class wxSearchCtrl;
class wxTreeCtrl;
class wxTreeEvent;
class wxTimer;
class wxChoice;
class wxTextCtrl;
class wxDatePickerCtrl;

namespace onewindow::gui {

class IntakePanel;
class PreviewFrame;
class RatingFrame;

class CataloguePanel : public wxPanel {
  public:
    CataloguePanel(wxWindow* parent, Services& services);
    /// Filters the tree as the clerk types (what each keystroke does).
    void set_query(const std::string& query);
    /// Item codes shown as matches of the current query, in order.
    std::vector<std::string> shown_items() const;
    void focus_search();
    /// Called with the item codes to add (one item, or a bundle's items).
    std::function<void(const std::vector<std::string>&)> on_choose;
    /// Called with an item code to print its service guide.
    std::function<void(const std::string&)> on_guide;

  private:
    void fill(const std::string& query);
    void choose_selected();
    Services& services_;
    wxSearchCtrl* search_ = nullptr;
    wxTreeCtrl* tree_ = nullptr;
};

class CasesPanel : public wxPanel {
  public:
    CasesPanel(wxWindow* parent, Services& services);
    void refresh();
    long rows() const;
    std::string row_text(long row, int column) const;
    /// The deadline colour of a row: 0 on time or closed, 1 due within a working day, 2 overdue.
    int row_state(long row) const;
    void set_today_only(bool today);
    void show_detail(const std::string& case_number);
    /// What a job of the panel says when it has ended, on the UI thread: "" when done, else
    /// what went wrong, in Chinese.
    using Said = std::function<void(const wxString& problem)>;
    /// The jobs below run on a worker thread (Services::run_job): each prepares holding the
    /// Counter and renders without it, then says how it went (`said`); one at a time (a second
    /// one, started meanwhile, is told to wait and does nothing). Services::wait_idle() ends them.
    /// Renders an item's result document (when approved) or correction notice (when a correction
    /// was asked) and hands it to on_document.
    void print_item_document(const std::string& case_number, const std::string& item_code,
                             bool result, Said said = {});
    /// 统一窗口出件: prints the result documents of every decided item not handed out yet (the
    /// first to on_document) and records who collected them; nothing is recorded when one fails,
    /// nor when another window handed the case out meanwhile.
    void hand_out(const std::string& case_number, const std::string& collector,
                  const std::string& id_number, const std::string& proof, Said said = {});
    /// 补交材料 (CaseDesk::supply): the scans the applicant brought for one group of what is
    /// outstanding (OutstandingSupply: the tolerated gaps, or one item's correction), by
    /// material key; recorded as supplied at this counter, its receipt (补交材料回执) rendered
    /// and handed to on_document. Nothing is recorded when it fails, unless what it says is
    /// that only the receipt failed.
    void supply(const std::string& case_number, const OutstandingSupply& group,
                const std::map<std::string, std::filesystem::path>& scans, Said said = {});
    /// The dialog that asks for those scans, a row per outstanding material with its scan
    /// button; OK records one supplement per group given a scan, one after the other (`said`
    /// when they have ended, or with the first problem). Returns whether it started recording
    /// (false: cancelled, nothing outstanding, or the case could not be read, which `said` tells).
    bool show_supply(const std::string& case_number, Said said = {});
    std::function<void(const std::string& pdf, const wxString& title)> on_document;
    /// Called with the case number after its results were handed out (the rating screen then
    /// asks the applicant to rate the visit).
    std::function<void(const std::string& case_number)> on_handed_out;

  private:
    struct SupplyGroup {
        OutstandingSupply group;
        std::map<std::string, std::filesystem::path> scans;
    };
    /// show_supply()'s dialog: the groups given a scan (none: cancelled or nothing outstanding;
    /// `problem`: the case could not be read).
    std::vector<SupplyGroup> ask_supply(const std::string& case_number, wxString& problem);
    /// supply() of given[next], then of the rest, as long as each succeeds.
    void supply_each(const std::string& case_number, std::vector<SupplyGroup> given,
                     std::size_t next, Said said);
    bool start_job(const Said& said);
    void end_job(const Said& said, const wxString& problem);
    bool working_ = false;  // a job of the panel runs
    Services& services_;
    wxChoice* scope_ = nullptr;
    wxChoice* status_ = nullptr;
    wxChoice* department_ = nullptr;
    wxTextCtrl* item_ = nullptr;
    wxTextCtrl* clerk_ = nullptr;
    wxListCtrl* list_ = nullptr;
    std::vector<std::string> department_codes_;
    std::vector<int> states_;
};

/// The plugins overview: one row per plugin (id, name, version, what it serves, state, items
/// in the catalogue, the first reason it does not run); below, every reason of the selected
/// plugin (a plugin whose items were refused lists each problem with file and JSON path).
/// A plugin that does not run is drawn red; the first of them is selected.
class PluginsPanel : public wxPanel {
  public:
    PluginsPanel(wxWindow* parent, Services& services);
    long rows() const;
    std::string row_text(long row, int column) const;
    /// Selects a row and shows its reasons below.
    void select(long row);
    /// The reasons shown below the list.
    std::string details() const;

  private:
    wxListCtrl* list_ = nullptr;
    wxTextCtrl* details_ = nullptr;
    std::vector<std::string> reasons_;  // per row, every reason ("" when running)
};

class LogPanel;
class AuditPanel;
class AdminPanel;

/// What the Help menu's About box shows: the name, the version (version.hpp) and the plugin ABI.
wxAboutDialogInfo about_info();

class MainFrame : public wxFrame {
  public:
    MainFrame(Services& services);
    ~MainFrame() override;

    CataloguePanel* catalogue() { return catalogue_; }
    IntakePanel* intake() { return intake_; }
    CasesPanel* cases() { return cases_; }
    PluginsPanel* plugins() { return plugins_; }
    /// The counter log (supervisors and administrators only; nullptr for clerks).
    LogPanel* counter_log() { return log_; }
    AuditPanel* audit() { return audit_; }
    /// 管理: endpoints, users, holidays and plugin trust (administrators only; nullptr else).
    AdminPanel* administration() { return admin_; }
    wxNotebook* pages() { return pages_; }
    PreviewFrame* preview() { return preview_; }
    /// The applicant's rating screen (评价器, rating_frame.hpp), invited after each acceptance
    /// and hand-out.
    RatingFrame* rating() { return rating_; }

    /// Resumes the newest draft of the signed-in clerk, if any (after a crash or power cut).
    bool resume_latest_draft();
    void lock_screen();
    bool locked() const { return locked_; }
    /// Unlocks with the signed-in user's password (what the lock screen's button does).
    LoginResult unlock(const std::string& password);
    void refresh_status();
    /// Records input (the idle lock counts from the last one).
    void note_activity();
    /// Opens the print preview of a PDF (the exact file that prints).
    void show_preview(const std::string& pdf, const wxString& title);

  private:
    void build_menu();
    void check_idle();
    Services& services_;
    CataloguePanel* catalogue_ = nullptr;
    IntakePanel* intake_ = nullptr;
    CasesPanel* cases_ = nullptr;
    PluginsPanel* plugins_ = nullptr;
    LogPanel* log_ = nullptr;
    AuditPanel* audit_ = nullptr;
    AdminPanel* admin_ = nullptr;
    wxNotebook* pages_ = nullptr;
    wxPanel* content_ = nullptr;
    wxPanel* lock_panel_ = nullptr;
    wxTextCtrl* lock_password_ = nullptr;
    wxStaticText* lock_message_ = nullptr;
    PreviewFrame* preview_ = nullptr;
    RatingFrame* rating_ = nullptr;
    wxTimer* idle_timer_ = nullptr;
    long long last_activity_ms_ = 0;
    bool locked_ = false;
};

}  // namespace onewindow::gui
