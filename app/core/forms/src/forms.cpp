#include "onewindow/core/forms.hpp"

#include <Poco/RegularExpression.h>

#include <algorithm>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

const std::pair<FieldType, const char*> kTypes[] = {{FieldType::Text, "text"},
                                                    {FieldType::IdNumber, "id_number"},
                                                    {FieldType::Phone, "phone"},
                                                    {FieldType::Date, "date"},
                                                    {FieldType::Choice, "choice"},
                                                    {FieldType::Number, "number"},
                                                    {FieldType::Money, "money"},
                                                    {FieldType::Division, "division"},
                                                    {FieldType::CreditCode, "credit_code"},
                                                    {FieldType::Table, "table"}};

Condition read_condition(ObjectReader& parent, const std::string& key) {
    Condition condition;
    if (!parent.has(key)) return condition;
    auto reader = parent.object(key, false);
    condition.field = reader.string("field");
    condition.in = reader.strings("in", false);
    condition.not_empty = reader.opt_boolean("not_empty", false);
    if (condition.in.empty() && !condition.not_empty)
        reader.fail("", "needs \"in\": [values] or \"not_empty\": true");
    reader.reject_unknown({"field", "in", "not_empty"});
    return condition;
}

void check_condition_target(const Condition& condition, const Dictionary& dictionary,
                            const Scope& scope, ObjectReader& reader, const std::string& key) {
    if (!condition.active()) return;
    const FieldDef* def = dictionary.field(condition.field);
    if (!def)
        reader.fail(key, "refers to unknown field key \"" + condition.field + "\"");
    else if (auto problem = scope.problem(def->key, def->owner); !problem.empty())
        reader.fail(key, problem);
}

}  // namespace

std::optional<Poco::Dynamic::Var> read_json_document(const fs::path& file, Issues& issues) {
    try {
        return load_json_file(file);
    } catch (const Error& e) {
        // "<file>: [$: ]reason": keep the reason
        std::string message = e.what();
        for (const std::string& prefix : {file.string() + ": $: ", file.string() + ": "})
            if (message.rfind(prefix, 0) == 0) {
                message = message.substr(prefix.size());
                break;
            }
        issues.add(file.string(), "$", message);
        return std::nullopt;
    }
}

