#include <catch2/catch.hpp>

#include "onewindow/core/error.hpp"
#include "onewindow/core/json.hpp"

using namespace onewindow;

TEST_CASE("ObjectReader names file, path and reason for every bad key", "[json]") {
    Issues issues;
    auto doc = parse_json(R"({"id": 5, "name": "", "extra": true, "list": ["a", 1]})", "m.json");
    auto reader = ObjectReader::of(doc, "m.json", "$", issues);
    CHECK(reader.string("id").empty());
    CHECK(reader.string("name").empty());
    CHECK(reader.string("missing").empty());
    auto list = reader.strings("list", true);
    reader.reject_unknown({"id", "name", "missing", "list"});
    REQUIRE(list == std::vector<std::string>{"a"});
    REQUIRE(issues.size() == 5);
    CHECK(issues.list()[0].to_string() == "m.json: $.id: must be a string");
    CHECK(issues.list()[1].to_string() == "m.json: $.name: must not be empty");
    CHECK(issues.list()[2].to_string() == "m.json: $.missing: is missing");
    CHECK(issues.list()[3].to_string() == "m.json: $.list[1]: must be a string");
    CHECK(issues.list()[4].to_string() == "m.json: $.extra: unknown key \"extra\"");
}

TEST_CASE("Malformed JSON is an input error naming the file", "[json]") {
    try {
        parse_json("{\"a\": [1, 2", "case.json");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Input);
        CHECK(std::string(e.what()).rfind("case.json: $: malformed JSON", 0) == 0);
    }
}

TEST_CASE("JSON paths quote keys that are not identifiers", "[json]") {
    CHECK(json_path_key("$", "values") == "$.values");
    CHECK(json_path_key("$.values", "applicant.name") == "$.values[\"applicant.name\"]");
    CHECK(json_path_index("$.items", 3) == "$.items[3]");
}
