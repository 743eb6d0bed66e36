// Build tool: turns the Unicode Han database's readings (Unihan_Readings.txt, on stdin) into a
// C++ table of pinyin initials for U+3400..U+9FFF (CJK Extension A and the Unified block).
// Every reading counts (kMandarin, kHanyuPinyin, kXHC1983), so a polyphonic character (多音字)
// matches any of its initials: 长 answers to both "c" (cháng) and "z" (zhǎng).
// Output: one bit per letter (a = bit 0), a dense array indexed by code point - 0x3400.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr std::uint32_t kFirst = 0x3400, kLast = 0x9FFF;

/// Decodes the first UTF-8 character of `s`.
char32_t first_code_point(const std::string& s) {
    if (s.empty()) return 0;
    const auto b = static_cast<unsigned char>(s[0]);
    if (b < 0x80) return b;
    int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
    char32_t c = b & (0x3F >> extra);
    for (int i = 1; i <= extra && i < static_cast<int>(s.size()); ++i)
        c = (c << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    return c;
}

/// The base letter of a pinyin syllable's first character (tone marks removed).
char base_letter(char32_t c) {
    if (c >= 'a' && c <= 'z') return static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    switch (c) {
        case 0xE0:
        case 0xE1:
        case 0xE2:
        case 0x101:
        case 0x1CE:
            return 'a';
        case 0xE8:
        case 0xE9:
        case 0xEA:
        case 0x113:
        case 0x11B:
            return 'e';
        case 0xEC:
        case 0xED:
        case 0x12B:
        case 0x1D0:
            return 'i';
        case 0xF2:
        case 0xF3:
        case 0x14D:
        case 0x1D2:
            return 'o';
        case 0xF9:
        case 0xFA:
        case 0x16B:
        case 0x1D4:
            return 'u';
        case 0x144:
        case 0x148:
        case 0x1F9:
            return 'n';
        case 0x1E3F:
            return 'm';
        default:
            return 0;
    }
}

}  // namespace

int main() {
    std::vector<std::uint32_t> masks(kLast - kFirst + 1, 0);
    std::string line;
    long readings = 0;
    while (std::getline(std::cin, line)) {
        if (line.rfind("U+", 0) != 0) continue;
        const auto tab1 = line.find('\t');
        const auto tab2 = line.find('\t', tab1 + 1);
        if (tab1 == std::string::npos || tab2 == std::string::npos) continue;
        const std::string field = line.substr(tab1 + 1, tab2 - tab1 - 1);
        if (field != "kMandarin" && field != "kHanyuPinyin" && field != "kXHC1983") continue;
        const auto code = std::stoul(line.substr(2, tab1 - 2), nullptr, 16);
        if (code < kFirst || code > kLast) continue;
        std::istringstream tokens(line.substr(tab2 + 1));
        std::string token;
        while (tokens >> token) {
            const auto colon = token.find(':');
            std::string list = colon == std::string::npos ? token : token.substr(colon + 1);
            std::istringstream syllables(list);
            std::string syllable;
            while (std::getline(syllables, syllable, ',')) {
                const char letter = base_letter(first_code_point(syllable));
                if (letter == 0) continue;
                masks[code - kFirst] |= 1u << (letter - 'a');
                ++readings;
            }
        }
    }
    if (readings == 0) {
        std::cerr << "make_pinyin_table: no readings on stdin (is Unihan_Readings.txt there?)\n";
        return 1;
    }
    std::printf(
        "// Generated at build time from the Unicode Han database by make_pinyin_table.\n"
        "#include <cstddef>\n#include <cstdint>\n\nnamespace onewindow::detail {\n"
        "extern const std::uint32_t kPinyinFirst = 0x%X;\n"
        "extern const std::size_t kPinyinCount = %zu;\n"
        "extern const std::uint32_t kPinyinInitials[] = {\n",
        kFirst, masks.size());
    for (std::size_t i = 0; i < masks.size(); ++i)
        std::printf("%s0x%X,%s", i % 12 == 0 ? "    " : "", masks[i], i % 12 == 11 ? "\n" : " ");
    std::printf("\n};\n}  // namespace onewindow::detail\n");
    return 0;
}
