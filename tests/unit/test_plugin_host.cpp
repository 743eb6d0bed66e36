#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "onewindow/core/error.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "temp_dir.hpp"
#include "trust.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path root = fs::path(ONEWINDOW_BINARY_DIR) / "fixture-plugins";

/// The fixtures' trusted list: every fixture but "untrusted", trusted once per run.
const fs::path& trusted_fixtures() {
    static const testing::TempDir dir{"onewindow-fixtures"};  // removed at exit
    static const fs::path list = [] {
        testing::trust_plugins_under(dir.path / "trusted.json", {root}, {"untrusted"});
        return dir.path / "trusted.json";
    }();
    return list;
}

/// The shared dictionary the fixtures' forms use.
const Dictionary& shared_dictionary() {
    static const Dictionary dictionary = [] {
        Issues issues;
        auto d = Dictionary::load(fs::path(ONEWINDOW_SOURCE_DIR) / "forms" / "fields.json", issues);
        issues.throw_if_any();
        return d;
    }();
    return dictionary;
}

CheckOptions check_options() {
    CheckOptions o;
    o.dictionary = shared_dictionary();
    return o;
}

HostOptions options(const fs::path& state) {
    HostOptions o;
    o.dictionary = shared_dictionary();
    o.plugin_roots = {root};
    o.trusted_list_file = trusted_fixtures();
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

TEST_CASE("Every broken plugin is reported and skipped, and the good ones run", "[plugins]") {
    State state;
    PluginHost host(options(state.dir));
    host.load_all();
    CHECK(host.plugins().size() == 17);

    CHECK(state_of(host, "good_base") == PluginState::Running);
    CHECK(state_of(host, "good_child") == PluginState::Running);
    CHECK(state_of(host, "throws") == PluginState::Running);

    CHECK(state_of(host, "wrong_major") == PluginState::Failed);
    CHECK(error_of(host, "wrong_major") == "incompatible ABI: built for ABI 2.2, host has 1.2");
    CHECK(state_of(host, "newer_minor") == PluginState::Failed);
    CHECK(error_of(host, "newer_minor") ==
          "plugin needs a newer host: built for ABI 1.9, host has 1.2");
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

    // A plugin built for ABI 1.0 runs in a 1.1 host; what it was built without is absent.
    REQUIRE(state_of(host, "older_minor") == PluginState::Running);
    CHECK_NOTHROW(host.call("older_minor", Operation::Validate, request("T", "李娜")));
    try {
        host.call_device("older_minor", "reader", "read");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "plugin older_minor: device: not provided by the plugin");
    }
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
    CHECK(check_plugin_folder(root / "good_base", check_options()).empty());
    auto issues = check_plugin_folder(root / "wrong_major", check_options());
    REQUIRE(issues.size() == 1);
    CHECK(issues.list()[0].message.find("ABI 2.2") != std::string::npos);
    CHECK(check_plugin_folder(root / "init_fails", check_options())
              .to_string()
              .find("settings missing") != std::string::npos);
}

TEST_CASE("The trusted list is saved and read back", "[plugins]") {
    State state;
    fs::create_directories(state.dir);
    TrustedList list;
    list.add("a", std::string(64, 'a'));
    list.add("a", std::string(64, 'a'));
    list.add("b", std::string(64, 'b'));
    list.save(state.dir / "trusted.json");
    auto again = TrustedList::load(state.dir / "trusted.json");
    CHECK(again.trusts("a", std::string(64, 'a')));
    CHECK_FALSE(again.trusts("a", std::string(64, 'b')));  // tied to the plugin id
    CHECK_FALSE(again.trusts("c", std::string(64, 'a')));
    // Trusting a plugin again replaces what was trusted for it.
    again.add("a", std::string(64, 'c'));
    CHECK(again.trusts("a", std::string(64, 'c')));
    CHECK_FALSE(again.trusts("a", std::string(64, 'a')));
    CHECK(again.trusted_digest("b") == std::string(64, 'b'));
    std::ofstream(state.dir / "broken.json") << R"({"trusted": [{"id": 1}]})";
    CHECK_THROWS_AS(TrustedList::load(state.dir / "broken.json"), Error);
}

namespace {

/// A plugin root of the test's own with copies of fixture plugins, which the test may change
/// (files, permissions) before an administrator trusts them and the host loads them.
struct Sandbox {
    testing::TempDir dir{"onewindow-sandbox"};
    fs::path plugins = dir.path / "plugins";
    fs::path trusted = dir.path / "trusted.json";

