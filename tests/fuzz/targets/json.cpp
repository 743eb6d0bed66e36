// JSON text (app/core json.cpp): every data file and every exchange body is read through
// parse_json(); the value is written back out as the page and the stores do.
#include "onewindow/core/json.hpp"
#include "../fuzz_target.hpp"

ONEWINDOW_FUZZ_TARGET(json) {
    return onewindow::fuzz::refusals_only([&] {
        onewindow::to_json(
            onewindow::parse_json(onewindow::fuzz::text_of(data, size), "fuzz.json"));
    });
}
