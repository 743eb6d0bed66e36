#include "onewindow/core/pinyin.hpp"

#include <cstddef>

namespace onewindow {

namespace detail {
extern const std::uint32_t kPinyinFirst;
extern const std::size_t kPinyinCount;
extern const std::uint32_t kPinyinInitials[];
}  // namespace detail

namespace {
// Letters are bits 0..25; a digit is the flag bit plus its value and matches only itself.
constexpr std::uint32_t kDigitFlag = 1u << 31;

std::uint32_t symbol_mask(char32_t c) {
    if (c >= 'a' && c <= 'z') return 1u << (c - 'a');
    if (c >= 'A' && c <= 'Z') return 1u << (c - 'A');
    if (c >= '0' && c <= '9') return kDigitFlag | (c - '0');
    return 0;
}

bool same(std::uint32_t mask, std::uint32_t wanted) {
    if (wanted & kDigitFlag) return mask == wanted;
    return (mask & kDigitFlag) == 0 && (mask & wanted) != 0;
}
}  // namespace

std::uint32_t pinyin_initials(char32_t c) {
    if (c < 0x80) return symbol_mask(c);
    if (c >= detail::kPinyinFirst && c - detail::kPinyinFirst < detail::kPinyinCount)
        return detail::kPinyinInitials[c - detail::kPinyinFirst];
    return 0;
}

std::vector<std::uint32_t> pinyin_masks(std::string_view utf8) {
    std::vector<std::uint32_t> masks;
    masks.reserve(utf8.size() / 3 + 1);
    for (std::size_t i = 0; i < utf8.size();) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        const int extra = b < 0x80 ? 0 : b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
        char32_t c = extra == 0 ? b : (b & (0x3F >> extra));
        for (int k = 1; k <= extra && i + k < utf8.size(); ++k)
            c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        masks.push_back(pinyin_initials(c));
        i += 1 + extra;
    }
    return masks;
}

PinyinMatch match_pinyin_initials(const std::vector<std::uint32_t>& masks, std::string_view query) {
    std::uint32_t wanted[64];
    const std::size_t n = query.size();
    if (n == 0 || n > std::size(wanted) || n > masks.size()) return PinyinMatch::None;
    for (std::size_t i = 0; i < n; ++i)
        if ((wanted[i] = symbol_mask(static_cast<unsigned char>(query[i]))) == 0)
            return PinyinMatch::None;
    for (std::size_t start = 0; start + n <= masks.size(); ++start) {
        std::size_t k = 0;
        while (k < n && same(masks[start + k], wanted[k])) ++k;
        if (k == n) return PinyinMatch::Run;
    }
    std::size_t k = 0;
    for (std::size_t i = 0; i < masks.size() && k < n; ++i)
        if (same(masks[i], wanted[k])) ++k;
    return k == n ? PinyinMatch::Subsequence : PinyinMatch::None;
}

}  // namespace onewindow
