// A document template (templates/*/*.json): load_template(), in a folder that holds the real
// shared parts (parts/header.json, parts/footer.json) so that includes are followed too.
#include "../fuzz_target.hpp"
#include "onewindow/core/document.hpp"

namespace {

const std::filesystem::path& template_folder() {
    static const std::filesystem::path folder = [] {
        const auto dir = onewindow::fuzz::scratch() / "templates";
        std::filesystem::create_directories(dir);
        std::filesystem::copy(
            std::filesystem::path(ONEWINDOW_SOURCE_DIR) / "templates/common/parts", dir / "parts",
            std::filesystem::copy_options::recursive |
                std::filesystem::copy_options::overwrite_existing);
        return dir;
    }();
    return folder;
}

}  // namespace

ONEWINDOW_FUZZ_TARGET(template) {
    const auto file = onewindow::fuzz::input_file(data, size, "template.json", template_folder());
    return onewindow::fuzz::refusals_only([&] {
        onewindow::Issues issues;
        onewindow::load_template(file, issues);
    });
}
