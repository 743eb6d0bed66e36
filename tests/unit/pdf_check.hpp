// PDF checks shared by the document tests: poppler's pdftotext per page, and the booklet's
// table of contents read back from the PDF and checked against the pages it names.
#pragma once

#include <catch2/catch.hpp>

#include <qrencode.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "onewindow/core/document.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow::testing {

/// A template loaded without a single issue.
inline DocumentTemplate checked_template(const std::filesystem::path& file) {
    Issues issues;
    auto tpl = load_template(file, issues);
    REQUIRE(issues.to_string() == "");
    return tpl;
}

/// Documents in Chinese, as the window and the CLI print them: while it lives, the compiled
/// zh_CN catalogue of the staged installation is loaded; English sources again afterwards, for
/// the tests that check those.
struct ChineseMessages {
    ChineseMessages() {
        load_catalog(std::filesystem::path(ONEWINDOW_STAGE_DIR) /
                     "share/locale/zh_CN/LC_MESSAGES/onewindow.mo");
    }
    ~ChineseMessages() { clear_catalog(); }
    ChineseMessages(const ChineseMessages&) = delete;
    ChineseMessages& operator=(const ChineseMessages&) = delete;
};

/// Keeps a copy of `pdf` as <$ONEWINDOW_PREVIEW_DIR>/<name>.pdf when that is set: the README's
/// previews (templates/previews/*.png) are drawn from the documents the tests check.
inline void keep_preview(const std::filesystem::path& pdf, const std::string& name) {
    if (const char* keep = std::getenv("ONEWINDOW_PREVIEW_DIR"))
        std::filesystem::copy_file(pdf, std::filesystem::path(keep) / (name + ".pdf"),
                                   std::filesystem::copy_options::overwrite_existing);
}

/// Output of a shell command; the test fails when it fails.
inline std::string command_output(const std::string& command) {
    std::string out;
    FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
    REQUIRE(pipe);
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    REQUIRE(pclose(pipe) == 0);
    return out;
}

/// The text of page `page` (1-based); `layout` keeps the columns of a table on one line.
inline std::string page_text(const std::filesystem::path& pdf, int page, bool layout = false) {
    return command_output("pdftotext " + std::string(layout ? "-layout " : "") + "-f " +
                          std::to_string(page) + " -l " + std::to_string(page) + " '" +
                          pdf.string() + "' -");
}

inline int page_count(const std::filesystem::path& pdf) {
    std::smatch m;
    const std::string info = command_output("pdfinfo '" + pdf.string() + "'");
    REQUIRE(std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")));
    return std::stoi(m[1]);
}

inline std::string without_spaces(const std::string& text) {
    std::string out;
    for (char c : text)
        if (c != ' ' && c != '\n' && c != '\f' && c != '\t' && c != '\r') out += c;
    return out;
}

/// A binary PGM (P5), as pdftoppm -gray writes it.
struct Gray {
    int width = 0, height = 0;
    std::string pixels;
    explicit Gray(const std::filesystem::path& file) {
        std::ifstream in(file, std::ios::binary);
        std::string magic;
        int max = 0;
        in >> magic >> width >> height >> max;
        in.get();
        REQUIRE(magic == "P5");
        pixels.resize(static_cast<std::size_t>(width) * height);
        in.read(pixels.data(), static_cast<std::streamsize>(pixels.size()));
    }
    bool dark_at(int x, int y) const {
        return static_cast<unsigned char>(pixels[static_cast<std::size_t>(y) * width + x]) < 128;
    }
    int dark(int x0, int x1, int y0, int y1) const {
        int n = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) n += dark_at(x, y);
        return n;
    }
};

