// The staff page's form posts (application/x-www-form-urlencoded): read_form(), and a decision
// form made into the JSON body of POST /v1/decisions (decision_body), read back by
// read_decision. The body made from any form must be valid JSON: anything else aborts.
#include <cstdlib>

#include "../fuzz_target.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"
#include "service.hpp"

namespace bo = onewindow::backoffice;

ONEWINDOW_FUZZ_TARGET(staff_form) {
    const auto form = bo::read_form(onewindow::fuzz::text_of(data, size));
    if (!form) return 0;
    const std::string body = bo::decision_body("BO-000001", *form, "赵强");
    Poco::Dynamic::Var json;
    try {
        json = onewindow::parse_json(body, "decision body");
    } catch (const onewindow::Error&) {
        std::abort();  // the page wrote a body it cannot read back
    }
    onewindow::Issues issues;
    bo::NewDecision d;
    bo::read_decision(json, d, issues);
    return 0;
}
