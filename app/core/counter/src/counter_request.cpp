// Reading counter settings and case files (the input of `onewindow-cli intake`).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <fstream>

#include "onewindow/core/counter.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace fs = std::filesystem;

namespace onewindow {

CounterConfig CounterConfig::load(const fs::path& file) {
    CounterConfig config;
    if (!fs::exists(file)) return config;
    Issues issues;
    auto reader = ObjectReader::of(load_json_file(file), file.string(), "$", issues);
    config.code = reader.string("code");
    config.name = reader.string("name");
    config.service_area = reader.string("service_area");
    config.enquiry_phone = reader.string("enquiry_phone");
    config.default_clerk = reader.opt_string("default_clerk").value_or(config.default_clerk);
    config.reconsideration_body =
        reader.opt_string("reconsideration_body").value_or(config.reconsideration_body);
    config.rating_url = reader.opt_string("rating_url").value_or(config.rating_url);
    if (auto days = reader.opt_number("rating_follow_up_working_days")) {
        if (*days != static_cast<int>(*days) || *days < 1 || *days > 60)
            reader.fail("rating_follow_up_working_days", "must be a whole number from 1 to 60");
        else
            config.rating_follow_up_working_days = static_cast<int>(*days);
    }
    if (reader.raw() && reader.raw()->has("objections")) {
        config.objections.clear();
        auto objections = reader.array("objections", true);
        for (std::size_t i = 0; i < objections->size(); ++i) {
            auto o = ObjectReader::of(objections->get(static_cast<unsigned>(i)), file.string(),
                                      json_path_index("$.objections", i), issues);
            Objection objection{o.strings("items", true), o.string("body"), o.string("basis")};
            o.reject_unknown({"items", "body", "basis"});
            config.objections.push_back(std::move(objection));
        }
    }
    config.store = reader.opt_string("store").value_or("");
    reader.reject_unknown({"code", "name", "service_area", "enquiry_phone", "default_clerk",
                           "reconsideration_body", "objections", "rating_url",
                           "rating_follow_up_working_days", "store"});
    for (const auto& [key, message] : config.problems()) reader.fail(key, message);
    issues.throw_if_any();
    return config;
}

std::vector<std::pair<std::string, const char*>> CounterConfig::problems() const {
    std::vector<std::pair<std::string, const char*>> found;
    if (code.empty() || code.find_first_of(" /\\") != std::string::npos)
        found.emplace_back("code", N_("must be a short code without spaces or slashes"));
    if (service_area.size() != 6 ||
        service_area.find_first_not_of("0123456789") != std::string::npos)
        found.emplace_back("service_area", N_("must be a 6-digit division code"));
    return found;
}

void CounterConfig::save(const fs::path& file) const {
    if (const auto found = problems(); !found.empty())
        throw Error(ErrorKind::Input,
                    trf("{}: {} {}", file.string(), found.front().first, tr(found.front().second)));
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object(true);
    object->set("code", code);
    object->set("name", name);
    object->set("service_area", service_area);
    object->set("enquiry_phone", enquiry_phone);
    object->set("default_clerk", default_clerk);
    object->set("reconsideration_body", reconsideration_body);
    object->set("rating_url", rating_url);
    object->set("rating_follow_up_working_days", rating_follow_up_working_days);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& o : objections) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& item : o.items) items->add(item);
        entry->set("items", items);
        entry->set("body", o.body);
        entry->set("basis", o.basis);
        list->add(entry);
    }
    object->set("objections", list);
    if (!store.empty()) object->set("store", store);
    const fs::path temp = file.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        object->stringify(out, 2);
        out << '\n';
        if (!out) throw Error(ErrorKind::Storage, file.string() + ": cannot be written");
    }
    fs::rename(temp, file);
}

store::Location store_location(const fs::path& data_dir,
                               const std::optional<std::string>& override) {
    if (override) return store::Location::parse(*override, data_dir);
    const std::string configured = CounterConfig::load(data_dir / "counter.json").store;
    return store::Location::parse(configured.empty() ? "counter.db" : configured, data_dir);
}

CaseStore open_store(const fs::path& root, const fs::path& data_dir,
                     const std::optional<std::string>& override) {
    CaseStore store =
        CaseStore::open(store_location(data_dir, override), data_dir / "materials",
                        WorkingCalendar::load(root / "share" / "onewindow" / "calendar", data_dir));
    // The audit chain's key and head file live in the data folder, whichever engine holds it;
    // the head file follows this counter's chain.
    store.database().anchor_audit(data_dir, CounterConfig::load(data_dir / "counter.json").code);
    return store;
}

Poco::JSON::Object::Ptr IntakeMaterial::to_json() const {
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
    entry->set("key", key);
    if (!file.empty()) entry->set("file", file.string());
    entry->set("supplied", supplied);
    entry->set("tolerated", tolerated);
    if (!promise.empty()) entry->set("promise", promise);
    return entry;
}

IntakeMaterial IntakeMaterial::from_json(ObjectReader& entry, const fs::path& base_dir) {
    IntakeMaterial material;
    material.key = entry.string("key");
    if (auto file = entry.opt_string("file")) {
        fs::path path = *file;
        material.file = path.is_absolute() ? path : base_dir / path;
        material.supplied = true;
    }
    material.supplied = entry.opt_boolean("supplied", material.supplied);
    material.tolerated = entry.opt_boolean("tolerated", false);
    material.promise = entry.opt_string("promise").value_or("");
    entry.reject_unknown({"key", "file", "supplied", "tolerated", "promise"});
    return material;
}

IntakeRequest IntakeRequest::load(const fs::path& file) {
    auto document = load_json_file(file);
    Issues issues;
    auto reader = ObjectReader::of(document, file.string(), "$", issues);
    issues.throw_if_any();
    return from_json(reader.raw(), file.string(), fs::absolute(file).parent_path());
}

IntakeRequest IntakeRequest::from_json(const Poco::JSON::Object::Ptr& object,
                                       const std::string& source, const fs::path& base_dir) {
    Issues issues;
    ObjectReader reader(object, source, "$", issues);
    IntakeRequest request;
    request.source = source;
    if (auto format = reader.opt_string("format"); format && *format != "onewindow.case/1")
        reader.fail("format", "must be \"onewindow.case/1\"");
    request.items = reader.strings("items", true);
    if (request.items.empty() && reader.has("items")) reader.fail("items", "must name an item");
    request.clerk = reader.opt_string("clerk").value_or("");
    request.values = reader.object("values", true).raw();
    request.now = reader.opt_string("now");
    auto materials = reader.array("materials", false);
    for (std::size_t i = 0; i < materials->size(); ++i) {
        auto m = ObjectReader::of(materials->get(static_cast<unsigned>(i)), source,
                                  json_path_index("$.materials", i), issues);
        IntakeMaterial material = IntakeMaterial::from_json(m, base_dir);
        if (material.tolerated && material.promise.empty())
            m.fail("promise", "a tolerated gap needs the applicant's written promise");
        if (material.tolerated && material.supplied)
            m.fail("tolerated", "a material cannot be both supplied and tolerated");
        if (!material.file.empty() && !fs::is_regular_file(material.file))
            m.fail("file", "cannot be read: " + material.file.string());
        request.materials.push_back(std::move(material));
    }
    reader.reject_unknown({"format", "items", "clerk", "values", "materials", "now"});
    issues.throw_if_any();
    return request;
}

}  // namespace onewindow
