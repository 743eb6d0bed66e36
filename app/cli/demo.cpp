// `onewindow-cli demo`: the bundled demo. Prepares a counter data folder (counter settings, the
// bundled plugins trusted as an administrator would), then walks through a morning at the window:
// the plugins, the catalogue, one complete first-child registration (accepted, receipt printed)
// and one second-child registration with materials missing (one-time notice printed), and the
// audit chain verified. Every step calls the same core operations the shell uses.
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/intake.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/supervision.hpp"

namespace fs = std::filesystem;

namespace onewindow {

int run_demo(const std::string& data, const std::optional<std::string>& store, std::ostream& out,
             std::ostream& err) {
    const fs::path data_dir = fs::absolute(data);
    fs::create_directories(data_dir);

    prepare_demo_data(data_dir, store);

    auto counter = Counter::open(Counter::Options{install_root(), data_dir, store});
    out << "== " << tr("OneWindow demo") << " — " << counter->config().name << " ("
        << counter->config().code << ")\n\n";

    out << "== " << tr("Plugins") << '\n';
    for (const auto& p : counter->plugins().plugins())
        out << "  " << p.manifest.id << ' ' << p.manifest.version << "  "
            << p.manifest.department_name << "  " << state_name(p.state)
            << (p.error.empty() ? "" : "  " + p.error) << '\n';
    for (const auto& issue : counter->load_issues().list()) err << issue.to_string() << '\n';

    out << "\n== " << tr("Service items") << '\n';
    for (const auto& item : counter->catalogue().items())
        out << "  " << item.code << "  " << item.name << "  " << item.department_name << '\n';

    const fs::path demo_dir = share_dir() / "demo";
    const Session session = Session::local_operator(*counter);
    Intake intake(session);
    int status = 0;
    auto take_in = [&](const char* file) {
        out << "\n== " << trf("Intake of {}", file) << '\n';
        auto request = IntakeRequest::load(demo_dir / file);
        request.now = demo_intake_time(local_timestamp_now());  // never at lunch
        auto outcome = intake.accept(request);
        if (outcome.kind == IntakeOutcome::Kind::Accepted) {
            auto pdf = data_dir / ("receipt-" + outcome.number + ".pdf");
            intake.print_receipt(outcome.number, pdf);
            out << "  " << trf("Case {} accepted", outcome.number) << '\n'
                << "  " << trf("Receipt written to {}", pdf.string()) << '\n';
        } else if (outcome.kind == IntakeOutcome::Kind::Notice) {
            auto pdf = data_dir / ("notice-" + outcome.number + ".pdf");
            intake.print_notice(outcome.number, pdf);
            out << "  " << trf("Materials are missing: one-time notice {} issued", outcome.number)
                << '\n';
            for (const auto& p : outcome.problems)
                out << "    - " << p.subject << "：" << p.reason << '\n';
            out << "  " << trf("Notice written to {}", pdf.string()) << '\n';
        } else {
            out << "  " << tr("The form has errors; nothing was recorded:") << '\n';
            for (const auto& p : outcome.problems)
                out << "    - " << p.subject << "：" << p.reason << '\n';
            status = 1;
        }
    };
    take_in("first_child_complete.json");
    take_in("second_child_incomplete.json");

    auto audit = Supervision(session).verify_audit();
    out << "\n== " << tr("Audit log") << '\n'
        << "  "
        << (audit.ok ? trf("Audit log intact: {} events verified", std::to_string(audit.events))
                     : trf("Audit log broken at event {}: {}",
                           std::to_string(audit.first_broken_id), audit.message))
        << '\n';
    out << '\n' << trf("Data folder: {}", data_dir.string()) << '\n';
    return audit.ok ? status : static_cast<int>(ErrorKind::Integrity);
}

}  // namespace onewindow
