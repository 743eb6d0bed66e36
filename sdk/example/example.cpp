// The smallest complete plugin: one rule, one route.
#include <onewindow/sdk/plugin.hpp>

class Example : public onewindow::sdk::Plugin {
  public:
    onewindow::sdk::Findings validate(const onewindow::sdk::Request& request) override {
        if (request.text("applicant.name").empty())
            return {{"applicant.name", "error", "请填写申请人姓名"}};
        return {};
    }
    onewindow::sdk::Routes route(const onewindow::sdk::Request&) override {
        return {{"example", "example", false, true}};
    }
};

ONEWINDOW_PLUGIN(Example)
