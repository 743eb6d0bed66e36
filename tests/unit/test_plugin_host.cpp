#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "onewindow/core/error.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path root = fs::path(ONEWINDOW_BINARY_DIR) / "fixture-plugins";

HostOptions options(const fs::path& state) {
    HostOptions o;
    o.plugin_roots = {root};
    o.trusted_list_file = root.string() + ".trusted.json";
    o.state_dir = state;
    return o;
}

std::string error_of(const PluginHost& host, const std::string& id) {
    const PluginStatus* p = host.find(id);
    REQUIRE(p);
    return p->error;
}

PluginState state_of(const PluginHost& host, const std::string& id) {
    const PluginStatus* p = host.find(id);
    REQUIRE(p);
    return p->state;
}

Poco::JSON::Object::Ptr request(const std::string& item, const std::string& name) {
    Poco::JSON::Object::Ptr r = new Poco::JSON::Object;
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
    if (!name.empty()) values->set("applicant.name", name);
    r->set("item", item);
    r->set("values", values);
    return r;
}

struct State {
    fs::path dir = testing::unique_temp_path("onewindow-host-state");
    ~State() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("Every broken plugin is reported and skipped, the good ones run", "[plugins]") {
    State state;
    PluginHost host(options(state.dir));
    host.load_all();
    CHECK(host.plugins().size() == 15);

    CHECK(state_of(host, "good_base") == PluginState::Running);
    CHECK(state_of(host, "good_child") == PluginState::Running);
    CHECK(state_of(host, "throws") == PluginState::Running);

    CHECK(state_of(host, "wrong_major") == PluginState::Failed);
    CHECK(error_of(host, "wrong_major") == "incompatible ABI: built for ABI 2.0, host has 1.0");
    CHECK(state_of(host, "newer_minor") == PluginState::Failed);
    CHECK(error_of(host, "newer_minor") ==
          "plugin needs a newer host: built for ABI 1.9, host has 1.0");
    CHECK(error_of(host, "no_entry").find("exports no onewindow_plugin_entry") !=
          std::string::npos);
    CHECK(state_of(host, "unresolved") == PluginState::Failed);
    CHECK(error_of(host, "unresolved").find("cannot load unresolved.so") != std::string::npos);
    CHECK(error_of(host, "init_fails") ==
          "initialization failed: settings missing: no county code");
    CHECK(error_of(host, "truncated").find("truncated") != std::string::npos);
    CHECK(error_of(host, "random_bytes") == "library random_bytes.so: not an ELF file");
    CHECK(state_of(host, "untrusted") == PluginState::Untrusted);
    CHECK(error_of(host, "untrusted").rfind("not trusted", 0) == 0);
    CHECK(error_of(host, "cycle_a") == "dependency cycle: cycle_a -> cycle_b -> cycle_a");
    CHECK(error_of(host, "cycle_b") == "dependency cycle: cycle_a -> cycle_b -> cycle_a");
    CHECK(error_of(host, "needs_missing") ==
          "depends on \"not_installed\", which is not available");

    // The bad manifest: one message per bad key, each naming the key.
    const std::string bad = error_of(host, "bad_manifest");
    CHECK(state_of(host, "bad_manifest") == PluginState::Invalid);
    for (const char* part :
         {"$.id: must be lower-case", "$.name: is missing", "$.version: must be",
          "$.department.name: is missing", "$.abi: must be a string",
          "$.library: must be a file name", "$.sha256: must be 64", "$.colour: unknown key"})
        CHECK(bad.find(part) != std::string::npos);

    // Good plugins answer; the dependent one was initialized after its dependency.
    auto answer = host.call("good_child", Operation::Route, request("T-good_child", "李娜"));
    CHECK(
        to_json(answer) ==
        R"({"routes":[{"department":"dept_good_child","endpoint":"endpoint_good_child","preliminary_review":false,"required":true}]})");
    auto findings = host.call("good_base", Operation::Validate, request("T", ""));
    CHECK(to_json(findings).find("good_base needs a name") != std::string::npos);

    // A throwing call is an error naming plugin and operation; the plugin stays usable.
    try {
        host.call("throws", Operation::Validate, request("throw", "x"));
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Plugin);
        CHECK(std::string(e.what()) == "plugin throws: validate: fixture validate exploded");
    }
    CHECK_NOTHROW(host.call("throws", Operation::Validate, request("ok", "x")));
    CHECK_THROWS_AS(host.call("untrusted", Operation::Route, request("x", "x")), Error);
}

TEST_CASE("A plugin that crashed during init last time is skipped", "[plugins]") {
    State state;
    fs::create_directories(state.dir);
    std::ofstream(state.dir / "good_base.initializing") << "1.0.0\n";
    PluginHost host(options(state.dir));
    host.load_all();
    CHECK(state_of(host, "good_base") == PluginState::Failed);
    CHECK(error_of(host, "good_base").find("brought the program down") != std::string::npos);
    CHECK(error_of(host, "good_child") == "dependency \"good_base\" failed");
}

TEST_CASE("Plugin folders are checked for developers", "[plugins]") {
    CHECK(check_plugin_folder(root / "good_base").empty());
    auto issues = check_plugin_folder(root / "wrong_major");
    REQUIRE(issues.size() == 1);
    CHECK(issues.list()[0].message.find("ABI 2.0") != std::string::npos);
    CHECK(check_plugin_folder(root / "init_fails").to_string().find("settings missing") !=
          std::string::npos);
}

TEST_CASE("The trusted list is saved and read back", "[plugins]") {
    State state;
    fs::create_directories(state.dir);
    TrustedList list;
    list.add("a", std::string(64, 'a'));
    list.add("a", std::string(64, 'a'));
    list.save(state.dir / "trusted.json");
    auto again = TrustedList::load(state.dir / "trusted.json");
    CHECK(again.trusts(std::string(64, 'a')));
    CHECK_FALSE(again.trusts(std::string(64, 'b')));
    std::ofstream(state.dir / "broken.json") << R"({"trusted": [{"id": 1}]})";
    CHECK_THROWS_AS(TrustedList::load(state.dir / "broken.json"), Error);
}
