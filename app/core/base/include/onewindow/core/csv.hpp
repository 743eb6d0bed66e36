// Cells of the CSV files OneWindow writes (the counter log, report.hpp): every CSV writer puts
// each cell through csv_cell(), so that a file opened in a spreadsheet shows text, never runs it.
//
// A cell that a spreadsheet would take as a formula (CSV injection: it starts with '=', '+', '-',
// '@', a tab or a carriage return, as an applicant's name or a reason typed at the window may)
// is neutralised with a leading apostrophe, as OWASP advises; then the cell is quoted per RFC
// 4180 when it holds a comma, a quote or a line break. A neutralised number ("-3") reads as text.
// Pure function; thread-safe.
#pragma once

#include <string>

namespace onewindow {

/// `text` as one CSV cell (see the header comment).
inline std::string csv_cell(std::string text) {
    if (!text.empty() && std::string("=+-@\t\r").find(text.front()) != std::string::npos)
        text.insert(0, 1, '\'');
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

}  // namespace onewindow
