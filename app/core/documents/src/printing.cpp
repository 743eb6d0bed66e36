#include "onewindow/core/printing.hpp"

#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <sstream>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow {

namespace {

struct Run {
    int rc = -1;
    std::string out, err;
};

Run run(const std::string& program, const std::vector<std::string>& args) {
    Run r;
    try {
        Poco::Pipe out, err;
        // The clients translate what they print; parse the untranslated words.
        const Poco::Process::Env env{{"LC_ALL", "C"}, {"LANG", "C"}};
        Poco::ProcessHandle process =
            Poco::Process::launch(program, args, std::string(), nullptr, &out, &err, env);
        Poco::PipeInputStream out_stream(out), err_stream(err);
        Poco::StreamCopier::copyToString(out_stream, r.out);
        Poco::StreamCopier::copyToString(err_stream, r.err);
        r.rc = process.wait();
    } catch (const Poco::Exception&) {
        throw Error(ErrorKind::Document,
                    tr("The printing system (CUPS) is not installed on this computer"));
    }
    return r;
}

}  // namespace

std::string job_title(const std::filesystem::path& pdf) {
    std::string title;
    for (char c : pdf.stem().string())
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') title += c;
    return title.empty() ? "onewindow" : title;
}

std::vector<Printer> list_printers() {
    const Run r = run("lpstat", {"-p"});
    std::vector<Printer> printers;
    std::istringstream lines(r.out);
    std::string line;
    // "printer PDF is idle.  enabled since ..." / "printer PDF disabled since ..."
    while (std::getline(lines, line)) {
        if (line.rfind("printer ", 0) != 0) continue;
        std::istringstream words(line.substr(8));
        Printer p;
        words >> p.name;
        p.state = line;
        p.accepting = line.find("disabled") == std::string::npos;
        printers.push_back(p);
    }
    if (r.rc != 0 && printers.empty() && r.err.find("No destinations") == std::string::npos) {
        if (r.err.find("not running") != std::string::npos ||
            r.err.find("connect") != std::string::npos || r.err.empty())
            throw Error(ErrorKind::Document,
                        tr("The printing service (CUPS) is not running: ask the administrator "
                           "to start it"));
        throw Error(ErrorKind::Document, trf("The printing service cannot be reached: {}", r.err));
    }
    return printers;
}

std::optional<std::string> default_printer() {
    const Run r = run("lpstat", {"-d"});
    const auto colon = r.out.find(": ");
    if (r.rc != 0 || colon == std::string::npos) return std::nullopt;
    std::string name = r.out.substr(colon + 2);
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
    return name.empty() ? std::nullopt : std::optional(name);
}

std::string print_pdf(const std::filesystem::path& pdf, const PrintOptions& options) {
    if (!std::filesystem::is_regular_file(pdf))
        throw Error(ErrorKind::Document, trf("The document {} does not exist", pdf.string()));
    const auto printers = list_printers();
    if (printers.empty())
        throw Error(ErrorKind::Document,
                    tr("No printer is set up on this computer: ask the administrator to add one"));
    std::string printer = options.printer;
    if (printer.empty()) printer = default_printer().value_or(printers.front().name);
    const Printer* found = nullptr;
    for (const auto& p : printers)
        if (p.name == printer) found = &p;
    if (!found) throw Error(ErrorKind::Document, trf("There is no printer named {}", printer));
    if (!found->accepting)
        throw Error(
            ErrorKind::Document,
            trf("The printer {} is stopped: check paper and power, then try again", printer));
    if (options.copies < 1 || options.copies > 99)
        throw Error(ErrorKind::Input, tr("Copies must be between 1 and 99"));
    if (options.media.empty() ||
        options.media.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789_.-") != std::string::npos)
        throw Error(ErrorKind::Input, trf("Unknown paper size: {}", options.media));
    const Run r = run("lp", {"-d", printer, "-n", std::to_string(options.copies), "-o",
                             "media=" + options.media, "-t", job_title(pdf), pdf.string()});
    // "request id is PDF-3 (1 file(s))"
    const auto at = r.out.find("request id is ");
    if (r.rc != 0 || at == std::string::npos)
        throw Error(ErrorKind::Document,
                    trf("The printer {} did not take the job: {}", printer, r.err + r.out));
    std::istringstream words(r.out.substr(at + 14));
    std::string job;
    words >> job;
    return job;
}

}  // namespace onewindow
