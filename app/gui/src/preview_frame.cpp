#include "onewindow/gui/preview_frame.hpp"

#include <wx/button.h>
#include <wx/filedlg.h>
#include <wx/image.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/statbmp.h>
#include <wx/stattext.h>

#include <filesystem>

#include "onewindow/core/document.hpp"
#include "onewindow/core/printing.hpp"

namespace fs = std::filesystem;

namespace onewindow::gui {

PreviewFrame::PreviewFrame(wxWindow* parent, Services& services)
    : wxFrame(parent, wxID_ANY, wtr("Print preview"), wxDefaultPosition, wxSize(760, 900)),
      services_(services) {
    auto* panel = new wxPanel(this);
    auto* top = new wxBoxSizer(wxVERTICAL);
    auto* bar = new wxBoxSizer(wxHORIZONTAL);
    auto* print_button = new wxButton(panel, wxID_ANY, wtr("Print... (Ctrl+P)"));
    auto* save_button = new wxButton(panel, wxID_ANY, wtr("Save as PDF..."));
    auto* close_button = new wxButton(panel, wxID_ANY, wtr("Close"));
    status_ = new wxStaticText(panel, wxID_ANY, {});
    bar->Add(print_button, 0, wxRIGHT, 8);
    bar->Add(save_button, 0, wxRIGHT, 8);
    bar->Add(status_, 1, wxALIGN_CENTER_VERTICAL | wxLEFT, 8);
    bar->Add(close_button, 0);
    top->Add(bar, 0, wxEXPAND | wxALL, 8);
    pages_ = new wxScrolledWindow(panel, wxID_ANY);
    pages_->SetScrollRate(16, 16);
    pages_->SetBackgroundColour(wxColour(128, 128, 128));
    pages_->SetSizer(new wxBoxSizer(wxVERTICAL));
    top->Add(pages_, 1, wxEXPAND);
    panel->SetSizer(top);

    print_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print(); });
    save_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        wxFileDialog dialog(this, wtr("Save as PDF..."), {}, wx(fs::path(pdf_).filename().string()),
                            wtr("PDF files (*.pdf)|*.pdf"), wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
        if (dialog.ShowModal() == wxID_OK) save_as(utf8(dialog.GetPath()));
    });
    close_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Hide(); });
    Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& event) {
        if (event.CanVeto()) {
            event.Veto();
            Hide();
        } else {
            event.Skip();
        }
    });
    wxAcceleratorEntry keys[] = {{wxACCEL_CTRL, 'P', print_button->GetId()},
                                 {wxACCEL_NORMAL, WXK_ESCAPE, close_button->GetId()}};
    SetAcceleratorTable(wxAcceleratorTable(2, keys));
}

void PreviewFrame::show_pdf(const std::string& pdf, const wxString& title) {
    pdf_ = pdf;
    SetTitle(wtr("Print preview") + wx(" - ") + title);
    pages_->DestroyChildren();
    pages_->GetSizer()->Clear();
    pages_shown_ = 0;
    status_->SetLabel(wtr("Drawing the pages..."));
    const int generation = ++generation_;
    auto images = std::make_shared<std::vector<fs::path>>();
    const fs::path out_dir = services_.documents_dir() / ".preview";
    services_.run_in_background(
        [pdf, out_dir, images] { *images = rasterize_pdf(pdf, out_dir, 80); },
        [this, images, generation](std::exception_ptr error) {
            if (generation != generation_) return;  // a newer document
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    status_->SetLabel(wx(e.what()));
                }
                return;
            }
            for (const auto& page : *images) {
                wxImage image(wx(page.string()), wxBITMAP_TYPE_PNG);
                if (!image.IsOk()) continue;
                auto* bitmap = new wxStaticBitmap(pages_, wxID_ANY, wxBitmap(image));
                pages_->GetSizer()->Add(bitmap, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, 12);
                ++pages_shown_;
            }
            status_->SetLabel(wxString::Format(wtr("%d page(s)"), pages_shown_));
            pages_->FitInside();
            pages_->Layout();
        });
    Show();
    Raise();
}

bool PreviewFrame::save_as(const std::string& target) {
    std::error_code error;
    fs::copy_file(pdf_, target, fs::copy_options::overwrite_existing, error);
    status_->SetLabel(error ? wxString::Format(wtr("Could not save: %s"), wx(error.message()))
                            : wxString::Format(wtr("Saved as %s"), wx(target)));
    return !error;
}

void PreviewFrame::print() {
    status_->SetLabel(wtr("Sending to the printer..."));
    const std::string pdf = pdf_;
    auto message = std::make_shared<std::string>();
    services_.run_in_background(
        [pdf, message] {
            const auto printers = list_printers();
            const std::string printer = default_printer().value_or(
                printers.empty() ? std::string() : printers.front().name);
            *message = print_pdf(pdf, PrintOptions{printer, 1, "A4"});
        },
        [this, message](std::exception_ptr error) {
            if (!error) {
                status_->SetLabel(wxString::Format(wtr("Printed (%s)"), wx(*message)));
                return;
            }
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                status_->SetLabel(wx(e.what()));
            }
        });
}

}  // namespace onewindow::gui
