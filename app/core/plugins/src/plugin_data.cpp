#include "onewindow/core/plugin_data.hpp"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "onewindow/core/error.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

/// Poco's parse handler, also recording every key an object names twice (Poco keeps the last
/// one silently) with its JSON path.
class StrictHandler : public Poco::JSON::ParseHandler {
  public:
    StrictHandler() : ParseHandler(true) {}
    std::vector<std::string> duplicates;

    void startObject() override {
        const std::string path = next_path();
        ParseHandler::startObject();
        levels_.push_back(Level{true, path, {}, {}, 0});
    }
    void endObject() override {
        levels_.pop_back();
        ParseHandler::endObject();
    }
    void startArray() override {
        const std::string path = next_path();
        ParseHandler::startArray();
        levels_.push_back(Level{false, path, {}, {}, 0});
    }
    void endArray() override {
        levels_.pop_back();
        ParseHandler::endArray();
    }
    void key(const std::string& k) override {
        Level& level = levels_.back();
        if (!level.keys.insert(k).second) duplicates.push_back(json_path_key(level.path, k));
        level.key = k;
        ParseHandler::key(k);
    }
    void null() override { next_path(), ParseHandler::null(); }
    void value(int v) override { next_path(), ParseHandler::value(v); }
    void value(unsigned v) override { next_path(), ParseHandler::value(v); }
    void value(Poco::Int64 v) override { next_path(), ParseHandler::value(v); }
    void value(Poco::UInt64 v) override { next_path(), ParseHandler::value(v); }
    void value(const std::string& v) override { next_path(), ParseHandler::value(v); }
    void value(double v) override { next_path(), ParseHandler::value(v); }
    void value(bool v) override { next_path(), ParseHandler::value(v); }

  private:
    struct Level {
        bool object;
        std::string path;
        std::set<std::string> keys;
        std::string key;
        std::size_t index = 0;
    };
    /// The JSON path of the value that starts now.
    std::string next_path() {
        if (levels_.empty()) return "$";
        Level& level = levels_.back();
        return level.object ? json_path_key(level.path, level.key)
                            : json_path_index(level.path, level.index++);
    }
    std::vector<Level> levels_;
};

/// Writes the package's files but its library into a new private folder (mode 0700) and
/// removes it when done: the template loader reads templates (and the parts they include) from
/// files, and this way it reads exactly the bytes the host hashed.
class PrivateCopy {
  public:
    PrivateCopy(const PluginPackage& package, const std::string& library) {
        std::string pattern = (scratch_root() / "onewindow-plugin-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw Error(ErrorKind::Storage,
                        "cannot create a private folder in " + scratch_root().string());
        dir = pattern;
        for (const auto& [path, bytes] : package.files) {
            if (path == library) continue;
            const fs::path file = dir / path;
            fs::create_directories(file.parent_path());
            std::ofstream out(file, std::ios::binary);
            out << bytes;
            if (!out) throw Error(ErrorKind::Storage, file.string() + ": cannot be written");
        }
    }
    ~PrivateCopy() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    PrivateCopy(const PrivateCopy&) = delete;
    PrivateCopy& operator=(const PrivateCopy&) = delete;

    /// `text` with this folder's name replaced by the plugin folder's.
    std::string original(const std::string& text, const fs::path& plugin_dir) const {
        std::string out = text;
        const std::string from = dir.string(), to = plugin_dir.string();
        for (std::size_t at = out.find(from); at != std::string::npos;
             at = out.find(from, at + to.size()))
            out.replace(at, from.size(), to);
        return out;
    }

    fs::path dir;
};

/// The template `relative` of the package, loaded from the private copy, with every file name
/// (of the template, of its parts, in its issues) naming the plugin folder again.
DocumentTemplate load_package_template(const PrivateCopy& copy, const PluginPackage& package,
                                       const std::string& relative, Issues& issues) {
    Issues found;
    DocumentTemplate tpl = load_template(copy.dir / relative, found);
    tpl.file = copy.original(tpl.file, package.dir);
    for (auto& origin : tpl.origins) {
        origin.file = copy.original(origin.file, package.dir);
        origin.note = copy.original(origin.note, package.dir);
    }
    for (const auto& issue : found.list())
        issues.add(copy.original(issue.file, package.dir), issue.path,
                   copy.original(issue.message, package.dir));
    return tpl;
}

}  // namespace

