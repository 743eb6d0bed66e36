// Print preview: the pages of the very PDF that will print (rasterised by the core), with
// "Print" (the system's printers through CUPS, `lp`) and "Save as PDF". Rendering the page images
// runs in the background so the window never freezes.
// Threads: UI thread only.
#pragma once

#include <wx/frame.h>

#include <string>

#include "onewindow/gui/services.hpp"

class wxScrolledWindow;
class wxStaticText;

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
    void print();

  private:
    Services& services_;
    std::string pdf_;
    wxScrolledWindow* pages_ = nullptr;
    wxStaticText* status_ = nullptr;
    int pages_shown_ = 0;
    int generation_ = 0;
};

}  // namespace onewindow::gui