namespace {

// The catalogue's closed vocabularies (事项类型: the kinds of item a citizen or an organisation
// applies for; 服务对象; 办理形式), as sdk/docs/items.md lists them.
const std::vector<std::string> kItemTypes = {"行政许可", "行政确认", "行政裁决",     "行政给付",
                                             "行政奖励", "行政备案", "其他行政权力", "公共服务"};
const std::vector<std::string> kServed = {"自然人", "法人", "自然人、法人"};
const std::vector<std::string> kHandling = {"窗口办理", "网上办理", "代办"};

/// An issue on `key` unless `value` is one of `allowed` (an empty value is reported already).
void one_of(ObjectReader& reader, const std::string& key, const std::string& value,
            const std::vector<std::string>& allowed) {
    if (value.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    reader.fail(key, "\"" + value + "\" is not one of: " + list);
}

}  // namespace

const char* field_type_name(FieldType type) {
    for (const auto& [t, name] : kTypes)
        if (t == type) return name;
    return "text";
}

Dictionary Dictionary::load(const fs::path& file, Issues& issues) {
    Dictionary dictionary;
    if (auto document = read_json_document(file, issues))
        dictionary.read_into(*document, file.string(), {}, nullptr, issues);
    return dictionary;
}

Dictionary Dictionary::read(const Poco::Dynamic::Var& document, const std::string& file,
                            Issues& issues, const std::string& owner, const Dictionary* base) {
    Dictionary dictionary;
    dictionary.read_into(document, file, owner, base, issues);
    return dictionary;
}

void Dictionary::read_into(const Poco::Dynamic::Var& document, const std::string& name,
                           const std::string& owner, const Dictionary* base, Issues& issues) {
    auto reader = ObjectReader::of(document, name, "$", issues);
    if (reader.string("format") != "onewindow.fields/1")
        reader.fail("format", "must be \"onewindow.fields/1\"");
    version_ = static_cast<int>(reader.integer("version", 1, 1000000));
    reader.reject_unknown({"format", "version", "fields", "materials"});

    auto fields = reader.object("fields", true);
    for (const auto& key : fields.raw()->getNames()) {
        auto f = fields.object(key, true);
        FieldDef def;
        def.key = key;
        def.owner = owner;
        def.definition = to_json(f.raw());
        def.label = f.string("label");
        def.group = f.opt_string("group").value_or("item");
        def.help = f.opt_string("help").value_or("");
        auto type = f.string("type");
        bool known = false;
        for (const auto& [t, type_name] : kTypes)
            if (type == type_name) def.type = t, known = true;
        if (!known && !type.empty()) {
            std::string names;
            for (const auto& [t, type_name] : kTypes)
                names += std::string(names.empty() ? "" : ", ") + type_name;
            f.fail("type", "unknown field type \"" + type + "\" (known: " + names + ")");
        }
        def.required = f.opt_boolean("required", false);
        def.min_length = f.opt_integer("min_length", 0, 100000);
        def.max_length = f.opt_integer("max_length", 1, 100000);
        def.min = f.opt_number("min");
        def.max = f.opt_number("max");
        def.pattern = f.opt_string("pattern").value_or("");
        if (!def.pattern.empty()) {
            try {
                Poco::RegularExpression check(def.pattern, Poco::RegularExpression::RE_UTF8);
            } catch (const Poco::Exception& e) {
                f.fail("pattern", "is not a valid regular expression: " + e.message());
            }
        }
        def.not_future = f.opt_boolean("not_future", false);
        def.options = f.strings("options", def.type == FieldType::Choice);
        if (def.type == FieldType::Choice && def.options.empty() && f.has("options"))
            f.fail("options", "a choice needs at least one option");
        def.columns = f.strings("columns", def.type == FieldType::Table);
        if (f.has("derived")) {
            auto d = f.object("derived", true);
            def.derived_from = d.string("from");
            def.derived_fn = d.string("fn");
            if (!def.derived_fn.empty() && def.derived_fn != "birth_date" &&
                def.derived_fn != "sex" && def.derived_fn != "age")
                d.fail("fn", "must be birth_date, sex or age");
            d.reject_unknown({"from", "fn"});
        }
        f.reject_unknown({"label", "type", "group", "help", "required", "min_length", "max_length",
                          "min", "max", "pattern", "not_future", "options", "columns", "derived"});
        fields_[key] = std::move(def);
    }
    // References inside the dictionary (or, for a fragment, into the one it joins): table
    // columns and derivation sources.
    auto lookup = [&](const std::string& key) -> const FieldDef* {
        if (auto found = fields_.find(key); found != fields_.end()) return &found->second;
        return base ? base->field(key) : nullptr;
    };
    for (const auto& [key, def] : fields_) {
        auto f = fields.object(key, true);
        for (const auto& column : def.columns) {
            const FieldDef* found = lookup(column);
            if (!found)
                f.fail("columns", "unknown column field key \"" + column + "\"");
            else if (found->type == FieldType::Table)
                f.fail("columns", "a table cannot contain a table (\"" + column + "\")");
        }
        if (def.derived()) {
            const FieldDef* source = lookup(def.derived_from);
            if (!source || source->type != FieldType::IdNumber)
                f.fail("derived", "\"from\" must name an id_number field");
        }
    }

    auto materials = reader.object("materials", true);
    for (const auto& key : materials.raw()->getNames()) {
        auto m = materials.object(key, true);
        MaterialDef def;
        def.key = key;
        def.owner = owner;
        def.definition = to_json(m.raw());
        def.name = m.string("name");
        def.source = m.opt_string("source").value_or("");
        def.notes = m.opt_string("notes").value_or("");
        def.originals = static_cast<int>(m.opt_integer("originals", 0, 20).value_or(1));
        def.copies = static_cast<int>(m.opt_integer("copies", 0, 20).value_or(0));
        if (def.name.find("其他材料") != std::string::npos)
            m.fail("name", "a catch-all \"其他材料\" is not allowed: name the material");
        m.reject_unknown({"name", "source", "notes", "originals", "copies"});
        materials_[key] = std::move(def);
    }
}

namespace {

/// "the shared dictionary" or "the plugin <id>".
std::string definer(const std::string& owner) {
    return owner.empty() ? std::string("the shared dictionary") : "the plugin " + owner;
}

/// Checks one key of a fragment against the dictionary it joins; "" when it may be added.
template <typename Def>
std::string merge_problem(const std::string& key, const Def& def, const Def* existing) {
    if (existing)
        return "the plugin " + def.owner + " redefines " +
               (existing->owner.empty() ? std::string("the shared key ")
                                        : "the key of the plugin " + existing->owner + " ") +
               key + ": " + definer(existing->owner) + " defines it as " + existing->definition +
               ", the plugin " + def.owner + " as " + def.definition +
               "; use the existing key as it is, or give yours a name under \"" + def.owner + ".\"";
    const std::string prefix = def.owner + ".";
    if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0)
        return "the key " + key + " lies outside the plugin's namespace: name it \"" + prefix +
               "<name>\"";
    return {};
}

}  // namespace

