#include "onewindow/core/catalogue.hpp"

#include <algorithm>

#include "onewindow/core/error.hpp"
#include "onewindow/core/pinyin.hpp"

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
    Entry entry{lower(item.code), lower(item.name), lower(item.department_name), {}, {}};
    for (const auto& keyword : item.keywords) entry.others += "\n" + lower(keyword);
    entry.name_initials = pinyin_masks(item.name);
    entry.other_initials = pinyin_masks(entry.others);
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

const Bundle* Catalogue::bundle_of(const std::vector<std::string>& codes) const {
    const Bundle* best = nullptr;
    for (const auto& bundle : bundles_)
        if ((!best || bundle.items.size() > best->items.size()) &&
            std::all_of(bundle.items.begin(), bundle.items.end(), [&](const std::string& code) {
                return std::find(codes.begin(), codes.end(), code) != codes.end();
            }))
            best = &bundle;
    return best;
}

std::map<std::string, std::vector<std::string>> Catalogue::order_of(
    const std::vector<std::string>& codes) const {
    const auto among = [&](const std::string& code) {
        return std::find(codes.begin(), codes.end(), code) != codes.end();
    };
    const Bundle* best = nullptr;
    std::ptrdiff_t most = 1;  // an order needs two items
    for (const auto& bundle : bundles_)
        if (const auto n = std::count_if(bundle.items.begin(), bundle.items.end(), among);
            n > most) {
            best = &bundle;
            most = n;
        }
    std::map<std::string, std::vector<std::string>> order;
    if (!best) return order;
    for (const auto& code : codes)
        for (const auto& needed : best->waits_for(code))
            if (among(needed)) order[code].push_back(needed);
    return order;
}

std::vector<const ServiceItem*> Catalogue::search(std::string_view query, std::size_t limit) const {
    std::vector<const ServiceItem*> out;
    if (query.empty() || limit == 0) return out;
    char buffer[256];
    const std::size_t n = std::min(query.size(), sizeof buffer);
    for (std::size_t i = 0; i < n; ++i) {
        char c = query[i];
        buffer[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view needle(buffer, n);
    // Ranks, best first: code prefix, name, pinyin initials of the name as a run, other text,
    // initials with gaps or in a keyword. Items of one rank keep the catalogue order.
    constexpr int kRanks = 5;
    std::vector<std::vector<std::size_t>> ranked(kRanks);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        int rank = -1;
        if (e.code.compare(0, needle.size(), needle) == 0)
            rank = 0;
        else if (e.name.find(needle) != std::string::npos)
            rank = 1;
        else {
            const PinyinMatch name_initials = match_pinyin_initials(e.name_initials, needle);
            if (name_initials == PinyinMatch::Run)
                rank = 2;
            else if (e.others.find(needle) != std::string::npos ||
                     e.code.find(needle) != std::string::npos)
                rank = 3;
            else if (name_initials == PinyinMatch::Subsequence ||
                     match_pinyin_initials(e.other_initials, needle) == PinyinMatch::Run)
                rank = 4;
        }
        if (rank >= 0) ranked[rank].push_back(i);
    }
    for (const auto& bucket : ranked)
        for (std::size_t i : bucket) {
            if (out.size() == limit) return out;
            out.push_back(&items_[i]);
        }
    return out;
}

}  // namespace onewindow
