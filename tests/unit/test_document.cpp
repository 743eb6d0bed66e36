// Documents: real PDFs from the real renderer, checked with poppler's pdftotext and pdftoppm.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <thread>

#include "onewindow/core/document.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/guide.hpp"
#include "pdf_check.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path templates = fs::path(ONEWINDOW_SOURCE_DIR) / "templates/common";

std::string run(const std::string& command) { return testing::command_output(command); }

DocumentTemplate load(const fs::path& file) { return testing::checked_template(file); }

Poco::JSON::Object::Ptr data(const std::string& json) {
    return parse_json(json, "data").extract<Poco::JSON::Object::Ptr>();
}

const char* kReceipt = R"({
  "case": {"number": "WX01-20261123-0007", "accepted_at": "2026年11月23日 10:05", "counter": "WX01",
           "counter_name": "魏县政务服务中心综合受理窗口", "clerk": "张敏",
           "enquiry_phone": "0310-0000000（示例号码）", "hotline": "12345",
           "review": "已收取下列材料，暂缺材料由申请人书面承诺补交"},
  "applicant": {"name": "李娜", "id_masked": "130434********024X", "phone_masked": "138****5678"},
  "items": [{"code": "000718001001", "name": "一孩生育服务登记", "department": "魏县卫生健康局",
             "promised_date": "2026年11月26日", "time_limit": "承诺 3 个工作日（法定 20 个工作日）"},
            {"code": "000718002000", "name": "流动人口婚育证明", "department": "魏县卫生健康局",
             "promised_date": "即办", "time_limit": "即办"}],
  "materials": [{"name": "居民身份证", "received": "原件已核验，窗口扫描留存"}],
  "gaps": [{"name": "近期一寸免冠照片", "promise": "申请人承诺于 2026年11月30日 前补交"}],
  "notes": [{"text": "请妥善保管本回执。"}]})";

using testing::Gray;

}  // namespace

TEST_CASE("The receipt carries the case, the items, the masked ID and the gaps", "[document]") {
    testing::TempDir dir;
    DocumentRenderer renderer;
    const auto pdf = dir.path / "receipt.pdf";
    renderer.render_to_file(load(templates / "receipt.json"), data(kReceipt), pdf);
    CHECK(fs::file_size(pdf) < 80 * 1024);
    const std::string text = run("pdftotext -layout '" + pdf.string() + "' -");
    for (const char* expected :
         {"二、受理事项", "WX01-20261123-0007", "一孩生育服务登记", "流动人口婚育证明",
          "130434********024X", "近期一寸免冠照片", "2026年11月30日", "第 1 页 共 1 页"}) {
        INFO(expected);
        CHECK(text.find(expected) != std::string::npos);
    }
}

TEST_CASE("Every character of a line has ink: glyphs, not only the text layer", "[document]") {
    testing::TempDir dir;
    const auto file = dir.path / "line.json";
    // Characters that are composite glyphs in some fonts and print blank when embedded wrongly.
    std::ofstream(file) << R"({"format": "onewindow.template/1", "id": "line", "version": 1,
        "page": {"size": "A4", "margins_mm": [20, 20, 20, 20]},
        "body": [{"type": "paragraph", "size": 20, "text": "明销售政务办理窗口受"}]})";
    DocumentRenderer renderer;
    const auto pdf = dir.path / "line.pdf";
    renderer.render_to_file(load(file), data("{}"), pdf);
    run("pdftoppm -r 100 -gray -f 1 -l 1 '" + pdf.string() + "' '" + (dir.path / "page").string() +
        "'");
    Gray page(dir.path / "page-1.pgm");
    const double px = 100.0 / 72.0;           // pixels per point
    const double left = 20 / 25.4 * 72 * px;  // left margin
    const double baseline = (20 / 25.4 * 72 + 20 * 1.55) * px;
    const double cell = 20 * px;
    for (int i = 0; i < 10; ++i) {
        INFO("character " << i);
        const int x0 = static_cast<int>(left + i * cell + 2),
                  x1 = static_cast<int>(left + (i + 1) * cell - 2);
        CHECK(page.dark(x0, x1, static_cast<int>(baseline - cell * 0.85),
                        static_cast<int>(baseline + 3)) > 20);
    }
    // The cell after the line is empty: the check can tell ink from paper.
    const int x0 = static_cast<int>(left + 11 * cell);
    CHECK(page.dark(x0, x0 + static_cast<int>(cell), static_cast<int>(baseline - cell),
                    static_cast<int>(baseline)) == 0);
}