    explicit Sandbox(const std::vector<std::string>& fixtures) {
        fs::create_directories(plugins);
        for (const auto& id : fixtures)
            fs::copy(root / id, plugins / id, fs::copy_options::recursive);
    }
    fs::path folder(const std::string& id) const { return plugins / id; }
    /// Writes a file of a plugin folder.
    void write(const std::string& id, const std::string& relative, const std::string& text) const {
        fs::create_directories((plugins / id / relative).parent_path());
        std::ofstream(plugins / id / relative, std::ios::binary | std::ios::trunc) << text;
    }
    std::string read(const std::string& id, const std::string& relative) const {
        return read_text_file(plugins / id / relative);
    }
    /// Sets a manifest key to a JSON value (the library's stamped hash stays).
    void manifest(const std::string& id, const std::string& key, const std::string& json) const {
        auto object =
            parse_json(read(id, "plugin.json"), "manifest").extract<Poco::JSON::Object::Ptr>();
        object->set(key, parse_json("{\"v\": " + json + "}", "value")
                             .extract<Poco::JSON::Object::Ptr>()
                             ->get("v"));
        write(id, "plugin.json", to_json(object));
    }
    void trust_all() const { testing::trust_plugins_under(trusted, {plugins}); }
    HostOptions options() const {
        HostOptions o;
        o.dictionary = shared_dictionary();
        o.plugin_roots = {plugins};
        o.trusted_list_file = trusted;
        o.state_dir = dir.path / "state";
        return o;
    }
};

/// A fixture's validate answer to an empty name: "<id> needs a name (<library's own name>)".
std::string name_finding(PluginHost& host, const std::string& id) {
    return to_json(host.call(id, Operation::Validate, request("T-" + id, "")));
}

}  // namespace

TEST_CASE("The host runs exactly the bytes it hashed, not what the folder holds later",
          "[plugins][trust]") {
    Sandbox box({"good_base", "throws"});
    box.trust_all();
    const std::string other_library = box.read("throws", "throws.so");
    const std::string form = box.read("good_base", "forms/item.json");
    HostOptions o = box.options();
    int swaps = 0;
    // Between the read (and hash) and the load, the library and the form are replaced on disk.
    o.after_read = [&](const fs::path& folder) {
        if (folder.filename() != "good_base") return;
        ++swaps;
        box.write("good_base", "good_base.so", other_library);
        std::string changed = form;
        changed.replace(changed.find("测试事项"), std::string("测试事项").size(), "换过的事项");
        box.write("good_base", "forms/item.json", changed);
    };
    PluginHost host(std::move(o));
    host.load_all();
    REQUIRE(swaps == 1);
    REQUIRE(host.running("good_base"));
    // The code that runs is good_base's (its own name in the answer), not the swapped bytes.
    const std::string answer = name_finding(host, "good_base");
    CHECK(answer.find("good_base needs a name (good_base)") != std::string::npos);
    CHECK(answer.find("(throws)") == std::string::npos);
    // The catalogue data is the form as hashed.
    const auto& items = host.find("good_base")->data.items;
    REQUIRE(items.size() == 1);
    CHECK(items[0].name == "测试事项 good_base");

    // The next start reads the changed folder: the swapped library no longer matches its
    // manifest, and a changed form alone makes the plugin untrusted.
    PluginHost next(box.options());
    next.load_all();
    CHECK(next.find("good_base")->state == PluginState::Failed);
    CHECK(next.find("good_base")->error.find("does not match the SHA-256") != std::string::npos);
    box.write("good_base", "good_base.so", read_text_file(root / "good_base" / "good_base.so"));
    PluginHost third(box.options());
    third.load_all();
    CHECK(third.find("good_base")->state == PluginState::Untrusted);
    CHECK(third.find("good_base")->error.find("its files changed since it was trusted") !=
          std::string::npos);
    CHECK(third.running("throws"));
}

TEST_CASE("A plugin folder writable by group or others, or with a symbolic link, is refused",
          "[plugins][trust]") {
    Sandbox box({"good_base", "good_child", "throws"});
    box.trust_all();
    fs::permissions(box.folder("good_base"), fs::perms::group_write, fs::perm_options::add);
    fs::permissions(box.folder("good_child") / "good_child.so", fs::perms::others_write,
                    fs::perm_options::add);
    fs::create_symlink(root / "good_base" / "forms", box.folder("throws") / "more");
    PluginHost host(box.options());
    host.load_all();
    for (const char* id : {"good_base", "good_child", "throws"}) {
        INFO(id);
        CHECK(host.find(id)->state == PluginState::Failed);
        CHECK_FALSE(host.running(id));
    }
    CHECK(host.find("good_base")->error.find("writable by group or others") != std::string::npos);
    CHECK(host.find("good_child")->error.find("good_child.so: $: the file is writable by group") !=
          std::string::npos);
    CHECK(host.find("throws")->error.find("more: $: is a symbolic link") != std::string::npos);
}

