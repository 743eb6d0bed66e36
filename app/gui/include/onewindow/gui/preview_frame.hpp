// Print preview: the pages of the very PDF that will print (rasterised by the core), with
// "Print" (the system's printers through CUPS, `lp`) and "Save as PDF". Rendering the page
// images, looking the printers up and printing run on worker threads (Services::run_unlocked)
// without the Counter's lock, which none of them uses, so the window never freezes and never
// waits on that lock. Threads: UI thread only.
#pragma once

#include <wx/dialog.h>
#include <wx/frame.h>

#include <exception>
#include <string>
#include <vector>

#include "onewindow/core/printing.hpp"
#include "onewindow/gui/services.hpp"

class wxScrolledWindow;
class wxStaticText;
class wxChoice;
class wxSpinCtrl;

namespace onewindow::gui {

class PreviewFrame : public wxFrame {
  public:
    PreviewFrame(wxWindow* parent, Services& services);
    /// Shows `pdf`; page images appear when rendered.
    void show_pdf(const std::string& pdf, const wxString& title);
    const std::string& pdf() const { return pdf_; }
    int pages_shown() const { return pages_shown_; }
    /// Copies the PDF to `target` (what "Save as PDF" does after asking where).
    bool save_as(const std::string& target);
    /// "Print...": lists the printers (in the background), asks printer, copies and paper.
    void print();
    /// Prints without asking; the outcome shows in the status line and in last_print().
    void print_to(const PrintOptions& options);
    /// The last print's outcome: the job id, or the error told to the clerk.
    struct PrintOutcome {
        bool done = false, ok = false;
        std::string message;
    };
    const PrintOutcome& last_print() const { return last_print_; }
    wxString status() const;

  private:
    void show_print_error(std::exception_ptr error);
    Services& services_;
    std::string pdf_;
    wxScrolledWindow* pages_ = nullptr;
    wxStaticText* status_ = nullptr;
    int pages_shown_ = 0;
    int generation_ = 0;
    PrintOutcome last_print_;
};

/// Asks where and how to print; the printer CUPS names its default is chosen first.
class PrintDialog : public wxDialog {
  public:
    PrintDialog(wxWindow* parent, const std::vector<Printer>& printers,
                const std::string& default_printer);
    PrintOptions options() const;

  private:
    std::vector<Printer> printers_;
    wxChoice* printer_ = nullptr;
    wxSpinCtrl* copies_ = nullptr;
    wxChoice* paper_ = nullptr;
};

}  // namespace onewindow::gui
