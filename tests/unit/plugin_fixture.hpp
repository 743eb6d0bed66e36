// A department plugin as the host runs it, for the plugin tests: the real built .so from the
// stage folder, trusted and loaded through the plugin host (Boost.DLL), with the settings an
// administrator would give it; and the plugin's item files read from its staged folder against
// the shared dictionary and its own fragment.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/plugin_data.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/unified_form.hpp"
#include "temp_dir.hpp"

namespace onewindow::testing {

inline const std::filesystem::path& staged_plugins() {
    static const std::filesystem::path dir = std::filesystem::path(ONEWINDOW_STAGE_DIR) / "plugins";
    return dir;
}

/// A valid ID number from its first 17 characters.
inline std::string id(const std::string& first17) {
    return first17 + id_number_check_character(first17);
}

/// One plugin, trusted by a temporary administrator, loaded with `settings`; running unless
/// `must_run` is false (to test a refusal to initialize).
struct PluginFixture {
    std::string plugin;
    TempDir dir{"onewindow-plugin-test"};
    std::unique_ptr<PluginHost> host;

    explicit PluginFixture(std::string id,
                           Poco::JSON::Object::Ptr settings = new Poco::JSON::Object,
                           bool must_run = true)
        : plugin(std::move(id)) {
        Issues issues;
        trust_plugin_folders(dir.path / "trusted.json", {staged_plugins() / plugin}, issues);
        REQUIRE(issues.empty());
        Poco::JSON::Object::Ptr all = new Poco::JSON::Object;
        all->set(plugin, settings);
        HostOptions options;
        options.plugin_roots = {staged_plugins()};
        options.trusted_list_file = dir.path / "trusted.json";
        options.state_dir = dir.path / "state";
        options.settings = all;
        options.dictionary = Dictionary::load(
            std::filesystem::path(ONEWINDOW_SOURCE_DIR) / "forms" / "fields.json", issues);
        host = std::make_unique<PluginHost>(std::move(options));
        host->load_all();
        if (must_run) REQUIRE(host->running(plugin));
    }

    /// Why the plugin is not running ("" when it is).
    std::string load_error() const {
        for (const auto& status : host->plugins())
            if (status.manifest.id == plugin) return status.error;
        return "not found";
    }

    /// The plugin's answer to validate, as compact JSON.
    std::string validate(const Poco::JSON::Object::Ptr& request) {
        return to_json(host->call(plugin, Operation::Validate, request));
    }
    std::string route(const Poco::JSON::Object::Ptr& request) {
        return to_json(host->call(plugin, Operation::Route, request));
    }
    /// The message of the error the plugin raises for `request`, "" when it raises none.
    std::string failure(Operation op, const Poco::JSON::Object::Ptr& request) {
        try {
            host->call(plugin, op, request);
        } catch (const Error& e) {
            return e.what();
        }
        return {};
    }
};

/// A validate/route request of one item with the counter's date and service area.
inline Poco::JSON::Object::Ptr request_of(const std::string& item,
                                          const Poco::JSON::Object::Ptr& values) {
    Poco::JSON::Object::Ptr r = new Poco::JSON::Object;
    r->set("item", item);
    r->set("values", values);
    r->set("today", "2026-11-23");
    r->set("service_area", "130434");
    return r;
}

/// The same from the values written as a JSON object.
inline Poco::JSON::Object::Ptr request_of(const std::string& item, const std::string& values) {
    return request_of(item, parse_json(values, "test").extract<Poco::JSON::Object::Ptr>());
}

/// Sets the keys of the materials the applicant supplied.
inline void supply(Poco::JSON::Object::Ptr request, std::initializer_list<const char*> keys) {
    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    for (const char* key : keys) materials->add(std::string(key));
    request->set("materials", materials);
}

/// The shared dictionary with every staged plugin's fragment, and every item the staged plugins
/// ship, as the counter reads them.
struct StagedItems {
    Dictionary dictionary;
    Catalogue catalogue;

    StagedItems() {
        Issues issues;
        dictionary = Dictionary::load(
            std::filesystem::path(ONEWINDOW_SOURCE_DIR) / "forms" / "fields.json", issues);
        std::set<std::filesystem::path> folders;
        for (const auto& plugin : std::filesystem::directory_iterator(staged_plugins()))
            if (std::filesystem::exists(plugin.path() / "plugin.json")) folders.insert(plugin);
        for (const auto& folder : folders) {
            const PluginManifest manifest = read_manifest(folder / "plugin.json", issues);
            for (auto& item : load_plugin_data(manifest, dictionary, issues).items)
                catalogue.add(std::move(item));
        }
        REQUIRE(issues.to_string() == "");
    }

    const ServiceItem& item(const std::string& code) const {
        const ServiceItem* found = catalogue.find(code);
        REQUIRE(found);
        return *found;
    }

    UnifiedForm form(const std::vector<std::string>& codes) const {
        std::vector<const ServiceItem*> items;
        for (const auto& code : codes) items.push_back(&item(code));
        return build_unified_form(items, dictionary);
    }

    static const StagedItems& get() {
        static const StagedItems staged;
        return staged;
    }
};

/// A plugin's answer to validate when it finds nothing.
inline const std::string kNoFindings = R"({"findings":[]})";

inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// True when the answer holds a warning (not an error) whose message starts with `message`.
inline bool warns(const std::string& text, const std::string& message) {
    return has(text, R"("severity":"warning","message":")" + message);
}

/// True when the answer holds an error (a refusal of the intake) whose message starts with
/// `message`.
inline bool refuses(const std::string& text, const std::string& message) {
    return has(text, R"("severity":"error","message":")" + message);
}

/// How many times the unified form asks for `key` (1 when asked once).
inline int times_asked(const UnifiedForm& form, const std::string& key) {
    int seen = 0;
    for (const auto& section : form.sections)
        for (const auto& field : section.fields)
            if (field.def.key == key) ++seen;
    return seen;
}

/// How many times the merged materials list `key`.
inline int times_listed(const UnifiedForm& form, const std::string& key) {
    int seen = 0;
    for (const auto& material : form.materials)
        if (material.material.key == key) ++seen;
    return seen;
}

/// What every item of a department must carry: its catalogue elements and implementation list,
/// a form without conflicts that asks the applicant's ID number once, one ID card material.
struct ExpectedItem {
    const char* code;
    const char* name;
    const char* type;
    bool immediate;
    int promised_days, legal_days;
};

inline void check_item_basics(const ExpectedItem& e, const std::string& department,
                              const std::string& enquiry_phone) {
    INFO(e.code);
    const auto& staged = StagedItems::get();
    const ServiceItem& item = staged.item(e.code);
    CHECK(item.name == e.name);
    CHECK(item.type == e.type);
    CHECK(item.immediate == e.immediate);
    CHECK(item.promised_days == e.promised_days);
    CHECK(item.legal_days == e.legal_days);
    CHECK(item.department_name == department);
    CHECK(item.body == department);
    CHECK(item.fees == "不收费");
    CHECK(item.basis.find("《") != std::string::npos);
    CHECK(item.enquiry_phone == enquiry_phone);
    CHECK(item.complaint_phone == "0310-3519999");
    auto form = staged.form({e.code});
    CHECK(form.conflicts.empty());
    CHECK(times_asked(form, "applicant.id_number") == 1);
    CHECK(times_listed(form, "id_card") == 1);
}

}  // namespace onewindow::testing