bool Dictionary::merge(const Dictionary& fragment, const std::string& file, Issues& issues) {
    Issues found;
    for (const auto& [key, def] : fragment.fields_)
        if (auto problem = merge_problem(key, def, field(key)); !problem.empty())
            found.add(file, json_path_key("$.fields", key), problem);
    for (const auto& [key, def] : fragment.materials_)
        if (auto problem = merge_problem(key, def, material(key)); !problem.empty())
            found.add(file, json_path_key("$.materials", key), problem);
    if (!found.empty()) {
        issues.append(found);
        return false;
    }
    fields_.insert(fragment.fields_.begin(), fragment.fields_.end());
    materials_.insert(fragment.materials_.begin(), fragment.materials_.end());
    return true;
}

bool Scope::allows(const std::string& owner) const {
    return plugin.empty() || owner.empty() || owner == plugin ||
           std::find(dependencies.begin(), dependencies.end(), owner) != dependencies.end();
}

std::string Scope::problem(const std::string& key, const std::string& owner) const {
    if (allows(owner)) return {};
    return "\"" + key + "\" belongs to the plugin " + owner + ", which " + plugin +
           " does not depend on: use a shared key, define your own under \"" + plugin +
           ".\", or add \"" + owner + "\" to the manifest's dependencies";
}

const FieldDef* Dictionary::field(std::string_view key) const {
    auto found = fields_.find(key);
    return found == fields_.end() ? nullptr : &found->second;
}

const MaterialDef* Dictionary::material(std::string_view key) const {
    auto found = materials_.find(key);
    return found == materials_.end() ? nullptr : &found->second;
}

ServiceItem load_item(const fs::path& file, const Dictionary& dictionary, Issues& issues,
                      const Scope& scope) {
    if (auto document = read_json_document(file, issues))
        return load_item(*document, file.string(), dictionary, issues, scope);
    ServiceItem item;
    item.source_file = file.string();
    return item;
}

