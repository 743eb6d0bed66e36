#include "onewindow/core/i18n.hpp"

#include <mutex>
#include <set>
#include <vector>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

namespace {
std::unordered_map<std::string, std::string>& catalog() {
    static std::unordered_map<std::string, std::string> messages;
    return messages;
}
}  // namespace

// GNU .mo layout: magic, revision, count, offset of originals, offset of translations; each
// table holds (length, offset) pairs of NUL-terminated strings.
void load_catalog(const std::filesystem::path& mo_file) {
    const std::string data = read_text_file(mo_file);
    auto bad = [&](const char* why) {
        return Error(ErrorKind::Input, mo_file.string() + ": not a gettext catalogue: " + why);
    };
    if (data.size() < 20) throw bad("too short");
    auto word = [&](std::size_t at, bool swap) {
        if (at + 4 > data.size()) throw bad("offset out of range");
        std::uint32_t v;
        std::memcpy(&v, data.data() + at, 4);
        return swap ? __builtin_bswap32(v) : v;
    };
    bool swap = false;
    if (word(0, false) != 0x950412deu) {
        if (word(0, true) != 0x950412deu) throw bad("wrong magic number");
        swap = true;
    }
    const std::uint32_t count = word(8, swap), originals = word(12, swap),
                        translations = word(16, swap);
    auto string_at = [&](std::uint32_t table, std::uint32_t i) {
        std::uint32_t length = word(table + 8 * i, swap), offset = word(table + 8 * i + 4, swap);
        if (std::size_t(offset) + length > data.size()) throw bad("string out of range");
        return std::string(data.data() + offset, length);
    };
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string source = string_at(originals, i);
        std::string target = string_at(translations, i);
        if (source.empty() || target.empty()) continue;  // the header entry
        // Plural entries hold "singular\0plural": the singular is the key and its translation.
        source = source.substr(0, std::strlen(source.c_str()));
        target = target.substr(0, std::strlen(target.c_str()));
        catalog()[source] = target;
    }
}

void load_default_catalog(const std::filesystem::path& locale_dir) {
    const char* env = std::getenv("ONEWINDOW_LANG");
    std::string language = env && *env ? env : "zh_CN";
    if (language == "en") return;
    auto file = locale_dir / language / "LC_MESSAGES" / "onewindow.mo";
    if (std::filesystem::exists(file)) load_catalog(file);
}

void clear_catalog() { catalog().clear(); }

namespace {
std::mutex untranslated_mutex;
std::set<std::string>& untranslated() {
    static std::set<std::string> seen;
    return seen;
}
}  // namespace

const char* tr(const char* english) {
    const auto& messages = catalog();
    if (messages.empty()) return english;
    auto found = messages.find(english);
    if (found != messages.end()) return found->second.c_str();
    std::lock_guard lock(untranslated_mutex);
    untranslated().insert(english);
    return english;
}

std::vector<std::string> untranslated_messages() {
    std::lock_guard lock(untranslated_mutex);
    return {untranslated().begin(), untranslated().end()};
}

std::string format_message(std::string_view pattern, std::initializer_list<std::string_view> args) {
    std::string out;
    auto next = args.begin();
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{' && i + 1 < pattern.size() && pattern[i + 1] == '}' &&
            next != args.end()) {
            out += *next++;
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

}  // namespace onewindow
