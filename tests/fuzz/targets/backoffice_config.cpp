// The back office's configuration file (backoffice.json): parse_config().
#include "../fuzz_target.hpp"
#include "onewindow/backoffice/backoffice.hpp"

ONEWINDOW_FUZZ_TARGET(backoffice_config) {
    return onewindow::fuzz::refusals_only([&] {
        onewindow::backoffice::parse_config(onewindow::fuzz::text_of(data, size), "backoffice.json",
                                            onewindow::fuzz::scratch());
    });
}
