// The plugin host: finds, checks, loads and calls department plugins (design.md "Plugin boundary").
//
// Lifecycle of load_all(), one state and one list of reasons per plugin (after Qt Creator):
//   1. read every <root>/<folder>/ once (plugin_package.hpp: no symbolic links, owned by root
//      or the running user, nothing writable by group or others) and check its plugin.json
//      before any plugin code runs (one message per bad key; duplicate ids) ..... else Invalid
//   2. resolve dependencies; a cycle is reported as a chain "a -> b -> a"; a plugin whose
//      dependency is missing or failed fails too, naming it .................... else Failed
//   3. check the library bytes: present, SHA-256 equal to the manifest's, a sane ELF shared
//      object whose headers lie inside it (a truncated .so would crash dlopen) .. else Failed
//   4. the administrator's trusted list holds this plugin id with the digest of the whole
//      folder (plugin_digest: library, manifest, fragment, forms, templates) . else Untrusted
//   5. its data: the dictionary fragment merges, every form and template is valid, every item
//      of the manifest has a form and no other plugin serves it (plugin_data.hpp); the
//      administrator's settings of the plugin match the manifest's "settings" . else Failed
//   6. load exactly the bytes hashed (a sealed in-memory copy, dlopen rtld_now), find the C
//      entry, check the ABI: same major, minor not newer than the host's ......... else Failed
//   7. create the instance (ABI 1.2, with the host services) or initialize (1.0/1.1), in
//      dependency order; a crash marker guards it: a plugin that brought the process down
//      during initialization last time is skipped (Failed) until an administrator removes its
//      marker from the state folder (or re-trusts it) ........................... else Running
// A running plugin's fragment joins dictionary() and its items and templates are in data().
// Libraries stay loaded for the host's lifetime; nothing is unloaded while the host runs.
//
// Threads: load_all() once, before any call. Then call(), call_device() and the const members
// from any thread: calls into one plugin take turns (a plugin's code need not be thread-safe),
// calls into different plugins run side by side, so reading an ID card on a worker never
// waits for a department's validate. The log and clock callbacks of HostOptions are called
// from the thread calling the plugin, several at once.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/document.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

struct PluginPackage;

enum class PluginState { Invalid, Untrusted, Failed, Running };
/// "invalid", "untrusted", "failed", "running".
const char* state_name(PluginState state);

/// A device a plugin drives (manifest "devices", ABI 1.1): {"id", "kind", "name"}.
struct DeviceInfo {
    std::string plugin_id;  // filled by the host
    std::string id;         // the plugin's own name for it, e.g. "reader"
    std::string kind;       // "id_card_reader" (the kinds abi.h describes)
    std::string name;       // shown to the clerk, e.g. "身份证阅读器"
};

/// One setting a plugin declares in its manifest ("settings": {"<key>": {...}}).
struct SettingDef {
    std::string key;
    std::string type;  // "text", "number", "boolean", "list", "object"
    std::string description;
    bool required = false;
    std::optional<double> min, max;  // numbers
    Poco::Dynamic::Var fallback;     // "default": used when the administrator sets none
};

struct PluginManifest {
    std::string id, name, version, vendor, department_code, department_name;
    int abi_major = 0, abi_minor = 0;
    std::vector<std::string> dependencies, items, forms, templates;
    std::string dictionary;           // the dictionary fragment inside the folder, or ""
    std::vector<DeviceInfo> devices;  // a device plugin may serve no item and no department
    std::vector<SettingDef> settings;
    std::string library, sha256;
    std::filesystem::path dir, manifest_file;
};

/// Reads and checks a plugin.json; one issue per bad or missing key.
PluginManifest read_manifest(const std::filesystem::path& plugin_json, Issues& issues);
/// The same from the bytes of the manifest in a package read once.
PluginManifest read_manifest(const PluginPackage& package, Issues& issues);

/// The settings of a plugin, checked against its manifest's "settings": every key declared,
/// each of its type and within its bounds, every required one given; the defaults filled in.
/// A plugin that declares none takes any settings. `file` and `path` name where they come from
/// (plugin-settings.json, "$.<id>"). Returns the settings to give the plugin.
Poco::JSON::Object::Ptr checked_settings(const PluginManifest& manifest,
                                         const Poco::JSON::Object::Ptr& given,
                                         const std::string& file, Issues& issues);

/// The administrator's trusted plugins: {"trusted": [{"id": .., "sha256": ..}]}, where sha256 is
/// the digest of the whole plugin folder (plugin_digest), one entry per plugin id.
class TrustedList {
  public:
    static TrustedList load(const std::filesystem::path& file);  // missing file: empty
    bool trusts(const std::string& id, const std::string& digest) const;
    /// The digest trusted for `id`, or "".
    std::string trusted_digest(const std::string& id) const;
    /// Trusts `digest` for `id`, replacing what was trusted for it before.
    void add(const std::string& id, const std::string& digest);
    /// Trusts `id` no more; false when it was not trusted.
    bool remove(const std::string& id);
    void save(const std::filesystem::path& file) const;  // atomic