TEST_CASE("Lines break between Chinese characters, never before closing punctuation",
          "[document]") {
    auto unit = [](char32_t c) { return c < 0x80 ? 0.5 : 1.0; };
    auto lines = wrap_text("一二三四五六七八九十，一二三", 10, unit);
    REQUIRE(lines.size() == 2);
    // The comma does not fit: it never starts a line, and never hangs past the width (in a
    // table cell the next cell would cut it), so the character before it goes down with it.
    CHECK(lines[0] == "一二三四五六七八九");
    CHECK(lines[1] == "十，一二三");
    lines = wrap_text("承诺 3 个工作日（法定 20 个工作日）", 9, unit);
    CHECK(lines.back().find("日）") != std::string::npos);
    lines = wrap_text("一二三四五六七八九《十》", 10, unit);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] == "《十》");  // an opening mark never ends a line
    lines = wrap_text("一二三四五六七 WX01-2026", 10, unit);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] == "WX01-2026");  // a Latin word stays whole
    lines = wrap_text("第一行\n第二行", 10, unit);
    CHECK(lines == std::vector<std::string>{"第一行", "第二行"});
    // A long paragraph stays within its width everywhere.
    std::string long_text;
    for (int i = 0; i < 40; ++i) long_text += "办理结果在本窗口统一发放，";
    for (const auto& line : wrap_text(long_text, 30, unit)) {
        double width = 0;
        for (std::size_t i = 0; i < line.size(); i += 3) width += 1;  // all 3-byte characters
        CHECK(width <= 30);                                           // nothing hangs
        CHECK(line.rfind("，", 0) != 0);
    }
}

TEST_CASE("Bad templates and missing data are named precisely", "[document]") {
    testing::TempDir dir;
    const auto file = dir.path / "bad.json";
    std::ofstream(file) << R"({"format": "onewindow.template/1", "id": "bad", "version": 1,
        "page": {"size": "B5"},
        "body": [{"type": "poem"}, {"type": "paragraph", "text": "{{case.number"},
                 {"type": "table", "rows": "items", "columns": [{"header": "a", "text": "{{a}}", "width": 0.5}]}]})";
    const std::string text = check_template_file(file).to_string();
    const std::string f = file.string() + ": ";
    CHECK(text.find(f + "$.page.size: must be \"A4\" or \"A5\"") != std::string::npos);
    CHECK(text.find(f + "$.body[0].type: unknown element type \"poem\"") != std::string::npos);
    CHECK(text.find(f + "$.body[1].text: has an unclosed or empty {{binding}}") !=
          std::string::npos);
    CHECK(text.find(f + "$.body[2].columns: widths must add up to 1") != std::string::npos);

    DocumentRenderer renderer;
    auto receipt = load(templates / "receipt.json");
    auto incomplete = data(kReceipt);
    incomplete->getObject("applicant")->remove("id_masked");
    try {
        renderer.render(receipt, incomplete);
        FAIL("rendered without data");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Document);
        CHECK(std::string(e.what()).find("binding \"applicant.id_masked\" has no value") !=
              std::string::npos);
        CHECK(std::string(e.what()).find("receipt.json: $.body[") != std::string::npos);
    }
}

namespace {

/// A service item as a department would describe it, `materials` rows long.
ServiceItem generated_item(int i, const std::string& department, int materials) {
    ServiceItem item;
    char code[16];
    std::snprintf(code, sizeof code, "%06d%06d", 900 + i % 7, i);
    item.code = code;
    item.name = "生成事项" + std::to_string(i) + "登记";
    item.type = "公共服务";
    item.content = "为申请人办理登记";
    item.body = department;
    item.department_name = department;
    item.served = "自然人";
    item.theme = "生育收养";
    item.basis = "《中华人民共和国人口与计划生育法》";
    item.handling = {"窗口办理", "网上办理"};
    item.conditions = {"申请人户籍在本县", "材料真实有效"};
    item.steps = {"窗口受理", "部门审核", "统一窗口出件"};
    item.promised_days = 3;
    item.legal_days = 20;
    item.place = "魏县政务服务中心一楼综合受理窗口";
    item.hours = "工作日 8:30-12:00，14:30-17:30";
    item.enquiry_phone = "0310-3512345";
    item.complaint_phone = "0310-3519999";
    for (int m = 0; m < materials; ++m) {
        ItemMaterial material;
        material.key = "m" + std::to_string(m);
        material.name = "申请材料" + std::to_string(m + 1);
        material.source = "申请人自备";
        item.materials.push_back(material);
    }
    return item;
}

const DocumentTemplate& common_template(const char* name) {
    static std::map<std::string, DocumentTemplate> loaded;
    auto found = loaded.find(name);
    if (found == loaded.end())
        found = loaded.emplace(name, load(templates / (std::string(name) + ".json"))).first;
    return found->second;
}

BookletTemplates booklet_templates() {
    return {common_template("booklet"), common_template("contents"), common_template("guide")};
}

}  // namespace

