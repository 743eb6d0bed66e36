// The C++ layer of the OneWindow SDK: what a department developer writes against.
//
//     #include <onewindow/sdk/plugin.hpp>
//     class FamilyPlanning : public onewindow::sdk::Plugin {
//         Findings validate(const Request& request) override { ... }
//         Routes route(const Request& request) override { ... }
//     };
//     ONEWINDOW_PLUGIN(FamilyPlanning)
//
// ONEWINDOW_PLUGIN defines the exported C entry point (abi.h), stamps the ABI version the plugin
// is compiled against, and turns every exception thrown by the plugin into an OW_ERROR answer
// carrying the exception's message: no exception ever crosses into the shell.
//
// Instances. A host of ABI 1.2 creates one instance of your class per loaded plugin (`create`)
// and destroys it last; the instance reaches the host's services through host() (HostServices:
// the counter's log, its date and time, your settings). Keep state in members, never in
// statics: two hosts in one process (the tests do that) have two instances. Older hosts call
// the 1.0 members, which serve one instance per loaded library.
//
// Threads: the host calls one instance from one thread at a time, init() first; see abi.h for
// the call order and time budgets of each member.
// Forbidden: windows, database files, network. A plugin gets data and returns decisions.
//
// JSON is Poco::JSON (Debian libpoco-dev; the SDK package links it for you): it is the data
// model of the request and answer types below since SDK 1.0, and stays so that every existing
// plugin keeps building. Poco types never cross the C boundary (only JSON text does), and the
// host services (HostServices) use std::string only; see sdk/docs/abi.md.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "onewindow/sdk/abi.h"

namespace onewindow::sdk {

using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;

/// An error a plugin raises on purpose; its message reaches the clerk (write it in Chinese).
class PluginError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The request of validate / route / derive: one item of a case and the form's values.
struct Request {
    std::string item;  // unified code of the service item
    Object values;     // field key -> value (strings, numbers, arrays of row objects)
    std::vector<std::string> materials;  // keys of the materials supplied (or tolerated)
    std::string today;                   // YYYY-MM-DD, the counter's date
    std::string service_area;            // division code of the counter's service area

    /// The string value of a field, or "" when absent / not a string.
    std::string text(const std::string& key) const {
        if (!values || !values->has(key) || values->isNull(key)) return {};
        auto v = values->get(key);
        return v.isString() ? v.extract<std::string>() : v.convert<std::string>();
    }
    /// The rows of a repeating-table field (empty when absent).
    std::vector<Object> rows(const std::string& key) const {
        std::vector<Object> out;
        if (!values || !values->has(key)) return out;
        auto arr = values->getArray(key);
        if (!arr) return out;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            auto row = arr->getObject(static_cast<unsigned>(i));
            if (row) out.push_back(row);
        }
        return out;
    }
    bool has_material(const std::string& key) const {
        for (const auto& m : materials)
            if (m == key) return true;
        return false;
    }
};

struct Finding {
    std::string field;     // dictionary key of the field concerned, or "" for the whole case
    std::string severity;  // "error" stops acceptance; "warning" is shown only
    std::string message;   // Chinese, for the clerk and the one-time notice
};
using Findings = std::vector<Finding>;

struct Route {
    std::string department;  // department code
    std::string endpoint;    // endpoint name the administrator configures
    bool preliminary_review = false;
    bool required = true;  // the case is decided only when every required route is
};
using Routes = std::vector<Route>;

/// Levels of HostServices::log (OW_LOG_* in abi.h).
enum class LogLevel {
    Debug = OW_LOG_DEBUG,
    Info = OW_LOG_INFO,
    Warning = OW_LOG_WARNING,
    Error = OW_LOG_ERROR
};

/// What the host offers one plugin instance (ABI 1.2, abi.h ow_host_v1). Call it only while the
/// host is calling the plugin (init included), from that call's thread. Unavailable (a host
/// before 1.2): log() does nothing, now() is "", settings_json() is "{}".
class HostServices {
  public:
    HostServices() = default;
    explicit HostServices(const ow_host_v1* table) : table_(table) {}
    bool available() const { return table_ != nullptr; }

