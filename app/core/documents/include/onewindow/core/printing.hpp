// Printing through the system's printers (CUPS), with messages a clerk understands.
//
// The CUPS command-line clients (`lpstat`, `lp`, Debian package cups-client) talk to the local
// scheduler, or to $CUPS_SERVER. A print that fails throws Error(Document) and changes nothing:
// callers record hand-out only after print_pdf() returned.
// Threads: blocking calls (a job takes about a second): call them off the UI thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace onewindow {

struct Printer {
    std::string name;
    bool accepting = true;  // false when stopped or rejecting jobs
    std::string state;      // what lpstat says, for the clerk
};

/// The printers CUPS knows; empty when none. Error(Document) when CUPS cannot be reached.
std::vector<Printer> list_printers();
std::optional<std::string> default_printer();

struct PrintOptions {
    std::string printer;  // empty: the default printer
    int copies = 1;
    std::string media = "A4";
};

/// The job title CUPS gets for a document: the ASCII letters, digits, '-' and '_' of the file's
/// stem ("WX01-20261123-0001-receipt"), or "onewindow". Print-to-file queues name files by it.
std::string job_title(const std::filesystem::path& pdf);

/// Sends a PDF to a printer (the default printer, else the first one, when options.printer is
/// empty); returns the job id (e.g. "PDF-3").
std::string print_pdf(const std::filesystem::path& pdf, const PrintOptions& options);

}  // namespace onewindow
