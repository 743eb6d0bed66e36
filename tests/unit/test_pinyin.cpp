#include <catch2/catch.hpp>

#include "onewindow/core/pinyin.hpp"

using namespace onewindow;

namespace {
std::uint32_t bit(char c) { return 1u << (c - 'a'); }
}  // namespace

TEST_CASE("Pinyin initials come from the Unicode Han database, every reading", "[pinyin]") {
    CHECK(pinyin_initials(U'生') == bit('s'));
    CHECK(pinyin_initials(U'育') & bit('y'));
    // Polyphonic characters (多音字) answer to each reading's initial.
    CHECK(pinyin_initials(U'长') == (bit('c') | bit('z')));  // cháng, zhǎng
    CHECK((pinyin_initials(U'行') & (bit('h') | bit('x'))) == (bit('h') | bit('x')));
    // Readings starting with a toned vowel count by their base letter: 爱 ài, 额 é, 欧 ōu.
    CHECK(pinyin_initials(U'爱') == bit('a'));
    CHECK(pinyin_initials(U'额') == bit('e'));
    CHECK(pinyin_initials(U'欧') == bit('o'));
    CHECK(pinyin_initials(U'A') == bit('a'));
    CHECK(pinyin_initials(U'，') == 0);
    CHECK(pinyin_initials(U'😀') == 0);
}

TEST_CASE("Initials match a run of characters, or in order with gaps", "[pinyin]") {
    const auto masks = pinyin_masks("一孩生育服务登记");
    REQUIRE(masks.size() == 8);
    CHECK(match_pinyin_initials(masks, "syfw") == PinyinMatch::Run);
    CHECK(match_pinyin_initials(masks, "yhsy") == PinyinMatch::Run);
    CHECK(match_pinyin_initials(masks, "yhdj") == PinyinMatch::Subsequence);
    CHECK(match_pinyin_initials(masks, "djsy") == PinyinMatch::None);  // order matters
    CHECK(match_pinyin_initials(masks, "sy fw") == PinyinMatch::None);
    CHECK(match_pinyin_initials(masks, "") == PinyinMatch::None);
    const auto mixed = pinyin_masks("2026年度城乡居民医保");
    CHECK(match_pinyin_initials(mixed, "2026nd") == PinyinMatch::Run);
    CHECK(match_pinyin_initials(mixed, "2027") == PinyinMatch::None);
    CHECK(match_pinyin_initials(mixed, "cxjm") == PinyinMatch::Run);
}
