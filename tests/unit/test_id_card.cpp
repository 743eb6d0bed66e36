// Reading an ID card through a device plugin: the bundled simulated reader (a real .so, ABI 1.1)
// through the plugin host and the core's checks, exactly the path a real reader driver takes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/id_card.hpp"
#include "onewindow/core/json.hpp"
#include "plugin_fixture.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const fs::path demo = fs::path(ONEWINDOW_STAGE_DIR) / "share/onewindow/demo";
const Date today{2026, 11, 23};

/// The clerk reads these messages: check them in Chinese.
struct Chinese {
    Chinese() { load_default_catalog(fs::path(ONEWINDOW_STAGE_DIR) / "share/locale"); }
    ~Chinese() { clear_catalog(); }
};

struct Reader {
    Chinese chinese;
    testing::TempDir folder{"onewindow-reader"};
    std::unique_ptr<testing::PluginFixture> staged;
    explicit Reader(bool with_folder = true) {
        Poco::JSON::Object::Ptr simulator = new Poco::JSON::Object;
        if (with_folder) simulator->set("folder", folder.path.string());
        staged = std::make_unique<testing::PluginFixture>("idcard_simulator", simulator);
    }
    PluginHost& host() { return *staged->host; }
    DeviceInfo device() {
        auto readers = host().devices("id_card_reader");
        REQUIRE(readers.size() == 1);
        return readers[0];
    }
    /// Lays a card on the reader: the demo card with `edit` applied to its JSON text.
    void lay(const std::string& from = {}, const std::string& to = {}) {
        std::string text = read_text_file(demo / "idcard/card.json");
        if (!from.empty()) text.replace(text.find(from), from.size(), to);
        fs::copy_file(demo / "scans/id_card_li_na.png", folder.path / "id_card_li_na.png",
                      fs::copy_options::overwrite_existing);
        const std::string image = "../scans/id_card_li_na.png";
        if (text.find(image) != std::string::npos)
            text.replace(text.find(image), image.size(), "id_card_li_na.png");
        std::ofstream(folder.path / "card.json") << text;
    }
};

std::string error_of(Reader& reader) {
    try {
        read_id_card(reader.host(), reader.device(), today);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("The simulated reader is a device plugin the host lists and calls", "[idcard]") {
    Reader reader;
    const DeviceInfo device = reader.device();
    CHECK(device.plugin_id == "idcard_simulator");
    CHECK(device.kind == "id_card_reader");
    CHECK(device.name == "身份证阅读器（模拟）");
    CHECK(reader.host().devices("document_camera").empty());
    // A device plugin serves no department and no item.
    CHECK(reader.host().find("idcard_simulator")->manifest.items.empty());

    // Nothing on the reader: no card, no error.
    CHECK_FALSE(read_id_card(reader.host(), device, today));

    reader.lay();
    auto card = read_id_card(reader.host(), device, today);
    REQUIRE(card);
    CHECK(card->name == "李娜");
    CHECK(card->birth_date == Date{1996, 3, 15});
    CHECK_FALSE(card->expired(today));
    CHECK(card->expired(Date{2036, 4, 3}));
    CHECK(card->image == fs::weakly_canonical(reader.folder.path / "id_card_li_na.png"));
    const auto values = card->applicant_values();
    CHECK(values.at("applicant.name") == "李娜");
    CHECK(values.at("applicant.id_number") == "13043419960315024X");
    CHECK(values.at("applicant.ethnicity") == "汉族");
    CHECK(values.at("applicant.hukou_address") == "河北省邯郸市魏县魏城镇南关村 12 号");

    reader.lay("\"2036-04-02\"", "\"长期\"");
    card = read_id_card(reader.host(), device, today);
    REQUIRE(card);
    CHECK_FALSE(card->valid_until);
}

TEST_CASE("Wrong card data and reader faults are told, naming what is wrong", "[idcard]") {
    Reader reader;
    reader.lay("13043419960315024X", "130434199603150241");  // check character wrong
    CHECK(error_of(reader).find("读卡器读出的证件信息有误") != std::string::npos);
    CHECK(error_of(reader).find("$.card.id_number") != std::string::npos);

    reader.lay("\"1996-03-15\"", "\"1996-03-16\"");
    CHECK(error_of(reader).find("与公民身份号码中的出生日期不一致") != std::string::npos);
    reader.lay("\"女\"", "\"男\"");
    CHECK(error_of(reader).find("与公民身份号码中的性别不一致") != std::string::npos);
    reader.lay("id_card_li_na.png", "missing.png");
    CHECK(error_of(reader).find("$.card.image") != std::string::npos);
    reader.lay("\"issuer\"", "\"colour\": \"红\", \"issuer\"");
    CHECK(error_of(reader).find("$.card.colour") != std::string::npos);

    std::ofstream(reader.folder.path / "card.json") << "{\"name\": ";
    const std::string broken = error_of(reader);
    CHECK(broken.find("plugin idcard_simulator: device: 读卡失败：card.json") != std::string::npos);

    fs::remove_all(reader.folder.path);
    CHECK(error_of(reader).find("读卡器未连接") != std::string::npos);

    Reader unset(false);
    CHECK(error_of(unset).find("未设置读卡目录") != std::string::npos);
    try {
        unset.host().call_device("idcard_simulator", "camera", "read");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("没有名为“camera”的设备") != std::string::npos);
    }
}

TEST_CASE("Device manifests are checked like any other", "[idcard]") {
    testing::TempDir dir;
    auto write = [&](const std::string& devices) {
        std::ofstream(dir.path / "plugin.json")
            << R"({"id": "reader", "name": "读卡器", "version": "1.0.0", "vendor": "v",
                   "abi": "1.1", "items": [], "devices": )"
            << devices << R"(, "library": "reader.so", "sha256": ")" << std::string(64, 'a')
            << "\"}";
        Issues issues;
        read_manifest(dir.path / "plugin.json", issues);
        return issues.to_string();
    };
    CHECK(write(R"([{"id": "r", "kind": "id_card_reader", "name": "读卡器"}])").empty());
    CHECK(write(R"([{"id": "r", "kind": "fax", "name": "传真"}])").find("$.devices[0].kind") !=
          std::string::npos);
    CHECK(write(R"([{"id": "r", "kind": "id_card_reader"}])").find("$.devices[0].name") !=
          std::string::npos);
    // Neither items with a department nor devices: the department is asked for.
    CHECK(write("[]").find("$.department") != std::string::npos);
}
