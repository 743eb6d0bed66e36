#include "onewindow/core/document.hpp"

#include <Poco/JSON/Array.h>
#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <qrencode.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <unordered_map>

#include "onewindow/core/error.hpp"
#include "onewindow/core/utf8.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

bool next_codepoint(std::string_view s, std::size_t& i, char32_t& cp) {
    if (i >= s.size()) return false;
    cp = next_code_point(s, i);
    return true;
}

/// 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (headings never reach 100).
std::string chinese_numeral(int n) {
    static const char* digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n < 10) return digits[n];
    return std::string(n >= 20 ? digits[n / 10] : "") + "十" + digits[n % 10];
}

bool is_closing(char32_t c) {
    static const std::u32string closing = U"，。、；：？！）》」』】〕〉”’…—,.;:?!)]}%";
    return closing.find(c) != std::u32string::npos;
}
bool is_opening(char32_t c) {
    static const std::u32string opening = U"（《「『【〔〈“‘([{";
    return opening.find(c) != std::u32string::npos;
}
bool is_word(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
           c == '_' || c == '.' || c == '/' || c == '*' || c == '@' || c == '+';
}

// ---------------------------------------------------------------------------------------------
// Bindings

const std::string kKnownTypes[] = {"title",   "heading", "paragraph", "fields",     "table",
                                   "list",    "rule",    "spacer",    "signatures", "seal",
                                   "include", "qr",      "bars"};

std::optional<Poco::Dynamic::Var> lookup(const Poco::JSON::Object::Ptr& object,
                                         const std::string& path) {
    Poco::JSON::Object::Ptr current = object;
    std::size_t start = 0;
    while (current) {
        auto dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
        if (!current->has(key) || current->isNull(key)) return std::nullopt;
        auto value = current->get(key);
        if (dot == std::string::npos) return value;
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
        current = value.extract<Poco::JSON::Object::Ptr>();
        start = dot + 1;
    }
    return std::nullopt;
}

struct Binder {
    Poco::JSON::Object::Ptr root;
    DocumentTemplate::Origin origin;  // of the element being resolved
    Issues* unknown = nullptr;        // checking with sample data: collect, do not throw

    std::optional<Poco::Dynamic::Var> find(const std::string& path,
                                           const Poco::JSON::Object::Ptr& row) const {
        if (row)
            if (auto v = lookup(row, path)) return v;
        return lookup(root, path);
    }
    void missing(const std::string& where, const std::string& binding) const {
        if (unknown) {
            unknown->add(origin.file, where,
                         "unknown binding \"" + binding + "\": the sample data has no such value" +
                             origin.note);
            return;
        }
        throw Error(ErrorKind::Document, origin.file + ": " + where + ": binding \"" + binding +
                                             "\" has no value in the document data" + origin.note);
    }
    std::string text(const std::string& pattern, const std::string& where,
                     const Poco::JSON::Object::Ptr& row = nullptr) const {
        std::string out;
        std::size_t i = 0;
        while (i < pattern.size()) {
            auto open = pattern.find("{{", i);
            if (open == std::string::npos) {
                out += pattern.substr(i);
                break;
            }
            auto close = pattern.find("}}", open);
            out += pattern.substr(i, open - i);
            const std::string binding = pattern.substr(open + 2, close - open - 2);
            auto value = find(binding, row);
            if (!value) {
                missing(where, binding);
                i = close + 2;
                continue;
            }
            out +=
                value->isString() ? value->extract<std::string>() : value->convert<std::string>();
            i = close + 2;
        }
        return out;
    }
    Poco::JSON::Array::Ptr rows(const std::string& binding, const std::string& where) const {
        auto value = find(binding, nullptr);
        if (!value || value->type() != typeid(Poco::JSON::Array::Ptr)) {
            missing(where, binding);
            return new Poco::JSON::Array;
        }
        return value->extract<Poco::JSON::Array::Ptr>();
    }
    bool when(const Poco::JSON::Object::Ptr& element) const {
        if (!element->has("when")) return true;
        auto value = find(element->getValue<std::string>("when"), nullptr);
        if (!value || value->isEmpty()) return false;
        if (value->isString()) return !value->extract<std::string>().empty();
        if (value->type() == typeid(Poco::JSON::Array::Ptr))
            return value->extract<Poco::JSON::Array::Ptr>()->size() > 0;
        return true;
    }
};

/// An element with every binding resolved: what the layout draws.
struct Resolved {
    std::string where;  // JSON path of the element in its template, for messages
    std::string type, text, align;
    std::string number;   // a numbered heading's "一、", "二、", ...
    std::string caption;  // a QR code's caption, under it
    double size = 11, mm = 0;
    int columns = 1;
    std::vector<std::pair<std::string, std::string>> fields;
    std::vector<std::string> headers, items, boxes;
    std::vector<double> widths;
    std::vector<std::vector<std::string>> cells;
    std::vector<std::string> groups;  // table with "group": each row's group heading
};