ServiceItem load_item(const Poco::Dynamic::Var& document, const std::string& name,
                      const Dictionary& dictionary, Issues& issues, const Scope& scope) {
    ServiceItem item;
    item.source_file = name;
    item.plugin_id = scope.plugin;
    const fs::path file = name;
    auto reader = ObjectReader::of(document, name, "$", issues);
    if (reader.string("format") != "onewindow.item/1")
        reader.fail("format", "must be \"onewindow.item/1\"");
    item.code = reader.string("code");
    item.version = static_cast<int>(reader.integer("version", 1, 1000000));
    reader.reject_unknown({"format", "code", "version", "department", "catalogue", "implementation",
                           "materials", "form"});

    auto department = reader.object("department", true);
    item.department_code = department.string("code");
    item.department_name = department.string("name");
    department.reject_unknown({"code", "name"});

    auto catalogue = reader.object("catalogue", true);
    item.name = catalogue.string("name");
    item.type = catalogue.string("type");
    one_of(catalogue, "type", item.type, kItemTypes);
    item.content = catalogue.string("content");
    item.body = catalogue.string("body");
    item.served = catalogue.string("served");
    one_of(catalogue, "served", item.served, kServed);
    item.theme = catalogue.string("theme");
    item.basis = catalogue.string("basis");
    item.handling = catalogue.strings("handling", true);
    for (const auto& handling : item.handling) one_of(catalogue, "handling", handling, kHandling);
    item.is_public = catalogue.boolean("public");
    catalogue.reject_unknown(
        {"name", "type", "content", "body", "served", "theme", "basis", "handling", "public"});

    auto impl = reader.object("implementation", true);
    item.conditions = impl.strings("conditions", true);
    item.steps = impl.strings("steps", true);
    item.immediate = impl.boolean("immediate");
    item.promised_days = static_cast<int>(impl.integer("promised_days", 0, 365));
    item.legal_days = static_cast<int>(impl.integer("legal_days", 0, 365));
    // The unit the item's regulation counts its legal limit in: working days (工作日, the
    // licensing law's rule) or natural days (日, e.g. 法律援助法 art. 43 "七日").
    if (auto unit = impl.opt_string("legal_days_unit")) {
        if (auto parsed = parse_day_unit(*unit))
            item.legal_unit = *parsed;
        else
            impl.fail("legal_days_unit", "must be \"working\" or \"natural\"");
    }
    if (!item.immediate && item.promised_days == 0)
        impl.fail("promised_days", "a promised item needs its promised working days");
    if (item.legal_days && item.promised_days > item.legal_days)
        impl.fail("promised_days", "exceeds the legal time limit");
    item.preliminary_review = impl.boolean("preliminary_review");
    item.fees = impl.string("fees");
    item.fee_basis = impl.opt_string("fee_basis").value_or("");
    item.place = impl.string("place");
    item.hours = impl.string("hours");
    item.enquiry_phone = impl.string("enquiry_phone");
    item.complaint_phone = impl.string("complaint_phone");
    item.keywords = impl.strings("keywords", false);
    impl.reject_unknown({"conditions", "steps", "immediate", "promised_days", "legal_days",
                         "legal_days_unit", "preliminary_review", "fees", "fee_basis", "place",
                         "hours", "enquiry_phone", "complaint_phone", "keywords"});

    auto materials = reader.array("materials", true);
    for (std::size_t i = 0; i < materials->size(); ++i) {
        auto m = ObjectReader::of(materials->get(unsigned(i)), file.string(),
                                  json_path_index("$.materials", i), issues);
        ItemMaterial material;
        material.key = m.string("key");
        const MaterialDef* def = dictionary.material(material.key);
        if (!def && !material.key.empty())
            m.fail("key", "unknown material key \"" + material.key + "\"");
        else if (def && !scope.allows(def->owner))
            m.fail("key", scope.problem(def->key, def->owner));
        material.required = m.boolean("required");
        material.tolerable_gap = m.opt_boolean("tolerable_gap", false);
        if (def) {
            material.name = def->name;
            material.source = def->source;
            material.notes = def->notes;
            material.originals = def->originals;
            material.copies = def->copies;
        }
        material.originals =
            static_cast<int>(m.opt_integer("originals", 0, 20).value_or(material.originals));
        material.copies =
            static_cast<int>(m.opt_integer("copies", 0, 20).value_or(material.copies));
        if (auto notes = m.opt_string("notes")) material.notes = *notes;
        material.required_if = read_condition(m, "required_if");
        check_condition_target(material.required_if, dictionary, scope, m, "required_if");
        m.reject_unknown(
            {"key", "required", "tolerable_gap", "originals", "copies", "notes", "required_if"});
        item.materials.push_back(std::move(material));
    }

    auto form = reader.object("form", true);
    form.reject_unknown({"sections"});
    auto sections = form.array("sections", true);
    for (std::size_t s = 0; s < sections->size(); ++s) {
        const std::string section_path = json_path_index("$.form.sections", s);
        auto sr = ObjectReader::of(sections->get(unsigned(s)), file.string(), section_path, issues);
        FormSection section;
        section.title = sr.string("title");
        sr.reject_unknown({"title", "fields"});
        auto fields = sr.array("fields", true);
        for (std::size_t f = 0; f < fields->size(); ++f) {
            auto fr = ObjectReader::of(fields->get(unsigned(f)), file.string(),
                                       json_path_index(section_path + ".fields", f), issues);
            FieldRef ref;
            ref.key = fr.string("key");
            const FieldDef* def = dictionary.field(ref.key);
            if (!def && !ref.key.empty())
                fr.fail("key", "unknown field key \"" + ref.key +
                                   "\": define it in the plugin's dictionary fragment or use a "
                                   "shared key");
            else if (def && !scope.allows(def->owner))
                fr.fail("key", scope.problem(def->key, def->owner));
            if (fr.has("required")) ref.required = fr.boolean("required");
            ref.options = fr.strings("options", false);
            if (def)
                for (const auto& option : ref.options)
                    if (std::find(def->options.begin(), def->options.end(), option) ==
                        def->options.end())
                        fr.fail("options", "\"" + option + "\" is not an option of " + ref.key);
            // A shared table used with the columns this item needs.
            ref.columns = fr.strings("columns", false);
            if (!ref.columns.empty() && def && def->type != FieldType::Table)
                fr.fail("columns", "only a table field has columns");
            else if (def)
                for (const auto& column : ref.columns)
                    if (std::find(def->columns.begin(), def->columns.end(), column) ==
                        def->columns.end())
                        fr.fail("columns", "\"" + column + "\" is not a column of " + ref.key);
            ref.visible_if = read_condition(fr, "visible_if");
            ref.required_if = read_condition(fr, "required_if");
            check_condition_target(ref.visible_if, dictionary, scope, fr, "visible_if");
            check_condition_target(ref.required_if, dictionary, scope, fr, "required_if");
            fr.reject_unknown(
                {"key", "required", "options", "columns", "visible_if", "required_if"});
            section.fields.push_back(std::move(ref));
        }
        item.sections.push_back(std::move(section));
    }
    return item;
}

