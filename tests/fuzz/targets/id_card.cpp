// An ID card file (what the reader's plugin answers, e.g. the simulator's card.json):
// parse_id_card_answer() on {"card": <the file>}.
#include "onewindow/core/id_card.hpp"
#include "../fuzz_target.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/core/json.hpp"

ONEWINDOW_FUZZ_TARGET(id_card) {
    return onewindow::fuzz::refusals_only([&] {
        const auto card = onewindow::parse_json(onewindow::fuzz::text_of(data, size), "card.json");
        Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
        answer->set("card", card);
        onewindow::parse_id_card_answer(answer, "card.json", onewindow::Date{2026, 11, 23});
    });
}
