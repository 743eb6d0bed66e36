#include "onewindow/core/unified_form.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/RegularExpression.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/utf8.hpp"

namespace onewindow {

namespace {

void add_unique(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

/// The value of a key as text ("" when absent, null or not a scalar).
std::string text_of(const Poco::JSON::Object::Ptr& values, const std::string& key) {
    if (!values || !values->has(key) || values->isNull(key)) return {};
    auto value = values->get(key);
    if (value.isString()) return value.extract<std::string>();
    if (value.isNumeric() || value.isBoolean()) return value.convert<std::string>();
    return {};
}

bool is_empty(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return true;
    if (value.isString()) return value.extract<std::string>().empty();
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto array = value.extract<Poco::JSON::Array::Ptr>();
        return !array || array->size() == 0;
    }
    return false;
}

std::optional<double> number_of(const Poco::Dynamic::Var& value) {
    if (value.isNumeric() && !value.isBoolean()) return value.convert<double>();
    if (value.isString()) {
        const std::string text = value.extract<std::string>();
        if (text.empty()) return std::nullopt;
        char* end = nullptr;
        double number = std::strtod(text.c_str(), &end);
        if (end && *end == '\0' && std::isfinite(number)) return number;
    }
    return std::nullopt;
}

struct Problem {
    std::string severity;
    std::string reason;
};

/// Checks one non-empty scalar value against its definition.
std::optional<Problem> check_value(const FieldDef& def, const std::vector<std::string>& options,
                                   const Poco::Dynamic::Var& value, Date today) {
    auto error = [](std::string reason) { return Problem{"error", std::move(reason)}; };
    if (def.type == FieldType::Number || def.type == FieldType::Money) {
        auto number = number_of(value);
        if (!number) return error(tr("must be a number"));
        if (def.type == FieldType::Money) {
            if (*number < 0) return error(tr("must not be negative"));
            if (std::fabs(*number * 100 - std::round(*number * 100)) > 1e-6)
                return error(tr("has at most two decimals (fen)"));
        }
        if (def.min && *number < *def.min)
            return error(
                trf("must be at least {}", Poco::Dynamic::Var(*def.min).convert<std::string>()));
        if (def.max && *number > *def.max)
            return error(
                trf("must be at most {}", Poco::Dynamic::Var(*def.max).convert<std::string>()));
        return std::nullopt;
    }
    if (!value.isString()) return error(tr("must be text"));
    const std::string text = value.extract<std::string>();
    const std::size_t length = utf8_length(text);
    if (def.min_length && length < static_cast<std::size_t>(*def.min_length))
        return error(trf("must have at least {} characters", std::to_string(*def.min_length)));
    if (def.max_length && length > static_cast<std::size_t>(*def.max_length))
        return error(trf("must have at most {} characters", std::to_string(*def.max_length)));
    switch (def.type) {
        case FieldType::IdNumber:
            if (auto problem = id_number_problem(text, today)) return error(*problem);
            break;
        case FieldType::Phone: {
            static const Poco::RegularExpression landline("^0\\d{2,3}-?\\d{7,8}$");
            if (!is_mobile_phone(text) && !landline.match(text))
                return error(
                    tr("is not a mobile number (11 digits starting with 1) or a landline"));
            break;
        }
        case FieldType::Date: {
            auto date = Date::parse(text);
            if (!date) return error(tr("is not a date (YYYY-MM-DD)"));
            if (def.not_future && *date > today) return error(tr("lies in the future"));
            break;
        }
        case FieldType::Choice:
            if (std::find(options.begin(), options.end(), text) == options.end())
                return error(tr("is not one of the choices"));
            break;
        case FieldType::Division:
            if (!is_division_code(text)) return error(tr("is not a 6-digit division code"));
            break;
        case FieldType::CreditCode:
            switch (check_credit_code(text)) {
                case CreditCodeCheck::BadFormat:
                    return error(tr("is not an 18-character unified social credit code"));
                case CreditCodeCheck::BadCheckCharacter:
                    return Problem{"warning",
                                   tr("check character does not match (an early pilot code?)")};
                case CreditCodeCheck::Valid:
                    break;
            }
            break;
        default:
            break;
    }
    if (!def.pattern.empty()) {
        Poco::RegularExpression pattern("^(?:" + def.pattern + ")$",
                                        Poco::RegularExpression::RE_UTF8);
        if (!pattern.match(text)) return error(tr("does not have the required form"));
    }
    return std::nullopt;
}

/// The definitions of a table's columns (those `table` asks), from the dictionary.
std::vector<FieldDef> column_defs(const FieldDef& table, const Dictionary& dictionary) {
    std::vector<FieldDef> columns;
    for (const auto& column : table.columns)
        if (const FieldDef* def = dictionary.field(column)) columns.push_back(*def);
    return columns;
}

const char* section_title(const std::string& group) {
    if (group == "applicant") return tr("Applicant");
    if (group == "household") return tr("Household members");
    return nullptr;
}

}  // namespace

bool condition_holds(const Condition& condition, const Poco::JSON::Object::Ptr& values) {
    if (!condition.active()) return true;
    const std::string value = text_of(values, condition.field);
    if (condition.not_empty) {
        if (!values || !values->has(condition.field)) return false;
        return !is_empty(values->get(condition.field));
    }
    return std::find(condition.in.begin(), condition.in.end(), value) != condition.in.end();
}

const UnifiedField* UnifiedForm::field(std::string_view key) const {
    for (const auto& section : sections)
        for (const auto& field : section.fields)
            if (field.def.key == key) return &field;
    return nullptr;
}

UnifiedForm build_unified_form(const std::vector<const ServiceItem*>& items,
                               const Dictionary& dictionary) {
    UnifiedForm form;
    form.items = items;
    form.sections.push_back(UnifiedSection{section_title("applicant"), {}});
    form.sections.push_back(UnifiedSection{section_title("household"), {}});
    std::map<std::string, std::pair<std::size_t, std::size_t>> where;  // key -> section, index
    std::map<std::string, std::string> first_item;                     // key -> item code

    auto place = [&](const FieldDef& def, const std::string& item_section,
                     const std::string& item) {
        std::size_t s = 0;
        if (section_title(def.group)) {
            s = def.group == "applicant" ? 0 : 1;
        } else {
            s = form.sections.size();
            for (std::size_t i = 2; i < form.sections.size(); ++i)
                if (form.sections[i].title == item_section) s = i;
            if (s == form.sections.size())
                form.sections.push_back(UnifiedSection{item_section, {}});
        }
        UnifiedField field{def, {item}, column_defs(def, dictionary)};
        form.sections[s].fields.push_back(std::move(field));
        where[def.key] = {s, form.sections[s].fields.size() - 1};
        first_item[def.key] = item;
    };

    for (const ServiceItem* item : items) {
        for (const auto& section : item->sections) {
            for (const auto& ref : section.fields) {
                const FieldDef* base = dictionary.field(ref.key);
                if (!base) {
                    form.conflicts.push_back(
                        trf("Item {} uses unknown field {}", item->code, ref.key));
                    continue;
                }
                FieldDef def = *base;
                if (ref.required) def.required = *ref.required;
                if (!ref.options.empty()) def.options = ref.options;
                if (!ref.columns.empty()) def.columns = ref.columns;
                if (ref.visible_if.active()) def.visible_if = ref.visible_if;
                if (ref.required_if.active()) def.required_if = ref.required_if;

                auto found = where.find(ref.key);
                if (found == where.end()) {
                    place(def, section.title, item->code);
                    // Derived fields follow their source.
                    if (def.type == FieldType::IdNumber)
                        for (const auto& [key, candidate] : dictionary.fields())
                            if (candidate.derived_from == def.key && !where.count(key))
                                place(candidate, section.title, item->code);
                    continue;
                }
                UnifiedField& merged =
                    form.sections[found->second.first].fields[found->second.second];
                add_unique(merged.items, item->code);
                auto conflict = [&](const char* what) {
                    form.conflicts.push_back(trf("Items {} and {} define field {} differently ({})",
                                                 first_item[ref.key], item->code, ref.key, what));
                };
                if (merged.def.options != def.options) {
                    // Both items' choices must hold: keep the options they share.
                    std::vector<std::string> shared;
                    for (const auto& option : merged.def.options)
                        if (std::find(def.options.begin(), def.options.end(), option) !=
                            def.options.end())
                            shared.push_back(option);
                    if (shared.empty())
                        conflict("options");
                    else
                        merged.def.options = shared;
                }
                if (merged.def.columns != def.columns) {
                    // A shared table asks the columns any of its items needs, in the
                    // dictionary's order.
                    std::vector<std::string> columns;
                    for (const auto& column : base->columns)
                        if (std::find(merged.def.columns.begin(), merged.def.columns.end(),
                                      column) != merged.def.columns.end() ||
                            std::find(def.columns.begin(), def.columns.end(), column) !=
                                def.columns.end())
                            columns.push_back(column);
                    merged.def.columns = columns;
                    merged.columns = column_defs(merged.def, dictionary);
                }
                if (merged.def.visible_if.active() && def.visible_if.active() &&
                    !(merged.def.visible_if == def.visible_if))
                    conflict("visible_if");
                if (!def.visible_if.active()) merged.def.visible_if = Condition{};
                if (merged.def.required_if.active() && def.required_if.active() &&
                    !(merged.def.required_if == def.required_if))
                    conflict("required_if");
                merged.def.required = merged.def.required || def.required;
            }
        }
        for (const auto& material : item->materials) {
            auto existing = std::find_if(
                form.materials.begin(), form.materials.end(),
                [&](const UnifiedMaterial& m) { return m.material.key == material.key; });
            if (existing == form.materials.end()) {
                form.materials.push_back(UnifiedMaterial{material, {item->code}});
                continue;
            }
            ItemMaterial& merged = existing->material;
            add_unique(existing->items, item->code);
            const bool was_required = merged.required;
            merged.required = merged.required || material.required;
            if (material.required && was_required)
                merged.tolerable_gap = merged.tolerable_gap && material.tolerable_gap;
            else if (material.required)
                merged.tolerable_gap = material.tolerable_gap;
            if (!material.required_if.active() && material.required)
                merged.required_if = Condition{};
            merged.originals = std::max(merged.originals, material.originals);
            merged.copies = std::max(merged.copies, material.copies);
            if (!material.notes.empty() && merged.notes.find(material.notes) == std::string::npos)
                merged.notes += (merged.notes.empty() ? "" : "；") + material.notes;
        }
    }
    form.sections.erase(std::remove_if(form.sections.begin(), form.sections.end(),
                                       [](const UnifiedSection& s) { return s.fields.empty(); }),
                        form.sections.end());
    return form;
}

Poco::JSON::Object::Ptr form_snapshot(const UnifiedForm& form, int dictionary_version) {
    Poco::JSON::Object::Ptr snapshot = new Poco::JSON::Object(true);
    snapshot->set("dictionary_version", dictionary_version);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const ServiceItem* item : form.items) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("code", item->code);
        entry->set("version", item->version);
        entry->set("name", item->name);
        items->add(entry);
    }
    snapshot->set("items", items);
    Poco::JSON::Array::Ptr sections = new Poco::JSON::Array;
    for (const auto& section : form.sections) {
        Poco::JSON::Object::Ptr s = new Poco::JSON::Object(true);
        s->set("title", section.title);
        Poco::JSON::Array::Ptr fields = new Poco::JSON::Array;
        for (const auto& field : section.fields) {
            Poco::JSON::Object::Ptr f = new Poco::JSON::Object(true);
            f->set("key", field.def.key);
            f->set("label", field.def.label);
            f->set("type", field_type_name(field.def.type));
            fields->add(f);
        }
        s->set("fields", fields);
        sections->add(s);
    }
    snapshot->set("sections", sections);
    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    for (const auto& m : form.materials) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("key", m.material.key);
        entry->set("name", m.material.name);
        entry->set("required", m.material.required);
        entry->set("tolerable_gap", m.material.tolerable_gap);
        materials->add(entry);
    }
    snapshot->set("materials", materials);
    return snapshot;
}

