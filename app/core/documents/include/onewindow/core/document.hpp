// Printed documents: a JSON template format and the one renderer (libharu) that draws it to PDF.
//
// Template (templates/common/receipt.json is the example to copy):
//   {"format": "onewindow.template/1", "id": "receipt", "version": 1,
//    "page": {"size": "A4" | "A5", "margins_mm": [top, right, bottom, left]},
//    "items"?: ["<item code>", ...], "body": [element, ...]}
// A result document's template (a plugin's, listed in its manifest "templates") names the items
// whose result it is in "items"; the plugin fills it (ABI fill_document, Counter::print_result).
// Elements ("type"), each may carry "when": "<binding>" (drawn only when that value is a
// non-empty string or array):
//   title      {"text"}                      centred, large, bold Song (宋体, stroked)
//   heading    {"text", "numbered"?}          a section heading, sans (黑体); with "numbered":
//              true it is numbered 一、二、三… in the order the headings are drawn, so a
//              heading left out by its "when" leaves no gap
//   paragraph  {"text", "size"?, "align"?}   wrapped body text, Song (宋体); "align": "right"
//   fields     {"columns": 1|2, "fields": [{"label", "value"}]}   label-value grid
//   table      {"rows": "<array binding>", "columns": [{"header", "text", "width"}], "group"?}
//              widths are fractions of the text width; header repeated on every page; with
//              "group" (a text with row bindings, e.g. "{{department}}"), a full-width heading
//              row is drawn before each run of rows whose group text differs from the last
//              (rows are drawn in the given order: sort them first)
//   list       {"rows": "<array binding>", "text"}    numbered list, one entry per row
//   bars       {"rows": "<array binding>", "label", "value"}   horizontal bar chart, a bar per
//              row as long as its value (a number, 0 or more) against the largest, the label
//              (wrapped) on the left and the value after the bar
//   rule, spacer {"mm"}
//   signatures {"boxes": ["申请人（签字）", ...]}     signature lines with a date line
//   seal       {"text"}                       a square box for the seal (盖章处)
//   qr         {"text", "mm"?, "align"?, "caption"?}   a QR code of the text (libqrencode,
//              level M), "mm" wide (18 by default, 10-60), at the right margin ("align":
//              "left": the left one) from the current line down, as filled rectangles, with
//              an optional small caption under it; it takes no room: the lines after it are
//              drawn as if it were not there, so keep that side free (the shared header does)
//   include    {"file", "values"?}            the elements of a part file, relative to the
//              template: {"format": "onewindow.template-part/1", "body": [element, ...]}; each
//              {{part.<name>}} in the part is replaced, when loading, by "values"."<name>" (a
//              string, which may hold bindings itself). Parts cannot include parts. The header
//              and footer that every notice shares live in templates/common/parts/.
// Texts hold {{bindings}}: dotted paths into the data object; inside a table or list, paths are
// looked up in the row first, then in the whole document. A binding without a value is an error
// naming the template, the element's JSON path and the binding: no silently blank documents.
//
// Fonts: AR PL SungtiL GB (fonts-arphic-gbsn00lp, a GB Song face) for body text and titles,
// AR PL UMing (fonts-arphic-uming) for any character it lacks, WenQuanYi Zen Hei
// (fonts-wqy-zenhei, 黑体) for headings and labels; all embedded after HarfBuzz has cut them
// down to the glyphs the document uses (libharu alone would embed every table of the font:
// 0.3-0.5 MB and 50-90 ms for a one-page receipt). Noto Serif CJK is not usable: Debian ships
// it with CFF outlines, which libharu 2.3 cannot embed. Lines are wrapped between Chinese
// characters, never before a closing punctuation mark or after an opening one, and never past
// the width (a closing mark that does not fit takes the character before it to the next line);
// Latin words stay whole. Every page has "第 N 页 共 M 页".
// Content that cannot fit on one page (a table row or label-value row taller than the page) is
// an Error(Document) naming the template and the element's JSON path, never a clipped line.
// A document may have several parts (render_book): each starts on a new page, the pages are
// numbered through, and a table of contents learns the parts' first pages (Paginate).
// Threads: one DocumentRenderer may render on several threads at once (render, render_to_file,
// render_book and DocumentJob::render are const and share nothing they write): its fonts are
// HarfBuzz faces, immutable once made and thread-safe, and the code points each face has, read
// once when the renderer is made (plain bitmaps, never written after); each call has its own
// libharu document, its own font subsets in temporary files named by the process and a
// counter (atomic), its own width caches and its own data; libqrencode guards its one shared
// table itself. Two calls must not write the same output file at once. A DocumentTemplate
// may be shared by renders at once: it is only read. Make and destroy a renderer on one
// thread, with no render running.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/json.hpp"

