// The exchange protocol's case and decision messages (exchange_messages.hpp): what one side
// writes the other reads back unchanged, and every missing or wrong field is refused by name.
#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

#include "onewindow/core/exchange_messages.hpp"
#include "onewindow/core/json.hpp"

using namespace onewindow;
namespace ex = onewindow::exchange;

namespace {

const std::string kSha(64, 'a');

ex::CaseMessage sample_case() {
    ex::CaseMessage c;
    c.case_number = "WX01-20261123-0001";
    c.item = "FP-001";
    c.item_version = 3;
    c.department = "county_health";
    c.accepted_at = "2026-11-23 09:30:00";
    c.applicant = new Poco::JSON::Object(true);
    c.applicant->set("name", "张三");
    c.applicant->set("id_number", "11010519491231002X");
    c.values = new Poco::JSON::Object(true);
    c.values->set("child_name", "张小明");
    c.labels = new Poco::JSON::Object(true);
    c.labels->set("child_name", "子女姓名");
    c.materials.push_back({"birth_cert", "出生医学证明.pdf", 1, 2, kSha, std::nullopt});
    c.materials.push_back({"hukou", "户口簿", 1, 0, "", std::string("三日内补交")});
    return c;
}

ex::DecisionMessage sample_decision() {
    ex::DecisionMessage d;
    d.cursor = 7;
    d.reference = "BO-000007";
    d.case_number = "WX01-20261123-0001";
    d.item = "FP-001";
    d.department = "county_health";
    d.outcome = "correction";
    d.reason = "照片不清";
    d.data = new Poco::JSON::Object(true);
    d.missing_materials = {"户口簿", "照片"};
    d.decided_by = "li";
    d.decided_at = "2026-11-23T10:00:00Z";
    return d;
}

/// The issues of reading `text` as a case (or a decision), one "path: message" each.
std::vector<std::string> case_issues(const std::string& text) {
    Issues issues;
    ex::case_from_json(parse_json(text, "body"), "body", "$", issues);
    std::vector<std::string> out;
    for (const auto& issue : issues.list()) out.push_back(issue.path + ": " + issue.message);
    return out;
}
std::vector<std::string> decision_issues(const std::string& text) {
    Issues issues;
    ex::decision_from_json(parse_json(text, "body"), "body", "$.decisions[0]", issues);
    std::vector<std::string> out;
    for (const auto& issue : issues.list()) out.push_back(issue.path + ": " + issue.message);
    return out;
}

/// `json` with `key` set to the JSON `value` (or removed when `value` is empty).
std::string with(const Poco::JSON::Object::Ptr& json, const std::string& key,
                 const std::string& value) {
    Poco::JSON::Object::Ptr copy =
        parse_json(to_json(json), "copy").extract<Poco::JSON::Object::Ptr>();
    if (value.empty())
        copy->remove(key);
    else
        // In an array: the parser takes no bare scalar at the top.
        copy->set(key,
                  parse_json("[" + value + "]", "value").extract<Poco::JSON::Array::Ptr>()->get(0));
    return to_json(copy);
}

}  // namespace

TEST_CASE("A case message reads back as it was written, keys in the protocol's order",
          "[exchange_messages]") {
    const ex::CaseMessage sent = sample_case();
    const std::string text = to_json(ex::case_to_json(sent));
    CHECK(text.rfind(R"({"case_number":"WX01-20261123-0001","item":"FP-001","item_version":3,)"
                     R"("department":"county_health","accepted_at":"2026-11-23 09:30:00",)",
                     0) == 0);
    CHECK(text.find(R"("types")") == std::string::npos);  // empty: left out
    Issues issues;
    const ex::CaseMessage read = ex::case_from_json(parse_json(text, "body"), "body", "$", issues);
    INFO(issues.to_string());
    REQUIRE(issues.empty());
    CHECK(read.case_number == sent.case_number);
    CHECK(read.item == sent.item);
    CHECK(read.item_version == 3);
    CHECK(read.department == sent.department);
    CHECK(read.accepted_at == sent.accepted_at);
    CHECK(to_json(read.applicant) == to_json(sent.applicant));
    CHECK(to_json(read.values) == to_json(sent.values));
    CHECK(to_json(read.labels) == to_json(sent.labels));
    REQUIRE(read.materials.size() == 2);
    CHECK(read.materials[0].key == "birth_cert");
    CHECK(read.materials[0].name == "出生医学证明.pdf");
    CHECK(read.materials[0].originals == 1);
    CHECK(read.materials[0].copies == 2);
    CHECK(read.materials[0].sha256 == kSha);
    CHECK_FALSE(read.materials[0].tolerated_gap);
    CHECK(read.materials[1].sha256.empty());
    CHECK(read.materials[1].tolerated_gap == std::optional<std::string>("三日内补交"));
    // Written again, the same bytes: a retry is the same body.
    CHECK(to_json(ex::case_to_json(read)) == text);
}

