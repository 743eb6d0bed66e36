// The field dictionary, service-item definitions and life-event bundles (data files).
//
// forms/fields.json — the shared dictionary: the facts every department shares (the applicant,
// the people around them, the household, and the few facts several departments ask the same
// question about), and the common materials:
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
// plugins/<id>/dictionary.json — a plugin's dictionary fragment, in the same format: the
//   department's own fields and materials, every key under the plugin's namespace
//   ("<id>.<name>", e.g. "civil_affairs.relief.type"). The host merges the fragments of the
//   plugins it runs into one dictionary (Dictionary::merge); a fragment that defines a key
//   already defined (shared, or another plugin's) is a conflict naming the plugin, the key and
//   both definitions, and none of that plugin's definitions are merged.
// plugins/<id>/forms/<item>.json — one service item: catalogue elements, implementation list,
//   materials and the form (sdk/docs/items.md). Every key refers to the dictionary: a shared
//   key, the plugin's own, or a key of a plugin it depends on (Scope).
// forms/bundles/<bundle>.json — a life-event bundle (一件事): a named set of item codes with a
// lead department, a promised limit for the whole and the order of items that wait for others.
//
// Loaders record one Issue per problem ("file: $.json.path: reason") and go on; callers throw
// with Issues::throw_if_any(). Thread-safety: immutable after load.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

/// Reads and parses a JSON input file; nullopt when it cannot be read or parsed, with one issue
/// naming the file ("$") and the reason.
std::optional<Poco::Dynamic::Var> read_json_document(const std::filesystem::path& file,
                                                     Issues& issues);

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
    std::string owner;       // the plugin whose fragment defines it; "" for the shared dictionary
    std::string definition;  // the definition as written (compact JSON), for messages
    bool derived() const { return !derived_from.empty(); }
};

struct MaterialDef {
    std::string key, name, source, notes;
    int originals = 1, copies = 0;
    std::string owner, definition;  // as for FieldDef
};

class Dictionary {
  public:
    /// The shared dictionary (forms/fields.json).
    static Dictionary load(const std::filesystem::path& fields_json, Issues& issues);
    /// A dictionary document already parsed. With `owner` set it is that plugin's fragment: its
    /// definitions carry the owner, and its table columns and derivation sources may also name
    /// keys of `base` (the dictionary it will be merged into).
    static Dictionary read(const Poco::Dynamic::Var& document, const std::string& file,
                           Issues& issues, const std::string& owner = {},
                           const Dictionary* base = nullptr);

    /// Adds the definitions of a plugin's fragment (read with its owner; `file` names it in
    /// messages). Every key must lie in the owner's namespace ("<owner>."), and none may be
    /// defined already: a conflict names the plugin, the key and both definitions. Nothing is
    /// merged when there is any issue; returns whether it was merged.
    bool merge(const Dictionary& fragment, const std::string& file, Issues& issues);

    const FieldDef* field(std::string_view key) const;
    const MaterialDef* material(std::string_view key) const;
    int version() const { return version_; }
    const std::map<std::string, FieldDef, std::less<>>& fields() const { return fields_; }
    const std::map<std::string, MaterialDef, std::less<>>& materials() const { return materials_; }

  private:
    void read_into(const Poco::Dynamic::Var& document, const std::string& file,
                   const std::string& owner, const Dictionary* base, Issues& issues);
    int version_ = 0;
    std::map<std::string, FieldDef, std::less<>> fields_;
    std::map<std::string, MaterialDef, std::less<>> materials_;
};

/// A field as an item's form uses it: the dictionary key plus this item's overrides.
struct FieldRef {
    std::string key;
    std::optional<bool> required;
    std::vector<std::string> options;  // a subset of the dictionary's options, or empty
    std::vector<std::string> columns;  // a table: the columns this item asks, or empty (all)
    Condition visible_if, required_if;
};

struct FormSection {
    std::string title;
    std::vector<FieldRef> fields;
};

/// How many papers of a material: "原件 1 份", "原件 1 份、复印件 2 份", "复印件 1 份"; "—" for
/// none. Never "复印件 0 份". (Here rather than in guide.hpp: the unified form says it too, and
/// the forms library sits below the documents.)
std::string material_quantity(int originals, int copies);

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
    int promised_days = 0;                  // always working days (承诺时限)
    int legal_days = 0;                     // the limit the item's own regulation sets; 0: none
    DayUnit legal_unit = DayUnit::Working;  // "legal_days_unit": "working" | "natural"
    bool immediate = false, preliminary_review = false;
    std::string fees, fee_basis, place, hours, enquiry_phone, complaint_phone;
    std::vector<std::string> keywords;
    std::vector<ItemMaterial> materials;
    std::vector<FormSection> sections;
    std::string source_file, plugin_id;
};

/// Whose definitions a plugin's files may use: the shared dictionary's, the plugin's own and
/// those of the plugins it depends on. An empty `plugin` allows every definition.
struct Scope {
    std::string plugin;
    std::vector<std::string> dependencies;
    bool allows(const std::string& owner) const;
    /// "" when `owner`'s definition of `key` may be used, else why not.
    std::string problem(const std::string& key, const std::string& owner) const;
};

ServiceItem load_item(const std::filesystem::path& file, const Dictionary& dictionary,
                      Issues& issues, const Scope& scope = {});
/// The same from a document already read (`file` names it in messages).
ServiceItem load_item(const Poco::Dynamic::Var& document, const std::string& file,
                      const Dictionary& dictionary, Issues& issues, const Scope& scope = {});

/// A life-event bundle (一件事): its items, the lead department (牵头部门) that answers for the
/// whole, the county's promised limit for the whole in working days (承诺时限: a commitment of
/// the county, not a legal limit; each item keeps its own legal limit), and the order: an item
/// "after" others needs their results and waits for their decisions.
struct Bundle {
    std::string id, name;
    std::string lead;  ///< a department code, the department of one of the items
    int promised_days = 0;
    std::vector<std::string> items;  ///< item codes, in the order the clerk sees them
    /// item code -> codes of items of this bundle it waits for (only items that wait)
    std::map<std::string, std::vector<std::string>> after;
    /// The codes `code` waits for (empty when it waits for none).
    const std::vector<std::string>& waits_for(const std::string& code) const;
};
/// Reads a bundle file: "items" are item codes, or {"code": ..., "after": [codes]} objects.
/// Unknown or self "after" codes and cycles are refused naming the file and field.
Bundle load_bundle(const std::filesystem::path& file, Issues& issues);
/// The check that needs the items: the lead is the department of one of them. Nothing is
/// checked unless `find` (nullptr for a code it does not know) knows every item.
void check_bundle_items(const Bundle& bundle, const std::string& file,
                        const std::function<const ServiceItem*(const std::string&)>& find,
                        Issues& issues);

/// Checks fields.json, item and bundle files (recognised by their "format"); others are named as
/// unknown. Items are checked against `dictionary` (nullptr: only their own structure). A bundle
/// whose items are all among the files' items and `known_items` has its codes and lead checked.
Issues check_form_files(const std::vector<std::filesystem::path>& files,
                        const Dictionary* dictionary,
                        const std::vector<ServiceItem>& known_items = {});

}  // namespace onewindow
