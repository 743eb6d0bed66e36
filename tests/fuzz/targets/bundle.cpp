// A life-event bundle file (forms/bundles/*.json): load_bundle().
#include "../fuzz_target.hpp"
#include "onewindow/core/forms.hpp"

ONEWINDOW_FUZZ_TARGET(bundle) {
    const auto file = onewindow::fuzz::input_file(data, size, "bundle.json");
    return onewindow::fuzz::refusals_only([&] {
        onewindow::Issues issues;
        onewindow::load_bundle(file, issues);
    });
}
