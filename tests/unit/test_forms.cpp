#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/plugin_data.hpp"
#include "onewindow/core/unified_form.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path forms_dir = fs::path(ONEWINDOW_SOURCE_DIR) / "forms";
// The family-planning plugin as built (its manifest stamped with the library), forms as shipped.
const fs::path family_planning = fs::path(ONEWINDOW_STAGE_DIR) / "plugins" / "family_planning";
const Date today{2026, 11, 23};

struct Loaded {
    Dictionary dictionary;
    Catalogue catalogue;
};

const Loaded& loaded() {
    static const Loaded data = [] {
        Issues issues;
        Loaded l{Dictionary::load(forms_dir / "fields.json", issues), {}};
        const PluginManifest manifest = read_manifest(family_planning / "plugin.json", issues);
        for (auto& item : load_plugin_data(manifest, l.dictionary, issues).items)
            l.catalogue.add(std::move(item));
        REQUIRE(issues.to_string() == "");
        return l;
    }();
    return data;
}

UnifiedForm form_of(std::initializer_list<const char*> codes) {
    std::vector<const ServiceItem*> items;
    for (auto code : codes) items.push_back(loaded().catalogue.find(code));
    return build_unified_form(items, loaded().dictionary);
}

Poco::JSON::Object::Ptr demo_values() {
    Poco::JSON::Object::Ptr v = new Poco::JSON::Object(true);
    v->set("applicant.name", "李娜");
    v->set("applicant.id_number", "13043419960315024X");
    v->set("applicant.phone", "13831045678");
    v->set("applicant.marital_status", "初婚");
    v->set("applicant.hukou_division", "130434");
    v->set("applicant.hukou_address", "魏县魏城镇南关村 12 号");
    v->set("spouse.name", "王强");
    v->set("spouse.id_number", "130434199408020132");
    v->set("family_planning.marriage.date", "2024-05-20");
    v->set("family_planning.marriage.certificate_no", "J130434-2024-001207");
    v->set("family_planning.children.count", 0);
    return v;
}

std::string messages(const std::vector<Finding>& findings) {
    std::string out;
    for (const auto& f : findings) out += f.severity + " " + f.field + " " + f.message + "\n";
    return out;
}

fs::path write_temp(const testing::TempDir& dir, const std::string& name, const std::string& text) {
    std::ofstream(dir.path / name) << text;
    return dir.path / name;
}

}  // namespace

TEST_CASE("The shipped forms check clean and load the catalogue", "[forms]") {
    std::vector<fs::path> files;
    for (const auto& dir : {forms_dir, family_planning / "forms"})
        for (const auto& entry : fs::recursive_directory_iterator(dir))
            if (entry.path().extension() == ".json") files.push_back(entry.path());
    REQUIRE(files.size() >= 8);
    auto issues = check_form_files(files, &loaded().dictionary);
    CHECK(issues.to_string() == "");
    const ServiceItem* item = loaded().catalogue.find("000718001001");
    REQUIRE(item);
    CHECK(item->name == "生育登记");
    CHECK(item->fees == "不收费");
    CHECK(item->promised_days == 2);
    CHECK(item->materials.size() == 4);
    CHECK(item->materials[2].tolerable_gap);
    CHECK(item->materials[0].name == "居民身份证");
}

TEST_CASE("Catalogue search by name, code and keyword", "[catalogue]") {
    const auto& c = loaded().catalogue;
    auto by_name = c.search("生育登记");
    REQUIRE(by_name.size() == 1);
    CHECK(by_name[0]->code == "000718001001");
    CHECK(c.search("三孩").at(0)->code == "000718001001");  // any birth order: one item
    auto by_code = c.search("0007180020");
    REQUIRE(by_code.size() == 1);
    CHECK(by_code[0]->name == "流动人口婚育证明");
    auto by_keyword = c.search("准生证");
    REQUIRE(by_keyword.size() == 1);
    CHECK(by_keyword[0]->code == "000718001001");

    CHECK(c.search("no such thing").empty());
    // Pinyin initials (from the Unicode Han database): a run of initials first, then with gaps.
    auto by_initials = c.search("sydj");  // 生育登记
    REQUIRE(by_initials.size() == 1);
    CHECK(by_initials[0]->code == "000718001001");
    CHECK(c.search("LDRK").at(0)->code == "000718002000");    // 流动人口, any case
    CHECK(c.search("ldhyzm").at(0)->code == "000718002000");  // 流动(人口)婚育证明: a gap
    CHECK(c.search("zzzq").empty());
    Catalogue copy;
    copy.add(*c.find("000718001001"));
    CHECK_THROWS_AS(copy.add(*c.find("000718001001")), Error);
}

