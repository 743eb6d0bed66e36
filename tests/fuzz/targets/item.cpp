// A service item file (forms/<department>/<item>.json) against the real shared dictionary:
// load_item().
#include "../fuzz_target.hpp"
#include "onewindow/core/forms.hpp"

namespace {

const onewindow::Dictionary& shared_dictionary() {
    static const onewindow::Dictionary dictionary = [] {
        onewindow::Issues issues;
        auto d = onewindow::Dictionary::load(
            std::filesystem::path(ONEWINDOW_SOURCE_DIR) / "forms/fields.json", issues);
        issues.throw_if_any();
        return d;
    }();
    return dictionary;
}

}  // namespace

ONEWINDOW_FUZZ_TARGET(item) {
    const auto& dictionary = shared_dictionary();
    const auto file = onewindow::fuzz::input_file(data, size, "item.json");
    return onewindow::fuzz::refusals_only([&] {
        onewindow::Issues issues;
        onewindow::load_item(file, dictionary, issues);
    });
}
