// `onewindow-cli plugins new`: a new department's plugin folder to start from.
//
// The scaffold is the SDK's example (sdk/example, staged as share/onewindow/sdk/example) made
// the new plugin's own: in every file name and file text the word "example" becomes the plugin
// id, "Example" its name in CamelCase (the C++ class) and "示例局" the department's name. So the
// folder has the example's shape — one item with its own field and material in the plugin's
// dictionary fragment, a check, a result template with its sample data, a test, the CMake file
// — builds out of tree against the SDK, and passes `onewindow-cli plugins check` as written.
//
// Threads: a plain function.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace onewindow {

/// The plugin id as a C++ class name: "natural_resources" -> "NaturalResources".
std::string camel_case(const std::string& id);

/// Writes the scaffold of plugin `id` of `department` into `dir` (which must not exist yet)
/// from the SDK example folder `example_dir`; returns the files written, relative to `dir`.
/// Error(Input) for an id that is not lower-case letters, digits and _, an empty department, or
/// an existing `dir`; Error(Storage) when a file cannot be written.
std::vector<std::filesystem::path> write_plugin_scaffold(const std::filesystem::path& example_dir,
                                                         const std::filesystem::path& dir,
                                                         const std::string& id,
                                                         const std::string& department);

}  // namespace onewindow
