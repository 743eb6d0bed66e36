// A plugin manifest (plugins/<id>/plugin.json), read before any plugin code runs:
// read_manifest().
#include "../fuzz_target.hpp"
#include "onewindow/core/plugin_host.hpp"

ONEWINDOW_FUZZ_TARGET(manifest) {
    const auto file = onewindow::fuzz::input_file(data, size, "plugin.json");
    return onewindow::fuzz::refusals_only([&] {
        onewindow::Issues issues;
        onewindow::read_manifest(file, issues);
    });
}