TEST_CASE("The unified form asks each fact once and merges materials", "[unified_form]") {
    auto form = form_of({"000718001001", "000718002000"});
    CHECK(form.conflicts.empty());
    int seen = 0;
    for (const auto& s : form.sections)
        for (const auto& f : s.fields)
            if (f.def.key == "applicant.id_number") ++seen;
    CHECK(seen == 1);
    CHECK(form.field("applicant.id_number")->items.size() == 2);
    // Applicant first, item-specific after.
    REQUIRE(form.sections.size() >= 3);
    CHECK(form.sections[0].fields[0].def.key == "applicant.name");
    CHECK(form.field("applicant.birth_date"));  // derived fields follow their source
    // Options both items accept.
    CHECK(form.field("applicant.marital_status")->def.options ==
          std::vector<std::string>{"初婚", "再婚", "未婚", "离婚", "丧偶"});
    // One ID card material for three items; the photo tolerable in all, so tolerable.
    int id_cards = 0;
    for (const auto& m : form.materials)
        if (m.material.key == "id_card") ++id_cards;
    CHECK(id_cards == 1);
    for (const auto& m : form.materials)
        if (m.material.key == "photo") CHECK(m.material.tolerable_gap);
    // A migrant alone may be unmarried: spouse fields depend on marital status.
    auto migrant = form_of({"000718002000"});
    CHECK(migrant.field("spouse.name")->def.visible_if.active());
}

TEST_CASE("Incompatible definitions of one field are reported, not merged", "[unified_form]") {
    ServiceItem a = *loaded().catalogue.find("000718002000");
    ServiceItem b = a;
    b.code = "X2";
    a.sections[0].fields[3].options = {"未婚"};
    b.sections[0].fields[3].options = {"初婚"};
    auto form = build_unified_form({&a, &b}, loaded().dictionary);
    REQUIRE(form.conflicts.size() == 1);
    CHECK(form.conflicts[0].find("applicant.marital_status") != std::string::npos);
    CHECK(form.conflicts[0].find("X2") != std::string::npos);
}

