// A plugin's data: its dictionary fragment, its item forms and its result-document templates, as
// one plugin folder ships them (design.md "Layout"; the formats in sdk/docs/).
//
// load_plugin_data() reads all of them from the plugin's package (the bytes the host hashed,
// plugin_package.hpp) and checks them together, against the dictionary of the plugins already
// accepted (the shared dictionary plus their fragments), without changing it:
//   - every JSON file parses, and no object of it names a key twice;
//   - the fragment's keys lie in the plugin's namespace "<id>." and redefine nothing (a conflict
//     names the plugin, the key and both definitions);
//   - every form is a valid item using shared keys, the plugin's own, or those of the plugins it
//     depends on; its code is one of the manifest's items, and no two forms share a code;
//   - every item of the manifest has a form;
//   - every template loads, and names in "items" only items of the plugin.
// A plugin is offered whole or not at all: with any issue no data is returned, and the caller
// keeps the plugin out while every other plugin runs. The caller merges `fragment` into its
// dictionary once it runs the plugin.
// Threads: plain functions.
#pragma once

#include <optional>
#include <vector>

#include "onewindow/core/document.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/plugin_package.hpp"

namespace onewindow {

struct PluginData {
    Dictionary fragment;  // the plugin's own fields and materials (empty without a fragment)
    std::string fragment_file;
    std::vector<ServiceItem> items;
    std::vector<DocumentTemplate> templates;
};

/// Checks the data of the plugin of `manifest` in `package` against `dictionary` (see above).
/// nullopt, with the issues added, when anything is wrong.
std::optional<PluginData> load_plugin_data(const PluginPackage& package,
                                           const PluginManifest& manifest,
                                           const Dictionary& dictionary, Issues& issues);

/// The same, reading the plugin's folder (manifest.dir) first; on success merges the fragment
/// into `dictionary`. For tools and tests that read a plugin folder on its own.
PluginData load_plugin_data(const PluginManifest& manifest, Dictionary& dictionary, Issues& issues);

/// Parses a JSON file of a plugin: nullopt, with an issue per problem (malformed JSON; a key
/// named twice in one object, with its JSON path), when it is not clean.
std::optional<Poco::Dynamic::Var> parse_plugin_json(const std::string& bytes,
                                                    const std::string& file, Issues& issues);

}  // namespace onewindow
