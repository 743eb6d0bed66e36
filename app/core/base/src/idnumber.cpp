#include "onewindow/core/idnumber.hpp"

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/utf8.hpp"

namespace onewindow {

namespace {
bool all_digits(std::string_view text) {
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return !text.empty();
}

bool is_space(char32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000;
}

}  // namespace

std::string normalize_id_number(std::string_view typed) {
    std::u32string points;
    for (std::size_t i = 0; i < typed.size();) points += next_code_point(typed, i);
    while (!points.empty() && is_space(points.back())) points.pop_back();
    std::size_t start = 0;
    while (start < points.size() && is_space(points[start])) ++start;
    std::string out;
    for (std::size_t k = start; k < points.size(); ++k) {
        char32_t cp = points[k];
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII: ０-９, Ｘ, ｘ
        if (cp == 'x') cp = 'X';
        append_utf8(out, cp);
    }
    return out;
}

char id_number_check_character(std::string_view first17) {
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char mapping[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
    return mapping[sum % 11];
}

bool is_division_code(std::string_view code) {
    if (code.size() != 6 || !all_digits(code)) return false;
    int province = (code[0] - '0') * 10 + (code[1] - '0');
    return province >= 11 && province <= 82;
}

std::optional<std::string> id_number_problem(std::string_view id, Date today) {
    if (const std::size_t length = utf8_length(id); length != 18)
        return trf("must have 18 characters, not {}", std::to_string(length));
    if (!all_digits(id.substr(0, 17)) || !(all_digits(id.substr(17)) || id[17] == 'X'))
        return std::string(tr("only digits are allowed, the last character may be X"));
    if (!is_division_code(id.substr(0, 6)))
        return std::string(tr("the first six digits are not an administrative division code"));
    auto birth = Date::parse_compact(id.substr(6, 8));
    if (!birth) return std::string(tr("digits 7 to 14 are not a valid birth date"));
    if (*birth > today) return std::string(tr("the birth date lies in the future"));
    if (birth->year < 1900) return std::string(tr("the birth date is before 1900"));
    if (id_number_check_character(id) != id[17])
        return std::string(tr("the check character is wrong; please check every digit"));
    return std::nullopt;
}

std::optional<IdNumberInfo> parse_id_number(std::string_view id, Date today) {
    if (id_number_problem(id, today)) return std::nullopt;
    IdNumberInfo info;
    info.division = std::string(id.substr(0, 6));
    info.birth_date = *Date::parse_compact(id.substr(6, 8));
    info.male = (id[16] - '0') % 2 == 1;
    return info;
}

CreditCodeCheck check_credit_code(std::string_view code) {
    static const std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    if (code.size() != 18) return CreditCodeCheck::BadFormat;
    int sum = 0;
    for (std::size_t i = 0; i < 18; ++i) {
        auto value = alphabet.find(code[i]);
        if (value == std::string_view::npos) return CreditCodeCheck::BadFormat;
        if (i < 17) sum += static_cast<int>(value) * weights[i];
    }
    if (!all_digits(code.substr(2, 6))) return CreditCodeCheck::BadFormat;
    int check = 31 - sum % 31;
    if (check == 31) check = 0;
    return alphabet[check] == code[17] ? CreditCodeCheck::Valid
                                       : CreditCodeCheck::BadCheckCharacter;
}

bool is_mobile_phone(std::string_view phone) {
    return phone.size() == 11 && phone[0] == '1' && all_digits(phone);
}

std::string mask_id_number(std::string_view id) {
    if (id.size() <= 10) return std::string(id.size(), '*');
    return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') +
           std::string(id.substr(id.size() - 4));
}

std::string mask_phone(std::string_view phone) {
    if (phone.size() <= 7) return std::string(phone.size(), '*');
    return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
           std::string(phone.substr(phone.size() - 4));
}

}  // namespace onewindow
