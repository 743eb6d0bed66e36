#include "onewindow/gui/preview_frame.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/filedlg.h>
#include <wx/image.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
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
    services_.run_unlocked(
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

wxString PreviewFrame::status() const { return status_->GetLabel(); }

void PreviewFrame::print() {
    status_->SetLabel(wtr("Looking for printers..."));
    struct Found {
        std::vector<Printer> printers;
        std::string fallback;
    };
    auto found = std::make_shared<Found>();
    services_.run_unlocked(
        [found] {
            found->printers = list_printers();
            found->fallback = default_printer().value_or("");
        },
        [this, found](std::exception_ptr error) {
            if (error) return show_print_error(error);
            if (found->printers.empty()) {
                status_->SetLabel(
                    wtr("No printer is set up on this computer: ask the administrator to add one"));
                return;
            }
            status_->SetLabel({});
            PrintDialog dialog(this, found->printers, found->fallback);
            if (dialog.ShowModal() == wxID_OK) print_to(dialog.options());
        });
}

void PreviewFrame::show_print_error(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        last_print_ = {true, false, e.what()};
        status_->SetLabel(wx(e.what()));
    }
}

void PreviewFrame::print_to(const PrintOptions& options) {
    status_->SetLabel(wxString::Format(wtr("Sending to the printer %s..."), wx(options.printer)));
    last_print_ = {};
    const std::string pdf = pdf_;
    auto job = std::make_shared<std::string>();
    services_.run_unlocked([pdf, options, job] { *job = print_pdf(pdf, options); },
                           [this, job](std::exception_ptr error) {
                               if (error) return show_print_error(error);
                               last_print_ = {true, true, *job};
                               status_->SetLabel(wxString::Format(wtr("Printed (%s)"), wx(*job)));
                           });
}

PrintDialog::PrintDialog(wxWindow* parent, const std::vector<Printer>& printers,
                         const std::string& default_printer)
    : wxDialog(parent, wxID_ANY, wtr("Print")), printers_(printers) {
    auto* grid = new wxFlexGridSizer(2, 8, 12);
    printer_ = new wxChoice(this, wxID_ANY);
    for (const auto& p : printers_)
        printer_->Append(p.accepting ? wx(p.name)
                                     : wxString::Format(wtr("%s (stopped)"), wx(p.name)));
    printer_->SetSelection(0);
    for (std::size_t i = 0; i < printers_.size(); ++i)
        if (printers_[i].name == default_printer) printer_->SetSelection(static_cast<int>(i));
    copies_ = new wxSpinCtrl(this, wxID_ANY, "1", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS,
                             1, 99, 1);
    paper_ = new wxChoice(this, wxID_ANY);
    paper_->Append("A4");
    paper_->Append("A5");
    paper_->SetSelection(0);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("Printer")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(printer_, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("Copies")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(copies_, 0);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("Paper")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(paper_, 0);
    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(grid, 1, wxEXPAND | wxALL, 16);
    top->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM,
             12);
    chinese_buttons(this);
    SetSizerAndFit(top);
    printer_->SetFocus();
}

PrintOptions PrintDialog::options() const {
    PrintOptions options;
    options.printer = printers_.at(static_cast<std::size_t>(printer_->GetSelection())).name;
    options.copies = copies_->GetValue();
    options.media = utf8(paper_->GetStringSelection());
    return options;
}

}  // namespace onewindow::gui
