// Testing a plugin with the SDK alone: load the built plugin folder through the C entry point,
// as the host does, with host services of the test's own (a fixed clock, the settings you give,
// the log lines kept for you to look at), and call it with JSON.
//
//     #include <onewindow/sdk/testing.hpp>
//     using namespace onewindow::sdk::testing;
//     int main(int argc, char** argv) {
//         LoadedPlugin plugin(argv[1]);                   // the plugin folder, e.g. build/example
//         auto answer = plugin.validate(request("000799001000", R"({"example.site_area": 500})"));
//         check(has_finding(answer, "example.site_area", "error"), "too large an area is an
//         error"); return report();                                // 0 when every check held
//     }
//
// onewindow_add_plugin_test() (OneWindowSDKConfig.cmake) builds such a test and registers it with
// CTest, the plugin folder as its first argument. What it does not do: check the manifest, the
// forms and templates, or the trust (that is `onewindow-cli plugins check`), nor take a case in
// (that is the counter): it tests the plugin's own code.
//
// Threads: one LoadedPlugin per thread. Ownership: LoadedPlugin owns the library and the
// instance; the library stays loaded until the process ends (a plugin's statics may be used by
// objects still alive).
#pragma once

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "onewindow/sdk/plugin.hpp"

namespace onewindow::sdk::testing {

/// Failures counted by check(); report() prints the count and returns the exit code.
inline int& failures() {
    static int count = 0;
    return count;
}

/// Records a failed check with its description (printed at once).
inline void check(bool holds, const std::string& what) {
    if (holds) return;
    ++failures();
    std::cerr << "FAILED: " << what << '\n';
}

/// "N checks failed" or "all checks held"; the exit code of the test (0 when all held).
inline int report() {
    if (failures() == 0) {
        std::cout << "all checks held\n";
        return 0;
    }
    std::cerr << failures() << " checks failed\n";
    return 1;
}

/// Parses a JSON object (PluginError when it is not one).
inline Object object(const std::string& json) { return detail::parse_object(json.c_str()); }

/// A validate / route / derive request of one item: the values as JSON text, the counter's date
/// and service area.
inline Object request(const std::string& item, const std::string& values_json,
                      const std::vector<std::string>& materials = {},
                      const std::string& today = "2026-11-23",
                      const std::string& service_area = "130434") {
    Object r = new Poco::JSON::Object(true);
    r->set("item", item);
    r->set("values", object(values_json));
    Array list = new Poco::JSON::Array;
    for (const auto& m : materials) list->add(m);
    r->set("materials", list);
    r->set("today", today);
    r->set("service_area", service_area);
    return r;
}

/// True when a validate answer holds a finding on `field` of `severity` ("error"/"warning").
inline bool has_finding(const Object& answer, const std::string& field,
                        const std::string& severity) {
    auto findings = answer->getArray("findings");
    for (std::size_t i = 0; findings && i < findings->size(); ++i) {
        auto f = findings->getObject(static_cast<unsigned>(i));
        if (f && f->optValue<std::string>("field", "") == field &&
            f->optValue<std::string>("severity", "") == severity)
            return true;
    }
    return false;
}

/// The plugin of a built plugin folder, loaded and created with test host services.
class LoadedPlugin {
  public:
    /// Loads <folder>/<the manifest's "library">, creates an instance with `settings_json` and a
    /// clock that says `now`. PluginError when anything fails (the message says what).
    explicit LoadedPlugin(const std::string& folder, std::string settings_json = "{}",
                          std::string now = "2026-11-23 09:00:00")
        : settings_(std::move(settings_json)), now_(std::move(now)) {
        std::ifstream in(folder + "/plugin.json");
        if (!in) throw PluginError(folder + "/plugin.json cannot be read");
        std::stringstream text;
        text << in.rdbuf();
        const std::string library = object(text.str())->optValue<std::string>("library", "");
        if (library.empty())
            throw PluginError(folder + "/plugin.json has no \"library\" (build the plugin first)");
        handle_ = ::dlopen((folder + "/" + library).c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle_) throw PluginError(std::string("cannot load the plugin: ") + ::dlerror());
        auto entry = reinterpret_cast<ow_entry_fn>(::dlsym(handle_, ONEWINDOW_ENTRY_SYMBOL));
        if (!entry) throw PluginError("the library exports no " ONEWINDOW_ENTRY_SYMBOL);
        table_ = entry();
        if (!table_ || table_->struct_size < sizeof(ow_plugin_v1) || !table_->create)
            throw PluginError("the plugin is not built for ABI 1.2 or newer");
        services_ = ow_host_v1{sizeof(ow_host_v1),
                               ONEWINDOW_ABI_MAJOR,
                               ONEWINDOW_ABI_MINOR,
                               this,
                               &free_text,
                               &log_line,
                               &clock,
                               &settings};
        Object init = new Poco::JSON::Object(true);
        init->set("abi",
                  std::to_string(ONEWINDOW_ABI_MAJOR) + "." + std::to_string(ONEWINDOW_ABI_MINOR));
        init->set("host_version", "test");
        init->set("plugin_id", object(text.str())->optValue<std::string>("id", ""));
        init->set("settings", object(settings_));
        char* answer = nullptr;
        const int rc =
            table_->create(&services_, detail::stringify(init).c_str(), &instance_, &answer);
        const std::string message = take(answer);
        if (rc != OW_OK) throw PluginError("the plugin refused to start: " + message);
    }
    ~LoadedPlugin() {
        if (table_ && instance_ && table_->destroy) table_->destroy(instance_);
    }
    LoadedPlugin(const LoadedPlugin&) = delete;
    LoadedPlugin& operator=(const LoadedPlugin&) = delete;

    /// One operation (OW_OP_*); PluginError with the plugin's message when it answers OW_ERROR.
    Object call(int operation, const Object& request) {
        char* answer = nullptr;
        const int rc =
            table_->call(instance_, operation, detail::stringify(request).c_str(), &answer);
        const std::string text = take(answer);
        if (rc != OW_OK) throw PluginError(text);
        return object(text);
    }
    Object validate(const Object& r) { return call(OW_OP_VALIDATE, r); }
    Object route(const Object& r) { return call(OW_OP_ROUTE, r); }
    Object derive(const Object& r) { return call(OW_OP_DERIVE, r); }
    Object fill_document(const Object& r) { return call(OW_OP_FILL_DOCUMENT, r); }

    /// The lines the plugin logged, "LEVEL message" (LEVEL: 0 debug ... 3 error).
    const std::vector<std::string>& log() const { return log_; }

  private:
    std::string take(char* answer) const {
        std::string text = answer ? answer : "";
        if (answer) table_->free_string(answer);
        return text;
    }
    static char* copy(const std::string& text) {
        char* out = static_cast<char*>(std::malloc(text.size() + 1));
        if (out) std::memcpy(out, text.c_str(), text.size() + 1);
        return out;
    }
    static void free_text(void*, char* text) { std::free(text); }
    static void log_line(void* context, int level, const char* message) {
        static_cast<LoadedPlugin*>(context)->log_.push_back(std::to_string(level) + " " +
                                                            (message ? message : ""));
    }
    static char* clock(void* context) { return copy(static_cast<LoadedPlugin*>(context)->now_); }
    static char* settings(void* context) {
        return copy(static_cast<LoadedPlugin*>(context)->settings_);
    }

    std::string settings_, now_;
    std::vector<std::string> log_;
    void* handle_ = nullptr;
    const ow_plugin_v1* table_ = nullptr;
    ow_host_v1 services_{};
    void* instance_ = nullptr;
};

}  // namespace onewindow::sdk::testing
