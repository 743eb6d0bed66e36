#include "onewindow/core/plugin_host.hpp"

#include <Poco/Crypto/DigestEngine.h>
#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include "onewindow/core/date.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/plugin_data.hpp"
#include "onewindow/core/plugin_package.hpp"
#include "onewindow/core/unified_form.hpp"
#include "onewindow/sdk/abi.h"

namespace fs = std::filesystem;

namespace onewindow {

const char* state_name(PluginState state) {
    switch (state) {
        case PluginState::Invalid:
            return "invalid";
        case PluginState::Untrusted:
            return "untrusted";
        case PluginState::Failed:
            return "failed";
        case PluginState::Running:
            return "running";
    }
    return "invalid";
}

namespace {

const std::regex kIdPattern("[a-z][a-z0-9_]{0,63}");
const std::regex kVersionPattern("\\d+\\.\\d+\\.\\d+");
// At most four digits each: stoi() of a longer number threw out_of_range (found by fuzzing).
const std::regex kAbiPattern("(\\d{1,4})\\.(\\d{1,4})");
const std::regex kHashPattern("[0-9a-f]{64}");
const char* const kSettingTypes[] = {"text", "number", "boolean", "list", "object"};

/// A relative path that stays inside the plugin folder.
bool inside_folder(const std::string& path) {
    return !path.empty() && !fs::path(path).is_absolute() && path.find("..") == std::string::npos;
}

/// Whether `value` is of the setting type `type`.
bool of_type(const Poco::Dynamic::Var& value, const std::string& type) {
    if (type == "text") return value.isString();
    if (type == "number") return value.isNumeric() && !value.isBoolean();
    if (type == "boolean") return value.isBoolean();
    if (type == "list") return value.type() == typeid(Poco::JSON::Array::Ptr);
    if (type == "object") return value.type() == typeid(Poco::JSON::Object::Ptr);
    return false;
}

/// The manifest's "settings": {"<key>": {"type", "description", "required", "min", "max",
/// "default"}}.
std::vector<SettingDef> read_settings_schema(ObjectReader& r) {
    std::vector<SettingDef> settings;
    if (!r.has("settings")) return settings;
    auto schema = r.object("settings", false);
    for (const auto& key : schema.raw()->getNames()) {
        auto s = schema.object(key, true);
        SettingDef def;
        def.key = key;
        def.type = s.string("type");
        if (!def.type.empty() && std::find(std::begin(kSettingTypes), std::end(kSettingTypes),
                                           def.type) == std::end(kSettingTypes))
            s.fail("type", "unknown setting type \"" + def.type +
                               "\" (known: text, number, boolean, list, object)");
        def.description = s.string("description");
        def.required = s.opt_boolean("required", false);
        def.min = s.opt_number("min");
        def.max = s.opt_number("max");
        if ((def.min || def.max) && def.type != "number")
            s.fail(def.min ? "min" : "max", "only a number setting has bounds");
        if (s.raw()->has("default")) {
            def.fallback = s.raw()->get("default");
            if (!def.type.empty() && !of_type(def.fallback, def.type))
                s.fail("default", "is not a " + def.type);
        }
        s.reject_unknown({"type", "description", "required", "min", "max", "default"});
        settings.push_back(std::move(def));
    }
    return settings;
}

PluginManifest manifest_from(const Poco::Dynamic::Var& document, const fs::path& file,
                             Issues& issues) {
    PluginManifest m;
    m.manifest_file = file;
    m.dir = file.parent_path();
    auto r = ObjectReader::of(document, file.string(), "$", issues);
    m.id = r.string("id");
    if (!m.id.empty() && !std::regex_match(m.id, kIdPattern))
        r.fail("id", "must be lower-case letters, digits and _ (starting with a letter)");
    m.name = r.string("name");
    m.version = r.string("version");
    if (!m.version.empty() && !std::regex_match(m.version, kVersionPattern))
        r.fail("version", "must be major.minor.patch, e.g. 1.0.0");
    m.vendor = r.string("vendor");
    m.items = r.strings("items", false);
    auto devices = r.array("devices", false);
    for (std::size_t i = 0; i < devices->size(); ++i) {
        auto d = ObjectReader::of(devices->get(unsigned(i)), file.string(),
                                  json_path_index("$.devices", i), issues);
        DeviceInfo device;
        device.id = d.string("id");
        device.kind = d.string("kind");
        device.name = d.string("name");
        if (!device.kind.empty() && device.kind != "id_card_reader")
            d.fail("kind", "unknown device kind \"" + device.kind + "\" (known: id_card_reader)");
        d.reject_unknown({"id", "kind", "name"});
        m.devices.push_back(device);
    }
    if (m.items.empty() && m.devices.empty() && !r.has("items"))
        r.fail("items", "is missing (a plugin serves items, or drives devices)");
    // A department plugin names its department; a device plugin serves every department.
    if (m.devices.empty() || r.has("department")) {
        auto department = r.object("department", true);
        m.department_code = department.string("code");
        m.department_name = department.string("name");
        department.reject_unknown({"code", "name"});
    }
    const std::string abi = r.string("abi");
    std::smatch match;
    if (std::regex_match(abi, match, kAbiPattern)) {
        m.abi_major = std::stoi(match[1]);
        m.abi_minor = std::stoi(match[2]);
    } else if (!abi.empty()) {
        r.fail("abi", "must be \"major.minor\", e.g. \"1.2\"");
    }
    m.dependencies = r.strings("dependencies", false);
    m.forms = r.strings("forms", false);
    m.templates = r.strings("templates", false);
    m.dictionary = r.opt_string("dictionary").value_or("");
    for (const char* key : {"forms", "templates"})
        for (const auto& path : r.strings(key, false))
            if (!inside_folder(path))
                r.fail(key, "\"" + path + "\" must be a path inside the plugin folder");
    if (r.has("dictionary") && !inside_folder(m.dictionary))
        r.fail("dictionary", "\"" + m.dictionary + "\" must be a path inside the plugin folder");
    m.settings = read_settings_schema(r);
    m.library = r.string("library");
    if (m.library.find('/') != std::string::npos) r.fail("library", "must be a file name");
    m.sha256 = r.string("sha256");
    if (!m.sha256.empty() && !std::regex_match(m.sha256, kHashPattern))
        r.fail("sha256", "must be 64 lower-case hex digits");
    r.reject_unknown({"id", "name", "version", "vendor", "department", "abi", "dependencies",
                      "items", "devices", "forms", "templates", "dictionary", "settings", "library",
                      "sha256"});
    return m;
}

}  // namespace

PluginManifest read_manifest(const fs::path& file, Issues& issues) {
    std::string bytes;
    try {
        bytes = read_text_file(file);
    } catch (const Error&) {
        issues.add(file.string(), "$", "cannot be read");
        PluginManifest m;
        m.manifest_file = file;
        m.dir = file.parent_path();
        return m;
    }
    const auto document = parse_plugin_json(bytes, file.string(), issues);
    return manifest_from(document.value_or(Poco::Dynamic::Var()), file, issues);
}

PluginManifest read_manifest(const PluginPackage& package, Issues& issues) {
    const fs::path file = package.dir / "plugin.json";
    const std::string* bytes = package.find("plugin.json");
    if (!bytes) {
        issues.add(file.string(), "$", "is missing: every plugin folder has its plugin.json");
        PluginManifest m;
        m.manifest_file = file;
        m.dir = package.dir;
        return m;
    }
    const auto document = parse_plugin_json(*bytes, file.string(), issues);
    return manifest_from(document.value_or(Poco::Dynamic::Var()), file, issues);
}

Poco::JSON::Object::Ptr checked_settings(const PluginManifest& m,
                                         const Poco::JSON::Object::Ptr& given,
                                         const std::string& file, Issues& issues) {
    Poco::JSON::Object::Ptr settings = new Poco::JSON::Object(true);
    if (given)
        for (const auto& key : given->getNames()) settings->set(key, given->get(key));
    if (m.settings.empty()) return settings;
    const std::string base = json_path_key("$", m.id);
    std::string known;
    for (const auto& def : m.settings) known += (known.empty() ? "" : ", ") + def.key;
    for (const auto& key : settings->getNames())
        if (std::none_of(m.settings.begin(), m.settings.end(),
                         [&](const SettingDef& d) { return d.key == key; }))
            issues.add(file, json_path_key(base, key),
                       "not a setting of the plugin " + m.id + " (its settings: " + known + ")");
    for (const auto& def : m.settings) {
        const std::string path = json_path_key(base, def.key);
        if (!settings->has(def.key) || settings->isNull(def.key)) {
            if (!def.fallback.isEmpty())
                settings->set(def.key, def.fallback);
            else if (def.required)
                issues.add(file, path, "is missing: " + def.description);
            continue;
        }
        const auto value = settings->get(def.key);
        if (!of_type(value, def.type)) {
            issues.add(file, path, "must be a " + def.type + " (" + def.description + ")");
            continue;
        }
        if (def.type != "number") continue;
        const double number = value.convert<double>();
        auto text = [](double v) { return Poco::Dynamic::Var(v).convert<std::string>(); };
        if ((def.min && number < *def.min) || (def.max && number > *def.max))
            issues.add(file, path,
                       "must lie between " + (def.min ? text(*def.min) : std::string("-∞")) +
                           " and " + (def.max ? text(*def.max) : std::string("∞")) + " (" +
                           def.description + ")");
    }
    return settings;
}

// Trust --------------------------------------------------------------------------------------

TrustedList TrustedList::load(const fs::path& file) {
    TrustedList list;
    if (!fs::exists(file)) return list;
    Issues issues;
    auto r = ObjectReader::of(load_json_file(file), file.string(), "$", issues);
    auto entries = r.array("trusted", true);
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto e = ObjectReader::of(entries->get(unsigned(i)), file.string(),
                                  json_path_index("$.trusted", i), issues);
        list.entries_.emplace_back(e.string("id"), e.string("sha256"));
        e.reject_unknown({"id", "sha256"});
    }
    r.reject_unknown({"trusted"});
    issues.throw_if_any();
    return list;
}

