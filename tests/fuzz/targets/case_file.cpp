// A case file for onewindow-cli intake (app/cli/demo/*.json): IntakeRequest::load(), which
// reads the file and hands the object to IntakeRequest::from_json().
#include "../fuzz_target.hpp"
#include "onewindow/core/counter.hpp"

ONEWINDOW_FUZZ_TARGET(case_file) {
    const auto file = onewindow::fuzz::input_file(data, size, "case.json");
    return onewindow::fuzz::refusals_only([&] { onewindow::IntakeRequest::load(file); });
}