const std::vector<std::string>& Bundle::waits_for(const std::string& code) const {
    static const std::vector<std::string> none;
    auto found = after.find(code);
    return found == after.end() ? none : found->second;
}

Bundle load_bundle(const fs::path& file, Issues& issues) {
    Bundle bundle;
    auto reader = ObjectReader::of(load_json_file(file), file.string(), "$", issues);
    if (reader.string("format") != "onewindow.bundle/1")
        reader.fail("format", "must be \"onewindow.bundle/1\"");
    bundle.id = reader.string("id");
    bundle.name = reader.string("name");
    bundle.lead = reader.string("lead");
    if (reader.has("promised_days"))
        bundle.promised_days = static_cast<int>(reader.integer("promised_days", 1, 365));
    else
        reader.fail("promised_days", "missing: the bundle's promised working days (> 0)");
    // Each entry: a code, or {"code", "after"}; the "after" codes are checked once all are read.
    auto items = reader.array("items", true);
    std::map<std::string, std::string> after_paths;  // code -> JSON path of its "after"
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        const auto value = items->get(unsigned(i));
        const std::string path = json_path_index("$.items", i);
        std::string code;
        if (value.isString()) {
            code = value.convert<std::string>();
        } else {
            auto entry = ObjectReader::of(value, file.string(), path, issues);
            code = entry.string("code");
            auto after = entry.strings("after", false);
            if (!after.empty() && !code.empty()) {
                bundle.after[code] = std::move(after);
                after_paths[code] = entry.path_of("after");
            }
            entry.reject_unknown({"code", "after"});
        }
        if (code.empty()) {
            if (value.isString()) issues.add(file.string(), path, "empty item code");
            continue;
        }
        if (std::find(bundle.items.begin(), bundle.items.end(), code) != bundle.items.end())
            issues.add(file.string(), path, "item " + code + " is listed twice");
        else
            bundle.items.push_back(code);
    }
    if (bundle.items.size() < 2 && reader.has("items"))
        reader.fail("items", "a bundle needs at least two items");
    for (const auto& [code, waits] : bundle.after)
        for (const auto& other : waits) {
            if (other == code)
                issues.add(file.string(), after_paths[code], "item " + code + " waits for itself");
            else if (std::find(bundle.items.begin(), bundle.items.end(), other) ==
                     bundle.items.end())
                issues.add(file.string(), after_paths[code],
                           "\"" + other + "\" is not an item of this bundle");
        }
    // Cycles: an item that, following "after" through others, comes back to itself.
    for (const auto& [start, waits] : bundle.after) {
        std::vector<std::string> todo, seen;
        for (const auto& other : waits)
            if (other != start) todo.push_back(other);  // waiting for itself is told above
        bool cycle = false;
        while (!todo.empty() && !cycle) {
            const std::string code = todo.back();
            todo.pop_back();
            cycle = code == start;
            if (std::find(seen.begin(), seen.end(), code) != seen.end()) continue;
            seen.push_back(code);
            for (const auto& next : bundle.waits_for(code)) todo.push_back(next);
        }
        if (cycle)
            issues.add(file.string(), after_paths[start],
                       "a cycle: item " + start + " waits, through others, for itself");
    }
    reader.reject_unknown({"format", "id", "name", "lead", "promised_days", "items"});
    return bundle;
}

