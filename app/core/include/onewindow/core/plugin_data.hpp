// A plugin's data: its dictionary fragment, its item forms and its result-document templates, as
// one plugin folder ships them (design.md "Layout"; sdk/docs/ for the formats).
//
// load_plugin_data() reads all of them and checks them together, against the dictionary of the
// plugins read before (the shared dictionary plus their fragments):
//   - the fragment's keys lie in the plugin's namespace "<id>." and redefine nothing (a conflict
//     names the plugin, the key and both definitions);
//   - every form is a valid item using shared keys, the plugin's own, or those of the plugins it
//     depends on; its code is one of the manifest's items, and no two forms share a code;
//   - every item of the manifest has a form;
//   - every template loads, and names in "items" only items of the plugin.
// A plugin is offered whole or not at all: with any issue, nothing is merged and no item is
// returned, and the caller keeps the plugin out while every other plugin runs.
// Threads: a plain function; the dictionary is the caller's and is changed only on success.
#pragma once

#include <vector>

#include "onewindow/core/document.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/plugin_host.hpp"

namespace onewindow {

struct PluginData {
    std::vector<ServiceItem> items;
    std::vector<DocumentTemplate> templates;
};

/// Reads and checks the data of the plugin of `manifest` (files under manifest.dir); on success
/// merges its fragment into `dictionary` and returns its items and templates, else adds the
/// issues and returns nothing.
PluginData load_plugin_data(const PluginManifest& manifest, Dictionary& dictionary, Issues& issues);

}  // namespace onewindow
