// The bodies the back office receives (backoffice.hpp): a case (POST /v1/cases, read_case_body)
// and a decision (POST /v1/decisions, read_decision); a case that passes is also shown as the
// staff page shows it (case_data_html: labels, tables, masking at every depth).
#include <typeinfo>

#include "../fuzz_target.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"
#include "service.hpp"

namespace bo = onewindow::backoffice;

ONEWINDOW_FUZZ_TARGET(exchange_bodies) {
    Poco::Dynamic::Var json;
    try {
        json = onewindow::parse_json(onewindow::fuzz::text_of(data, size), "request body");
    } catch (const onewindow::Error&) {
        return 0;
    }
    onewindow::Issues case_issues, decision_issues;
    bo::NewCase c;
    bo::read_case_body(json, c, case_issues);
    bo::NewDecision d;
    bo::read_decision(json, d, decision_issues);
    if (case_issues.empty() && json.type() == typeid(Poco::JSON::Object::Ptr))
        bo::case_data_html(json.extract<Poco::JSON::Object::Ptr>());
    return 0;
}
