#include <catch2/catch.hpp>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"

using namespace onewindow;

static const Date today{2026, 11, 23};

TEST_CASE("GB 11643 resident ID numbers", "[idnumber]") {
    clear_catalog();
    CHECK_FALSE(id_number_problem("11010519491231002X", today));  // published example
    CHECK_FALSE(id_number_problem("13043419960315024X", today));
    CHECK(id_number_check_character("13043419940802013") == '2');
    auto info = parse_id_number("130434199408020132", today);
    REQUIRE(info);
    CHECK(info->male);
    CHECK(info->birth_date == Date{1994, 8, 2});
    CHECK(info->division == "130434");
    CHECK_FALSE(parse_id_number("13043419960315024X", today)->male);

    CHECK(*id_number_problem("130434199603150241", today) ==
          "the check character is wrong; please check every digit");
    CHECK(*id_number_problem("1304341996031502", today) == "must have 18 characters, not 16");
    CHECK(id_number_problem("13043419960231024X", today)->find("birth date") != std::string::npos);
    CHECK(*id_number_problem("130434202712010011", today) == "the birth date lies in the future");
    CHECK(id_number_problem("00043419960315024X", today)->find("division") != std::string::npos);
    CHECK(id_number_problem("1304341996031502AX", today)->find("digits") != std::string::npos);
}

TEST_CASE("An ID number typed in full-width digits, with a lower-case x or spaces is normalised",
          "[idnumber]") {
    clear_catalog();
    // Full-width digits and Ｘ, as a Chinese input method types them: 18 characters, 54 bytes.
    const std::string full_width = "１３０４３４１９９６０３１５０２４Ｘ";
    CHECK(normalize_id_number(full_width) == "13043419960315024X");
    CHECK(normalize_id_number("13043419960315024x") == "13043419960315024X");
    CHECK(normalize_id_number(" \t13043419960315024X\u3000 ") == "13043419960315024X");
    CHECK(normalize_id_number("１３０４３４１９９６０３１５０２４ｘ") == "13043419960315024X");
    CHECK_FALSE(id_number_problem(normalize_id_number(full_width), today));
    // Spaces inside the number are the clerk's to see, not silently dropped.
    CHECK(normalize_id_number("130434 19960315024X") == "130434 19960315024X");
    // The length is counted in characters, not bytes: 17 full-width digits are 17, not 51.
    CHECK(*id_number_problem("１３０４３４１９９６０３１５０２４", today) ==
          "must have 18 characters, not 17");
    CHECK(id_number_problem(full_width, today)->find("digits") != std::string::npos);
}

TEST_CASE("GB 32100 credit codes: a bad check character only warns", "[idnumber]") {
    CHECK(check_credit_code("91350100M000100Y43") == CreditCodeCheck::Valid);
    CHECK(check_credit_code("91350100M000100Y44") == CreditCodeCheck::BadCheckCharacter);
    CHECK(check_credit_code("91350100M000100Y4") == CreditCodeCheck::BadFormat);
    CHECK(check_credit_code("91350100M000100YI3") == CreditCodeCheck::BadFormat);  // I not used
}

TEST_CASE("Phones, divisions and masks", "[idnumber]") {
    CHECK(is_mobile_phone("13831045678"));
    CHECK_FALSE(is_mobile_phone("23831045678"));
    CHECK_FALSE(is_mobile_phone("1383104567"));
    CHECK(is_division_code("130434"));
    CHECK_FALSE(is_division_code("990434"));
    CHECK(mask_id_number("13043419960315024X") == "130434********024X");
    CHECK(mask_phone("13831045678") == "138****5678");
}