namespace {

/// Replaces a typed ID number in `object` by its canonical form (see normalize_id_number).
void normalize_id_number_in(Poco::JSON::Object::Ptr object, const std::string& key) {
    if (object && object->has(key) && object->get(key).isString())
        object->set(key, normalize_id_number(object->getValue<std::string>(key)));
}

}  // namespace

void derive_values(const UnifiedForm& form, Poco::JSON::Object::Ptr values, Date today) {
    // ID numbers typed in full-width digits, with a lower-case x or surrounding spaces are
    // stored and checked as the canonical 18 characters.
    for (const auto& section : form.sections) {
        for (const auto& field : section.fields) {
            if (field.def.type == FieldType::IdNumber)
                normalize_id_number_in(values, field.def.key);
            if (field.def.type != FieldType::Table || !values->has(field.def.key) ||
                values->get(field.def.key).type() != typeid(Poco::JSON::Array::Ptr))
                continue;
            auto rows = values->getArray(field.def.key);
            for (std::size_t r = 0; r < rows->size(); ++r)
                for (const FieldDef& column : field.columns)
                    if (column.type == FieldType::IdNumber)
                        normalize_id_number_in(rows->getObject(static_cast<unsigned>(r)),
                                               column.key);
        }
    }
    for (const auto& section : form.sections) {
        for (const auto& field : section.fields) {
            const FieldDef& def = field.def;
            if (!def.derived()) continue;
            values->remove(def.key);
            auto info = parse_id_number(text_of(values, def.derived_from), today);
            if (!info) continue;
            if (def.derived_fn == "birth_date")
                values->set(def.key, info->birth_date.iso());
            else if (def.derived_fn == "sex")
                values->set(def.key, std::string(info->male ? "男" : "女"));
            else if (def.derived_fn == "age")
                values->set(def.key, today.years_since(info->birth_date));
        }
    }
}

