#include "onewindow/core/plugin_data.hpp"

#include <algorithm>
#include <set>

#include "onewindow/core/error.hpp"

namespace fs = std::filesystem;

namespace onewindow {

PluginData load_plugin_data(const PluginManifest& m, Dictionary& dictionary, Issues& issues) {
    Issues found;
    const std::string manifest_file = m.manifest_file.string();
    Dictionary view = dictionary;
    if (!m.dictionary.empty()) {
        const fs::path file = m.dir / m.dictionary;
        if (auto document = read_json_document(file, found)) {
            Dictionary fragment = Dictionary::read(*document, file.string(), found, m.id, &view);
            if (found.empty()) view.merge(fragment, file.string(), found);
        }
    }
    PluginData data;
    const Scope scope{m.id, m.dependencies};
    std::set<std::string> served;
    for (const auto& form : m.forms) {
        const fs::path file = m.dir / form;
        Issues item_issues;
        ServiceItem item = load_item(file, view, item_issues, scope);
        if (item_issues.empty()) {
            if (std::find(m.items.begin(), m.items.end(), item.code) == m.items.end())
                item_issues.add(file.string(), "$.code",
                                "item " + item.code +
                                    " is not listed in the manifest's \"items\": add it there");
            else if (!served.insert(item.code).second)
                item_issues.add(file.string(), "$.code",
                                "another form of the plugin already defines item " + item.code);
        }
        found.append(item_issues);
        data.items.push_back(std::move(item));
    }
    for (std::size_t i = 0; i < m.items.size(); ++i)
        if (!served.count(m.items[i]) && found.empty())
            found.add(manifest_file, json_path_index("$.items", i),
                      "item " + m.items[i] + " has no form: add its file to \"forms\"");
    for (const auto& file : m.templates) {
        Issues template_issues;
        DocumentTemplate tpl = load_template(m.dir / file, template_issues);
        if (template_issues.empty())
            for (std::size_t i = 0; i < tpl.items.size(); ++i)
                if (std::find(m.items.begin(), m.items.end(), tpl.items[i]) == m.items.end())
                    template_issues.add(tpl.file, json_path_index("$.items", i),
                                        "item " + tpl.items[i] +
                                            " is not an item of the plugin: a result document "
                                            "names the plugin's own items");
        found.append(template_issues);
        data.templates.push_back(std::move(tpl));
    }
    if (!found.empty()) {
        issues.append(found);
        return {};
    }
    dictionary = std::move(view);
    return data;
}

}  // namespace onewindow