  private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

/// A plugin folder as `plugins trust` reviews it: its manifest and the digest it computed.
struct TrustedPlugin {
    PluginManifest manifest;
    std::string digest;
};

/// Reads each of `folders` once (as the host does) and computes its digest, trusting nothing:
/// what `plugins trust` would trust, for the administrator to review first (the set-up
/// assistant lists it). A folder that cannot be read or whose manifest is wrong adds issues and
/// is skipped.
std::vector<TrustedPlugin> review_plugin_folders(const std::vector<std::filesystem::path>& folders,
                                                 Issues& issues);
/// The plugin folders directly inside `dir` (the bundled plugins folder), sorted; none when it
/// does not exist.
std::vector<std::filesystem::path> plugin_folders_in(const std::filesystem::path& dir);

/// Reads each of `folders` once (as the host does), computes its digest and trusts it in the
/// list `list_file` (saved atomically): the digest of what is in the folder, never a hash the
/// manifest declares. A folder that cannot be read or whose manifest is wrong adds issues and
/// is skipped. Returns the plugins trusted.
std::vector<TrustedPlugin> trust_plugin_folders(const std::filesystem::path& list_file,
                                                const std::vector<std::filesystem::path>& folders,
                                                Issues& issues);

/// One line for the counter's log, from the host or a plugin (HostOptions::log).
struct LogLine {
    int level = 1;       // OW_LOG_* of abi.h: 0 debug, 1 info, 2 warning, 3 error
    std::string plugin;  // the plugin's id
    std::string message;
};

struct HostOptions {
    std::vector<std::filesystem::path> plugin_roots;  // missing roots are skipped
    std::filesystem::path trusted_list_file;
    std::filesystem::path state_dir;  // crash markers
    std::string host_version = "0.1.0";
    Poco::JSON::Object::Ptr settings;  // plugin id -> settings object given to init
    /// Where the settings come from, for messages (the counter's plugin-settings.json).
    std::string settings_file = "plugin-settings.json";
    /// The shared dictionary: running plugins' fragments are merged into it (dictionary()).
    Dictionary dictionary;
    /// Receives the plugins' log lines (host service "log"); none: dropped.
    std::function<void(const LogLine&)> log;
    /// The counter's clock, "YYYY-MM-DD HH:MM:SS" (host service "now"); none: the local time.
    std::function<std::string()> now;
    /// Called with each plugin's folder once it is read and hashed, before its data is checked
    /// and its library loaded: tests use it to change the files in between.
    std::function<void(const std::filesystem::path&)> after_read;
};

/// What a plugin brings besides its code, once running: its items and result templates.
struct PluginItems {
    std::vector<ServiceItem> items;
    std::vector<DocumentTemplate> templates;
};

struct PluginStatus {
    PluginManifest manifest;
    PluginState state = PluginState::Invalid;
    std::string error;   // every reason, one per line ("" when running)
    std::string digest;  // of the folder as read ("" when it could not be read)
    PluginItems data;    // when running
};

enum class Operation { Validate, Route, Derive, FillDocument, Device };
struct LoadedPlugin;  // a loaded library, its entry table and instance (plugin_host.cpp)

class PluginHost {
  public:
    explicit PluginHost(HostOptions options);
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    void load_all();
    const std::vector<PluginStatus>& plugins() const { return plugins_; }
    const PluginStatus* find(const std::string& id) const;
    bool running(const std::string& id) const;
    /// The shared dictionary with the fragments of the running plugins.
    const Dictionary& dictionary() const { return options_.dictionary; }

    /// Calls a running plugin. Throws Error(Plugin, "plugin <id>: <operation>: <message>").
    Poco::JSON::Object::Ptr call(const std::string& id, Operation op,
                                 const Poco::JSON::Object::Ptr& request);

    /// The devices of the running plugins, of one kind (or all when `kind` is empty).
    std::vector<DeviceInfo> devices(const std::string& kind = {}) const;
    /// {"device": device, "action": action} to the plugin's device member (ABI 1.1); errors as
    /// call() ("plugin <id>: device: <message>").
    Poco::JSON::Object::Ptr call_device(const std::string& id, const std::string& device,
                                        const std::string& action);

  private:
    PluginStatus* find_mutable(const std::string& id);
    HostOptions options_;
    std::vector<PluginStatus> plugins_;
    std::vector<std::unique_ptr<LoadedPlugin>> loaded_;  // in initialization order
};

/// SHA-256 of a file, lower-case hex; Error(Input) when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);
/// nullopt when `bytes` are a complete ELF shared object for this machine; else what is wrong.
std::optional<std::string> elf_problem(const std::string& bytes);

/// What `onewindow-cli plugins check` checks besides the folder itself.
struct CheckOptions {
    /// The shared dictionary the plugin's fragment joins (with its dependencies' fragments,
    /// read from sibling folders).
    Dictionary dictionary;
    /// Settings to initialize the plugin with (empty: the manifest's defaults).
    Poco::JSON::Object::Ptr settings;
};

/// For plugin developers (`onewindow-cli plugins check`): everything the host will load, in the
/// host's order, but the trusted list: the folder and its manifest, the library (hash, ELF,
/// loading, entry, ABI), the dictionary fragment and the forms against the merged dictionary,
/// that every item of the manifest has a form, the settings schema, initialization, and each
/// result template filled by the plugin from sample data (the template's "<name>.sample.json"
/// beside it: {"item", "case", "decision"}, else a case generated from the item's form) and
/// checked with that data (check_template_sample: unknown bindings, missing glyphs, text that
/// does not fit). Empty = fine.
Issues check_plugin_folder(const std::filesystem::path& dir, const CheckOptions& options);

}  // namespace onewindow