TEST_CASE("Validation rules, derived values and conditional fields", "[validation]") {
    clear_catalog();
    auto form = form_of({"000718001001"});
    auto values = demo_values();
    values->set("family_planning.registration.timing", "生育前登记");
    derive_values(form, values, today);
    CHECK(values->getValue<std::string>("applicant.sex") == "女");
    CHECK(values->getValue<std::string>("spouse.birth_date") == "1994-08-02");
    CHECK(values->getValue<int>("applicant.age") == 30);
    CHECK(messages(validate_values(form, values, today)) == "");

    SECTION("typed derived values are overwritten") {
        values->set("applicant.sex", "男");
        derive_values(form, values, today);
        CHECK(values->getValue<std::string>("applicant.sex") == "女");
    }
    SECTION("each rule names the field") {
        values->set("spouse.id_number", "130434199408020133");
        values->set("applicant.phone", "2383104567");
        values->set("family_planning.marriage.date", "2027-01-01");
        values->set("applicant.marital_status", "已婚");
        values->set("family_planning.children.count", "many");
        values->set("applicant.ethnicity", "汉");
        values->remove("family_planning.registration.timing");
        values->set("applicant.colour", "red");
        auto text = messages(validate_values(form, values, today));
        CHECK(text.find("配偶公民身份号码: the check character is wrong") != std::string::npos);
        CHECK(text.find("联系电话: is not a mobile number") != std::string::npos);
        CHECK(text.find("结婚登记日期: lies in the future") != std::string::npos);
        CHECK(text.find("婚姻状况: is not one of the choices") != std::string::npos);
        CHECK(text.find("现有子女数: must be a number") != std::string::npos);
        CHECK(text.find("民族: does not have the required form") != std::string::npos);
        CHECK(text.find("登记时间: is required") != std::string::npos);
        CHECK(text.find("applicant.colour: this field is not part of the form") !=
              std::string::npos);
    }
    SECTION("hidden fields are neither required nor checked") {
        auto migrant = form_of({"000718002000"});
        Poco::JSON::Object::Ptr v = new Poco::JSON::Object;
        v->set("applicant.marital_status", "未婚");
        v->set("spouse.id_number", "bad");
        auto text = messages(validate_values(migrant, v, today));
        CHECK(text.find("配偶") == std::string::npos);
        v->set("applicant.marital_status", "初婚");
        text = messages(validate_values(migrant, v, today));
        CHECK(text.find("配偶姓名: is required") != std::string::npos);
        CHECK(text.find("结婚登记日期: is required") != std::string::npos);
        CHECK(text.find("配偶公民身份号码: must have 18 characters") != std::string::npos);
    }
    SECTION("table rows are checked row by row") {
        auto migrant = form_of({"000718002000"});
        Poco::JSON::Object::Ptr v = new Poco::JSON::Object;
        Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
        Poco::JSON::Object::Ptr good = new Poco::JSON::Object, bad = new Poco::JSON::Object;
        good->set("member.name", "李小华");
        good->set("member.id_number", "11010519491231002X");
        good->set("member.relation", "父母");
        bad->set("member.name", "王");
        bad->set("member.relation", "邻居");
        rows->add(good);
        rows->add(bad);
        v->set("household.members", rows);
        auto text = messages(validate_values(migrant, v, today));
        CHECK(text.find("家庭成员 row 1") == std::string::npos);
        CHECK(text.find("家庭成员 row 2: 公民身份号码 is required") != std::string::npos);
        CHECK(text.find("家庭成员 row 2: 与申请人关系: is not one of the choices") !=
              std::string::npos);
    }
}

TEST_CASE("Materials: every missing one at once, tolerated gaps only where allowed",
          "[validation]") {
    clear_catalog();
    auto form = form_of({"000718001001"});
    auto values = demo_values();
    values->set("family_planning.registration.timing", "生育后补登");
    std::vector<SuppliedMaterial> supplied{{"id_card", true, false, ""},
                                           {"photo", false, true, "下周补交"}};
    auto problems = check_materials(form, values, supplied);
    std::vector<std::string> keys;
    for (const auto& p : problems) keys.push_back(p.key);
    CHECK(keys == std::vector<std::string>{"marriage_cert", "birth_cert"});
    CHECK(problems[0].name == "结婚证");
    CHECK(problems[0].reason == "not submitted: please bring 1 original(s)、1 copy(ies)");

    supplied.push_back({"marriage_cert", false, true, "明天补交"});
    problems = check_materials(form, values, supplied);
    CHECK(problems[0].key == "marriage_cert");
    CHECK(problems[0].reason.find("cannot follow later") != std::string::npos);

    // Marriage certificate only required of a married migrant.
    auto migrant = form_of({"000718002000"});
    Poco::JSON::Object::Ptr single = new Poco::JSON::Object;
    single->set("applicant.marital_status", "未婚");
    std::vector<SuppliedMaterial> basics{{"id_card", true, false, ""}};
    CHECK(check_materials(migrant, single, basics).empty());
    single->set("applicant.marital_status", "再婚");
    CHECK(check_materials(migrant, single, basics).size() == 1);
}

