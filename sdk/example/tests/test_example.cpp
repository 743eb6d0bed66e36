// The example department's own test, with the SDK alone: the built plugin folder is loaded
// through its C entry point and called with JSON (onewindow/sdk/testing.hpp).
#include <onewindow/sdk/testing.hpp>

using namespace onewindow::sdk;
using namespace onewindow::sdk::testing;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: test_example <plugin folder>\n";
        return 2;
    }
    const std::string code = "000799001000";
    LoadedPlugin plugin(argv[1], R"({"max_site_area": 150})");
    check(!plugin.log().empty() && plugin.log()[0].find("150") != std::string::npos,
          "init logs the area limit it read from the settings");

    // The department's check: an area over the limit is an error, a business use a warning.
    auto fine =
        plugin.validate(request(code, R"({"example.site_area": 120, "example.purpose": "自住",
                                                  "applicant.hukou_division": "130434"})"));
    check(fine->getArray("findings")->size() == 0, "120 square metres, for living: no finding");
    auto large = plugin.validate(request(code, R"({"example.site_area": 151})"));
    check(has_finding(large, "example.site_area", "error"), "151 square metres is over the limit");
    auto shop =
        plugin.validate(request(code, R"({"example.site_area": 80, "example.purpose": "经营"})"));
    check(has_finding(shop, "example.purpose", "warning"), "a business use is a warning");
    auto elsewhere = plugin.validate(request(code, R"({"applicant.hukou_division": "110105"})"));
    check(has_finding(elsewhere, "applicant.hukou_division", "error"),
          "an applicant registered in another county is refused");

    // Its route.
    auto routes = plugin.route(request(code, "{}"))->getArray("routes");
    check(routes && routes->size() == 1 &&
              routes->getObject(0)->getValue<std::string>("department") == "example",
          "the item goes to the department's back office");

    // Its result document: every binding of templates/certificate.json gets a value.
    auto sample = object(R"({"item": "000799001000", "template": "certificate",
        "case": {"number": "WX01-20261123-0001", "item": {"department": "示例局"},
                 "values": {"applicant.name": "李娜", "applicant.id_number": "13043419960315024X",
                            "example.site_address": "南关村 12 号", "example.site_area": 120.5,
                            "example.purpose": "自住"}},
        "decision": {"outcome": "approved", "decided_at": "2026-11-25 15:30:00",
                     "data": {"certificate_no": "示例证〔2026〕第0001号"}}})");
    auto fields = plugin.fill_document(sample)->getObject("fields");
    check(fields->getValue<std::string>("issued_on") == "2026年11月25日", "the date in Chinese");
    check(fields->getObject("site")->getValue<std::string>("area") == "120.5",
          "the area as written");
    check(fields->getObject("holder")->getValue<std::string>("name") == "李娜", "the holder");

    // A decision without a certificate number is refused with a message for the clerk.
    sample->getObject("decision")->set("data", object("{}"));
    try {
        plugin.fill_document(sample);
        check(false, "a decision without certificate_no is refused");
    } catch (const PluginError& e) {
        check(std::string(e.what()).find("certificate_no") != std::string::npos,
              "the refusal names certificate_no");
    }
    return report();
}