bool TrustedList::trusts(const std::string& id, const std::string& digest) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const auto& e) { return e.first == id && e.second == digest; });
}

std::string TrustedList::trusted_digest(const std::string& id) const {
    for (const auto& [entry_id, digest] : entries_)
        if (entry_id == id) return digest;
    return {};
}

void TrustedList::add(const std::string& id, const std::string& digest) {
    std::erase_if(entries_, [&](const auto& e) { return e.first == id; });
    entries_.emplace_back(id, digest);
}

bool TrustedList::remove(const std::string& id) {
    return std::erase_if(entries_, [&](const auto& e) { return e.first == id; }) > 0;
}

void TrustedList::save(const fs::path& file) const {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& [id, hash] : entries_) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("id", id);
        entry->set("sha256", hash);
        list->add(entry);
    }
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(true);
    root->set("trusted", list);
    if (!file.parent_path().empty()) fs::create_directories(file.parent_path());
    write_file_atomically(file, to_json(root) + "\n");
}

std::vector<TrustedPlugin> review_plugin_folders(const std::vector<fs::path>& folders,
                                                 Issues& issues) {
    std::vector<TrustedPlugin> found;
    for (const auto& dir : folders) {
        Issues own;
        auto package = read_plugin_package(dir, own);
        if (!package) {
            issues.append(own);
            continue;
        }
        auto manifest = read_manifest(*package, own);
        if (!own.empty()) {
            issues.append(own);
            continue;
        }
        std::string digest = plugin_digest(*package, manifest.id);
        found.push_back({std::move(manifest), std::move(digest)});
    }
    return found;
}

