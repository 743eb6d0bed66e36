// What bench.cpp and bench_postgres.cpp share: the figure printer, a temporary folder, and the
// PostgreSQL figures (bench_postgres.cpp). Single-threaded, like the whole benchmark, except
// where a figure starts threads of its own.
#pragma once

#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "onewindow/store/cases.hpp"

namespace onewindow::bench {

/// Prints "<name> <value> <unit>" unless --only names another figure.
void print(const std::string& name, double value, const char* unit);

struct Temp {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("onewindow-bench-" + std::to_string(std::random_device{}()));
    Temp() { std::filesystem::create_directories(path); }
    ~Temp() { std::filesystem::remove_all(path); }
};

/// A case of one item with one scan, taken in at `counter`; the scan is written in `dir`.
using AcceptRequestFactory =
    std::function<AcceptRequest(const std::string& counter, const std::filesystem::path& dir)>;

// The figures of issue 14, each on a PostgreSQL server of its own.
void pg_accept_commit(const std::filesystem::path& stage, const AcceptRequestFactory& request);
void pg_centre_counters(const std::filesystem::path& stage, const AcceptRequestFactory& request);
void pg_centre_log(const std::filesystem::path& stage);
void pg_poco_data_vs_libpq();
void pg_material_put(const std::filesystem::path& stage);
void pg_store_merge(const std::filesystem::path& stage, const AcceptRequestFactory& request);

/// Runs `sql` on the database at `url` (libpq).
void exec(const std::string& url, const std::string& sql);

}  // namespace onewindow::bench
