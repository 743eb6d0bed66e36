// The unified form (一表申办): several service items, one form, each fact asked once.
//
// build_unified_form() merges the items' forms on the shared dictionary: a key used by several
// items is one field (required if any item requires it); a material required by several items is
// one material (required if any requires it, tolerable only if every item requiring it
// tolerates it, the larger original/copy counts). Sections are ordered applicant -> household ->
// item-specific (items in the order given). Two items giving one key incompatible overrides
// (different option subsets or conditions) are a conflict, reported in `conflicts`, never merged
// silently. Derived fields (birth date, sex, age from an ID number) follow their source field.
//
// Validation: derive_values() makes typed ID numbers canonical (normalize_id_number) and
// computes derived values (overwriting anything typed);
// validate_values() checks every rule and returns findings whose messages are translated for
// the clerk; check_materials() lists every missing or wrong material at once (一次性告知).
// Thread-safety: values; a UnifiedForm refers to the ServiceItems of its catalogue.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/date.hpp"
#include "onewindow/core/forms.hpp"

namespace onewindow {

struct UnifiedField {
    FieldDef def;  // the dictionary definition with the items' overrides merged in
    std::vector<std::string> items;  // codes of the items asking for it
    std::vector<FieldDef> columns;   // a table's column definitions, from the dictionary
};

struct UnifiedSection {
    std::string title;
    std::vector<UnifiedField> fields;
};

struct UnifiedMaterial {
    ItemMaterial material;
    std::vector<std::string> items;
};

struct UnifiedForm {
    std::vector<const ServiceItem*> items;
    std::vector<UnifiedSection> sections;
    std::vector<UnifiedMaterial> materials;
    std::vector<std::string> conflicts;
    const UnifiedField* field(std::string_view key) const;
};

UnifiedForm build_unified_form(const std::vector<const ServiceItem*>& items,
                               const Dictionary& dictionary);

/// What a case keeps of its form: the items with their versions and the fields used, so later
/// edits of a form never change how an old case reads.
Poco::JSON::Object::Ptr form_snapshot(const UnifiedForm& form, int dictionary_version);

struct Finding {
    std::string field;     // dictionary key, or "" for the whole case
    std::string severity;  // "error" | "warning"
    std::string message;   // for the clerk (translated), naming the field
};

void derive_values(const UnifiedForm& form, Poco::JSON::Object::Ptr values, Date today);
std::vector<Finding> validate_values(const UnifiedForm& form, const Poco::JSON::Object::Ptr& values,
                                     Date today);

struct SuppliedMaterial {
    std::string key;
    bool supplied = false;
    bool tolerated = false;
    std::string promise;
};

struct MaterialProblem {
    std::string key, name, reason;
};

std::vector<MaterialProblem> check_materials(const UnifiedForm& form,
                                             const Poco::JSON::Object::Ptr& values,
                                             const std::vector<SuppliedMaterial>& supplied);

/// True when `condition` holds for `values` (always true when inactive).
bool condition_holds(const Condition& condition, const Poco::JSON::Object::Ptr& values);

}  // namespace onewindow