TEST_CASE("Content taller than a page is an error naming the element, never clipped",
          "[document]") {
    testing::TempDir dir;
    const auto file = dir.path / "tall.json";
    std::ofstream(file) << R"({"format": "onewindow.template/1", "id": "tall", "version": 1,
        "page": {"size": "A5", "margins_mm": [20, 20, 20, 20]},
        "body": [{"type": "paragraph", "text": "正常的段落"},
                 {"type": "table", "rows": "rows", "columns": [
                   {"header": "名称", "text": "{{name}}", "width": 0.2},
                   {"header": "说明", "text": "{{notes}}", "width": 0.8}]}]})";
    std::string notes;
    for (int i = 0; i < 200; ++i) notes += "这一行说明文字很长，";
    auto rows = data(R"({"rows": [{"name": "短", "notes": "短"}]})");
    DocumentRenderer renderer;
    CHECK_FALSE(renderer.render(load(file), rows).empty());
    rows->getArray("rows")->getObject(0)->set("notes", notes);
    try {
        renderer.render(load(file), rows);
        FAIL("a row taller than the page was rendered");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Document);
        CHECK(std::string(e.what()) ==
              file.string() +
                  ": $.body[1]: the content does not fit on one page and would be "
                  "clipped");
    }
}

TEST_CASE("A grouped table draws one heading row per run of rows of a group", "[document]") {
    testing::TempDir dir;
    DocumentRenderer renderer;
    auto contents = data(R"({"entries": [
        {"department": "魏县民政局", "code": "000705001000", "name": "最低生活保障", "page": 3},
        {"department": "魏县民政局", "code": "000705002000", "name": "临时救助", "page": 5},
        {"department": "魏县卫生健康局", "code": "000718001001", "name": "一孩生育服务登记", "page": 7}]})");
    const auto pdf = dir.path / "contents.pdf";
    renderer.render_to_file(common_template("contents"), contents, pdf);
    const std::string text = testing::page_text(pdf, 1, true);
    CHECK(text.find("魏县民政局") != std::string::npos);
    CHECK(text.find("魏县民政局", text.find("魏县民政局") + 1) == std::string::npos);
    CHECK(text.find("魏县卫生健康局") > text.find("临时救助"));
    CHECK(text.find("魏县卫生健康局") < text.find("一孩生育服务登记"));

    Issues issues;
    const auto bad = dir.path / "bad.json";
    std::ofstream(bad) << R"({"format": "onewindow.template/1", "id": "bad", "version": 1,
        "page": {"size": "A4"}, "body": [{"type": "table", "rows": "r", "group": "{{x",
        "columns": [{"header": "a", "text": "{{a}}", "width": 1}]}]})";
    CHECK(check_template_file(bad).to_string().find(
              "$.body[0].group: has an unclosed or empty {{binding}}") != std::string::npos);
}

TEST_CASE("The guide booklet's contents name the page where each guide starts", "[document]") {
    testing::TempDir dir;
    const char* departments[] = {"魏县民政局", "魏县卫生健康局", "魏县医疗保障局", "魏县司法局"};
    std::vector<ServiceItem> items;
    for (int i = 0; i < 40; ++i)  // every fifth guide runs over two pages
        items.push_back(generated_item(i, departments[(i * 7) % 4], i % 5 == 0 ? 40 : 3));
    std::vector<const ServiceItem*> pointers;
    for (const auto& item : items) pointers.push_back(&item);
    DocumentRenderer renderer;
    const auto booklet = render_guide_booklet(renderer, booklet_templates(), pointers,
                                              {"魏县政务服务中心", "2026年11月23日"});
    const auto pdf = dir.path / "booklet.pdf";
    write_pdf_file(booklet.pdf, pdf);
    REQUIRE(testing::page_count(pdf) == booklet.pages);
    const auto cover = testing::page_text(pdf, 1);
    CHECK(cover.find("政务服务事项办事指南汇编") != std::string::npos);
    CHECK(cover.find("收录 4 个部门 40 个政务服务事项") != std::string::npos);

    const auto entries = testing::check_booklet_contents(pdf);
    testing::check_words_within_margins(pdf, 20);
    REQUIRE(entries.size() == items.size());
    REQUIRE(booklet.entries.size() == items.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        CHECK(entries[i].code == booklet.entries[i].code);
        CHECK(entries[i].page == booklet.entries[i].page);
        if (i > 0) CHECK(booklet.entries[i - 1].department <= booklet.entries[i].department);
    }
    // The last page is numbered as the last of the whole booklet.
    const std::string last = testing::page_text(pdf, booklet.pages);
    CHECK(last.find("第 " + std::to_string(booklet.pages) + " 页 共 " +
                    std::to_string(booklet.pages) + " 页") != std::string::npos);
}