TEST_CASE("Plugins reach the host's services: the counter's log, clock and settings",
          "[plugins][services]") {
    Sandbox box({"good_base", "minor_1"});
    box.trust_all();
    HostOptions o = box.options();
    std::vector<LogLine> lines;
    o.log = [&](const LogLine& line) { lines.push_back(line); };
    o.now = [] { return std::string("2026-11-23 10:00:00"); };
    o.settings = parse_json(R"({"good_base": {"county": "130434"}})", "settings")
                     .extract<Poco::JSON::Object::Ptr>();
    PluginHost host(std::move(o));
    host.load_all();
    REQUIRE(host.running("good_base"));
    const std::string answer =
        to_json(host.call("good_base", Operation::Validate, request("services", "x")));
    CHECK(answer.find(R"("field":"now","severity":"warning","message":"2026-11-23 10:00:00")") !=
          std::string::npos);
    CHECK(answer.find(R"({\"county\":\"130434\"})") != std::string::npos);
    // One line, marked with the plugin, on one line, the ID and phone numbers masked.
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].plugin == "good_base");
    CHECK(lines[0].level == 2);
    CHECK(lines[0].message == "checked applicant 130434********024X phone 138****5678");

    // A plugin built for ABI 1.1 (no create) still loads and is called through its 1.0 members.
    REQUIRE(host.running("minor_1"));
    CHECK(name_finding(host, "minor_1").find("minor_1 needs a name (minor_1)") !=
          std::string::npos);
}

TEST_CASE("A plugin's bad vocabulary, forms or templates keep it out, each named, the others run",
          "[plugins][vocabulary]") {
    Sandbox box(
        {"good_base", "good_child", "throws", "init_fails", "unresolved", "cycle_a", "no_entry"});
    // good_base brings its own field, and a shared table with the columns it needs.
    box.write("good_base", "dictionary.json", R"({"format": "onewindow.fields/1", "version": 1,
        "fields": {"good_base.area": {"label": "面积", "type": "number"}},
        "materials": {"good_base.plan": {"name": "示意图"}}})");
    box.manifest("good_base", "dictionary", R"("dictionary.json")");
    std::string form = box.read("good_base", "forms/item.json");
    form.replace(form.find(R"([{"key": "applicant.name"}])"),
                 std::string(R"([{"key": "applicant.name"}])").size(),
                 R"([{"key": "applicant.name"}, {"key": "good_base.area"},
                     {"key": "household.members", "columns": ["member.name"]}])");
    box.write("good_base", "forms/item.json", form);
    // Each of the others breaks one rule.
    struct Case {
        std::string id, file, text, expected;
    };
    const std::vector<Case> cases = {
        {"good_child", "dictionary.json", R"({"format": "onewindow.fields/1", "version": 1,)",
         "dictionary.json: $: malformed JSON"},
        {"throws", "dictionary.json",
         R"({"format": "onewindow.fields/1", "version": 1, "fields": {
             "throws.a": {"label": "甲", "type": "text"}, "throws.a": {"label": "乙", "type": "text"}},
             "materials": {}})",
         R"(dictionary.json: $.fields["throws.a"]: this key appears more than once)"},
        {"init_fails", "dictionary.json",
         R"({"format": "onewindow.fields/1", "version": 1, "fields": {
             "init_fails.colour": {"label": "颜色", "type": "colour"}}, "materials": {}})",
         R"(dictionary.json: $.fields["init_fails.colour"].type: unknown field type "colour")"},
        {"unresolved", "dictionary.json",
         R"({"format": "onewindow.fields/1", "version": 1, "fields": {
             "applicant.name": {"label": "姓名", "type": "text"}}, "materials": {}})",
         R"(dictionary.json: $.fields["applicant.name"]: the plugin unresolved redefines the shared key applicant.name: the shared dictionary defines it as {"label":"申请人姓名")"},
        {"cycle_a", "dictionary.json",
         R"({"format": "onewindow.fields/1", "version": 1, "fields": {
             "good_base.size": {"label": "大小", "type": "number"}}, "materials": {}})",
         R"(dictionary.json: $.fields["good_base.size"]: the key good_base.size lies outside the plugin's namespace: name it "cycle_a.<name>")"},
    };
    for (const auto& c : cases) {
        box.write(c.id, c.file, c.text);
        box.manifest(c.id, "dictionary", R"("dictionary.json")");
    }
    // A form using a key no dictionary defines, and one using another plugin's key.
    std::string unknown = box.read("no_entry", "forms/item.json");
    unknown.replace(unknown.find(R"("applicant.name")"), std::string(R"("applicant.name")").size(),
                    R"("no_entry.nothing")");
    box.write("no_entry", "forms/item.json", unknown);
    box.manifest("cycle_a", "dependencies", "[]");  // not a cycle any more
    box.trust_all();

    PluginHost host(box.options());
    host.load_all();
    REQUIRE(host.running("good_base"));
    const auto& item = host.find("good_base")->data.items.at(0);
    CHECK(item.sections.at(0).fields.at(2).columns == std::vector<std::string>{"member.name"});
    CHECK(host.dictionary().field("good_base.area"));
    CHECK(host.dictionary().field("good_base.area")->owner == "good_base");
    CHECK(host.dictionary().material("good_base.plan"));
    for (const auto& c : cases) {
        INFO(c.id);
        const PluginStatus* status = host.find(c.id);
        CHECK(status->state == PluginState::Failed);
        CHECK(status->error.find((box.folder(c.id) / c.expected).string()) != std::string::npos);
        CHECK(status->data.items.empty());
        CHECK_FALSE(host.dictionary().field(c.id + ".a"));
    }
    CHECK(host.find("no_entry")
              ->error.find("forms/item.json: $.form.sections[0].fields[0].key: unknown field key "
                           "\"no_entry.nothing\"") != std::string::npos);
    // The applicant's name is still the shared one.
    CHECK(host.dictionary().field("applicant.name")->label == "申请人姓名");
}