    /// One line into the counter's log, marked with the plugin's id. Do not log personal data.
    void log(LogLevel level, const std::string& message) const {
        if (has(offsetof(ow_host_v1, log), sizeof table_->log) && table_->log)
            table_->log(table_->context, static_cast<int>(level), message.c_str());
    }
    void info(const std::string& message) const { log(LogLevel::Info, message); }
    void warning(const std::string& message) const { log(LogLevel::Warning, message); }

    /// The counter's date and time, "YYYY-MM-DD HH:MM:SS" (tests and replays set it).
    std::string now() const {
        if (!has(offsetof(ow_host_v1, now), sizeof table_->now) || !table_->now) return {};
        return take(table_->now(table_->context));
    }
    /// The counter's date, "YYYY-MM-DD".
    std::string today() const { return now().substr(0, 10); }

    /// The plugin's settings (the manifest's "settings" filled in with their defaults), as JSON.
    std::string settings_json() const {
        if (!has(offsetof(ow_host_v1, settings), sizeof table_->settings) || !table_->settings)
            return "{}";
        std::string text = take(table_->settings(table_->context));
        return text.empty() ? "{}" : text;
    }

  private:
    bool has(std::size_t offset, std::size_t size) const {
        return table_ && table_->struct_size >= offset + size;
    }
    std::string take(char* text) const {
        if (!text) return {};
        std::string out = text;
        if (has(offsetof(ow_host_v1, free_string), sizeof table_->free_string) &&
            table_->free_string)
            table_->free_string(table_->context, text);
        return out;
    }
    const ow_host_v1* table_ = nullptr;
};

namespace detail {
template <typename P>
struct Host;
}

/// Base class of a plugin. Override what your department needs; defaults do nothing.
class Plugin {
  public:
    virtual ~Plugin() = default;
    /// Called once with {"abi", "host_version", "plugin_id", "settings"}; throw to refuse.
    virtual void init(const Object& /*host*/) {}
    virtual Findings validate(const Request& /*request*/) { return {}; }
    virtual Routes route(const Request& /*request*/) { return {}; }
    /// Field key -> derived value.
    virtual Object derive(const Request& /*request*/) { return new Poco::JSON::Object; }
    /// Binding -> value for a result document. `request` is the whole JSON request.
    virtual Object fill_document(const Object& /*request*/) { return new Poco::JSON::Object; }
    /// Drives a device declared in the manifest's "devices": {"device", "action"} in, the answer
    /// abi.h describes for the device's kind out (since ABI 1.1).
    virtual Object device(const Object& /*request*/) {
        throw PluginError("this plugin drives no device");
    }
    virtual void shutdown() {}

    /// The host's services for this instance (available from init() on).
    const HostServices& host() const { return host_; }

  private:
    template <typename P>
    friend struct detail::Host;
    HostServices host_;
};