std::vector<Resolved> resolve(const DocumentTemplate& tpl, const Poco::JSON::Object::Ptr& data,
                              Issues* unknown = nullptr) {
    Binder binder{data, {}, unknown};
    std::vector<Resolved> out;
    int headings = 0;  // numbered headings drawn so far: numbers follow what is drawn, no gaps
    for (std::size_t i = 0; i < tpl.body->size(); ++i) {
        auto e = tpl.body->getObject(static_cast<unsigned>(i));
        binder.origin = i < tpl.origins.size()
                            ? tpl.origins[i]
                            : DocumentTemplate::Origin{tpl.file, json_path_index("$.body", i), ""};
        const std::string& where = binder.origin.path;
        if (!binder.when(e)) continue;
        Resolved r;
        r.where = binder.origin.file + ": " + where;
        r.type = e->getValue<std::string>("type");
        r.align = e->optValue<std::string>("align", "");
        r.size = e->optValue<double>("size", r.type == "title"     ? 18
                                             : r.type == "heading" ? 12.5
                                                                   : 11);
        r.mm = e->optValue<double>("mm", r.type == "qr" ? 18 : 4);
        if (e->has("text") && r.type != "table" && r.type != "list")
            r.text = binder.text(e->getValue<std::string>("text"), where + ".text");
        if (e->has("caption"))
            r.caption = binder.text(e->getValue<std::string>("caption"), where + ".caption");
        if (r.type == "heading" && e->optValue<bool>("numbered", false))
            r.number = chinese_numeral(++headings) + "、";
        if (r.type == "fields") {
            r.columns = e->optValue<int>("columns", 1);
            auto fields = e->getArray("fields");
            for (std::size_t f = 0; f < fields->size(); ++f) {
                auto field = fields->getObject(static_cast<unsigned>(f));
                const std::string fw = json_path_index(where + ".fields", f);
                r.fields.emplace_back(
                    field->getValue<std::string>("label"),
                    binder.text(field->getValue<std::string>("value"), fw + ".value"));
            }
        } else if (r.type == "table" || r.type == "list") {
            auto rows = binder.rows(e->getValue<std::string>("rows"), where + ".rows");
            auto columns = r.type == "table" ? e->getArray("columns") : nullptr;
            if (columns)
                for (std::size_t c = 0; c < columns->size(); ++c) {
                    auto column = columns->getObject(static_cast<unsigned>(c));
                    r.headers.push_back(column->getValue<std::string>("header"));
                    r.widths.push_back(column->getValue<double>("width"));
                }
            for (std::size_t row_index = 0; row_index < rows->size(); ++row_index) {
                auto row = rows->getObject(static_cast<unsigned>(row_index));
                if (r.type == "list") {
                    r.items.push_back(
                        binder.text(e->getValue<std::string>("text"), where + ".text", row));
                    continue;
                }
                if (e->has("group"))
                    r.groups.push_back(
                        binder.text(e->getValue<std::string>("group"), where + ".group", row));
                std::vector<std::string> cells;
                for (std::size_t c = 0; c < columns->size(); ++c)
                    cells.push_back(
                        binder.text(columns->getObject(unsigned(c))->getValue<std::string>("text"),
                                    json_path_index(where + ".columns", c) + ".text", row));
                r.cells.push_back(std::move(cells));
            }
        } else if (r.type == "bars") {
            auto rows = binder.rows(e->getValue<std::string>("rows"), where + ".rows");
            for (std::size_t row_index = 0; row_index < rows->size(); ++row_index) {
                auto row = rows->getObject(static_cast<unsigned>(row_index));
                std::string value =
                    binder.text(e->getValue<std::string>("value"), where + ".value", row);
                char* end = nullptr;
                const double number = std::strtod(value.c_str(), &end);
                if (value.empty() || *end != '\0' || !(number >= 0) || !std::isfinite(number))
                    throw Error(ErrorKind::Document,
                                r.where + ".value: \"" + value +
                                    "\" is not a number a bar can show (0 or more)");
                r.fields.emplace_back(
                    binder.text(e->getValue<std::string>("label"), where + ".label", row), value);
                r.widths.push_back(number);
            }
        } else if (r.type == "signatures") {
            auto boxes = e->getArray("boxes");
            for (std::size_t b = 0; b < boxes->size(); ++b)
                r.boxes.push_back(boxes->getElement<std::string>(static_cast<unsigned>(b)));
        }
        out.push_back(std::move(r));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// libharu

struct HaruState {
    HPDF_STATUS error = HPDF_OK;
    HPDF_STATUS detail = 0;
};

void haru_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
    auto* state = static_cast<HaruState*>(user);
    if (state->error == HPDF_OK) {
        state->error = error;
        state->detail = detail;
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::vector<std::string> wrap_text(std::string_view text, double width,
                                   const std::function<double(char32_t)>& advance) {
    std::vector<std::string> lines;
    std::string line;
    double line_width = 0;
    char32_t last = 0;
    std::size_t last_start = 0;  // byte offset in `line` of the last unit
    double last_width = 0;       // and its width
    auto flush = [&] {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        lines.push_back(line);
        line.clear();
        line_width = 0;
        last = 0;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        // One unit: a Latin word, a space, a newline, or one other character.
        const std::size_t start = i;
        char32_t cp;
        next_codepoint(text, i, cp);
        if (cp == '\n') {
            flush();
            continue;
        }
        double unit_width = advance(cp);
        char32_t unit_last = cp;
        if (is_word(cp)) {
            std::size_t j = i;
            char32_t next;
            while (j < text.size()) {
                std::size_t k = j;
                next_codepoint(text, k, next);
                if (!is_word(next)) break;
                unit_width += advance(next);
                unit_last = next;
                j = k;
            }
            i = j;
        }
        std::string unit(text.substr(start, i - start));
        if (line_width + unit_width <= width + 1e-6 || line.empty()) {
            if (line.empty() && cp == ' ') continue;
            last_start = line.size();
            last_width = unit_width;
            line += unit;
            line_width += unit_width;
            last = unit_last;
            if (line_width > width + 1e-6 && unit.size() > 1 && is_word(cp)) {
                // A word longer than a line: cut it by characters.
                std::string word = line;
                line.clear();
                line_width = 0;
                std::size_t w = 0;
                char32_t c;
                while (w < word.size()) {
                    std::size_t s = w;
                    next_codepoint(word, w, c);
                    if (line_width + advance(c) > width && !line.empty()) flush();
                    last_start = line.size();
                    last_width = advance(c);
                    line += word.substr(s, w - s);
                    line_width += advance(c);
                    last = c;
                }
            }
            continue;
        }
        if (is_closing(cp) && !is_word(cp)) {
            // Never start a line with a closing mark, and never let it hang past the width
            // (in a table cell it would be cut by the next cell): the line's last unit goes
            // down with it. Only a line of one unit lets it hang.
            if (last_start == 0) {
                line += unit;
                line_width += unit_width;
                last = cp;
                continue;
            }
            std::string carry = line.substr(last_start);
            const double carry_width = last_width;
            line.erase(last_start);
            line_width -= carry_width;
            flush();
            line = carry + unit;
            line_width = carry_width + unit_width;
            last_start = carry.size();
            last_width = unit_width;
            last = cp;
            continue;
        }
        std::string carry;
        double carry_width = 0;
        if (is_opening(last) && last_start > 0) {  // never end a line with an opening mark
            carry = line.substr(last_start);
            carry_width = advance(last);
            line.erase(last_start);
        }
        flush();
        if (cp == ' ') continue;
        line = carry;
        line_width = carry_width;
        last_start = line.size();
        last_width = unit_width;
        line += unit;
        line_width += unit_width;
        last = unit_last;
    }
    if (!line.empty() || lines.empty()) flush();
    return lines;
}

namespace {

/// Checks one body element (of a template, or of a part when `include_allowed` is false).
void check_element(const Poco::Dynamic::Var& element, const std::string& file,
                   const std::string& path, bool include_allowed, Issues& issues) {
    auto e = ObjectReader::of(element, file, path, issues);
    const std::string type = e.string("type");
    if (!type.empty() &&
        std::find(std::begin(kKnownTypes), std::end(kKnownTypes), type) == std::end(kKnownTypes)) {
        e.fail("type", "unknown element type \"" + type + "\"");
        return;
    }
    auto check_text = [&](ObjectReader& reader, const char* key) {
        auto text = reader.string(key);
        std::size_t open = 0;
        while ((open = text.find("{{", open)) != std::string::npos) {
            auto close = text.find("}}", open);
            if (close == std::string::npos || close == open + 2) {
                reader.fail(key, "has an unclosed or empty {{binding}}");
                break;
            }
            open = close;
        }
    };
    e.opt_string("when");
    if (type == "title" || type == "heading" || type == "paragraph" || type == "seal") {
        check_text(e, "text");
        e.opt_number("size");
        if (auto align = e.opt_string("align"); align && *align != "right" && *align != "center")
            e.fail("align", "must be \"right\" or \"center\"");
        if (type == "heading") {
            e.opt_boolean("numbered", false);
            e.reject_unknown({"type", "text", "size", "align", "when", "numbered"});
        } else {
            e.reject_unknown({"type", "text", "size", "align", "when"});
        }
    } else if (type == "fields") {
        e.opt_integer("columns", 1, 2);
        auto fields = e.array("fields", true);
        for (std::size_t f = 0; f < fields->size(); ++f) {
            auto field = ObjectReader::of(fields->get(unsigned(f)), file,
                                          json_path_index(e.path_of("fields"), f), issues);
            field.string("label");
            check_text(field, "value");
            field.reject_unknown({"label", "value"});
        }
        e.reject_unknown({"type", "columns", "fields", "when"});
    } else if (type == "table") {
        e.string("rows");
        auto columns = e.array("columns", true);
        double total = 0;
        for (std::size_t c = 0; c < columns->size(); ++c) {
            auto column = ObjectReader::of(columns->get(unsigned(c)), file,
                                           json_path_index(e.path_of("columns"), c), issues);
            column.string("header");
            check_text(column, "text");
            auto width = column.opt_number("width");
            if (!width || *width <= 0)
                column.fail("width", "must be a positive fraction of the line");
            total += width.value_or(0);
            column.reject_unknown({"header", "text", "width"});
        }
        if (columns->size() && std::fabs(total - 1.0) > 0.01)
            e.fail("columns", "widths must add up to 1");
        if (e.raw() && e.raw()->has("group")) check_text(e, "group");
        e.reject_unknown({"type", "rows", "columns", "group", "when"});
    } else if (type == "bars") {
        e.string("rows");
        check_text(e, "label");
        check_text(e, "value");
        e.reject_unknown({"type", "rows", "label", "value", "when"});
    } else if (type == "list") {
        e.string("rows");
        check_text(e, "text");
        e.reject_unknown({"type", "rows", "text", "when"});
    } else if (type == "qr") {
        check_text(e, "text");
        if (auto mm = e.opt_number("mm"); mm && (*mm < 10 || *mm > 60))
            e.fail("mm", "must be between 10 and 60 (millimetres)");
        if (auto align = e.opt_string("align"); align && *align != "left" && *align != "right")
            e.fail("align", "must be \"left\" or \"right\"");
        if (e.raw() && e.raw()->has("caption")) check_text(e, "caption");
        e.reject_unknown({"type", "text", "mm", "align", "caption", "when"});
    } else if (type == "include") {
        if (!include_allowed) e.fail("type", "a part cannot include another part");
        e.string("file");
        e.object("values", false);
        e.reject_unknown({"type", "file", "values"});
    } else if (type == "spacer") {
        e.opt_number("mm");
        e.reject_unknown({"type", "mm", "when"});
    } else if (type == "signatures") {
        e.strings("boxes", true);
        e.reject_unknown({"type", "boxes", "when"});
    } else {
        e.reject_unknown({"type", "when"});
    }
}

/// Replaces each {{part.<name>}} in every string of `value` with the include's value.
Poco::Dynamic::Var with_part_values(const Poco::Dynamic::Var& value,
                                    const Poco::JSON::Object::Ptr& values,
                                    std::set<std::string>& unknown) {
    if (value.isString()) {
        std::string text = value.extract<std::string>();
        std::size_t open = 0;
        while ((open = text.find("{{part.", open)) != std::string::npos) {
            const auto close = text.find("}}", open);
            if (close == std::string::npos) break;
            const std::string name = text.substr(open + 7, close - open - 7);
            if (!values || !values->has(name) || !values->get(name).isString()) {
                unknown.insert(name);
                open = close;
                continue;
            }
            const std::string replacement = values->getValue<std::string>(name);
            text.replace(open, close + 2 - open, replacement);
            open += replacement.size();
        }
        return text;
    }
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto object = value.extract<Poco::JSON::Object::Ptr>();
        Poco::JSON::Object::Ptr copy = new Poco::JSON::Object(true);
        for (const auto& key : object->getNames())
            copy->set(key, with_part_values(object->get(key), values, unknown));
        return copy;
    }
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto array = value.extract<Poco::JSON::Array::Ptr>();
        Poco::JSON::Array::Ptr copy = new Poco::JSON::Array;
        for (std::size_t i = 0; i < array->size(); ++i)
            copy->add(with_part_values(array->get(static_cast<unsigned>(i)), values, unknown));
        return copy;
    }
    return value;
}

/// Reads a JSON file whose "format" must be `format`; nullopt when it cannot be read (the
/// problem is in `issues`).
std::optional<ObjectReader> read_format(const fs::path& file, const std::string& format,
                                        Issues& issues) {
    Poco::Dynamic::Var document;
    try {
        document = load_json_file(file);
    } catch (const Error& e) {
        // The message starts with "<file>: " (and "$: " for bad JSON), said again by the issue.
        // A file name with a NUL byte in it (an include path of a template) is cut at the NUL
        // in the message, so the prefix is looked for, not assumed (found by fuzzing; "cannot be
        // read" came out as "nnot be read").
        std::string message = e.what();
        for (const std::string& prefix : {file.string() + ": ", std::string("$: ")})
            if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
        issues.add(file.string(), "$", message);
        return std::nullopt;
    }
    auto r = ObjectReader::of(document, file.string(), "$", issues);
    if (r.string("format") != format) r.fail("format", "must be \"" + format + "\"");
    return r;
}

/// Reads a part file (format onewindow.template-part/1): its checked body, or null.
Poco::JSON::Array::Ptr load_part(const fs::path& file, Issues& issues) {
    auto reader = read_format(file, "onewindow.template-part/1", issues);
    if (!reader) return nullptr;
    auto& r = *reader;
    r.reject_unknown({"format", "title", "body"});
    r.opt_string("title");
    auto body = r.array("body", true);
    for (std::size_t i = 0; i < body->size(); ++i)
        check_element(body->get(unsigned(i)), file.string(), json_path_index("$.body", i), false,
                      issues);
    return body;
}

}  // namespace

DocumentTemplate load_template(const fs::path& file, Issues& issues) {
    DocumentTemplate tpl;
    tpl.file = file.string();
    auto reader = read_format(file, "onewindow.template/1", issues);
    if (!reader) return tpl;
    auto& r = *reader;
    tpl.id = r.string("id");
    tpl.version = static_cast<int>(r.integer("version", 1, 1000000));
    r.opt_string("title");
    tpl.items = r.strings("items", false);
    auto page = r.object("page", true);
    const std::string size = page.string("size");
    if (size == "A5")
        tpl.width_mm = 148, tpl.height_mm = 210;
    else if (size != "A4" && !size.empty())
        page.fail("size", "must be \"A4\" or \"A5\"");
    auto margins = page.array("margins_mm", false);
    if (margins->size() == 4) {
        // Each a number of millimetres (a string here threw Poco's SyntaxException past the
        // parser: found by fuzzing).
        for (unsigned m = 0; m < 4; ++m) {
            const auto margin = margins->get(m);
            const double mm = margin.isNumeric() ? margin.convert<double>() : -1;
            if (mm >= 0 && mm <= 100)
                tpl.margin_mm[m] = mm;
            else
                issues.add(file.string(), json_path_index(page.path_of("margins_mm"), m),
                           "must be a number of millimetres from 0 to 100");
        }
    } else if (margins->size() != 0) {
        page.fail("margins_mm", "must be [top, right, bottom, left]");
    }
    page.reject_unknown({"size", "margins_mm"});
    r.reject_unknown({"format", "id", "version", "title", "items", "page", "body"});
    // Elements are checked, and parts included, into the body the renderer draws.
    auto body = r.array("body", true);
    tpl.body = new Poco::JSON::Array;
    for (std::size_t i = 0; i < body->size(); ++i) {
        const std::string path = json_path_index("$.body", i);
        const auto element = body->get(unsigned(i));
        const std::size_t before = issues.size();
        check_element(element, tpl.file, path, true, issues);
        if (issues.size() != before) continue;
        auto object = element.extract<Poco::JSON::Object::Ptr>();
        if (object->getValue<std::string>("type") != "include") {
            tpl.body->add(object);
            tpl.origins.push_back({tpl.file, path, ""});
            continue;
        }
        const fs::path part_file = file.parent_path() / object->getValue<std::string>("file");
        auto part = load_part(part_file, issues);
        if (!part) continue;
        std::set<std::string> unknown;
        auto included = with_part_values(part, object->getObject("values"), unknown)
                            .extract<Poco::JSON::Array::Ptr>();
        for (const auto& name : unknown)
            issues.add(
                tpl.file, path + ".values",
                "the part " + part_file.filename().string() + " needs the value \"" + name + "\"");
        for (std::size_t j = 0; j < included->size(); ++j) {
            tpl.body->add(included->get(unsigned(j)));
            tpl.origins.push_back({part_file.string(), json_path_index("$.body", j),
                                   " (included at " + tpl.file + ": " + path + ")"});
        }
    }
    return tpl;
}

namespace {

// Song (宋体) for the body and the titles (drawn bold), from AR PL SungtiL GB: a GB Song face in
// TrueType outlines. It covers GB 2312 only, so a character it lacks (e.g. 玥 or 堃 in a name)
// is drawn from AR PL UMing, a Ming (Song) face with a far larger repertoire. Headings and
// labels in 黑体 (WenQuanYi Zen Hei). Noto Serif CJK would be the finer Song face, but Debian
// ships it with CFF outlines, which libharu 2.3 cannot embed (HPDF_TTF_MISSING_TABLE).
constexpr const char* kBodyFont = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf";
constexpr const char* kFallbackFont = "/usr/share/fonts/truetype/arphic/uming.ttc";
constexpr const char* kSansFont = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
constexpr const char* kFontPackages = "fonts-arphic-gbsn00lp, fonts-arphic-uming, fonts-wqy-zenhei";
hb_face_t* open_face(const std::string& file);  // below

/// The characters of `text` that `font` has no glyph for, as "𠈌 (U+2020C)", each once.
std::string missing_glyphs(const std::string& text, hb_set_t* font) {
    std::string out;
    std::set<char32_t> seen;
    std::size_t i = 0, start = 0;
    char32_t cp;
    while (next_codepoint(text, i, cp)) {
        if (cp >= 0x20 && !hb_set_has(font, cp) && seen.insert(cp).second) {
            char code[16];
            std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
            out += (out.empty() ? "" : ", ") + text.substr(start, i - start) + " (" + code + ")";
        }
        start = i;
    }
    return out;
}

/// Each element whose text uses a character the font it is drawn in lacks (it would print as
/// an empty box): an issue naming the element, the characters and the font.
void check_glyphs(const std::vector<Resolved>& elements, Issues& issues) {
    struct Font {
        const char* file;
        hb_set_t* unicodes = hb_set_create();
        ~Font() { hb_set_destroy(unicodes); }
    } body{kFallbackFont}, sans{kSansFont};  // the body font's fallback has every glyph it has
    for (Font* font : {&body, &sans}) {
        hb_face_t* face = open_face(font->file);
        hb_face_collect_unicodes(face, font->unicodes);
        hb_face_destroy(face);
    }
    {
        hb_face_t* face = open_face(kBodyFont);
        hb_face_collect_unicodes(face, body.unicodes);
        hb_face_destroy(face);
    }
    for (const auto& e : elements) {
        std::string in_body, in_sans;
        (e.type == "heading" ? in_sans : in_body) += e.text;
        in_body += e.caption;
        for (const auto& [label, value] : e.fields) in_sans += label, in_body += value;
        for (const auto& t : e.headers) in_sans += t;
        for (const auto& t : e.groups) in_sans += t;
        for (const auto& t : e.items) in_body += t;
        for (const auto& t : e.boxes) in_body += t;
        for (const auto& row : e.cells)
            for (const auto& t : row) in_body += t;
        const std::size_t colon = e.where.find(": ");
        const std::string file = e.where.substr(0, colon),
                          path = colon == std::string::npos ? "$" : e.where.substr(colon + 2);
        for (const auto& [text, font] : {std::pair{in_body, &body}, std::pair{in_sans, &sans}})
            if (auto missing = missing_glyphs(text, font->unicodes); !missing.empty())
                issues.add(file, path,
                           "the font " + fs::path(font->file).filename().string() +
                               " has no glyph for " + missing + ": it would print as a blank box");
    }
}

}  // namespace

Issues check_template_sample(const fs::path& file, const Poco::JSON::Object::Ptr& sample) {
    Issues issues;
    const DocumentTemplate tpl = load_template(file, issues);
    if (!issues.empty()) return issues;
    Issues unknown;
    const auto resolved = resolve(tpl, sample, &unknown);
    std::set<std::string> seen;  // a binding of a table column: once, not once per row
    for (const auto& issue : unknown.list())
        if (seen.insert(issue.to_string()).second)
            issues.add(issue.file, issue.path, issue.message);
    if (!issues.empty()) return issues;
    try {
        check_glyphs(resolved, issues);
        DocumentRenderer().render(tpl, sample);
    } catch (const Error& e) {
        // "<file>: <path>: <what>" names the element: kept as the issue's file and path.
        const std::string message = e.what(), prefix = tpl.file + ": ";
        const std::size_t colon =
            message.rfind(prefix, 0) == 0 ? message.find(": ", prefix.size()) : std::string::npos;
        if (colon == std::string::npos)
            issues.add(tpl.file, "$", message);
        else
            issues.add(tpl.file, message.substr(prefix.size(), colon - prefix.size()),
                       message.substr(colon + 2));
    }
    return issues;
}

Issues check_template_file(const fs::path& file) {
    Issues issues;
    bool part = false;
    try {
        auto document = load_json_file(file);
        if (document.type() == typeid(Poco::JSON::Object::Ptr))
            part = document.extract<Poco::JSON::Object::Ptr>()->optValue<std::string>(
                       "format", "") == "onewindow.template-part/1";
    } catch (const Error&) {
        // load_template names the problem
    }
    if (part)
        load_part(file, issues);
    else
        load_template(file, issues);
    return issues;
}

// ---------------------------------------------------------------------------------------------

namespace {

/// The code points of a face, read once when the renderer opens its fonts and only read after:
/// a plain bitmap rather than an hb_set_t, as hb_set_has() updates a lookup cache inside the
/// set (last_page_lookup), a write that renders running at once on several threads would race
/// on.
class Codepoints {
  public:
    Codepoints() = default;
    explicit Codepoints(hb_face_t* face) : has_(0x110000) {
        hb_set_t* set = hb_set_create();
        hb_face_collect_unicodes(face, set);
        for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(set, &cp);)
            if (cp < has_.size()) has_[cp] = true;
        hb_set_destroy(set);
    }
    bool has(char32_t cp) const { return cp < has_.size() && has_[cp]; }

  private:
    std::vector<bool> has_;
};

}  // namespace