TEST_CASE("Items without a form, items served twice and templates of other items are refused",
          "[plugins][vocabulary]") {
    Sandbox box({"good_base", "minor_1", "throws"});
    box.manifest("minor_1", "items", R"(["T-minor_1", "T-extra"])");
    // throws serves good_base's item too.
    std::string form = box.read("good_base", "forms/item.json");
    box.write("throws", "forms/item.json", form);
    box.manifest("throws", "items", R"(["T-good_base"])");
    box.write("good_base", "templates/card.json",
              R"({"format": "onewindow.template/1", "id": "card", "version": 1,
                  "items": ["T-nobody"], "page": {"size": "A5"},
                  "body": [{"type": "title", "text": "{{title}}"}]})");
    box.manifest("good_base", "templates", R"(["templates/card.json"])");
    box.trust_all();
    PluginHost host(box.options());
    host.load_all();
    CHECK(host.find("minor_1")->error.find("plugin.json: $.items[1]: item T-extra has no form") !=
          std::string::npos);
    CHECK(host.find("good_base")
              ->error.find(
                  "templates/card.json: $.items[0]: item T-nobody is not an item of the plugin") !=
          std::string::npos);
    CHECK_FALSE(host.running("good_base"));
    // good_base is out, so throws serves T-good_base alone.
    CHECK(host.running("throws"));

    // With good_base fixed, the item is served twice: the second plugin is refused.
    box.manifest("good_base", "templates", "[]");
    box.trust_all();
    PluginHost again(box.options());
    again.load_all();
    REQUIRE(again.running("good_base"));
    CHECK(again.find("throws")->error.find("item T-good_base is already served by the plugin "
                                           "good_base") != std::string::npos);
}

TEST_CASE(
    "plugins check fills each result template from sample data and names a binding to nothing",
    "[plugins][vocabulary]") {
    Sandbox box({"good_base"});
    box.write("good_base", "templates/card.json",
              R"({"format": "onewindow.template/1", "id": "card", "version": 1,
                  "items": ["T-good_base"], "page": {"size": "A5"},
                  "body": [{"type": "title", "text": "登记卡"},
                           {"type": "paragraph", "text": "编号 {{card_no}}"}]})");
    box.manifest("good_base", "templates", R"(["templates/card.json"])");
    // The fixture fills no field: {{card_no}} binds to nothing.
    const std::string issues =
        check_plugin_folder(box.folder("good_base"), check_options()).to_string();
    INFO(issues);
    CHECK(issues.find((box.folder("good_base") / "templates/card.json").string() +
                      ": $.body[1].text: unknown binding \"card_no\"") != std::string::npos);
    // Loading checks the template's structure only: the plugin runs.
    box.trust_all();
    PluginHost host(box.options());
    host.load_all();
    CHECK(host.running("good_base"));
}
