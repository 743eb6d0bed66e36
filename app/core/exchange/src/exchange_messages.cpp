// The case and decision messages of the exchange protocol (exchange_messages.hpp).
#include "onewindow/core/exchange_messages.hpp"

#include <Poco/JSON/Array.h>

#include <limits>

namespace onewindow::exchange {

bool is_sha256_hex(std::string_view text) {
    if (text.size() != 64) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool is_plain_file_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return false;
    return true;
}

namespace {

/// `object`, or a new empty object for none.
Poco::JSON::Object::Ptr or_empty(const Poco::JSON::Object::Ptr& object) {
    return object ? object : Poco::JSON::Object::Ptr(new Poco::JSON::Object(true));
}

/// A present, non-empty object member: set; else left out.
void set_object(Poco::JSON::Object& out, const char* key, const Poco::JSON::Object::Ptr& value) {
    if (value && value->size()) out.set(key, value);
}

/// An object member ({key: text} when `strings`); empty when absent.
Poco::JSON::Object::Ptr read_object(ObjectReader& root, const char* key, bool strings) {
    if (!root.has(key)) return new Poco::JSON::Object(true);
    auto object = root.object(key, false);
    if (strings)
        for (const auto& [name, value] : *object.raw())
            if (!value.isString())
                root.issues().add(root.file(), object.path_of(name), "must be a string");
    return object.raw();
}

/// The "materials" array of a case or a supplement.
Poco::JSON::Array::Ptr materials_to_json(const std::vector<CaseMaterial>& list) {
    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    for (const auto& m : list) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("key", m.key);
        entry->set("name", m.name);
        entry->set("originals", m.originals);
        entry->set("copies", m.copies);
        if (!m.sha256.empty()) entry->set("sha256", m.sha256);
        if (m.tolerated_gap) entry->set("tolerated_gap", *m.tolerated_gap);
        materials->add(entry);
    }
    return materials;
}

/// Reads the "materials" array of `root` (a case or a supplement).
std::vector<CaseMaterial> materials_from_json(ObjectReader& root, const std::string& file,
                                              Issues& issues, bool required) {
    std::vector<CaseMaterial> out;
    auto materials = root.array("materials", required);
    for (std::size_t i = 0; i < materials->size(); ++i) {
        auto reader = ObjectReader::of(materials->get(static_cast<unsigned>(i)), file,
                                       json_path_index(root.path_of("materials"), i), issues);
        CaseMaterial m;
        m.name = reader.string("name");
        if (!m.name.empty() && !is_plain_file_name(m.name))
            reader.fail("name",
                        "must be a plain file name (no folders, no \"..\", no control "
                        "characters)");
        m.key = reader.opt_string("key").value_or("");
        m.originals = static_cast<int>(reader.opt_integer("originals", 0, 1000).value_or(0));
        m.copies = static_cast<int>(reader.opt_integer("copies", 0, 1000).value_or(0));
        m.sha256 = reader.opt_string("sha256").value_or("");
        if (!m.sha256.empty() && !is_sha256_hex(m.sha256)) {
            reader.fail("sha256", "must be a SHA-256 in 64 lowercase hex digits");
            m.sha256.clear();
        }
        m.tolerated_gap = reader.opt_string("tolerated_gap");
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace

Poco::JSON::Object::Ptr case_to_json(const CaseMessage& message) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
    out->set("case_number", message.case_number);
    out->set("item", message.item);
    out->set("item_version", message.item_version);
    out->set("department", message.department);
    out->set("accepted_at", message.accepted_at);
    out->set("applicant", or_empty(message.applicant));
    out->set("values", or_empty(message.values));
    set_object(*out, "labels", message.labels);
    set_object(*out, "types", message.types);
    out->set("materials", materials_to_json(message.materials));
    return out;
}

CaseMessage case_from_json(const Poco::Dynamic::Var& json, const std::string& file,
                           const std::string& path, Issues& issues) {
    CaseMessage c;
    auto root = ObjectReader::of(json, file, path, issues);
    c.case_number = root.string("case_number");
    c.item = root.string("item");
    c.department = root.string("department");
    c.item_version = static_cast<int>(root.opt_integer("item_version", 1, 1000000).value_or(1));
    c.accepted_at = root.opt_string("accepted_at").value_or("");
    c.applicant = read_object(root, "applicant", false);
    c.values = read_object(root, "values", false);
    c.labels = read_object(root, "labels", true);
    c.types = read_object(root, "types", true);
    c.materials = materials_from_json(root, file, issues, false);
    return c;
}

Poco::JSON::Object::Ptr decision_to_json(const DecisionMessage& message) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
    out->set("cursor", message.cursor);
    out->set("reference", message.reference);
    out->set("case_number", message.case_number);
    out->set("item", message.item);
    out->set("department", message.department);
    out->set("outcome", message.outcome);
    out->set("reason", message.reason);
    out->set("data", or_empty(message.data));
    Poco::JSON::Array::Ptr missing = new Poco::JSON::Array;
    for (const auto& name : message.missing_materials) missing->add(name);
    out->set("missing_materials", missing);
    out->set("decided_by", message.decided_by);
    out->set("decided_at", message.decided_at);
    return out;
}

DecisionMessage decision_from_json(const Poco::Dynamic::Var& json, const std::string& file,
                                   const std::string& path, Issues& issues) {
    DecisionMessage d;
    auto root = ObjectReader::of(json, file, path, issues);
    d.cursor = root.integer("cursor", 1, std::numeric_limits<long long>::max());
    d.reference = root.opt_string("reference").value_or("");
    d.case_number = root.string("case_number");
    d.item = root.string("item");
    d.department = root.opt_string("department").value_or("");
    d.outcome = root.string("outcome");
    if (!d.outcome.empty() && d.outcome != "approved" && d.outcome != "rejected" &&
        d.outcome != "correction")
        root.fail("outcome", "is \"" + d.outcome + "\", not approved, rejected or correction");
    d.reason = root.opt_string("reason").value_or("");
    d.data = read_object(root, "data", false);
    d.missing_materials = root.strings("missing_materials", false);
    d.decided_by = root.opt_string("decided_by").value_or("");
    d.decided_at = root.string("decided_at");
    return d;
}

Poco::JSON::Object::Ptr supplement_to_json(const SupplementMessage& message) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
    out->set("supplement", message.supplement);
    out->set("case_number", message.case_number);
    out->set("item", message.item);
    out->set("department", message.department);
    out->set("reason", message.reason);
    out->set("supplied_at", message.supplied_at);
    out->set("counter", message.counter);
    out->set("materials", materials_to_json(message.materials));
    return out;
}

SupplementMessage supplement_from_json(const Poco::Dynamic::Var& json, const std::string& file,
                                       const std::string& path, Issues& issues) {
    SupplementMessage s;
    auto root = ObjectReader::of(json, file, path, issues);
    s.supplement = root.string("supplement");
    s.case_number = root.string("case_number");
    s.item = root.string("item");
    s.department = root.string("department");
    s.reason = root.string("reason");
    if (!s.reason.empty() && s.reason != "tolerated" && s.reason != "correction")
        root.fail("reason", "is \"" + s.reason + "\", not tolerated or correction");
    s.supplied_at = root.opt_string("supplied_at").value_or("");
    s.counter = root.opt_string("counter").value_or("");
    s.materials = materials_from_json(root, file, issues, true);
    if (s.materials.empty() && root.has("materials"))
        root.fail("materials", "must list at least one material");
    for (std::size_t i = 0; i < s.materials.size(); ++i)
        if (s.materials[i].sha256.empty())
            issues.add(file, json_path_index(root.path_of("materials"), i) + ".sha256",
                       "a supplied material needs its scan");
    return s;
}

}  // namespace onewindow::exchange
