// The plugin host: finds, checks, loads and calls department plugins (design.md "Plugin boundary").
//
// Lifecycle of load_all(), one state and one error string per plugin (after Qt Creator):
//   1. read every <root>/<folder>/plugin.json and check it before any plugin code runs
//      (one message per bad key; duplicate ids) ............................ else Invalid
//   2. resolve dependencies; a cycle is reported as a chain "a -> b -> a"; a plugin whose
//      dependency is missing or failed fails too, naming it ................ else Failed
//   3. check the library: present, SHA-256 equal to the manifest's, a sane ELF shared object
//      whose headers lie inside the file (a truncated .so would crash dlopen) else Failed
//   4. the administrator's trusted list holds the hash ..................... else Untrusted
//   5. load with Boost.DLL (rtld_now), find the C entry, check the ABI: same major, minor not
//      newer than the host's ................................................ else Failed
//   6. initialize in dependency order; a crash marker guards init: a plugin that brought the
//      process down during init last time is skipped (Failed) until an administrator removes
//      its marker from the state folder (or re-trusts it) ................... else Running
// Libraries stay loaded for the host's lifetime; nothing is unloaded while the host runs.
// Threads: load_all() once; call() from one thread at a time.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "onewindow/core/json.hpp"

namespace onewindow {

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

struct PluginManifest {
    std::string id, name, version, vendor, department_code, department_name;
    int abi_major = 0, abi_minor = 0;
    std::vector<std::string> dependencies, items, forms, templates;
    std::string dictionary;           // the dictionary fragment inside the folder, or "" for none
    std::vector<DeviceInfo> devices;  // a device plugin may serve no item and no department
    std::string library, sha256;
    std::filesystem::path dir, manifest_file;
};

/// Reads and checks a plugin.json; one issue per bad or missing key.
PluginManifest read_manifest(const std::filesystem::path& plugin_json, Issues& issues);

struct PluginStatus {
    PluginManifest manifest;
    PluginState state = PluginState::Invalid;
    std::string error;
};

/// The administrator's trusted library hashes: {"trusted": [{"id": .., "sha256": ..}]}.
class TrustedList {
  public:
    static TrustedList load(const std::filesystem::path& file);  // missing file: empty
    bool trusts(const std::string& sha256) const;
    void add(const std::string& id, const std::string& sha256);
    void save(const std::filesystem::path& file) const;  // atomic

  private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

/// Adds the plugins of `folders` (each with its plugin.json) to the trusted list in `list_file`
/// and saves it; a folder whose manifest is wrong adds issues and is skipped. Returns the
/// manifests trusted.
std::vector<PluginManifest> trust_plugin_folders(const std::filesystem::path& list_file,
                                                 const std::vector<std::filesystem::path>& folders,
                                                 Issues& issues);

struct HostOptions {
    std::vector<std::filesystem::path> plugin_roots;  // missing roots are skipped
    std::filesystem::path trusted_list_file;
    std::filesystem::path state_dir;  // crash markers
    std::string host_version = "0.1.0";
    Poco::JSON::Object::Ptr settings;  // plugin id -> settings object given to init
};

enum class Operation { Validate, Route, Derive, FillDocument, Device };
struct LoadedPlugin;  // a loaded library and its entry table (plugin_host.cpp)

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
    HostOptions options_;
    std::vector<PluginStatus> plugins_;
    std::vector<std::unique_ptr<LoadedPlugin>> loaded_;  // in initialization order
};

/// SHA-256 of a file, lower-case hex; Error(Input) when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);
/// nullopt when `file` is a complete ELF shared object for this machine; else what is wrong.
std::optional<std::string> elf_problem(const std::filesystem::path& file);
/// For plugin developers (`onewindow-cli plugins check`): every check but the trusted list,
/// including loading and initializing the plugin with empty settings. Empty = fine.
Issues check_plugin_folder(const std::filesystem::path& dir);

}  // namespace onewindow
