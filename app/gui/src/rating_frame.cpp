#include "onewindow/gui/rating_frame.hpp"

#include <wx/button.h>
#include <wx/display.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/timer.h>

#include "onewindow/core/case_desk.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/report.hpp"

namespace onewindow::gui {

namespace {

/// "★★★★★" for 5, "★" for 1.
wxString stars(int level) {
    std::string out;
    for (int i = 0; i < level; ++i) out += "★";
    return wx(out);
}

constexpr int kRestMs = 6000;  // the thanks stay this long

}  // namespace

RatingFrame::RatingFrame(wxWindow* parent, Services& services)
    : wxFrame(parent, wxID_ANY, wtr("Rate our service"), wxDefaultPosition, wxSize(900, 620),
              wxDEFAULT_FRAME_STYLE | wxFRAME_FLOAT_ON_PARENT),
      services_(services) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    SetBackgroundColour(*wxWHITE);
    title_ = new wxStaticText(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                              wxALIGN_CENTRE_HORIZONTAL | wxST_NO_AUTORESIZE);
    title_->SetFont(title_->GetFont().Scaled(2.0f).Bold());
    subtitle_ = new wxStaticText(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                                 wxALIGN_CENTRE_HORIZONTAL | wxST_NO_AUTORESIZE);
    subtitle_->SetFont(subtitle_->GetFont().Scaled(1.3f));
    sizer->AddSpacer(30);
    sizer->Add(title_, 0, wxEXPAND | wxALL, 12);
    sizer->Add(subtitle_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);

    // Five large buttons, the best first.
    levels_ = new wxPanel(this);
    auto* level_sizer = new wxBoxSizer(wxVERTICAL);
    for (int level = 5; level >= 1; --level) {
        auto* button =
            new wxButton(levels_, wxID_ANY, stars(level) + "  " + wx(rating_label(level)),
                         wxDefaultPosition, wxSize(420, 64));
        button->SetFont(button->GetFont().Scaled(1.5f));
        button->Bind(wxEVT_BUTTON, [this, level](wxCommandEvent&) { choose(level); });
        level_sizer->Add(button, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 6);
    }
    levels_->SetSizer(level_sizer);
    sizer->Add(levels_, 0, wxEXPAND | wxTOP, 16);

    // A bad level: what was wrong (usual reasons to tap, or typed).
    reason_ = new wxPanel(this);
    auto* reason_sizer = new wxBoxSizer(wxVERTICAL);
    auto* quick = new wxBoxSizer(wxHORIZONTAL);
    for (const char* text : {N_("Waited too long"), N_("The materials were not explained clearly"),
                             N_("Asked to come back again"), N_("Unfriendly service")}) {
        auto* button = new wxButton(reason_, wxID_ANY, wtr(text));
        button->Bind(wxEVT_BUTTON, [this, text](wxCommandEvent&) {
            comment_->SetValue(comment_->GetValue().empty()
                                   ? wtr(text)
                                   : comment_->GetValue() + wx("；") + wtr(text));
        });
        quick->Add(button, 0, wxALL, 4);
    }
    reason_sizer->Add(quick, 0, wxALIGN_CENTER_HORIZONTAL);
    comment_ =
        new wxTextCtrl(reason_, wxID_ANY, {}, wxDefaultPosition, wxSize(640, 90), wxTE_MULTILINE);
    reason_sizer->Add(comment_, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 8);
    auto* submit_button = new wxButton(reason_, wxID_ANY, wtr("Submit the rating"),
                                       wxDefaultPosition, wxSize(240, 52));
    submit_button->SetFont(submit_button->GetFont().Scaled(1.3f));
    submit_button->Bind(wxEVT_BUTTON,
                        [this](wxCommandEvent&) { submit(utf8(comment_->GetValue())); });
    reason_sizer->Add(submit_button, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 8);
    reason_->SetSizer(reason_sizer);
    sizer->Add(reason_, 0, wxEXPAND | wxTOP, 8);
    sizer->AddStretchSpacer();
    SetSizer(sizer);

    rest_timer_ = new wxTimer(this);
    Bind(
        wxEVT_TIMER, [this](wxTimerEvent&) { rest(); }, rest_timer_->GetId());

    // Full screen on the second display, facing the applicant, when there is one.
    if (wxDisplay::GetCount() > 1) {
        const wxRect area = wxDisplay(1u).GetGeometry();
        SetSize(area);
        ShowFullScreen(true);
    }
    rest();
}

RatingFrame::~RatingFrame() { rest_timer_->Stop(); }

void RatingFrame::show_state(const std::string& state) {
    state_ = state;
    levels_->Show(state == "levels");
    reason_->Show(state == "reason");
    Layout();
    Refresh();
}

void RatingFrame::rest() {
    rest_timer_->Stop();
    case_number_.clear();
    level_ = 0;
    title_->SetLabel(wtr("Welcome"));
    subtitle_->SetLabel(
        wtr("When your business at the window is done, please rate our service "
            "here."));
    show_state("welcome");
}

void RatingFrame::invite(const std::string& case_number, const wxString& clerk) {
    rest_timer_->Stop();
    case_number_ = case_number;
    level_ = 0;
    comment_->Clear();
    title_->SetLabel(wtr("Please rate our service"));
    subtitle_->SetLabel(wx(trf("Case {}, served by {}", case_number, utf8(clerk))));
    show_state("levels");
    Raise();
}

wxString RatingFrame::choose(int level) {
    if (state_ != "levels" || level < 1 || level > 5) return wtr("There is nothing to rate now");
    level_ = level;
    if (level <= 2) {
        title_->SetLabel(wtr("We are sorry. What was wrong?"));
        subtitle_->SetLabel(
            wtr("The supervisor follows up every bad rating and will call you back."));
        show_state("reason");
        comment_->SetFocus();
        return {};
    }
    return record(level, "");
}

wxString RatingFrame::submit(const std::string& comment) {
    if (state_ != "reason") return wtr("There is nothing to rate now");
    return record(level_, comment);
}

wxString RatingFrame::record(int level, const std::string& comment) {
    try {
        auto held = services_.lock();
        CaseDesk(services_.session()).rate(case_number_, level, comment);
    } catch (const std::exception& e) {
        subtitle_->SetLabel(wx(e.what()));
        Layout();
        return wx(e.what());
    }
    title_->SetLabel(wtr("Thank you for your rating"));
    subtitle_->SetLabel(wx(rating_label(level)));
    show_state("thanks");
    rest_timer_->StartOnce(kRestMs);
    return {};
}

}  // namespace onewindow::gui
