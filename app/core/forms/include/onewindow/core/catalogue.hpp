// The item catalogue: every service item of every running plugin, and the life-event bundles.
//
// search() matches a query against each item's name, unified code, department and keywords
// (substring; ASCII case-insensitive) and the pinyin initials of the name and keywords ("syfw"
// finds 生育服务登记), best first: code prefix, name, name initials in a run, keyword and
// department, initials with gaps or of a keyword. Haystacks are prepared once at add(), so a query
// allocates nothing per item. Pointers returned stay valid while the catalogue lives (items are
// kept in a deque). Thread-safety: read-only use from several threads is safe after loading.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/forms.hpp"

namespace onewindow {

class Catalogue {
  public:
    /// Adds an item; Error(Input) when its code is already in the catalogue.
    void add(ServiceItem item);
    void add_bundle(Bundle bundle);

    const ServiceItem* find(std::string_view code) const;
    std::vector<const ServiceItem*> search(std::string_view query, std::size_t limit = 50) const;
    const std::deque<ServiceItem>& items() const { return items_; }
    const std::vector<Bundle>& bundles() const { return bundles_; }
    const Bundle* find_bundle(std::string_view id) const;
    /// The largest bundle all of whose items are among `codes` (a case made of a bundle, perhaps
    /// with more items); nullptr when there is none.
    const Bundle* bundle_of(const std::vector<std::string>& codes) const;
    /// The order a case of `codes` keeps (一件事: an item waits for the items it needs the
    /// results of): code -> the codes among `codes` it waits for, from the bundle with the most
    /// items among `codes` (the first of equals), so a bundle the clerk took only some items of
    /// keeps its order between them. Empty when no bundle holds two of them.
    std::map<std::string, std::vector<std::string>> order_of(
        const std::vector<std::string>& codes) const;

  private:
    struct Entry {
        std::string code, name, others;                            // lower-cased haystacks
        std::vector<std::uint32_t> name_initials, other_initials;  // see pinyin.hpp
    };
    std::deque<ServiceItem> items_;
    std::vector<Entry> entries_;
    std::vector<Bundle> bundles_;
};

}  // namespace onewindow