namespace detail {

inline char* copy_string(const std::string& text) {
    char* out = static_cast<char*>(std::malloc(text.size() + 1));
    if (out) std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
}

inline void free_string(char* text) { std::free(text); }

inline std::string stringify(const Object& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

inline Object parse_object(const char* text) {
    if (!text) throw PluginError("empty request");
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    auto value = parser.parse(std::string(text));
    auto object = value.extract<Object>();
    if (!object) throw PluginError("request is not a JSON object");
    return object;
}

inline Request parse_request(const char* text) {
    Object object = parse_object(text);
    Request request;
    request.item = object->optValue<std::string>("item", "");
    request.values = object->getObject("values");
    if (!request.values) request.values = new Poco::JSON::Object;
    if (auto materials = object->getArray("materials"))
        for (std::size_t i = 0; i < materials->size(); ++i)
            request.materials.push_back(
                materials->getElement<std::string>(static_cast<unsigned>(i)));
    request.today = object->optValue<std::string>("today", "");
    request.service_area = object->optValue<std::string>("service_area", "");
    return request;
}

/// Runs `body`, which returns the answer object; every exception becomes OW_ERROR + message.
template <typename Body>
int guarded(char** answer, Body&& body) {
    if (answer) *answer = nullptr;
    try {
        std::string text = stringify(body());
        if (answer) *answer = copy_string(text);
        return OW_OK;
    } catch (const std::exception& e) {
        if (answer) *answer = copy_string(e.what());
    } catch (...) {
        if (answer) *answer = copy_string("unknown exception in plugin");
    }
    return OW_ERROR;
}

/// The answer of one operation (OW_OP_*) of `plugin` to `request`.
inline Object answer_of(Plugin& plugin, int operation, const char* request) {
    Object out = new Poco::JSON::Object;
    switch (operation) {
        case OW_OP_VALIDATE: {
            Array list = new Poco::JSON::Array;
            for (const auto& f : plugin.validate(parse_request(request))) {
                Object item = new Poco::JSON::Object(true);
                item->set("field", f.field);
                item->set("severity", f.severity.empty() ? std::string("error") : f.severity);
                item->set("message", f.message);
                list->add(item);
            }
            out->set("findings", list);
            return out;
        }
        case OW_OP_ROUTE: {
            Array list = new Poco::JSON::Array;
            for (const auto& r : plugin.route(parse_request(request))) {
                Object item = new Poco::JSON::Object(true);
                item->set("department", r.department);
                item->set("endpoint", r.endpoint);
                item->set("preliminary_review", r.preliminary_review);
                item->set("required", r.required);
                list->add(item);
            }
            out->set("routes", list);
            return out;
        }
        case OW_OP_DERIVE:
            out->set("values", plugin.derive(parse_request(request)));
            return out;
        case OW_OP_FILL_DOCUMENT:
            out->set("fields", plugin.fill_document(parse_object(request)));
            return out;
        case OW_OP_DEVICE:
            return plugin.device(parse_object(request));
    }
    throw PluginError("unknown operation " + std::to_string(operation));
}

template <typename P>
struct Host {
    // ABI 1.2: one instance per create().
    static int create(const ow_host_v1* services, const char* request, void** instance,
                      char** answer) {
        if (instance) *instance = nullptr;
        return guarded(answer, [&] {
            Object host = parse_object(request);
            std::unique_ptr<Plugin> plugin = std::make_unique<P>();
            plugin->host_ = HostServices(services);
            plugin->init(host);
            if (!instance) throw PluginError("create: no place for the instance");
            *instance = plugin.release();
            return Object(new Poco::JSON::Object);
        });
    }
    static int call(void* instance, int operation, const char* request, char** answer) {
        return guarded(answer, [&] {
            if (!instance) throw PluginError("called without an instance");
            return answer_of(*static_cast<Plugin*>(instance), operation, request);
        });
    }
    static void destroy(void* instance) {
        auto* plugin = static_cast<Plugin*>(instance);
        if (!plugin) return;
        try {
            plugin->shutdown();
        } catch (...) {
        }
        delete plugin;
    }

    // ABI 1.0/1.1, for hosts before 1.2: one instance per loaded library.
    static std::unique_ptr<Plugin>& instance() {
        static std::unique_ptr<Plugin> plugin;
        return plugin;
    }
    static Plugin& get() {
        if (!instance()) throw PluginError("plugin called before init");
        return *instance();
    }
    static int init(const char* request, char** answer) {
        return guarded(answer, [&] {
            Object host = parse_object(request);
            instance() = std::make_unique<P>();
            instance()->init(host);
            return Object(new Poco::JSON::Object);
        });
    }
    template <int Operation>
    static int legacy(const char* request, char** answer) {
        return guarded(answer, [&] { return answer_of(get(), Operation, request); });
    }
    static void shutdown() {
        try {
            if (instance()) instance()->shutdown();
        } catch (...) {
        }
        instance().reset();
    }
    static const ow_plugin_v1* table() {
        static const ow_plugin_v1 t = {sizeof(ow_plugin_v1),
                                       ONEWINDOW_ABI_MAJOR,
                                       ONEWINDOW_ABI_MINOR,
                                       &free_string,
                                       &init,
                                       &legacy<OW_OP_VALIDATE>,
                                       &legacy<OW_OP_ROUTE>,
                                       &legacy<OW_OP_DERIVE>,
                                       &legacy<OW_OP_FILL_DOCUMENT>,
                                       &shutdown,
                                       &legacy<OW_OP_DEVICE>,
                                       &create,
                                       &call,
                                       &destroy};
        return &t;
    }
};

}  // namespace detail
}  // namespace onewindow::sdk

/// Declares the plugin class: defines the exported entry point and stamps the ABI version.
#define ONEWINDOW_PLUGIN(PluginClass)                                                             \
    extern "C" __attribute__((visibility("default"))) const ow_plugin_v1* onewindow_plugin_entry( \
        void) {                                                                                   \
        return ::onewindow::sdk::detail::Host<PluginClass>::table();                              \
    }
