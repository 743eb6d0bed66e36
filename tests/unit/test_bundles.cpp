// Life-event bundles (一件事) over the staged department plugins' items: one unified form that asks
// each fact once and lists each material once, whatever the departments.
#include <catch2/catch.hpp>

#include <set>

#include "plugin_fixture.hpp"

using namespace onewindow;
using namespace onewindow::testing;

namespace {

Bundle bundle(const std::string& id) {
    Issues issues;
    Bundle b = load_bundle(
        std::filesystem::path(ONEWINDOW_SOURCE_DIR) / "forms/bundles" / (id + ".json"), issues);
    REQUIRE(issues.to_string() == "");
    return b;
}

/// The unified form of a bundle, checked for its name and for conflicts.
UnifiedForm bundle_form(const Bundle& b, const std::string& name) {
    CHECK(b.name == name);
    auto form = StagedItems::get().form(b.items);
    CHECK(form.conflicts.empty());
    return form;
}

/// Each key asked once, by `items` of the bundle's items.
void asked_once(const UnifiedForm& form, std::initializer_list<const char*> keys,
                std::size_t items) {
    for (const char* key : keys) {
        INFO(key);
        CHECK(times_asked(form, key) == 1);
        CHECK(form.field(key)->items.size() == items);
    }
}

void listed_once(const UnifiedForm& form, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        INFO(key);
        CHECK(times_listed(form, key) == 1);
    }
}

const ItemMaterial& material(const UnifiedForm& form, const std::string& key) {
    for (const auto& m : form.materials)
        if (m.material.key == key) return m.material;
    FAIL("no material " << key);
    throw;
}

}  // namespace

TEST_CASE("新生儿出生一件事: the parents' and the child's facts once, materials merged",
          "[bundles]") {
    const Bundle newborn = bundle("newborn");
    // 出生登记, 医保参保登记, 社会保障卡申领, 生育登记: four departments.
    REQUIRE(newborn.items.size() == 4);
    auto form = bundle_form(newborn, "新生儿出生一件事");
    asked_once(form, {"applicant.name", "applicant.id_number"}, 4);
    asked_once(form, {"child.name", "child.sex", "child.birth_date", "child.birth_cert_no"}, 3);
    asked_once(form, {"spouse.name", "spouse.id_number"}, 2);
    // The child's facts are always asked: the birth registration needs them whatever the
    // other items' "办理对象" says.
    CHECK_FALSE(form.field("child.name")->def.visible_if.active());
    CHECK(form.field("child.name")->def.required);
    CHECK(form.field("child.birth_cert_no")->def.required);
    // Marital status: the options every item accepts (生育登记 accepts every status: an
    // unmarried mother registers too).
    CHECK(form.field("applicant.marital_status")->def.options ==
          std::vector<std::string>{"未婚", "初婚", "再婚", "离婚", "丧偶"});
    listed_once(form, {"id_card", "hukou", "birth_cert", "marriage_cert", "photo"});
    CHECK(material(form, "id_card").notes.find("父母双方") != std::string::npos);
    // The photo may follow for the card and the registration card; the certificate may not.
    CHECK(material(form, "photo").tolerable_gap);
    CHECK_FALSE(material(form, "birth_cert").tolerable_gap);

    // Counted against the four separate forms: the bundle asks every distinct fact of them, each
    // once, so it asks fewer questions than the forms' sum.
    std::size_t sum = 0, asked = 0;
    std::set<std::string> distinct;
    for (const auto& code : newborn.items)
        for (const auto& section : StagedItems::get().form({code}).sections)
            for (const auto& field : section.fields) {
                ++sum;
                distinct.insert(field.def.key);
            }
    for (const auto& section : form.sections) asked += section.fields.size();
    CHECK(asked == distinct.size());
    CHECK(asked < sum);
}

TEST_CASE("困难群众救助一件事: one form for the allowance and temporary relief", "[bundles]") {
    const Bundle relief = bundle("hardship_relief");
    auto form = bundle_form(relief, "困难群众救助一件事");
    asked_once(form,
               {"applicant.id_number", "applicant.monthly_income", "household.members",
                "civil_affairs.hardship.reason", "payment.account"},
               2);
    listed_once(form, {"id_card", "hukou", "civil_affairs.finance_check_authorization", "bank_card",
                       "civil_affairs.medical_records"});
    // The household register may follow later for relief, not for the allowance: not tolerable.
    CHECK_FALSE(material(form, "hukou").tolerable_gap);
}

TEST_CASE("残疾人服务一件事: the certificate and the subsidies from one form", "[bundles]") {
    const Bundle services = bundle("disability_services");
    auto form = bundle_form(services, "残疾人服务一件事");
    asked_once(form, {"applicant.id_number", "applicant.hukou_division", "disability.category"}, 2);
    listed_once(form, {"id_card", "hukou", "disability_cert"});
    // Not required while the certificate is being applied for.
    CHECK_FALSE(form.field("disability.certificate_no")->def.required);

    // The same facts pass both departments: the federation books the assessment, civil affairs
    // waits for the certificate.
    auto values = R"({"applicant.name": "赵建国", "applicant.id_number": "130434197804120312",
        "applicant.hukou_division": "130434", "household.dibao": "是",
        "civil_affairs.disability.certified": "正在申办", "disability.category": "肢体残疾",
        "disabled_federation.assessment.institution": "魏县人民医院", "disabled_federation.assessment.date": "2026-11-24",
        "civil_affairs.subsidy.type": "两项补贴"})";
    PluginFixture federation("disabled_federation");
    CHECK(federation.validate(request_of(services.items[0], values)) == kNoFindings);
    PluginFixture civil("civil_affairs");
    auto answer = civil.validate(request_of(services.items[1], values));
    CHECK(warns(answer, "残疾人证正在申办：县民政局在残疾人证核发后审定补贴"));
    CHECK_FALSE(has(answer, R"("severity":"error")"));
}

TEST_CASE("退休一件事: the pension and the retiree's medical insurance from one form",
          "[bundles]") {
    const Bundle retirement = bundle("retirement");
    auto form = bundle_form(retirement, "退休一件事");
    asked_once(form, {"applicant.name", "applicant.id_number", "retirement.employer"}, 2);
    listed_once(form, {"id_card", "social_security.retirement_application",
                       "medical_insurance.retiree_medical_form"});
    // Each department's own facts are asked by that department only.
    CHECK(form.field("social_security.pension.contribution_years")->items ==
          std::vector<std::string>{"000720005000"});
    CHECK(form.field("medical_insurance.local_years")->items ==
          std::vector<std::string>{"000733004000"});
}