std::vector<Finding> validate_values(const UnifiedForm& form, const Poco::JSON::Object::Ptr& values,
                                     Date today) {
    std::vector<Finding> findings;
    for (const auto& key : values->getNames())
        if (!form.field(key))
            findings.push_back({key, "error", trf("{}: this field is not part of the form", key)});

    auto required_missing = [&](const std::string& key, const std::string& label) {
        findings.push_back({key, "error", trf("{}: is required", label)});
    };
    for (const auto& section : form.sections) {
        for (const auto& field : section.fields) {
            const FieldDef& def = field.def;
            if (def.derived() || !condition_holds(def.visible_if, values)) continue;
            const bool required = def.required || (def.required_if.active() &&
                                                   condition_holds(def.required_if, values));
            const bool present = values->has(def.key) && !is_empty(values->get(def.key));
            if (!present) {
                if (required) required_missing(def.key, def.label);
                continue;
            }
            auto value = values->get(def.key);
            if (def.type != FieldType::Table) {
                if (auto problem = check_value(def, def.options, value, today))
                    findings.push_back(
                        {def.key, problem->severity, trf("{}: {}", def.label, problem->reason)});
                continue;
            }
            if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
                findings.push_back(
                    {def.key, "error", trf("{}: must be a table of rows", def.label)});
                continue;
            }
            auto rows = value.extract<Poco::JSON::Array::Ptr>();
            for (std::size_t r = 0; r < rows->size(); ++r) {
                const std::string row_label = trf("{} row {}", def.label, std::to_string(r + 1));
                auto row = rows->getObject(static_cast<unsigned>(r));
                if (!row) {
                    findings.push_back(
                        {def.key, "error", trf("{}: must be a row object", row_label)});
                    continue;
                }
                for (const auto& key : row->getNames())
                    if (std::find(def.columns.begin(), def.columns.end(), key) == def.columns.end())
                        findings.push_back(
                            {def.key, "error",
                             trf("{}: {} is not a column of this table", row_label, key)});
                for (const FieldDef& column_def : field.columns) {
                    const FieldDef* column = &column_def;
                    const std::string& column_key = column_def.key;
                    const bool has = row->has(column_key) && !is_empty(row->get(column_key));
                    if (!has) {
                        if (column->required)
                            findings.push_back(
                                {def.key, "error",
                                 trf("{}: {} is required", row_label, column->label)});
                        continue;
                    }
                    if (auto problem =
                            check_value(*column, column->options, row->get(column_key), today))
                        findings.push_back(
                            {def.key, problem->severity,
                             trf("{}: {}: {}", row_label, column->label, problem->reason)});
                }
            }
        }
    }
    return findings;
}

