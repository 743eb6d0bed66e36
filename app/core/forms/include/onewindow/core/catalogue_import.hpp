// A province's item list (政务服务事项清单) laid against the catalogue: `onewindow-cli catalogue
// import FILE.csv`.
//
// Item codes are data, not ours to invent: the bundled items carry sample codes (plugins/README.md)
// and a county replaces them with the codes of its province's published list. The list comes as
// CSV (UTF-8, a byte-order mark allowed, RFC 4180 quoting) with a header naming its columns,
// in English or as the lists name them:
//   code        事项编码 | 基本编码 | 统一编码
//   name        事项名称
//   department  实施机构 | 实施主体 | 部门
//   type        事项类型
//   limits      办理时限 | 承诺时限
//   basis       设定依据 | 依据
// Columns may come in any order and others are ignored; code and name are required in every
// row. Every problem of the file is an Error(Input) naming the file, the line and the column.
//
// map_item_list() matches each row to a catalogue item: by code first, then by name (the same
// name, spaces aside) with the department as the tie-break. A matched row lists what differs
// (department, type, the promised limit, the basis); a row that matches nothing and a catalogue
// item the list does not have are reported, never guessed. Nothing is written: the report is
// for the administrator who then edits the item files.
//
// Pure functions of their inputs; thread-safe. Pointers into the catalogue stay valid while it
// lives.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "onewindow/core/catalogue.hpp"

namespace onewindow {

/// One row of a province's item list.
struct ListedItem {
    int line = 0;  // in the CSV file, 1-based
    std::string code, name, department, type, limits, basis;
};

/// Reads a province's item list; Error(Input) naming file, line and column of a problem.
std::vector<ListedItem> read_item_list(const std::filesystem::path& csv);

struct ItemListMapping {
    struct Match {
        ListedItem row;
        const ServiceItem* item = nullptr;
        bool by_code = false;                  // the codes are the same
        std::vector<std::string> differences;  // translated, e.g. "事项类型：清单为…，目录为…"
    };
    std::vector<Match> matched;
    std::vector<ListedItem> unmatched;           // rows no catalogue item answers to
    std::vector<const ServiceItem*> not_listed;  // catalogue items no row answers to
};

ItemListMapping map_item_list(const Catalogue& catalogue, const std::vector<ListedItem>& rows);

}  // namespace onewindow
