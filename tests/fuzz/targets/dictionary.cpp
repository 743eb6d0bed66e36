// The shared field dictionary (forms/fields.json, and the dictionary fragments of plugins):
// Dictionary::load().
#include "../fuzz_target.hpp"
#include "onewindow/core/forms.hpp"

ONEWINDOW_FUZZ_TARGET(dictionary) {
    const auto file = onewindow::fuzz::input_file(data, size, "fields.json");
    return onewindow::fuzz::refusals_only([&] {
        onewindow::Issues issues;
        onewindow::Dictionary::load(file, issues);
    });
}
