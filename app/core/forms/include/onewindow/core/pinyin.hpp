// Pinyin initials for search-as-you-type: a clerk types "sysf" and finds 生育服务登记.
//
// The table is generated at build time from the Unicode Han database that Debian ships
// (unicode-data: Unihan_Readings.txt, kMandarin + kHanyuPinyin + kXHC1983), covering
// U+3400..U+9FFF. Every reading counts, so a polyphonic character (多音字) matches each of its
// initials and a search never misses. Letters and digits match themselves (case-insensitive).
// Thread-safety: pure functions over constant data.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace onewindow {

/// The letters (bit 0 = 'a') a character's readings can start with; ASCII letters map to their
/// own bit; 0 for everything else.
std::uint32_t pinyin_initials(char32_t c);

/// One mask per character of a UTF-8 text (see pinyin_initials).
std::vector<std::uint32_t> pinyin_masks(std::string_view utf8);

/// How a query matched a text's initials.
enum class PinyinMatch {
    None,
    Run,         // consecutive characters: "syfw" -> 生育服务登记
    Subsequence  // in order with gaps: "syfdj" -> 生育服务登记 (skipping 务)
};

/// Matches the ASCII letters/digits of `query` against the initials of the text whose masks are
/// given; a query with any other character never matches.
PinyinMatch match_pinyin_initials(const std::vector<std::uint32_t>& masks, std::string_view query);

}  // namespace onewindow
