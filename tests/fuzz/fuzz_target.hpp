// One fuzz target per parser of outside input (tests/fuzz/targets/*.cpp), written once and
// built two ways:
//   - the fuzz build (./setup.sh fuzz: clang, ONEWINDOW_FUZZ=ON): each target is its own
//     libFuzzer program under ASan and UBSan, ONEWINDOW_FUZZ_TARGET(name) its
//     LLVMFuzzerTestOneInput;
//   - the normal build: every target is linked into onewindow-fuzz-replay, which feeds each
//     file of a committed corpus (tests/fuzz/corpus/<name>/) through the same function, so that
//     ctest keeps every input that once crashed fixed, without clang.
// A target passes its bytes to the public parse function and lets only onewindow::Error (the
// parser's refusal with a message) end the input quietly: any other exception escaping, an
// assertion, a sanitizer report or a crash is a finding.
// Threads: libFuzzer and the replay call a target from one thread.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "onewindow/core/error.hpp"

namespace onewindow::fuzz {

using Entry = int (*)(const std::uint8_t*, std::size_t);

/// The targets linked into the replay program, by name.
inline std::map<std::string, Entry>& registry() {
    static std::map<std::string, Entry> targets;
    return targets;
}

struct Registration {
    Registration(const char* name, Entry entry) { registry()[name] = entry; }
};

/// The input as text (JSON and forms are read from text; bytes of any value may come).
inline std::string text_of(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

/// A folder of this process for the files the file-based parsers read, removed at exit.
inline const std::filesystem::path& scratch() {
    struct Scratch {
        std::filesystem::path path;
        // In memory when the machine has /dev/shm: the file-based targets write every input.
        Scratch()
            : path((std::filesystem::is_directory("/dev/shm")
                        ? std::filesystem::path("/dev/shm")
                        : std::filesystem::temp_directory_path()) /
                   ("onewindow-fuzz-" + std::to_string(::getpid()))) {
            std::filesystem::create_directories(path);
        }
        ~Scratch() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    };
    static const Scratch folder;
    return folder.path;
}

/// Writes the input to `name` in the scratch folder (or in `folder`); its path.
inline std::filesystem::path input_file(const std::uint8_t* data, std::size_t size,
                                        const std::string& name,
                                        const std::filesystem::path& folder = scratch()) {
    const auto path = folder / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

/// Runs `parse`, letting only onewindow::Error (the parser's refusal, with its message) end it
/// quietly; anything else escapes to libFuzzer (or aborts the replay) as a finding.
template <typename Parse>
int refusals_only(Parse&& parse) {
    try {
        parse();
    } catch (const onewindow::Error&) {
    }
    return 0;
}

}  // namespace onewindow::fuzz

#ifdef ONEWINDOW_FUZZ_REPLAY
#define ONEWINDOW_FUZZ_TARGET(name)                                                       \
    static int fuzz_##name(const std::uint8_t* data, std::size_t size);                   \
    static const ::onewindow::fuzz::Registration registration_##name(#name, fuzz_##name); \
    static int fuzz_##name(const std::uint8_t* data, std::size_t size)
#else
#define ONEWINDOW_FUZZ_TARGET(name) \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#endif