struct DocumentRenderer::Fonts {
    struct Face {
        std::string path;
        hb_face_t* face = nullptr;
    };
    Face body, fallback, sans;
    Codepoints body_has, fallback_has;  // the code points of the body face and its fallback
    ~Fonts() {
        for (auto* f : {&body, &fallback, &sans})
            if (f->face) hb_face_destroy(f->face);
    }
};

namespace {

hb_face_t* open_face(const std::string& file) {
    const char* path = file.c_str();
    if (!fs::exists(path))
        throw Error(ErrorKind::Document, std::string("font ") + path +
                                             " is missing (Debian packages " + kFontPackages + ")");
    hb_blob_t* blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) throw Error(ErrorKind::Document, std::string("font ") + path + " cannot be read");
    hb_face_t* face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    return face;
}

/// The font `subset` with its cmap replaced by one of a few segments (format 4, platform 3,
/// encoding 1) whose glyph ids come from an array: each run of the used code points, with the
/// code points between them when the runs are close, is one segment. libharu 2.3 looks a code
/// point up by walking the segments in order and does so for all 65,536 of them for every font
/// of every PDF (the CIDToGID map and the widths): with HarfBuzz's cmap, one segment per run of
/// consecutive characters (two hundred for a receipt), that walk was a third of a receipt's
/// time; with a few dozen segments it is small. The array may hold at most 32,000 entries
/// (the table's length is 16 bits); it is kept to 8,000, as libharu reads the array two bytes per
/// fread: the gaps bridged shrink until it fits (measured: receipt_pdf_ms 11 -> 7).
hb_blob_t* with_compact_cmap(hb_face_t* subset, const std::set<char32_t>& codepoints) {
    hb_blob_t* original = hb_face_reference_blob(subset);
    hb_font_t* font = hb_font_create(subset);
    std::vector<std::pair<std::uint16_t, std::uint16_t>> glyphs;  // code point, glyph id
    for (char32_t cp : codepoints) {
        hb_codepoint_t glyph = 0;
        if (cp < 0xFFFF && hb_font_get_nominal_glyph(font, cp, &glyph) && glyph)
            glyphs.emplace_back(static_cast<std::uint16_t>(cp), static_cast<std::uint16_t>(glyph));
    }
    hb_font_destroy(font);
    if (glyphs.empty()) return original;
    // Runs of code points no further apart than `gap`; the widest gap whose array fits.
    std::vector<std::pair<std::uint16_t, std::uint16_t>> segments;  // first, last
    for (unsigned gap = 0x8000;; gap /= 2) {
        segments.clear();
        std::size_t entries = 0;
        for (const auto& [cp, glyph] : glyphs) {
            if (!segments.empty() && static_cast<unsigned>(cp - segments.back().second) <= gap)
                segments.back().second = cp;
            else
                segments.emplace_back(cp, cp);
        }
        for (const auto& [first, last] : segments) entries += last - first + 1u;
        if (entries <= 8000 || gap == 0) break;
    }
    const std::size_t count = segments.size() + 1;  // and the closing 0xFFFF segment
    std::string table;
    auto u16 = [&](unsigned v) {
        table += static_cast<char>((v >> 8) & 0xFF);
        table += static_cast<char>(v & 0xFF);
    };
    u16(0), u16(1), u16(3), u16(1), u16(0), u16(12);  // cmap header, one record at offset 12
    std::size_t array = 0;
    for (const auto& [first, last] : segments) array += last - first + 1u;
    const std::size_t length = 16 + 8 * count + 2 * array;
    unsigned search = 1, selector = 0;
    while (search * 2 <= count) search *= 2, ++selector;
    u16(4), u16(static_cast<unsigned>(length)), u16(0), u16(static_cast<unsigned>(2 * count));
    u16(2 * search), u16(selector), u16(static_cast<unsigned>(2 * count - 2 * search));
    for (const auto& segment : segments) u16(segment.second);
    u16(0xFFFF), u16(0);  // the closing segment's end, reservedPad
    for (const auto& segment : segments) u16(segment.first);
    u16(0xFFFF);
    for (std::size_t i = 0; i < count; ++i) u16(i + 1 == count ? 1 : 0);  // idDelta
    std::size_t before = 0;  // array entries of the segments before
    for (std::size_t i = 0; i + 1 < count; ++i) {
        // From this idRangeOffset to the segment's first entry of the array, in bytes.
        u16(static_cast<unsigned>(2 * (count - i) + 2 * before));
        before += segments[i].second - segments[i].first + 1u;
    }
    u16(0);
    std::size_t next = 0;
    for (const auto& [first, last] : segments)
        for (unsigned cp = first; cp <= last; ++cp) {
            while (next < glyphs.size() && glyphs[next].first < cp) ++next;
            u16(next < glyphs.size() && glyphs[next].first == cp ? glyphs[next].second : 0);
        }

    // The same font with the new cmap: every other table as HarfBuzz wrote it.
    hb_face_t* parsed = hb_face_create(original, 0);
    hb_face_t* builder = hb_face_builder_create();
    hb_tag_t tags[64];
    unsigned tag_count = 64;
    hb_face_get_table_tags(parsed, 0, &tag_count, tags);
    for (unsigned t = 0; t < tag_count; ++t) {
        if (tags[t] == HB_TAG('c', 'm', 'a', 'p')) continue;
        hb_blob_t* data = hb_face_reference_table(parsed, tags[t]);
        hb_face_builder_add_table(builder, tags[t], data);
        hb_blob_destroy(data);
    }
    hb_blob_t* cmap = hb_blob_create(table.data(), static_cast<unsigned>(table.size()),
                                     HB_MEMORY_MODE_DUPLICATE, nullptr, nullptr);
    hb_face_builder_add_table(builder, HB_TAG('c', 'm', 'a', 'p'), cmap);
    hb_blob_destroy(cmap);
    hb_blob_t* rebuilt = hb_face_reference_blob(builder);
    hb_face_destroy(builder);
    hb_face_destroy(parsed);
    hb_blob_destroy(original);
    return rebuilt;
}

