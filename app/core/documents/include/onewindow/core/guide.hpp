// The standard service guide (办事指南) of one item, from the catalogue data alone.
//
// guide_data() turns a ServiceItem into the data of templates/common/guide.json, applying the
// service-guide conventions (domain.md): an immediate item reads "即办"; a promised item reads
// "自受理之日起 N 个工作日内办结" with the legal limit beside it; a free item reads "不收费",
// never a blank. (The dictionary refuses a catch-all "其他材料".) Pure function; thread-safe.
//
// render_guide_booklet() puts the guides of many items into one booklet (办事指南汇编): a cover
// (templates/common/booklet.json), a table of contents grouped by department with the page
// each guide starts on (contents.json), then every guide, each on a new page, pages numbered
// through. A guide that does not fit its page (see document.hpp) is an error naming the item.
// Threads: render_guide_booklet() and GuideBookletJob::render() run on any thread, several at
// once with one renderer (document.hpp), on items and templates no one changes meanwhile.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <string>
#include <vector>

#include "onewindow/core/document.hpp"
#include "onewindow/core/forms.hpp"

namespace onewindow {

Poco::JSON::Object::Ptr guide_data(const ServiceItem& item);

/// A legal time limit as documents say it: "20 个工作日" or "7 日" (natural days).
std::string day_count(int days, DayUnit unit);

struct BookletTemplates {
    const DocumentTemplate& cover;
    const DocumentTemplate& contents;
    const DocumentTemplate& guide;
};

/// What the cover says: who issues the booklet and when (e.g. "2026年11月23日").
struct BookletCover {
    std::string issuer, date;
};

struct GuideBooklet {
    struct Entry {
        std::string department, code, name;
        int page = 0;  // the page the item's guide starts on
    };
    std::string pdf;
    std::vector<Entry> entries;  // in booklet order: by department, then by code
    int pages = 0;
};

/// Renders the booklet of `items` (in any order; sorted by department name, then code).
/// Error(Document) for an empty list, or naming the item whose guide cannot be rendered.
GuideBooklet render_guide_booklet(const DocumentRenderer& renderer,
                                  const BookletTemplates& templates,
                                  std::vector<const ServiceItem*> items, const BookletCover& cover);

/// A booklet prepared for rendering (Counter::prepare_guide_booklet): copies of its templates
/// and items, so it refers to nothing of the Counter and renders on any thread without its lock.
struct GuideBookletJob {
    DocumentTemplate cover, contents, guide;
    std::vector<ServiceItem> items;
    BookletCover about;
    std::filesystem::path out;
    /// Renders the booklet (render_guide_booklet) into `out`; returns its entries and page
    /// count, without the PDF (it is in the file).
    GuideBooklet render(const DocumentRenderer& renderer) const;
};

}  // namespace onewindow
