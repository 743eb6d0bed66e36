// Identity numbers and codes of the data rules (domain.md): resident ID numbers (GB 11643-1999),
// unified social credit codes (GB 32100-2015), mobile phones, division codes, and the masks
// that keep them out of lists, logs and reports (PIPL). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "onewindow/core/date.hpp"

namespace onewindow {

struct IdNumberInfo {
    std::string division;  // 6-digit administrative division of first registration
    Date birth_date;
    bool male = false;  // odd sequence = male
};

/// The number as typed or pasted, made canonical before it is checked or stored: surrounding
/// spaces (ASCII, no-break and the full-width U+3000) removed, full-width digits and letters
/// (０-９, Ｘ) made ASCII and a lower-case x upper-case. Anything else is kept as it is, for
/// id_number_problem() to name.
std::string normalize_id_number(std::string_view typed);
/// nullopt when `id` is a valid 18-character resident ID number on `today`; else the reason,
/// translated for the clerk (length in characters, not bytes; division, birth date, check
/// character).
std::optional<std::string> id_number_problem(std::string_view id, Date today);
std::optional<IdNumberInfo> parse_id_number(std::string_view id, Date today);
/// The GB 11643 check character of the first 17 digits ('0'..'9' or 'X').
char id_number_check_character(std::string_view first17);

enum class CreditCodeCheck { Valid, BadFormat, BadCheckCharacter };
/// Early pilot codes fail the check character: callers warn on BadCheckCharacter, never refuse.
CreditCodeCheck check_credit_code(std::string_view code);

bool is_mobile_phone(std::string_view phone);     // 11 digits starting with 1
bool is_division_code(std::string_view code);     // 6 digits, a province code 11..82
std::string mask_id_number(std::string_view id);  // 130434********1234
std::string mask_phone(std::string_view phone);   // 138****5678

}  // namespace onewindow
