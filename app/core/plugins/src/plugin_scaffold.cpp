#include "onewindow/core/plugin_scaffold.hpp"

#include <regex>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"

namespace fs = std::filesystem;

namespace onewindow {

std::string camel_case(const std::string& id) {
    std::string out;
    bool upper = true;
    for (char c : id) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    return out;
}

namespace {

/// `text` with the example's names replaced by the new plugin's.
std::string made_own(const std::string& text, const std::string& id,
                     const std::string& department) {
    // The word, also inside identifiers such as onewindow_example or example.site_area, but
    // not inside another word.
    static const std::regex lower("(^|[^A-Za-z])example(?![A-Za-z])"),
        upper("(^|[^A-Za-z])Example(?![A-Za-z])");
    std::string out = std::regex_replace(text, lower, "$1" + id);
    out = std::regex_replace(out, upper, "$1" + camel_case(id));
    const std::string from = "示例局";
    for (std::size_t at = out.find(from); at != std::string::npos;
         at = out.find(from, at + department.size()))
        out.replace(at, from.size(), department);
    return out;
}

}  // namespace

std::vector<fs::path> write_plugin_scaffold(const fs::path& example_dir, const fs::path& dir,
                                            const std::string& id, const std::string& department) {
    static const std::regex id_pattern("[a-z][a-z0-9_]{0,63}");
    if (!std::regex_match(id, id_pattern))
        throw Error(ErrorKind::Input,
                    trf("The plugin id \"{}\" must be lower-case letters, digits and _, "
                        "starting with a letter",
                        id));
    if (department.empty())
        throw Error(ErrorKind::Input, tr("Give the department's name with --department"));
    if (fs::exists(dir))
        throw Error(ErrorKind::Input,
                    trf("{} exists already: choose another folder", dir.string()));
    if (!fs::is_directory(example_dir))
        throw Error(ErrorKind::NotFound, trf("The SDK example {} is missing: is the SDK installed?",
                                             example_dir.string()));
    std::vector<fs::path> written;
    for (auto it = fs::recursive_directory_iterator(example_dir); it != fs::end(it); ++it) {
        const fs::path relative = fs::relative(it->path(), example_dir);
        if (it->is_directory() && relative.filename() == "build") {
            it.disable_recursion_pending();  // a build of the example is not part of it
            continue;
        }
        if (!it->is_regular_file()) continue;
        const fs::path target = dir / made_own(relative.string(), id, department);
        fs::create_directories(target.parent_path());
        write_file_atomically(target, made_own(read_text_file(it->path()), id, department), 0644);
        written.push_back(fs::relative(target, dir));
    }
    return written;
}

}  // namespace onewindow