std::vector<MaterialProblem> check_materials(const UnifiedForm& form,
                                             const Poco::JSON::Object::Ptr& values,
                                             const std::vector<SuppliedMaterial>& supplied) {
    std::vector<MaterialProblem> problems;
    for (const auto& s : supplied) {
        bool known = std::any_of(form.materials.begin(), form.materials.end(),
                                 [&](const UnifiedMaterial& m) { return m.material.key == s.key; });
        if (!known) problems.push_back({s.key, s.key, tr("is not a material of the chosen items")});
    }
    for (const auto& unified : form.materials) {
        const ItemMaterial& m = unified.material;
        if (!m.required || !condition_holds(m.required_if, values)) continue;
        auto s = std::find_if(supplied.begin(), supplied.end(),
                              [&](const SuppliedMaterial& x) { return x.key == m.key; });
        if (s != supplied.end() && s->supplied) continue;
        if (s != supplied.end() && s->tolerated) {
            if (!m.tolerable_gap)
                problems.push_back(
                    {m.key, m.name,
                     tr("cannot follow later: it must be presented before acceptance")});
            continue;
        }
        problems.push_back(
            {m.key, m.name,
             trf("not submitted: please bring {}", material_quantity(m.originals, m.copies))});
    }
    return problems;
}

}  // namespace onewindow
