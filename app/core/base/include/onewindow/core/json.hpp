// Reading JSON input files with messages that name the file, the JSON path and the reason.
//
// Every data file of OneWindow (forms, item definitions, templates, manifests, case files) is
// JSON read through these helpers, so a department developer always gets messages of the form
//     forms/family_planning/first_child.json: $.form.sections[0].fields[2].key: unknown field key
//     "x"
// One bad key yields one message; reading goes on so that all problems are reported at once.
// Objects keep the key order of the file (Poco parser with preserved insertion order).
// Thread-safety: none needed; each reader is used by one thread.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onewindow {

/// One problem found in an input: where it is and what is wrong.
struct Issue {
    std::string file;     // file name as given, or a description such as "request body"
    std::string path;     // JSON path, "$" for the document itself
    std::string message;  // what is wrong, in plain words
    std::string to_string() const;
};

/// All problems found while reading one or more inputs.
class Issues {
  public:
    void add(std::string file, std::string path, std::string message);
    bool empty() const { return list_.empty(); }
    std::size_t size() const { return list_.size(); }
    const std::vector<Issue>& list() const { return list_; }
    void append(const Issues& other);
    /// One issue per line.
    std::string to_string() const;
    /// Throws Error(ErrorKind::Input) with to_string() unless empty.
    void throw_if_any() const;

  private:
    std::vector<Issue> list_;
};

/// Parses JSON text; a syntax error throws Error(Input) naming `file` and the position.
Poco::Dynamic::Var parse_json(const std::string& text, const std::string& file);
/// Reads and parses a file; unreadable file or bad syntax throws Error(Input).
Poco::Dynamic::Var load_json_file(const std::filesystem::path& path);
/// Reads a whole file into a string; throws Error(Input) naming the file when it cannot.
std::string read_text_file(const std::filesystem::path& path);
/// Writes a whole file so that readers see the old or the new text, never half of it (a
/// temporary file beside it, fsynced unless not `durable`, renamed over it); `mode` is the new
/// file's permissions. Error(Storage) naming the file when it cannot.
void write_file_atomically(const std::filesystem::path& path, const std::string& text,
                           unsigned mode = 0600, bool durable = true);
/// Serialises a JSON value compactly (objects keep their key order).
std::string to_json(const Poco::Dynamic::Var& value);
std::string to_json(const Poco::JSON::Object::Ptr& value);

/// Reads typed members of one JSON object, recording an Issue for each missing or bad key.
/// Accessors return a default value after recording the issue, so reading goes on.
class ObjectReader {
  public:
    ObjectReader(Poco::JSON::Object::Ptr object, std::string file, std::string path,
                 Issues& issues);
    /// Wraps a value that must be an object; records an issue (and reads as empty) otherwise.
    static ObjectReader of(const Poco::Dynamic::Var& value, std::string file, std::string path,
                           Issues& issues);

    bool has(const std::string& key) const;
    std::string string(const std::string& key);  // required, non-empty
    std::optional<std::string> opt_string(const std::string& key);
    long long integer(const std::string& key, long long min, long long max);  // required
    std::optional<long long> opt_integer(const std::string& key, long long min, long long max);
    std::optional<double> opt_number(const std::string& key);
    bool boolean(const std::string& key);  // required
    bool opt_boolean(const std::string& key, bool fallback);
    std::vector<std::string> strings(const std::string& key, bool required);
    /// A member that must be an object; a missing optional one reads as an empty object.
    ObjectReader object(const std::string& key, bool required);
    /// A member that must be an array; empty when missing (an issue if required).
    Poco::JSON::Array::Ptr array(const std::string& key, bool required);
    /// Records one issue per key not in `known`.
    void reject_unknown(std::initializer_list<std::string_view> known);

    Poco::JSON::Object::Ptr raw() const { return object_; }
    const std::string& file() const { return file_; }
    const std::string& path() const { return path_; }
    std::string path_of(const std::string& key) const;
    Issues& issues() const { return *issues_; }
    void fail(const std::string& key, const std::string& message) const;

  private:
    Poco::JSON::Object::Ptr object_;
    std::string file_;
    std::string path_;
    Issues* issues_;
};

/// [{"text": t}, ...]: the rows a template list element ("rows" + "{{text}}") draws.
Poco::JSON::Array::Ptr text_rows(const std::vector<std::string>& texts);

/// "$.a" + "b" -> "$.a.b"; keys that are not plain identifiers are quoted: $.a["x y"].
std::string json_path_key(const std::string& base, const std::string& key);
/// "$.a" + 3 -> "$.a[3]".
std::string json_path_index(const std::string& base, std::size_t index);

}  // namespace onewindow
