// A fresh temporary folder per use, removed afterwards: ctest runs test cases in parallel.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>

namespace onewindow::testing {

inline std::filesystem::path unique_temp_path(const std::string& stem) {
    static std::atomic<unsigned> serial{0};
    static const unsigned salt = std::random_device{}();
    return std::filesystem::temp_directory_path() /
           (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(salt) + "-" +
            std::to_string(serial++));
}

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& stem = "onewindow-test") : path(unique_temp_path(stem)) {
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

}  // namespace onewindow::testing
