// The counter's private files (private_files.hpp): write_new_private_file from many threads of
// one process at once, as two stores opening in one process make their audit keys.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "onewindow/core/private_files.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

std::string content_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A text that says who wrote it, long enough that two writers overlap.
std::string text_of(int thread, int round) {
    const std::string who = "thread " + std::to_string(thread) + " round " + std::to_string(round);
    return who + "\n" + std::string(16 * 1024, static_cast<char>('a' + thread)) + "\n" + who;
}

}  // namespace

TEST_CASE("write_new_private_file from many threads: each file whole, one maker each",
          "[private_files]") {
    testing::TempDir dir{"onewindow-private-files"};
    constexpr int kThreads = 6, kRounds = 20;
    // made[round][thread]: whether that thread's call made the round's shared file.
    std::vector<std::vector<char>> made(kRounds, std::vector<char>(kThreads, 0));
    std::atomic<int> failures{0};
    std::vector<std::string> errors(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            try {
                for (int r = 0; r < kRounds; ++r) {
                    // A file of its own, and one that every thread tries to make at once.
                    const fs::path own =
                        dir.path / ("own-" + std::to_string(t) + "-" + std::to_string(r));
                    if (!write_new_private_file(own, text_of(t, r))) ++failures;
                    made[r][t] = write_new_private_file(dir.path / ("shared-" + std::to_string(r)),
                                                        text_of(t, r));
                }
            } catch (const std::exception& e) {
                errors[t] = e.what();
                ++failures;
            }
        });
    for (auto& thread : threads) thread.join();
    for (const auto& error : errors) CHECK(error == "");
    CHECK(failures == 0);

    for (int r = 0; r < kRounds; ++r) {
        int makers = 0, maker = -1;
        for (int t = 0; t < kThreads; ++t)
            if (made[r][t]) ++makers, maker = t;
        INFO("round " << r);
        REQUIRE(makers == 1);  // the others found it made and kept it
        CHECK(content_of(dir.path / ("shared-" + std::to_string(r))) == text_of(maker, r));
        for (int t = 0; t < kThreads; ++t)
            CHECK(content_of(dir.path / ("own-" + std::to_string(t) + "-" + std::to_string(r))) ==
                  text_of(t, r));
    }
    // Nothing left beside them, and every file the owner's alone.
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        INFO(entry.path());
        CHECK(entry.path().extension() != ".new");
        struct stat st {};
        REQUIRE(::stat(entry.path().c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        ++files;
    }
    CHECK(files == kRounds * (kThreads + 1));
    // A file that exists is kept as it is.
    CHECK_FALSE(write_new_private_file(dir.path / "shared-0", "other"));
    CHECK(content_of(dir.path / "shared-0") != "other");
}
