// The shared field dictionary, service-item definitions and life-event bundles (data files).
//
// forms/fields.json — one definition per fact, shared by every department:
//   {"format": "onewindow.fields/1", "version": 1,
//    "fields": {"applicant.id_number": {"label": "公民身份号码", "type": "id_number",
//                                        "group": "applicant"}, ...},
//    "materials": {"id_card": {"name": "居民身份证", "source": "公安机关", "originals": 1,
//                              "copies": 1}, ...}}
//   Field keys: type (text id_number phone date choice number money division credit_code table),
//   group (applicant | household | anything else = item-specific), required, min_length,
//   max_length (characters), min, max, pattern (PCRE, whole value), not_future (dates), options
//   (choice), columns (table: dictionary keys of the columns), derived {"from": key, "fn":
//   "birth_date" | "sex" | "age"} (computed from an ID number, never typed), help.
// forms/<department>/<item>.json — one service item: catalogue elements, implementation list,
//   materials and the form (see forms/README.md). Every key refers to the dictionary.
// forms/bundles/<bundle>.json — a life-event bundle (一件事): a named set of item codes.
//
// Loaders record one Issue per problem ("file: $.json.path: reason") and go on; callers throw
// with Issues::throw_if_any(). Thread-safety: immutable after load.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/json.hpp"

namespace onewindow {

enum class FieldType {
    Text,
    IdNumber,
    Phone,
    Date,
    Choice,
    Number,
    Money,
    Division,
    CreditCode,
    Table
};
const char* field_type_name(FieldType type);

/// A condition on another field's value: {"field": key, "in": [values]} or
/// {"field": key, "not_empty": true}. An empty `field` means "always".
struct Condition {
    std::string field;
    std::vector<std::string> in;
    bool not_empty = false;
    bool active() const { return !field.empty(); }
    bool operator==(const Condition&) const = default;
};

struct FieldDef {
    std::string key, label, group, help;
    FieldType type = FieldType::Text;
    bool required = false;
    std::optional<long long> min_length, max_length;
    std::optional<double> min, max;
    std::string pattern;
    bool not_future = false;
    std::vector<std::string> options;
    std::vector<std::string> columns;  // table columns (dictionary keys)
    std::string derived_from, derived_fn;
    Condition visible_if, required_if;
    bool derived() const { return !derived_from.empty(); }
};

struct MaterialDef {
    std::string key, name, source, notes;
    int originals = 1, copies = 0;
};

class Dictionary {
  public:
    static Dictionary load(const std::filesystem::path& fields_json, Issues& issues);
    const FieldDef* field(std::string_view key) const;
    const MaterialDef* material(std::string_view key) const;
    int version() const { return version_; }
    const std::map<std::string, FieldDef, std::less<>>& fields() const { return fields_; }

  private:
    int version_ = 0;
    std::map<std::string, FieldDef, std::less<>> fields_;
    std::map<std::string, MaterialDef, std::less<>> materials_;
};

/// A field as an item's form uses it: the dictionary key plus this item's overrides.
struct FieldRef {
    std::string key;
    std::optional<bool> required;
    std::vector<std::string> options;  // a subset of the dictionary's options, or empty
    Condition visible_if, required_if;
};

struct FormSection {
    std::string title;
    std::vector<FieldRef> fields;
};

/// A material as an item requires it.
struct ItemMaterial {
    std::string key, name, source, notes;
    bool required = true;
    bool tolerable_gap = false;  // 容缺: may follow later on the applicant's written promise
    int originals = 1, copies = 0;
    Condition required_if;  // required only when this holds (when active)
};

struct ServiceItem {
    // Catalogue elements (事项目录 9 要素) and the unified code.
    std::string code;
    int version = 1;
    std::string name, type, content, body, served, theme, basis;
    std::vector<std::string> handling;
    bool is_public = true;
    std::string department_code, department_name;
    // Implementation list (实施清单).
    std::vector<std::string> conditions, steps;
    int promised_days = 0, legal_days = 0;
    bool immediate = false, preliminary_review = false;
    std::string fees, fee_basis, place, hours, enquiry_phone, complaint_phone;
    std::vector<std::string> keywords;
    std::vector<ItemMaterial> materials;
    std::vector<FormSection> sections;
    std::string source_file, plugin_id;
};

ServiceItem load_item(const std::filesystem::path& file, const Dictionary& dictionary,
                      Issues& issues);

struct Bundle {
    std::string id, name;
    std::vector<std::string> items;
};
Bundle load_bundle(const std::filesystem::path& file, Issues& issues);

/// Checks fields.json, item and bundle files (recognised by their "format"); others are named as
/// unknown. Items are checked against `dictionary` (nullptr: only their own structure).
Issues check_form_files(const std::vector<std::filesystem::path>& files,
                        const Dictionary* dictionary);

}  // namespace onewindow