std::vector<fs::path> plugin_folders_in(const fs::path& dir) {
    std::vector<fs::path> folders;
    if (fs::is_directory(dir))
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_directory()) folders.push_back(entry.path());
    std::sort(folders.begin(), folders.end());
    return folders;
}

std::vector<TrustedPlugin> trust_plugin_folders(const fs::path& list_file,
                                                const std::vector<fs::path>& folders,
                                                Issues& issues) {
    TrustedList trusted = TrustedList::load(list_file);
    auto added = review_plugin_folders(folders, issues);
    for (const auto& plugin : added) trusted.add(plugin.manifest.id, plugin.digest);
    trusted.save(list_file);
    return added;
}

// Library checks -----------------------------------------------------------------------------

std::string sha256_of_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(ErrorKind::Input, file.string() + ": cannot be read");
    Poco::Crypto::DigestEngine engine("SHA256");  // OpenSSL: several times faster
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        engine.update(buffer, static_cast<unsigned>(in.gcount()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::optional<std::string> elf_problem(const std::string& bytes) {
    const std::uint64_t size = bytes.size();
    Elf64_Ehdr header{};
    if (size < sizeof header) return "too short to be a shared library";
    std::memcpy(&header, bytes.data(), sizeof header);
    if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) return "not an ELF file";
    if (header.e_ident[EI_CLASS] != ELFCLASS64) return "not a 64-bit ELF file";
    if (header.e_type != ET_DYN)
        return "not a shared library (ELF type " + std::to_string(header.e_type) + ")";
#if defined(__x86_64__)
    constexpr int machine = EM_X86_64;
#elif defined(__aarch64__)
    constexpr int machine = EM_AARCH64;
#else
    constexpr int machine = EM_NONE;
#endif
    if (machine != EM_NONE && header.e_machine != machine)
        return "built for another processor (ELF machine " + std::to_string(header.e_machine) + ")";
    auto inside = [&](std::uint64_t offset, std::uint64_t length) {
        return offset <= size && length <= size - offset;
    };
    if (!inside(header.e_phoff, std::uint64_t(header.e_phnum) * header.e_phentsize) ||
        !inside(header.e_shoff, std::uint64_t(header.e_shnum) * header.e_shentsize))
        return "truncated: its headers point past the end of the file";
    for (int i = 0; i < header.e_phnum; ++i) {
        Elf64_Phdr segment{};
        const std::uint64_t at = header.e_phoff + std::uint64_t(i) * header.e_phentsize;
        if (!inside(at, sizeof segment)) return "truncated";
        std::memcpy(&segment, bytes.data() + at, sizeof segment);
        if (segment.p_type == PT_LOAD && !inside(segment.p_offset, segment.p_filesz))
            return "truncated: a loadable segment lies past the end of the file";
    }
    return std::nullopt;
}

// Loaded plugins and the host services -------------------------------------------------------

struct LoadedPlugin {
    std::string id;
    // Declared before the library: destroyed after it (the loader is done with the file).
    std::unique_ptr<SealedFile> file;
    boost::dll::shared_library library;
    const ow_plugin_v1* table = nullptr;
    void* instance = nullptr;  // ABI 1.2: the plugin's instance
    bool instanced = false;    // the plugin has create/call/destroy
    bool usable = false;       // initialized: calls allowed
    // The host services of this plugin (ABI 1.2).
    ow_host_v1 services{};
    std::string settings_json = "{}";
    std::function<void(const LogLine&)> log;
    std::function<std::string()> now;
    // One call at a time into this plugin (its code need not be thread-safe); calls into
    // different plugins run side by side (the ID card reader's while a department validates).
    std::mutex calls;
};

namespace {

// The members a plugin must provide: 1.0's, and 1.2's when it is built for 1.2 or newer.
constexpr std::size_t kMinimumTable = offsetof(ow_plugin_v1, shutdown);
constexpr std::size_t kInstanceTable = offsetof(ow_plugin_v1, destroy) + sizeof(void (*)(void*));

/// A copy for the plugin, allocated with malloc (the host's free_string releases it).
char* host_copy(const std::string& text) {
    char* out = static_cast<char*>(std::malloc(text.size() + 1));
    if (out) std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
}

/// One log line as the counter's log takes it: on one line, no longer than 2,000 bytes (cut at
/// a character boundary), ID numbers and mobile numbers masked.
std::string log_text(std::string text) {
    for (auto& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (text.size() > 2000) {
        std::size_t cut = 2000;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text = text.substr(0, cut) + "…";
    }
    static const std::regex id("(^|[^0-9])([0-9]{17}[0-9Xx])(?![0-9])");
    static const std::regex phone("(^|[^0-9])(1[3-9][0-9]{9})(?![0-9])");
    std::string out;
    for (const auto& [pattern, mask] :
         {std::pair{&id, &mask_id_number}, std::pair{&phone, &mask_phone}}) {
        out.clear();
        auto begin = std::sregex_iterator(text.begin(), text.end(), *pattern);
        std::size_t last = 0;
        for (auto it = begin; it != std::sregex_iterator(); ++it) {
            const auto& m = *it;
            const std::size_t at = static_cast<std::size_t>(m.position(2));
            out += text.substr(last, at - last) + mask(m.str(2));
            last = at + static_cast<std::size_t>(m.length(2));
        }
        text = out + text.substr(last);
    }
    return text;
}

void service_free(void*, char* text) { std::free(text); }

void service_log(void* context, int level, const char* message) {
    try {
        auto* plugin = static_cast<LoadedPlugin*>(context);
        if (!plugin || !message || !plugin->log) return;
        plugin->log({std::clamp(level, 0, 3), plugin->id, log_text(message)});
    } catch (...) {  // nothing may unwind into the plugin
    }
}

char* service_now(void* context) {
    try {
        auto* plugin = static_cast<LoadedPlugin*>(context);
        return host_copy(plugin && plugin->now ? plugin->now() : local_timestamp_now());
    } catch (...) {
        return nullptr;
    }
}

char* service_settings(void* context) {
    try {
        auto* plugin = static_cast<LoadedPlugin*>(context);
        return host_copy(plugin ? plugin->settings_json : std::string("{}"));
    } catch (...) {
        return nullptr;
    }
}

/// What is wrong with the library bytes of `m` in `package` (missing, not the build's, not a
/// sane ELF shared object), or "".
std::string library_problem(const PluginPackage& package, const PluginManifest& m) {
    const std::string* bytes = package.find(m.library);
    if (!bytes) return "library " + package.name(m.library) + " is missing";
    if (package.hash(m.library) != m.sha256)
        return "library " + m.library +
               " does not match the SHA-256 of its manifest (changed after build?)";
    if (auto problem = elf_problem(*bytes)) return "library " + m.library + ": " + *problem;
    return {};
}

/// Checks the library bytes of `m` in `package` and loads exactly those bytes. Returns null
/// with `error` set on failure.
std::unique_ptr<LoadedPlugin> load_library(const PluginPackage& package, const PluginManifest& m,
                                           std::string& error) {
    error = library_problem(package, m);
    if (!error.empty()) return nullptr;
    const std::string* bytes = package.find(m.library);
    auto loaded = std::make_unique<LoadedPlugin>();
    loaded->id = m.id;
    try {
        loaded->file = std::make_unique<SealedFile>(m.library, *bytes);
    } catch (const Error& e) {
        error = e.what();
        return nullptr;
    }
    boost::dll::fs::error_code load_error;
    try {
        loaded->library.load(boost::dll::fs::path(loaded->file->unique_path()), load_error,
                             boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const Error& e) {
        error = e.what();
        return nullptr;
    }
    loaded->file->unlink_path();
    if (load_error) {
        error = "cannot load " + m.library + ": " + load_error.message();
        if (const char* detail = ::dlerror()) error += std::string(" (") + detail + ")";
        return nullptr;
    }
    if (!loaded->library.has(ONEWINDOW_ENTRY_SYMBOL)) {
        error = std::string("library exports no ") + ONEWINDOW_ENTRY_SYMBOL +
                " (was ONEWINDOW_PLUGIN(...) written?)";
        return nullptr;
    }
    auto entry = loaded->library.get<const ow_plugin_v1*()>(ONEWINDOW_ENTRY_SYMBOL);
    const ow_plugin_v1* table = entry();
    if (!table || table->struct_size < kMinimumTable || !table->free_string || !table->init) {
        error = "the entry table is incomplete";
        return nullptr;
    }
    const std::string met = "built for ABI " + std::to_string(table->abi_major) + "." +
                            std::to_string(table->abi_minor) + ", host has " +
                            std::to_string(ONEWINDOW_ABI_MAJOR) + "." +
                            std::to_string(ONEWINDOW_ABI_MINOR);
    if (table->abi_major != ONEWINDOW_ABI_MAJOR) {
        error = "incompatible ABI: " + met;
        return nullptr;
    }
    if (table->abi_minor > ONEWINDOW_ABI_MINOR) {
        error = "plugin needs a newer host: " + met;
        return nullptr;
    }
    if (table->abi_major != m.abi_major || table->abi_minor != m.abi_minor) {
        error = "manifest says ABI " + std::to_string(m.abi_major) + "." +
                std::to_string(m.abi_minor) + " but the library is " + met;
        return nullptr;
    }
    if (table->abi_minor >= 2) {
        if (table->struct_size < kInstanceTable || !table->create || !table->call) {
            error = "the entry table of an ABI 1.2 plugin lacks create or call";
            return nullptr;
        }
        loaded->instanced = true;
    }
    loaded->table = table;
    return loaded;
}

std::string take_answer(const ow_plugin_v1* table, char* answer) {
    std::string text = answer ? answer : "";
    if (answer) table->free_string(answer);
    return text;
}

/// Creates the instance (1.2) or initializes the plugin (1.0/1.1); "" on success, else the
/// plugin's message.
std::string start(LoadedPlugin& plugin, const std::string& host_version,
                  const Poco::JSON::Object::Ptr& settings) {
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object(true);
    request->set("abi",
                 std::to_string(ONEWINDOW_ABI_MAJOR) + "." + std::to_string(ONEWINDOW_ABI_MINOR));
    request->set("host_version", host_version);
    request->set("plugin_id", plugin.id);
    request->set("settings", settings ? settings : Poco::JSON::Object::Ptr(new Poco::JSON::Object));
    plugin.settings_json = to_json(request->getObject("settings"));
    char* answer = nullptr;
    int rc = OW_ERROR;
    if (plugin.instanced) {
        plugin.services = ow_host_v1{
            sizeof(ow_host_v1), ONEWINDOW_ABI_MAJOR, ONEWINDOW_ABI_MINOR, &plugin,
            &service_free,      &service_log,        &service_now,        &service_settings};
        rc = plugin.table->create(&plugin.services, to_json(request).c_str(), &plugin.instance,
                                  &answer);
    } else {
        rc = plugin.table->init(to_json(request).c_str(), &answer);
    }
    std::string text = take_answer(plugin.table, answer);
    if (rc == OW_OK) {
        plugin.usable = true;
        return {};
    }
    plugin.instance = nullptr;
    return "initialization failed: " + (text.empty() ? std::string("no reason given") : text);
}

/// The last call: destroy (1.2) or shutdown (1.0/1.1).
void stop(LoadedPlugin& plugin) {
    if (!plugin.usable) return;
    plugin.usable = false;
    if (plugin.instanced) {
        if (plugin.table->destroy) plugin.table->destroy(plugin.instance);
        plugin.instance = nullptr;
    } else if (plugin.table->shutdown) {
        plugin.table->shutdown();
    }
}

const char* const kOperationNames[] = {"validate", "route", "derive", "fill_document", "device"};

/// One call into a loaded, usable plugin; Error(Plugin) naming plugin and operation.
Poco::JSON::Object::Ptr call_plugin(LoadedPlugin& plugin, Operation op,
                                    const Poco::JSON::Object::Ptr& request) {
    const std::string what =
        "plugin " + plugin.id + ": " + kOperationNames[static_cast<int>(op)] + ": ";
    std::lock_guard<std::mutex> one_at_a_time(plugin.calls);
    const ow_plugin_v1* t = plugin.table;
    char* answer = nullptr;
    int rc = OW_ERROR;
    const std::string text_in = to_json(request);
    if (plugin.instanced) {
        static const int codes[] = {OW_OP_VALIDATE, OW_OP_ROUTE, OW_OP_DERIVE, OW_OP_FILL_DOCUMENT,
                                    OW_OP_DEVICE};
        rc = t->call(plugin.instance, codes[static_cast<int>(op)], text_in.c_str(), &answer);
    } else {
        ow_call_fn fn = nullptr;
        switch (op) {
            case Operation::Validate:
                fn = t->validate;
                break;
            case Operation::Route:
                fn = t->route;
                break;
            case Operation::Derive:
                fn = t->derive;
                break;
            case Operation::FillDocument:
                fn = t->fill_document;
                break;
            case Operation::Device:
                // Appended in ABI 1.1: absent from the tables of plugins built before.
                if (t->struct_size >= offsetof(ow_plugin_v1, device) + sizeof(ow_call_fn))
                    fn = t->device;
                break;
        }
        if (!fn) throw Error(ErrorKind::Plugin, what + "not provided by the plugin");
        rc = fn(text_in.c_str(), &answer);
    }
    const std::string text = take_answer(t, answer);
    if (rc != OW_OK) throw Error(ErrorKind::Plugin, what + (text.empty() ? "failed" : text));
    try {
        auto value = parse_json(text, "answer");
        auto object = value.extract<Poco::JSON::Object::Ptr>();
        if (object) return object;
    } catch (const std::exception&) {
    }
    throw Error(ErrorKind::Plugin, what + "the answer is not a JSON object");
}

}  // namespace

// The host ------------------------------------------------------------------------------------

PluginHost::PluginHost(HostOptions options) : options_(std::move(options)) {}

PluginHost::~PluginHost() {
    for (auto it = loaded_.rbegin(); it != loaded_.rend(); ++it) stop(**it);
    // Libraries are unloaded last, after every object from them is gone.
}

const PluginStatus* PluginHost::find(const std::string& id) const {
    for (const auto& p : plugins_)
        if (p.manifest.id == id) return &p;
    return nullptr;
}

PluginStatus* PluginHost::find_mutable(const std::string& id) {
    for (auto& p : plugins_)
        if (p.manifest.id == id) return &p;
    return nullptr;
}

bool PluginHost::running(const std::string& id) const {
    const PluginStatus* status = find(id);
    return status && status->state == PluginState::Running;
}

void PluginHost::load_all() {
    // 1. Every folder read once, and every manifest checked, before any code.
    std::map<std::string, PluginPackage> packages;
    for (const auto& root : options_.plugin_roots) {
        if (!fs::is_directory(root)) continue;
        std::set<fs::path> folders;
        for (const auto& entry : fs::directory_iterator(root))
            if (fs::exists(entry.path() / "plugin.json")) folders.insert(entry.path());
        for (const auto& folder : folders) {
            Issues issues;
            PluginStatus status;
            auto package = read_plugin_package(folder, issues);
            if (package) status.manifest = read_manifest(*package, issues);
            if (!issues.empty()) {
                // An unreadable folder or invalid manifest cannot be trusted to name the plugin
                // either: name it by its folder.
                status.manifest.id = folder.filename().string();
                status.manifest.dir = folder;
                status.state = package ? PluginState::Invalid : PluginState::Failed;
                status.error = issues.to_string();
            } else if (find(status.manifest.id)) {
                status.state = PluginState::Invalid;
                status.error = "another plugin already has the id \"" + status.manifest.id + "\"";
            } else {
                status.state = PluginState::Running;  // provisional: "not failed yet"
                status.digest = plugin_digest(*package, status.manifest.id);
                packages.emplace(status.manifest.id, std::move(*package));
            }
            plugins_.push_back(std::move(status));
        }
    }
    // 2. Dependencies: order by depth-first search; cycles reported as chains.
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < plugins_.size(); ++i)
        if (plugins_[i].state == PluginState::Running) index[plugins_[i].manifest.id] = i;
    std::vector<std::size_t> order;
    std::map<std::string, int> mark;  // 1 = on the stack, 2 = done
    std::vector<std::string> stack;
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
        PluginStatus& p = plugins_[i];
        mark[p.manifest.id] = 1;
        stack.push_back(p.manifest.id);
        for (const auto& dep : p.manifest.dependencies) {
            auto found = index.find(dep);
            if (found == index.end()) {
                if (p.state == PluginState::Running) {
                    p.state = PluginState::Failed;
                    p.error = "depends on \"" + dep + "\", which is not available";
                }
                continue;
            }
            if (mark[dep] == 1) {
                std::string chain;
                auto from = std::find(stack.begin(), stack.end(), dep);
                for (auto it = from; it != stack.end(); ++it) chain += *it + " -> ";
                chain += dep;
                for (auto it = from; it != stack.end(); ++it) {
                    PluginStatus& member = plugins_[index[*it]];
                    member.state = PluginState::Failed;
                    member.error = "dependency cycle: " + chain;
                }
                continue;
            }
            if (mark[dep] == 0) visit(found->second);
        }
        stack.pop_back();
        mark[p.manifest.id] = 2;
        order.push_back(i);
    };
    for (const auto& [id, i] : index)
        if (mark[id] == 0) visit(i);

    // 3-7. Check, trust, read the data, load and start, in dependency order.
    TrustedList trusted;
    try {
        trusted = TrustedList::load(options_.trusted_list_file);
    } catch (const Error& e) {
        for (auto i : order)
            if (plugins_[i].state == PluginState::Running)
                plugins_[i].state = PluginState::Failed, plugins_[i].error = e.what();
    }
    if (!options_.state_dir.empty()) fs::create_directories(options_.state_dir);
    std::map<std::string, std::string> served;  // item code -> plugin id
    for (auto i : order) {
        PluginStatus& p = plugins_[i];
        if (p.state != PluginState::Running) continue;
        auto fail = [&](PluginState state, const std::string& error) {
            p.state = state;
            p.error = error;
        };
        for (const auto& dep : p.manifest.dependencies)
            if (!running(dep)) fail(PluginState::Failed, "dependency \"" + dep + "\" failed");
        if (p.state != PluginState::Running) continue;
        const PluginPackage& package = packages.at(p.manifest.id);
        if (options_.after_read) options_.after_read(package.dir);

        // 3. The library bytes, before trusting anything.
        if (std::string problem = library_problem(package, p.manifest); !problem.empty()) {
            fail(PluginState::Failed, problem);
            continue;
        }
        // 4. Trust: this id with the digest of everything in its folder.
        if (!trusted.trusts(p.manifest.id, p.digest)) {
            fail(PluginState::Untrusted,
                 std::string("not trusted: listed, not run, until an administrator trusts it (") +
                     (trusted.trusted_digest(p.manifest.id).empty()
                          ? "new plugin"
                          : "its files changed since it was trusted") +
                     "; digest " + p.digest.substr(0, 12) + "...)");
            continue;
        }
        // 5. Its data and its settings.
        Issues issues;
        auto data = load_plugin_data(package, p.manifest, options_.dictionary, issues);
        if (data)
            for (const auto& item : data->items)
                if (auto other = served.find(item.code); other != served.end())
                    issues.add(
                        item.source_file, "$.code",
                        "item " + item.code + " is already served by the plugin " + other->second);
        Poco::JSON::Object::Ptr given;
        if (options_.settings) given = options_.settings->getObject(p.manifest.id);
        const auto settings = checked_settings(p.manifest, given, options_.settings_file, issues);
        if (!issues.empty()) {
            fail(PluginState::Failed, issues.to_string());
            continue;
        }
        // 6. Exactly the bytes hashed.
        std::string error;
        auto loaded = load_library(package, p.manifest, error);
        if (!loaded) {
            fail(PluginState::Failed, error);
            continue;
        }
        loaded->log = options_.log;
        loaded->now = options_.now;
        // 7. Start, guarded by the crash marker.
        const fs::path marker = options_.state_dir.empty()
                                    ? fs::path()
                                    : options_.state_dir / (p.manifest.id + ".initializing");
        if (!marker.empty() && fs::exists(marker)) {
            fail(PluginState::Failed,
                 "brought the program down during initialization last time; remove " +
                     marker.string() + " to try it again");
            loaded_.push_back(std::move(loaded));  // keep it loaded, never call it
            continue;
        }
        if (!marker.empty()) std::ofstream(marker) << p.manifest.version << '\n';
        std::string failure = start(*loaded, options_.host_version, settings);
        if (!marker.empty()) fs::remove(marker);
        loaded_.push_back(std::move(loaded));
        if (!failure.empty()) {
            fail(PluginState::Failed, failure);
            continue;
        }
        p.error.clear();
        if (!p.manifest.dictionary.empty())
            options_.dictionary.merge(data->fragment, data->fragment_file, issues);
        for (const auto& item : data->items) served[item.code] = p.manifest.id;
        p.data.items = std::move(data->items);
        p.data.templates = std::move(data->templates);
    }
}

Poco::JSON::Object::Ptr PluginHost::call(const std::string& id, Operation op,
                                         const Poco::JSON::Object::Ptr& request) {
    LoadedPlugin* plugin = nullptr;
    for (auto& l : loaded_)
        if (l->id == id && l->usable) plugin = l.get();
    if (!plugin || !running(id))
        throw Error(ErrorKind::Plugin, "plugin " + id + ": " +
                                           kOperationNames[static_cast<int>(op)] +
                                           ": the plugin is not running");
    return call_plugin(*plugin, op, request);
}

std::vector<DeviceInfo> PluginHost::devices(const std::string& kind) const {
    std::vector<DeviceInfo> out;
    for (const auto& p : plugins_) {
        if (p.state != PluginState::Running) continue;
        for (DeviceInfo d : p.manifest.devices) {
            if (!kind.empty() && d.kind != kind) continue;
            d.plugin_id = p.manifest.id;
            out.push_back(d);
        }
    }
    return out;
}

Poco::JSON::Object::Ptr PluginHost::call_device(const std::string& id, const std::string& device,
                                                const std::string& action) {
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object(true);
    request->set("device", device);
    request->set("action", action);
    return call(id, Operation::Device, request);
}

// The developer's check ----------------------------------------------------------------------

namespace {

/// A value of the field's type for a generated sample case (not necessarily passing the
/// field's own rules: the check fills a document with it, it does not accept a case).
Poco::Dynamic::Var sample_value(const FieldDef& def, const std::vector<FieldDef>& columns,
                                const std::string& today) {
    switch (def.type) {
        case FieldType::IdNumber: {
            const std::string first17 = "13043419900101001";
            return first17 + id_number_check_character(first17);
        }
        case FieldType::Phone:
            return std::string("13800000000");
        case FieldType::Date:
            return today;
        case FieldType::Choice:
            return def.options.empty() ? std::string() : def.options.front();
        case FieldType::Number:
        case FieldType::Money:
            return def.min ? *def.min : 1.0;
        case FieldType::Division:
            return std::string("130434");
        case FieldType::CreditCode:
            return std::string("91130434MA0000000X");
        case FieldType::Table: {
            Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
            for (const auto& column : columns)
                row->set(column.key, sample_value(column, {}, today));
            Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
            rows->add(row);
            return rows;
        }
        case FieldType::Text:
            break;
    }
    std::string text = def.label.empty() ? std::string("示例") : def.label;
    if (def.max_length && static_cast<long long>(text.size()) > *def.max_length) text = "示例";
    return text;
}

/// The fill_document request for a template: its "<name>.sample.json" from the package, or a
/// case generated from the form of the template's first item, approved today.
Poco::JSON::Object::Ptr sample_request(const PluginPackage& package, const PluginManifest& m,
                                       const std::string& template_path,
                                       const DocumentTemplate& tpl,
                                       const std::vector<ServiceItem>& items,
                                       const Dictionary& dictionary, Issues& issues) {
    const std::string sample_path =
        (fs::path(template_path).parent_path() / fs::path(template_path).stem()).string() +
        ".sample.json";
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object(true);
    if (const std::string* bytes = package.find(sample_path)) {
        auto document = parse_plugin_json(*bytes, package.name(sample_path), issues);
        if (!document) return nullptr;
        Issues own;
        auto r = ObjectReader::of(*document, package.name(sample_path), "$", own);
        request->set("item", r.opt_string("item").value_or(tpl.items.empty() ? "" : tpl.items[0]));
        request->set("case", r.object("case", true).raw());
        request->set("decision", r.object("decision", true).raw());
        r.reject_unknown({"item", "case", "decision"});
        issues.append(own);
        if (!own.empty()) return nullptr;
        request->set("template", tpl.id);
        return request;
    }
    const std::string code = tpl.items.empty() ? std::string() : tpl.items[0];
    const ServiceItem* item = nullptr;
    for (const auto& candidate : items)
        if (candidate.code == code) item = &candidate;
    const std::string today = local_timestamp_now().substr(0, 10);
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object(true);
    if (item) {
        const UnifiedForm form = build_unified_form({item}, dictionary);
        for (const auto& section : form.sections)
            for (const auto& field : section.fields)
                values->set(field.def.key, sample_value(field.def, field.columns, today));
    }
    Poco::JSON::Object::Ptr kase = new Poco::JSON::Object(true),
                            entry = new Poco::JSON::Object(true);
    kase->set("number",
              "WX01-" + today.substr(0, 4) + today.substr(5, 2) + today.substr(8, 2) + "-0001");
    kase->set("accepted_at", today + " 09:00:00");
    kase->set("values", values);
    entry->set("code", code);
    entry->set("name", item ? item->name : code);
    entry->set("department", item ? item->department_name : m.department_name);
    kase->set("item", entry);
    Poco::JSON::Object::Ptr decision = new Poco::JSON::Object(true);
    decision->set("outcome", "approved");
    decision->set("decided_at", today + " 16:00:00");
    decision->set("decided_by", "示例审批人");
    decision->set("data", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
    request->set("item", code);
    request->set("template", tpl.id);
    request->set("case", kase);
    request->set("decision", decision);
    return request;
}

}  // namespace

Issues check_plugin_folder(const fs::path& dir, const CheckOptions& options) {
    Issues issues;
    auto package = read_plugin_package(dir, issues);
    if (!package) return issues;
    const PluginManifest m = read_manifest(*package, issues);
    if (!issues.empty()) return issues;
    const std::string manifest_file = m.manifest_file.string();

    // The vocabulary of its dependencies, from their folders beside it.
    Dictionary dictionary = options.dictionary;
    for (std::size_t i = 0; i < m.dependencies.size(); ++i) {
        Issues dep_issues;
        const fs::path dep_dir = dir.parent_path() / m.dependencies[i];
        const PluginManifest dep = read_manifest(dep_dir / "plugin.json", dep_issues);
        if (dep_issues.empty()) load_plugin_data(dep, dictionary, dep_issues);
        if (!dep_issues.empty())
            issues.add(manifest_file, json_path_index("$.dependencies", i),
                       "the plugin " + m.dependencies[i] + " is not usable beside this folder (" +
                           dep_dir.string() + "): its vocabulary is unknown");
    }
    auto data = load_plugin_data(*package, m, dictionary, issues);
    if (data && !m.dictionary.empty())
        dictionary.merge(data->fragment, data->fragment_file, issues);
    const auto settings = checked_settings(
        m, options.settings ? options.settings : Poco::JSON::Object::Ptr(new Poco::JSON::Object),
        "settings", issues);

    std::string error;
    auto loaded = load_library(*package, m, error);
    if (!loaded) {
        issues.add(manifest_file, "$.library", error);
        return issues;
    }
    if (std::string failure = start(*loaded, "check", settings); !failure.empty()) {
        issues.add(manifest_file, "$", failure);
        return issues;
    }
    // Each result template, filled by the plugin itself from sample data.
    for (std::size_t i = 0; data && i < data->templates.size(); ++i) {
        const DocumentTemplate& tpl = data->templates[i];
        auto request =
            sample_request(*package, m, m.templates[i], tpl, data->items, dictionary, issues);
        if (!request) continue;
        try {
            auto answer = call_plugin(*loaded, Operation::FillDocument, request);
            auto fields = answer->getObject("fields");
            if (!fields)
                issues.add(tpl.file, "$", "fill_document answered without \"fields\"");
            else
                issues.append(check_template_sample(tpl.file, fields));
        } catch (const Error& e) {
            issues.add(
                tpl.file, "$",
                std::string(e.what()) +
                    " (filling it from sample data; give the case and decision it needs "
                    "in " +
                    (fs::path(m.templates[i]).parent_path() / fs::path(m.templates[i]).stem())
                        .string() +
                    ".sample.json)");
        }
    }
    stop(*loaded);
    return issues;
}

}  // namespace onewindow