TEST_CASE("A guide that does not fit its page stops the booklet, naming the item", "[document]") {
    std::vector<ServiceItem> items{generated_item(1, "魏县民政局", 3),
                                   generated_item(2, "魏县民政局", 3)};
    for (int i = 0; i < 300; ++i) items[1].materials[0].notes += "备注文字很长，";
    DocumentRenderer renderer;
    try {
        render_guide_booklet(renderer, booklet_templates(), {&items[0], &items[1]},
                             {"魏县政务服务中心", "2026年11月23日"});
        FAIL("the booklet was rendered");
    } catch (const Error& e) {
        const std::string message = e.what();
        CHECK(message.find(items[1].code) != std::string::npos);
        CHECK(message.find("生成事项2登记") != std::string::npos);
        CHECK(message.find("guide.json: $.body[") != std::string::npos);
    }
    CHECK_THROWS_AS(render_guide_booklet(renderer, booklet_templates(), {}, {"a", "b"}), Error);
}

TEST_CASE("One renderer draws two documents on two threads at once, as it draws them one by one",
          "[document]") {
    testing::TempDir dir;
    DocumentRenderer renderer;
    // A receipt with its QR code, and a booklet of several parts with its page numbering: the
    // two threads share the renderer's fonts and code points and the templates, nothing else.
    auto receipt = data(kReceipt);
    receipt->getObject("case")->set("rating_link", "https://rating.example/hcp?case=WX01-7");
    const DocumentJob receipt_job{load(templates / "receipt.json"), receipt, {}};
    GuideBookletJob booklet_job{common_template("booklet"),
                                common_template("contents"),
                                common_template("guide"),
                                {},
                                {"魏县政务服务中心", "2026年11月23日"},
                                {}};
    const char* departments[] = {"魏县民政局", "魏县卫生健康局", "魏县医疗保障局"};
    for (int i = 0; i < 6; ++i)
        booklet_job.items.push_back(generated_item(i, departments[i % 3], i % 2 ? 40 : 3));

    auto render_receipt = [&](const fs::path& out) {
        DocumentJob job = receipt_job;
        job.out = out;
        job.render(renderer);
    };
    auto render_booklet = [&](const fs::path& out) {
        GuideBookletJob job = booklet_job;
        job.out = out;
        return job.render(renderer).pages;
    };
    // One after the other first: what each must look like.
    render_receipt(dir.path / "receipt-alone.pdf");
    const int pages = render_booklet(dir.path / "booklet-alone.pdf");
    REQUIRE(pages > 8);

    // Then both at once, started together, three times each.
    constexpr int rounds = 3;
    std::latch start(2);
    std::exception_ptr failed[2];
    // Thread `slot` renders its document `rounds` times into <name>-<round>.pdf.
    auto renders = [&](int slot, const std::string& name,
                       const std::function<void(fs::path)>& draw) {
        return std::thread([&, slot, name, draw] {
            start.arrive_and_wait();
            try {
                for (int i = 0; i < rounds; ++i)
                    draw(dir.path / (name + "-" + std::to_string(i) + ".pdf"));
            } catch (...) {
                failed[slot] = std::current_exception();
            }
        });
    };
    std::thread receipts = renders(0, "receipt", render_receipt);
    std::thread booklets = renders(1, "booklet", [&](const fs::path& out) { render_booklet(out); });
    receipts.join();
    booklets.join();
    for (const auto& error : failed)
        if (error) std::rethrow_exception(error);

    auto text = [](const fs::path& pdf) {
        return testing::command_output("pdftotext -layout '" + pdf.string() + "' -");
    };
    const std::string receipt_text = text(dir.path / "receipt-alone.pdf");
    const std::string booklet_text = text(dir.path / "booklet-alone.pdf");
    REQUIRE(receipt_text.find("WX01-20261123-0007") != std::string::npos);
    REQUIRE(booklet_text.find("政务服务事项办事指南汇编") != std::string::npos);
    for (int i = 0; i < rounds; ++i) {
        INFO("round " << i);
        const fs::path receipt_pdf = dir.path / ("receipt-" + std::to_string(i) + ".pdf");
        const fs::path booklet_pdf = dir.path / ("booklet-" + std::to_string(i) + ".pdf");
        CHECK(text(receipt_pdf) == receipt_text);
        CHECK(text(booklet_pdf) == booklet_text);
        CHECK(testing::page_count(booklet_pdf) == pages);
    }
    const fs::path last = dir.path / ("receipt-" + std::to_string(rounds - 1) + ".pdf");
    const auto codes = testing::scanned_qr_codes(last, 1);  // the case number's and the rating's
    CHECK(std::count(codes.begin(), codes.end(), "https://rating.example/hcp?case=WX01-7") == 1);
    testing::check_ink(last, 1);
}