/// The bars of the bar charts on a page of `pdf`, top to bottom, as their lengths in mm: the page
/// is rasterised in colour at 150 dpi and each run of rows holding the bars' blue is one bar
/// (the text and rules are black, so nothing else is blue).
inline std::vector<double> bar_lengths_mm(const std::filesystem::path& pdf, int page) {
    const auto stem = pdf.parent_path() / (pdf.stem().string() + "-bars");
    command_output("pdftoppm -r 150 -f " + std::to_string(page) + " -l " + std::to_string(page) +
                   " -singlefile '" + pdf.string() + "' '" + stem.string() + "'");
    std::ifstream in(stem.string() + ".ppm", std::ios::binary);
    std::string magic;
    int width = 0, height = 0, max = 0;
    in >> magic >> width >> height >> max;
    in.get();
    REQUIRE(magic == "P6");
    std::string rgb(static_cast<std::size_t>(width) * height * 3, '\0');
    in.read(rgb.data(), static_cast<std::streamsize>(rgb.size()));
    auto blue = [&](int x, int y) {
        const auto* p = reinterpret_cast<const unsigned char*>(rgb.data()) +
                        (static_cast<std::size_t>(y) * width + x) * 3;
        return p[2] > 120 && p[2] > p[0] + 60;
    };
    std::vector<double> bars;
    int longest = 0;  // of the bar being read
    for (int y = 0; y <= height; ++y) {
        int row_longest = 0;
        for (int x = 0, run = 0; y < height && x < width; ++x) {
            run = blue(x, y) ? run + 1 : 0;
            row_longest = std::max(row_longest, run);
        }
        if (row_longest > 0) {
            longest = std::max(longest, row_longest);
        } else if (longest > 0) {
            bars.push_back(longest * 25.4 / 150);
            longest = 0;
        }
    }
    return bars;
}

/// The texts of every QR code on page `page` of `pdf`, as a scanner reads them (zbarimg, Debian
/// zbar-tools, on the page rasterised at 300 dpi).
inline std::vector<std::string> scanned_qr_codes(const std::filesystem::path& pdf, int page) {
    const auto stem = pdf.parent_path() / (pdf.stem().string() + "-scan");
    command_output("pdftoppm -r 300 -gray -png -singlefile -f " + std::to_string(page) + " -l " +
                   std::to_string(page) + " '" + pdf.string() + "' '" + stem.string() + "'");
    FILE* pipe = popen(("zbarimg -q --raw '" + stem.string() + ".png'").c_str(), "r");
    REQUIRE(pipe);
    std::string out;
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    pclose(pipe);  // zbarimg exits 4 when it finds no code
    std::vector<std::string> codes;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) codes.push_back(line);
    return codes;
}

/// Checks that page 1 of `pdf` carries the QR code of `text` (as libqrencode makes it, level
/// M) `side_mm` wide with its top right corner at (`right_mm`, `top_mm`) from the page's top
/// left: the page is rasterised at 300 dpi and the centre of every module sampled.
inline void check_qr(const std::filesystem::path& pdf, const std::string& text, double right_mm,
                     double top_mm, double side_mm) {
    const auto stem = pdf.parent_path() / (pdf.stem().string() + "-qr");
    command_output("pdftoppm -r 300 -gray -f 1 -l 1 -singlefile '" + pdf.string() + "' '" +
                   stem.string() + "'");
    const Gray page(stem.string() + ".pgm");
    QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    REQUIRE(code);
    const int n = code->width;
    const double px = 300 / 25.4, module = side_mm / n, left = right_mm - side_mm;
    int wrong = 0;
    for (int row = 0; row < n; ++row)
        for (int col = 0; col < n; ++col) {
            const int x = static_cast<int>((left + (col + 0.5) * module) * px);
            const int y = static_cast<int>((top_mm + (row + 0.5) * module) * px);
            wrong += page.dark_at(x, y) != static_cast<bool>(code->data[row * n + col] & 1);
        }
    QRcode_free(code);
    INFO("QR code of " << text << ": " << wrong << " of " << n * n << " modules differ");
    CHECK(wrong == 0);
    // Paper beside it: what was sampled is this code, not a larger dark area.
    const int outside = static_cast<int>((left - 2 * module) * px);
    CHECK(page.dark(outside, outside + 3, static_cast<int>(top_mm * px),
                    static_cast<int>((top_mm + side_mm) * px)) == 0);
}

/// Checks that every word of every page lies within the page's margins (`margin_mm` on each
/// side): nothing is clipped or runs off the paper. A closing punctuation mark may hang one
/// character past the right margin (see wrap_text); the footer sits on the bottom margin.
inline void check_words_within_margins(const std::filesystem::path& pdf, double margin_mm) {
    const std::string html = command_output("pdftotext -bbox '" + pdf.string() + "' -");
    const double margin = margin_mm / 25.4 * 72;
    const std::regex page_re(R"re(<page width="([\d.]+)" height="([\d.]+)">)re");
    const std::regex word_re(
        R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<)re");
    double width = 0, height = 0;
    int page = 0, words = 0;
    std::istringstream lines(html);
    std::string line;
    std::smatch m;
    while (std::getline(lines, line)) {
        if (std::regex_search(line, m, page_re)) {
            width = std::stod(m[1]), height = std::stod(m[2]);
            ++page;
        } else if (std::regex_search(line, m, word_re)) {
            ++words;
            INFO("page " << page << ": \"" << m[5] << "\" at x " << m[1] << "-" << m[3] << ", y "
                         << m[2] << "-" << m[4]);
            CHECK(std::stod(m[1]) >= margin - 0.5);
            CHECK(std::stod(m[3]) <= width - margin + 12);
            CHECK(std::stod(m[2]) >= margin - 0.5);
            CHECK(std::stod(m[4]) <= height - margin + 4);
        }
    }
    CHECK(words > 0);
}

