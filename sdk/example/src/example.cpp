// The smallest complete department: one item (forms/registration.json) with its own fields and
// material (dictionary.json, keys "example.*"), a check beyond the form's rules, a route, a
// result document (templates/certificate.json) and a setting (plugin.json "settings"). The
// guide (sdk/README.md, sdk/docs/) explains each part; tests/test_example.cpp tests it.
#include <onewindow/sdk/helpers.hpp>
#include <onewindow/sdk/plugin.hpp>

using namespace onewindow::sdk;

namespace {

const char* const kRegistration = "000799001000";

class Example : public Plugin {
  public:
    // Once, before anything else: read the settings (plugin.json declares them; the host has
    // checked them and filled in the default). Throwing here keeps the plugin out, with the
    // message in the plugins overview.
    void init(const Object& host) override {
        max_site_area_ = number_setting(host->getObject("settings"), "max_site_area", 1, 100000,
                                        "a number of square metres")
                             .value_or(max_site_area_);
        this->host().info("用地面积上限 " + number_text(max_site_area_) + " 平方米");
    }

    // The department's rules beyond the form's: the form already checked that the area is a
    // number between 1 and 100000 and that every required field is there.
    Findings validate(const Request& request) override {
        expect_item(request, {kRegistration});
        Findings findings;
        const auto area = number_of(request.values, "example.site_area");
        if (area && *area > max_site_area_)
            findings.push_back(
                error("example.site_area",
                      "用地面积超过本县规定的上限 " + number_text(max_site_area_) + " 平方米"));
        if (request.text("example.purpose") == "经营")
            findings.push_back(
                warning("example.purpose", "经营用途另需办理经营许可，请一并告知申请人"));
        if (registered_elsewhere(request))
            findings.push_back(error("applicant.hukou_division", "申请人户籍不在本县，不予登记"));
        return findings;
    }

    // Where the accepted item goes: the department's back office, no preliminary review.
    Routes route(const Request& request) override {
        expect_item(request, {kRegistration});
        return {{"example", "example", false, true}};
    }

    // The result document of an approved item: a value for every {{binding}} of the template.
    Object fill_document(const Object& request) override {
        auto kase = request->getObject("case");
        auto decision = request->getObject("decision");
        if (!kase || !decision || !kase->getObject("values"))
            throw PluginError("fill_document needs the case and the decision");
        auto values = kase->getObject("values");
        auto data = decision->getObject("data");
        const std::string number = data ? data->optValue<std::string>("certificate_no", "") : "";
        if (number.empty()) throw PluginError("审批结果中没有证明编号（certificate_no）");

        Object fields = new Poco::JSON::Object(true);
        fields->set("certificate_no", number);
        fields->set("issuing_body",
                    kase->getObject("item")->optValue<std::string>("department", ""));
        fields->set("case_number", kase->optValue<std::string>("number", ""));
        const auto decided =
            parse_day(decision->optValue<std::string>("decided_at", "").substr(0, 10));
        fields->set("issued_on", decided ? std::to_string(decided->year) + "年" +
                                               std::to_string(decided->month) + "月" +
                                               std::to_string(decided->day) + "日"
                                         : std::string());
        Object holder = new Poco::JSON::Object(true);
        holder->set("name", values->optValue<std::string>("applicant.name", ""));
        holder->set("id_number", values->optValue<std::string>("applicant.id_number", ""));
        fields->set("holder", holder);
        Object site = new Poco::JSON::Object(true);
        site->set("address", values->optValue<std::string>("example.site_address", ""));
        site->set("area", number_text(number_of(values, "example.site_area").value_or(0)));
        site->set("purpose", values->optValue<std::string>("example.purpose", ""));
        fields->set("site", site);
        return fields;
    }

  private:
    double max_site_area_ = 200;
};

}  // namespace

ONEWINDOW_PLUGIN(Example)