void check_bundle_items(const Bundle& bundle, const std::string& file,
                        const std::function<const ServiceItem*(const std::string&)>& find,
                        Issues& issues) {
    bool led = false;
    std::string departments;
    for (const auto& code : bundle.items) {
        const ServiceItem* item = find(code);
        if (!item) return;  // not all of them here: nothing to check against
        led = led || item->department_code == bundle.lead;
        if (departments.find(item->department_code) == std::string::npos)
            departments += (departments.empty() ? "" : ", ") + item->department_code;
    }
    if (!led && !bundle.lead.empty())
        issues.add(
            file, "$.lead",
            "\"" + bundle.lead + "\" is the department of none of the items (" + departments + ")");
}

Issues check_form_files(const std::vector<fs::path>& files, const Dictionary* dictionary,
                        const std::vector<ServiceItem>& known_items) {
    Issues issues;
    Dictionary empty;
    std::vector<ServiceItem> items = known_items;
    std::vector<std::pair<std::string, Bundle>> bundles;
    for (const auto& file : files) {
        try {
            auto document = load_json_file(file);
            std::string format;
            if (document.type() == typeid(Poco::JSON::Object::Ptr))
                format = document.extract<Poco::JSON::Object::Ptr>()->optValue<std::string>(
                    "format", "");
            if (format == "onewindow.fields/1")
                Dictionary::load(file, issues);
            else if (format == "onewindow.item/1")
                items.push_back(load_item(file, dictionary ? *dictionary : empty, issues));
            else if (format == "onewindow.bundle/1")
                bundles.emplace_back(file.string(), load_bundle(file, issues));
            else if (format != "onewindow.case/1")
                issues.add(file.string(), "$.format",
                           "unknown or missing format (expected onewindow.fields/1, "
                           "onewindow.item/1 or onewindow.bundle/1)");
        } catch (const Error& e) {
            std::string message = e.what();
            const std::string prefix = file.string() + ": $: ";
            if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
            issues.add(file.string(), "$", message);
        }
    }
    // The lead, when the items checked here include all of the bundle's (the counter checks it
    // again over its catalogue).
    auto find = [&items](const std::string& code) -> const ServiceItem* {
        for (const auto& item : items)
            if (item.code == code) return &item;
        return nullptr;
    };
    for (const auto& [file, bundle] : bundles) check_bundle_items(bundle, file, find, issues);
    return issues;
}

std::string material_quantity(int originals, int copies) {
    std::string out;
    if (originals > 0) out = trf("{} original(s)", std::to_string(originals));
    if (copies > 0) out += (out.empty() ? "" : "、") + trf("{} copy(ies)", std::to_string(copies));
    return out.empty() ? std::string("—") : out;
}

}  // namespace onewindow
