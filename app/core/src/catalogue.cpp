#include "onewindow/core/catalogue.hpp"

#include <algorithm>

#include "onewindow/core/error.hpp"

namespace onewindow {

namespace {
std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}
}  // namespace

void Catalogue::add(ServiceItem item) {
    if (find(item.code))
        throw Error(ErrorKind::Input, item.source_file + ": $.code: item " + item.code +
                                          " is already in the catalogue");
    Entry entry{lower(item.code), lower(item.name), lower(item.department_name)};
    for (const auto& keyword : item.keywords) entry.others += "\n" + lower(keyword);
    entries_.push_back(std::move(entry));
    items_.push_back(std::move(item));
}

void Catalogue::add_bundle(Bundle bundle) { bundles_.push_back(std::move(bundle)); }

const ServiceItem* Catalogue::find(std::string_view code) const {
    for (const auto& item : items_)
        if (item.code == code) return &item;
    return nullptr;
}

const Bundle* Catalogue::find_bundle(std::string_view id) const {
    for (const auto& bundle : bundles_)
        if (bundle.id == id) return &bundle;
    return nullptr;
}

std::vector<const ServiceItem*> Catalogue::search(std::string_view query, std::size_t limit) const {
    std::vector<const ServiceItem*> out;
    if (query.empty()) return out;
    char buffer[256];
    const std::size_t n = std::min(query.size(), sizeof buffer);
    for (std::size_t i = 0; i < n; ++i) {
        char c = query[i];
        buffer[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view needle(buffer, n);
    // Three ranks: code prefix, name, other text. Collect rank by rank to keep the order stable.
    for (int rank = 0; rank < 3 && out.size() < limit; ++rank) {
        for (std::size_t i = 0; i < entries_.size() && out.size() < limit; ++i) {
            const Entry& e = entries_[i];
            const bool code = e.code.compare(0, needle.size(), needle) == 0;
            const bool name = e.name.find(needle) != std::string::npos;
            bool hit = false;
            if (rank == 0)
                hit = code;
            else if (rank == 1)
                hit = !code && name;
            else
                hit = !code && !name &&
                      (e.others.find(needle) != std::string::npos ||
                       e.code.find(needle) != std::string::npos);
            if (hit) out.push_back(&items_[i]);
        }
    }
    return out;
}

}  // namespace onewindow