std::optional<Poco::Dynamic::Var> parse_plugin_json(const std::string& bytes,
                                                    const std::string& file, Issues& issues) {
    Poco::SharedPtr<StrictHandler> handler = new StrictHandler;
    Poco::JSON::Parser parser(handler);
    Poco::Dynamic::Var document;
    try {
        document = parser.parse(bytes);
    } catch (const Poco::Exception& e) {
        issues.add(file, "$", "malformed JSON: " + e.message());
        return std::nullopt;
    }
    for (const auto& path : handler->duplicates)
        issues.add(file, path, "this key appears more than once in its object: keep one");
    if (!handler->duplicates.empty()) return std::nullopt;
    return document;
}

std::optional<PluginData> load_plugin_data(const PluginPackage& package, const PluginManifest& m,
                                           const Dictionary& dictionary, Issues& issues) {
    Issues found;
    PluginData data;
    /// The parsed document of a file the manifest names.
    auto document = [&](const std::string& relative, const std::string& key,
                        std::size_t index) -> std::optional<Poco::Dynamic::Var> {
        const std::string* bytes = package.find(relative);
        if (!bytes) {
            found.add(m.manifest_file.string(),
                      index == std::string::npos ? "$." + key : json_path_index("$." + key, index),
                      "\"" + relative + "\" is not in the plugin folder");
            return std::nullopt;
        }
        return parse_plugin_json(*bytes, package.name(relative), found);
    };

    Dictionary view = dictionary;
    if (!m.dictionary.empty()) {
        data.fragment_file = package.name(m.dictionary);
        if (auto doc = document(m.dictionary, "dictionary", std::string::npos)) {
            data.fragment = Dictionary::read(*doc, data.fragment_file, found, m.id, &view);
            if (found.empty()) view.merge(data.fragment, data.fragment_file, found);
        }
        // Without its vocabulary, its forms would only repeat "unknown key" for each use.
        if (!found.empty()) {
            issues.append(found);
            return std::nullopt;
        }
    }
    const Scope scope{m.id, m.dependencies};
    std::set<std::string> served;
    for (std::size_t i = 0; i < m.forms.size(); ++i) {
        auto doc = document(m.forms[i], "forms", i);
        if (!doc) continue;
        const std::string file = package.name(m.forms[i]);
        Issues item_issues;
        ServiceItem item = load_item(*doc, file, view, item_issues, scope);
        if (item_issues.empty()) {
            if (std::find(m.items.begin(), m.items.end(), item.code) == m.items.end())
                item_issues.add(file, "$.code",
                                "item " + item.code +
                                    " is not listed in the manifest's \"items\": add it there");
            else if (!served.insert(item.code).second)
                item_issues.add(file, "$.code",
                                "another form of the plugin already defines item " + item.code);
        }
        found.append(item_issues);
        data.items.push_back(std::move(item));
    }
    if (found.empty())
        for (std::size_t i = 0; i < m.items.size(); ++i)
            if (!served.count(m.items[i]))
                found.add(m.manifest_file.string(), json_path_index("$.items", i),
                          "item " + m.items[i] + " has no form: add its file to \"forms\"");
    if (!m.templates.empty()) {
        std::optional<PrivateCopy> copy;
        for (std::size_t i = 0; i < m.templates.size(); ++i) {
            if (!document(m.templates[i], "templates", i)) continue;  // parses, no duplicates
            if (!copy) copy.emplace(package, m.library);
            Issues template_issues;
            DocumentTemplate tpl =
                load_package_template(*copy, package, m.templates[i], template_issues);
            if (template_issues.empty())
                for (std::size_t j = 0; j < tpl.items.size(); ++j)
                    if (std::find(m.items.begin(), m.items.end(), tpl.items[j]) == m.items.end())
                        template_issues.add(tpl.file, json_path_index("$.items", j),
                                            "item " + tpl.items[j] +
                                                " is not an item of the plugin: a result document "
                                                "names the plugin's own items");
            found.append(template_issues);
            data.templates.push_back(std::move(tpl));
        }
    }
    if (!found.empty()) {
        issues.append(found);
        return std::nullopt;
    }
    return data;
}

PluginData load_plugin_data(const PluginManifest& m, Dictionary& dictionary, Issues& issues) {
    auto package = read_plugin_package(m.dir, issues);
    if (!package) return {};
    auto data = load_plugin_data(*package, m, dictionary, issues);
    if (!data) return {};
    if (!m.dictionary.empty()) dictionary.merge(data->fragment, data->fragment_file, issues);
    return std::move(*data);
}

}  // namespace onewindow