/// Checks that the glyphs of page `page` carry ink, not only the text layer (a font embedded
/// wrongly prints blank glyphs that pdftotext still reads): every word's box from
/// pdftotext -bbox has ink, and a word of Chinese characters only is cut into one cell per
/// character, each of which must have ink.
inline void check_ink(const std::filesystem::path& pdf, int page) {
    const std::string html = command_output("pdftotext -bbox -f " + std::to_string(page) + " -l " +
                                            std::to_string(page) + " '" + pdf.string() + "' -");
    const auto stem = pdf.parent_path() / (pdf.stem().string() + "-ink");
    const double dpi = 150, px = dpi / 72;
    command_output("pdftoppm -r 150 -gray -f " + std::to_string(page) + " -l " +
                   std::to_string(page) + " -singlefile '" + pdf.string() + "' '" + stem.string() +
                   "'");
    const Gray image(stem.string() + ".pgm");
    auto inked = [&](double x0, double x1, double y0, double y1) {
        int n = 0;
        for (int y = static_cast<int>(y0 * px); y < static_cast<int>(y1 * px); ++y)
            for (int x = static_cast<int>(x0 * px); x < static_cast<int>(x1 * px); ++x)
                n += static_cast<unsigned char>(
                         image.pixels[static_cast<std::size_t>(y) * image.width + x]) < 200;
        return n;
    };
    const std::regex word_re(
        R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<)re");
    std::istringstream lines(html);
    std::string line;
    std::smatch m;
    int words = 0;
    while (std::getline(lines, line)) {
        if (!std::regex_search(line, m, word_re)) continue;
        ++words;
        const double x0 = std::stod(m[1]), y0 = std::stod(m[2]), x1 = std::stod(m[3]),
                     y1 = std::stod(m[4]);
        const std::string word = m[5];
        INFO("page " << page << ": \"" << word << "\"");
        CHECK(inked(x0, x1, y0, y1) > 0);
        bool chinese = !word.empty() && word.size() % 3 == 0;
        for (std::size_t i = 0; chinese && i < word.size(); i += 3)
            chinese = (static_cast<unsigned char>(word[i]) & 0xF0) == 0xE0;
        const std::size_t n = word.size() / 3;
        for (std::size_t c = 0; chinese && c < n; ++c) {
            INFO("character " << c + 1 << " of " << n);
            const double cell = (x1 - x0) / n;
            CHECK(inked(x0 + c * cell, x0 + (c + 1) * cell, y0, y1) > 0);
        }
    }
    CHECK(words > 0);
}

struct ContentsEntry {
    std::string code, name;
    int page = 0;
};

/// Reads the booklet's table of contents (the pages with the "页码" column) and checks that
/// each page it names starts with that item's guide: its title first, its code on the page.
inline std::vector<ContentsEntry> check_booklet_contents(const std::filesystem::path& pdf) {
    const int pages = page_count(pdf);
    std::vector<ContentsEntry> entries;
    const std::regex row(R"(^\s*(\S{6,})\s{2,}(\S+)\s{2,}(\d+)\s*$)");
    for (int p = 2; p <= pages; ++p) {
        const std::string text = page_text(pdf, p, true);
        if (text.find("页码") == std::string::npos) break;
        std::istringstream lines(text);
        std::string line;
        std::smatch m;
        while (std::getline(lines, line))
            if (std::regex_match(line, m, row)) entries.push_back({m[1], m[2], std::stoi(m[3])});
    }
    int last = 0;
    for (const auto& entry : entries) {
        INFO(entry.code << " " << entry.name << " on page " << entry.page);
        REQUIRE(entry.page > last);  // in booklet order, each guide after the last one
        REQUIRE(entry.page <= pages);
        last = entry.page;
        const std::string text = without_spaces(page_text(pdf, entry.page));
        CHECK(text.rfind(entry.name + "办事指南", 0) == 0);
        CHECK(text.find(entry.code) != std::string::npos);
    }
    return entries;
}

}  // namespace onewindow::testing