TEST_CASE("Broken form files: one message per problem, with file and JSON path", "[forms]") {
    testing::TempDir dir;
    auto file = write_temp(dir, "broken_item.json", R"({"format": "onewindow.item/1", "code": "X1",
      "version": 0, "department": {"code": "d"},
      "catalogue": {"name": "测试", "type": "审批", "content": "c", "body": "b", "served": "个人",
                    "theme": "t", "basis": "b", "handling": ["窗口办理", "上门"], "public": "yes"},
      "implementation": {"conditions": [], "steps": [], "immediate": false, "promised_days": 0,
                         "legal_days": 20, "preliminary_review": false, "fees": "", "place": "p",
                         "hours": "h", "enquiry_phone": "1", "complaint_phone": "2"},
      "materials": [{"key": "passport", "required": true}],
      "form": {"sections": [{"title": "s", "fields": [{"key": "applicant.nam"},
               {"key": "spouse.name", "visible_if": {"field": "nope", "in": ["x"]}}]}]},
      "colour": 1})");
    auto issues = check_form_files({file}, &loaded().dictionary);
    auto text = issues.to_string();
    const std::string f = file.string() + ": ";
    CHECK(text.find(f + "$.version: must be between 1 and 1000000") != std::string::npos);
    CHECK(text.find(f + "$.department.name: is missing") != std::string::npos);
    CHECK(text.find(f + "$.catalogue.public: must be true or false") != std::string::npos);
    CHECK(text.find(f + "$.implementation.promised_days: a promised item needs") !=
          std::string::npos);
    CHECK(text.find(f + "$.implementation.fees: must not be empty") != std::string::npos);
    CHECK(text.find(f + "$.materials[0].key: unknown material key \"passport\"") !=
          std::string::npos);
    CHECK(text.find(f + "$.form.sections[0].fields[0].key: unknown field key \"applicant.nam\"") !=
          std::string::npos);
    CHECK(text.find(f + "$.form.sections[0].fields[1].visible_if: refers to unknown field key") !=
          std::string::npos);
    CHECK(text.find(f + "$.colour: unknown key") != std::string::npos);
    // The catalogue's closed vocabularies, each value named with the allowed ones.
    CHECK(text.find(f + "$.catalogue.type: \"审批\" is not one of: 行政许可, 行政确认, 行政裁决, "
                        "行政给付, 行政奖励, 行政备案, 其他行政权力, 公共服务") !=
          std::string::npos);
    CHECK(text.find(f + "$.catalogue.served: \"个人\" is not one of: 自然人, 法人, 自然人、法人") !=
          std::string::npos);
    CHECK(text.find(f + "$.catalogue.handling: \"上门\" is not one of: 窗口办理, 网上办理, 代办") !=
          std::string::npos);
    CHECK(issues.size() == 12);

    auto bad_json = write_temp(dir, "bad.json", "{\"format\": ");
    auto bad = check_form_files({bad_json}, nullptr);
    REQUIRE(bad.size() == 1);
    CHECK(bad.list()[0].message.rfind("malformed JSON", 0) == 0);
}

TEST_CASE("A shared table is asked with the columns its items need", "[unified_form]") {
    // Two items asking the household's members: one their names and relations, the other their
    // names and incomes.
    const ServiceItem* base = loaded().catalogue.find("000718002000");
    REQUIRE(base);
    auto with_members = [&](const std::string& code, std::vector<std::string> columns) {
        ServiceItem item = *base;
        item.code = code;
        FieldRef members;
        members.key = "household.members";
        members.columns = std::move(columns);
        item.sections = {FormSection{"家庭成员", {members}}};
        return item;
    };
    const ServiceItem names = with_members("T-1", {"member.name", "member.relation"});
    const ServiceItem incomes = with_members("T-2", {"member.monthly_income", "member.name"});

    auto alone = build_unified_form({&names}, loaded().dictionary);
    const UnifiedField* table = alone.field("household.members");
    REQUIRE(table);
    CHECK(table->def.columns == std::vector<std::string>{"member.name", "member.relation"});
    REQUIRE(table->columns.size() == 2);
    CHECK(table->columns[1].label == "与申请人关系");
    // A column the item does not ask is not part of its table.
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
    values->set("household.members",
                parse_json(R"([{"member.name": "王强", "member.relation": "配偶",
                                "member.monthly_income": 1200}])",
                           "rows"));
    const std::string found = messages(validate_values(alone, values, today));
    CHECK(found.find("member.monthly_income is not a column of this table") != std::string::npos);

    // Both items: the columns either needs, in the dictionary's order, asked once.
    auto both = build_unified_form({&names, &incomes}, loaded().dictionary);
    CHECK(both.conflicts.empty());
    CHECK(both.field("household.members")->def.columns ==
          std::vector<std::string>{"member.name", "member.relation", "member.monthly_income"});
    CHECK(both.field("household.members")->columns.size() == 3);
    CHECK(messages(validate_values(both, values, today)).find("is not a column") ==
          std::string::npos);
}
