#include "onewindow/core/json.hpp"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "onewindow/core/error.hpp"

namespace onewindow {

std::string Issue::to_string() const { return file + ": " + path + ": " + message; }

void Issues::add(std::string file, std::string path, std::string message) {
    list_.push_back(Issue{std::move(file), std::move(path), std::move(message)});
}

void Issues::append(const Issues& other) {
    list_.insert(list_.end(), other.list_.begin(), other.list_.end());
}

std::string Issues::to_string() const {
    std::string out;
    for (const auto& issue : list_) {
        if (!out.empty()) out += '\n';
        out += issue.to_string();
    }
    return out;
}

void Issues::throw_if_any() const {
    if (!empty()) throw Error(ErrorKind::Input, to_string());
}

Poco::Dynamic::Var parse_json(const std::string& text, const std::string& file) {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    try {
        return parser.parse(text);
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::Input, file + ": $: malformed JSON: " + e.message());
    }
}

std::string read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::Input, path.string() + ": cannot be read");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw Error(ErrorKind::Input, path.string() + ": read error");
    return buffer.str();
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text,
                           unsigned mode, bool durable) {
    const std::filesystem::path temp = path.string() + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    bool ok = fd >= 0 && ::fchmod(fd, mode) == 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              (!durable || ::fsync(fd) == 0);
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    std::error_code error;
    if (ok) std::filesystem::rename(temp, path, error);
    if (!ok || error) {
        std::filesystem::remove(temp, error);
        throw Error(ErrorKind::Storage,
                    path.string() + ": cannot be written (nothing was changed)");
    }
}

Poco::Dynamic::Var load_json_file(const std::filesystem::path& path) {
    return parse_json(read_text_file(path), path.string());
}

std::string to_json(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

std::string to_json(const Poco::JSON::Object::Ptr& value) {
    std::ostringstream out;
    value->stringify(out);
    return out.str();
}

Poco::JSON::Array::Ptr text_rows(const std::vector<std::string>& texts) {
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    for (const auto& text : texts) {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object;
        row->set("text", text);
        rows->add(row);
    }
    return rows;
}

static bool is_identifier(const std::string& key) {
    if (key.empty()) return false;
    for (char c : key)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

std::string json_path_key(const std::string& base, const std::string& key) {
    if (is_identifier(key)) return base + "." + key;
    return base + "[\"" + key + "\"]";
}

std::string json_path_index(const std::string& base, std::size_t index) {
    return base + "[" + std::to_string(index) + "]";
}

ObjectReader::ObjectReader(Poco::JSON::Object::Ptr object, std::string file, std::string path,
                           Issues& issues)
    : object_(object ? object : Poco::JSON::Object::Ptr(new Poco::JSON::Object(true))),
      file_(std::move(file)),
      path_(std::move(path)),
      issues_(&issues) {}

ObjectReader ObjectReader::of(const Poco::Dynamic::Var& value, std::string file, std::string path,
                              Issues& issues) {
    Poco::JSON::Object::Ptr object;
    if (value.type() == typeid(Poco::JSON::Object::Ptr))
        object = value.extract<Poco::JSON::Object::Ptr>();
    else
        issues.add(file, path, "must be a JSON object");
    return ObjectReader(object, std::move(file), std::move(path), issues);
}

std::string ObjectReader::path_of(const std::string& key) const {
    return json_path_key(path_, key);
}

void ObjectReader::fail(const std::string& key, const std::string& message) const {
    issues_->add(file_, key.empty() ? path_ : path_of(key), message);
}

bool ObjectReader::has(const std::string& key) const {
    return object_->has(key) && !object_->isNull(key);
}

std::optional<std::string> ObjectReader::opt_string(const std::string& key) {
    if (!has(key)) return std::nullopt;
    auto value = object_->get(key);
    if (!value.isString()) {
        fail(key, "must be a string");
        return std::nullopt;
    }
    return value.extract<std::string>();
}

std::string ObjectReader::string(const std::string& key) {
    if (!has(key)) {
        fail(key, "is missing");
        return {};
    }
    auto value = opt_string(key);
    if (value && value->empty()) fail(key, "must not be empty");
    return value.value_or("");
}

std::optional<long long> ObjectReader::opt_integer(const std::string& key, long long min,
                                                   long long max) {
    if (!has(key)) return std::nullopt;
    auto value = object_->get(key);
    if (!value.isInteger()) {
        fail(key, "must be an integer");
        return std::nullopt;
    }
    long long number = value.convert<long long>();
    if (number < min || number > max) {
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return number;
}

long long ObjectReader::integer(const std::string& key, long long min, long long max) {
    if (!has(key)) {
        fail(key, "is missing");
        return min;
    }
    return opt_integer(key, min, max).value_or(min);
}

std::optional<double> ObjectReader::opt_number(const std::string& key) {
    if (!has(key)) return std::nullopt;
    auto value = object_->get(key);
    if (!value.isNumeric()) {
        fail(key, "must be a number");
        return std::nullopt;
    }
    return value.convert<double>();
}

bool ObjectReader::opt_boolean(const std::string& key, bool fallback) {
    if (!has(key)) return fallback;
    auto value = object_->get(key);
    if (!value.isBoolean()) {
        fail(key, "must be true or false");
        return fallback;
    }
    return value.extract<bool>();
}

bool ObjectReader::boolean(const std::string& key) {
    if (!has(key)) {
        fail(key, "is missing");
        return false;
    }
    return opt_boolean(key, false);
}

std::vector<std::string> ObjectReader::strings(const std::string& key, bool required) {
    std::vector<std::string> out;
    auto list = array(key, required);
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto value = list->get(static_cast<unsigned>(i));
        if (!value.isString())
            issues_->add(file_, json_path_index(path_of(key), i), "must be a string");
        else
            out.push_back(value.extract<std::string>());
    }
    return out;
}

ObjectReader ObjectReader::object(const std::string& key, bool required) {
    if (!has(key)) {
        if (required) fail(key, "is missing");
        return ObjectReader(nullptr, file_, path_of(key), *issues_);
    }
    return of(object_->get(key), file_, path_of(key), *issues_);
}

Poco::JSON::Array::Ptr ObjectReader::array(const std::string& key, bool required) {
    if (!has(key)) {
        if (required) fail(key, "is missing");
        return new Poco::JSON::Array;
    }
    auto value = object_->get(key);
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
        fail(key, "must be a JSON array");
        return new Poco::JSON::Array;
    }
    return value.extract<Poco::JSON::Array::Ptr>();
}

void ObjectReader::reject_unknown(std::initializer_list<std::string_view> known) {
    for (const auto& key : object_->getNames()) {
        bool found = false;
        for (auto k : known) found = found || k == key;
        if (!found) fail(key, "unknown key \"" + key + "\"");
    }
}

}  // namespace onewindow
