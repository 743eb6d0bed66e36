// A simulated resident ID card reader (居民身份证阅读器). A real reader's driver plugin talks to
// the USB device (the GA 467 security module) and answers the host's "read" with the card's
// data; this one answers it with the card that "lies on the reader": the newest *.json file in
// the folder of its settings ({"folder": "/path"}), in the card format of abi.h, whose "image"
// may name a card image relative to that file. No file: no card. It never writes anything.
#include <onewindow/sdk/plugin.hpp>

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

namespace fs = std::filesystem;

namespace {

using onewindow::sdk::Object;
using onewindow::sdk::PluginError;

class IdCardSimulator : public onewindow::sdk::Plugin {
  public:
    void init(const Object& host) override {
        if (auto settings = host->getObject("settings"))
            folder_ = settings->optValue<std::string>("folder", "");
    }

    Object device(const Object& request) override {
        const std::string device = request->optValue<std::string>("device", "");
        const std::string action = request->optValue<std::string>("action", "");
        if (device != "reader") throw PluginError("没有名为“" + device + "”的设备");
        if (action != "read") throw PluginError("读卡器不支持操作“" + action + "”");
        if (folder_.empty()) throw PluginError("读卡器未设置读卡目录（插件设置 folder）");
        if (!fs::is_directory(folder_)) throw PluginError("读卡器未连接：找不到目录 " + folder_);
        Object answer = new Poco::JSON::Object;
        const auto file = newest_card();
        if (!file) {
            answer->set("card", Poco::Dynamic::Var());  // null: no card on the reader
            return answer;
        }
        answer->set("card", read_card(*file));
        return answer;
    }

  private:
    std::optional<fs::path> newest_card() const {
        std::optional<fs::path> newest;
        fs::file_time_type newest_time{};
        for (const auto& entry : fs::directory_iterator(folder_)) {
            if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
            const auto time = entry.last_write_time();
            if (!newest || time > newest_time || (time == newest_time && entry.path() > *newest)) {
                newest = entry.path();
                newest_time = time;
            }
        }
        return newest;
    }

    static Object read_card(const fs::path& file) {
        std::ifstream in(file);
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        Object card;
        try {
            Poco::JSON::Parser parser;
            card = parser.parse(text).extract<Object>();
        } catch (const std::exception& e) {
            throw PluginError("读卡失败：" + file.filename().string() + " 不是有效的证件数据（" +
                              e.what() + "）");
        }
        if (!card) throw PluginError("读卡失败：" + file.filename().string() + " 不是 JSON 对象");
        // The image is named relative to the card file; the host gets an absolute path.
        const std::string image = card->optValue<std::string>("image", "");
        if (!image.empty() && fs::path(image).is_relative())
            card->set("image", fs::weakly_canonical(file.parent_path() / image).string());
        return card;
    }

    std::string folder_;
};

}  // namespace

ONEWINDOW_PLUGIN(IdCardSimulator)
