// The applicant's rating screen (评价器): a window on a second screen turned towards the applicant,
// where the applicant, not the clerk, rates each visit with the five levels of 好差评 (国办发
// 〔2019〕51号: ratings are the applicant's, "一次一评" at the counter; see plugins/LAW.md).
//
// It rests on a welcome text until the clerk's window invites a rating (after an acceptance or a
// hand-out): then it shows the case number and the clerk and five large buttons, 非常满意 ★★★★★
// to 非常不满意 ★. A good or middling level is recorded at once; a bad one (不满意, 非常不满意)
// first asks what was wrong, with a few usual reasons to tap and a box to type in, because the
// supervisor follows every bad rating up. Then it thanks the applicant and returns to the
// welcome text after a few seconds. The clerk's window has no rating button of its own.
//
// With a second display the window opens full screen there; with one it is an ordinary window
// (the tests, a laptop). Threads: UI thread only; it records through Services' lock.
#pragma once

#include <wx/frame.h>

#include <string>

#include "onewindow/gui/services.hpp"

class wxButton;
class wxPanel;
class wxStaticText;
class wxTextCtrl;
class wxTimer;

namespace onewindow::gui {

class RatingFrame : public wxFrame {
  public:
    RatingFrame(wxWindow* parent, Services& services);
    ~RatingFrame() override;

    /// Asks the applicant to rate the visit of `case_number`, served by `clerk`.
    void invite(const std::string& case_number, const wxString& clerk);
    /// What pressing a level's button does (5 非常满意 ... 1 非常不满意): records a good or
    /// middling level at once; a bad one waits for submit(). "" when done, else what went wrong.
    wxString choose(int level);
    /// Records the bad level chosen with the applicant's reason; "" when done.
    wxString submit(const std::string& comment);
    /// Back to the welcome text (after thanking, or when nobody rates).
    void rest();

    /// "welcome", "levels" (invited), "reason" (a bad level chosen) or "thanks".
    std::string state() const { return state_; }
    const std::string& case_number() const { return case_number_; }

  private:
    void show_state(const std::string& state);
    wxString record(int level, const std::string& comment);
    Services& services_;
    std::string state_ = "welcome", case_number_;
    int level_ = 0;
    wxStaticText* title_ = nullptr;
    wxStaticText* subtitle_ = nullptr;
    wxPanel* levels_ = nullptr;
    wxPanel* reason_ = nullptr;
    wxTextCtrl* comment_ = nullptr;
    wxTimer* rest_timer_ = nullptr;
};

}  // namespace onewindow::gui
