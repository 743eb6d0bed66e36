// The second-generation disability certificate (第二代《中华人民共和国残疾人证》), for every
// department that serves disabled people (disabled persons' federation, civil affairs, ...).
//
// Its number is 20 characters: the holder's resident ID number, then the category code (1 视力,
// 2 听力, 3 言语, 4 肢体, 5 智力, 6 精神, 7 多重) and the level code (1 一级 ... 4 四级). The
// shared field dictionary holds the certificate under disability.certificate_no,
// disability.category and disability.level; the options of the last two are in code order.
// Header-only, pure functions.
#pragma once

#include <array>
#include <string>

#include "onewindow/sdk/helpers.hpp"

namespace onewindow::sdk {

inline const std::array<const char*, 7> kDisabilityCategories = {
    "视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"};
inline const std::array<const char*, 4> kDisabilityLevels = {"一级", "二级", "三级", "四级"};

/// The certificate's code of a category or level option (1-based), 0 for anything else.
template <std::size_t N>
int disability_code(const std::string& value, const std::array<const char*, N>& options) {
    for (std::size_t i = 0; i < N; ++i)
        if (value == options[i]) return static_cast<int>(i) + 1;
    return 0;
}

/// The level code of disability.level (1 一级 ... 4 四级), 0 when not given.
inline int disability_level(const Request& request) {
    return disability_code(request.text("disability.level"), kDisabilityLevels);
}

/// Errors when disability.certificate_no is not the applicant's: its first 18 characters must be
/// applicant.id_number; with `codes_must_agree`, its category and level codes must also be those
/// of disability.category and disability.level (false when the application is to change them).
/// Nothing when the number is absent or malformed (the host reports its form).
inline void check_disability_certificate(const Request& r, Findings& findings,
                                         bool codes_must_agree = true) {
    const std::string number = r.text("disability.certificate_no");
    if (number.size() != 20) return;
    if (number.compare(0, 18, r.text("applicant.id_number")) != 0)
        findings.push_back(
            error("disability.certificate_no", "残疾人证号前 18 位应为申请人本人的公民身份号码"));
    if (!codes_must_agree) return;
    const std::string category = r.text("disability.category");
    if (int code = disability_code(category, kDisabilityCategories);
        code && number[18] - '0' != code)
        findings.push_back(error("disability.category",
                                 "残疾人证号第 19 位（残疾类别代码 " + number.substr(18, 1) +
                                     "）与所填残疾类别“" + category + "”不一致"));
    const std::string level = r.text("disability.level");
    if (int code = disability_level(r); code && number[19] - '0' != code)
        findings.push_back(error("disability.level", "残疾人证号第 20 位（残疾等级代码 " +
                                                         number.substr(19, 1) +
                                                         "）与所填残疾等级“" + level + "”不一致"));
}

}  // namespace onewindow::sdk