/// Writes a TrueType font holding only the glyphs of `codepoints` to `out`.
void subset_to_file(hb_face_t* face, const std::set<char32_t>& codepoints, const fs::path& out) {
    hb_subset_input_t* input = hb_subset_input_create_or_fail();
    if (!input) throw Error(ErrorKind::Document, "font subsetting failed: out of memory");
    hb_set_t* unicodes = hb_subset_input_unicode_set(input);
    for (char32_t cp : codepoints) hb_set_add(unicodes, cp);
    hb_set_t* drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (hb_tag_t tag :
         {HB_TAG('E', 'B', 'D', 'T'), HB_TAG('E', 'B', 'L', 'C'), HB_TAG('E', 'B', 'S', 'C'),
          HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
          HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'), HB_TAG('g', 'a', 's', 'p')})
        hb_set_add(drop, tag);
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
    hb_face_t* subset = hb_subset_or_fail(face, input);
    hb_subset_input_destroy(input);
    if (!subset) throw Error(ErrorKind::Document, "font subsetting failed");
    hb_blob_t* blob = with_compact_cmap(subset, codepoints);
    unsigned length = 0;
    const char* data = hb_blob_get_data(blob, &length);
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file.write(data, length);
    file.close();
    hb_blob_destroy(blob);
    hb_face_destroy(subset);
    if (!file) throw Error(ErrorKind::Document, out.string() + ": cannot be written");
}

/// The fonts of one PDF: the body's Song face, its fallback for characters the body face lacks
/// (null when the document needs none) and the sans face of headings and labels.
struct Faces {
    HPDF_Font body = nullptr, fallback = nullptr, sans = nullptr;
    const Codepoints* body_has = nullptr;  // the code points of the body face
    const Codepoints* fallback_has = nullptr;
};

/// Draws (or, with `draw` false, only measures) resolved elements onto pages. Parts of a book
/// each begin() on a new page; pages are numbered through the whole document. Content that
/// cannot fit on a page (a table row or a label-value row taller than the page) is recorded in
/// overflow(), naming the element, instead of being clipped silently.
class Layout {
  public:
    Layout(HPDF_Doc pdf, const Faces& faces, bool draw, int total)
        : pdf_(pdf),
          body_(faces.body),
          fallback_(faces.fallback),
          sans_(faces.sans),
          body_has_(faces.body_has),
          fallback_has_(faces.fallback_has),
          draw_(draw),
          total_(total) {}
    int pages() const { return pages_; }
    const std::string& overflow() const { return overflow_; }

    /// Starts a part laid out after `tpl` on a new page; returns its first page number.
    int begin(const DocumentTemplate& tpl) {
        tpl_ = &tpl;
        new_page();
        return pages_;
    }

    void element(const Resolved& e) {
        where_ = &e.where;
        const double text_width = right_ - left_;
        if (e.type == "title") {
            space(4);
            for (const auto& line : wrap(body_, e.size, e.text, text_width)) {
                ensure(e.size * 1.5);
                y_ -= e.size * 1.3;
                put(body_, e.size, centre(body_, e.size, line, left_, right_), y_, line, true);
            }
            space(e.size * 0.6);
        } else if (e.type == "heading") {
            space(4);
            const std::string text = e.number.empty() ? e.text : e.number + e.text;
            for (const auto& line : wrap(sans_, e.size, text, text_width)) {
                ensure(e.size * 1.6);
                y_ -= e.size * 1.4;
                put(sans_, e.size, left_, y_, line);
            }
            space(3);
        } else if (e.type == "paragraph" || e.type == "seal") {
            if (e.type == "seal") {
                const double side = 30 * kPointsPerMm;
                ensure(side + 8);
                y_ -= side + 4;
                const double x = right_ - side;
                if (measure(body_, 10, e.text) > side - 4)
                    fail("the text is wider than the seal box and would be clipped");
                if (draw_) {
                    HPDF_Page_SetDash(page_, dash_, 2, 0);
                    HPDF_Page_Rectangle(page_, x, y_, side, side);
                    HPDF_Page_Stroke(page_);
                    HPDF_Page_SetDash(page_, nullptr, 0, 0);
                }
                put(body_, 10, centre(body_, 10, e.text, x, x + side), y_ + side / 2 - 4, e.text);
                space(4);
                return;
            }
            for (const auto& line : wrap(body_, e.size, e.text, text_width)) {
                ensure(e.size * 1.6);
                y_ -= e.size * 1.55;
                double x = left_;
                if (e.align == "right") x = right_ - measure(body_, e.size, line);
                if (e.align == "center") x = centre(body_, e.size, line, left_, right_);
                put(body_, e.size, x, y_, line);
            }
            space(2);
        } else if (e.type == "fields") {
            const double column_width = text_width / e.columns;
            for (std::size_t i = 0; i < e.fields.size(); i += e.columns) {
                std::vector<std::vector<std::string>> values;
                std::size_t lines = 1;
                for (int c = 0; c < e.columns && i + c < e.fields.size(); ++c) {
                    const auto& [label, value] = e.fields[i + c];
                    const double label_width = measure(sans_, 10.5, label + "：");
                    if (column_width - label_width - 6 < 4 * 10.5)
                        fail("the label \"" + label + "\" leaves no room for its value");
                    values.push_back(wrap(body_, 10.5, value, column_width - label_width - 6));
                    lines = std::max(lines, values.back().size());
                }
                const double row = 10.5 * 1.7;
                ensure(row * lines + 2);
                for (int c = 0; c < e.columns && i + c < e.fields.size(); ++c) {
                    const double x = left_ + c * column_width;
                    const std::string label = e.fields[i + c].first + "：";
                    put(sans_, 10.5, x, y_ - row, label);
                    const double vx = x + measure(sans_, 10.5, label);
                    for (std::size_t l = 0; l < values[c].size(); ++l)
                        put(body_, 10.5, vx, y_ - row * (l + 1), values[c][l]);
                }
                y_ -= row * lines;
            }
            space(3);
        } else if (e.type == "table") {
            table(e);
        } else if (e.type == "list") {
            for (std::size_t i = 0; i < e.items.size(); ++i) {
                const std::string number = std::to_string(i + 1) + ". ";
                const double indent = measure(body_, e.size, "00. ");
                auto lines = wrap(body_, e.size, e.items[i], text_width - indent - 12);
                for (std::size_t l = 0; l < lines.size(); ++l) {
                    ensure(e.size * 1.7);
                    y_ -= e.size * 1.65;
                    if (l == 0) put(body_, e.size, left_ + 12, y_, number);
                    put(body_, e.size, left_ + 12 + indent, y_, lines[l]);
                }
            }
            space(3);
        } else if (e.type == "bars") {
            bars(e);
        } else if (e.type == "qr") {
            qr(e);
        } else if (e.type == "rule") {
            ensure(6);
            y_ -= 3;
            line(left_, y_, right_, y_, 0.8);
            y_ -= 3;
        } else if (e.type == "spacer") {
            space(e.mm * kPointsPerMm);
        } else if (e.type == "signatures") {
            const double box = text_width / std::max<std::size_t>(1, e.boxes.size());
            ensure(56);
            y_ -= 22;
            for (std::size_t b = 0; b < e.boxes.size(); ++b) {
                const double x = left_ + b * box;
                put(body_, 10.5, x, y_, e.boxes[b] + "：");
                const double lx = x + measure(body_, 10.5, e.boxes[b] + "：");
                line(lx, y_ - 2, x + box - 14, y_ - 2, 0.5);
                put(body_, 10.5, x, y_ - 22, "日期：      年    月    日");
            }
            y_ -= 30;
        }
    }

    void finish() { footer(); }

  private:
    /// A QR code of the element's text, `mm` wide, at the right margin from the current line
    /// down, drawn as filled rectangles (vector, a few hundred bytes). It takes no room of its
    /// own: the lines after it are laid out as if it were not there, so a template keeps the
    /// right of those lines free (the shared header: a centred name and title).
    void qr(const Resolved& e) {
        QRcode* code = QRcode_encodeString(e.text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (!code)
            throw Error(ErrorKind::Document,
                        e.where + ": cannot make a QR code of \"" + e.text + "\"");
        const double side = e.mm * kPointsPerMm, module = side / code->width;
        ensure(side);
        const double left = e.align == "left" ? left_ : right_ - side;
        if (!e.caption.empty()) {
            if (measure(body_, 8, e.caption) > side + 12)
                fail("the caption is wider than its QR code");
            put(body_, 8, centre(body_, 8, e.caption, left, left + side), y_ - side - 9, e.caption);
        }
        if (draw_) {
            const int n = code->width;
            for (int row = 0; row < n; ++row)
                for (int col = 0; col < n;) {  // one rectangle per run of dark modules
                    int end = col;
                    while (end < n && (code->data[row * n + end] & 1)) ++end;
                    if (end > col)
                        HPDF_Page_Rectangle(page_, static_cast<HPDF_REAL>(left + col * module),
                                            static_cast<HPDF_REAL>(y_ - (row + 1) * module),
                                            static_cast<HPDF_REAL>((end - col) * module),
                                            static_cast<HPDF_REAL>(module));
                    col = std::max(end, col + 1);
                }
            HPDF_Page_Fill(page_);
        }
        QRcode_free(code);
    }

    /// A horizontal bar chart: the labels (wrapped) in a column on the left, one bar per row
    /// as long as its value against the largest, the value after the bar.
    void bars(const Resolved& e) {
        const double size = 10, leading = size * 1.5, pad = 3;
        const double text_width = right_ - left_;
        double label_width = 0, value_width = 0, largest = 0;
        for (std::size_t i = 0; i < e.fields.size(); ++i) {
            label_width = std::max(label_width, measure(sans_, size, e.fields[i].first));
            value_width = std::max(value_width, measure(body_, size, e.fields[i].second));
            largest = std::max(largest, e.widths[i]);
        }
        label_width = std::min(label_width, text_width * 0.4) + 2 * pad;
        value_width += 2 * pad;
        const double area = text_width - label_width - value_width;
        if (area < text_width * 0.2) fail("the values leave no room for the bars");
        space(2);
        for (std::size_t i = 0; i < e.fields.size(); ++i) {
            const auto lines = wrap(sans_, size, e.fields[i].first, label_width - 2 * pad);
            const double height = lines.size() * leading + pad;
            ensure(height);
            const double x0 = left_ + label_width;
            for (std::size_t l = 0; l < lines.size(); ++l)
                put(sans_, size, x0 - pad - measure(sans_, size, lines[l]),
                    y_ - leading * (l + 1) + size * 0.25, lines[l]);
            const double length = largest > 0 ? e.widths[i] / largest * area : 0;
            const double bar_top = y_ - (leading - size) / 2 - 1;
            if (draw_ && length > 0) {
                HPDF_Page_SetRGBFill(page_, 0.29f, 0.45f, 0.69f);
                HPDF_Page_Rectangle(
                    page_, static_cast<HPDF_REAL>(x0), static_cast<HPDF_REAL>(bar_top - size),
                    static_cast<HPDF_REAL>(std::max(length, 0.8)), static_cast<HPDF_REAL>(size));
                HPDF_Page_Fill(page_);
                HPDF_Page_SetRGBFill(page_, 0, 0, 0);
            }
            put(body_, size, x0 + length + pad, y_ - leading + size * 0.25, e.fields[i].second);
            line(x0, y_, x0, y_ - height, 0.6);
            y_ -= height;
        }
        space(4);
    }

    void table(const Resolved& e) {
        const double size = 10;
        const double text_width = right_ - left_;
        const double pad = 3, leading = size * 1.45;
        auto row_lines = [&](const std::vector<std::string>& cells) {
            std::vector<std::vector<std::string>> out;
            for (std::size_t c = 0; c < cells.size(); ++c)
                out.push_back(wrap(body_, size, cells[c], e.widths[c] * text_width - 2 * pad));
            return out;
        };
        auto height_of = [&](const std::vector<std::vector<std::string>>& lines) {
            std::size_t n = 1;
            for (const auto& l : lines) n = std::max(n, l.size());
            return n * leading + 2 * pad;
        };
        // Draws a row of cells `widths` wide (fractions of the line); false after it started a
        // new page instead, because the row does not fit on this one.
        auto draw_row = [&](const std::vector<std::vector<std::string>>& lines, HPDF_Font font,
                            const std::vector<double>& widths) {
            const double height = height_of(lines);
            check_fits(height);
            if (y_ - height < bottom_) {
                new_page();
                return false;
            }
            double x = left_;
            for (std::size_t c = 0; c < lines.size(); ++c) {
                const double w = widths[c] * text_width;
                if (draw_) {
                    HPDF_Page_SetLineWidth(page_, 0.6);
                    HPDF_Page_Rectangle(page_, x, y_ - height, w, height);
                    HPDF_Page_Stroke(page_);
                }
                for (std::size_t l = 0; l < lines[c].size(); ++l)
                    put(font, size, x + pad, y_ - pad - leading * (l + 1) + size * 0.3,
                        lines[c][l]);
                x += w;
            }
            y_ -= height;
            return true;
        };
        const auto header = row_lines(e.headers);
        // A row on a new page comes under the repeated header.
        auto add_row = [&](const std::vector<std::vector<std::string>>& lines, HPDF_Font font,
                           const std::vector<double>& widths) {
            if (draw_row(lines, font, widths)) return;
            draw_row(header, sans_, e.widths);
            draw_row(lines, font, widths);
        };
        space(2);
        if (!draw_row(header, sans_, e.widths)) draw_row(header, sans_, e.widths);
        const std::vector<double> full{1.0};
        for (std::size_t r = 0; r < e.cells.size(); ++r) {
            const auto lines = row_lines(e.cells[r]);
            if (!e.groups.empty() && (r == 0 || e.groups[r] != e.groups[r - 1])) {
                // A group's heading row never stays alone at the foot of a page.
                const std::vector<std::vector<std::string>> group{
                    wrap(sans_, size, e.groups[r], text_width - 2 * pad)};
                if (y_ - height_of(group) - height_of(lines) < bottom_ &&
                    height_of(group) + height_of(lines) <= top_ - bottom_) {
                    new_page();
                    draw_row(header, sans_, e.widths);
                }
                add_row(group, sans_, full);
            }
            add_row(lines, body_, e.widths);
        }
        space(4);
    }

    std::vector<std::string> wrap(HPDF_Font font, double size, const std::string& text,
                                  double width) {
        return wrap_text(text, width, [&](char32_t cp) { return advance(font, cp) * size; });
    }
    /// The font that draws `cp` for text set in `font`: the body's fallback for a character the
    /// body face lacks.
    HPDF_Font face_for(HPDF_Font font, char32_t cp) const {
        if (font == body_ && fallback_ && cp >= 0x80 && !body_has_->has(cp) &&
            fallback_has_->has(cp))
            return fallback_;
        return font;
    }
    double advance(HPDF_Font font, char32_t cp) {
        font = face_for(font, cp);
        auto& cache = font == body_   ? body_widths_
                      : font == sans_ ? sans_widths_
                                      : fallback_widths_;
        auto found = cache.find(cp);
        if (found != cache.end()) return found->second;
        std::string utf8;
        append_utf8(utf8, cp);
        HPDF_TextWidth w =
            HPDF_Font_TextWidth(font, reinterpret_cast<const HPDF_BYTE*>(utf8.data()),
                                static_cast<HPDF_UINT>(utf8.size()));
        return cache[cp] = w.width / 1000.0;
    }
    double measure(HPDF_Font font, double size, const std::string& text) {
        double total = 0;
        std::size_t i = 0;
        char32_t cp;
        while (next_codepoint(text, i, cp)) total += advance(font, cp) * size;
        return total;
    }
    double centre(HPDF_Font font, double size, const std::string& text, double from, double to) {
        return from + (to - from - measure(font, size, text)) / 2;
    }
    /// Draws `text` at (x, y), each run of characters in the face that has them; `bold` strokes
    /// the outlines too (a bold Song for titles: the body face has no bold weight).
    void put(HPDF_Font font, double size, double x, double y, const std::string& text,
             bool bold = false) {
        if (!draw_ || text.empty()) return;
        if (bold) {
            HPDF_Page_SetTextRenderingMode(page_, HPDF_FILL_THEN_STROKE);
            HPDF_Page_SetLineWidth(page_, static_cast<HPDF_REAL>(size * 0.03));
        }
        std::size_t i = 0, start = 0;
        HPDF_Font run = nullptr;
        auto flush = [&](std::size_t end) {
            if (end == start) return;
            const std::string part = text.substr(start, end - start);
            HPDF_Page_BeginText(page_);
            HPDF_Page_SetFontAndSize(page_, run, static_cast<HPDF_REAL>(size));
            HPDF_Page_TextOut(page_, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(y),
                              part.c_str());
            HPDF_Page_EndText(page_);
            x += measure(font, size, part);
            start = end;
        };
        while (i < text.size()) {
            const std::size_t at = i;
            const HPDF_Font face = face_for(font, next_code_point(text, i));
            if (face != run) {
                flush(at);
                run = face;
            }
        }
        flush(text.size());
        if (bold) HPDF_Page_SetTextRenderingMode(page_, HPDF_FILL);
    }
    void line(double x1, double y1, double x2, double y2, double w) {
        if (!draw_) return;
        HPDF_Page_SetLineWidth(page_, static_cast<HPDF_REAL>(w));
        HPDF_Page_MoveTo(page_, x1, y1);
        HPDF_Page_LineTo(page_, x2, y2);
        HPDF_Page_Stroke(page_);
    }
    void space(double points) {
        y_ -= points;
        if (y_ < bottom_) new_page();
    }
    void ensure(double points) {
        check_fits(points);
        if (y_ - points < bottom_) new_page();
    }
    void footer() {
        if (!draw_) return;
        const std::string text =
            "第 " + std::to_string(pages_) + " 页 共 " + std::to_string(total_) + " 页";
        put(body_, 9, centre(body_, 9, text, left_, right_), footer_y_, text);
    }
    void new_page() {
        if (pages_ > 0) footer();
        ++pages_;
        const DocumentTemplate& tpl = *tpl_;
        width_ = tpl.width_mm * kPointsPerMm;
        height_ = tpl.height_mm * kPointsPerMm;
        top_ = height_ - tpl.margin_mm[0] * kPointsPerMm;
        footer_y_ = tpl.margin_mm[2] * kPointsPerMm;
        bottom_ = footer_y_ + 14;  // room for the footer
        left_ = tpl.margin_mm[3] * kPointsPerMm;
        right_ = width_ - tpl.margin_mm[1] * kPointsPerMm;
        y_ = top_;
        if (!draw_) return;
        page_ = HPDF_AddPage(pdf_);
        HPDF_Page_SetWidth(page_, static_cast<HPDF_REAL>(width_));
        HPDF_Page_SetHeight(page_, static_cast<HPDF_REAL>(height_));
    }
    /// Records that the element being laid out does not fit its box (the first such problem).
    void fail(const std::string& what) {
        if (overflow_.empty()) overflow_ = (where_ ? *where_ : tpl_->file) + ": " + what;
    }
    /// Records that `points` of content must go on one page and cannot.
    void check_fits(double points) {
        if (points <= top_ - bottom_ + 1e-6 || !overflow_.empty()) return;
        overflow_ = (where_ ? *where_ : tpl_->file) +
                    ": the content does not fit on one page and would be clipped";
    }

    HPDF_Doc pdf_;
    HPDF_Font body_, fallback_, sans_;
    const Codepoints *body_has_, *fallback_has_;
    const DocumentTemplate* tpl_ = nullptr;
    bool draw_;
    int total_;
    HPDF_Page page_ = nullptr;
    int pages_ = 0;
    double width_ = 0, height_ = 0, top_ = 0, bottom_ = 0, left_ = 0, right_ = 0, y_ = 0,
           footer_y_ = 0;
    HPDF_UINT16 dash_[2] = {3, 2};
    std::unordered_map<char32_t, double> body_widths_, sans_widths_, fallback_widths_;
    const std::string* where_ = nullptr;
    std::string overflow_;
};

void collect(const std::string& text, std::set<char32_t>& out) {
    std::size_t i = 0;
    char32_t cp;
    while (next_codepoint(text, i, cp))
        if (cp >= 0x20) out.insert(cp);
}

}  // namespace

DocumentRenderer::DocumentRenderer() : fonts_(std::make_unique<Fonts>()) {
    fonts_->body.face = open_face(fonts_->body.path = kBodyFont);
    fonts_->fallback.face = open_face(fonts_->fallback.path = kFallbackFont);
    fonts_->sans.face = open_face(fonts_->sans.path = kSansFont);
    fonts_->body_has = Codepoints(fonts_->body.face);
    fonts_->fallback_has = Codepoints(fonts_->fallback.face);
}

DocumentRenderer::~DocumentRenderer() = default;

std::string DocumentRenderer::render(const DocumentTemplate& tpl,
                                     const Poco::JSON::Object::Ptr& data) const {
    return render_book({DocumentPart{&tpl, data, ""}}).pdf;
}

namespace {

void collect_glyphs(const std::vector<Resolved>& elements, std::set<char32_t>& used,
                    std::set<char32_t>& sans_used) {
    for (const auto& e : elements) {
        collect(e.text, e.type == "heading" ? sans_used : used);
        collect(e.caption, used);
        for (const auto& [label, value] : e.fields) collect(label, sans_used), collect(value, used);
        for (const auto& s : e.headers) collect(s, sans_used);
        for (const auto& s : e.groups) collect(s, sans_used);
        for (const auto& s : e.items) collect(s, used);
        for (const auto& s : e.boxes) collect(s, used);
        for (const auto& row : e.cells)
            for (const auto& s : row) collect(s, used);
    }
}

std::string part_prefix(const DocumentPart& part) {
    return part.name.empty() ? std::string() : part.name + ": ";
}

}  // namespace

RenderedBook DocumentRenderer::render_book(std::vector<DocumentPart> parts,
                                           const Paginate& paginate) const {
    if (parts.empty()) throw Error(ErrorKind::Document, "a document needs at least one part");
    std::vector<std::vector<Resolved>> resolved(parts.size());
    auto resolve_all = [&] {
        for (std::size_t p = 0; p < parts.size(); ++p) {
            if (!parts[p].tpl || !parts[p].tpl->body)
                throw Error(ErrorKind::Document, part_prefix(parts[p]) +
                                                     (parts[p].tpl ? parts[p].tpl->file : "") +
                                                     ": the template was not loaded");
            try {
                resolved[p] = resolve(*parts[p].tpl, parts[p].data);
            } catch (const Error& e) {
                throw Error(ErrorKind::Document, part_prefix(parts[p]) + e.what());
            }
        }
    };
    resolve_all();

    // The glyphs this document uses, for each font: Song for text, sans for titles and labels.
    std::set<char32_t> used, sans_used;
    for (char32_t c = 0x20; c < 0x7F; ++c) used.insert(c), sans_used.insert(c);
    collect("第页共：日期年月（）。，", used);
    collect("：、一二三四五六七八九十", sans_used);  // numbered headings
    for (const auto& elements : resolved) collect_glyphs(elements, used, sans_used);
    // What the body face lacks comes from its fallback (a character neither has stays with the
    // body: check_template_sample() names it).
    std::set<char32_t> body_used, fallback_used;
    for (char32_t c : used)
        (c >= 0x80 && !fonts_->body_has.has(c) && fonts_->fallback_has.has(c) ? fallback_used
                                                                              : body_used)
            .insert(c);
    static std::atomic<unsigned> serial{0};
    const std::string stem =
        "onewindow-font-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
    const fs::path body_file = fs::temp_directory_path() / (stem + "-body.ttf");
    const fs::path sans_file = fs::temp_directory_path() / (stem + "-sans.ttf");
    const fs::path fallback_file = fs::temp_directory_path() / (stem + "-fallback.ttf");
    struct Cleanup {
        std::vector<fs::path> files;
        HPDF_Doc pdf = nullptr;
        ~Cleanup() {
            if (pdf) HPDF_Free(pdf);
            std::error_code ignored;
            for (const auto& f : files) fs::remove(f, ignored);
        }
    } cleanup{{body_file, sans_file, fallback_file}};
    subset_to_file(fonts_->body.face, body_used, body_file);
    subset_to_file(fonts_->sans.face, sans_used, sans_file);
    if (!fallback_used.empty()) subset_to_file(fonts_->fallback.face, fallback_used, fallback_file);

    HaruState state;
    HPDF_Doc pdf = HPDF_New(haru_error, &state);
    if (!pdf) throw Error(ErrorKind::Document, "cannot create a PDF document");
    cleanup.pdf = pdf;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(pdf);
    HPDF_SetCurrentEncoder(pdf, "UTF-8");
    const char* body_name = HPDF_LoadTTFontFromFile(pdf, body_file.c_str(), HPDF_TRUE);
    const char* sans_name = HPDF_LoadTTFontFromFile(pdf, sans_file.c_str(), HPDF_TRUE);
    const char* fallback_name =
        fallback_used.empty() ? nullptr
                              : HPDF_LoadTTFontFromFile(pdf, fallback_file.c_str(), HPDF_TRUE);
    if (state.error || !body_name || !sans_name || (!fallback_used.empty() && !fallback_name))
        throw Error(ErrorKind::Document, "cannot load the subset fonts (libharu error " +
                                             std::to_string(state.error) + ")");
    HPDF_Font body = HPDF_GetFont(pdf, body_name, "UTF-8");
    HPDF_Font sans = HPDF_GetFont(pdf, sans_name, "UTF-8");
    const Faces faces{body, fallback_name ? HPDF_GetFont(pdf, fallback_name, "UTF-8") : nullptr,
                      sans, &fonts_->body_has, &fonts_->fallback_has};
    if (state.error)
        throw Error(ErrorKind::Document,
                    "cannot use the fonts (libharu error " + std::to_string(state.error) + ")");

    // Measure; a table of contents may change with the page numbers it shows: repeat until
    // they stay the same (a few rounds at most: numbers only grow by whole pages).
    RenderedBook book;
    for (int round = 0;; ++round) {
        Layout measure(pdf, faces, false, 0);
        std::vector<int> first_pages;
        for (std::size_t p = 0; p < parts.size(); ++p) {
            first_pages.push_back(measure.begin(*parts[p].tpl));
            for (const auto& e : resolved[p]) measure.element(e);
            if (!measure.overflow().empty())
                throw Error(ErrorKind::Document, part_prefix(parts[p]) + measure.overflow());
        }
        book.pages = measure.pages();
        if (first_pages == book.first_pages || !paginate) {
            book.first_pages = first_pages;
            break;
        }
        if (round == 8)
            throw Error(ErrorKind::Document, "the page numbers of the document do not settle");
        book.first_pages = first_pages;
        paginate(first_pages, parts);
        resolve_all();
        std::set<char32_t> now_used = used, now_sans = sans_used;
        for (const auto& elements : resolved) collect_glyphs(elements, now_used, now_sans);
        if (now_used != used || now_sans != sans_used)
            throw Error(ErrorKind::Document,
                        "page numbering may only change numbers, not add other characters");
    }
    Layout draw(pdf, faces, true, book.pages);
    for (std::size_t p = 0; p < parts.size(); ++p) {
        draw.begin(*parts[p].tpl);
        for (const auto& e : resolved[p]) draw.element(e);
    }
    draw.finish();
    HPDF_SaveToStream(pdf);
    book.pdf.assign(HPDF_GetStreamSize(pdf), '\0');
    HPDF_UINT32 size = static_cast<HPDF_UINT32>(book.pdf.size());
    HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(book.pdf.data()), &size);
    book.pdf.resize(size);
    if (state.error)
        throw Error(ErrorKind::Document, parts.front().tpl->file +
                                             ": rendering failed (libharu error " +
                                             std::to_string(state.error) + ", detail " +
                                             std::to_string(state.detail) + ")");
    return book;
}

void DocumentRenderer::render_to_file(const DocumentTemplate& tpl,
                                      const Poco::JSON::Object::Ptr& data,
                                      const fs::path& out) const {
    write_pdf_file(render(tpl, data), out);
}

void DocumentJob::render(const DocumentRenderer& renderer) const {
    renderer.render_to_file(tpl, data, out);
}

void write_pdf_file(const std::string& pdf, const fs::path& out) {
    const fs::path temp = out.string() + ".tmp";
    {
        std::ofstream file(temp, std::ios::binary | std::ios::trunc);
        file.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
        if (!file) throw Error(ErrorKind::Document, out.string() + ": cannot be written");
    }
    std::error_code error;
    fs::rename(temp, out, error);
    if (error) throw Error(ErrorKind::Document, out.string() + ": " + error.message());
}

}  // namespace onewindow