TEST_CASE("A case message refuses each missing or wrong field by its name", "[exchange_messages]") {
    const auto json = ex::case_to_json(sample_case());
    using V = std::vector<std::string>;
    CHECK(case_issues(with(json, "case_number", "")) == V{"$.case_number: is missing"});
    CHECK(case_issues(with(json, "item", "")) == V{"$.item: is missing"});
    CHECK(case_issues(with(json, "department", "")) == V{"$.department: is missing"});
    CHECK(case_issues(with(json, "case_number", "12")) == V{"$.case_number: must be a string"});
    CHECK(case_issues(with(json, "item", R"("")")) == V{"$.item: must not be empty"});
    CHECK(case_issues(with(json, "item_version", "0")) ==
          V{"$.item_version: must be between 1 and 1000000"});
    CHECK(case_issues(with(json, "accepted_at", "[]")) == V{"$.accepted_at: must be a string"});
    CHECK(case_issues(with(json, "applicant", "[]")) == V{"$.applicant: must be a JSON object"});
    CHECK(case_issues(with(json, "values", R"("x")")) == V{"$.values: must be a JSON object"});
    CHECK(case_issues(with(json, "labels", R"({"a": 1})")) == V{"$.labels.a: must be a string"});
    CHECK(case_issues(with(json, "types", R"({"a": []})")) == V{"$.types.a: must be a string"});
    CHECK(case_issues(with(json, "materials", "{}")) == V{"$.materials: must be a JSON array"});
    CHECK(case_issues(with(json, "materials", "[3]")) ==
          V{"$.materials[0]: must be a JSON object", "$.materials[0].name: is missing"});
    CHECK(case_issues(with(json, "materials", R"([{"key": "a"}])")) ==
          V{"$.materials[0].name: is missing"});
    CHECK(case_issues(with(json, "materials", R"([{"name": "../etc/passwd"}])")) ==
          V{"$.materials[0].name: must be a plain file name (no folders, no \"..\", no control "
            "characters)"});
    CHECK(case_issues(with(json, "materials", R"([{"name": "a", "sha256": "ABC"}])")) ==
          V{"$.materials[0].sha256: must be a SHA-256 in 64 lowercase hex digits"});
    CHECK(case_issues(with(json, "materials", R"([{"name": "a", "copies": -1}])")) ==
          V{"$.materials[0].copies: must be between 0 and 1000"});
    CHECK(case_issues(with(json, "materials", R"([{"name": "a", "tolerated_gap": 1}])")) ==
          V{"$.materials[0].tolerated_gap: must be a string"});
    // Every problem at once, not only the first.
    CHECK(case_issues(R"({"item": 5})") ==
          V{"$.case_number: is missing", "$.item: must be a string", "$.department: is missing"});
    CHECK(case_issues("[1]") == V{"$: must be a JSON object", "$.case_number: is missing",
                                  "$.item: is missing", "$.department: is missing"});
}

TEST_CASE("A decision message reads back as it was written", "[exchange_messages]") {
    const ex::DecisionMessage sent = sample_decision();
    const std::string text = to_json(ex::decision_to_json(sent));
    CHECK(text == R"({"cursor":7,"reference":"BO-000007","case_number":"WX01-20261123-0001",)"
                  R"("item":"FP-001","department":"county_health","outcome":"correction",)"
                  R"("reason":"照片不清","data":{},"missing_materials":["户口簿","照片"],)"
                  R"("decided_by":"li","decided_at":"2026-11-23T10:00:00Z"})");
    Issues issues;
    const ex::DecisionMessage read =
        ex::decision_from_json(parse_json(text, "body"), "body", "$", issues);
    INFO(issues.to_string());
    REQUIRE(issues.empty());
    CHECK(read.cursor == 7);
    CHECK(read.reference == sent.reference);
    CHECK(read.case_number == sent.case_number);
    CHECK(read.item == sent.item);
    CHECK(read.department == sent.department);
    CHECK(read.outcome == sent.outcome);
    CHECK(read.reason == sent.reason);
    CHECK(read.missing_materials == sent.missing_materials);
    CHECK(read.decided_by == sent.decided_by);
    CHECK(read.decided_at == sent.decided_at);
    CHECK(to_json(ex::decision_to_json(read)) == text);

    // An approval's data travels whole, nested values included.
    ex::DecisionMessage approved = sent;
    approved.outcome = "approved";
    approved.missing_materials.clear();
    approved.data = parse_json(R"({"certificate_no": "X-1", "rows": [{"a": 1}]})", "data")
                        .extract<Poco::JSON::Object::Ptr>();
    const auto again = ex::decision_from_json(ex::decision_to_json(approved), "body", "$", issues);
    REQUIRE(issues.empty());
    CHECK(to_json(again.data) == R"({"certificate_no":"X-1","rows":[{"a":1}]})");
}