namespace onewindow {

struct DocumentTemplate {
    std::string id, file;
    int version = 1;
    std::vector<std::string> items;  // result documents: the items it is the result of
    double width_mm = 210, height_mm = 297;
    double margin_mm[4] = {20, 18, 20, 18};  // top, right, bottom, left
    Poco::JSON::Array::Ptr body;             // checked elements, parts included
    /// Where each element of `body` comes from, for messages: the file, the JSON path there,
    /// and for an included element " (included at <template>: <path>)".
    struct Origin {
        std::string file, path, note;
    };
    std::vector<Origin> origins;
};

DocumentTemplate load_template(const std::filesystem::path& file, Issues& issues);
Issues check_template_file(const std::filesystem::path& file);
/// Checks a template with sample data (what the document will be filled with): every binding
/// the data does not have is an "unknown binding" naming the file and the element's JSON path;
/// each character the element's font has no glyph for (it would print as a blank box, e.g. a
/// rare name character) is named with its code point and the font file; then a render finds
/// text that does not fit its box (a seal text wider than the seal box, a label leaving no room
/// for its value, content taller than a page), naming the element. A missing font file is an
/// error naming it and its Debian package.
Issues check_template_sample(const std::filesystem::path& file,
                             const Poco::JSON::Object::Ptr& sample);

/// Splits `text` into lines no wider than `width`, measuring each UTF-8 character with
/// `advance` (in the same unit). Exposed for tests.
std::vector<std::string> wrap_text(std::string_view text, double width,
                                   const std::function<double(char32_t)>& advance);

/// One part of a multi-part document: a template, its data, and a name for messages (e.g. the
/// item a service guide is for; an error in the part starts with "<name>: ").
struct DocumentPart {
    const DocumentTemplate* tpl = nullptr;
    Poco::JSON::Object::Ptr data;
    std::string name;
};

struct RenderedBook {
    std::string pdf;
    std::vector<int> first_pages;  // 1-based first page of each part
    int pages = 0;
};

/// Called with the first page of every part once laid out; may change the parts' data to show
/// those page numbers (a table of contents). Called again until the numbers stay the same; it
/// may change numbers only (digits and ASCII), as the fonts are cut before.
using Paginate =
    std::function<void(const std::vector<int>& first_pages, std::vector<DocumentPart>& parts)>;

/// Writes a PDF atomically (a temporary file renamed over `out`); Error(Document) naming it.
void write_pdf_file(const std::string& pdf, const std::filesystem::path& out);

class DocumentRenderer {
  public:
    /// Finds the fonts; Error(Document) naming a missing font file.
    DocumentRenderer();
    ~DocumentRenderer();
    std::string render(const DocumentTemplate& tpl, const Poco::JSON::Object::Ptr& data) const;
    void render_to_file(const DocumentTemplate& tpl, const Poco::JSON::Object::Ptr& data,
                        const std::filesystem::path& out) const;
    /// Several parts as one PDF (one font subset for all); see DocumentPart and Paginate.
    RenderedBook render_book(std::vector<DocumentPart> parts,
                             const Paginate& paginate = nullptr) const;

  private:
    struct Fonts;
    std::unique_ptr<Fonts> fonts_;
};

/// A document prepared for rendering: what a print use case read under its Counter (the
/// template, the data filled in: store reads, a plugin's fill_document) and where the PDF goes.
/// It refers to nothing of the Counter (the template is a copy), so it is rendered on any
/// thread without the Counter's lock (counter.hpp: Counter::prepare_*).
struct DocumentJob {
    DocumentTemplate tpl;
    Poco::JSON::Object::Ptr data;
    std::filesystem::path out;
    /// Writes the PDF into `out` (DocumentRenderer::render_to_file). Error(Document) naming the
    /// template and the element when it cannot be drawn.
    void render(const DocumentRenderer& renderer) const;
};

/// Page images of a PDF for the print preview (the exact file that prints): PNG files
/// <out_dir>/page-<n>.png at `dpi`, rasterised by poppler's pdftoppm. Error(Document) naming the
/// file when it cannot be rendered.
std::vector<std::filesystem::path> rasterize_pdf(const std::filesystem::path& pdf,
                                                 const std::filesystem::path& out_dir, int dpi);

}  // namespace onewindow
