#include "onewindow/core/catalogue_import.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

/// The column names a list may use for each field (English first, then the lists' own words).
const std::vector<std::pair<std::string, std::vector<std::string>>> kColumns = {
    {N_("code"), {"code", "事项编码", "基本编码", "统一编码"}},
    {N_("name"), {"name", "事项名称"}},
    {N_("department"), {"department", "实施机构", "实施主体", "部门"}},
    {N_("type"), {"type", "事项类型"}},
    {N_("limits"), {"limits", "办理时限", "承诺时限"}},
    {N_("basis"), {"basis", "设定依据", "依据"}},
};

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// `text` without any space (ASCII or full-width), for comparing names.
std::string without_spaces(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ' ' || text[i] == '\t') continue;
        if (text.compare(i, 3, "\u3000") == 0) {
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

struct CsvRow {
    int line = 0;
    std::vector<std::string> cells;
};

/// Splits CSV text into rows (RFC 4180: quoted cells may hold commas, quotes doubled and line
/// breaks); Error(Input) naming the line of an unclosed quote.
std::vector<CsvRow> parse_csv(const std::string& text, const std::string& file) {
    std::vector<CsvRow> rows;
    CsvRow row{1, {}};
    std::string cell;
    bool quoted = false, any = false;
    int line = 1, quote_line = 0;
    std::size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // byte-order mark
    auto end_row = [&] {
        row.cells.push_back(cell);
        cell.clear();
        bool blank = true;
        for (const auto& c : row.cells) blank = blank && trimmed(c).empty();
        if (!blank) rows.push_back(std::move(row));
        row = CsvRow{line, {}};
        any = false;
    };
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                cell += c;
            }
            continue;
        }
        if (c == '"' && trimmed(cell).empty()) {
            quoted = true;
            quote_line = line;
            cell.clear();
        } else if (c == ',') {
            row.cells.push_back(cell);
            cell.clear();
        } else if (c == '\n') {
            ++line;
            end_row();
        } else if (c != '\r') {
            cell += c;
        }
        any = true;
    }
    if (quoted)
        throw Error(ErrorKind::Input, trf("{}: line {}: a quoted cell is not closed", file,
                                          std::to_string(quote_line)));
    if (any || !cell.empty()) end_row();
    return rows;
}

/// The digits of `text` read as numbers, e.g. "承诺3个工作日；法定20日" -> {3, 20}.
std::vector<int> numbers_in(const std::string& text) {
    std::vector<int> out;
    int value = -1;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
        } else if (value >= 0) {
            out.push_back(value);
            value = -1;
        }
    }
    if (value >= 0) out.push_back(value);
    return out;
}

std::vector<std::string> differences(const ListedItem& row, const ServiceItem& item) {
    std::vector<std::string> out;
    auto differ = [&](const char* label, const std::string& listed, const std::string& ours) {
        out.push_back(trf("{}: the list says \"{}\", the catalogue \"{}\"", tr(label), listed,
                          ours.empty() ? std::string(tr("nothing")) : ours));
    };
    if (row.code != item.code) differ("code", row.code, item.code);
    if (!row.department.empty() &&
        without_spaces(row.department) != without_spaces(item.department_name) &&
        without_spaces(row.department) != without_spaces(item.body))
        differ("department", row.department, item.department_name);
    if (!row.type.empty() && row.type != item.type) differ("type", row.type, item.type);
    if (!row.limits.empty()) {
        const auto listed = numbers_in(row.limits);
        const bool immediate = row.limits.find("即办") != std::string::npos;
        const bool same = item.immediate ? immediate
                                         : std::find(listed.begin(), listed.end(),
                                                     item.promised_days) != listed.end();
        if (!same)
            differ("limits", row.limits,
                   item.immediate ? std::string(tr("immediate"))
                                  : trf("{} working days", std::to_string(item.promised_days)));
    }
    if (!row.basis.empty() && without_spaces(row.basis) != without_spaces(item.basis))
        differ("basis", row.basis, item.basis);
    return out;
}

}  // namespace