TEST_CASE("A decision message refuses each missing or wrong field by its name",
          "[exchange_messages]") {
    const auto json = ex::decision_to_json(sample_decision());
    using V = std::vector<std::string>;
    const std::string at = "$.decisions[0].";
    for (const char* required : {"cursor", "case_number", "item", "outcome", "decided_at"}) {
        INFO(required);
        CHECK(decision_issues(with(json, required, "")) == V{at + required + ": is missing"});
    }
    CHECK(decision_issues(with(json, "cursor", R"("3")")) == V{at + "cursor: must be an integer"});
    CHECK(decision_issues(with(json, "cursor", "0")) ==
          V{at + "cursor: must be between 1 and 9223372036854775807"});
    CHECK(decision_issues(with(json, "item", "1")) == V{at + "item: must be a string"});
    CHECK(decision_issues(with(json, "outcome", R"("maybe")")) ==
          V{at + "outcome: is \"maybe\", not approved, rejected or correction"});
    CHECK(decision_issues(with(json, "reason", "{}")) == V{at + "reason: must be a string"});
    CHECK(decision_issues(with(json, "data", "[1]")) == V{at + "data: must be a JSON object"});
    CHECK(decision_issues(with(json, "missing_materials", "{}")) ==
          V{at + "missing_materials: must be a JSON array"});
    CHECK(decision_issues(with(json, "missing_materials", R"(["a", 2])")) ==
          V{at + "missing_materials[1]: must be a string"});
    CHECK(decision_issues(with(json, "decided_by", "false")) ==
          V{at + "decided_by: must be a string"});
    CHECK(decision_issues("[42]") == V{"$.decisions[0]: must be a JSON object",
                                       at + "cursor: is missing", at + "case_number: is missing",
                                       at + "item: is missing", at + "outcome: is missing",
                                       at + "decided_at: is missing"});
    // The optional fields may be left out (or null) by an older back office.
    CHECK(decision_issues(R"({"cursor": 1, "case_number": "A", "item": "B", "outcome": "approved",)"
                          R"( "data": null, "decided_at": "2026-11-23T10:00:00Z"})")
              .empty());
}

TEST_CASE("Scan names and material file names", "[exchange_messages]") {
    CHECK(ex::is_sha256_hex(kSha));
    CHECK_FALSE(ex::is_sha256_hex(std::string(63, 'a')));
    CHECK_FALSE(ex::is_sha256_hex(std::string(64, 'A')));
    CHECK_FALSE(ex::is_sha256_hex(std::string(63, 'a') + "g"));
    CHECK(ex::is_plain_file_name("照片.jpg"));
    for (const char* bad : {"", ".", "..", "a/b", "a\\b", "a\nb", "a\x7f"}) {
        INFO(bad);
        CHECK_FALSE(ex::is_plain_file_name(bad));
    }
    CHECK_FALSE(ex::is_plain_file_name(std::string(256, 'a')));
}

TEST_CASE("A supplement reads back unchanged and names each bad field", "[exchange][supply]") {
    ex::SupplementMessage s;
    s.supplement = "WX01-20261123-0001-BJ1";
    s.case_number = "WX01-20261123-0001";
    s.item = "FP-001";
    s.department = "county_health";
    s.reason = "tolerated";
    s.supplied_at = "2026-11-25 10:00:00";
    s.counter = "WX02";
    s.materials.push_back({"photo", "照片.jpg", 0, 1, kSha, std::nullopt});
    const auto json = ex::supplement_to_json(s);
    CHECK(to_json(json).rfind(R"({"supplement":"WX01-20261123-0001-BJ1","case_number")", 0) == 0);
    Issues issues;
    const auto read = ex::supplement_from_json(json, "body", "$", issues);
    CHECK(issues.empty());
    CHECK(to_json(ex::supplement_to_json(read)) == to_json(json));

    auto supplement_issues = [](const std::string& text) {
        Issues found;
        ex::supplement_from_json(parse_json(text, "body"), "body", "$", found);
        std::vector<std::string> out;
        for (const auto& issue : found.list()) out.push_back(issue.path + ": " + issue.message);
        return out;
    };
    using V = std::vector<std::string>;
    CHECK(supplement_issues(with(json, "reason", R"("later")")) ==
          V{"$.reason: is \"later\", not tolerated or correction"});
    CHECK(supplement_issues(with(json, "materials", "[]")) ==
          V{"$.materials: must list at least one material"});
    CHECK(supplement_issues(with(json, "materials", "")) == V{"$.materials: is missing"});
    CHECK(supplement_issues(with(json, "materials", R"([{"name": "a"}])")) ==
          V{"$.materials[0].sha256: a supplied material needs its scan"});
    CHECK(supplement_issues(R"({"reason": "correction"})") ==
          V{"$.supplement: is missing", "$.case_number: is missing", "$.item: is missing",
            "$.department: is missing", "$.materials: is missing"});
}
