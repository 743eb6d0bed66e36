// Page images for the print preview: poppler's pdftoppm draws the very PDF that will print.
#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <sstream>

#include "onewindow/core/document.hpp"
#include "onewindow/core/error.hpp"

namespace fs = std::filesystem;

namespace onewindow {

std::vector<fs::path> rasterize_pdf(const fs::path& pdf, const fs::path& out_dir, int dpi) {
    std::error_code error;
    fs::create_directories(out_dir, error);
    if (error) throw Error(ErrorKind::Document, out_dir.string() + ": " + error.message());
    for (const auto& old : fs::directory_iterator(out_dir, error))
        if (old.path().filename().string().rfind("page-", 0) == 0) fs::remove(old.path(), error);
    std::string messages;
    int rc = -1;
    try {
        Poco::Pipe err;
        Poco::ProcessHandle process = Poco::Process::launch(
            "pdftoppm",
            {"-r", std::to_string(dpi), "-png", pdf.string(), (out_dir / "page").string()}, nullptr,
            nullptr, &err);
        Poco::PipeInputStream stream(err);
        Poco::StreamCopier::copyToString(stream, messages);
        rc = process.wait();
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::Document, "pdftoppm (poppler-utils) cannot run: " + e.displayText());
    }
    std::vector<fs::path> pages;
    for (const auto& entry : fs::directory_iterator(out_dir, error))
        if (entry.path().filename().string().rfind("page-", 0) == 0 &&
            entry.path().extension() == ".png")
            pages.push_back(entry.path());
    if (rc != 0 || pages.empty())
        throw Error(ErrorKind::Document,
                    pdf.string() + ": cannot be drawn for preview: " + messages);
    // page-1.png ... page-10.png: order by the page number, not by name.
    auto number = [](const fs::path& p) {
        const std::string stem = p.stem().string();
        return std::stoi(stem.substr(stem.rfind('-') + 1));
    };
    std::sort(pages.begin(), pages.end(),
              [&](const fs::path& a, const fs::path& b) { return number(a) < number(b); });
    return pages;
}

}  // namespace onewindow
