// onewindow-fuzz-replay <target> <file or folder>...: feeds every file through the target's
// entry function (the same one libFuzzer calls, fuzz_target.hpp) in the normal build, so that
// ctest replays the committed corpora without clang. Exit code 0 when every input was
// handled; a finding aborts (an uncaught exception) or crashes the program, naming the file on
// stderr first.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    const auto& targets = onewindow::fuzz::registry();
    if (argc < 3 || !targets.count(argv[1])) {
        std::cerr << "usage: onewindow-fuzz-replay <target> <file or folder>...\ntargets:";
        for (const auto& [name, entry] : targets) std::cerr << ' ' << name;
        std::cerr << '\n';
        return 64;
    }
    const auto entry = targets.at(argv[1]);
    std::vector<fs::path> files;
    for (int i = 2; i < argc; ++i) {
        if (fs::is_directory(argv[i])) {
            for (const auto& file : fs::directory_iterator(argv[i]))
                if (file.is_regular_file()) files.push_back(file.path());
        } else {
            files.emplace_back(argv[i]);
        }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        std::cerr << "no input files in the corpus\n";
        return 1;
    }
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        std::cerr << "replay " << file.filename().string() << std::endl;
        entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::cout << argv[1] << ": " << files.size() << " inputs replayed" << std::endl;
    return 0;
}
