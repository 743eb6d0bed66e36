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
#include <regex>
#include <set>

#include "onewindow/core/error.hpp"
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
}  // namespace

PluginManifest read_manifest(const fs::path& file, Issues& issues) {
    PluginManifest m;
    m.manifest_file = file;
    m.dir = file.parent_path();
    Poco::Dynamic::Var document;
    try {
        document = load_json_file(file);
    } catch (const Error& e) {
        std::string message = e.what();  // "<file>: [$: ]reason": keep the reason
        for (const std::string& prefix : {file.string() + ": $: ", file.string() + ": "})
            if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
        issues.add(file.string(), "$", message);
        return m;
    }
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
        r.fail("abi", "must be \"major.minor\", e.g. \"1.0\"");
    }
    m.dependencies = r.strings("dependencies", false);
    m.forms = r.strings("forms", false);
    m.templates = r.strings("templates", false);
    for (const char* key : {"forms", "templates"})
        for (const auto& path : r.strings(key, false))
            if (fs::path(path).is_absolute() || path.find("..") != std::string::npos)
                r.fail(key, "\"" + path + "\" must be a path inside the plugin folder");
    m.library = r.string("library");
    if (m.library.find('/') != std::string::npos) r.fail("library", "must be a file name");
    m.sha256 = r.string("sha256");
    if (!m.sha256.empty() && !std::regex_match(m.sha256, kHashPattern))
        r.fail("sha256", "must be 64 lower-case hex digits");
    r.reject_unknown({"id", "name", "version", "vendor", "department", "abi", "dependencies",
                      "items", "devices", "forms", "templates", "library", "sha256"});
    return m;
}

std::vector<PluginManifest> trust_plugin_folders(const fs::path& list_file,
                                                 const std::vector<fs::path>& folders,
                                                 Issues& issues) {
    TrustedList trusted = TrustedList::load(list_file);
    std::vector<PluginManifest> added;
    for (const auto& dir : folders) {
        Issues own;
        auto manifest = read_manifest(dir / "plugin.json", own);
        if (!own.empty()) {
            issues.append(own);
            continue;
        }
        trusted.add(manifest.id, manifest.sha256);
        added.push_back(std::move(manifest));
    }
    if (!list_file.parent_path().empty()) fs::create_directories(list_file.parent_path());
    trusted.save(list_file);
    return added;
}

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

bool TrustedList::trusts(const std::string& sha256) const {
    for (const auto& entry : entries_)
        if (entry.second == sha256) return true;
    return false;
}

void TrustedList::add(const std::string& id, const std::string& sha256) {
    if (!trusts(sha256)) entries_.emplace_back(id, sha256);
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
    const std::string text = to_json(root) + "\n";
    const fs::path temp = file.string() + ".tmp";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size()) &&
              ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) throw Error(ErrorKind::Storage, file.string() + ": cannot be written");
    fs::rename(temp, file);
}

