// PDF checks shared by the document tests: poppler's pdftotext per page, and the booklet's
// table of contents read back from the PDF and checked against the pages it names.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "onewindow/core/document.hpp"

namespace onewindow::testing {

/// A template loaded without a single issue.
inline DocumentTemplate checked_template(const std::filesystem::path& file) {
    Issues issues;
    auto tpl = load_template(file, issues);
    REQUIRE(issues.to_string() == "");
    return tpl;
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