std::vector<ListedItem> read_item_list(const fs::path& csv) {
    std::ifstream in(csv, std::ios::binary);
    if (!in) throw Error(ErrorKind::Input, trf("{}: cannot be read", csv.string()));
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string file = csv.string();
    const auto rows = parse_csv(buffer.str(), file);
    if (rows.empty()) throw Error(ErrorKind::Input, trf("{}: the file is empty", file));

    // The header: which cell holds which field.
    std::map<std::string, std::size_t> at;
    const CsvRow& header = rows.front();
    for (std::size_t c = 0; c < header.cells.size(); ++c) {
        const std::string name = trimmed(header.cells[c]);
        for (const auto& [field, names] : kColumns)
            if (std::find(names.begin(), names.end(), name) != names.end()) {
                if (at.count(field))
                    throw Error(ErrorKind::Input,
                                trf("{}: line {}: two columns hold the {} (\"{}\")", file,
                                    std::to_string(header.line), tr(field.c_str()), name));
                at[field] = c;
            }
    }
    for (const char* required : {"code", "name"})
        if (!at.count(required))
            throw Error(ErrorKind::Input,
                        trf("{}: line {}: the header has no column for the {} (e.g. \"{}\")", file,
                            std::to_string(header.line), tr(required),
                            required == std::string("code") ? "事项编码" : "事项名称"));

    std::vector<ListedItem> items;
    std::map<std::string, int> seen;  // code -> line
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const CsvRow& row = rows[r];
        if (row.cells.size() != header.cells.size())
            throw Error(
                ErrorKind::Input,
                trf("{}: line {}: {} cells, but the header has {}", file, std::to_string(row.line),
                    std::to_string(row.cells.size()), std::to_string(header.cells.size())));
        auto cell = [&](const char* field) {
            auto found = at.find(field);
            return found == at.end() ? std::string() : trimmed(row.cells[found->second]);
        };
        ListedItem item{row.line,     cell("code"),   cell("name"), cell("department"),
                        cell("type"), cell("limits"), cell("basis")};
        for (const auto& [field, value] : {std::pair{"code", item.code}, {"name", item.name}})
            if (value.empty())
                throw Error(ErrorKind::Input, trf("{}: line {}: the {} is empty", file,
                                                  std::to_string(row.line), tr(field)));
        if (item.code.find_first_of(" \t") != std::string::npos)
            throw Error(ErrorKind::Input, trf("{}: line {}: the code \"{}\" has a space", file,
                                              std::to_string(row.line), item.code));
        if (auto [previous, fresh] = seen.emplace(item.code, row.line); !fresh)
            throw Error(ErrorKind::Input,
                        trf("{}: line {}: the code {} is listed already on line {}", file,
                            std::to_string(row.line), item.code, std::to_string(previous->second)));
        items.push_back(std::move(item));
    }
    return items;
}

ItemListMapping map_item_list(const Catalogue& catalogue, const std::vector<ListedItem>& rows) {
    ItemListMapping mapping;
    std::vector<const ServiceItem*> used;
    for (const auto& row : rows) {
        const ServiceItem* item = catalogue.find(row.code);
        const bool by_code = item != nullptr;
        if (!item) {
            // By name; among items of the same name, the one of the row's department.
            for (const auto& candidate : catalogue.items()) {
                if (without_spaces(candidate.name) != without_spaces(row.name)) continue;
                if (std::find(used.begin(), used.end(), &candidate) != used.end()) continue;
                if (!item ||
                    without_spaces(candidate.department_name) == without_spaces(row.department))
                    item = &candidate;
            }
        }
        if (!item || std::find(used.begin(), used.end(), item) != used.end()) {
            mapping.unmatched.push_back(row);
            continue;
        }
        used.push_back(item);
        mapping.matched.push_back({row, item, by_code, differences(row, *item)});
    }
    for (const auto& item : catalogue.items())
        if (std::find(used.begin(), used.end(), &item) == used.end())
            mapping.not_listed.push_back(&item);
    return mapping;
}

}  // namespace onewindow