std::string sha256_of_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(ErrorKind::Input, file.string() + ": cannot be read");
    Poco::Crypto::DigestEngine engine("SHA256");  // OpenSSL: several times faster
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        engine.update(buffer, static_cast<unsigned>(in.gcount()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::optional<std::string> elf_problem(const fs::path& file) {
    std::error_code error;
    const auto size = fs::file_size(file, error);
    if (error) return "cannot be read";
    std::ifstream in(file, std::ios::binary);
    Elf64_Ehdr header{};
    if (size < sizeof header || !in.read(reinterpret_cast<char*>(&header), sizeof header))
        return "too short to be a shared library";
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
    in.seekg(static_cast<std::streamoff>(header.e_phoff));
    for (int i = 0; i < header.e_phnum; ++i) {
        Elf64_Phdr segment{};
        if (!in.read(reinterpret_cast<char*>(&segment), sizeof segment)) return "truncated";
        if (segment.p_type == PT_LOAD && !inside(segment.p_offset, segment.p_filesz))
            return "truncated: a loadable segment lies past the end of the file";
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------

struct LoadedPlugin {
    std::string id;
    boost::dll::shared_library library;
    const ow_plugin_v1* table = nullptr;
};

namespace {

// The members a plugin must provide, all present since ABI 1.0.
constexpr std::size_t kMinimumTable = offsetof(ow_plugin_v1, shutdown);

/// Checks the library of `m` and loads it. Returns null with `error` set on failure.
/// `trusted` (may be empty) decides step 4; `untrusted` tells the caller that was the reason.
std::unique_ptr<LoadedPlugin> open_library(const PluginManifest& m, const TrustedList* trusted,
                                           std::string& error, bool& untrusted) {
    untrusted = false;
    const fs::path path = m.dir / m.library;
    if (!fs::is_regular_file(path)) {
        error = "library " + path.string() + " is missing";
        return nullptr;
    }
    std::string hash;
    try {
        hash = sha256_of_file(path);
    } catch (const Error& e) {
        error = e.what();
        return nullptr;
    }
    if (hash != m.sha256) {
        error = "library " + m.library +
                " does not match the SHA-256 of its manifest (changed after build?)";
        return nullptr;
    }
    if (auto problem = elf_problem(path)) {
        error = "library " + m.library + ": " + *problem;
        return nullptr;
    }
    if (trusted && !trusted->trusts(hash)) {
        untrusted = true;
        error = "not trusted: listed, not run, until an administrator trusts it (sha256 " +
                hash.substr(0, 12) + "...)";
        return nullptr;
    }
    auto loaded = std::make_unique<LoadedPlugin>();
    loaded->id = m.id;
    boost::dll::fs::error_code load_error;
    loaded->library.load(boost::dll::fs::path(path.string()), load_error,
                         boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
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
    loaded->table = table;
    return loaded;
}

std::string take_answer(const ow_plugin_v1* table, char* answer) {
    std::string text = answer ? answer : "";
    if (answer) table->free_string(answer);
    return text;
}

/// Initializes; returns "" on success, else the plugin's message.
std::string initialize(LoadedPlugin& plugin, const std::string& host_version,
                       const Poco::JSON::Object::Ptr& settings) {
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object(true);
    request->set("abi",
                 std::to_string(ONEWINDOW_ABI_MAJOR) + "." + std::to_string(ONEWINDOW_ABI_MINOR));
    request->set("host_version", host_version);
    request->set("plugin_id", plugin.id);
    request->set("settings", settings ? settings : Poco::JSON::Object::Ptr(new Poco::JSON::Object));
    char* answer = nullptr;
    const int rc = plugin.table->init(to_json(request).c_str(), &answer);
    std::string text = take_answer(plugin.table, answer);
    if (rc == OW_OK) return {};
    return "initialization failed: " + (text.empty() ? std::string("no reason given") : text);
}

}  // namespace

PluginHost::PluginHost(HostOptions options) : options_(std::move(options)) {}

PluginHost::~PluginHost() {
    for (auto it = loaded_.rbegin(); it != loaded_.rend(); ++it)
        if ((*it)->table && (*it)->table->shutdown) (*it)->table->shutdown();
    // Libraries are unloaded last, after every object from them is gone.
}

const PluginStatus* PluginHost::find(const std::string& id) const {
    for (const auto& p : plugins_)
        if (p.manifest.id == id) return &p;
    return nullptr;
}

bool PluginHost::running(const std::string& id) const {
    const PluginStatus* status = find(id);
    return status && status->state == PluginState::Running;
}

void PluginHost::load_all() {
    // 1. Every manifest, before any code.
    for (const auto& root : options_.plugin_roots) {
        if (!fs::is_directory(root)) continue;
        std::set<fs::path> folders;
        for (const auto& entry : fs::directory_iterator(root))
            if (entry.is_directory() && fs::exists(entry.path() / "plugin.json"))
                folders.insert(entry.path());
        for (const auto& folder : folders) {
            Issues issues;
            PluginStatus status;
            status.manifest = read_manifest(folder / "plugin.json", issues);
            if (!issues.empty()) {
                // An invalid manifest's id cannot be trusted either: name it by its folder.
                status.manifest.id = folder.filename().string();
                status.state = PluginState::Invalid;
                status.error = issues.to_string();
            } else if (find(status.manifest.id)) {
                status.state = PluginState::Invalid;
                status.error = "another plugin already has the id \"" + status.manifest.id + "\"";
            } else {
                status.state = PluginState::Running;  // provisional: "not failed yet"
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

    // 3-6. Check, trust, load and initialize in dependency order.
    TrustedList trusted;
    try {
        trusted = TrustedList::load(options_.trusted_list_file);
    } catch (const Error& e) {
        for (auto i : order)
            if (plugins_[i].state == PluginState::Running)
                plugins_[i].state = PluginState::Failed, plugins_[i].error = e.what();
    }
    if (!options_.state_dir.empty()) fs::create_directories(options_.state_dir);
    for (auto i : order) {
        PluginStatus& p = plugins_[i];
        if (p.state != PluginState::Running) continue;
        for (const auto& dep : p.manifest.dependencies) {
            if (!running(dep)) {
                p.state = PluginState::Failed;
                p.error = "dependency \"" + dep + "\" failed";
            }
        }
        if (p.state != PluginState::Running) continue;
        bool untrusted = false;
        auto loaded = open_library(p.manifest, &trusted, p.error, untrusted);
        if (!loaded) {
            p.state = untrusted ? PluginState::Untrusted : PluginState::Failed;
            continue;
        }
        const fs::path marker = options_.state_dir.empty()
                                    ? fs::path()
                                    : options_.state_dir / (p.manifest.id + ".initializing");
        if (!marker.empty() && fs::exists(marker)) {
            p.state = PluginState::Failed;
            p.error = "brought the program down during initialization last time; remove " +
                      marker.string() + " to try it again";
            loaded_.push_back(std::move(loaded));  // keep it loaded, never call it
            loaded_.back()->table = nullptr;
            continue;
        }
        if (!marker.empty()) std::ofstream(marker) << p.manifest.version << '\n';
        Poco::JSON::Object::Ptr settings;
        if (options_.settings) settings = options_.settings->getObject(p.manifest.id);
        std::string failure = initialize(*loaded, options_.host_version, settings);
        if (!marker.empty()) fs::remove(marker);
        if (!failure.empty()) {
            p.state = PluginState::Failed;
            p.error = failure;
            loaded_.push_back(std::move(loaded));
            loaded_.back()->table = nullptr;
            continue;
        }
        p.error.clear();
        loaded_.push_back(std::move(loaded));
    }
}

Poco::JSON::Object::Ptr PluginHost::call(const std::string& id, Operation op,
                                         const Poco::JSON::Object::Ptr& request) {
    static const char* names[] = {"validate", "route", "derive", "fill_document", "device"};
    const std::string what = "plugin " + id + ": " + names[static_cast<int>(op)] + ": ";
    LoadedPlugin* plugin = nullptr;
    for (auto& l : loaded_)
        if (l->id == id && l->table) plugin = l.get();
    if (!plugin || !running(id)) throw Error(ErrorKind::Plugin, what + "the plugin is not running");
    const ow_plugin_v1* t = plugin->table;
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
    char* answer = nullptr;
    const int rc = fn(to_json(request).c_str(), &answer);
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

Issues check_plugin_folder(const fs::path& dir) {
    Issues issues;
    const fs::path file = dir / "plugin.json";
    PluginManifest m = read_manifest(file, issues);
    if (!issues.empty()) return issues;
    for (const char* key : {"forms", "templates"})
        for (const auto& path : key == std::string("forms") ? m.forms : m.templates)
            if (!fs::is_regular_file(dir / path))
                issues.add(file.string(), std::string("$.") + key,
                           "\"" + path + "\" does not exist");
    std::string error;
    bool untrusted = false;
    auto loaded = open_library(m, nullptr, error, untrusted);
    if (!loaded) {
        issues.add(file.string(), "$.library", error);
        return issues;
    }
    std::string failure = initialize(*loaded, "check", nullptr);
    if (!failure.empty())
        issues.add(file.string(), "$", failure);
    else if (loaded->table->shutdown)
        loaded->table->shutdown();
    return issues;
}

}  // namespace onewindow
